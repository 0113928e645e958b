"""The editor's commands that make files: new issue/case/model, import, a village table, publish.

Each calls the command line's own code (scaffold, import, load_data, build) and says what
happened in Chinese; none of them writes anything the command would not.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import FormData

from generator.buildcache import BuildCache
from generator.config import Settings
from generator.editor.paths import PathRefused, table_path
from generator.errors import ContentError, JianbaoError, Level, Problem, Report, UsageError
from generator.output.files import write_atomic

IMPORT_TYPES = (".txt", ".docx")


@dataclass
class Outcome:
    """What a command did, for the message page."""

    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    issue: str | None = None  # import: the issue file written, under content/
    installed: bool = False
    ok: bool = False


def make_file(settings: Settings, kind: str, form: FormData) -> str:
    """Write a new draft (as `jianbao new` does) and return its path under content/."""
    from generator.commands.scaffold import new_case, new_issue, new_model

    if kind == "issue":
        series = str(form.get("series") or "") or None
        kind_of_issue = str(form.get("kind") or "regular")
        if kind_of_issue not in ("regular", "supplement", "special"):
            raise UsageError(f"期别“{kind_of_issue[:20]}”不对：应为正刊、增刊或专刊")
        made = new_issue(settings, series, _date(str(form.get("date") or "")), kind_of_issue)
        path = made.path
    elif kind in ("case", "model"):
        make = new_case if kind == "case" else new_model
        path = make(settings, str(form.get("id") or "").strip())
    else:
        raise UsageError("只能新建简报、案例或发展模式")
    return path.resolve().relative_to((settings.project / "content").resolve()).as_posix()


def _date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"编印日期“{text[:20]}”不是日期，应写作 2023-03-31") from None


def import_upload(settings: Settings, filename: str, payload: bytes) -> Outcome:
    """Import one uploaded bulletin (as `jianbao import` does); the issue's path when it was written."""
    from generator.importing.importer import import_files

    name = _upload_name(filename)
    if Path(name).suffix.lower() not in IMPORT_TYPES:
        return Outcome([f"“{name[:60]}”不是 .txt 或 .docx 文件：只能导入这两种格式的往期简报"])
    with tempfile.TemporaryDirectory(prefix="jianbao-import-") as folder:
        source = Path(folder) / (Path(name).stem[:80] + Path(name).suffix.lower())
        source.write_bytes(payload)
        try:
            result = import_files([source], settings.project.resolve(), None, False)
        except JianbaoError as exc:
            return Outcome([str(exc)])
    outcome = Outcome(problems=result.report.sorted())
    for masthead, lines in result.series_hints.items():
        outcome.lines.append(f"报头“{masthead}”没有对应的简报系列：先在 content/series.yml（主页的“简报系列”）中加入：{lines.strip()}")
    issues = [file for item in result.imported for file in item.files if file.startswith("content/briefings/")]
    if issues and not result.report.has_errors:
        outcome.issue = issues[0].removeprefix("content/")
    elif not outcome.lines:
        outcome.lines.append("没有导入：原因见下。")
    return outcome


def _upload_name(filename: str) -> str:
    """The file name a browser sent, without any folder (some send C:\\…\\name)."""
    return Path(filename.replace("\\", "/")).name


def install_table(settings: Settings, filename: str, payload: bytes, replace: bool) -> Outcome:
    """Check an uploaded village table with the data of the project, and put it in data/villages/ if it passes."""
    from generator.data.load import load_data

    name = _upload_name(filename)
    try:
        target = table_path(settings.project, name)
    except PathRefused as exc:
        return Outcome([str(exc)])
    if target.exists() and not replace:
        return Outcome([f"data/villages/{name} 已存在：没有覆盖。要替换它，请先删除旧文件，或改用新的文件名"])
    with tempfile.TemporaryDirectory(prefix="jianbao-table-") as folder:
        trial = Path(folder)
        if (settings.project / "data").is_dir():
            shutil.copytree(settings.project / "data", trial / "data")
        (trial / "data" / "villages").mkdir(parents=True, exist_ok=True)
        (trial / "data" / "villages" / name).write_bytes(payload)
        report = Report()
        data = load_data(trial, report, BuildCache())
    outcome = Outcome(problems=report.sorted())
    if report.has_errors:
        outcome.lines.append(f"data/villages/{name} 有错误，没有放入项目：改正后再上传。")
        return outcome
    write_atomic(target, payload)
    outcome.installed = True
    outcome.lines.append(f"已放入 data/villages/{name}：{len(data.frames.villages)} 行村级数据，检查通过。")
    return outcome


def publish(settings: Settings, cache: BuildCache) -> Outcome:
    """«发布»: `jianbao build` of the project, in this process (its caches are the editor's)."""
    import time

    from generator.build import build

    start = time.perf_counter()
    try:
        result = build(Settings.create(settings.project), cache=cache)
    except ContentError as exc:
        errors = exc.report.count(Level.ERROR)
        return Outcome([f"有 {errors} 个错误，网站没有更新（site/ 仍是上一次发布的版本）。改正下列问题后再发布。"], exc.report.sorted())
    except JianbaoError as exc:
        return Outcome([f"没有发布：{exc}"])
    report = result.report
    shown = [p for p in report.sorted() if p.level >= Level.WARNING]
    return Outcome([f"已发布：{result.pages} 个页面（改写 {result.written} 个文件），{report.count(Level.WARNING)} 个警告，"
                    f"{report.count(Level.NOTE)} 个提示，用时 {time.perf_counter() - start:.1f} 秒 → {settings.project / 'site'}"],
                   shown, ok=True)
