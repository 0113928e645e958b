"""The issue as a Word document (issue 15, item 7): layout, styles, fonts, colours, reproducibility."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from generator.output import docx_issue, printing
from generator.build import check
from generator.site.chart_render import ChartRenderer
from generator.config import Settings
from generator.output.docx_issue import DocxMeta, parse_sheet, render_docx
from generator.errors import Report
from generator.site.pages import ChartMaker, RenderOptions, make_render_context

SAMPLE_STEM = "sxxczx-2023-007"
META = DocxMeta("山西省乡村振兴简报 2023 年第 7 期（总第 62 期）：晋中市", "山西省乡村振兴局", dt.date(2023, 3, 31))


@pytest.fixture(scope="module")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def checked(repo_root):
    return check(Settings.create(repo_root))


@pytest.fixture(scope="module")
def render_context(repo_root, checked, tmp_path_factory):
    charts = ChartMaker(checked.site.data, ChartRenderer(tmp_path_factory.mktemp("charts")))
    return make_render_context(repo_root / "site_templates", RenderOptions(offline=True), figures=checked.figures, charts=charts)


@pytest.fixture(scope="module")
def env(render_context):
    return render_context.env


@pytest.fixture(scope="module")
def view(checked):
    sample = next(v for v in checked.site.issues if v.file_stem == SAMPLE_STEM)
    return dataclasses.replace(sample, issue=sample.issue.model_copy(update={"copies": 200}))


@pytest.fixture(scope="module")
def standalone(view, env) -> str:
    return printing.render_standalone(view, env)


@pytest.fixture(scope="module")
def data(standalone) -> bytes:
    return render_docx(standalone, META)


@pytest.fixture(scope="module")
def document(data):
    return Document(io.BytesIO(data))


def east_asia(element) -> str | None:
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def paragraph_with(document, text: str):
    return next(p for p in document.paragraphs if text in p.text)


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_docx_reads_as_the_issue(document):
    text = all_text(document)
    for expected in ("山西省乡村振兴简报", "第7期（总第62期）", "山西省乡村振兴局\t2023年3月31日", "晋中市“六聚焦六破解”",
                     "大力发展壮大村级集体经济", "一、聚焦组织设计，破解认识难题。", "上下联动、高位推动。", "六、聚焦整体提升，破解效应难题。",
                     "发：各市县乡村振兴局。", "送：省委、省政府分管领导；", "山西省乡村振兴局综合处\t2023年3月31日印发", "（共印 200 份）"):
        assert expected in text, expected


def test_docx_page_is_a4_with_mirrored_gbt9704_margins(document):
    section = document.sections[0]
    def twips(length):
        return round(length.twips)

    assert (twips(section.page_width), twips(section.page_height)) == (twips(Mm(210)), twips(Mm(297)))
    assert [twips(m) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [
        twips(Mm(37)), twips(Mm(35)), twips(Mm(28)), twips(Mm(26))]
    settings = document.settings.element
    assert settings.find(qn("w:mirrorMargins")) is not None  # left/right become inside/outside: mirrored on even pages
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 225 mm / 22 lines


def test_docx_page_numbers_odd_right_even_left(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert (odd.alignment, even.alignment) == (WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT)
    for paragraph in (odd, even):
        assert paragraph.text == "— 1 —"  # the PAGE field's placeholder between the dashes
        assert " PAGE " in [node.text for node in paragraph._p.iter(qn("w:instrText"))]
        assert paragraph.runs[0].font.size == Pt(14)


def test_docx_masthead_is_red_xiaobiaosong(document):
    masthead = paragraph_with(document, "山西省乡村振兴简报")
    assert masthead.style.name == "简报报头"
    assert masthead.style.font.color.rgb == RGBColor(0xE0, 0x00, 0x00)
    assert east_asia(masthead.style.element) == "方正小标宋简体"
    assert masthead.alignment is None and masthead.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_docx_number_line_issuer_date_and_red_rule(document):
    number = paragraph_with(document, "第7期（总第62期）")
    assert number.style.name == "简报期号" and number.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    issuer = paragraph_with(document, "2023年3月31日")
    assert issuer.style.name == "简报编印单位"
    [stop] = issuer.paragraph_format.tab_stops
    assert stop.alignment == 2  # right-aligned tab: issuer left, date right (WD_TAB_ALIGNMENT.RIGHT)
    rule = issuer._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")
    assert rule.get(qn("w:color")) == "E00000" and int(rule.get(qn("w:sz"))) >= 16


def test_docx_body_is_sanhao_fangsong_with_east_asian_font(document):
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)  # 三号
    assert east_asia(normal.element) == "仿宋_GB2312"
    lead = paragraph_with(document, "晋中市围绕")
    assert lead.style.name == "简报正文"
    assert lead.style.paragraph_format.first_line_indent == Pt(32)  # two characters
    assert normal.paragraph_format.line_spacing == Pt(28.95)


def test_docx_headings_and_bold_leads(document):
    assert east_asia(document.styles["一级标题"].element) == "黑体"
    assert east_asia(document.styles["二级标题"].element) == "楷体_GB2312"
    paragraph = paragraph_with(document, "一、聚焦组织设计")
    heading = paragraph.runs[0]
    assert heading.text == "一、聚焦组织设计，破解认识难题。" and heading.style.name == "一级标题"
    bold = [run.text for run in paragraph.runs if run.bold]
    assert bold[:2] == ["上下联动、高位推动。", "统筹谋划、规划引领。"]


def test_docx_second_level_heading_in_kaiti():
    html = '<div class="jb-sheet"><p><span class="jb-h2">（一）加强组织领导。</span>正文<strong>要点。</strong>其余</p></div>'
    document = Document(io.BytesIO(render_docx(html, META)))
    paragraph = paragraph_with(document, "（一）")
    assert [(run.text, run.style.name, bool(run.bold)) for run in paragraph.runs] == [
        ("（一）加强组织领导。", "二级标题", False), ("正文", "Default Paragraph Font", False), ("要点。", "Default Paragraph Font", True), ("其余", "Default Paragraph Font", False)]


def test_docx_colophon_lines_between_rules(document):
    [table] = document.tables
    rows = [row.cells[0] for row in table.rows]
    assert [cell.text for cell in rows] == ["发：各市县乡村振兴局。", "送：省委、省政府分管领导；省委、省政府分管副秘书长；省直相关单位；省委省政府乡村振兴督导组。",
                                              "山西省乡村振兴局综合处\t2023年3月31日印发", "（共印 200 份）"]

    def rule(cell, side):
        edge = cell._tc.find(f"{qn('w:tcPr')}/{qn('w:tcBorders')}/{qn(f'w:{side}')}")
        return int(edge.get(qn("w:sz"))) if edge is not None and edge.get(qn("w:val")) == "single" else 0

    assert rule(rows[0], "top") == 8  # thick first rule
    assert rule(rows[0], "bottom") == rule(rows[1], "bottom") == 6  # thin between
    assert rule(rows[2], "bottom") == 0 and rule(rows[3], "bottom") == 8  # 共印份数 inside the thick closing rule
    assert rows[0].paragraphs[0].style.name == "简报报尾" and rows[0].paragraphs[0].style.font.size == Pt(14)  # 四号
    position = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:tblpYSpec")) == "bottom" and position.get(qn("w:vertAnchor")) == "margin"  # foot of the page


def test_docx_carries_the_chart_as_a_picture(document):
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0].width == Mm(156)
    assert paragraph_with(document, "数据来源：").style.name == "简报图注"


def test_docx_metadata_and_fixed_zip_times(data, standalone):
    assert render_docx(standalone, META) == data  # byte-identical
    entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert entries[0].filename == "[Content_Types].xml"
    assert {entry.date_time for entry in entries} == {(2023, 3, 31, 0, 0, 0)}
    core = Document(io.BytesIO(data)).core_properties
    assert (core.title, core.author, core.created, core.modified) == (META.title, META.author, *[dt.datetime(2023, 3, 31, tzinfo=dt.timezone.utc)] * 2)
    assert "docProps/thumbnail.jpeg" not in [entry.filename for entry in entries]  # python-docx's template picture


def test_docx_drops_characters_xml_cannot_carry():
    html = '<div class="jb-sheet"><p>控制\x0b字符\x00<strong>加\x1f粗</strong>&#x0c;</p></div>'
    document = Document(io.BytesIO(render_docx(html, META)))
    assert paragraph_with(document, "控制").text == "控制字符加粗"


def test_docx_takes_a_title_longer_than_a_core_property_allows():
    long = DocxMeta("很长的标题" * 100, "编印单位" * 100, dt.date(2023, 3, 31))
    core = Document(io.BytesIO(render_docx('<div class="jb-sheet"><p>正文</p></div>', long))).core_properties
    assert core.title == long.title[:255] and core.author == long.author[:255]


def test_parse_sheet_refuses_html_without_a_sheet():
    with pytest.raises(ValueError):
        parse_sheet("<p>没有简报</p>")


# --- written beside the issue page, cached, with or without PDFs -------------------


def test_docx_is_written_without_pdf_and_cached(checked, render_context, view, tmp_path, monkeypatch):
    one = dataclasses.replace(checked.site, issues=[view])
    monkeypatch.setattr(printing, "pdf_available", lambda: pytest.fail("not asked without PDFs"))
    calls = []
    monkeypatch.setattr(docx_issue, "render_docx", lambda html, meta: (calls.append(meta), render_docx(html, meta))[1])  # printing imports it when a .docx is made
    first = printing.write_issue_files(one, render_context, tmp_path / "site", pdf=False, cache_dir=tmp_path / "cache", report=Report())
    docx = tmp_path / "site" / f"briefings/sxxczx/2023/007/{SAMPLE_STEM}.docx"
    assert docx in first and docx.read_bytes().startswith(b"PK")
    before = docx.read_bytes()
    printing.write_issue_files(one, render_context, tmp_path / "site2", pdf=False, cache_dir=tmp_path / "cache", report=Report())
    assert len(calls) == 1  # from the cache the second time
    assert (tmp_path / "site2" / f"briefings/sxxczx/2023/007/{SAMPLE_STEM}.docx").read_bytes() == before
    assert calls[0].date == dt.date(2023, 3, 31) and calls[0].author == "山西省乡村振兴局"


@pytest.mark.e2e
def test_docx_opens_in_libreoffice_and_reads_as_the_issue(data, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装（sudo apt-get install libreoffice-writer），跳过")
    source = tmp_path / f"{SAMPLE_STEM}.docx"
    source.write_bytes(data)
    profile = tmp_path / "profile"  # its own profile: runs beside another LibreOffice
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / f"{SAMPLE_STEM}.pdf"
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    for expected in ("山西省乡村振兴简报", "第7期（总第62期）", "晋中市“六聚焦六破解”", "一、聚焦组织设计，破解认识难题。", "上下联动、高位推动。",
                     "发：各市县乡村振兴局。", "2023年3月31日印发", "（共印200份）", "—1—", "—2—"):
        assert expected in text, expected
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout).group(1))
    assert 4 <= pages <= 8
