"""Read past bulletins (.txt in any Chinese encoding, .docx paragraphs and tables) into numbered lines."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any


from generator.importing.bulletin_parse import Line
from generator.errors import Report
from generator.data.textcodec import decode_text
from generator.importing.import_types import MAX_INPUT_BYTES

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
