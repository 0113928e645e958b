"""Items 20 and 21: figures say where they come from (示例数据) and when coverage changes between years."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import write
from generator.output import printing
from generator.build import check
from generator.site.chart_render import ChartRenderer
from generator.config import Settings
from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages
from generator.data.provenance import YearCoverage, coverage_text

WITH_FIGURE = """
series: sxxczx
year: 2023
number: 8
total: 63
date: 2023-04-20
articles:
  - title: 全市集体经济发展情况
    body: 全市集体经济收入 20 万元以上的村占 {{ ind("income_ge_20", "山西省/晋中市", 2022) }}。
"""

WITHOUT_FIGURE = WITH_FIGURE.replace('{{ ind("income_ge_20", "山西省/晋中市", 2022) }}', "七成以上")

# A real (not sample) table of another 市, covering fewer years than the sample table of 晋中市.
DATONG = """\
年度,市,县,乡镇,村,集体经济总收入（万元）,经营性收入（万元）
2021,大同市,云州区,西坪镇,甲村,30,12
2021,大同市,云州区,西坪镇,乙村,18,6
2022,大同市,云州区,西坪镇,甲村,35,15
2022,大同市,云州区,西坪镇,乙村,22,11
2022,大同市,云州区,西坪镇,丙村,12,4
"""

ISSUE_NOTE = '<p class="jb-sample-note" role="note" data-search-exclude="true"><strong>示例数据</strong>：本期中山西省晋中市的数字由合成的示例数据表计算，仅用于演示，不是统计数据。</p>'


def rendered(root: Path, tmp_path: Path, **flags):
    settings = Settings.create(root, **flags)
    checked = check(settings)
    context = make_render_context(root / "site_templates", RenderOptions(offline=False), figures=checked.figures,
                                  charts=ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts")))  # SVGs shared
    return checked, context.env, render_pages(checked.site, context)


def sample_figure_issue(sample, tmp_path) -> str:
    """The standalone HTML of an issue that quotes a figure of the sample table (its page checked on the way)."""
    write(sample / "content/briefings/2023/008.yml", WITH_FIGURE)
    checked, env, pages = rendered(sample, tmp_path)
    page = pages["briefings/sxxczx/2023/008/index.md"]
    assert "74.0%" in page and ISSUE_NOTE in page
    view = next(v for v in checked.site.issues if v.issue.number == 8)
    return printing.render_standalone(view, env)


def test_an_issue_with_a_sample_figure_in_its_text_says_so_on_page_and_html(sample, tmp_path):
    assert ISSUE_NOTE in sample_figure_issue(sample, tmp_path)


@pytest.mark.e2e
def test_an_issue_with_a_sample_figure_in_its_text_says_so_in_the_pdf(sample, tmp_path):
    html = sample_figure_issue(sample, tmp_path)
    available, message = printing.pdf_available()
    if not available or shutil.which("pdftotext") is None:
        pytest.skip(f"PDF 依赖缺失，跳过 PDF 检查：{message}")
    printing.write_pdf(html, tmp_path / "008.pdf", None)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "008.pdf"), "-"], capture_output=True, text=True, check=True).stdout)
    assert "示例数据：本期中山西省晋中市的数字由合成的示例数据表计算" in text


def test_an_issue_without_sample_figures_says_nothing_and_a_case_chart_counts(sample, tmp_path):
    write(sample / "content/briefings/2023/008.yml", WITHOUT_FIGURE)
    _, _, pages = rendered(sample, tmp_path)
    assert "jb-sample-note" not in pages["briefings/sxxczx/2023/008/index.md"]
    # 第 7 期 carries the case whose bands chart is drawn from the sample table of 晋中市.
    assert ISSUE_NOTE in pages["briefings/sxxczx/2023/007/index.md"]
    assert ('<p class="jb-sample-note" role="note" data-search-exclude="true"><strong>示例数据</strong>：'
            "本案例中山西省晋中市的数字由合成的示例数据表计算，仅用于演示，不是统计数据。</p>") in pages["cases/jinzhong-six-focus/index.md"]


def test_a_region_mixing_sample_and_real_tables_says_which_parts_are_which(sample, tmp_path):
    write(sample / "data/villages/datong.csv", DATONG)
    _, _, pages = rendered(sample, tmp_path)
    mixed = ('<div class="jb-sample-note" role="note" data-search-exclude="true"><strong>示例数据</strong>：本地区的数字有一部分由合成的示例数据表计算，仅用于演示：'
             "晋中市的村级数据来自示例数据表 data/villages/jinzhong-sample.csv；大同市的村级数据来自统计数据表 data/villages/datong.csv。</div>")
    assert mixed in pages["regions/山西省/index.md"]
    assert mixed in pages["indicators/index.md"]
    assert "jb-sample-note" not in pages["regions/山西省/大同市/index.md"]  # real data only
    assert "本页的村级数字由合成的示例数据表计算" in pages["regions/山西省/晋中市/index.md"]  # sample only


def test_coverage_change_is_explained_on_the_region_page_and_is_a_note_in_check(sample, tmp_path):
    write(sample / "data/villages/datong.csv", DATONG)
    checked, _, pages = rendered(sample, tmp_path, strict=True)  # a 提示, so --strict still passes
    notes = [p.format() for p in checked.report.problems if "有数据的范围" in p.message]
    assert notes == [
        "data/villages/datong.csv:1:1: 提示: 山西省 有数据的范围逐年不同（2020 年：1 个市、1,942 个行政村；2021 年：2 个市、1,944 个行政村；"
        "2022 年：2 个市、1,945 个行政村），各年的个数和占比因此不完全可比（地区页上已注明）",
        "data/villages/datong.csv:1:1: 提示: 山西省/大同市/云州区/西坪镇 有数据的范围逐年不同（2021 年：2 个行政村；2022 年：3 个行政村），"
        "各年的个数和占比因此不完全可比（地区页上已注明）",
    ]
    assert ('<div class="jb-coverage-note" role="note" data-search-exclude="true"><strong>数据覆盖范围有变化</strong>：各年有数据的范围不同'
            "（2020 年：1 个市、1,942 个行政村；2021 年：2 个市、1,944 个行政村；2022 年：2 个市、1,945 个行政村），各年的个数和占比因此不完全可比。</div>") in pages["regions/山西省/index.md"]
    assert "jb-coverage-note" in pages["regions/山西省/大同市/index.md"]  # its villages change too
    assert "jb-coverage-note" not in pages["regions/山西省/晋中市/index.md"]


def test_the_sample_has_steady_coverage_and_passes_strict(repo_root):
    checked = check(Settings.create(repo_root, strict=True))
    assert [p for p in checked.report.problems if "有数据的范围" in p.message] == []


def test_coverage_text_groups_years():
    years = [YearCoverage(2019, 10, 1942), YearCoverage(2020, 11, 1972), YearCoverage(2021, 11, 1972), YearCoverage(2022, 11, 1972)]
    assert coverage_text("山西省", years) == "2019 年：10 个市、1,942 个行政村；2020—2022 年：11 个市、1,972 个行政村"
    assert coverage_text("山西省/晋中市", years[:2]) == "2019 年：10 个县（市、区）、1,942 个行政村；2020 年：11 个县（市、区）、1,972 个行政村"
    assert coverage_text("山西省/晋中市/榆次区/泉口街道", [YearCoverage(2020, 30, 30), YearCoverage(2022, 30, 30)]) == "2020 年：30 个行政村；2022 年：30 个行政村"
