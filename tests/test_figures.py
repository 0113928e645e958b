"""Data in pages: figures in text, highlight checks, chart declarations, a user's own table."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from conftest import write

from generator.build import build, check
from generator.config import Settings
from generator.errors import ContentError
from generator.data.figures import agrees

CASE = "content/cases/jinzhong-six-focus.yml"


def problems(project, strict=False) -> list[str]:
    try:
        checked = check(Settings.create(project, strict=strict))
    except ContentError as exc:
        return [p.format() for p in exc.report.sorted()]
    return [p.format() for p in checked.report.sorted()]


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_agreement():
    assert agrees(74, 74.0) and agrees(98, 97.99) and agrees(8.9, 8.94)
    assert not agrees(8.9, 9.0) and not agrees(75, 74.0)


def test_sample_highlights_agree_with_data(repo_root):
    assert [line for line in problems(repo_root) if "警告" in line or "错误" in line] == []


@pytest.mark.e2e
def test_figure_in_text_is_rendered(sample):
    replace_in(sample / CASE, "到 2022 年底，全市所有行政村", '到 2022 年底（{{ ind("income_ge_20", "山西省/晋中市", 2022) }}），全市所有行政村')
    build(Settings.create(sample, pdf=False))
    page = BeautifulSoup((sample / "site/cases/jinzhong-six-focus/index.html").read_text(encoding="utf-8"), "html.parser")
    assert "到 2022 年底（74.0%），全市所有行政村" in page.select_one(".jb-lead").get_text()


@pytest.mark.parametrize(
    "template, message",
    [
        ('{{ ind("nope", "山西省/晋中市", 2022) }}', "未定义的指标“nope”"),
        ('{{ ind("income_ge_20", "山西省/太原市", 2022) }}', "没有 山西省/太原市 2022 年“income_ge_20”的计算结果"),
        ("{{ ind.__globals__ }}", "文本模板只能使用 ind(…)，不能访问其他对象"),
        ("{{ ''.__class__.__mro__ }}", "文本模板只能使用 ind(…)，不能访问其他对象"),
        ("{% include '/etc/passwd' %}", "文本模板有误"),
        ("{{ ind( }}", "文本模板有误"),
        ("{{ ind(1, 2) }}", 'ind() 的写法是 ind("指标", "地区/路径", 年度)'),
    ],
)
def test_bad_figures_are_content_errors(sample, template, message):
    replace_in(sample / CASE, "开篇", "开篇") if False else None
    path = sample / "content/cases/jinzhong-six-focus.yml"
    text = path.read_text(encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if l.startswith("summary:"))
    path.write_text(text.replace("summary: ", f"summary: {template!r} # ", 1) if False else text.replace("\nsummary: ", f"\nsummary: '{template.replace(chr(39), chr(39) * 2)}'\nold_summary_removed: ", 1), encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("\nold_summary_removed: ", "\n# ", 1), encoding="utf-8")
    found = [p for p in problems(sample) if "错误" in p]
    assert len(found) == 1, found
    assert found[0].startswith(f"{CASE}:{line}:10: 错误: {message}")


def test_highlight_mismatch_is_a_warning_and_strict_error(sample):
    replace_in(sample / CASE, "value: 74", "value: 75")
    found = [p for p in problems(sample) if "警告" in p]
    assert len(found) == 1
    assert "警告: 关键数字与计算结果不一致：“income_ge_20”山西省/晋中市 2022 年填写 75，计算得 74" in found[0]
    assert any("错误" not in p for p in problems(sample, strict=True))
    with pytest.raises(ContentError):
        check(Settings.create(sample, strict=True))


def test_unknown_highlight_indicator_is_an_error(sample):
    replace_in(sample / CASE, "indicator: income_ge_20", "indicator: income_ge_21")
    assert any("错误: 未定义的指标“income_ge_21”（您是不是要找“income_ge_20”？）（见 data/indicators.yml）" in p for p in problems(sample))


def test_chart_for_region_without_data_is_an_error(sample):
    replace_in(sample / CASE, "region: 山西省/晋中市, year: 2022", "region: 山西省/大同市, year: 2022")
    assert any("错误: 图表无法生成：" in p and "大同市" in p for p in problems(sample))


USER_TABLE = """年度,省,市,县,乡镇,村,集体经济总收入（元）,经营性收入(元)
2021,河北省,保定市,阜平县,龙泉关镇,骆驼湾村,150000,60000
2021,河北省,保定市,阜平县,龙泉关镇,顾家台村,250000,120000
2022,河北省,保定市,阜平县,龙泉关镇,骆驼湾村,210000,110000
2022,河北省,保定市,阜平县,龙泉关镇,顾家台村,320000,150000
"""


@pytest.mark.e2e
def test_user_table_in_gb18030_and_yuan_appears_on_region_pages(sample):
    write(sample / "data/villages/hebei.csv", USER_TABLE, encoding="gb18030")
    build(Settings.create(sample, pdf=False))
    csv = (sample / "site/data/indicators.csv").read_text(encoding="utf-8")
    assert "河北省/保定市/阜平县,2022,income_ge_20,100.0" in csv
    assert "河北省/保定市/阜平县/龙泉关镇,2021,income_ge_20,50.0" in csv
    assert "河北省/保定市/阜平县,2022,income_total,53" in csv
    page = BeautifulSoup((sample / "site/regions/河北省/保定市/阜平县/index.html").read_text(encoding="utf-8"), "html.parser")
    cells = [cell.get_text() for cell in page.select(".jb-indicator-table th, .jb-indicator-table td")]
    assert "集体经济收入20万元以上的行政村占比（%）" in cells
    assert page.select(".jb-chart svg")
    assert not page.select(".jb-sample-note")
    assert (sample / "site/regions/河北省/保定市/阜平县/龙泉关镇/index.html").is_file()
