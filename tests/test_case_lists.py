"""Case lists: filter pages cut into pages of 50, regions in hierarchy order, the regions tree,
and the data the cases index combines its facets from."""

from __future__ import annotations

import json
import re

import pytest
from conftest import write

from generator.build import check
from generator.config import Settings
from generator.site.facets import case_facets, facets_script
from generator.site.pages import RenderOptions, make_render_context, render_pages
from generator.site.structure import CASES_PAGE_SIZE, Pager, ensure_region, region_order

REGIONS = ["山西省/长治市/潞州区", "山西省", "山西省/晋中市/榆次区/东阳镇", "某省/某市", "某省"]


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A project with 120 cases spread over five regions, two models' worth of tags and two years."""
    root = tmp_path_factory.mktemp("many")
    write(root / "content" / "series.yml", "- {id: demo, name: 示例简报, masthead: [示例, 简报], issuer: 示例局}\n")
    for n in range(120):
        write(root / "content" / "cases" / f"c{n:03d}.yml", f"""
            id: c{n:03d}
            title: 案例{n}
            region: {REGIONS[n % 5]}
            date: {2022 + n % 2}-0{1 + n % 9}-15
            tags: [{"消薄" if n % 3 == 0 else "飞地"}]
            summary: 摘要{n}。
            """)
    write(root / "mkdocs.yml", "site_name: 示例\n")
    checked = check(Settings.create(root))
    options = RenderOptions()
    return checked.site, render_pages(checked.site, make_render_context(None, options))


def test_pager_links_first_last_and_neighbours():
    assert Pager(1, 1, 3, "cases/tag/x/").numbers == [1]
    assert Pager(5, 24, 1200, "cases/tag/x/").numbers == [1, None, 3, 4, 5, 6, 7, None, 24]
    assert Pager(2, 3, 120, "b/").numbers == [1, 2, 3]
    assert Pager(1, 3, 120, "b/").url(1) == "b/" and Pager(1, 3, 120, "b/").url(3) == "b/page/3/"


def test_filter_pages_are_cut_into_pages_of_fifty(many):
    site, pages = many
    assert CASES_PAGE_SIZE == 50
    assert "cases/region/山西省/index.md" in pages and "cases/region/山西省/page/2/index.md" in pages
    assert "cases/region/山西省/page/3/index.md" not in pages  # 72 cases of 山西省: two pages
    first, second = pages["cases/region/山西省/index.md"], pages["cases/region/山西省/page/2/index.md"]
    assert first.count('<li class="jb-case-card">') == 50 and second.count('<li class="jb-case-card">') == 22
    assert '<a rel="next" href="page/2/">下一页</a>' in first
    assert '<a rel="prev" href="../../">上一页</a>' in second and '<span aria-current="page">2</span>' in second
    assert "共 72 个案例，每页 50 个，这是第 2 / 2 页" in second
    assert 'title: "典型案例：山西省（第 2 页）"' in second or "title: 典型案例：山西省（第 2 页）" in second
    # every case of the filter is on exactly one page
    ids = re.findall(r'href="[./]*(c\d{3})/"', first + second)
    assert len(ids) == len(set(ids)) == 72


def test_a_short_list_has_one_page_and_no_page_links(many):
    _, pages = many
    assert "cases/region/某省/某市/page/2/index.md" not in pages
    assert 'class="jb-pages"' not in pages["cases/region/某省/某市/index.md"]


def test_region_filters_follow_the_hierarchy(many):
    site, _ = many
    values = [f.value for f in site.filters["region"]]
    assert values == sorted(values, key=region_order)
    assert values[:3] == ["山西省", "山西省/晋中市", "山西省/晋中市/榆次区"]
    assert values.index("山西省/长治市") < values.index("某省") < values.index("某省/某市")


def test_regions_index_is_a_tree_with_counts_only_where_there_are_cases(tmp_path):
    root = tmp_path / "p"
    write(root / "content" / "series.yml", "- {id: demo, name: 示例简报, masthead: [示例, 简报], issuer: 示例局}\n")
    write(root / "content" / "cases" / "a.yml", "id: a\ntitle: 甲\nregion: 某省/某市/某县\nsummary: 摘要。\n")
    write(root / "mkdocs.yml", "site_name: 示例\n")
    checked = check(Settings.create(root))
    ensure_region(checked.site.regions, "某省/他市/他县/他镇")  # a region with data but no case
    options = RenderOptions()
    page = render_pages(checked.site, make_render_context(None, options))["regions/index.md"]
    assert "<details open><summary>某省<span class=\"jb-muted\">（1 个案例）</span></summary>" in page
    assert "<details><summary>某市<span class=\"jb-muted\">（1 个案例）</span></summary>" in page
    assert "<details><summary>他市</summary>" in page  # no «（0 个案例）»
    assert '<span class="jb-leaf"><a href="某省/他市/他县/他镇/">他镇</a></span>' in page
    assert "0 个案例" not in page


def test_facet_data_lists_every_case_and_regions_in_hierarchy_order(many):
    site, pages = many
    data = case_facets(site)
    assert len(data["cases"]) == 120
    regions = [value for value, _ in data["facets"]["region"]]
    assert regions[:4] == ["山西省", "山西省/晋中市", "山西省/晋中市/榆次区", "山西省/晋中市/榆次区/东阳镇"]
    assert regions[-2:] == ["某省", "某省/某市"]
    assert [value for value, _ in data["facets"]["year"]] == ["2023", "2022"]
    first = next(c for c in data["cases"] if c["id"] == "c000")
    assert first == {"id": "c000", "title": "案例0", "region": "山西省/长治市/潞州区", "date": "2022年1月15日", "model": "",
                     "modelName": "", "tags": ["消薄"], "year": "2022", "summary": "摘要0。"}
    assert pages["cases/cases-data.js"] == facets_script(data)
    assert json.loads(pages["cases/cases-data.js"][len("window.jianbaoCases = "):-2]) == data
    assert '<script src="cases-data.js"></script>' in pages["cases/index.md"]


def test_facet_data_cuts_long_summaries(many):
    from generator.site.facets import SUMMARY_CHARS, _shorten

    assert _shorten("甲" * SUMMARY_CHARS) == "甲" * SUMMARY_CHARS
    assert _shorten("甲" * (SUMMARY_CHARS + 1)) == "甲" * (SUMMARY_CHARS - 1) + "…"
