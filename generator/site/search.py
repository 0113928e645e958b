"""jianbao's own full-text search (SPEC §5): which pages are searched, with what they are shown.

Every page's main content is indexed as the reader sees it — issues with the case text they
carry and their 报尾, cases, models, regions down to 乡镇 (and 村), the indicators page and
the hand-written pages; not the lists that only repeat other pages (home, year lists, the
case filters). The text comes from the generated Markdown itself (search_text), the index
files from search_index; both engines' own search is off (mkdocs_run).
"""

from __future__ import annotations

from pathlib import Path

from generator.output.search_index import SearchCache, SearchPage, stored_index
from generator.site.structure import Site

SEARCH_PAGE = "search/index.md"
SEARCH_SCRIPT = "assets/javascripts/search.js"
SEARCH_STYLES = "assets/stylesheets/search.css"


def read_terms(path: Path | None) -> list[str]:
    """The words of a jieba-style user dictionary (one per line: word [frequency] [tag])."""
    if path is None or not path.is_file():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            terms.append(parts[0])
    return list(dict.fromkeys(terms))


def page_url(url: str, offline: bool) -> str:
    """A directory URL as the site links it: "x/" served, "x/index.html" from file://."""
    return url + "index.html" if offline and (url.endswith("/") or not url) else url


def search_pages(site: Site, pages: dict[str, str], *, offline: bool = False) -> list[SearchPage]:
    """The searchable pages in id order: issues newest first, then cases newest first, models, regions, the rest."""
    found: list[SearchPage] = []

    def add(path: str, url: str, kind: str, **meta: object) -> None:
        source = pages.get(path)
        if source is not None:
            found.append(SearchPage(url=url, kind=kind, source=source, **meta))  # type: ignore[arg-type]

    issues = sorted(site.issues, key=lambda v: (v.issue.date, v.series.id, v.issue.kind, v.issue.number), reverse=True)
    for view in issues:
        where = f"{view.series.name} · {view.issue.year} 年{view.number_line.split('（', 1)[0]}"
        add(f"{view.url}index.md", page_url(view.url, offline), "简报", where=where, date=view.issue.date.isoformat(), year=view.issue.year)
    cases = sorted(site.cases, key=lambda v: (v.case.date.isoformat() if v.case.date else "", v.case.id), reverse=True)
    for view in cases:
        add(f"{view.url}index.md", page_url(view.url, offline), "案例", where=view.case.region.replace("/", " / "),
            date=view.case.date.isoformat() if view.case.date else "", year=view.year or 0, city=city_of(view.case.region))
    for model in site.models:
        add(f"{model.url}index.md", page_url(model.url, offline), "发展模式", where="发展模式")
    for path in sorted(site.regions):
        region = site.regions[path]
        add(f"{region.url}index.md", page_url(region.url, offline), "地区", where=f"{region.path.replace('/', ' / ')}（{region.level}级）", city=city_of(region.path))
    add("indicators/index.md", page_url("indicators/", offline), "页面", where="指标")
    for page in site.pages:
        add(f"{page.name}.md", f"{page.name}.html" if offline else f"{page.name}/", "页面", where="")
    return found


def city_of(region: str) -> str:
    """The 市 of a region path (省/市/…), or "" above it."""
    parts = region.split("/")
    return parts[1] if len(parts) > 1 else ""


def dictionary(site: Site, userdict: Path | None) -> list[str]:
    """Words that rank a whole-word match first: the project's dictionary, region names, models, tags."""
    words = read_terms(userdict)
    for path in site.regions:
        words += path.split("/")
    for model in site.models:
        words.append(model.model.name)
        words += [item.item.name for item in model.items]
    for view in site.cases:
        words += view.case.tags
    return sorted(set(words))


def render_search(site: Site, pages: dict[str, str], userdict: Path | None, *, offline: bool, cache: SearchCache | None = None,
                  store: Path | None = None, pending: dict[Path, str | bytes] | None = None) -> dict[str, bytes]:
    """The search index files for the rendered pages (the write stage puts them into the docs folder).

    store: the JSON file of the last index (search_index.stored_index), new contents into pending.
    """
    return stored_index(search_pages(site, pages, offline=offline), dictionary(site, userdict), cache, store, pending)
