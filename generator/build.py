"""Orchestration: load → validate → compute → render → write → MkDocs → swap site/.

Like MkDocs' own build, it runs in two phases: first everything is gathered and
checked (nothing is written if any error is found), then files are written to
a temporary folder that replaces site/ only when the build is complete.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .config import Settings
from .content import Project, load_project
from .errors import ContentError, Level, Report
from .mkdocs_run import IFRAME_WORKER_SHIM, find_iframe_worker, run_mkdocs, write_mkdocs_config
from .charts import ChartRenderer, cached_vega_bundle
from .data import load_data
from .figures import Figures, check_charts, check_figures, check_highlights
from .indicators import indicators_csv
from .printing import pdf_available, write_issue_files
from .pages import VEGA_BUNDLE, ChartMaker, RenderOptions, default_templates, make_env, render_pages
from .site import Site, compute_site
from .validate import validate_project

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    report: Report
    pages: int = 0
    written: int = 0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Checked:
    """Everything gathered and checked in phase one."""

    project: Project
    site: Site
    report: Report
    figures: Figures


def check(settings: Settings, progress: Progress = lambda stage: None) -> Checked:
    """Phase one: load and validate everything; raise ContentError if anything is wrong."""
    report = Report()
    progress("读取内容")
    project = load_project(settings.project, report)
    progress("校验")
    totals = validate_project(project, report)
    progress("读取数据、计算指标")
    data = load_data(settings.project, report)
    figures = Figures(data)
    check_figures(project, figures, report)
    check_highlights(project, data, report)
    check_charts(project, data, report)
    if report.has_errors or (settings.strict and report.count(Level.WARNING)):
        raise ContentError(report)
    site = compute_site(project, totals, data, drafts=settings.drafts, year=settings.year)
    return Checked(project, site, report, figures)


def build(settings: Settings, progress: Progress = lambda stage: None) -> BuildResult:
    """Validate, render and build the whole site; site/ is replaced only on success."""
    timings: dict[str, float] = {}
    with _timed(timings, "check"):
        checked = check(settings, progress)
    result = BuildResult(checked.report, timings=timings)
    _default_source_date(checked.site)

    # Phase two: write. Nothing above touched the disk.
    progress("生成页面")
    with _timed(timings, "render"):
        options = RenderOptions(offline=settings.offline, extra=_extra(settings), pdf=settings.pdf and pdf_available()[0])
        charts = ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts"))
        env = make_env(settings.templates_dir, options, checked.figures, charts)
        files: dict[str, str | bytes] = dict(render_pages(checked.site, env, options))
        if charts.used_anywhere:
            files[VEGA_BUNDLE] = cached_vega_bundle(settings.cache_dir).encode("utf-8")
        if not checked.site.data.indicators.empty:
            files["data/indicators.csv"] = indicators_csv(checked.site.data.indicators)
        files.update(read_assets(settings.templates_dir))
        if settings.offline:
            files[IFRAME_WORKER_SHIM] = find_iframe_worker(settings).read_bytes()
    result.pages = sum(1 for name in files if name.endswith(".md"))
    with _timed(timings, "write"):
        result.written = write_tree(settings.docs_dir, files)
    progress("MkDocs 构建站点")
    staging = settings.site_dir.parent / f".{settings.site_dir.name}.tmp-{os.getpid()}"
    _remove(staging)
    try:
        with _timed(timings, "mkdocs"):
            config = write_mkdocs_config(settings, staging)
            warnings = run_mkdocs(config, strict=settings.strict)
        for message in warnings:
            checked.report.warning("mkdocs.yml", 1, 1, f"MkDocs：{message}")
        progress("生成 PDF 和单文件 HTML")
        with _timed(timings, "print"):
            write_issue_files(checked.site, env, staging, pdf=options.pdf, cache_dir=settings.cache_dir, report=checked.report)
        progress("替换 site/")
        replace_dir(staging, settings.site_dir)
    finally:
        _remove(staging)
    return result


def _extra(settings: Settings) -> dict:
    from .mkdocs_run import read_mkdocs_yml

    config = read_mkdocs_yml(settings.mkdocs_file)
    extra = dict(config.get("extra") or {})
    extra.setdefault("site_name", config.get("site_name", "简报"))
    extra.setdefault("site_url", config.get("site_url") or "")
    return extra


def _default_source_date(site: Site) -> None:
    """Builds are reproducible by default: dates come from the content, not the clock."""
    if "SOURCE_DATE_EPOCH" in os.environ or not site.issues:
        return
    latest = max(view.issue.date for view in site.issues)
    epoch = int(dt.datetime.combine(latest, dt.time(), tzinfo=dt.timezone.utc).timestamp())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)


def read_assets(project_templates: Path) -> dict[str, bytes]:
    """Our CSS/JS: the project's site_templates/assets over the shipped ones."""
    files: dict[str, bytes] = {}
    for base in (default_templates(), project_templates):
        assets = base / "assets"
        if assets.is_dir():
            for path in sorted(assets.rglob("*")):
                if path.is_file():
                    files["assets/" + path.relative_to(assets).as_posix()] = path.read_bytes()
    return files


def write_tree(root: Path, files: dict[str, str | bytes]) -> int:
    """Make root hold exactly these files; unchanged files are not rewritten."""
    written = 0
    root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for name, content in files.items():
        target = root / name
        if not target.resolve().is_relative_to(root.resolve()):
            raise ValueError(f"refusing to write outside {root}: {name}")
        wanted.add(target)
        data = content.encode("utf-8") if isinstance(content, str) else content
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written


def replace_dir(new: Path, target: Path) -> None:
    """Swap a complete new folder into place; the old one is removed only afterwards."""
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    _remove(old)
    if target.exists():
        target.rename(old)
    new.rename(target)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

