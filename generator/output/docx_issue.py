"""The issue as a Word document in the 简报 layout (SPEC §5, §6), written with python-docx.

It is made from the standalone HTML of the issue (printing.py), so it carries
exactly what the PDF carries: the sheet's masthead, 期号 line, articles with
their 一、/（一） headings and bold leads, figures (the print twins of the charts
as PNG), and the 报尾. Fonts are named, not embedded: the ones Chinese offices
have installed (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312), set for East Asian
text (w:eastAsia) so Word applies them to Chinese characters. No system font is
needed to write the file. The zip is written with fixed times and in a fixed
order, so the same HTML always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

from generator.output.docx_meta import DocxMeta  # DOCX_FORMAT there too: bump it when this layout changes


RED = RGBColor(0xE0, 0x00, 0x00)
BLACK = RGBColor(0, 0, 0)
# The fonts of a 简报 as offices have them installed (GB/T 9704: 小标宋 masthead and title, 仿宋 body).
MASTHEAD_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"  # digits and Latin letters, as offices set them
PAGE_NUMBER_FONT = "宋体"

BODY_PT = 16  # 三号
COLOPHON_PT = 14  # 四号
CAPTION_PT = 10.5  # 五号
LINE_TWIPS = 579  # 225 mm / 22 lines = 28.99 pt
TYPE_WIDTH = Mm(156)
CHAR_SPACING_TWIPS = -5  # 16 pt − 0.25 pt: 28 characters = 441 pt ≤ 442.2 pt (156 mm)
THICK_RULE = 8  # eighths of a point: 1 pt ≈ 0.35 mm (报尾 first and last rules)
THIN_RULE = 6  # 0.75 pt ≈ 0.25 mm
RED_RULE = 18  # 2.25 pt ≈ 0.8 mm, the red rule under the 期号 block


# --- the sheet, read from the standalone HTML ---------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text() for child in self.children)

    def find(self, css_class: str) -> Node | None:
        for child in self.children:
            if isinstance(child, Node):
                if css_class in child.classes:
                    return child
                found = child.find(css_class)
                if found is not None:
                    return found
        return None

    def elements(self) -> list[Node]:
        return [child for child in self.children if isinstance(child, Node)]


# Characters XML 1.0 cannot carry (lxml refuses them): dropped, as a browser would not show them either.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "col", "source"}


class _TreeBuilder(HTMLParser):
    """A small DOM of the body; SVGs are kept whole as text (the figures' print twins)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]
        self._svg_depth = 0
        self._svg: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._svg_depth or tag == "svg":
            self._svg_depth += 1
            self._svg.append(self.get_starttag_text() or "")
            return
        node = Node(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._svg_depth:
            self._svg.append(self.get_starttag_text() or "")
            return
        self.stack[-1].children.append(Node(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if self._svg_depth:
            self._svg.append(f"</{tag}>")
            self._svg_depth -= 1
            if not self._svg_depth:
                self.stack[-1].children.append(Node("svg", {"source": "".join(self._svg)}))
                self._svg = []
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        data = _NOT_XML.sub("", data)  # character references (&#12;) are decoded only here
        if self._svg_depth:
            self._svg.append(data.replace("&", "&amp;").replace("<", "&lt;"))
        else:
            self.stack[-1].children.append(data)


def parse_sheet(html: str) -> Node:
    """The .jb-sheet element of a standalone HTML file."""
    builder = _TreeBuilder()
    builder.feed(_NOT_XML.sub("", html))
    builder.close()
    sheet = builder.root.find("jb-sheet")
    if sheet is None:
        raise ValueError("no .jb-sheet in the standalone HTML")
    return sheet


# --- the document -------------------------------------------------------------


def render_docx(html: str, meta: DocxMeta) -> bytes:
    """The .docx of an issue from its standalone HTML; the same input gives the same bytes."""
    sheet = parse_sheet(html)
    document = Document()
    _set_up(document, meta)
    writer = _Writer(document)
    for node in sheet.elements():
        writer.block(node)
    writer.finish()
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), meta.date)


def _set_up(document, meta: DocxMeta) -> None:
    """A4, GB/T 9704 margins mirrored, page numbers odd right / even left, the styles of the layout."""
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)  # inside, outside (mirrored below)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(21)  # the number's line sits 7 mm below the type area
    settings = document.settings.element
    settings.append(OxmlElement("w:mirrorMargins"))
    document.settings.odd_and_even_pages_header_footer = True
    _doc_grid(section)
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    _styles(document)
    core = document.core_properties
    # python-docx allows 255 characters in a core property: a long title is cut there (the text has it whole).
    core.title, core.author, core.last_modified_by = meta.title[:255], meta.author[:255], meta.author[:255]
    core.subject, core.keywords, core.comments, core.category = "", "", "", "简报"
    moment = dt.datetime.combine(meta.date, dt.time())
    core.created = core.modified = moment
    core.last_printed = moment
    core.revision = 1
    core.language = "zh-CN"


def _doc_grid(section) -> None:
    """A line grid of 22 lines in the type area (Word's 文档网格)."""
    sect = section._sectPr
    for old in sect.findall(qn("w:docGrid")):
        sect.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_TWIPS))
    sect.append(grid)


def _page_number(paragraph, alignment) -> None:
    """— n —, 四号, one character in from the edge of the type area (GB/T 9704 7.5)."""
    paragraph.alignment = alignment
    form = paragraph.paragraph_format
    indent = Pt(COLOPHON_PT)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        form.right_indent = indent
    else:
        form.left_indent = indent
    _run(paragraph, "— ", PAGE_NUMBER_FONT, COLOPHON_PT)
    run = _run(paragraph, "", PAGE_NUMBER_FONT, COLOPHON_PT)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run._r.append(code)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._r.append(shown)
    _run(paragraph, " —", PAGE_NUMBER_FONT, COLOPHON_PT)


def set_fonts(element_rpr_owner, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Name the font for Latin and for East Asian text (w:eastAsia), so Word uses it for Chinese."""
    rpr = element_rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        _place(rpr, fonts, _RPR_ORDER)
    for name in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(name), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(style, east_asia: str, latin: str = LATIN_FONT) -> None:
    set_fonts(style.element, east_asia, latin)


def _exact_lines(form, twips: int = LINE_TWIPS) -> None:
    form.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    form.line_spacing = Twips(twips)
    form.space_before = form.space_after = Pt(0)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.font.color.rgb = BLACK
    _style_fonts(normal, BODY_FONT)
    rpr = normal.element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    _place(rpr, lang, _RPR_ORDER)
    _spacing(rpr, CHAR_SPACING_TWIPS)
    _exact_lines(normal.paragraph_format)
    normal.paragraph_format.widow_control = False  # GB/T 9704: 22 lines on every full page

    def paragraph_style(name: str, font: str, size: float, *, color=BLACK, align=None) -> object:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.font.size = Pt(size)
        style.font.color.rgb = color
        _style_fonts(style, font, font if font == MASTHEAD_FONT else LATIN_FONT)
        if align is not None:
            style.paragraph_format.alignment = align
        style.paragraph_format.first_line_indent = Pt(0)
        return style

    body = paragraph_style("简报正文", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    body.paragraph_format.first_line_indent = Pt(2 * BODY_PT)  # 首行缩进两字
    _first_line_chars(body, 200)
    masthead = paragraph_style("简报报头", MASTHEAD_FONT, 42, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    _exact_lines(masthead.paragraph_format, 1100)  # 初号 42 pt on a 55 pt line
    masthead.paragraph_format.space_before = Mm(4)
    paragraph_style("简报期号", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_before = Mm(6)
    issuer = paragraph_style("简报编印单位", BODY_FONT, BODY_PT)
    issuer.paragraph_format.left_indent = issuer.paragraph_format.right_indent = Pt(BODY_PT)
    title = paragraph_style("简报标题", MASTHEAD_FONT, 22, align=WD_ALIGN_PARAGRAPH.CENTER)
    _exact_lines(title.paragraph_format, 700)  # 二号 on a 35 pt line
    title.paragraph_format.space_after = Twips(LINE_TWIPS)
    title.paragraph_format.keep_with_next = True
    paragraph_style("简报密级", HEI_FONT, BODY_PT)
    paragraph_style("简报图注", BODY_FONT, CAPTION_PT, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.line_spacing = Pt(16)
    colophon = paragraph_style("简报报尾", BODY_FONT, COLOPHON_PT)
    _exact_lines(colophon.paragraph_format, 460)  # 四号 on a 23 pt line
    colophon.paragraph_format.left_indent = colophon.paragraph_format.right_indent = Pt(COLOPHON_PT)
    picture = paragraph_style("简报插图", BODY_FONT, BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER)
    picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    picture.paragraph_format.space_before = Mm(5)
    picture.paragraph_format.keep_with_next = True

    for name, font in (("一级标题", HEI_FONT), ("二级标题", KAI_FONT)):
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        _style_fonts(style, font)


def _first_line_chars(style, hundredths: int) -> None:
    """Indent in characters (w:firstLineChars), so the indent follows the font size in Word."""
    ppr = style.element.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        _place(ppr, ind, _PPR_ORDER)
    ind.set(qn("w:firstLineChars"), str(hundredths))


def _run(paragraph, text: str, font: str | None = None, size: float | None = None, *, bold: bool | None = None, color=None):
    run = paragraph.add_run(text)
    if font:
        set_fonts(run._r, font, font if font in (MASTHEAD_FONT, PAGE_NUMBER_FONT) else LATIN_FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


# Children of w:pPr and w:rPr in schema order: a child in the wrong place is ignored by Word and LibreOffice.
_PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
              "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
              "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
              "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
              "w:rPr", "w:sectPr", "w:pPrChange")
_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
              "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
              "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
              "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
              "w:specVanish", "w:oMath")


def _place(parent, child, order: tuple[str, ...]) -> None:
    """Insert child into parent at its place in the schema's sequence (replacing one of its kind)."""
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    name = next(n for n in order if qn(n) == tag)
    parent.insert_element_before(child, *order[order.index(name) + 1 :])


def _spacing(rpr, twips: int) -> None:
    """Character spacing (w:spacing in twentieths of a point) on a run or style's rPr."""
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twips))
    _place(rpr, spacing, _RPR_ORDER)


def _border(paragraph, **sides: tuple[int, str, int]) -> None:
    """Paragraph borders: side=(size in eighths of a point, colour, space in points)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right", "between"):
        if side in sides:
            size, color, space = sides[side]
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "single")
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), str(space))
            edge.set(qn("w:color"), color)
            borders.append(edge)
    _place(ppr, borders, _PPR_ORDER)


class _Writer:
    """Blocks of the sheet → paragraphs, in order."""

    def __init__(self, document) -> None:
        self.document = document
        self.colophon: list = []

    def block(self, node: Node) -> None:
        classes = node.classes
        if "jb-classification" in classes:
            self.document.add_paragraph(node.text().strip(), style="简报密级")
        elif "jb-masthead" in classes:
            paragraph = self.document.add_paragraph(style="简报报头")
            # The parts of the masthead as printed, without a gap (山西省乡村振兴简报).
            run = paragraph.add_run("".join(part.text().strip() for part in node.elements()) or node.text().strip())
            run.font.bold = False
        elif "jb-number" in classes:
            self.document.add_paragraph(_squash(node.text()), style="简报期号")
        elif "jb-issuer-line" in classes:
            self.issuer_line(node)
        elif "jb-rule" in classes:
            pass  # drawn as the bottom border of the issuer line
        elif node.tag == "article" or (node.tag == "div" and not classes & {"jb-chart-static"}) or node.tag == "section":
            for child in node.elements():
                self.block(child)
        elif "jb-article-title" in classes:
            parts = [part.text().strip() for part in node.elements() if "jb-title-part" in part.classes] or [node.text().strip()]
            paragraph = self.document.add_paragraph(style="简报标题")
            for index, part in enumerate(parts):
                if index:
                    paragraph.add_run().add_break()
                paragraph.add_run(part)
        elif node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            paragraph = self.document.add_paragraph(style="简报正文")
            self.inline(paragraph, node, {"bold"})
        elif node.tag == "footer" and "jb-colophon" in classes:
            self.colophon_block(node)
        elif node.tag == "figure":
            self.figure(node)
        elif node.tag in ("ul", "ol"):
            for number, item in enumerate((child for child in node.elements() if child.tag == "li"), 1):
                paragraph = self.document.add_paragraph(style="简报正文")
                paragraph.add_run(f"{number}. " if node.tag == "ol" else "· ")
                self.inline(paragraph, item, set())
        elif node.tag == "table":
            self.table(node)
        elif node.tag == "blockquote":
            for child in node.elements():
                self.block(child)
        elif node.tag in ("p", "li", "dd", "dt") or node.text().strip():
            paragraph = self.document.add_paragraph(style="简报正文")
            self.inline(paragraph, node, set())

    def issuer_line(self, node: Node) -> None:
        spans = node.elements()
        paragraph = self.document.add_paragraph(style="简报编印单位")
        paragraph.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - Pt(2 * BODY_PT), WD_TAB_ALIGNMENT.RIGHT)
        paragraph.add_run(spans[0].text().strip() if spans else "")
        if len(spans) > 1:
            paragraph.add_run("\t" + _compact_date(spans[1].text()))
        paragraph.paragraph_format.space_before = Pt(3)
        _border(paragraph, bottom=(RED_RULE, "E00000", 11))
        paragraph.paragraph_format.space_after = Twips(LINE_TWIPS)  # an empty line before the title

    def inline(self, paragraph, node: Node, marks: set[str]) -> None:
        for child in node.children:
            if isinstance(child, str):
                text = re.sub(r"\s*\n\s*", "", child) if not marks & {"pre"} else child
                if not text:
                    continue
                run = paragraph.add_run(text)
                if "bold" in marks:
                    run.font.bold = True
                if "italic" in marks:
                    run.font.italic = True
                if "h1" in marks:
                    run.style = "一级标题"
                if "h2" in marks:
                    run.style = "二级标题"
                continue
            classes = child.classes
            inner = set(marks)
            if child.tag in ("strong", "b"):
                inner.add("bold")
            elif child.tag in ("em", "i"):
                inner.add("italic")
            elif child.tag == "br":
                paragraph.add_run().add_break()
                continue
            elif child.tag == "svg":
                continue
            if "jb-h1" in classes:
                inner.add("h1")
            if "jb-h2" in classes:
                inner.add("h2")
            self.inline(paragraph, child, inner)

    def figure(self, node: Node) -> None:
        svg = _first(node, "svg")
        if svg is not None:
            png = svg_png(svg.attrs["source"])
            if png:
                paragraph = self.document.add_paragraph(style="简报插图")
                paragraph.add_run().add_picture(io.BytesIO(png), width=TYPE_WIDTH)
        caption = _first(node, "figcaption")
        if caption is not None and caption.text().strip():
            self.document.add_paragraph(caption.text().strip(), style="简报图注")

    def table(self, node: Node) -> None:
        rows = [row for row in _all(node, "tr")]
        if not rows:
            return
        width = max(len([cell for cell in row.elements() if cell.tag in ("td", "th")]) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(rows):
            for c, cell in enumerate(cell for cell in row.elements() if cell.tag in ("td", "th")):
                target = table.cell(r, c).paragraphs[0]
                run = target.add_run(cell.text().strip())
                run.font.size = Pt(12)
                if cell.tag == "th":
                    run.font.bold = True

    def colophon_block(self, node: Node) -> None:
        """发/送 lines, the 印发 line and 共印份数 between the rules of the 报尾."""
        lines: list[tuple[str, str, str]] = []  # (kind, left, right)
        for child in node.elements():
            if "jb-distribution" in child.classes:
                for line in child.elements():
                    spans = line.elements()
                    lines.append(("to", spans[0].text() if spans else "", "".join(s.text() for s in spans[1:]) or line.text()))
            elif "jb-printed" in child.classes:
                spans = child.elements()
                lines.append(("printed", spans[0].text() if spans else child.text(), spans[1].text() if len(spans) > 1 else ""))
            elif child.text().strip():
                lines.append(("other", child.text().strip(), ""))
        self.colophon = lines

    def finish(self) -> None:
        """The 报尾 at the foot of the last page, between its rules (GB/T 9704 7.4).

        A one-column table floating at the bottom of the type area (w:tblpPr), one row per
        line: rows carry the rules as cell borders, thick first and last, thin between.
        """
        if not self.colophon:
            return
        lines = self.colophon
        table = self.document.add_table(rows=len(lines), cols=1)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _float_at_foot(table)
        for index, (kind, left, right) in enumerate(lines):
            cell = table.cell(index, 0)
            cell.width = TYPE_WIDTH
            paragraph = cell.paragraphs[0]
            paragraph.style = "简报报尾"
            top = THICK_RULE if index == 0 else THIN_RULE
            bottom = THICK_RULE if index == len(lines) - 1 else (THIN_RULE if kind == "to" else 0)
            if kind == "printed" and index + 1 < len(lines):
                bottom = 0  # 共印份数 follows inside the same rule
            if index and lines[index - 1][0] != "to":
                top = 0
            _cell_borders(cell, top=top, bottom=bottom)
            if kind == "to":
                label = left.strip()
                # The addressees wrap under themselves, not under the label.
                paragraph.paragraph_format.left_indent = Pt(COLOPHON_PT * (1 + len(label)))
                paragraph.paragraph_format.first_line_indent = -Pt(COLOPHON_PT * len(label))
                paragraph.add_run(label)
                paragraph.add_run(right.strip())
            elif kind == "printed":
                paragraph.paragraph_format.tab_stops.add_tab_stop(TYPE_WIDTH - Pt(COLOPHON_PT) - Mm(3.8), WD_TAB_ALIGNMENT.RIGHT)
                paragraph.add_run(left.strip())
                paragraph.add_run("\t" + right.strip())
            else:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                paragraph.add_run(left)
        # A floating table is anchored to the paragraph after it: the document ends with an empty, tiny one.
        anchor = self.document.add_paragraph(style="简报报尾")
        _exact_lines(anchor.paragraph_format, 20)
        anchor.paragraph_format.left_indent = anchor.paragraph_format.right_indent = Pt(0)


def _float_at_foot(table) -> None:
    """Float the table at the bottom of the type area, full width, text never beside it."""
    tblPr = table._tbl.tblPr
    position = OxmlElement("w:tblpPr")
    for name, value in (("leftFromText", "0"), ("rightFromText", "0"), ("vertAnchor", "margin"), ("horzAnchor", "margin"),
                        ("tblpXSpec", "center"), ("tblpYSpec", "bottom")):
        position.set(qn(f"w:{name}"), value)
    tblPr.insert(1 if tblPr.find(qn("w:tblStyle")) is not None else 0, position)
    overlap = OxmlElement("w:tblOverlap")
    overlap.set(qn("w:val"), "never")
    position.addnext(overlap)
    width = tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        overlap.addnext(width)
    width.set(qn("w:w"), str(TYPE_WIDTH.twips))
    width.set(qn("w:type"), "dxa")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), "0")
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    tblPr.append(margins)


def _cell_borders(cell, *, top: int, bottom: int) -> None:
    """Rules above and below a line of the 报尾 (0: none); never at the sides."""
    tcPr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side, size in (("top", top), ("left", 0), ("bottom", bottom), ("right", 0)):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "single" if size else "nil")
        if size:
            edge.set(qn("w:sz"), str(size))
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        borders.append(edge)
    width = tcPr.find(qn("w:tcW"))
    if width is not None:
        width.addnext(borders)
    else:
        tcPr.insert(0, borders)


def _first(node: Node, tag: str) -> Node | None:
    for child in node.elements():
        if child.tag == tag:
            return child
        found = _first(child, tag)
        if found is not None:
            return found
    return None


def _all(node: Node, tag: str) -> list[Node]:
    found = []
    for child in node.elements():
        if child.tag == tag:
            found.append(child)
        else:
            found.extend(_all(child, tag))
    return found


def _squash(text: str) -> str:
    """第 7 期（总第 62 期） → 第7期（总第62期）: no spaces between Chinese text and numbers in Word."""
    return re.sub(r"\s+", "", text)


def _compact_date(text: str) -> str:
    return re.sub(r"\s+", "", text.strip())


def svg_png(svg: str) -> bytes | None:
    """A chart's SVG as PNG at 2× (vl-convert, which draws text with whatever CJK font it finds)."""
    import vl_convert as vlc

    try:
        return vlc.svg_to_png(svg, scale=2)
    except Exception:  # a figure that cannot be drawn leaves its caption; the text is what matters
        return None


THUMBNAIL = "docProps/thumbnail.jpeg"


def _fixed_zip(data: bytes, date: dt.date) -> bytes:
    """The same zip with every entry dated the issue's date: python-docx stamps the current time."""
    stamp = (max(date.year, 1980), date.month, date.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == THUMBNAIL:
                continue  # python-docx's template ships a picture of some other document
            content = source.read(info.filename)
            if info.filename == "_rels/.rels":
                content = re.sub(rb'<Relationship [^>]*Target="docProps/thumbnail.jpeg"/>', b"", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            entry.create_system = 3
            target.writestr(entry, content)
    return out.getvalue()
