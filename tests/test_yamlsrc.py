"""The YAML reader: positions, safe tags, limits."""

import datetime as dt

from generator.errors import Report
from generator.content.yamlsrc import parse_yaml


def problems(text: str) -> list[str]:
    report = Report()
    parse_yaml(text, "t.yml", report)
    return [p.format() for p in report.problems]


def test_values_and_positions():
    report = Report()
    doc = parse_yaml("a: 1\nb:\n  - 2023-03-31\n  - '*'\nc: |\n  x\n  y\n", "t.yml", report)
    assert doc.data == {"a": 1, "b": [dt.date(2023, 3, 31), "*"], "c": "x\ny\n"}
    assert doc.where.at(("b", 1)) == (4, 5)
    assert doc.where.at(("a",), key=True) == (1, 1)
    assert doc.where.line_in_text(("c",), 1) == (7, 3)
    assert not report.problems


def test_yaml_1_2_keeps_yes_and_no_as_text():
    report = Report()
    assert parse_yaml("a: yes\nb: no\nc: 007\n", "t.yml", report).data == {"a": "yes", "b": "no", "c": 7}


def test_python_tag_is_refused():
    assert problems("a: !!python/object/apply:os.system ['echo hi']\n") == [
        "t.yml:1:4: 错误: 不支持的 YAML 标签“!!python/object/apply:os.system”，内容文件只能包含普通的文本、数字、日期、列表和映射"
    ]


def test_custom_tag_is_refused():
    assert problems("a: !secret x\n") == ["t.yml:1:4: 错误: 不支持的 YAML 标签“!secret”，内容文件只能包含普通的文本、数字、日期、列表和映射"]


def test_syntax_error_has_position_and_chinese_text():
    assert problems("a: b: c\n") == ["t.yml:1:5: 错误: YAML 语法错误：此处不能出现“键: 值”（是否缺少缩进或引号？）"]


def test_duplicate_key():
    assert problems("a: 1\na: 2\n") == ["t.yml:2:1: 错误: 重复的键“a”"]


def test_merge_key_is_refused():
    assert problems("x: &x {a: 1}\ny:\n  <<: *x\n") == ["t.yml:3:3: 错误: 不支持合并键“<<”，请把内容写全"]


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    found = problems("\n".join(lines) + "\n")
    assert len(found) == 1 and "可能是别名展开炸弹" in found[0]


def test_deep_nesting_is_refused():
    found = problems("a: " + "[" * 100 + "]" * 100 + "\n")
    assert len(found) == 1 and "嵌套过深" in found[0]


def test_a_folded_block_is_text_not_a_bad_character():
    """`>` blocks: ruamel's round-trip scanner marks each fold with U+0007; the value is the folded text."""
    from generator.content.yamlsrc import parse_yaml
    from generator.errors import Report

    report = Report()
    document = parse_yaml("summary: >\n  第一行\n  第二行\n\n  新段落\n", "x.yml", report)
    assert report.problems == [] and document.data["summary"] == "第一行 第二行\n新段落\n"
