"""The editor's save engine: only the lines of changed values change (generator/editor/roundtrip.py)."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import REPO, copy_sample
from generator.commands.scaffold import new_case, new_issue, new_model
from generator.config import Settings
from generator.content.yamlsrc import parse_yaml
from generator.editor.roundtrip import RoundTripError, apply_changes, load_plain
from generator.errors import Report

CONTENT_FILES = sorted(p for p in (REPO / "content").rglob("*") if p.suffix in (".yml", ".yaml"))

COMMENTED = textwrap.dedent("""\
    # 示例简报 2024 年第 3 期（总第 12 期）
    # 所属简报系列
    series: demo
    year: 2024
    number: 3          # 年度期号
    total: 12          # 总期号
    kind: regular      # regular | supplement | special
    # 编印日期
    date: 2024-03-10
    classification: '内部资料'   # 左上角标记
    draft: false
    # 本期文章
    articles:
      # 引用典型案例
      - case: jinzhong-six-focus
      # 直接写正文
      - title: "关于“六聚焦”的报道"
        body: |
          **上下联动、高位推动。**市级成立领导小组。

          第二段正文。
        # 小节
        sections:
          - heading: 聚焦组织设计
            body: 小节正文。
            points:
              - {lead: 上下联动, text: 市级成立……}
    # 报尾
    distribution:
      - {label: 发, to: [各市县乡村振兴局]}   # 发文对象
      - label: 送
        to:
          - 省委、省政府分管领导
          - 省直相关单位
    # 印发单位
    printed_by: 示例局办公室
    printed_date: 2024-03-10   # 印发日期
    # 共印份数
    copies: 200
    """)

HOSTILE = [
    "键: 值", "a # b", "#开头", "*星号", "&锚点", "!标签", "'单引号", '"双引号', "{花括号}", "- 短横",
    "---", "...", "第一行\n第二行", "末尾换行\n", "制表\t符", "全角：冒号，逗号；【括号】", "长" * 3000,
    "<script>alert(1)</script>", "  前后空格  ", "", "true", "null", "7", "2023-03-31", "1e3", "~", "@at", "`反引号",
    "%百分号", "|竖线", ">大于", "\\反斜杠", "a: b\n  c: d", "\n开头换行", "行尾空格 \n下一行",
    "窗口\r\n换行\r\n", "回车\r", "\x85下一行", "行分隔\u2028段分隔\u2029", "\ufeff零宽", "\u3000全角空格\u3000", "  缩进\n第二行",
    "?问号开头", ": 冒号开头", "? 问号空格", ":冒号",
]


def changed(new_text: str, old_text: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) of a line diff."""
    diff = list(difflib.ndiff(old_text.splitlines(), new_text.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def edited(text: str, change) -> tuple[str, Any]:
    """Apply `change` to the file's plain values; the saved text (checked to load back) and the values."""
    new = load_plain(text)
    change(new)
    out = apply_changes(text, new)
    assert load_plain(out) == new
    return out, new


def with_key(mapping: dict, after: str, key: str, value: Any) -> dict:
    """A copy of mapping with key inserted right after `after`."""
    items = list(mapping.items())
    at = [k for k, _ in items].index(after) + 1
    return dict(items[:at] + [(key, value)] + items[at:])


# ---------------------------------------------------------------- identity

@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_an_unchanged_content_file_comes_back_byte_for_byte(path: Path):
    text = path.read_bytes().decode("utf-8")
    assert apply_changes(text, load_plain(text)) == text


SCAFFOLDS = ["issue", "issue-of-a-series-without-distribution", "issue-without-total", "case", "model"]


@pytest.fixture(scope="module")
def scaffolds(tmp_path_factory) -> dict[str, str]:
    """The files `jianbao new issue/case/model` write, on the sample and on projects that differ."""
    sample = copy_sample(tmp_path_factory.mktemp("scaffold") / "project")
    settings = Settings.create(sample, environ={})
    bare = tmp_path_factory.mktemp("bare")
    (bare / "content").mkdir()
    (bare / "content" / "series.yml").write_text("- id: demo\n  name: 示例简报\n  masthead: [示例, 简报]\n  issuer: 示例局\n", encoding="utf-8")
    (bare / "mkdocs.yml").write_text("site_name: 示例\n", encoding="utf-8")
    return {
        "issue": new_issue(settings, None, dt.date(2023, 4, 30), "regular").path.read_text(encoding="utf-8"),
        "issue-of-a-series-without-distribution": new_issue(Settings.create(bare, environ={}), None, dt.date(2024, 1, 5), "regular").path.read_text(encoding="utf-8"),
        "issue-without-total": new_issue(settings, None, dt.date(2023, 5, 30), "special").path.read_text(encoding="utf-8"),
        "case": new_case(settings, "new-case").read_text(encoding="utf-8"),
        "model": new_model(settings, "new-model").read_text(encoding="utf-8"),
    }


@pytest.mark.parametrize("kind", SCAFFOLDS)
def test_an_unchanged_scaffold_comes_back_byte_for_byte(scaffolds, kind):
    text = scaffolds[kind]
    assert apply_changes(text, load_plain(text)) == text


@pytest.mark.parametrize("text", [
    COMMENTED,
    "\ufeff" + COMMENTED,
    COMMENTED.replace("\n", "\r\n"),
    "\ufeff" + COMMENTED.replace("\n", "\r\n"),
    COMMENTED.rstrip("\n"),
    "%YAML 1.2\n---\n" + COMMENTED,
    "# 头注释\n---\n" + COMMENTED,
    COMMENTED + "\n\n# 文件末尾的注释\n",
    "a: 1\n\n\nb: 2\n",
    "a:\n    b: 1\n    c:\n    -   x\n    -   y\n",
    "list:\n- a\n- b\nmap:\n  k: v\n",
    "- a\n- b\n",
    "# 只有注释\n",
    "",
], ids=["commented", "bom", "crlf", "bom-crlf", "no-final-newline", "yaml-directive", "document-start",
         "end-comments", "blank-lines", "indent-4", "offset-0", "top-level-list", "comments-only", "empty"])
def test_an_unchanged_file_of_any_layout_comes_back_byte_for_byte(text):
    assert apply_changes(text, load_plain(text)) == text


# ---------------------------------------------------------------- one value, one line

@pytest.mark.parametrize("path, value, line", [
    (("number",), 4, "number: 4          # 年度期号"),
    (("total",), 13, "total: 13          # 总期号"),
    (("date",), dt.date(2024, 4, 1), "date: 2024-04-01"),
    (("draft",), True, "draft: true"),
    (("printed_by",), "示例局综合处", "printed_by: 示例局综合处"),
    (("copies",), 300, "copies: 300"),
    (("articles", 0, "case"), "county-six-moves", "  - case: county-six-moves"),
    (("articles", 1, "sections", 0, "heading"), "聚焦集成支持", "      - heading: 聚焦集成支持"),
    (("distribution", 0, "to", 0), "各市乡村振兴局", "  - {label: 发, to: [各市乡村振兴局]}    # 发文对象"),
    (("distribution", 1, "to", 1), "省直有关单位", "      - 省直有关单位"),
    (("articles", 1, "sections", 0, "points", 0, "text"), "新的要点。", "          - {lead: 上下联动, text: 新的要点。}"),
])
def test_changing_one_field_of_a_commented_file_changes_that_line_only(path, value, line):
    def change(new):
        target = new
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    out, _ = edited(COMMENTED, change)
    removed, added = changed(out, COMMENTED)
    assert len(removed) == 1 and added == [line]
    assert [i for i, (a, b) in enumerate(zip(out.splitlines(), COMMENTED.splitlines())) if a != b] == [COMMENTED.splitlines().index(removed[0])]


def test_a_changed_block_text_changes_only_its_lines_and_stays_a_literal_block():
    out, _ = edited(COMMENTED, lambda new: new["articles"][1].update(body="**上下联动、高位推动。**市级成立工作专班。\n\n第二段正文。\n第三段。\n"))
    removed, added = changed(out, COMMENTED)
    assert removed == ["      **上下联动、高位推动。**市级成立领导小组。"]
    assert added == ["      **上下联动、高位推动。**市级成立工作专班。", "      第三段。"]
    assert "    body: |\n" in out


@pytest.mark.parametrize("text, value, expected", [
    ("unit: \"%\"\n", "元", "unit: \"元\"\n"),
    ("unit: '%'\n", "元", "unit: '元'\n"),
    ("title: '关于“六聚焦”的报道'   # 标题\n", "新的标题文字", "title: '新的标题文字'       # 标题\n"),  # the comment keeps its column
    ("title: '短'   # 标题\n", "长一些的标题", "title: '长一些的标题' # 标题\n"),  # … or follows one space after a longer value
    ("title: 关于\n", "新标题", "title: 新标题\n"),
    ("title: 关于\n", "a: b", "title: 'a: b'\n"),
    ("title: 关于\n", "第一行\n第二行\n", "title: |\n  第一行\n  第二行\n"),
])
def test_a_changed_text_keeps_its_quoting(text, value, expected):
    out, _ = edited(text, lambda new: new.update(title=value) if "title" in new else new.update(unit=value))
    assert out == expected


@pytest.mark.parametrize("text, value, expected", [
    ("x: p  # 注\n# 下一项\ny: 1\n", "a\nb\n", "x: |\n  a\n  b\n# 注\n# 下一项\ny: 1\n"),
    ("m:\n  x: p  # 注\ny: 1\n", "a\nb\n", "m:\n  x: |\n    a\n    b\n  # 注\ny: 1\n"),
    ("l:\n  - p  # 注\ny: 1\n", "a\nb\n", "l:\n  - |\n    a\n    b\n  # 注\ny: 1\n"),
    ("x: p\n\ny: 1\n", "a\nb\n", "x: |\n  a\n  b\n\ny: 1\n"),
])
def test_a_text_that_becomes_a_block_moves_its_end_of_line_comment_below_it(text, value, expected):
    new = load_plain(text)
    target = new["m"] if "m" in new else new
    if "l" in new:
        new["l"][0] = value
    else:
        target["x"] = value
    assert apply_changes(text, new) == expected


@pytest.mark.parametrize("value", ["\n", "\n\n", "a\n\n", " \n", "\n\na\n"])
def test_a_text_a_block_cannot_hold_whatever_follows_is_quoted(value):
    for text in ("x: p\n# 注\ny: 1\n", "x: p\n\ny: 1\n", "x: |\n  a\n\n# 注\ny: 1\n"):
        out = apply_changes(text, {"x": value, "y": 1})
        assert load_plain(out) == {"x": value, "y": 1}


# ---------------------------------------------------------------- lists

def test_adding_a_case_article_and_an_inline_article_keeps_every_existing_line():
    out, new = edited(COMMENTED, lambda new: new["articles"].extend([
        {"case": "county-six-moves"},
        {"title": "新文章", "body": "**导语。**正文。\n"},
    ]))
    removed, added = changed(out, COMMENTED)
    assert removed == []
    assert added == ["  - case: county-six-moves", "  - title: 新文章", "    body: |", "      **导语。**正文。"]
    assert out.index("  - title: 新文章") < out.index("# 报尾")  # the comment of the next key stays above it


def test_a_new_distribution_group_follows_the_flow_style_of_the_groups_before_it():
    text = "distribution:\n  - {label: 发, to: [各县]}\nprinted_by: 示例局\n"
    out, _ = edited(text, lambda new: new["distribution"].append({"label": "报", "to": ["省委", "省政府"]}))
    assert out == "distribution:\n  - {label: 发, to: [各县]}\n  - {label: 报, to: [省委, 省政府]}\nprinted_by: 示例局\n"


def test_a_new_distribution_group_follows_the_block_style_of_the_group_before_it():
    out, _ = edited(COMMENTED, lambda new: new["distribution"].append({"label": "抄送", "to": ["市委"]}))
    removed, added = changed(out, COMMENTED)
    assert removed == [] and added == ["  - label: 抄送", "    to:", "      - 市委"]
    assert "      - 省直相关单位\n  - label: 抄送\n    to:\n      - 市委\n# 印发单位\n" in out


def test_a_new_recipient_goes_into_a_flow_list_as_flow_and_into_a_block_list_as_block():
    def change(new):
        new["distribution"][0]["to"].append("各县（市、区）")
        new["distribution"][1]["to"].append("省委督导组")
    out, _ = edited(COMMENTED, change)
    removed, added = changed(out, COMMENTED)
    assert removed == ["  - {label: 发, to: [各市县乡村振兴局]}   # 发文对象"]
    assert added == ["  - {label: 发, to: [各市县乡村振兴局, 各县（市、区）]} # 发文对象", "      - 省委督导组"]
    assert "      - 省委督导组\n# 印发单位\n" in out


def test_removing_a_list_item_removes_its_lines_and_keeps_the_comment_after_the_list():
    out, _ = edited(COMMENTED, lambda new: new["distribution"][1]["to"].pop())
    assert changed(out, COMMENTED) == (["      - 省直相关单位"], [])
    out, _ = edited(COMMENTED, lambda new: new["distribution"].pop())
    assert changed(out, COMMENTED) == (["  - label: 送", "    to:", "      - 省委、省政府分管领导", "      - 省直相关单位"], [])
    assert "# 印发单位\nprinted_by" in out


def test_removing_the_last_flow_item_keeps_the_comment_after_the_list():
    text = "- id: a\n  distribution:\n    - {label: 发, to: [x]}\n    - {label: 送, to: [y]}\n# 第二个系列\n- id: b\n"
    out, _ = edited(text, lambda new: new[0]["distribution"].pop())
    assert out == "- id: a\n  distribution:\n    - {label: 发, to: [x]}\n# 第二个系列\n- id: b\n"


def test_emptying_a_list_keeps_the_comment_after_it():
    out, _ = edited(COMMENTED, lambda new: new["distribution"][1].update(to=[]))
    assert "  - label: 送\n    to: []\n# 印发单位\n" in out


@pytest.mark.parametrize("items, expected", [
    (["a", "b"], "tags: [a, b]\nnext: 1\n"),
    ([{"label": "发", "to": ["x"]}], "tags:\n  - label: 发\n    to:\n      - x\nnext: 1\n"),
])
def test_an_empty_flow_list_stays_flow_for_scalars_and_turns_block_for_mappings(items, expected):
    out, _ = edited("tags: []\nnext: 1\n", lambda new: new.update(tags=items))
    assert out == expected


def test_a_flow_list_of_tags_grows_in_place():
    text = "tags: [组织建设, 要素保障]   # 标签\n"
    out, _ = edited(text, lambda new: new["tags"].append("人才引育"))
    assert out == "tags: [组织建设, 要素保障, 人才引育] # 标签\n"


def test_an_empty_value_that_gets_a_list_becomes_a_block_list():
    out, _ = edited("to:\nnext: 1\n", lambda new: new.update(to=["甲", "乙"]))
    assert out == "to:\n  - 甲\n  - 乙\nnext: 1\n"


# ---------------------------------------------------------------- keys

def test_removing_an_optional_key_removes_its_line_and_its_description_only():
    out, _ = edited(COMMENTED, lambda new: new.pop("copies"))
    assert changed(out, COMMENTED) == (["# 共印份数", "copies: 200"], [])
    out, _ = edited(COMMENTED, lambda new: new.pop("classification"))
    assert changed(out, COMMENTED) == (["classification: '内部资料'   # 左上角标记"], [])


def test_removing_a_key_keeps_the_comments_that_describe_the_next_key():
    out, _ = edited(COMMENTED, lambda new: new.pop("date"))
    assert changed(out, COMMENTED) == (["# 编印日期", "date: 2024-03-10"], [])
    out, _ = edited(COMMENTED, lambda new: new.pop("draft"))
    assert changed(out, COMMENTED) == (["draft: false"], [])
    assert "classification: '内部资料'   # 左上角标记\n# 本期文章\narticles:" in out


def test_removing_a_key_with_a_block_value_keeps_the_comment_after_it():
    out, _ = edited(COMMENTED, lambda new: new["articles"][1].pop("sections"))
    removed, added = changed(out, COMMENTED)
    assert removed == ["    # 小节", "    sections:", "      - heading: 聚焦组织设计", "        body: 小节正文。", "        points:", "          - {lead: 上下联动, text: 市级成立……}"]
    assert added == [] and "      第二段正文。\n# 报尾\ndistribution:" in out


def test_removing_the_first_key_keeps_the_header_comments():
    out, _ = edited(COMMENTED, lambda new: new.pop("series"))
    assert changed(out, COMMENTED) == (["series: demo"], [])


def test_removing_a_key_keeps_a_commented_out_example_above_it():
    text = "region: 山西省\n# model: six-practical-moves   # 可选\ndate: 2023-03-31\n# 草稿\ndraft: true\n"
    out, _ = edited(text, lambda new: new.pop("date"))
    assert out == "region: 山西省\n# model: six-practical-moves   # 可选\n# 草稿\ndraft: true\n"


def test_a_new_key_lands_after_the_key_before_it_in_the_forms_order():
    out, _ = edited(COMMENTED, lambda new: new.update(editor="张三"))
    assert changed(out, COMMENTED) == ([], ["editor: 张三"]) and out.endswith("copies: 200\neditor: 张三\n")
    new = with_key(load_plain(COMMENTED), "printed_by", "editor", "张三")
    out = apply_changes(COMMENTED, new)
    assert "printed_by: 示例局办公室\neditor: 张三\nprinted_date: 2024-03-10   # 印发日期\n" in out
    assert changed(out, COMMENTED) == ([], ["editor: 张三"])


def test_a_new_key_goes_below_the_comments_that_describe_the_key_after_it():
    new = with_key(load_plain(COMMENTED), "printed_date", "editor", "张三")
    out = apply_changes(COMMENTED, new)
    assert "printed_date: 2024-03-10   # 印发日期\neditor: 张三\n# 共印份数\ncopies: 200\n" in out


def test_a_new_key_with_no_key_before_it_goes_first():
    assert apply_changes("b: 1\nc: 2\n", {"a": 0, "b": 1, "c": 2}) == "a: 0\nb: 1\nc: 2\n"


def test_a_new_key_in_an_article_goes_before_the_comment_of_the_next_top_level_key():
    text = "articles:\n  - title: 标题\n    body: |\n      正文\n# 报尾\ndistribution: []\n"
    out, _ = edited(text, lambda new: new["articles"][0].update(sections=[{"heading": "小节", "body": "正文"}]))
    assert out == "articles:\n  - title: 标题\n    body: |\n      正文\n    sections:\n      - heading: 小节\n        body: 正文\n# 报尾\ndistribution: []\n"


@pytest.mark.parametrize("kind, key, value, after, gone", [
    ("issue", "copies", 300, "printed_date", "# copies: 200"),
    ("issue", "classification", "内部资料", "date", "# classification: 内部资料"),
    ("case", "model", "six-practical-moves", "region", "# model: six-practical-moves"),
    ("model", "full_name", "全称", "name", "# full_name:"),
])
def test_filling_an_optional_field_of_a_scaffold_replaces_its_commented_out_example(scaffolds, kind, key, value, after, gone):
    text = scaffolds[kind]
    new = with_key(load_plain(text), after, key, value)
    out = apply_changes(text, new)
    removed, added = changed(out, text)
    assert added == [f"{key}: {value}"] and len(removed) == 1 and removed[0].startswith(gone)


def test_filling_sections_of_the_scaffold_article_replaces_the_commented_out_example(scaffolds):
    text = scaffolds["issue"]
    out, _ = edited(text, lambda new: new["articles"][0].update(sections=[{"heading": "小节", "body": "正文。"}]))
    removed, added = changed(out, text)
    assert all(line.lstrip().startswith("#") for line in removed) and "# sections:" in removed[0]
    assert added == ["    sections:", "      - heading: 小节", "        body: 正文。"]


# ---------------------------------------------------------------- series.yml, a top-level list

def test_editing_the_series_list_changes_only_its_lines():
    text = (REPO / "content" / "series.yml").read_text(encoding="utf-8")
    out, _ = edited(text, lambda new: new[0].update(issuer="山西省农业农村厅"))
    assert changed(out, text) == (["  issuer: 山西省乡村振兴局"], ["  issuer: 山西省农业农村厅"])


def test_a_new_series_and_a_new_default_group_follow_the_list_style():
    text = (REPO / "content" / "series.yml").read_text(encoding="utf-8")
    def change(new):
        new[0]["distribution"].append({"label": "送", "to": ["省委"]})
        new.append({"id": "other", "name": "另一简报", "masthead": ["另一", "简报"], "issuer": "某局"})
    out, _ = edited(text, change)
    removed, added = changed(out, text)
    assert removed == []
    assert added == ["    - {label: 送, to: [省委]}", "- id: other", "  name: 另一简报", "  masthead: [另一, 简报]", "  issuer: 某局"]


# ---------------------------------------------------------------- values by meaning

@pytest.mark.parametrize("value, written, kind", [
    (74, "74", int),
    (74.0, "74", int),
    (75.0, "75", int),
    (74.5, "74.5", float),
    ("74", "'74'", str),
    ("*", "'*'", str),
    (True, "true", bool),
    (None, "", type(None)),
])
def test_numbers_are_compared_by_meaning_and_keep_their_form(value, written, kind):
    text = "value: 74   # 数值\nunit: \"%\"\n"
    out = apply_changes(text, {"value": value, "unit": "%"})
    first, comment = out.splitlines()[0].split("#")
    assert first.rstrip() == f"value: {written}".rstrip() and comment == " 数值" and out.endswith("\nunit: \"%\"\n")
    assert load_plain(out) == {"value": value, "unit": "%"} and type(load_plain(out)["value"]) is kind


def test_a_float_stays_a_float_where_the_file_has_one():
    assert apply_changes("value: 7.5\n", {"value": 8.0}) == "value: 8.0\n"
    assert apply_changes("value: 7.50\n", {"value": 7.5}) == "value: 7.50\n"


@pytest.mark.parametrize("value, line", [
    (dt.date(2023, 4, 1), "date: 2023-04-01"),
    ("2023-04-01", "date: '2023-04-01'"),
    ("2024-13-01", "date: '2024-13-01'"),
    (dt.date(2023, 3, 31), "date: 2023-03-31"),
])
def test_a_date_and_its_text_differ(value, line):
    out = apply_changes("date: 2023-03-31   # 日期\n", {"date": value})
    assert out.splitlines()[0].split("#")[0].rstrip() == line and load_plain(out) == {"date": value}


def test_a_text_that_looks_like_a_date_is_kept_as_text():
    assert apply_changes("date: '2023-03-31'\n", {"date": "2023-03-31"}) == "date: '2023-03-31'\n"
    assert apply_changes("n: '7'\n", {"n": 7}) == "n: 7\n"


# ---------------------------------------------------------------- BOM, CRLF, header, final newline

def test_bom_and_crlf_are_kept_on_a_change():
    text = "\ufeff" + COMMENTED.replace("\n", "\r\n")
    out = apply_changes(text, {**load_plain(text), "number": 4})
    assert out.startswith("\ufeff") and "\r\nnumber: 4          # 年度期号\r\n" in out and out.count("\r\n") == out.count("\n")
    assert out.replace("\r\nnumber: 4 ", "\r\nnumber: 3 ") == text


def test_header_and_missing_final_newline_are_kept_on_a_change():
    text = "%YAML 1.2\n---\na: 1\nb: 2"
    assert apply_changes(text, {"a": 1, "b": 3}) == "%YAML 1.2\n---\na: 1\nb: 3"


def test_a_file_of_comments_only_keeps_them_above_the_new_values():
    assert apply_changes("# 说明\n", {"a": 1}) == "# 说明\na: 1\n"


# ---------------------------------------------------------------- hostile text

@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_reads_back_as_typed(value):
    def change(new):
        new["printed_by"] = value
        new["articles"][1]["title"] = value
        new["articles"][1]["body"] = value
        new["distribution"][0]["to"].append(value)
        new["distribution"][1]["to"][0] = value
        new["articles"].append({"title": value, "body": value})
    out, _ = edited(COMMENTED, change)
    assert "示例局办公室" not in out


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_a_new_flow_group_reads_back_as_typed(value):
    text = "distribution:\n  - {label: 发, to: [各县]}\n"
    edited(text, lambda new: new["distribution"].append({"label": value, "to": [value, "x"]}))


def test_a_very_long_line_is_not_wrapped():
    out, _ = edited(COMMENTED, lambda new: new.update(printed_by="很长的单位名称，" * 300))
    assert changed(out, COMMENTED) == (["printed_by: 示例局办公室"], ["printed_by: " + "很长的单位名称，" * 300])


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("text, message", [
    ("a: [1, 2\n", "YAML 格式错误，第 1 行第 9 列：列表缺少“,”或“]”"),
    ("a:\n\tb: 1\n", "YAML 格式错误，第 2 行第 1 列：不能用制表符缩进，请改用空格"),
    ("a: 1\n b: 2\n", "YAML 格式错误，第 2 行第 3 列：此处不能出现“键: 值”（是否缺少缩进或引号？）"),
    ("a: 1\na: 2\n", "YAML 格式错误，第 2 行第 1 列：重复的键“a”"),
    ("a: !!python/object x\n", "YAML 格式错误，第 1 行第 4 列：不支持的 YAML 标签“!!python/object”，内容文件只能包含普通的文本、数字、日期、列表和映射"),
    ("title: x\nnumber：1\n", "YAML 格式错误，第 2 行第 7 列：“number”后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"),
])
def test_text_that_is_not_valid_yaml_is_refused_with_its_position(text, message):
    with pytest.raises(RoundTripError) as info:
        apply_changes(text, {"a": 1})
    assert str(info.value) == message
    with pytest.raises(RoundTripError) as info:
        load_plain(text)
    assert str(info.value) == message


def test_a_file_with_a_plain_date_that_does_not_exist_is_refused_where_it_is():
    text = "title: 2024-01-01 的报告\ndate: 2024-13-01   # 2024-02-30 in a comment\n"
    assert load_plain(text)["date"] == "2024-13-01"  # check reads it as text and says what the field expects
    with pytest.raises(RoundTripError) as info:
        apply_changes(text, {"title": "新", "date": "2024-13-01"})
    assert str(info.value) == "YAML 格式错误，第 2 行第 7 列：日期“2024-13-01”不存在，请在文本中改正（或给它加上引号）"


def test_a_value_that_cannot_be_written_is_refused():
    with pytest.raises(RoundTripError) as info:
        apply_changes("a: 1\n", {"a": "控制字符\x00"})
    assert str(info.value).startswith("表单内容无法写成 YAML：YAML 格式错误，第 1 行第 ")


def test_an_alias_edited_in_one_place_is_refused_rather_than_changed_in_two():
    text = "a: &x [1, 2]\nb: *x\n"
    with pytest.raises(RoundTripError) as info:
        apply_changes(text, {"a": [1, 2, 3], "b": [1, 2]})
    assert str(info.value) == "无法按原文件的格式保存：写出的 YAML 读回后与表单内容不一致"


def test_load_plain_gives_plain_python_values():
    data = load_plain(COMMENTED)
    assert type(data["articles"][1]["body"]) is str and type(data["number"]) is int and type(data["date"]) is dt.date
    assert type(data["distribution"]) is list and type(data["distribution"][0]) is dict


# ---------------------------------------------------------------- property

SAMPLE_ISSUE = (REPO / "content" / "briefings" / "2023" / "007.yml").read_text(encoding="utf-8")


def _scalar_paths(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _scalar_paths(item, (*path, key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _scalar_paths(item, (*path, index))]
    return [path]


def _at(value: Any, path: tuple) -> Any:
    for part in path:
        value = value[part]
    return value


TEXTS = st.lists(st.sampled_from(list("简报：，。“”【】 ab#:-*&!'\"{}[]|>%@`?,\t\n\r\u2028\\") + ["---", "...", "<script>", ": ", " #", "- "]), max_size=12).map("".join)
VALUES = st.one_of(TEXTS, st.integers(-10**6, 10**6), st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))


@pytest.mark.e2e  # property tests run with the fuzz tests (README: e2e covers fuzzing)
@pytest.mark.parametrize("text", [SAMPLE_ISSUE, COMMENTED], ids=["007", "commented"])
@given(data=st.data())
def test_random_scalar_edits_read_back_and_leave_other_lines_alone(text, data):
    plain = load_plain(text)
    paths = _scalar_paths(plain)
    chosen = data.draw(st.lists(st.sampled_from(paths), min_size=1, max_size=5, unique=True))
    new = copy.deepcopy(plain)
    for path in chosen:
        target = new
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = data.draw(VALUES)
    out = apply_changes(text, new)
    assert load_plain(out) == new
    where = parse_yaml(text, "", Report()).where
    allowed = {where.values[path][0] - 1 for path in chosen}
    allowed |= {line for path in chosen if where.block.get(path) for line in range(where.values[path][0], where.values[path][0] + len(_at(plain, path).splitlines()))}
    matcher = difflib.SequenceMatcher(a=text.splitlines(), b=out.splitlines(), autojunk=False)
    touched = {i for tag, i1, i2, _, _ in matcher.get_opcodes() if tag in ("replace", "delete") for i in range(i1, i2)}
    assert touched <= allowed


GROUP = st.fixed_dictionaries({"label": st.sampled_from(["发", "送", "报", "抄送"]), "to": st.lists(TEXTS.filter(str.strip), min_size=1, max_size=3)})
ARTICLE = st.one_of(st.fixed_dictionaries({"case": st.sampled_from(["county-six-moves", "jinzhong-six-focus"])}),
                    st.fixed_dictionaries({"title": TEXTS.filter(str.strip), "body": TEXTS}))


@pytest.mark.e2e  # property tests run with the fuzz tests
@given(data=st.data())
def test_random_list_edits_read_back_and_keep_every_comment_line(data):
    new = load_plain(SAMPLE_ISSUE)
    for _ in range(data.draw(st.integers(1, 4))):
        target, item = data.draw(st.sampled_from([
            (new["distribution"], GROUP), (new["articles"], ARTICLE),
            (new["distribution"][-1]["to"] if new["distribution"] else [], TEXTS.filter(str.strip)),
        ]))
        if target and data.draw(st.booleans()):
            target.pop()
        else:
            target.append(data.draw(item))
    out = apply_changes(SAMPLE_ISSUE, new)
    assert load_plain(out) == new
    comments = [line for line in SAMPLE_ISSUE.splitlines() if line.startswith("#")]
    assert [line for line in out.splitlines() if line.startswith("#")] == comments


def test_comments_inside_the_last_item_stay_with_it_when_an_item_is_appended():
    """The scaffold's commented-out `sections:` example belongs to the first article, not after the new one."""
    text = (
        "articles:\n"
        "  - title: 标题\n"
        "    body: |\n"
        "      正文\n"
        "    # sections:        # 可选\n"
        "    #   - heading: 小节\n"
        "  # 列表之后的说明\n"
        "printed_by: 某单位\n"
    )
    new = load_plain(text)
    new["articles"].append({"case": "county-six-moves"})
    assert apply_changes(text, new) == (
        "articles:\n"
        "  - title: 标题\n"
        "    body: |\n"
        "      正文\n"
        "    # sections:        # 可选\n"
        "    #   - heading: 小节\n"
        "  - case: county-six-moves\n"
        "  # 列表之后的说明\n"
        "printed_by: 某单位\n"
    )
