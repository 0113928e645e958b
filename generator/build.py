"""Orchestration: load → validate → compute → render, then write → MkDocs → print → swap site/.

Like MkDocs' own build, it runs in two phases. Phase one (check, render_site) gathers
and checks everything and renders every file into memory; it reads, but writes nothing.
Phase two (write_site) writes the docs tree, runs MkDocs into a staging folder, writes
the print outputs, swaps the folder in for site/ and only then saves the caches.

What a process keeps between builds (`jianbao serve`, the editor) is one BuildCache,
created by the command and passed down; nothing is kept in module state.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.buildcache import BuildCache
from generator.config import Settings
from generator.content.load import Project, load_project
from generator.data.load import Data, load_data
from generator.errors import ContentError, FileSystemError, Level, Report
from generator.data.figures import Figures, check_charts, check_figures, check_highlights
from generator.output.files import build_lock, recover_site, remove_path, remove_quietly, replace_dir, write_cache_file, write_tree
from generator.output.stores import generator_code, remembered
from generator.output.mkdocs_config import check_mkdocs_yml, read_assets, site_extra
from generator.data.provenance import check_coverage
from generator.site.structure import Site, compute_site
from generator.content.validate import validate_project

if TYPE_CHECKING:  # rendering imports Jinja, Markdown and the chart code: not for `jianbao check`
    from generator.site.pages import RenderContext

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    pages: int = 0
    written: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    dirty: bool = False  # MkDocs rebuilt only the changed pages, in place (Settings.dirty)
    source_date_epoch: int | None = None  # the epoch the site was built with (reproducible dates)


@dataclass
class Checked:
    """Everything gathered and checked in phase one."""

    project: Project
    site: Site
    report: Report
    figures: Figures
    mkdocs: dict  # the project's mkdocs.yml as plain values
    pending: dict[Path, str | bytes] = field(default_factory=dict)  # what the checks keep under build/cache (phase two writes it)


@dataclass
class Rendered:
    """Phase one's output: every file of the docs tree, in memory, and what the print stage needs."""

    files: dict[str, str | bytes]
    render: RenderContext  # the templates and caches the print outputs are rendered with

    @property
    def pages(self) -> int:
        return sum(1 for name in self.files if name.endswith(".md"))


def check(settings: Settings, progress: Progress = lambda stage: None, cache: BuildCache | None = None) -> Checked:
    """Phase one, first half: load and validate everything; raise ContentError if anything is wrong."""
    cache = cache if cache is not None else BuildCache()
    report = Report()
    progress("读取内容")
    project = load_project(settings.project, report, settings.cache_dir, cache)  # scale: parsed files cached by hash
    mkdocs = check_mkdocs_yml(settings.project, report, project.cache)  # parsed files cached, as content
    progress("校验")
    totals = validate_project(project, report, cache)
    progress("读取数据、计算指标")
    pending: dict[Path, str | bytes] = {}
    data = load_data(settings.project, report, cache, project.cache, store=settings.cache_dir / "data.json", pending=pending)
    figures = Figures(data)
    check_figures(project, figures, report, cache)
    check_highlights(project, data, report)
    check_charts(project, data, report, cache, store=settings.cache_dir / "chart-checks.json", pending=pending)
    check_coverage(data, report)  # 提示 where the villages or sub-regions with data change between years
    if report.has_errors or (settings.strict and report.count(Level.WARNING)):
        raise ContentError(report)
    site = compute_site(project, totals, data, drafts=settings.drafts, year=settings.year, cache=cache,
                        store=settings.cache_dir / "related.json", pending=pending)
    return Checked(project, site, report, figures, mkdocs, pending)


def source_date_epoch(settings: Settings, site: Site) -> int | None:
    """The epoch MkDocs and the archive date things with: the setting, else the latest issue's date."""
    if settings.source_date_epoch is not None or not site.issues:
        return settings.source_date_epoch
    latest = max(view.issue.date for view in site.issues)
    return int(dt.datetime.combine(latest, dt.time(), tzinfo=dt.timezone.utc).timestamp())


def render_site(settings: Settings, checked: Checked, cache: BuildCache, timings: dict[str, float] | None = None) -> Rendered:
    """Phase one, second half: every file of the docs tree, rendered into memory (nothing is written)."""
    from generator.site.chart_render import ChartRenderer, cached_vega_bundle
    from generator.site.pages import VEGA_BUNDLE, ChartMaker, RenderOptions, make_render_context, render_pages, search_dictionary
    from generator.site.search import render_search

    options = RenderOptions(offline=settings.offline, extra=site_extra(checked.mkdocs), pdf=settings.pdf,
                            cache_dir=settings.cache_dir, docs_dir=settings.docs_dir)
    charts = ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts"), cache)
    context = make_render_context(settings.templates_dir, options, cache, checked.figures, charts)
    pages = render_pages(checked.site, context)
    files: dict[str, str | bytes] = dict(pages)
    if charts.used_anywhere:
        files[VEGA_BUNDLE] = cached_vega_bundle(settings.cache_dir, context.pending).encode("utf-8")
    if checked.site.data.has_indicators:
        files["data/indicators.csv"] = _indicators_csv(checked.site.data, cache, settings.cache_dir / "indicators.json", context.pending)
    files.update(read_assets(settings.templates_dir))
    # The search index: jianbao's own, from each page's text as the reader sees it (search.py).
    with _timed(timings if timings is not None else {}, "search"):
        store = None if cache.lasting else settings.cache_dir / "search" / f"{'offline' if settings.offline else 'served'}.json"
        files.update(render_search(checked.site, pages, search_dictionary(context.env), offline=settings.offline, cache=cache.search_cache(),
                                   store=store, pending=context.pending))
    return Rendered(files, context)


def build(settings: Settings, progress: Progress = lambda stage: None, cache: BuildCache | None = None) -> BuildResult:
    """Validate, render and build the whole site; site/ is replaced only on success."""
    cache = cache if cache is not None else BuildCache()
    timings: dict[str, float] = {}
    with _timed(timings, "check"):
        checked = check(settings, progress, cache)
    if settings.pdf:
        from generator.output.printing import require_pdf

        require_pdf()  # exit 2 naming the packages, before anything is written (--no-pdf builds without)
    epoch = source_date_epoch(settings, checked.site)
    settings = replace(settings, source_date_epoch=epoch)
    progress("生成页面")
    with _timed(timings, "render"):
        rendered = render_site(settings, checked, cache, timings)
    result = BuildResult(checked.report, pages=rendered.pages, timings=timings, source_date_epoch=epoch)

    # Phase two: write. Nothing above touched the disk.
    try:
        with build_lock(settings.build_dir):
            recover_site(settings.site_dir)
            write_site(settings, checked, rendered, result, cache, progress)
    except OSError as exc:  # disk full, read-only folder …: the previous site is still in place
        raise FileSystemError.from_os_error(exc) from exc
    return result


def write_site(settings: Settings, checked: Checked, rendered: Rendered, result: BuildResult, cache: BuildCache,
               progress: Progress) -> None:
    """Phase two: write build/docs, run MkDocs into a staging folder, write the print outputs, swap, save caches."""
    from generator.output.printing import write_issue_files

    timings = result.timings
    key = (str(settings.docs_dir), str(settings.site_dir))
    same_pages = cache.pages_before.pop(key, None) == frozenset(rendered.files)  # forgotten until this build succeeds
    with _timed(timings, "write"):
        result.written = write_tree(settings.docs_dir, rendered.files, cache.written)
    progress("MkDocs 构建站点")
    context = rendered.render
    if settings.dirty and same_pages and (settings.site_dir / "index.html").is_file():
        result.dirty = True  # `jianbao serve`: pages rebuilt in place, only those whose Markdown changed
        _run_mkdocs(settings, checked, settings.site_dir, timings, dirty=True)
        with _timed(timings, "print"):
            write_issue_files(checked.site, context, settings.site_dir, pdf=False, cache_dir=settings.cache_dir, report=checked.report)
    else:
        staging = settings.site_dir.parent / f".{settings.site_dir.name}.tmp-{os.getpid()}"
        remove_path(staging)
        try:
            _run_mkdocs(settings, checked, staging, timings)
            progress("生成 PDF 和单文件 HTML")
            with _timed(timings, "print"):
                write_issue_files(checked.site, context, staging, pdf=context.options.pdf, cache_dir=settings.cache_dir,
                                  report=checked.report)
            progress("替换 site/")
            replace_dir(staging, settings.site_dir)
        finally:
            remove_quietly(staging)
    cache.pages_before[key] = frozenset(rendered.files)
    checked.project.save_cache()  # only now: a build that failed writes no cache either
    for path, content in sorted(checked.pending.items()):
        write_cache_file(path, content)
    context.save_caches(rendered.files)


def _run_mkdocs(settings: Settings, checked: Checked, site_dir: Path, timings: dict[str, float], *, dirty: bool = False) -> None:
    from generator.output.mkdocs_run import run_mkdocs, write_mkdocs_config

    with _timed(timings, "mkdocs"):
        config = write_mkdocs_config(settings, checked.mkdocs, site_dir)
        warnings = run_mkdocs(config, strict=settings.strict, dirty=dirty, source_date_epoch=settings.source_date_epoch)
    for message in warnings:
        checked.report.warning("mkdocs.yml", 1, 1, f"MkDocs：{message}")


def _indicators_csv(data: Data, cache: BuildCache, store: Path, pending: dict[Path, str | bytes]) -> str:
    """data/indicators.csv of the site; kept in memory (`jianbao serve`) and in store (every build) by data/ and code."""
    def make() -> str:
        from generator.data.indicators import indicators_csv  # pandas: only when the store has no CSV of this data/

        return indicators_csv(data.frames.indicators)

    if not data.digest:
        return make()

    key = hashlib.sha256(f"indicators.csv\0{data.digest}\0{generator_code()}".encode("utf-8")).hexdigest()
    return cache.indicators_csv.get_or_make(data.digest, lambda: remembered(store, key, pending, make, str))


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

