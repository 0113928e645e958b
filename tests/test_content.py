"""Loading and validating content: every bad input is one exact Chinese message at file:line:column."""

from __future__ import annotations

from pathlib import Path

from conftest import write

from generator.content.load import load_project
from generator.errors import Report
from generator.content.validate import validate_project


def check(root: Path) -> list[str]:
    report = Report()
    project = load_project(root, report)
    validate_project(project, report)
    return [p.format() for p in report.sorted()]


def errors(root: Path) -> list[str]:
    return [line for line in check(root) if ": 错误: " in line]


ISSUE_PATH = "content/briefings/2024/001.yml"


def test_sample_content_has_no_errors_or_warnings(repo_root):
    found = check(repo_root)
    assert [line for line in found if "提示" not in line] == []


def test_minimal_project_is_clean(mini):
    assert check(mini) == []


def test_yaml_syntax_error(mini):
    write(mini / ISSUE_PATH, "series: demo\nyear: [2024\n")
    assert errors(mini) == [f"{ISSUE_PATH}:2:12: 错误: YAML 语法错误：列表缺少“,”或“]”"]  # never past the last line


def test_unknown_key_with_suggestion(mini):
    text = (mini / ISSUE_PATH).read_text(encoding="utf-8").replace("total:", "totl:")
    write(mini / ISSUE_PATH, text)
    assert errors(mini) == [f"{ISSUE_PATH}:4:1: 错误: 未知字段“totl”，是否应为“total”？"]


def test_unknown_key_in_nested_article(mini):
    text = (mini / ISSUE_PATH).read_text(encoding="utf-8").replace("    body:", "    bdy:")
    write(mini / ISSUE_PATH, text)
    assert errors(mini) == [
        f"{ISSUE_PATH}:7:5: 错误: “body”：正文为空：请填写正文（或用 points、sections 分段写）",
        f"{ISSUE_PATH}:8:5: 错误: 未知字段“bdy”，是否应为“body”？",
    ]


def test_wrong_types(mini):
    text = (mini / ISSUE_PATH).read_text(encoding="utf-8").replace("number: 1", "number: 第一期").replace("date: 2024-01-10", "date: 去年")
    write(mini / ISSUE_PATH, text)
    assert errors(mini) == [
        f"{ISSUE_PATH}:3:9: 错误: “number”应为整数，实际为“第一期”",
        f"{ISSUE_PATH}:5:7: 错误: “date”应为日期（如 2023-03-31），实际为“去年”",
    ]


def test_duplicate_number(mini):
    write(mini / "content/briefings/2024/001b.yml", (mini / ISSUE_PATH).read_text(encoding="utf-8"))
    assert errors(mini) == [
        "content/briefings/2024/001b.yml:3:9: 错误: 文件位置与年度、期号不一致：2024 年正刊第 1 期应保存为 content/briefings/2024/001.yml",
        "content/briefings/2024/001b.yml:3:9: 错误: 期号重复：2024 年正刊第 1 期已在 content/briefings/2024/001.yml 中",
    ]


def test_path_number_mismatch(mini):
    path = mini / "content/briefings/2023/002.yml"
    path.parent.mkdir(parents=True)
    (mini / "content/briefings/2024/002.yml").rename(path)
    assert errors(mini) == [
        "content/briefings/2023/002.yml:3:9: 错误: 文件位置与年度、期号不一致：2024 年正刊第 2 期应保存为 content/briefings/2024/002.yml"
    ]


def test_total_inconsistent_with_numbers(mini):
    path = mini / "content/briefings/2024/002.yml"
    write(path, path.read_text(encoding="utf-8").replace("total: 11", "total: 15"))
    assert errors(mini) == [
        "content/briefings/2024/002.yml:4:8: 错误: 总期号与期号不一致：上一期 content/briefings/2024/001.yml 为第 1 期（总第 10 期），本期第 2 期应为总第 11 期，实际为 15"
    ]


def test_total_may_be_derived(mini):
    path = mini / "content/briefings/2024/002.yml"
    write(path, path.read_text(encoding="utf-8").replace("total: 11\n", ""))
    report = Report()
    totals = validate_project(load_project(mini, report), report)
    assert totals[("demo", "regular", 2024, 2)] == 11


def test_gap_is_a_warning(mini):
    (mini / "content/briefings/2024/002.yml").rename(mini / "content/briefings/2024/004.yml")
    path = mini / "content/briefings/2024/004.yml"
    write(path, path.read_text(encoding="utf-8").replace("number: 2", "number: 4").replace("total: 11", "total: 13"))
    assert check(mini) == ["content/briefings/2024/004.yml:3:9: 警告: 2024 年正刊缺少第 2、3 期"]


def test_dates_out_of_order(mini):
    path = mini / "content/briefings/2024/002.yml"
    write(path, path.read_text(encoding="utf-8").replace("date: 2024-02-10", "date: 2024-01-05"))
    assert errors(mini) == [
        "content/briefings/2024/002.yml:5:7: 错误: 日期 2024-01-05 早于上一期（content/briefings/2024/001.yml，2024-01-10），期号顺序与日期不一致"
    ]


def test_missing_case(mini):
    path = mini / ISSUE_PATH
    write(path, path.read_text(encoding="utf-8").replace("  - title: 文章1\n    body: |\n      **导语。**正文。\n", "  - case: no-such-case\n"))
    assert errors(mini) == [f"{ISSUE_PATH}:7:11: 错误: 引用的案例“no-such-case”不存在，应有文件 content/cases/no-such-case.yml"]


def test_unknown_series(mini):
    path = mini / ISSUE_PATH
    write(path, path.read_text(encoding="utf-8").replace("series: demo", "series: other"))
    assert errors(mini) == [f"{ISSUE_PATH}:1:9: 错误: 未知的简报系列“other”，已定义的有：demo"]


CASE = """
id: {id}
title: 案例
region: {region}
summary: 摘要
"""


def test_invalid_and_traversing_ids(mini):
    write(mini / "content/cases/bad.yml", CASE.format(id="../../etc", region="山西省"))
    write(mini / "content/cases/Upper.yml", CASE.format(id="Upper", region="山西省"))
    message = "不是合法的标识：只能用小写字母、数字和连字符（-），以字母或数字开头，最长 63 个字符"
    assert errors(mini) == [
        f"content/cases/Upper.yml:1:5: 错误: “id”的值“Upper”{message}",
        f"content/cases/bad.yml:1:5: 错误: “id”的值“../../etc”{message}",
    ]


def test_hostile_region(mini):
    write(mini / "content/cases/x.yml", CASE.format(id="x", region="山西省/../../tmp"))
    assert errors(mini) == ["content/cases/x.yml:3:9: 错误: “region”：地区名“..”含有不允许的字符"]


def test_case_id_must_match_file_name(mini):
    write(mini / "content/cases/x.yml", CASE.format(id="y", region="山西省"))
    assert errors(mini) == ["content/cases/x.yml:1:5: 错误: id“y”与文件名“x.yml”不一致，文件应命名为 y.yml"]


def test_python_tag_in_content(mini):
    write(mini / ISSUE_PATH, "series: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert errors(mini) == [
        f"{ISSUE_PATH}:1:9: 错误: 不支持的 YAML 标签“!!python/object/apply:os.system”，内容文件只能包含普通的文本、数字、日期、列表和映射"
    ]
    assert not Path("/tmp/pwned").exists()


def test_raw_script_in_text(mini):
    path = mini / ISSUE_PATH
    write(path, path.read_text(encoding="utf-8").replace("**导语。**正文。", "**导语。**正文。\n      <script>alert(1)</script>"))
    assert errors(mini) == [
        f"{ISSUE_PATH}:10:7: 错误: 文本中不允许使用 HTML（<script>），请改用 Markdown：加粗写作 **文字**",
    ]


def test_javascript_link(mini):
    path = mini / ISSUE_PATH
    write(path, path.read_text(encoding="utf-8").replace("正文。", "见[这里](javascript:alert(1))。"))
    assert errors(mini) == [f"{ISSUE_PATH}:9:7: 错误: 不安全的链接“javascript:alert(1”：只允许 http、https、mailto 或站内相对链接"]


def test_gbk_file_is_reported(mini):
    write(mini / ISSUE_PATH, (mini / ISSUE_PATH).read_text(encoding="utf-8"), encoding="gbk")
    assert errors(mini) == [f"{ISSUE_PATH}:7:12: 错误: 文件不是 UTF-8 编码（看起来是 GBK/GB18030 编码），请用 UTF-8 另存"]


def test_bom_is_accepted(mini):
    path = mini / ISSUE_PATH
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert check(mini) == []


def test_redactions_are_notes(mini):
    write(mini / "content/cases/x.yml", CASE.format(id="x", region="某省") + "lead: 全县*个行政村，消除率*%。\nhighlights:\n  - {label: 消除率, value: '*', unit: '%'}\n")
    assert check(mini) == [
        "content/cases/x.yml:5:7: 提示: 含 2 处脱敏内容“*”，原样显示，不参与计算",
        "content/cases/x.yml:7:25: 提示: 脱敏数字：“消除率”显示为 *，不参与计算和核对",
    ]


def test_many_problems_in_one_run(mini):
    write(mini / ISSUE_PATH, "series: demo\nyear: x\nnumber: y\n")
    write(mini / "content/cases/x.yml", "id: x\n")
    found = errors(mini)
    assert len(found) >= 5
    assert {line.split(":")[0] for line in found} == {ISSUE_PATH, "content/cases/x.yml"}


def test_stray_files_are_warned(mini):
    write(mini / "content/notes.txt", "备忘")
    write(mini / "content/cases/x.yaml", "id: x\n")
    assert check(mini) == [
        "content/cases/x.yaml:1:1: 错误: 扩展名应为 .yml",
        "content/notes.txt:1:1: 警告: content/ 下的这个文件或目录不会被读取",
    ]
