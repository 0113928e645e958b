"""End to end: build the sample project with real MkDocs and inspect the HTML."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import copy_sample

from generator.build import build
from generator.config import Settings

pytestmark = pytest.mark.e2e

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//|fonts\.googleapis|cdn\.jsdelivr|unpkg\.com""", re.I)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("e2e") / "project")
    build(Settings.create(project, pdf=False))
    return project / "site"


def soup(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


SPEC_PATHS = [
    "index.html",
    "briefings/index.html",
    "briefings/sxxczx/2023/index.html",
    "briefings/sxxczx/2023/007/index.html",
    "cases/index.html",
    "cases/jinzhong-six-focus/index.html",
    "cases/county-six-moves/index.html",
    "models/six-focus-six-solve/index.html",
    "models/six-practical-moves/index.html",
    "regions/山西省/晋中市/index.html",
    "regions/某省/某市/某县/index.html",
    "indicators/index.html",
    "feed.xml",
    "about/index.html",
    "guide/index.html",
    "cases/model/six-practical-moves/index.html",
    "cases/tag/消薄/index.html",
    "cases/region/山西省/晋中市/index.html",
    "cases/year/2023/index.html",
]


@pytest.mark.parametrize("path", SPEC_PATHS)
def test_page_exists(built, path):
    assert (built / path).is_file()


def test_issue_page_looks_like_a_briefing(built):
    page = soup(built, "briefings/sxxczx/2023/007/index.html")
    sheet = page.select_one(".jb-sheet")
    text = sheet.get_text()
    assert page.select_one(".jb-masthead").get_text() == "山西省乡村振兴简报"
    assert page.select_one(".jb-number").get_text() == "第 7 期（总第 62 期）"
    assert page.select_one(".jb-issuer").get_text() == "山西省乡村振兴局"
    assert page.select_one(".jb-date").get_text() == "2023年3月31日"
    assert page.select_one(".jb-rule") is not None
    headings = [h.get_text() for h in sheet.select(".jb-h1")]
    assert headings[0] == "一、聚焦组织设计，破解认识难题。" and len(headings) == 6
    bold = [b.get_text() for b in sheet.select("strong")]
    assert "上下联动、高位推动。" in bold and "多方合作、联合发展。" in bold
    assert "持续发力" in text and "基层党组织组织力" in text
    colophon = page.select_one(".jb-colophon").get_text(" ")
    assert "发： 各市县乡村振兴局。" in colophon
    assert "省委、省政府分管领导；省委、省政府分管副秘书长；省直相关单位；省委省政府乡村振兴督导组。" in colophon
    assert "山西省乡村振兴局综合处" in colophon and "2023年3月31日印发" in colophon


def test_redacted_stars_stay_literal(built):
    text = soup(built, "cases/county-six-moves/index.html").select_one("article").get_text()
    assert "*县地处**山区，是*市建制最早的县" in text


def test_model_page_links_item_to_case_section(built):
    page = soup(built, "models/six-focus-six-solve/index.html")
    links = [a["href"] for a in page.select("article a[href]")]
    assert "../../cases/jinzhong-six-focus/#s1" in links
    case = soup(built, "cases/jinzhong-six-focus/index.html")
    assert case.select_one("#s1") is not None


# Material's bundle loads these only on demand, never on our pages: a ResizeObserver polyfill for
# browsers without one, mermaid when a page has a diagram, the GitHub API when repo_url is set.
MATERIAL_ON_DEMAND = ("unpkg.com/resize-observer-polyfill", "unpkg.com/mermaid@", "api.github.com")


def test_no_page_refers_to_an_outside_host(built):
    offenders = []
    for path in built.rglob("*"):
        if path.suffix in {".html", ".css", ".js", ".xml"} and path.name not in {"sitemap.xml", "feed.xml"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            for match in EXTERNAL.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                on_demand = path.name.startswith("bundle.") and any(url in context for url in MATERIAL_ON_DEMAND)
                if "xmlns" not in context and "www.w3.org" not in context and not on_demand:
                    offenders.append(f"{path.relative_to(built)}: {context!r}")
    assert offenders == []


def test_search_index_files_are_in_the_site(built):
    # jianbao's own index (tests/test_search.py tests what it finds); the engine's is off
    assert (built / "search/meta.js").is_file() and (built / "search/words.js").is_file()
    assert not (built / "search/search_index.json").exists()
    assert "jb-search" in (built / "index.html").read_text(encoding="utf-8")


def test_issue_page_navigation_is_bounded(built):
    page = soup(built, "briefings/sxxczx/2023/007/index.html")
    nav_links = page.select("nav.md-nav--primary a.md-nav__link")
    assert len(nav_links) <= 20
    assert not any("/2023/007" in (a.get("href") or "") for a in nav_links)


def test_feed_is_atom(built):
    feed = (built / "feed.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">')
    assert "<updated>2023-03-31T00:00:00Z</updated>" in feed


def test_cases_filters_work_without_js(built):
    page = soup(built, "cases/tag/消薄/index.html")
    titles = [a.get_text() for a in page.select(".jb-cards strong")]
    assert titles == ["某县“消薄”六项实招 助力村集体经济“提速换挡”"] or len(titles) == 1
    active = page.select(".jb-filter a.jb-active")
    assert any(a.get_text().startswith("消薄") for a in active)


def test_region_page_shows_computed_share_and_svg_twin(built):
    page = soup(built, "regions/山西省/晋中市/index.html")
    rows = {tr.select_one("th").get_text(): [td.get_text() for td in tr.select("td")] for tr in page.select(".jb-indicator-table tbody tr")}
    assert rows["集体经济收入20万元以上的行政村占比（%）"][-1] == "74.0"
    assert rows["集体经济总收入中位数（万元）"][-1].count(".") == 1 and len(rows["集体经济总收入中位数（万元）"][-1].split(".")[1]) == 2
    assert page.select_one(".jb-sample-note") is not None
    figures = page.select("figure.jb-chart")
    assert len(figures) == 3
    assert all(f.select_one(".jb-chart-static svg") is not None for f in figures)
    captions = [f.select_one("figcaption").get_text() for f in figures]
    assert all(c.startswith("数据来源：合成示例数据") and "示例数据：" not in c for c in captions), captions
    scripts = [s.get("src", "") for s in page.select("script[src]")]
    assert any(src.endswith("assets/javascripts/vega-bundle.js") for src in scripts)


def test_indicators_csv_is_published(built):
    lines = (built / "data/indicators.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "region,year,indicator,value"
    assert "山西省/晋中市,2022,income_ge_20,74.0" in lines
    assert "山西省/晋中市,2022,villages,1942" in lines


def test_issue_files_are_linked(built):
    page = soup(built, "briefings/sxxczx/2023/007/index.html")
    links = [a["href"] for a in page.select(".jb-issue-nav a[href]")]
    assert "sxxczx-2023-007.html" in links
    assert (built / "briefings/sxxczx/2023/007/sxxczx-2023-007.html").is_file()


@pytest.mark.parametrize("extensions, expected", [
    ("", ["attr_list", "toc"]),
    ("markdown_extensions:\n  - tables\n  - toc:\n      permalink: true\n", ["tables", {"toc": {"permalink": True}}, "attr_list"]),
])
def test_extensions_the_generated_pages_need_are_always_on(tmp_path, extensions, expected):
    # Case pages give headings ids with attr_list ({ #s1 }); without it they show the braces.
    from generator.output.mkdocs_run import build_config

    (tmp_path / "mkdocs.yml").write_text("site_name: 示例\n" + extensions, encoding="utf-8")
    from generator.errors import Report
    from generator.output.mkdocs_config import check_mkdocs_yml

    config = build_config(Settings.create(tmp_path), check_mkdocs_yml(tmp_path, Report()), tmp_path / "site")
    assert config["markdown_extensions"] == expected
