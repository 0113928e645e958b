"""Import past bulletins (.txt extracted from PDF, .docx) into content/ YAML files.

The pipeline per input: read_* (disk) → Line list → parse_bulletin (pure, see
bulletin_parse) → documents (plain data + `# 待确认` comments) → YAML text,
checked with the project's own loader and models → numbering checked against
the archive → write_*.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.importing.bulletin_parse import Article, Bulletin, BulletinError, Line, Note, Section, parse_bulletin
from generator.content.load import load_project, shown_path
from generator.errors import ContentError, Level, Report, UsageError
from generator.content.models import Case, DevModel, Issue, Series
from generator.content.numbering import expected_total, issue_path
from generator.content.validate import validate_project
from generator.data.textcodec import decode_text
from generator.site.urls import KIND_NAMES, issue_slug
from generator.content.yamlsrc import Loc, parse_yaml

SUFFIXES = (".txt", ".docx")
MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass
class Document:
    """One file to write: plain data, comments by key path, header comment lines."""

    path: str  # relative to the project, with /
    data: dict[str, Any]
    comments: dict[Loc, list[str]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)

    def comment(self, loc: Loc, text: str) -> None:
        self.comments.setdefault(loc, []).append(text)


@dataclass
class ImportedIssue:
    """What one input became."""

    source: str
    label: str  # 山西省乡村振兴简报 2023年第7期（总第62期）
    files: list[str]  # written, relative to the project
    uncertain: list[str]


@dataclass
class ImportResult:
    report: Report
    imported: list[ImportedIssue] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    series_hints: dict[str, str] = field(default_factory=dict)  # masthead → lines for content/series.yml

    @property
    def uncertain(self) -> list[str]:
        return [f"{item.source}: {note}" for item in self.imported for note in item.uncertain]


@dataclass
class _Archive:
    """What is already in the project, plus what this run has imported."""

    root: Path
    series: list[Series]
    issues: list[tuple[Issue, str]]
    cases: dict[str, str]  # id → title
    models: list[DevModel]


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


def _import_one(path: Path, shown: str, archive: _Archive, series_id: str | None, force: bool, result: ImportResult) -> ImportedIssue | None:
    report = result.report
    lines = read_docx(path, shown, report) if path.suffix.lower() == ".docx" else read_txt(path, shown, report)
    if lines is None:
        return None
    try:
        bulletin = parse_bulletin(lines, rejoin=path.suffix.lower() == ".txt")
    except BulletinError as exc:
        report.error(shown, exc.line, exc.column, exc.message)
        return None
    series = _resolve_series(bulletin, archive.series, series_id, shown, result)
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


def _load_archive(project: Path, report: Report) -> _Archive:
    if not (project / "content").is_dir():
        raise UsageError(f"{project} 下找不到 content/ 目录（用 --project 指定项目目录）")
    scratch = Report()
    loaded = load_project(project, scratch)
    errors = [p for p in scratch.problems if p.level == Level.ERROR]
    if not loaded.series:
        raise ContentError(Report([p for p in scratch.problems if p.path.endswith("series.yml")] or errors))
    if errors:
        report.warning("content", 1, 1, f"现有内容有 {len(errors)} 个错误（运行 jianbao check 查看），期号核对可能不完整")
    return _Archive(
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


# ---------------------------------------------------------------- reading

def read_txt(path: Path, shown: str, report: Report) -> list[Line] | None:
    """A text file (UTF-8, GBK/GB18030 or whatever charset-normalizer finds) → lines."""
    raw = _read_bytes(path, shown, report)
    if raw is None:
        return None
    if not raw.strip():
        report.error(shown, 1, 1, "文件为空，没有可导入的内容")
        return None
    text = decode_text(raw)
    if text is None or "\x00" in text:
        report.error(shown, 1, 1, "无法识别文件的文字编码（不是文本文件？）：请另存为 UTF-8 文本再导入")
        return None
    decoded, encoding = text
    if encoding != "utf-8":
        report.note(shown, 1, 1, f"文件编码为 {encoding.upper()}，已自动转换")
    lines = []
    for number, raw_line in enumerate(decoded.splitlines(), 1):
        stripped = raw_line.strip(" \t\u3000\ufeff\r")
        if stripped:
            indent = raw_line[: len(raw_line) - len(raw_line.lstrip(" \t\u3000\ufeff"))]
            lines.append(Line(stripped, number, len(indent) + 1, indented="\u3000" in indent or len(indent) >= 2))
    if not lines:
        report.error(shown, 1, 1, "文件为空，没有可导入的内容")
        return None
    return lines


def read_docx(path: Path, shown: str, report: Report) -> list[Line] | None:
    """A Word document → one Line per paragraph (table rows: cells joined by tabs)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from lxml.etree import XMLSyntaxError

    if _read_bytes(path, shown, report) is None:
        return None
    try:
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError):
        report.error(shown, 1, 1, "无法读取 Word 文档：文件已损坏或不是 .docx 格式")
        return None
    lines: list[Line] = []
    for number, block in enumerate(blocks, 1):  # messages count paragraphs (table rows) from 1
        if isinstance(block, Table):
            for row in block.rows:
                cells = {cell._tc: cell for cell in row.cells}.values()  # merged cells repeat
                text = "\t".join(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()) for cell in cells)
                if text.strip():
                    lines.append(Line(text.strip(), number))
        else:
            lines.extend(_docx_lines(block, number))
    if not lines:
        report.error(shown, 1, 1, "文档为空，没有可导入的内容")
        return None
    return lines


def _docx_lines(paragraph: Any, number: int) -> list[Line]:
    """One paragraph → Line(s): bold runs as **…**, a line break starts a new Line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    pieces: list[list[tuple[str, bool, bool]]] = [[]]
    for run in _runs(paragraph):
        bold, red = _run_bold(run, paragraph), _run_red(run)
        for index, text in enumerate(run.text.split("\n")):
            if index:
                pieces.append([])
            if text:
                pieces[-1].append((text, bold, red))
    alignment = paragraph.alignment
    if alignment is None and paragraph.style is not None:
        alignment = paragraph.style.paragraph_format.alignment  # e.g. the Title style
    centered = alignment == WD_ALIGN_PARAGRAPH.CENTER
    lines = []
    for runs in pieces:
        text, all_bold = runs_markdown(runs)
        if text.strip():
            red = any(r for t, _, r in runs if t.strip())
            lines.append(Line(text.strip(), number, centered=centered, bold=all_bold, red=red))
    return lines


def _runs(paragraph: Any) -> list[Any]:
    runs = []
    for item in paragraph.iter_inner_content():
        runs.extend(getattr(item, "runs", [item]))  # a hyperlink holds runs
    return runs


def _run_bold(run: Any, paragraph: Any) -> bool:
    for value in (run.bold, run.style.font.bold if run.style is not None else None,
                  paragraph.style.font.bold if paragraph.style is not None else None):
        if value is not None:
            return bool(value)
    return False


def _run_red(run: Any) -> bool:
    rgb = run.font.color.rgb if run.font.color is not None and run.font.color.type is not None else None
    return rgb is not None and rgb[0] >= 0xC0 and rgb[1] < 0x60 and rgb[2] < 0x60


def runs_markdown(runs: list[tuple[str, bool, bool]]) -> tuple[str, bool]:
    """(Markdown with **bold** groups, whether every visible character is bold)."""
    visible = [bold for text, bold, _ in runs if text.strip()]
    if visible and all(visible):
        return "".join(text for text, _, _ in runs), True
    groups: list[list[Any]] = []
    for text, bold, _ in runs:
        if groups and (groups[-1][1] == bold or not text.strip()):
            groups[-1][0] += text  # whitespace joins the group it stands in
        else:
            groups.append([text, bold])
    out = []
    for text, bold in groups:
        core = text.strip()
        if bold and core:
            start = text.index(core)
            out.append(f"{text[:start]}**{core}**{text[start + len(core):]}")
        else:
            out.append(text)
    return "".join(out), False


def _read_bytes(path: Path, shown: str, report: Report) -> bytes | None:
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            report.error(shown, 1, 1, f"文件过大，不能超过 {MAX_INPUT_BYTES // 1048576} MB")
            return None
        return path.read_bytes()
    except OSError as exc:
        report.error(shown, 1, 1, f"无法读取文件：{exc.strerror or exc}")
        return None


# ---------------------------------------------------------------- bulletin → documents

def source_label(bulletin: Bulletin, series: Series) -> str:
    """山西省乡村振兴简报 2023年第7期（总第62期）"""
    kind = "" if bulletin.kind == "regular" else KIND_NAMES[bulletin.kind]
    total = f"（总第{bulletin.total}期）" if bulletin.total else ""
    return f"{series.name} {bulletin.date.year}年{kind}第{bulletin.number}期{total}"


def build_documents(bulletin: Bulletin, series: Series, archive: _Archive, source: str) -> list[Document]:
    """The case files (if any), then the issue file, last."""
    year = bulletin.date.year
    slug = issue_slug(Issue.model_construct(kind=bulletin.kind, number=bulletin.number))
    label = source_label(bulletin, series)
    issue = Document(issue_path(series.id, year, bulletin.kind, bulletin.number, len(archive.series) > 1), {}, header=[label, f"由 jianbao import 从 {source} 导入；标有“待确认”的地方请对照原件核对"])
    data = issue.data
    data.update(series=series.id, year=year, number=bulletin.number)
    if bulletin.total is not None:
        data["total"] = bulletin.total
    data.update(kind=bulletin.kind, date=bulletin.date)
    if bulletin.classification:  # one marking as a string, several as a list (SPEC §3.2)
        data["classification"] = bulletin.classification[0] if len(bulletin.classification) == 1 else list(bulletin.classification)
    data["draft"] = False
    data["articles"] = []
    documents = []
    case_articles = [a for a in bulletin.articles if a.is_case]
    for article in bulletin.articles:
        index = len(data["articles"])
        for note in article.notes:
            issue.comment(("articles", index), f"待确认：{note.message}")
        if not article.is_case:
            data["articles"].append({"title": article.title, "body": "\n\n".join(article.paragraphs)})
            continue
        existing = _same_title(article.title, archive.cases)
        case_id = f"{series.id}-{year}-{slug}" + (f"-{case_articles.index(article) + 1}" if len(case_articles) > 1 else "")
        if existing and existing != case_id:
            data["articles"].append({"case": existing})
            issue.comment(("articles", index), f"待确认：已有同名案例 {existing}，本期引用它，未另建案例文件")
            continue
        data["articles"].append({"case": case_id})
        documents.append(case_document(article, case_id, bulletin, series, archive.models, label, source))
    if bulletin.distribution:
        data["distribution"] = [{"label": r.label, "to": r.to} for r in bulletin.distribution]
    for key in ("printed_by", "printed_date", "copies", "editor"):
        if getattr(bulletin, key) is not None:
            data[key] = getattr(bulletin, key)
    if bulletin.issuer and re.sub(r"\s", "", bulletin.issuer) != series.issuer:
        bulletin.note("series", bulletin.where[0], f"原件的编印单位为“{bulletin.issuer}”，与系列 {series.id} 的“{series.issuer}”不同（编印单位按系列显示）")
    for key, notes in bulletin.notes.items():
        for note in notes:
            issue.comment((key,) if key in data else ("kind",), f"待确认：{note.message}")
    return documents + [issue]


def case_document(article: Article, case_id: str, bulletin: Bulletin, series: Series, models: list[DevModel], label: str, source: str) -> Document:
    """An article with numbered sections → a typical case."""
    document = Document(f"content/cases/{case_id}.yml", {}, header=[f"典型案例：{article.title}", f"来源：{label}；由 jianbao import 从 {source} 导入"])
    data = document.data
    data.update(id=case_id, title=article.title, region=guess_region(article.title, series))
    document.comment(("region",), "待确认：地区由标题中的地名和简报名称推断")
    matched = match_model([s.heading for s in article.sections], models)
    if matched:
        data["model"] = matched[0]
        document.comment(("model",), "待确认：发展模式按小节标题与 content/models/ 中的条目匹配")
    data["date"] = bulletin.date
    data["summary"] = summary_of(article)
    document.comment(("summary",), "待确认：摘要取自导语第一句，可改写为一两句话；另请补充主题标签 tags 和关键数字 highlights")
    if article.lead:
        data["lead"] = article.lead
    data["sections"] = [_section_data(s, document, ("sections", i), matched[1][i] if matched else None) for i, s in enumerate(article.sections)]
    data["sources"] = [{"title": label, "date": bulletin.date}]
    return document


def _section_data(section: Section, document: Document, loc: Loc, model_item: int | None) -> dict[str, Any]:
    for note in section.notes:
        document.comment(loc, f"待确认：{note.message}")
    data: dict[str, Any] = {"heading": section.heading}
    if model_item:
        data["model_item"] = model_item
    if section.body:
        data["body"] = section.body
    if section.points:
        data["points"] = []
        for index, point in enumerate(section.points):
            for note in point.notes:
                document.comment((*loc, "points", index), f"待确认：{note.message}")
            data["points"].append({"lead": point.lead, "text": point.text} if point.lead else {"text": point.text})
    if section.sections:
        data["sections"] = [_section_data(s, document, (*loc, "sections", i), None) for i, s in enumerate(section.sections)]
    return data


_PLACE = re.compile(r"([\u4e00-\u9fff]{1,8}?(?:自治州|自治县|市|县|区|旗|州|盟)[区县市旗]?)(?![场域级乡县镇委属内民直])")


def guess_region(title: str, series: Series) -> str:
    """山西省 (from the series) + 晋中市 (from the title) → 山西省/晋中市."""
    province = re.match(r"^(.{2,7}?(?:省|自治区)|北京市|天津市|上海市|重庆市)", series.name or series.issuer)
    path = [province.group(1)] if province else []
    rest = title
    for _ in range(2):
        place = _PLACE.match(rest)
        if not place or place.group(1) in path:
            break
        path.append(place.group(1))
        rest = rest[place.end():]
    return "/".join(path) or "待定"


def match_model(headings: list[str], models: list[DevModel]) -> tuple[str, list[int | None]] | None:
    """A model whose item names (and subtitles) appear in most section headings."""
    best: tuple[str, list[int | None], int] | None = None
    for model in models:
        items: list[int | None] = []
        for heading in headings:
            compact = re.sub(r"\s", "", heading)
            items.append(next((n for n, item in enumerate(model.items, 1)
                               if item.name in compact and (not item.subtitle or item.subtitle in compact)), None))
        hits = sum(1 for item in items if item)
        if hits >= 2 and hits * 2 >= len(headings) and (best is None or hits > best[2]):
            best = (model.id, items, hits)
    return (best[0], best[1]) if best else None


def summary_of(article: Article) -> str:
    """The first sentence of the lead (or of the first section, or the title)."""
    for text in (article.lead, article.sections[0].body if article.sections else ""):
        text = re.sub(r"\*\*|\s*\n\s*", "", text).strip()
        if text:
            match = re.match(r"^.+?[。！？]", text)
            return match.group(0) if match else text
    return article.title


def _same_title(title: str, cases: dict[str, str]) -> str | None:
    compact = re.sub(r"\s", "", title)
    return next((case_id for case_id, existing in cases.items() if re.sub(r"\s", "", existing) == compact), None)


def _resolve_series(bulletin: Bulletin, series: list[Series], wanted: str | None, shown: str, result: ImportResult) -> Series | None:
    """The series named by --series, else the one whose name or masthead is printed; else stop (SPEC §7)."""
    report = result.report
    printed = re.sub(r"\s", "", "".join(bulletin.masthead))
    matches = [s for s in series if printed and printed in (re.sub(r"\s", "", s.name), re.sub(r"\s", "", "".join(s.masthead)))]
    line = bulletin.masthead_line
    if wanted:
        chosen = next(s for s in series if s.id == wanted)
        if chosen not in matches:
            report.warning(shown, line, 1, f"报头“{printed or '（无）'}”与简报系列 {chosen.id}（{chosen.name}）不一致，按 --series {chosen.id} 导入")
        return chosen
    if matches:
        return matches[0]
    known = "、".join(f"{s.id}（{s.name}）" for s in series)
    if not printed:
        report.error(shown, line, 1, f"找不到报头（期号行之前没有简报名称），无法确定简报系列，未导入：请用 --series ID 指定（已有：{known}）")
        return None
    report.error(shown, line, 1, f"报头“{printed}”与 content/series.yml 中的简报系列（{known}）都不一致，未导入："
                                 f"请把下面列出的几行加入 content/series.yml 后再导入；若它确属已有系列（如机构改名前的旧报头），用 --series ID 指定")
    if printed not in result.series_hints:
        result.series_hints[printed] = series_snippet(bulletin, {s.id for s in series})
    return None


def series_snippet(bulletin: Bulletin, taken: set[str]) -> str:
    """The lines of content/series.yml for a series not there yet, filled in from the bulletin."""
    words = [w for w in bulletin.masthead if w]
    name = "".join(words)
    masthead = words if len(words) <= 3 else [name]
    number = next(n for n in range(2, len(taken) + 3) if f"series-{n}" not in taken)
    data: dict[str, Any] = {"id": f"series-{number}", "name": name, "masthead": masthead}
    data["issuer"] = re.sub(r"\s+", "", bulletin.issuer or "") or bulletin.printed_by or name
    if bulletin.printed_by:
        data["printed_by"] = bulletin.printed_by
    if bulletin.distribution:
        data["distribution"] = [{"label": r.label, "to": r.to} for r in bulletin.distribution]
    Series.model_validate(data)  # what we suggest must load
    out = [f"# {name}：把 id 改为简短的标识（小写字母、数字和连字符，如拼音缩写），核对编印单位和报尾"]
    _mapping(data, (), 2, out, {}, first_prefix="- ")
    return "\n".join(out) + "\n"


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


def _numbering_ok(bulletin: Bulletin, series: Series, issue: Document, archive: _Archive, shown: str, force: bool, report: Report) -> bool:
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


# ---------------------------------------------------------------- YAML text

def render_yaml(document: Document) -> str:
    """Plain data → YAML text with comments, in the style of the hand-written content."""
    out = [f"# {line}" for line in document.header]
    _mapping(document.data, (), 0, out, document.comments, first_prefix="")
    return "\n".join(out) + "\n"


def _mapping(data: dict[str, Any], loc: Loc, indent: int, out: list[str], comments: dict[Loc, list[str]], first_prefix: str) -> None:
    pad = " " * indent
    for position, (key, value) in enumerate(data.items()):
        prefix = first_prefix if position == 0 and first_prefix else pad
        out.extend(f"{pad}# {c}" for c in comments.get((*loc, key), []))
        head = f"{prefix}{key}:"
        if isinstance(value, dict):
            out.append(head)
            _mapping(value, (*loc, key), indent + 2, out, comments, "")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(head)
            for index, item in enumerate(value):
                out.extend(f"{pad}  # {c}" for c in comments.get((*loc, key, index), []))
                _mapping(item, (*loc, key, index), indent + 4, out, comments, f"{pad}  - ")
        elif isinstance(value, list):
            flow = [scalar(v, flow=True) for v in value]
            if all(f is not None for f in flow) and sum(len(f) for f in flow) <= 60:  # type: ignore[arg-type]
                out.append(f"{head} [{', '.join(flow)}]")  # type: ignore[arg-type]
            else:
                out.append(head)
                out.extend(f"{pad}  - {scalar(v) or json.dumps(v, ensure_ascii=False)}" for v in value)
        elif isinstance(value, str) and "\n" in value:
            out.append(f"{head} |-")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{head} {scalar(value) or json.dumps(value, ensure_ascii=False)}")


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_KEYWORD = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def scalar(value: Any, flow: bool = False) -> str | None:
    """A value as a YAML scalar: plain when that reads back the same, else None (quote it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    if not isinstance(value, str) or not value or value != value.strip() or "\n" in value or "\t" in value:
        return None
    if value.isascii():  # numbers, dates, booleans and the like: only simple ids stay plain
        return value if _KEYWORD.match(value) and value not in _YAML_WORDS else None
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return None
    if flow and any(c in value for c in ",[]{}"):
        return None
    return value


def write_document(path: Path, text: str) -> None:
    """Write one content file (UTF-8, LF)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def summary_lines(result: ImportResult) -> list[str]:
    """What was imported and what is uncertain, for the command line."""
    lines = []
    for item in result.imported:
        extra = f"，{len(item.uncertain)} 处待确认" if item.uncertain else ""
        lines.append(f"已导入 {item.source}：{item.label} → {'、'.join(item.files)}{extra}")
    total_uncertain = sum(len(item.uncertain) for item in result.imported)
    lines.append(f"导入 {len(result.imported)} 个文件，失败 {len(result.failed)} 个；"
                 f"待确认 {total_uncertain} 处（YAML 中以“# 待确认”标出）")
    return lines
