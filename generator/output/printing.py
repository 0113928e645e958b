"""The printed 简报: one self-contained HTML file and one PDF per issue (SPEC §5, §6).

The standalone HTML is the single source of both files: it carries the sheet
(the same `sheet` macro as the site page), every stylesheet inline and the chart
SVGs, and WeasyPrint renders the PDF from exactly that text. So the cache key of
a PDF is simply the hash of its HTML (and of the WeasyPrint version).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import hashlib
import html as htmlmod
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from generator.output.docx_meta import DOCX_FORMAT, DocxMeta  # python-docx only when a .docx is made (_render_job)
from generator.output.fonts_embed import FontSet, embed_fonts, find_fonts, missing_message
from generator.output.doctor import check_fonts, check_weasyprint, missing, read_font_families
from generator.output.files import write_atomic
from generator.errors import FileSystemError, JianbaoError, Report, UsageError
from generator.site.pages import RenderContext, linker
from generator.output.print_charts import render_print_charts
from generator.site.structure import IssueView, Site

if TYPE_CHECKING:
    import multiprocessing.context

WARNING_PATH = "content/briefings"
STANDALONE_FORMAT = "2"  # bump when what render_standalone adds changes (print twins of charts, fonts)
# In this order: screen sheet styles, the static chart twins, then the print layout.
STYLESHEETS = ("jianbao.css", "charts.css", "print.css")

_LINK = re.compile(r"<a\b([^>]*)>(.*?)</a>", re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_KEPT_LINK = re.compile(r"^(#|https?:|mailto:)", re.I)
# The interactive half of a chart needs the site's JavaScript; the standalone file keeps the SVG.
_CHART_SCRIPT = re.compile(r'<script type="application/json" class="jb-chart-spec"[^>]*>.*?</script>\n?', re.S)
_CHART_VIEW = re.compile(r'<div class="jb-chart-view"></div>\n?')


# --- standalone HTML ----------------------------------------------------------


def read_styles(env: Environment) -> str:
    """The stylesheets of the sheet, the project's site_templates/assets over the shipped ones."""
    parts = []
    for name in STYLESHEETS:
        path = _find_stylesheet(env, name)
        if path is None:
            continue
        text = path.read_text(encoding="utf-8")
        if "</style" in text.lower():
            raise JianbaoError(f"样式表 {path} 含有“</style”，不能内嵌到单文件 HTML")
        parts.append(f"/* {name} */\n{text.strip()}\n")
    return "\n".join(parts)


def _find_stylesheet(env: Environment, name: str) -> Path | None:
    """assets/stylesheets/<name> beside the first pages/ folder of the environment that has it."""
    for folder in _template_folders(env):
        path = Path(folder).parent / "assets" / "stylesheets" / name
        if path.is_file():
            return path
    return None


def _template_folders(env: Environment) -> list[str]:
    loaders = getattr(env.loader, "loaders", [env.loader])
    folders: list[str] = []
    for loader in loaders:
        if isinstance(loader, FileSystemLoader):
            folders.extend(str(path) for path in loader.searchpath)
    return folders


def render_standalone(view: IssueView, env: Environment, styles: str | None = None) -> str:
    """One self-contained HTML file of an issue: the sheet, all CSS and chart SVGs inline."""
    if styles is None:
        styles = read_styles(env)
    charts = env.globals.get("chart")
    if hasattr(charts, "start_page"):
        charts.start_page()  # chart ids are unique per file, whatever was rendered before
    site_url = str(env.globals.get("extra", {}).get("site_url") or "")
    page = f"{view.url}{view.file_stem}.html"
    relative = linker(page, offline=True)

    def rel(target: str) -> str:
        # Other site pages: absolute when the site has a public address, else dropped below.
        return site_url.rstrip("/") + "/" + target if site_url else relative(target)

    text = env.get_template("standalone.html.j2").render(
        view=view,
        rel=rel,
        styles=Markup(styles),
        title=document_title(view),
        author=view.series.issuer,
        date=document_date(view),
    )
    text = render_print_charts(text, getattr(charts, "renderer", None))
    return make_self_contained(text)


def document_title(view: IssueView) -> str:
    return f"{view.series.name} {view.issue.year} 年{view.number_line}：{view.title}"


def document_date(view: IssueView) -> str:
    """The issue's own date: reproducible, and unchanged when later issues are added."""
    moment = dt.datetime.combine(view.printed_date, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return moment.isoformat()


def make_self_contained(text: str) -> str:
    """Drop chart scripts and turn links to other files into plain text."""
    text = _CHART_SCRIPT.sub("", text)
    text = _CHART_VIEW.sub("", text)

    def unlink(match: re.Match[str]) -> str:
        href = _HREF.search(match.group(1))
        target = htmlmod.unescape(href.group(1) or href.group(2) or "") if href else ""
        if target and _KEPT_LINK.match(target.strip()):
            return match.group(0)
        return f'<span class="jb-link">{match.group(2)}</span>'

    return _LINK.sub(unlink, text)


# --- PDF ----------------------------------------------------------------------


def pdf_available() -> tuple[bool, str]:
    """Whether PDFs can be made here; if not, a message saying exactly what to install."""
    failed = missing([*check_fonts(read_font_families()), check_weasyprint()])
    if not failed:
        return True, ""
    names = "、".join(check.name for check in failed)
    fixes = "；".join(dict.fromkeys(check.fix for check in failed if check.fix))
    return False, (
        f"无法生成 PDF：缺少 {names}。请安装：{fixes}。"
        "运行 jianbao doctor 可查看全部检查结果；不需要 PDF 时用 jianbao build --no-pdf 构建。"
    )


def require_pdf() -> None:
    """Stop (exit 2) before anything is written when PDFs were asked for and cannot be made."""
    available, message = pdf_available()
    if not available:
        raise UsageError(message)


def weasyprint_version() -> str:
    import weasyprint

    return weasyprint.__version__


def write_pdf(html: str, dest: Path, base_url: Path | None = None) -> None:
    """Render the standalone HTML to a PDF: fonts embedded (subset), byte-identical for the same input."""
    import weasyprint

    document = weasyprint.HTML(
        string=html,
        base_url=str(base_url) if base_url else None,
        url_fetcher=_url_fetcher(base_url),
    )
    # No identifier is random and no date comes from the clock: the dates are the
    # issue's (dcterms meta), and the file identifier is derived from the HTML.
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    write_atomic(dest, document.write_pdf(pdf_identifier=identifier))


def _url_fetcher(base: Path | None) -> Any:
    """A fetcher for data: URLs and files under base_url only: a PDF never reads the network."""
    from urllib.request import url2pathname

    import weasyprint

    root = base.resolve() if base else None

    class LocalFetcher(weasyprint.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.lower().startswith("file:"):
                path = Path(url2pathname(url[5:].split("?")[0].split("#")[0])).resolve()
                if root is None or not path.is_relative_to(root):
                    raise ValueError(f"refusing to read {url} outside {root}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols={"data", "file"})


# --- every issue --------------------------------------------------------------


@dataclass(frozen=True)
class PdfJob:
    """One print file to render into the cache: a PDF, or a .docx when meta is given."""

    html: str
    dest: Path
    key: str
    meta: DocxMeta | None = None


def write_issue_files(site: Site, context: RenderContext, out_dir: Path, *, pdf: bool, cache_dir: Path, report: Report) -> list[Path]:
    """Write <issue url>/<stem>.html, .docx and (unless pdf is False) .pdf of every issue.

    The .docx and the PDF are made from the HTML and come from the cache when it is unchanged.
    """
    env = context.env
    styles = read_styles(env)
    written: list[Path] = []
    pending: list[tuple[IssueView, str]] = []
    cache = context.page_cache  # scale: an unchanged issue's file is not rendered again
    fonts = find_fonts(cache_dir / "fonts") if site.issues else None
    if fonts is not None and (message := missing_message(fonts)):
        report.warning(WARNING_PATH, 0, 0, message)
    for view in site.issues:
        key = cache.standalone_key(view, site, f"{STANDALONE_FORMAT}\0{styles}") if cache is not None else None
        html = cache.standalone(key) if key is not None else None
        if html is None:
            html = render_standalone(view, env, styles)
            if key is not None:
                cache.put_standalone(key, html)
        pending.append((view, html))
    # The written file carries its fonts; the PDF and .docx name theirs, so they are made from html.
    for (view, _), text in zip(pending, embed_all([html for _, html in pending], fonts)):
        target = _inside(out_dir, f"{view.url}{view.file_stem}.html")
        _write_text(target, text)
        written.append(target)
    if cache is not None:
        cache.prune_standalone()
    if not pending:
        return written
    if pdf:
        require_pdf()  # build() asked already; a direct caller gets the same stop, never a silent gap

    jobs = []
    for view, html in pending:
        docx_key = hashlib.sha256(f"docx {DOCX_FORMAT} python-docx {docx_version()}\0{html}".encode("utf-8")).hexdigest()
        meta = DocxMeta(document_title(view), view.series.issuer, view.printed_date)
        jobs.append(PdfJob(html, _inside(cache_dir / "docx", f"{view.file_stem}.docx"), docx_key, meta))
    if pdf:
        version = weasyprint_version()
        for view, html in pending:
            key = hashlib.sha256(f"weasyprint {version}\0{html}".encode("utf-8")).hexdigest()
            jobs.append(PdfJob(html, _inside(cache_dir / "pdf", f"{view.file_stem}.pdf"), key))
    render_pdfs([job for job in jobs if not _cache_hit(job)])
    for job, (view, _) in zip(jobs, pending * (2 if pdf else 1)):
        target = _inside(out_dir, f"{view.url}{job.dest.name}")
        _copy_file(job.dest, target)
        written.append(target)
    return written


def embed_all(htmls: list[str], fonts: FontSet | None) -> list[str]:
    """Every standalone HTML with its fonts inline, on all cores when that is safe (subsetting is per issue)."""
    if fonts is None or not fonts.files:
        return list(htmls)
    workers = min(len(htmls), os.cpu_count() or 1)
    context = _fork_context() if workers > 1 else None  # scale: one issue never loads multiprocessing
    if context is None:
        return [embed_fonts(html, fonts) for html in htmls]
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(embed_fonts, htmls, [fonts] * len(htmls), chunksize=max(1, len(htmls) // (4 * workers))))


def _copy_file(source: Path, target: Path) -> None:
    """Copy a rendered file out of the cache, leaving an identical one alone (`jianbao serve`)."""
    if target.is_file() and target.stat().st_size == source.stat().st_size and target.read_bytes() == source.read_bytes():
        return
    shutil.copyfile(source, target)


def docx_version() -> str:
    from importlib.metadata import version

    return version("python-docx")


def render_pdfs(jobs: list[PdfJob]) -> dict[Path, float]:
    """Render PDFs (and .docx files) into the cache, on all cores when that is safe; seconds per file."""
    if not jobs:
        return {}
    workers = min(len(jobs), os.cpu_count() or 1)
    context = _fork_context() if workers > 1 else None
    if context is None:
        return dict(_render_job(job) for job in jobs)
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=context) as pool:
        return dict(pool.map(_render_job, jobs))


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """fork, when this process runs a single thread; else None (render serially).

    fork needs nothing from the main module, so it works from any caller (the
    CLI, pytest, `python -c`, a script without a `__main__` guard), where spawn
    and forkserver re-import the caller's script in every worker. Forking is only
    safe while no other thread can hold a lock (e.g. `jianbao serve`'s server
    threads): then the PDFs are rendered one after the other instead.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    tasks = Path("/proc/self/task")
    threads = len(list(tasks.iterdir())) if tasks.is_dir() else threading.active_count()
    return multiprocessing.get_context("fork") if threads == 1 else None


def _render_job(job: PdfJob) -> tuple[Path, float]:
    """Render one PDF into the cache and record its key (runs in a worker process)."""
    start = time.perf_counter()
    try:
        if job.meta is not None:
            from generator.output.docx_issue import render_docx

            write_atomic(job.dest, render_docx(job.html, job.meta))
        else:
            write_pdf(job.html, job.dest)
        # The key file names the PDF's own hash too: a damaged cached PDF is never copied.
        _write_text(job.dest.with_suffix(".sha256"), f"{job.key} {_file_hash(job.dest)}\n")
    except OSError as exc:
        raise FileSystemError.from_os_error(exc) from exc
    except Exception as exc:
        what = "Word 文件" if job.meta is not None else "PDF"
        raise JianbaoError(f"生成 {what} 失败（{job.dest.stem}）：{type(exc).__name__}: {exc}") from exc
    return job.dest, time.perf_counter() - start


def _cache_hit(job: PdfJob) -> bool:
    """The cached PDF was made from this HTML and is intact."""
    try:
        key, _, digest = job.dest.with_suffix(".sha256").read_text(encoding="utf-8").strip().partition(" ")
        return key == job.key and digest == _file_hash(job.dest)
    except (OSError, UnicodeDecodeError):
        return False


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _inside(root: Path, name: str) -> Path:
    """root/name, refusing any name that would leave root."""
    target = root / name
    if not target.resolve().is_relative_to(root.resolve()):
        raise ValueError(f"refusing to write outside {root}: {name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _write_text(path: Path, text: str) -> None:
    data = text.encode("utf-8")
    if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
        return  # a dirty build over the previous site (`jianbao serve`): unchanged
    write_atomic(path, data)
