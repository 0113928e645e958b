"""Read the sheets of an XLSX file as text cells, with python-calamine (Rust: seconds faster than openpyxl).

A village table from a province is tens of thousands of rows; openpyxl's full model (the only
one that knows merged cells) took 2.8 s for 40,000 rows, calamine takes a fraction of that and
knows merged ranges too. Calamine holds a sheet as a dense range, so the used range of every
sheet is measured from the cell references in the file first: one stray cell at XFD1048576
must be refused, not allocated.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import pandas as pd

_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_COLUMN = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})[0-9]')
_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\sr="([0-9]{1,7})"')
# Every <c …> and <row …> opening (not <col>, <rowBreaks>); the group is empty unless r comes first.
_FAST_CELL = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})[0-9])?')
_FAST_ROW = re.compile(rb'<row(?=[\s/>])(?: r="([0-9]{1,7})")?')
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


class SheetTooLarge(Exception):
    """A sheet whose used range is over the limit: (title, rows, columns)."""

    def __init__(self, title: str, rows: int, columns: int) -> None:
        super().__init__(title, rows, columns)
        self.title, self.rows, self.columns = title, rows, columns


def column_number(letters: bytes) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_piece(data: bytes, end: int, rows: int, letters: set[bytes]) -> int:
    """The highest row so far, with data[:end], a piece of sheet XML (whole tag openings only); its column letters into letters.

    scale: the usual writer puts r first (<c r="A1" …>, <row r="1" …>). One scan per element finds
    every opening, with its reference when r comes first; when every opening of the piece has that
    form and no element has a namespace prefix, those scans are the answer (two fifths of the time).
    Otherwise the patterns that allow any attribute order and namespace prefixes read the piece again.
    """
    cells = set(_FAST_CELL.findall(data, 0, end))  # scale: C-level findall and set, no loop per cell; no copy of the piece
    numbers = _FAST_ROW.findall(data, 0, end)
    if b"" in cells or b"" in numbers or _prefixed(data, end):
        cells = set(_CELL_COLUMN.findall(data, 0, end))
        numbers = _ROW_NUMBER.findall(data, 0, end) or [digits for _, digits in _CELL_REF.findall(data, 0, end)]
    letters.update(cells)
    return max([rows, *map(int, numbers)])


def _prefixed(data: bytes, end: int) -> bool:
    """Whether an element name in data[:end] has a namespace prefix (<x:c …>): a colon outside the text.

    scale: a colon is rare in sheet XML (the namespace declaration, a time of day in an inline
    string), and finding one byte is a tenth of the time of finding the two of ":c".
    """
    at = data.find(b":", 0, end)
    for _ in range(1000):  # more colons than that (times in every cell): two plain searches
        if at == -1:
            return False
        if data.startswith((b":c", b":row"), at):
            return True
        at = data.find(b":", at + 1, end)  # the piece ends before a "<": ":c" and ":row" never cross the end
    return data.find(b":c", 0, end) != -1 or data.find(b":row", 0, end) != -1


def used_ranges(path: Path) -> dict[str, tuple[int, int]]:
    """Each sheet's used range from A1, (rows, columns), read from its cell references (no cell is loaded)."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")) if "xl/_rels/workbook.xml.rels" in names else None
        targets = {rel.get("Id"): rel.get("Target", "") for rel in (rels if rels is not None else [])}
        ranges = {}
        for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
            target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if member not in names:
                continue
            rows, letters = 0, set()
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(1 << 22):
                    data = tail + chunk
                    cut = data.rfind(b"<", max(0, len(data) - 65536))  # no tag is cut: pieces hold whole openings
                    cut = cut if cut > 0 else len(data)
                    rows = _scan_piece(data, cut, rows, letters)
                    tail = data[cut:]
                rows = _scan_piece(tail, len(tail), rows, letters)
            columns = max(map(column_number, letters), default=0)
            ranges[sheet.get("name", "")] = (rows, columns)
    return ranges


def _cell_text(value: Any) -> str:
    """A cell that is not text, as text (read_xlsx_sheets keeps text cells as they are without calling this)."""
    if type(value) is float:  # scale: the numbers of a village table first
        return str(int(value)) if value.is_integer() else str(value)
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def read_xlsx_sheets(path: Path, max_cells: int) -> list[tuple[str, pd.DataFrame, np.ndarray]]:
    """Every worksheet as (title, cells as text, sheet row numbers), merged cells filled with their top-left value.

    Raises SheetTooLarge for a sheet whose used range has more than max_cells cells; calamine's and
    zipfile's errors for a broken file pass through (the caller reports them).
    """
    from python_calamine import CalamineWorkbook

    for title, (rows, columns) in used_ranges(path).items():
        if rows * columns > max_cells:  # one stray cell at XFD1048576 would make 17 billion
            raise SheetTooLarge(title, rows, columns)
    workbook = CalamineWorkbook.from_path(str(path))
    sheets = []
    try:
        for title in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(title)
            if sheet.height * sheet.width > max_cells:
                raise SheetTooLarge(title, sheet.height, sheet.width)
            grid = sheet.to_python(skip_empty_area=False)
            width = max(map(len, grid), default=0)
            # scale: a column at a time; a column of text cells only (most of them) is kept without a loop per cell
            if any(len(row) != width for row in grid):
                grid = [row + [""] * (width - len(row)) for row in grid]
            columns = [list(column) for column in zip(*grid)] if width else []
            for values in columns:
                if set(map(type, values)) != {str}:
                    values[:] = [v if type(v) is str else _cell_text(v) for v in values]
            for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
                if top >= len(grid) or left >= width:
                    continue
                value, stop = columns[left][top], min(bottom + 1, len(grid))
                for values in columns[left:right + 1]:
                    values[top:stop] = [value] * (stop - top)
            cells = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(len(grid)), columns=pd.RangeIndex(width), dtype=str)
            sheets.append((title, cells, np.arange(1, len(grid) + 1, dtype=np.int64)))
    finally:
        workbook.close()
    return sheets
