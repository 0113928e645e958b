"""Render the site structure to Markdown pages (and feed/data files) via site_templates/."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from generator.site import text as texts
from generator.site.chart_embed import chart_html, format_source_line
from generator.site.chart_render import ChartRenderer, spec_key
from generator.site.charts import ChartSpecs
from generator.data.load import Data
from generator.data.figures import Figures
from generator.content.models import ChartDecl
from generator.buildcache import BuildCache, Memo
from generator.site.facets import CASE_FACETS, CASES_JS, case_facets, facets_script
from generator.output.files import write_cache_file
from generator.site.numbers import format_number
from generator.site.pagecache import PageCache, common_fingerprint
from generator.data.provenance import Provenance
from generator.site.structure import CASE_LIST_LIMIT, CASES_INDEX_LIMIT, Site, paginate
from generator.site.templates_dir import default_templates
from generator.site.typography import cn_date, no_orphan, quote

CN_DIGITS = "〇一二三四五六七八九"


@dataclass
class RenderOptions:
    offline: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    pdf: bool = False
    cache_dir: Path | None = None  # rendered Markdown is kept there between builds (MarkdownStore)
    docs_dir: Path | None = None  # where the pages of the previous build are (PageCache)


VEGA_BUNDLE = "assets/javascripts/vega-bundle.js"
CHARTS_JS = "assets/javascripts/charts.js"


class ChartMaker:
    """Turns chart declarations into <figure>s with SVG twins, per page."""

    def __init__(self, data: Data, renderer: ChartRenderer | None, cache: BuildCache | None = None):
        self.data = data
        self.renderer = renderer
        cache = cache if cache is not None else BuildCache()
        # Charts drawn by earlier builds of this process, by spec-cache key: `jianbao serve` rebuilds and the
        # standalone files reuse them (a figure's HTML also depends on its id, unique per page).
        self.fragments = cache.chart_fragments
        self.fragments_html = cache.chart_html
        # Built specs are cached beside the SVGs: charts/specs/<key>.json (written in phase two, like the SVGs).
        pending = renderer.pending if renderer else None
        self.specs = ChartSpecs(renderer.cache_dir / "specs" if renderer else None, cache, pending=pending)
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
        made = self.fragments.get(key)
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
        html = self.fragments_html.get((key, chart_id))
        if html is None:
            html = self.fragments_html.put((key, chart_id), Markup(chart_html(spec, svg, chart_id, key[2])))
        self.fragments.put(key, made)
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

    def __init__(self, codes: dict[str, bytes]) -> None:
        self.codes = codes  # BuildCache.templates

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


@dataclass
class RenderContext:
    """What rendering reads and fills, passed explicitly: the templates, options and caches of one build."""

    env: Environment
    options: RenderOptions
    cache: BuildCache
    charts: ChartMaker
    markdown_store: MarkdownStore
    page_cache: PageCache | None  # a real build: pages unchanged since the previous one are not rendered
    pending: dict[Path, str | bytes]  # new files for the disk caches (charts), written in phase two

    def save_caches(self, files: dict[str, str | bytes]) -> None:
        """Phase two, after a successful build: keep what this build rendered for the next one."""
        self.markdown_store.save()
        if self.page_cache is not None:
            self.page_cache.save(files)
        for path, data in sorted(self.pending.items()):
            write_cache_file(path, data)
        self.pending.clear()


def make_render_context(project_templates: Path | None, options: RenderOptions, cache: BuildCache | None = None,
                        figures: Figures | None = None, charts: ChartMaker | None = None) -> RenderContext:
    """The templates (trusted: the project's own files) and caches pages are rendered with."""
    cache = cache if cache is not None else BuildCache()
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
        bytecode_cache=_MemoryBytecodeCache(cache.templates),  # scale: not compiled again on each rebuild
    )
    store = MarkdownStore(options.cache_dir / "markdown.json" if options.cache_dir else None)
    page_cache = None
    if options.docs_dir is not None:  # a real build: pages unchanged since the previous one are not rendered
        data_digest = figures.data.digest if figures else ""
        with_charts = charts is not None and charts.renderer is not None
        page_cache = PageCache(options.docs_dir, options.cache_dir, common_fingerprint(search, options, data_digest, with_charts), cache)
    charts = charts or ChartMaker(Data(), None, cache)

    def markdown(text: str, inline: bool) -> Markup:
        return _markdown(text, inline, store, cache.markdown)

    env.filters.update(
        md=lambda value: markdown(expand(value), False),
        md_inline=lambda value: markdown(expand(value), True),
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
        runin=lambda heading, body, points, css: texts.runin_html(heading, body, points, css, expand=expand, render=lambda text: markdown(text, False)),
        offline=options.offline,
        extra=options.extra,
        pdf=options.pdf,
        chart=charts,
        provenance=Provenance(figures.data if figures else charts.data),  # 示例数据, coverage notes
        case_facets_js=CASE_FACETS,
        cases_js=CASES_JS,
    )
    pending = charts.renderer.pending if charts.renderer is not None and charts.renderer.pending is not None else {}
    return RenderContext(env, options, cache, charts, store, page_cache, pending)


# The same texts are rendered again and again: a case on its page, in its issue, in the
# issue's standalone file, and in every build. Markdown is the costliest step of rendering,
# and a pure function of the text once figures are expanded: kept in memory for the
# process (BuildCache.markdown), and between builds in cache_dir/markdown.json (MarkdownStore).


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
        text = json.dumps({"version": _markdown_version(), "fragments": self.fragments}, ensure_ascii=False)
        if write_cache_file(self.path, text):
            self.added = 0

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


def _markdown(text: str, inline: bool, store: MarkdownStore | None, memo: Memo[str, Markup]) -> Markup:
    key = hashlib.sha1(("i" if inline else "b").encode() + text.encode("utf-8")).hexdigest()
    html = memo.get(key)
    if html is None:
        stored = store.get(key) if store is not None else None
        if stored is not None:
            html = Markup(texts.sanitize_html(stored))
        else:
            html = texts.render_markdown(text, inline=inline)
            if store is not None:
                store.put(key, str(html))
        memo.put(key, html)
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


def render_pages(site: Site, context: RenderContext) -> dict[str, str]:
    """Every generated page as {path under docs/: text}; nothing is written (RenderContext.save_caches is phase two's)."""
    pages: dict[str, str] = {}
    env, options, charts, cache = context.env, context.options, context.charts, context.page_cache

    def render(path: str, template: str, **values: Any) -> None:
        fingerprint = cache.fingerprint(path, template, values, site) if cache is not None else None
        if fingerprint is not None:
            previous = cache.get(path, fingerprint)
            if previous is not None:
                pages[path] = previous[0]
                charts.used_anywhere = charts.used_anywhere or previous[1]
                return
        charts.start_page()
        rel = linker(path, options.offline)
        text = env.get_template(template).render(site=site, rel=rel, page_path=path, **values)
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
    render("search/index.md", "search.md.j2")
    render("feed.xml", "feed.xml.j2")
    for page in site.pages:
        pages[f"{page.name}.md"] = texts.render_page(page.text, page_link(page.name, options.offline))
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
