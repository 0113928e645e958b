"""Issue 13 (authoring): several series, every mistake in one run at its line, drafts and
placeholders, numbering, reserved ids, «您是不是要找», inline sections, Chinese click texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ISSUE, SERIES, write

from generator.build import check as check_build
from generator.cli import main
from generator.config import Settings
from generator.content import load_project
from generator.errors import ContentError, Report
from generator.numbering import derive_totals, expected_total, issue_path, next_numbers
from generator.pages import RenderOptions, make_env, render_pages
from generator.printing import render_standalone
from generator.urls import RESERVED_CASE_IDS
from generator.validate import validate_project


def problems(root: Path) -> list[str]:
    report = Report()
    project = load_project(root, report)
    validate_project(project, report)
    return [p.format() for p in report.sorted()]


def errors(root: Path) -> list[str]:
    return [line for line in problems(root) if ": 错误: " in line]


def run(*args: str):
    return CliRunner().invoke(main, list(args))


SECOND_SERIES = """
- id: zjgzjb
  name: 浙江省农业农村工作简报
  masthead: [农业农村工作, 简报]
  issuer: 浙江省农业农村厅
"""

# ------------------------------------------------------------------ item 1: several series


def test_issue_path_rule():
    assert issue_path("sxxczx", 2023, "regular", 7, several_series=False) == "content/briefings/2023/007.yml"
    assert issue_path("sxxczx", 2023, "supplement", 1, several_series=True) == "content/briefings/sxxczx/2023/zk-001.yml"


def test_two_series_each_have_a_2024_first_issue(mini):
    write(mini / "content/series.yml", SERIES + SECOND_SERIES)
    write(mini / "content/briefings/zjgzjb/2024/001.yml", ISSUE.format(number=1, total=5).replace("series: demo", "series: zjgzjb"))
    assert problems(mini) == []
    result = run("new", "issue", "--project", str(mini), "--series", "zjgzjb", "--date", "2024-03-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == "编印日期 2024-03-01，2024 年第 2 期（总第 6 期）"
    text = (mini / "content/briefings/zjgzjb/2024/002.yml").read_text(encoding="utf-8")
    assert "series: zjgzjb" in text and "total: 6 " in text
    result = run("new", "issue", "--project", str(mini), "--series", "demo", "--date", "2024-03-02")
    assert result.exit_code == 0, result.output
    assert (mini / "content/briefings/demo/2024/003.yml").is_file()
    assert [line for line in problems(mini) if "错误" in line] == []


def test_series_folder_must_agree_with_series(mini):
    write(mini / "content/series.yml", SERIES + SECOND_SERIES)
    write(mini / "content/briefings/zjgzjb/2024/001.yml", ISSUE.format(number=1, total=5))
    assert errors(mini) == [
        "content/briefings/zjgzjb/2024/001.yml:3:9: 错误: 文件位置与简报系列、年度、期号不一致：demo 2024 年正刊第 1 期应保存为 content/briefings/demo/2024/001.yml",
        "content/briefings/zjgzjb/2024/001.yml:3:9: 错误: 期号重复：2024 年正刊第 1 期已在 content/briefings/2024/001.yml 中",
    ]


# ------------------------------------------------------------------ items 3–5: every problem, at its line

SECOND = "content/briefings/2024/002.yml"


def test_one_file_reports_every_problem(mini):
    write(mini / SECOND, """
        series: demo
        year: 2024
        number: 2
        total: 15
        date: 2024-13-01
        printed_bi: 某某
        articles:
          - case: nope
        """)
    assert errors(mini) == [
        f"{SECOND}:4:8: 错误: 总期号与期号不一致：上一期 content/briefings/2024/001.yml 为第 1 期（总第 10 期），本期第 2 期应为总第 11 期，实际为 15",
        f"{SECOND}:5:7: 错误: “date”应为日期（如 2023-03-31），实际为“2024-13-01”",
        f"{SECOND}:6:1: 错误: 未知字段“printed_bi”，是否应为“printed_by”？",
        f"{SECOND}:8:11: 错误: 引用的案例“nope”不存在，应有文件 content/cases/nope.yml",
    ]


def test_every_file_reports_in_one_run(mini):
    for name, bad in (("001", "date: 2024-1-10"), ("002", "date: 2024-02-30")):
        path = mini / f"content/briefings/2024/{name}.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text("\n".join(bad if line.startswith("date:") else line for line in text.splitlines()) + "\n", encoding="utf-8")
    assert errors(mini) == [
        "content/briefings/2024/001.yml:5:7: 错误: “date”应为日期（如 2023-03-31），实际为“2024-1-10”",
        "content/briefings/2024/002.yml:5:7: 错误: “date”应为日期（如 2023-03-31），实际为“2024-02-30”",
    ]


def test_full_width_colon_at_its_own_line(mini):
    path = mini / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("number: 1", "number：1"), encoding="utf-8")
    assert errors(mini) == ["content/briefings/2024/001.yml:3:7: 错误: YAML 语法错误：“number”后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"]


def test_full_width_colon_on_the_last_line(mini):
    path = mini / "content/briefings/2024/001.yml"
    write(path, path.read_text(encoding="utf-8") + "copies：200\n")
    assert errors(mini) == ["content/briefings/2024/001.yml:10:7: 错误: YAML 语法错误：“copies”后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"]


def test_full_width_colon_inside_a_list_item(mini):
    path = mini / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - title: 文章1", "  - title：文章1"), encoding="utf-8")
    assert errors(mini) == ["content/briefings/2024/001.yml:7:10: 错误: YAML 语法错误：“title”后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"]


def test_a_syntax_error_at_the_end_is_on_the_last_line(mini):
    write(mini / "content/briefings/2024/001.yml", "series: demo\narticles: [a, b\n\n")
    assert errors(mini) == ["content/briefings/2024/001.yml:2:16: 错误: YAML 语法错误：列表缺少“,”或“]”"]


# ------------------------------------------------------------------ items 6–7: templates, «您是不是要找»

NEXT = "content/briefings/2023/008.yml"


def inline_issue(body: str, extra: str = "") -> str:
    lines = "\n".join("      " + line for line in body.splitlines())
    return f"""\
series: sxxczx
year: 2023
number: 8
date: 2023-04-30
{extra}articles:
  - title: 晋中市村级集体经济稳步壮大
    body: |
{lines}
"""


def build_problems(root: Path) -> list[str]:
    try:
        checked = check_build(Settings.create(root))
    except ContentError as exc:
        return [p.format() for p in exc.report.sorted() if p.level.label != "提示"]
    return [p.format() for p in checked.report.sorted() if p.level.label != "提示"]


def test_ime_punctuation_in_a_template_is_accepted(sample):
    write(sample / NEXT, inline_issue("全市 {{ ind（“income_ge_20”，“山西省/晋中市”，2022） }} 的行政村达到 20 万元以上。"))
    assert build_problems(sample) == []
    checked = check_build(Settings.create(sample))
    assert checked.figures.expand(checked.site.issues[0].articles[0].body) == "全市 74.0% 的行政村达到 20 万元以上。\n"


def test_every_template_mistake_at_its_line_and_column(sample):
    body = "第一段 {{ ind(\"income_ge_2\", \"山西省/晋中市\", 2022) }}。\n第二段 {{ ind(\"income_ge_20\"、 \"山西省/晋中市\", 2022) }}。\n第三段 {{ ind(\"income_ge_20\", \"山西省/晋中\", 2022) }} {{ ind(\"income_ge_20\", \"山西省/晋中市\", 2019) }}"
    write(sample / NEXT, inline_issue(body))
    usage = '应写作 {{ ind("指标", "地区/路径", 年度) }}，如 {{ ind("income_ge_20", "山西省/晋中市", 2022) }}'
    found = build_problems(sample)
    assert found[0].startswith(f"{NEXT}:8:11: 错误: 未定义的指标“income_ge_2”（您是不是要找“income_ge_20”？），可用的有：eliminated_rate、")
    assert found[1:] == [
        f"{NEXT}:9:32: 错误: 文本模板有误：不能使用字符“、”，{usage}",
        f"{NEXT}:10:11: 错误: 没有 山西省/晋中 2022 年“income_ge_20”的计算结果：没有地区“山西省/晋中”的数据（您是不是要找“山西省/晋中市”？）",
        f"{NEXT}:10:53: 错误: 没有 山西省/晋中市 2019 年“income_ge_20”的计算结果：山西省/晋中市 没有 2019 年的数据；有数据的年度：2020、2021、2022",
    ]


def test_template_mistake_in_a_one_line_text(sample):
    write(sample / NEXT, inline_issue("正文。").replace("  - title: 晋中市村级集体经济稳步壮大", "  - title: 晋中市 {{ ind( }}"))
    assert build_problems(sample) == [f"{NEXT}:6:16: 错误: 文本模板有误：“{{{{ ind( }}}}”的写法不对，应写作 {{{{ ind(\"指标\", \"地区/路径\", 年度) }}}}，如 {{{{ ind(\"income_ge_20\", \"山西省/晋中市\", 2022) }}}}"]


def test_did_you_mean_case_and_model(sample):
    write(sample / NEXT, inline_issue("正文。").replace("  - title: 晋中市村级集体经济稳步壮大\n    body: |\n      正文。", "  - case: jinzhong-six-focuss"))
    case = sample / "content/cases/county-six-moves.yml"
    case.write_text(case.read_text(encoding="utf-8").replace("model: six-practical-moves", "model: six-practical-move"), encoding="utf-8")
    assert errors(sample) == [
        f"{NEXT}:6:11: 错误: 引用的案例“jinzhong-six-focuss”不存在（您是不是要找“jinzhong-six-focus”？），应有文件 content/cases/jinzhong-six-focuss.yml",
        "content/cases/county-six-moves.yml:7:8: 错误: 发展模式“six-practical-move”不存在（您是不是要找“six-practical-moves”？），应有文件 content/models/six-practical-move.yml",
    ]


def test_did_you_mean_indicator_and_region_in_cases(sample):
    case = sample / "content/cases/jinzhong-six-focus.yml"
    text = case.read_text(encoding="utf-8").replace("indicator: income_ge_10\n", "indicator: income_ge10\n", 1)
    text = text.replace("charts:\n  - {type: bands, region: 山西省/晋中市", "charts:\n  - {type: bands, region: 山西省/晋中")
    case.write_text(text, encoding="utf-8")
    found = build_problems(sample)
    assert "content/cases/jinzhong-six-focus.yml:16:16: 错误: 未定义的指标“income_ge10”（您是不是要找“income_ge_10”？）（见 data/indicators.yml）" in found
    assert any("错误: 图表无法生成：没有地区“山西省/晋中”的数据（您是不是要找“山西省/晋中市”？）" in line for line in found), found
