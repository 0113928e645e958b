"""Issue 13 (authoring): several series, every mistake in one run at its line, drafts and
placeholders, numbering, reserved ids, «您是不是要找», inline sections, Chinese click texts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ISSUE, SERIES, write

from generator.build import check as check_build
from generator.commands.cli import main
from generator.config import Settings
from generator.content.load import load_project
from generator.errors import ContentError, Report
from generator.content.numbering import derive_totals, expected_total, issue_path, next_numbers
from generator.site.pages import RenderOptions, make_render_context, render_pages
from generator.output.printing import render_standalone
from generator.site.urls import RESERVED_CASE_IDS
from generator.content.validate import validate_project


def problems(root: Path) -> list[str]:
    report = Report()
    project = load_project(root, report)
    validate_project(project, report)
    return [p.format() for p in report.sorted()]


def errors(root: Path) -> list[str]:
    return [line for line in problems(root) if ": 错误: " in line]


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="jianbao")


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


# ------------------------------------------------------------------ item 8: numbering

NEW_YEAR = "content/briefings/2025/001.yml"


def new_year_issue(total: str = "") -> str:
    return ISSUE.format(number=1, total=0).replace("year: 2024", "year: 2025").replace("date: 2024-01-10", "date: 2025-01-10").replace("total: 0\n", total)


def test_numbering_rule():
    assert expected_total(2024, 2, 11, 2024, 4) == 13
    assert expected_total(2024, 2, 11, 2025, 1) == 12

    class I:
        def __init__(self, year, number, total=None):
            self.year, self.number, self.total = year, number, total

    assert derive_totals([I(2023, 6, 61), I(2023, 7), I(2024, 1), I(2024, 2, 99)]) == [61, 62, 63, 99]
    assert next_numbers([I(2023, 6, 61), I(2023, 7)], 2024) == (1, 63)
    assert next_numbers([I(2023, 6, 61), I(2023, 7)], 2023) == (8, 63)
    assert next_numbers([I(2023, 6)], 2023) == (7, None)


def test_total_jump_into_a_new_year_warns_and_fails_strict(mini):
    write(mini / NEW_YEAR, new_year_issue("total: 99\n"))
    assert problems(mini) == [
        f"{NEW_YEAR}:4:8: 警告: 总期号跳跃：上一期 content/briefings/2024/002.yml 为 2024 年第 2 期（总第 11 期），本期 2025 年第 1 期应为总第 12 期，实际为 99（确有跳号请忽略；--strict 时为错误）"
    ]
    assert run("check", "--project", str(mini)).exit_code == 0
    assert run("check", "--project", str(mini), "--strict").exit_code == 1


def test_date_outside_the_year_is_an_error(mini):
    path = mini / "content/briefings/2024/002.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2024-02-10", "date: 2025-02-10"), encoding="utf-8")
    assert errors(mini) == ["content/briefings/2024/002.yml:5:7: 错误: 编印日期 2025-02-10 不在 2024 年内：year 为 2024，请核对年度或日期"]


def test_first_total_of_a_year_is_derived_and_links_name_the_year(mini):
    write(mini / NEW_YEAR, new_year_issue())
    settings = Settings.create(mini)
    checked = check_build(settings)
    views = {(v.issue.year, v.issue.number): v for v in checked.site.issues}
    assert views[(2025, 1)].number_line == "第 1 期（总第 12 期）"
    options = RenderOptions(extra={"site_name": "示例", "site_url": "", "home_title": "示例"})
    pages = render_pages(checked.site, make_render_context(settings.templates_dir, options))
    assert "下一期（2025 年第 1 期（总第 12 期））→" in pages["briefings/demo/2024/002/index.md"]
    assert "← 上一期（2024 年第 2 期（总第 11 期））" in pages["briefings/demo/2025/001/index.md"]
    assert "下一期（第 2 期（总第 11 期））→" in pages["briefings/demo/2024/001/index.md"]


# ------------------------------------------------------------------ item 9: reserved case ids


def test_reserved_case_ids_come_from_the_url_scheme():
    assert {"region", "model", "tag", "year", "page"} <= RESERVED_CASE_IDS


@pytest.mark.parametrize("case_id", ["region", "page"])
def test_new_case_refuses_a_reserved_id(mini, case_id):
    result = run("new", "case", "--project", str(mini), case_id)
    assert result.exit_code == 2
    assert result.output == f"错误：案例 id“{case_id}”是保留名称：网址 cases/{case_id}/ 已用于案例列表本身，请换一个（保留的有：index、model、page、region、tag、year）\n"
    assert not (mini / f"content/cases/{case_id}.yml").exists()


def test_case_file_with_a_reserved_id_is_an_error_at_the_id(mini):
    assert run("new", "case", "--project", str(mini), "tagged").exit_code == 0
    path = mini / "content/cases/tagged.yml"
    path.rename(mini / "content/cases/tag.yml")
    path = mini / "content/cases/tag.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: tagged", "id: tag"), encoding="utf-8")
    assert errors(mini) == ["content/cases/tag.yml:3:5: 错误: 案例 id“tag”是保留名称：网址 cases/tag/ 已用于案例列表本身，请换一个（保留的有：index、model、page、region、tag、year）"]


# ------------------------------------------------------------------ items 10–11: scaffolds are drafts, placeholders never published

KEEP = "请换成实际内容（未完成的文件请保留 draft: true，草稿不发布）"


def test_scaffolds_are_drafts_that_check_and_are_not_built(mini):
    assert run("new", "case", "--project", str(mini), "good-case").exit_code == 0
    result = run("new", "model", "--project", str(mini), "good-model")
    assert result.exit_code == 0 and result.output.startswith("已创建 ")
    result = run("check", "--project", str(mini))
    assert result.exit_code == 0, result.output
    assert result.output == "检查通过：2 期简报，0 个案例，0 个发展模式（另有 2 个草稿，jianbao build 不发布，--drafts 或 jianbao serve 时显示）。\n"
    drafts = check_build(Settings.create(mini, drafts=True)).site
    assert [c.case.id for c in drafts.cases] == ["good-case"] and [m.model.id for m in drafts.models] == ["good-model"]


def test_case_template_shows_charts():
    from generator.commands.scaffold import CASE_TEMPLATE

    text = CASE_TEMPLATE.format(case_id="x", date="2024-01-01")
    assert "# charts:" in text and "#   - {type: bands, region: 山西省/晋中市, year: 2022}" in text


def test_placeholders_left_in_a_published_file_are_errors_at_their_lines(mini):
    assert run("new", "model", "--project", str(mini), "good-model").exit_code == 0
    path = mini / "content/models/good-model.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true", "draft: false").replace("【请填写简称，如 六项实招】", "好模式").replace("【请填写第一项名称】", "第一项"), encoding="utf-8")
    assert errors(mini) == [
        f"content/models/good-model.yml:8:3: 错误: “summary”还是模板的占位文字“【请填写简介（Markdown）】”：{KEEP}",
        f"content/models/good-model.yml:13:11: 错误: “name”还是模板的占位文字“【请填写第二项名称】”：{KEEP}",
    ]


def test_new_issue_left_unfilled_cannot_be_published(mini):
    assert run("new", "issue", "--project", str(mini), "--date", "2024-05-20").exit_code == 0
    path = mini / "content/briefings/2024/003.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true ", "draft: false"), encoding="utf-8")
    assert errors(mini) == [
        f"content/briefings/2024/003.yml:15:12: 错误: “title”还是模板的占位文字“【请填写文章标题】”：{KEEP}",
        f"content/briefings/2024/003.yml:17:7: 错误: “body”还是模板的占位文字“【请填写正文】”：{KEEP}",
    ]


@pytest.mark.parametrize("body, column", [('""', 11), ("|\n      \n", 11), ("   # nothing", 5)])
def test_an_empty_body_is_an_error(mini, body, column):
    path = mini / "content/briefings/2024/001.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("    body:")] + f"    body: {body}\n", encoding="utf-8")
    message = "“body”：正文为空：请填写正文（或用 points、sections 分段写）" if column == 11 else "“body”应为文本，实际为空值"
    assert errors(mini) == [f"content/briefings/2024/001.yml:8:{column}: 错误: {message}"]


def test_a_published_issue_cannot_carry_a_draft_case(mini):
    assert run("new", "case", "--project", str(mini), "good-case").exit_code == 0
    path = mini / "content/briefings/2024/002.yml"
    path.write_text(path.read_text(encoding="utf-8") + "  - case: good-case\n", encoding="utf-8")
    assert errors(mini) == ["content/briefings/2024/002.yml:10:11: 错误: 引用的案例“good-case”还是草稿（draft: true），本期不是草稿：案例完成后把它的 draft 改为 false"]


def test_new_issue_says_what_it_chose_and_warns_of_a_new_year(mini):
    result = run("new", "issue", "--project", str(mini))
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    lines = result.output.splitlines()
    assert lines[1] == f"编印日期 {today.isoformat()}，{today.year} 年第 1 期（总第 12 期）"
    assert lines[2] == (f"警告：最新一期是 2024 年第 2 期，今天是 {today.year} 年，新一期按 {today.year} 年从第 1 期编号；"
                        "若应接着 2024 年编号，请删除此文件，用 --date 指定编印日期重新生成")
    result = run("new", "issue", "--project", str(mini), "--date", "2024-06-01")
    assert result.output.splitlines()[1:] == ["编印日期 2024-06-01，2024 年第 3 期（总第 12 期）"]


# ------------------------------------------------------------------ item 12: sections and points in inline articles

INLINE_SECTIONS = """\
series: demo
year: 2024
number: 3
total: 12
date: 2024-03-10
articles:
  - title: 某县扎实推进村级集体经济发展
    body: 开篇。
    points:
      - {lead: 上下联动、高位推动, text: 县级成立工作专班。}
    sections:
      - heading: 聚焦组织设计，破解认识难题
        body: 针对认识不足的问题。
        points:
          - {lead: 强化考核, text: 纳入年度考核。}
        sections:
          - heading: 建立台账
            body: 逐村建立台账。
      - heading: 聚焦要素保障
        body: 整合资金。
"""


def test_inline_article_sections_render_and_print_like_a_case(mini):
    write(mini / "content/briefings/2024/003.yml", INLINE_SECTIONS)
    settings = Settings.create(mini)
    checked = check_build(settings)
    options = RenderOptions(extra={"site_name": "示例", "site_url": "", "home_title": "示例"})
    context = make_render_context(settings.templates_dir, options)
    env = context.env
    page = render_pages(checked.site, context)["briefings/demo/2024/003/index.md"]
    view = next(v for v in checked.site.issues if v.issue.number == 3)
    printed = render_standalone(view, env)
    for text in (page, printed):
        assert '<p><strong>上下联动、高位推动。</strong>县级成立工作专班。</p>' in text
        assert '<p><span class="jb-h1">一、聚焦组织设计，破解认识难题。</span>针对认识不足的问题。<strong>强化考核。</strong>纳入年度考核。</p>' in text
        assert '<p><span class="jb-h2">（一）建立台账。</span>逐村建立台账。</p>' in text
        assert '<p><span class="jb-h1">二、聚焦要素保障。</span>整合资金。</p>' in text
    assert "逐村建立台账" in view.articles[0].text


def test_inline_article_with_sections_needs_no_body(mini):
    write(mini / "content/briefings/2024/003.yml", INLINE_SECTIONS.replace("    body: 开篇。\n", ""))
    assert problems(mini) == []


# ------------------------------------------------------------------ item 16: click in Chinese


def test_usage_error_is_chinese():
    result = run("new", "issue", "--date", "2023/04/28")
    assert result.exit_code == 2
    assert result.output == (
        "用法：jianbao new issue [选项]\n"
        "运行“jianbao new issue -h”查看帮助。\n\n"
        "错误：“--date”的值无效：“2023/04/28”不是日期，应写作 年-月-日，如 2023-04-28\n"
    )


@pytest.mark.parametrize("args, message", [
    (["new", "case"], "缺少参数“CASE_ID”"),
    (["build", "--nope"], "没有选项“--nope”（您是不是要找：--no-pdf？）"),
    (["serve", "--port", "abc"], "“--port”的值无效：“abc”不是整数"),
    (["new", "issue", "--kind", "extra"], "“--kind”的值无效：“extra”不是可选的值，可选：regular、supplement、special"),
    (["archive"], "缺少选项“-o / --output”"),
    (["chek"], "没有命令“chek”（您是不是要找：check、schema？）"),
    (["check", "a", "b"], "多余的参数：a b"),
])
def test_every_usage_error_is_chinese(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"错误：{message}"
    assert "Usage" not in result.output and "Error" not in result.output and "Try" not in result.output


def test_option_needing_a_value():
    result = run("serve", "--port")
    assert (result.exit_code, result.output) == (2, "错误：选项“--port”后面需要一个值\n")


def test_help_is_chinese_throughout():
    result = run("serve", "-h")
    assert result.exit_code == 0
    assert result.output == (
        "用法：jianbao serve [选项]\n\n"
        "  本地预览：content/、data/、site_templates/ 有改动时自动重新构建。\n\n"
        "选项：\n"
        "  --project DIR  项目目录（含 content/、data/、mkdocs.yml）  [默认：.]\n"
        "  --port N       端口（只监听 127.0.0.1）  [默认：8000]\n"
        "  -h, --help     显示此帮助并退出。\n"
    )
    top = run("--help").output
    assert top.startswith("用法：jianbao [选项] 命令 [参数]...\n") and "\n选项：\n" in top and "\n命令：\n" in top
    assert "  --version   显示版本号并退出。\n" in top
    assert "[必填]" in run("archive", "-h").output
    for english in ("Usage", "Options", "Commands", "Show this", "default:", "required"):
        assert english not in top + run("archive", "-h").output + run("new", "-h").output


# ------------------------------------------------------------------ item 4: every value error says the expected form


def test_value_errors_say_what_is_expected(mini):
    write(mini / "content/briefings/2024/001.yml", """
        series: demo
        year: 2024
        number: 1
        total: 10
        date: 2024-01-10
        distribution:
          - {label: 发送联系人员名单很长的标签, to: [各县]}
        kind: zk
        draft: 否
        articles:
          - title: 文
            body: 正文
        charts:
          - {type: pie, region: 山西省}
        """)
    write(mini / "content/cases/c.yml", """
        id: c
        title: 标题
        region: 山西省
        summary: 摘要
        highlights:
          - {label: 甲, value: abc}
        """)
    assert errors(mini) == [
        "content/briefings/2024/001.yml:7:13: 错误: “label”最长 8 个字，实际为“发送联系人员名单很长的标签”（13 个字）",
        "content/briefings/2024/001.yml:8:7: 错误: “kind”应为以下之一：regular、supplement、special，实际为“zk”",
        "content/briefings/2024/001.yml:9:8: 错误: “draft”应为 true 或 false，实际为“否”",
        "content/briefings/2024/001.yml:14:12: 错误: “type”应为以下之一：trend、bands、ranking，实际为“pie”",
        "content/cases/c.yml:6:23: 错误: “value”应为数字，或以下之一：*、＊，实际为“abc”",
    ]


def test_valid_regions_and_years_are_listed_when_few():
    from generator.data.figures import data_hint

    class Few:
        def regions(self):
            return ["山西省", "山西省/晋中市", "山西省/晋中市/榆次区"]

        def years(self, region):
            return [2021, 2022]

    assert data_hint(Few(), "山西省/晋中", 2022) == "：没有地区“山西省/晋中”的数据（您是不是要找“山西省/晋中市”？）；有数据的地区：山西省、山西省/晋中市、山西省/晋中市/榆次区"
    assert data_hint(Few(), "山西省/榆次", 2022) == "：没有地区“山西省/榆次”的数据（您是不是要找“山西省/晋中市/榆次区”？）；有数据的地区：山西省、山西省/晋中市、山西省/晋中市/榆次区"
    assert data_hint(Few(), "山西省", 2019) == "：山西省 没有 2019 年的数据；有数据的年度：2021、2022"

    class Many(Few):
        def regions(self):
            return [f"山西省/{n}市" for n in "一二三四五六七八九十甲"]

    assert data_hint(Many(), "河北省", 2022) == "：没有地区“河北省”的数据"


def test_full_width_colons_that_parse_as_text(mini):
    path = mini / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - title: 文章1\n    body: |\n      **导语。**正文。\n", "  - case：foo\n"), encoding="utf-8")
    path = mini / "content/briefings/2024/002.yml"
    path.write_text(path.read_text(encoding="utf-8") + "distribution:\n  - {label：发, to: [各县]}\n", encoding="utf-8")
    write(mini / "content/cases/x.yml", "id：x\n")
    message = "后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"
    assert errors(mini) == [
        f"content/briefings/2024/001.yml:7:9: 错误: “case”{message}",
        f"content/briefings/2024/002.yml:11:11: 错误: “label”{message}",
        f"content/cases/x.yml:1:3: 错误: “id”{message}",
    ]
