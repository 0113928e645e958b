"""Import past bulletins (.txt extracted from PDF, .docx) into content/ YAML files.

The pipeline per input: read_* (disk) → Line list → parse_bulletin (pure, see
bulletin_parse) → documents (plain data + `# 待确认` comments) → YAML text,
checked with the project's own loader and models → numbering checked against
the archive → write_*."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from generator.importing.bulletin_parse import Bulletin, BulletinError, Note, parse_bulletin
from generator.content.load import load_project, shown_path
from generator.errors import ContentError, Level, Report, UsageError
from generator.content.models import Case, Issue, Series
from generator.content.numbering import expected_total
from generator.content.validate import validate_project
from generator.site.urls import KIND_NAMES
from generator.content.yamlsrc import parse_yaml
from generator.importing.documents import resolve_series, build_documents, source_label
from generator.importing.import_types import Document, ImportResult, ImportedIssue, SUFFIXES, Archive
from generator.importing.read_files import read_docx, read_txt
from generator.importing.yaml_text import render_yaml, write_document

# ---------------------------------------------------------------- the run

def import_files(paths: list[Path], project: Path, series: str | None, force: bool) -> ImportResult:
    """Import every bulletin (folders: every .txt/.docx in them, sorted) into project/content."""
    result = ImportResult(Report())
    report = result.report
    archive = _load_archive(project, report)
    if series is not None and series not in {s.id for s in archive.series}:
        known = "、".join(s.id for s in archive.series) or "（无）"
        raise UsageError(f"未知的简报系列“{series}”，content/series.yml 中有：{known}")
    inputs = expand_inputs(paths, report)
    result.failed.extend(dict.fromkeys(p.path for p in report.problems if p.level == Level.ERROR))
    for path in inputs:
        shown = path.as_posix()
        problems_before = len(report.problems)
        item = _import_one(path, shown, archive, series, force, result)
        if item is None:
            if any(p.level == Level.ERROR for p in report.problems[problems_before:]):
                result.failed.append(shown)
        else:
            result.imported.append(item)
    if result.written:
        _recheck(project, result)
    return result


def expand_inputs(paths: list[Path], report: Report) -> list[Path]:
    """Files as given; a folder stands for its .txt/.docx files, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not inside:
                report.warning(path.as_posix(), 1, 1, "目录中没有 .txt 或 .docx 文件")
            found.extend(inside)
        elif not path.is_file():
            report.error(path.as_posix(), 1, 1, "文件不存在")
        elif path.suffix.lower() == ".doc":
            report.error(path.as_posix(), 1, 1, "不支持旧版 Word 格式 .doc，请在 Word 中另存为 .docx 再导入")
        elif path.suffix.lower() not in SUFFIXES:
            report.error(path.as_posix(), 1, 1, f"不支持的文件类型“{path.suffix or '（无扩展名）'}”：只能导入 .txt 或 .docx")
        else:
            found.append(path)
    return found


def _import_one(path: Path, shown: str, archive: Archive, series_id: str | None, force: bool, result: ImportResult) -> ImportedIssue | None:
    report = result.report
    lines = read_docx(path, shown, report) if path.suffix.lower() == ".docx" else read_txt(path, shown, report)
    if lines is None:
        return None
    try:
        bulletin = parse_bulletin(lines, rejoin=path.suffix.lower() == ".txt")
    except BulletinError as exc:
        report.error(shown, exc.line, exc.column, exc.message)
        return None
    series = resolve_series(bulletin, archive.series, series_id, shown, result)
    if series is None:
        return None
    documents = build_documents(bulletin, series, archive, path.name)
    if not _checked(documents, shown, report) or not _numbering_ok(bulletin, series, documents[-1], archive, shown, force, report):
        return None
    if not _free(documents, archive.root, shown, force, report):
        return None
    for document in documents:
        target = archive.root / document.path
        write_document(target, render_yaml(document))
        result.written.append(target)
    issue = Issue.model_validate(documents[-1].data)
    archive.issues = [(i, p) for i, p in archive.issues if p != documents[-1].path] + [(issue, documents[-1].path)]
    for document in documents[:-1]:
        archive.cases[document.data["id"]] = document.data["title"]
    uncertain = _report_notes(bulletin, shown, report)
    return ImportedIssue(shown, source_label(bulletin, series), [d.path for d in documents], uncertain)


def _load_archive(project: Path, report: Report) -> Archive:
    if not (project / "content").is_dir():
        raise UsageError(f"{project} 下找不到 content/ 目录（用 --project 指定项目目录）")
    scratch = Report()
    loaded = load_project(project, scratch)
    errors = [p for p in scratch.problems if p.level == Level.ERROR]
    if not loaded.series:
        raise ContentError(Report([p for p in scratch.problems if p.path.endswith("series.yml")] or errors))
    if errors:
        report.warning("content", 1, 1, f"现有内容有 {len(errors)} 个错误（运行 jianbao check 查看），期号核对可能不完整")
    return Archive(
        root=project,
        series=[doc.model for doc in loaded.series],
        issues=[(doc.model, doc.path) for doc in loaded.issues],
        cases={doc.model.id: doc.model.title for doc in loaded.cases},
        models=[doc.model for doc in loaded.models],
    )


def _recheck(project: Path, result: ImportResult) -> None:
    """Load and validate the project again; keep what concerns the files written."""
    scratch = Report()
    validate_project(load_project(project, scratch), scratch)
    written = {shown_path(path, project) for path in result.written}
    result.report.extend([p for p in scratch.problems if p.path in written])


# ---------------------------------------------------------------- checks before writing

def _checked(documents: list[Document], shown: str, report: Report) -> bool:
    """Every document must load with the project's own loader and models."""
    for document in documents:
        scratch = Report()
        parsed = parse_yaml(render_yaml(document), document.path, scratch)
        model = Case if document.path.startswith("content/cases/") else Issue
        try:
            if parsed is None or scratch.has_errors:
                raise ValueError("; ".join(p.message for p in scratch.problems))
            model.model_validate(parsed.data)
        except (ValueError, ValidationError) as exc:
            report.error(shown, 1, 1, f"导入程序生成的 {document.path} 无法通过校验，请报告此问题：{str(exc)[:200]}")
            return False
    return True


def _numbering_ok(bulletin: Bulletin, series: Series, issue: Document, archive: Archive, shown: str, force: bool, report: Report) -> bool:
    """期号 not taken, 总期号 unique and consistent with the archive (same series and kind)."""
    line, column = bulletin.where
    year, number, total = bulletin.date.year, bulletin.number, bulletin.total
    kind_name = KIND_NAMES[bulletin.kind]
    group = [(i, p) for i, p in archive.issues if i.series == series.id and i.kind == bulletin.kind]
    for other, path in group:
        if (other.year, other.number) == (year, number):
            if not force:
                report.error(shown, line, column, f"期号重复：{year} 年{kind_name}第 {number} 期已在 {path} 中，未导入（确需覆盖请加 --force）")
                return False
            report.warning(shown, line, column, f"已用 --force 覆盖 {path}")
    if total is None:
        return True
    for other, path in group:
        if (other.year, other.number) == (year, number) or other.total is None:
            continue
        problem = None
        if other.total == total:
            problem = f"总期号重复：总第 {total} 期已在 {path} 中（{other.year} 年第 {other.number} 期）"
        elif other.year == year and expected_total(other.year, other.number, other.total, year, number) != total:
            problem = (f"总期号与期号不一致：{path} 为第 {other.number} 期（总第 {other.total} 期），"
                       f"本期第 {number} 期应为总第 {expected_total(other.year, other.number, other.total, year, number)} 期，实际为总第 {total} 期")
        elif (other.year < year and other.total >= total) or (other.year > year and other.total <= total):
            problem = f"总期号顺序不一致：{path}（{other.year} 年第 {other.number} 期）为总第 {other.total} 期，本期为总第 {total} 期"
        if problem:
            if force:
                report.warning(shown, line, column, problem + "（已按 --force 导入）")
                issue.comment(("total",), "待确认：" + problem)
            else:
                report.error(shown, line, column, problem + "，未导入（核对无误后可加 --force 导入）")
                return False
    return True


def _free(documents: list[Document], root: Path, shown: str, force: bool, report: Report) -> bool:
    """Nothing existing is overwritten without --force."""
    taken = [d.path for d in documents if (root / d.path).exists()]
    if taken and not force:
        for path in taken:
            report.error(shown, 1, 1, f"{path} 已存在，未覆盖（确需覆盖请加 --force）")
        return False
    return True


def _report_notes(bulletin: Bulletin, shown: str, report: Report) -> list[str]:
    """Every guess as a 提示, every line left out as a 警告; return the guesses."""
    notes: list[Note] = [n for group in bulletin.notes.values() for n in group]
    for article in bulletin.articles:
        notes.extend(article.notes)
        if article.is_case:
            notes.append(Note(article.line, "案例的地区和摘要为推断值，请核对"))
            sections = list(article.sections) + [c for s in article.sections for c in s.sections]
            notes.extend(n for s in sections for n in s.notes + [m for p in s.points for m in p.notes])
    for note in bulletin.dropped:
        report.warning(shown, note.line, 1, note.message)
    for note in sorted(notes, key=lambda n: n.line):
        report.note(shown, note.line, 1, f"待确认：{note.message}")
    return [f"第 {n.line} 行：{n.message}" for n in sorted(notes, key=lambda n: n.line)]
