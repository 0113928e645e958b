"""The used range of XLSX sheets, measured from the cell references before calamine loads a cell (xlsx.used_ranges).

The fast scan (r first, no namespace prefix) must give the same range as the general one on every
writer's form, and across the 4 MB pieces the file is read in.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from generator.data.xlsx import column_number, used_ranges

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="表" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def xlsx(path: Path, sheet: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def expected(sheet: str) -> tuple[int, int]:
    """The range by the general rule, over the whole text at once."""
    rows = [int(n) for n in re.findall(r'<(?:\w+:)?row\b[^>]*?\sr="([0-9]+)"', sheet)]
    rows = rows or [int(n) for n in re.findall(r'<(?:\w+:)?c\b[^>]*?\sr="[A-Z]+([0-9]+)"', sheet)]
    letters = re.findall(r'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]+)[0-9]', sheet)
    return max(rows, default=0), max((column_number(x.encode()) for x in letters), default=0)


def sheet_xml(rows: str, before: str = "", after: str = "", prefix: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f' xmlns:{prefix}="{MAIN}"' if prefix else f' xmlns="{MAIN}"'
    return f"<{p}worksheet{ns}>{before}<{p}sheetData>{rows}</{p}sheetData>{after}</{p}worksheet>"


CASES = {
    "r first": sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>年度</t></is></c></row>'
                         '<row r="7" spans="1:3"><c r="AB7" s="1"><v>3</v></c></row>'),
    "r not first": sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                             '<row spans="1:9" r="9"><c s="1" t="n" r="XFD9"><v>2</v></c></row>'),
    "prefixed": sheet_xml('<x:row r="3"><x:c r="C3"><x:v>1</x:v></x:c></x:row>', prefix="x"),
    "rows without r": sheet_xml('<row><c r="A1"><v>1</v></c></row><row><c r="D12"><v>1</v></c></row>'),
    "cols and row breaks": sheet_xml('<row r="2"><c r="B2"><v>1</v></c></row>',
                                     before='<cols><col min="1" max="30" width="9"/></cols>',
                                     after='<rowBreaks count="1"><brk id="40"/></rowBreaks>'),
    "line breaks in tags": sheet_xml('<row\n r="4"><c\n r="E4"><v>1</v></c><c\tr="F4"/></row>'),
}


@pytest.mark.parametrize("name", list(CASES))
def test_used_range_in_every_form(tmp_path, name):
    sheet = CASES[name]
    assert used_ranges(xlsx(tmp_path / "t.xlsx", sheet)) == {"表": expected(sheet)}


@pytest.mark.parametrize("shift", [14, 17, 25, 31, 40])
def test_a_far_cell_cut_by_the_piece_boundary_is_found(tmp_path, shift):
    filler = '<row r="1"><c r="A1" t="inlineStr"><is><t>' + "村" * (1 << 20) + "</t></is></c></row>"  # 3 MB
    head = sheet_xml("", prefix="")[: -len("</sheetData></worksheet>")] + filler
    pad = (1 << 22) - len(head.encode()) - shift  # the far row and cell openings cross the 4 MiB boundary
    sheet = head + '<row r="2"><c r="A2"><v>' + "1" * (pad - len('<row r="2"><c r="A2"><v>')) + \
        '</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    assert used_ranges(xlsx(tmp_path / "t.xlsx", sheet)) == {"表": (1048576, 16384)} == {"表": expected(sheet)}
