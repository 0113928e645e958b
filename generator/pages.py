"""Render the site structure to Markdown pages (and feed/data files) via site_templates/."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import posixpath
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from . import text as texts
from .charts import ChartRenderer, ChartSpecs, chart_html, format_source_line, spec_key
from .data import Data
from .figures import Figures
from .models import ChartDecl
from .numbers import format_number
from .typography import cn_date, no_orphan, quote
from .pagecache import PageCache, common_fingerprint
from .search import ENTRIES as SEARCH_ENTRIES, read_terms, search_entries
from .facets import CASE_FACETS, CASES_JS, case_facets, facets_script
from .site import CASE_LIST_LIMIT, CASES_INDEX_LIMIT, Site, paginate

CN_DIGITS = "〇一二三四五六七八九"


def default_templates() -> Path:
    """The templates shipped with jianbao (inside the wheel, or beside the package in a checkout)."""
    packaged = Path(__file__).parent / "site_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "site_templates"


@dataclass
class RenderOptions:
    offline: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    pdf: bool = False
    cache_dir: Path | None = None  # rendered Markdown is kept there between builds (MarkdownStore)
    docs_dir: Path | None = None  # where the pages of the previous build are (PageCache)


VEGA_BUNDLE = "assets/javascripts/vega-bundle.js"
CHARTS_JS = "assets/javascripts/charts.js"


# Charts made in this process, by spec-cache key: `jianbao serve` rebuilds and the standalone
# files reuse them (a figure's HTML also depends on its id, unique per page).
_fragments: OrderedDict[tuple, tuple[str, dict, str]] = OrderedDict()
_fragments_html: OrderedDict[tuple, Markup] = OrderedDict()
FRAGMENTS_IN_MEMORY = 2048


def _remember(memo: OrderedDict, key: tuple, value: Any) -> None:
    memo[key] = value
    memo.move_to_end(key)
    while len(memo) > FRAGMENTS_IN_MEMORY:
        memo.popitem(last=False)


class ChartMaker:
    """Turns chart declarations into <figure>s with SVG twins, per page."""

    def __init__(self, data: Data, renderer: ChartRenderer | None, specs: ChartSpecs | None = None):
        self.data = data
        self.renderer = renderer
        # Built specs are cached beside the SVGs: charts/specs/<key>.json.
        self.specs = specs or ChartSpecs(renderer.cache_dir / "specs" if renderer else None)
        self.used_on_page = False
        self.used_anywhere = False
        self._ids: set[str] = set()

    def start_page(self) -> None:
        self.used_on_page = False
        self._ids = set()

    def __call__(self, decl: ChartDecl) -> Markup:
        if self.renderer is None:
            return Markup("")
        inputs = self.data.chart_inputs(decl.region)
        key = (self.specs.key(decl, inputs, self.data.defs), str(self.renderer.cache_dir), self.source_line(decl))
        made = _fragments.get(key)
        if made is None:
            spec = self.specs.spec(decl, inputs, self.data.defs)
            svg = self.renderer.svg(spec)
            made = ("chart-" + spec_key(spec)[:12], spec, svg)
        base, spec, svg = made
        chart_id = base
        while chart_id in self._ids:
            chart_id += "x"
        self._ids.add(chart_id)
        self.used_on_page = self.used_anywhere = True
        html = _fragments_html.get((key, chart_id))
        if html is None:
            html = Markup(chart_html(spec, svg, chart_id, key[2]))
            _remember(_fragments_html, (key, chart_id), html)
        _remember(_fragments, key, made)
        return html

    def source_line(self, decl: ChartDecl) -> str:
        sources = self.data.sources(decl.region) or ["data/villages"]
        years = self.data.years(decl.region)
        year = decl.year or (years[-1] if years else None)
        label = "；".join(sources)
        if self.data.is_sample(decl.region) and "示例数据" not in label:
            label += "（示例数据）"
        return format_source_line(label, dt.date(year, 12, 31) if year else None)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


# The escapers live in text.py (hand-written pages use them too); templates know them by these names.
md_escape = texts.md_escape
yaml_str = texts.front_matter_str


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept between the builds of one process (`jianbao serve`), checked by their source."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _MemoryBytecodeCache()


def make_env(project_templates: Path | None, options: RenderOptions, figures: Figures | None = None, charts: ChartMaker | None = None) -> Environment:
    """The Jinja environment for page templates (trusted: the project's own files)."""
    expand = figures.expand if figures else (lambda text: text)
    bases = [project_templates, default_templates()] if project_templates else [default_templates()]
    search = [str(base / "pages") for base in bases if (base / "pages").is_dir()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(search)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_COMPILED,  # scale: not compiled again on each rebuild
    )
    store = MarkdownStore(options.cache_dir / "markdown.json" if options.cache_dir else None)
    env.markdown_store = store  # type: ignore[attr-defined] - saved by render_pages
    if options.docs_dir is not None:  # a real build: pages unchanged since the previous one are not rendered
        data_digest = figures.data.digest if figures else ""
        with_charts = charts is not None and charts.renderer is not None
        env.page_cache = PageCache(options.docs_dir, options.cache_dir, common_fingerprint(search, options, data_digest, with_charts))  # type: ignore[attr-defined]
    env.filters.update(
        md=lambda value: _markdown(expand(value), False, store),
        md_inline=lambda value: _markdown(expand(value), True, store),
        md_escape=md_escape,
        cn_number=cn_number,
        cn_date=cn_date,
        cn_date_compact=cn_date,  # the same: dates are never spaced (kept for project templates)
        quote=quote,
        no_orphan=no_orphan,
        lead=texts.lead_phrase,
        number=lambda value, unit="": format_number(value, unit, running_text=True, as_written=True),
        yaml_str=yaml_str,
    )
    env.globals.update(
        runin=lambda heading, body, points, css: texts.runin_html(heading, body, points, css, expand=expand, render=lambda text: _markdown(text, False, store)),
        offline=options.offline,
        extra=options.extra,
        pdf=options.pdf,
        chart=charts or ChartMaker(Data(), None),
        case_facets_js=CASE_FACETS,
        cases_js=CASES_JS,
    )
    return env


# The same texts are rendered again and again: a case on its page, in its issue, in the
# issue's standalone file, and in every build. Markdown is the costliest step of rendering,
# and a pure function of the text once figures are expanded: kept in memory for the
# process, and between builds in cache_dir/markdown.json (MarkdownStore).
_rendered: OrderedDict[str, Markup] = OrderedDict()
RENDERED_IN_MEMORY = 100_000


class MarkdownStore:
    """Markdown rendered by earlier builds, by a hash of the text.

    What is read back goes through the HTML sanitizer again before use: the file
    cannot bring into a page any markup the sanitizer would not let through.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.fragments: dict[str, str] | None = None
        self.added = 0

    def get(self, key: str) -> str | None:
        if self.fragments is None:
            self.fragments = self._load()
        return self.fragments.get(key)

    def put(self, key: str, html: str) -> None:
        if self.fragments is None:
            self.fragments = self._load()
        self.fragments[key] = html
        self.added += 1

    def save(self) -> None:
        if self.path is None or not self.added or self.fragments is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
            temporary.write_text(json.dumps({"version": _markdown_version(), "fragments": self.fragments}, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, self.path)
            self.added = 0
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _load(self) -> dict[str, str]:
        if self.path is None:
            return {}
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        fragments = stored.get("fragments") if isinstance(stored, dict) and stored.get("version") == _markdown_version() else None
        return {k: v for k, v in fragments.items() if isinstance(v, str)} if isinstance(fragments, dict) and len(fragments) < 1_000_000 else {}


@functools.cache
def _markdown_version() -> str:
    import markdown
    import nh3

    code = hashlib.sha256(Path(texts.__file__).read_bytes()).hexdigest()
    return f"text.py {code}|markdown {markdown.__version__}|nh3 {getattr(nh3, '__version__', '')}"


def _markdown(text: str, inline: bool, store: MarkdownStore | None) -> Markup:
    key = hashlib.sha1(("i" if inline else "b").encode() + text.encode("utf-8")).hexdigest()
    html = _rendered.get(key)
    if html is None:
        stored = store.get(key) if store is not None else None
        if stored is not None:
            html = Markup(texts.sanitize_html(stored))
        else:
            html = texts.render_markdown(text, inline=inline)
            if store is not None:
                store.put(key, str(html))
        _rendered[key] = html
        while len(_rendered) > RENDERED_IN_MEMORY:
            _rendered.popitem(last=False)
    return html


def linker(page_path: str, offline: bool) -> Callable[[str], str]:
    """A function turning a site-root URL into a link relative to page_path."""
    here = posixpath.dirname(page_path)
    here_parts = here.split("/") if here else []

    def rel(target: str) -> str:
        path = target
        if offline and (path.endswith("/") or path == ""):
            path += "index.html"
        relative = _relpath(path or ".", here_parts) if ".." not in path.split("/") else posixpath.relpath(path or ".", here or ".")
        if target.endswith("/") and not relative.endswith("/") and not offline:
            relative += "/"
        return relative

    return rel


def _relpath(path: str, start: list[str]) -> str:
    """posixpath.relpath for two site-root-relative paths, without its abspath calls (thousands per page)."""
    parts = [part for part in path.split("/") if part and part != "."]
    common = 0
    for a, b in zip(parts, start):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + parts[common:]) or "."


def render_pages(site: Site, env: Environment, options: RenderOptions) -> dict[str, str]:
    """Every generated page as {path under docs/: text}."""
    pages: dict[str, str] = {}

    charts: ChartMaker = env.globals["chart"]
    cache: PageCache | None = getattr(env, "page_cache", None)

    def render(path: str, template: str, **context: Any) -> None:
        fingerprint = cache.fingerprint(path, template, context, site) if cache is not None else None
        if fingerprint is not None:
            previous = cache.get(path, fingerprint)
            if previous is not None:
                pages[path] = previous[0]
                charts.used_anywhere = charts.used_anywhere or previous[1]
                return
        charts.start_page()
        rel = linker(path, options.offline)
        text = env.get_template(template).render(site=site, rel=rel, page_path=path, **context)
        if charts.used_on_page:
            text += f'\n<script src="{rel(VEGA_BUNDLE)}"></script>\n<script src="{rel(CHARTS_JS)}"></script>\n'
        pages[path] = text
        if fingerprint is not None:
            cache.put(path, fingerprint, text, charts.used_on_page)

    render("index.md", "home.md.j2")
    render("briefings/index.md", "briefings.md.j2")
    for series_id, years in site.issues_by_series_year().items():
        for year, views in years.items():
            render(f"briefings/{series_id}/{year}/index.md", "briefings_year.md.j2", series=views[0].series, year=year, issues=sorted(views, key=lambda v: (v.issue.kind, v.issue.number)))
    for view in site.issues:
        render(f"{view.url}index.md", "issue.md.j2", view=view)
    render("cases/index.md", "cases.md.j2", current=None, cases=site.cases, limit=CASES_INDEX_LIMIT, pager=None)
    pages[CASE_FACETS] = facets_script(case_facets(site))
    for kind, filters in site.filters.items():
        for item in filters:
            for pager, chunk in paginate(item.cases, item.url):
                render(f"{pager.path}index.md", "cases.md.j2", current=item, cases=chunk, limit=None, pager=pager)
    for case in site.cases:
        render(f"{case.url}index.md", "case.md.j2", case=case)
    render("models/index.md", "models.md.j2")
    for model in site.models:
        render(f"{model.url}index.md", "model.md.j2", model=model, limit=CASE_LIST_LIMIT)
    render("regions/index.md", "regions.md.j2")
    for region in site.regions.values():
        render(f"{region.url}index.md", "region.md.j2", region=region, limit=CASE_LIST_LIMIT)
    render("indicators/index.md", "indicators.md.j2")
    render("feed.xml", "feed.xml.j2")
    for page in site.pages:
        pages[f"{page.name}.md"] = texts.render_page(page.text, page_link(page.name, options.offline))
    # Issue and case pages are indexed for search by these entries, not by their full text (search.py).
    entries = search_entries(site, read_terms(search_dictionary(env)), offline=options.offline)
    pages[SEARCH_ENTRIES] = json.dumps(entries, ensure_ascii=False, indent=0) + "\n"
    store = getattr(env, "markdown_store", None)
    if store is not None:
        store.save()
    if cache is not None:
        cache.save(pages)
    return pages


def search_dictionary(env: Environment) -> Path | None:
    """site_templates/search/userdict.txt beside the first pages/ folder that has one (the project's first)."""
    for loader in getattr(env.loader, "loaders", [env.loader]):
        for folder in getattr(loader, "searchpath", []):
            path = Path(folder).parent / "search" / "userdict.txt"
            if path.is_file():
                return path
    return None


def page_link(name: str, offline: bool) -> Callable[[str], str]:
    """Links of the hand-written page <name>.md: relative `x.md` targets become URLs, as MkDocs does."""
    rel = linker(f"{name}.md" if offline else f"{name}/index.md", offline)

    def link(href: str) -> str:
        path, hash_, fragment = href.partition("#")
        target = posixpath.normpath(path) if path.endswith(".md") else ""
        if not target or target.startswith(("..", "/")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", target):
            return href
        if target == "index.md" or target.endswith("/index.md"):
            url = target[: -len("index.md")] or "./"
        else:
            url = target[:-3] + (".html" if offline else "/")
        return rel(url) + hash_ + fragment

    return link
