"""Pages are rendered again exactly when their inputs change (generator/pagecache.py).

The fingerprint of a page must change whenever its text would: every kind of
content is changed in turn, every page rendered, and each page whose text
changed must have a new fingerprint (else a build would keep the stale page).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import copy_sample, write

from generator.build import check
from generator.buildcache import BuildCache
from generator.config import Settings
from generator.errors import Report
from generator.site.pagecache import PageCache
from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages
from generator.output.printing import read_styles, render_standalone

SECOND_ISSUE = """
series: sxxczx
year: 2023
number: 8
total: 63
date: 2023-04-14
articles:
  - case: county-six-moves
  - title: 某县“清化收”见成效
    body: |
      **清理合同、化解债务、收回资源。**全县清理合同 120 份。
copies: 150
"""


class Recorder(PageCache):
    """Renders every page (no hits) and records its fingerprint."""

    def __init__(self, base: PageCache) -> None:
        super().__init__(None, None, base.common)
        self.seen: dict[str, str] = {}

    def get(self, path, fingerprint):
        return None

    def put(self, path, fingerprint, text, charts):
        self.seen[path] = fingerprint

    def save(self, paths):
        pass


# Shared by the renders of this module, as `jianbao serve` shares one between its builds (entries are keyed by
# content, so an edited sample never sees its earlier version's): the fingerprints must not depend on it.
SHARED = BuildCache()


def render(project: Path) -> tuple[dict[str, str], dict[str, str]]:
    settings = Settings.create(project)
    checked = check(settings, cache=SHARED)
    options = RenderOptions(docs_dir=project / "build" / "docs")
    context = make_render_context(settings.templates_dir, options, SHARED, figures=checked.figures,
                                  charts=ChartMaker(checked.site.data, None, SHARED))
    context.page_cache = recorder = Recorder(context.page_cache)
    pages = render_pages(checked.site, context)
    styles = read_styles(context.env)
    for view in checked.site.issues:  # the standalone files: cached by the same inputs and the styles
        name = f"{view.url}{view.file_stem}.html"
        pages[name] = render_standalone(view, context.env, styles)
        recorder.seen[name] = recorder.standalone_key(view, checked.site, styles)
    return pages, recorder.seen


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGES = {
    "issue copies": ("content/briefings/2023/008.yml", "copies: 150", "copies: 151"),
    "issue date": ("content/briefings/2023/008.yml", "date: 2023-04-14", "date: 2023-04-15"),
    "issue article text": ("content/briefings/2023/008.yml", "清理合同 120 份", "清理合同 121 份"),
    "case title": ("content/cases/county-six-moves.yml", "title: 某县“消薄”六项实招", "title: 某县“消薄”七项实招"),
    "case summary": ("content/cases/county-six-moves.yml", "summary: 某县坚持", "summary: 某县始终坚持"),
    "case tags": ("content/cases/jinzhong-six-focus.yml", "tags: [组织建设,", "tags: [组织建设, 消薄,"),
    "case region": ("content/cases/county-six-moves.yml", "region: 某省/某市/某县", "region: 某省/某市/另一县"),
    "case date": ("content/cases/jinzhong-six-focus.yml", "date: 2023-03-31", "date: 2023-04-01"),
    "case model": ("content/cases/county-six-moves.yml", "model: six-practical-moves", "model: six-focus-six-solve"),
    "model name": ("content/models/six-practical-moves.yml", "name: 六项实招", "name: 六项好招"),
    "series name": ("content/series.yml", "name: 山西省乡村振兴简报", "name: 山西省乡村振兴工作简报"),
    "first issue's total": ("content/briefings/2023/007.yml", "total: 62", "total: 61"),
}


@pytest.fixture(scope="module")
def unchanged(tmp_path_factory) -> tuple[Path, dict[str, str], dict[str, str]]:
    """The sample with a second issue, and its pages and fingerprints before any change (rendered once)."""
    project = copy_sample(tmp_path_factory.mktemp("unchanged") / "project")
    write(project / "content/briefings/2023/008.yml", SECOND_ISSUE)
    return (project, *render(project))


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_changed_page_has_a_new_fingerprint(tmp_path, unchanged, change):
    base, before, before_fp = unchanged
    project = tmp_path / "project"
    shutil.copytree(base, project, ignore=shutil.ignore_patterns("build"))
    path, old, new = CHANGES[change]
    edit(project / path, old, new)
    if change == "first issue's total":  # keep the numbering consistent
        edit(project / "content/briefings/2023/008.yml", "total: 63", "total: 62")
    after, after_fp = render(project)
    cached = set(before_fp) & set(after_fp)
    assert cached, "no cached page"
    changed = {p for p in cached if before[p] != after[p]}
    assert changed, f"{change}: no cached page changed, the test proves nothing"
    stale = sorted(p for p in changed if before_fp[p] == after_fp[p])
    assert stale == [], f"{change}: pages changed but kept their fingerprint"


@pytest.mark.e2e
def test_unchanged_pages_are_taken_from_the_previous_build(tmp_path):
    from generator.build import build
    from generator.output.mkdocs_config import check_mkdocs_yml, site_extra
    from generator.site.chart_render import ChartRenderer

    project = copy_sample(tmp_path / "project")
    build(Settings.create(project, pdf=False))
    edit(project / "content/briefings/2023/007.yml", "printed_date: 2023-03-31", "printed_date: 2023-04-01")
    settings = Settings.create(project, pdf=False)
    checked = check(settings)
    options = RenderOptions(extra=site_extra(check_mkdocs_yml(project, Report())), docs_dir=settings.docs_dir, cache_dir=settings.cache_dir)
    charts = ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts"))
    context = make_render_context(settings.templates_dir, options, figures=checked.figures, charts=charts)
    pages = render_pages(checked.site, context)
    assert context.page_cache.hits > 0
    assert charts.used_anywhere  # region pages taken from the previous build still need the chart scripts
    assert re.search(r"2023年4月1日印发", pages["briefings/sxxczx/2023/007/index.md"])


def test_search_index_and_indicators_csv_are_read_back_only_for_the_same_inputs(tmp_path):
    """The JSON stores under build/cache (search/, indicators.json): a warm build reads them, a change of data/ does not."""
    from generator.build import render_site

    project = copy_sample(tmp_path / "project")
    settings = Settings.create(project, pdf=False)
    stores = (settings.cache_dir / "indicators.json", settings.cache_dir / "search" / "served.json")

    def render() -> tuple[dict, set]:
        cache = BuildCache()  # a new process: nothing in memory
        rendered = render_site(settings, check(settings, cache=cache), cache)
        kept = {path for path in rendered.render.pending if path in stores}
        rendered.render.save_caches(rendered.files)  # what phase two does after a successful build
        return rendered.files, kept

    first, kept = render()
    assert stores[0] in kept  # (the search index of the same pages may be in the cache of another test already)
    again, kept = render()
    assert again == first and not kept  # read back, the same bytes
    edit(project / "data/villages/jinzhong-sample.csv", ",200.31,", ",210.31,")
    changed, kept = render()
    assert kept == set(stores)  # the region pages' figures changed, so did their text in the index
    assert changed["data/indicators.csv"] != first["data/indicators.csv"]
    cold = copy_sample(tmp_path / "cold")
    edit(cold / "data/villages/jinzhong-sample.csv", ",200.31,", ",210.31,")
    cold_settings = Settings.create(cold, pdf=False)
    cold_cache = BuildCache()
    fresh = render_site(cold_settings, check(cold_settings, cache=cold_cache), cold_cache).files
    assert {name: data for name, data in changed.items() if name.startswith(("search/", "data/"))} == \
        {name: data for name, data in fresh.items() if name.startswith(("search/", "data/"))}
