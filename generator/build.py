"""Orchestration: load → validate → compute → render → write → MkDocs → swap site/.

Like MkDocs' own build, it runs in two phases: first everything is gathered and
checked (nothing is written if any error is found), then files are written to
a temporary folder that replaces site/ only when the build is complete.
"""

from __future__ import annotations

import ctypes
import hashlib
import datetime as dt
import errno
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from .config import Settings
from .content import Project, load_project
from .errors import ContentError, FileSystemError, JianbaoError, Level, Report, UsageError
from .mkdocs_run import IFRAME_WORKER_SHIM, find_iframe_worker, run_mkdocs, write_mkdocs_config
from .charts import ChartRenderer, cached_vega_bundle
from .data import Data, load_data
from .figures import Figures, check_charts, check_figures, check_highlights
from .indicators import indicators_csv
from .printing import require_pdf, write_issue_files
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
    dirty: bool = False  # MkDocs rebuilt only the changed pages, in place (Settings.dirty)


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
    project = load_project(settings.project, report, settings.cache_dir)  # scale: parsed files cached by hash
    progress("校验")
    totals = validate_project(project, report)
    progress("读取数据、计算指标")
    data = load_data(settings.project, report)
    figures = Figures(data)
    check_figures(project, figures, report)
    check_highlights(project, data, report)
    check_charts(project, data, report, settings.cache_dir / "charts")  # scale: reads cached chart specs
    if report.has_errors or (settings.strict and report.count(Level.WARNING)):
        raise ContentError(report)
    site = compute_site(project, totals, data, drafts=settings.drafts, year=settings.year)
    return Checked(project, site, report, figures)


def build(settings: Settings, progress: Progress = lambda stage: None) -> BuildResult:
    """Validate, render and build the whole site; site/ is replaced only on success."""
    timings: dict[str, float] = {}
    with _timed(timings, "check"):
        checked = check(settings, progress)
    if settings.pdf:
        require_pdf()  # exit 2 naming the packages, before anything is written (--no-pdf builds without)
    result = BuildResult(checked.report, timings=timings)
    _default_source_date(checked.site)

    # Phase two: write. Nothing above touched the disk.
    try:
        with build_lock(settings):
            recover_site(settings.site_dir)
            _write(settings, checked, result, progress)
    except OSError as exc:  # disk full, read-only folder …: the previous site is still in place
        raise FileSystemError.from_os_error(exc) from exc
    return result


def _write(settings: Settings, checked: Checked, result: BuildResult, progress: Progress) -> None:
    """Phase two: render, write build/docs, run MkDocs into a staging folder, swap it in."""
    timings = result.timings
    checked.project.save_cache()  # scale: phase two, so a failed build writes no cache either
    progress("生成页面")
    with _timed(timings, "render"):
        options = RenderOptions(offline=settings.offline, extra=_extra(settings), pdf=settings.pdf,
                                cache_dir=settings.cache_dir, docs_dir=settings.docs_dir)  # scale: caches between builds
        charts = ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts"))
        env = make_env(settings.templates_dir, options, checked.figures, charts)
        files: dict[str, str | bytes] = dict(render_pages(checked.site, env, options))
        if charts.used_anywhere:
            files[VEGA_BUNDLE] = cached_vega_bundle(settings.cache_dir).encode("utf-8")
        if not checked.site.data.indicators.empty:
            files["data/indicators.csv"] = _indicators_csv(checked.site.data)
        files.update(read_assets(settings.templates_dir))
        if settings.offline:
            files[IFRAME_WORKER_SHIM] = find_iframe_worker(settings).read_bytes()
    result.pages = sum(1 for name in files if name.endswith(".md"))
    key = (str(settings.docs_dir), str(settings.site_dir))
    same_pages = _pages_before.pop(key, None) == set(files)  # forgotten until this build succeeds
    with _timed(timings, "write"):
        result.written = write_tree(settings.docs_dir, files)
    progress("MkDocs 构建站点")
    if settings.dirty and same_pages and (settings.site_dir / "index.html").is_file():
        result.dirty = True  # `jianbao serve`: pages rebuilt in place, only those whose Markdown changed
        _run_mkdocs(settings, checked, settings.site_dir, timings, dirty=True)
        with _timed(timings, "print"):
            write_issue_files(checked.site, env, settings.site_dir, pdf=False, cache_dir=settings.cache_dir, report=checked.report)
        _pages_before[key] = set(files)
        return
    staging = settings.site_dir.parent / f".{settings.site_dir.name}.tmp-{os.getpid()}"
    _remove(staging)
    try:
        _run_mkdocs(settings, checked, staging, timings)
        pause_point("mkdocs")
        progress("生成 PDF 和单文件 HTML")
        with _timed(timings, "print"):
            write_issue_files(checked.site, env, staging, pdf=options.pdf, cache_dir=settings.cache_dir, report=checked.report)
        progress("替换 site/")
        replace_dir(staging, settings.site_dir)
        _pages_before[key] = set(files)
    finally:
        _remove_quietly(staging)


# (docs folder, site folder) → the files of the last successful build in this process: a dirty
# build needs the site to hold exactly these pages (no page added or removed since).
_pages_before: dict[tuple[str, str], set[str]] = {}


def _run_mkdocs(settings: Settings, checked: Checked, site_dir: Path, timings: dict[str, float], *, dirty: bool = False) -> None:
    with _timed(timings, "mkdocs"):
        config = write_mkdocs_config(settings, site_dir)
        warnings = run_mkdocs(config, strict=settings.strict, dirty=dirty)
    for message in warnings:
        checked.report.warning("mkdocs.yml", 1, 1, f"MkDocs：{message}")


_csv_memo: dict[str, str] = {}  # data digest → data/indicators.csv: `jianbao serve` rebuilds with the same data


def _indicators_csv(data: Data) -> str:
    if not data.digest:
        return indicators_csv(data.indicators)
    if data.digest not in _csv_memo:
        _csv_memo.clear()
        _csv_memo[data.digest] = indicators_csv(data.indicators)
    return _csv_memo[data.digest]


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


# What write_tree last wrote, in this process (`jianbao serve`): path → (mtime, size, sha1 of the data, the
# content given), and each root's set of files: a file whose stat and data are the ones written is neither
# read nor checked again; a page given as the same object (from the page cache) is not even hashed.
_written: dict[str, tuple[int, int, bytes, str | bytes]] = {}
_wanted_before: dict[str, frozenset[str]] = {}


def write_tree(root: Path, files: dict[str, str | bytes]) -> int:
    """Make root hold exactly these files; unchanged files are not rewritten."""
    written = 0
    root.mkdir(parents=True, exist_ok=True)
    wanted = set()
    root_resolved = root.resolve()  # scale: once, not per file (thousands of pages)
    folders: dict[Path, Path] = {}  # scale: see _resolve: the same result as target.resolve(), faster
    for name, content in files.items():
        target = os.path.join(root, name) if _plain(name) else str(root / name)  # scale: pathlib only when it normalises
        wanted.add(target)
        known = _written.get(target)
        if known is not None and known[3] is content and _stat_unchanged(target, known):
            continue  # scale: no encoding, no hashing, no resolve
        data = content.encode("utf-8") if isinstance(content, str) else content
        digest = hashlib.sha1(data).digest()
        if known is not None and known[1] == len(data) and known[2] == digest and _stat_unchanged(target, known):
            _written[target] = (*known[:3], content)
            continue  # scale: no read, no resolve
        path = Path(target)
        resolved = _resolve(path, folders)  # scale
        if not resolved.is_relative_to(root_resolved) or resolved == root_resolved:
            raise JianbaoError(f"拒绝写入构建目录之外的路径：{name}")
        if not (path.is_file() and path.read_bytes() == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            write_file(path, data)
            written += 1
            if written == 1:
                pause_point("write")
        stat = os.stat(target)
        _written[target] = (stat.st_mtime_ns, stat.st_size, digest, content)
    key = str(root)
    if _wanted_before.get(key) != wanted:  # scale: the same files as last time: nothing to remove
        _remove_unwanted(root, wanted)  # scale: os.walk, not rglob (thousands of folders)
        _wanted_before[key] = frozenset(wanted)
    return written


def _plain(name: str) -> bool:
    """Whether os.path.join gives the same path as pathlib, which drops empty and "." parts."""
    return not (name.startswith(("/", "./")) or name.endswith(("/", "/.")) or "//" in name or "/./" in name or name in ("", "."))


def _stat_unchanged(target: str, known: tuple) -> bool:
    try:
        stat = os.lstat(target)
    except OSError:
        return False
    return (stat.st_mtime_ns, stat.st_size) == known[:2]


def _resolve(path: Path, folders: dict[Path, Path]) -> Path:
    """path.resolve(), resolving each folder once: a path that is not a link is its resolved folder / its name."""
    if path.name in ("", ".", "..") or path == path.parent or path.is_symlink():
        return path.resolve()
    folder = folders.get(path.parent)
    if folder is None:
        folder = folders[path.parent] = _resolve(path.parent, folders)
    return folder / path.name


def _remove_unwanted(root: Path, wanted: set[str]) -> None:
    """Delete the files under root not in wanted, then the folders left empty (deepest first)."""
    for folder, subfolders, names in os.walk(root, topdown=False):
        for name in names:
            path = os.path.join(folder, name)
            if path not in wanted:
                os.unlink(path)
        for name in subfolders:
            path = os.path.join(folder, name)
            if os.path.isdir(path) and not os.path.islink(path) and not os.listdir(path):
                os.rmdir(path)


def write_file(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename: a file is complete or absent, never half-written."""
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def replace_dir(new: Path, target: Path) -> None:
    """Swap a complete new folder into place; the old one is removed only afterwards.

    Where the system can (Linux renameat2), the two folders are exchanged in one
    step, so target never disappears, not even for a moment; otherwise the old
    folder is moved aside first and a killed build leaves it for recover_site().
    """
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        pause_point("swap")
        _remove(new)  # now the previous site
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    _remove(old)
    if target.exists() or target.is_symlink():
        target.rename(old)
    pause_point("swap")
    new.rename(target)
    _remove_quietly(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # e.g. a file system without exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


def recover_site(site_dir: Path) -> None:
    """Clean up after a build that was killed: put a moved-away site back, drop staging folders."""
    parent = site_dir.parent
    if not parent.is_dir():
        return
    prefixes = (f".{site_dir.name}.tmp-", f".{site_dir.name}.old-")
    stale = sorted((p for p in parent.iterdir() if p.name.startswith(prefixes) and not _running(p.name)), key=lambda p: p.name)
    moved = [p for p in stale if p.name.startswith(prefixes[1]) and p.is_dir()]
    if moved and not (site_dir.exists() or site_dir.is_symlink()):
        # Killed between the two renames of replace_dir: the previous site is complete.
        moved[-1].rename(site_dir)
        stale.remove(moved[-1])
    for path in stale:
        _remove(path)


def _running(name: str) -> bool:
    """Whether the build that named a staging folder (….tmp-<pid>) is another process still running."""
    pid = name.rsplit("-", 1)[-1]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build per project at a time: a second one fails at once (exit 2) instead of mixing files."""
    try:
        import fcntl
    except ImportError:  # not on Windows: no lock
        yield
        return
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    path = settings.build_dir / ".lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"另一个 jianbao 构建正在使用这个项目（{path}），请等它结束后再运行") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pause_point(name: str) -> None:
    """Fault-injection hook for the tests: JIANBAO_PAUSE_AT=<name> stops the build here to be killed."""
    if os.environ.get("JIANBAO_PAUSE_AT") == name:
        print(f"JIANBAO_PAUSED {name}", file=sys.stderr, flush=True)
        time.sleep(600)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _remove_quietly(path: Path) -> None:
    """Clean-up that must not hide the error that led to it; recover_site() retries next time."""
    try:
        _remove(path)
    except OSError:
        pass


@contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start

