"""The printed 简报: print.css geometry, the standalone HTML, the PDF, `jianbao doctor`."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.output import doctor, print_charts, printing
from generator.build import check
from generator.site.chart_render import ChartRenderer
from generator.config import Settings
from generator.errors import Level, Report, UsageError
from generator.site.pages import ChartMaker, RenderOptions, make_render_context
from generator.site.structure import IssueView

pytestmark = pytest.mark.e2e  # renders PDFs with WeasyPrint

SAMPLE_STEM = "sxxczx-2023-007"
MM = 72 / 25.4  # points per millimetre


# --- fixtures -----------------------------------------------------------------


@pytest.fixture(scope="module")
def repo_root() -> Path:
    root = Path(__file__).resolve().parent.parent
    assert (root / "mkdocs.yml").is_file() and (root / "content").is_dir(), root
    return root


@pytest.fixture(scope="module")
def checked(repo_root: Path):
    """The sample project loaded, validated and computed, as `jianbao build` does."""
    return check(Settings.create(repo_root))


@pytest.fixture(scope="module")
def site(checked):
    return checked.site


@pytest.fixture(scope="module")
def render_context(repo_root: Path, checked, tmp_path_factory):
    charts = ChartMaker(checked.site.data, ChartRenderer(tmp_path_factory.mktemp("charts")))
    return make_render_context(repo_root / "site_templates", RenderOptions(offline=True), figures=checked.figures, charts=charts)


@pytest.fixture(scope="module")
def env(render_context):
    return render_context.env


@pytest.fixture(scope="module")
def view(site) -> IssueView:
    return next(v for v in site.issues if v.file_stem == SAMPLE_STEM)


@pytest.fixture(scope="module")
def standalone(view, env) -> str:
    return printing.render_standalone(view, env)


@pytest.fixture(scope="module")
def pdf_ready() -> None:
    available, message = printing.pdf_available()
    if not available:
        pytest.skip(f"PDF 依赖缺失，跳过：{message}")
    for tool in ("pdfinfo", "pdffonts", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} 未安装（sudo apt-get install poppler-utils），跳过 PDF 检查")


@pytest.fixture(scope="module")
def issue_files(pdf_ready, site, render_context, view, tmp_path_factory) -> dict[str, Path]:
    """The sample issue written by write_issue_files (renders the PDF once)."""
    out = tmp_path_factory.mktemp("site")
    report = Report()
    view = dataclasses.replace(view, issue=view.issue.model_copy(update={"copies": 200}))  # （共印 200 份）
    one = dataclasses.replace(site, issues=[view])
    written = printing.write_issue_files(one, render_context, out, pdf=True, cache_dir=tmp_path_factory.mktemp("cache"), report=report)
    assert report.problems == []
    return {path.suffix: path for path in written}


@pytest.fixture(scope="module")
def pdf(issue_files) -> Path:
    return issue_files[".pdf"]


# --- print.css: the SPEC §6 geometry ------------------------------------------


def css_block(css: str, prelude: str) -> str:
    """The body of the block whose prelude, on a line of its own, is exactly `prelude`."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    match = re.search(r"(?m)^\s*" + re.escape(prelude) + r"\s*\{", css)
    assert match, prelude
    depth = 1
    i = match.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(css[i], 0)
        i += 1
    return css[match.end() : i - 1]


def declarations(css: str, prelude: str) -> dict[str, str]:
    """The declarations of a block, its nested blocks left out."""
    body = css_block(css, prelude)
    while re.search(r"\{[^{}]*\}", body):
        body = re.sub(r"[^;{}]*\{[^{}]*\}", "", body)
    return {name: value.strip() for name, value in re.findall(r"([a-z-]+)\s*:\s*([^;]+);", body)}


def mm(value: str) -> float:
    number, unit = re.fullmatch(r"(-?[\d.]+)(mm|pt)", value).groups()
    return float(number) if unit == "mm" else float(number) / MM


@pytest.fixture(scope="module")
def print_css(repo_root: Path) -> str:
    return (repo_root / "site_templates/assets/stylesheets/print.css").read_text(encoding="utf-8")


def test_print_css_page_is_a4_with_the_spec_margins(print_css):
    page = declarations(print_css, "@page")
    assert page["size"] == "A4"
    assert page["margin"] == "37mm 26mm 35mm 28mm"  # top, right, bottom, left
    right, left = declarations(print_css, "@page :right"), declarations(print_css, "@page :left")
    assert (right["margin-left"], right["margin-right"]) == ("28mm", "26mm")
    assert (left["margin-left"], left["margin-right"]) == ("26mm", "28mm")  # mirrored on even pages
    assert 210 - 28 - 26 == 156 and 297 - 37 - 35 == 225  # the type area


def test_print_css_page_numbers_odd_right_even_left(print_css):
    right, left = css_block(print_css, "@page :right"), css_block(print_css, "@page :left")
    assert "@bottom-right" in right and "@bottom-left" not in right
    assert "@bottom-left" in left and "@bottom-right" not in left
    for box in (right, left):
        assert 'content: "— " counter(page) " —";' in box
        assert "font-size: 14pt;" in box


def test_print_css_body_is_16pt_fangsong_22_lines_of_28_characters(print_css):
    sheet = declarations(print_css, ".jb-sheet")
    assert sheet["font-size"] == "16pt"
    assert sheet["font-family"].startswith('"FandolFang", "FangSong", "仿宋"')
    line = mm(sheet["line-height"])
    assert 22 * line <= 225 < 23 * line
    pitch = mm("16pt") + mm(sheet["letter-spacing"])
    assert 28 * pitch <= 156 < 29 * pitch


# --- the standalone HTML --------------------------------------------------------


class Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = False


def test_standalone_is_one_self_contained_file(standalone):
    parsed = Collector()
    parsed.feed(standalone)
    tags = dict(parsed.tags)
    assert standalone.startswith("<!DOCTYPE html>")
    assert tags["html"]["lang"] == "zh-CN"
    assert {"charset": "utf-8"} in [attrs for tag, attrs in parsed.tags if tag == "meta"]
    assert parsed.title.startswith("山西省乡村振兴简报 2023 年第 7 期（总第 62 期）")
    assert "link" not in tags and "script" not in tags and "img" not in tags
    for tag, attrs in parsed.tags:
        assert "src" not in attrs, (tag, attrs)
        for name in ("href", "xlink:href"):
            target = attrs.get(name)
            if target is not None:
                assert re.match(r"(#|https?:|mailto:)", target), (tag, name, target)
    assert all(url.startswith("data:") for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", standalone))
    assert "@page :right" in standalone and ".jb-sheet" in standalone  # print.css and the sheet styles inline
    assert re.search(r'<figure class="jb-chart"[^>]*>\n<div class="jb-chart-static"><svg', standalone)  # the case's chart, as SVG
    body = standalone.split("</style>")[1]
    assert "jb-chart-spec" not in body and "jb-chart-view" not in body  # no interactive half without its JS
    for text in ("山西省乡村振兴", "第 7 期（总第 62 期）", "发：", "山西省乡村振兴局综合处", "2023年3月31日印发"):
        assert text in standalone


def test_standalone_charts_are_print_twins_with_labels_of_9pt(standalone, print_css):
    """Drawn across the 156 mm type area (print.css: width 100%) at scale ≥ 1, 12 px labels print at ≥ 9 pt."""
    figures = re.findall(r'<div class="jb-chart-static">(<svg.*?</svg>)', standalone, re.S)
    assert figures
    type_area_px = 156 / 25.4 * 96
    for svg in figures:
        width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))
        assert width <= type_area_px
        scale = type_area_px / width
        sizes = [float(size) for size in re.findall(r'font-size="([\d.]+)px"', svg)]
        assert sizes and min(sizes) * scale * 0.75 >= 9, sizes  # px → pt
    assert declarations(print_css, ".jb-chart-static svg")["width"] == "100%"


def test_print_spec_fits_the_type_area_with_print_font_sizes():
    spec = {"mark": "bar", "width": 640, "config": {"axis": {"labelFontSize": 11, "labelColor": "#333"}}}
    printed = print_charts.print_spec(spec)
    assert printed["width"] == 588 and printed["autosize"] == {"type": "fit-x", "contains": "padding"}
    assert printed["config"]["axis"] == {"labelFontSize": 12, "labelColor": "#333", "titleFontSize": 13}
    assert spec["width"] == 640 and spec["config"]["axis"]["labelFontSize"] == 11  # the screen spec is left alone


def test_standalone_turns_links_to_other_files_into_text():
    html = (
        '<p><a href="../../cases/x/index.html">案例页</a> <a href="https://example.org/" rel="noopener">外部</a> '
        '<a href="#a1">本文</a> <a href="sxxczx-2023-007.pdf">PDF</a></p>'
        '<figure class="jb-chart" id="c1">\n<div class="jb-chart-static"><svg></svg></div>\n<div class="jb-chart-view"></div>\n'
        '<script type="application/json" class="jb-chart-spec" id="c1-spec">{}</script>\n</figure>'
    )
    assert printing.make_self_contained(html) == (
        '<p><span class="jb-link">案例页</span> <a href="https://example.org/" rel="noopener">外部</a> '
        '<a href="#a1">本文</a> <span class="jb-link">PDF</span></p>'
        '<figure class="jb-chart" id="c1">\n<div class="jb-chart-static"><svg></svg></div>\n</figure>'
    )


def test_standalone_is_the_same_for_the_same_input(view, env, standalone):
    assert printing.render_standalone(view, env) == standalone


# --- the PDF --------------------------------------------------------------------


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def page_count(pdf: Path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))


def words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of every word on a page, in points from the top left."""
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    found = []
    for attrs, text in re.findall(r"<word ([^>]*)>([^<]*)</word>", html):
        box = dict(re.findall(r'(\w+)="([\d.]+)"', attrs))
        found.append((text, float(box["xMin"]), float(box["yMin"]), float(box["xMax"]), float(box["yMax"])))
    return found


def test_pdf_pages_are_a4(pdf):
    pages = page_count(pdf)
    assert 3 <= pages <= 6
    boxes = re.findall(r"MediaBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", run("pdfinfo", "-box", "-f", "1", "-l", str(pages), str(pdf)))
    assert len(boxes) == pages
    for x0, y0, x1, y1 in boxes:
        assert (round(float(x0)), round(float(y0)), round(float(x1)), round(float(y1))) == (0, 0, 595, 842)


def test_pdf_embeds_every_font(pdf):
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows
    names = []
    for row in rows:
        columns = row.split()
        emb = columns[-5]  # name type… encoding emb sub uni object ID
        assert emb == "yes", row
        names.append(columns[0].split("+")[-1])
    assert "FandolFang" in names  # the 仿宋 body
    assert "Noto-Serif-CJK-SC-Bold" in names  # masthead, title, bold leads
    assert "Noto-Sans-CJK-SC" in names  # 一、 headings in 黑体


def test_pdf_text_has_the_masthead_number_line_and_colophon(pdf):
    text = re.sub(r"\s+", "", run("pdftotext", str(pdf), "-"))
    for expected in ("山西省乡村振兴简报", "第7期（总第62期）", "山西省乡村振兴局", "2023年3月31日", "晋中市“六聚焦六破解”大力发展壮大村级集体经济",
                     "发：各市县乡村振兴局", "送：省委、省政府分管领导", "山西省乡村振兴局综合处", "2023年3月31日印发", "—1—"):
        assert expected in text, expected


def test_pdf_colophon_sits_at_the_foot_of_the_last_page(pdf):
    last = page_count(pdf)
    placed = words(pdf, last)
    printed = [w for w in placed if w[0].endswith("印发")]
    copies = [w for w in placed if w[0].endswith("份）")]
    assert printed and copies, placed
    type_area_bottom = 842 - 35 * MM
    assert type_area_bottom - 12 < copies[-1][4] <= type_area_bottom + 1  # its last line on the last line of the type area
    for page in range(1, last):
        assert not any("印发" in w[0] for w in words(pdf, page))


def text_lines(pdf: Path, page: int) -> list[tuple[float, str]]:
    """(centre y, text) of every line of text inside the type area of a page, top to bottom."""
    inside = [w for w in words(pdf, page) if 37 * MM - 2 < w[2] and w[4] < 842 - 35 * MM + 2]
    lines: list[list[tuple[str, float, float, float, float]]] = []
    for word in sorted(inside, key=lambda w: (w[2] + w[4]) / 2):
        centre = (word[2] + word[4]) / 2
        if lines and centre - (lines[-1][0][2] + lines[-1][0][4]) / 2 < 8:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [((line[0][2] + line[0][4]) / 2, "".join(w[0] for w in sorted(line, key=lambda w: w[1]))) for line in lines]


def test_pdf_full_pages_carry_22_lines_on_the_grid(pdf):
    """GB/T 9704: 22 lines a page. Full pages are all but the first (版头) and the last (报尾), and a page
    whose next one opens with a chart that did not fit below its text."""
    last = page_count(pdf)
    full = [page for page in range(2, last) if not text_lines(pdf, page + 1)[0][1].startswith("晋中市2022年村级集体经济收入分段")]
    assert len(full) >= 2, full
    for page in full:
        lines = text_lines(pdf, page)
        assert len(lines) == 22, (page, [text for _, text in lines])
        pitch = (lines[-1][0] - lines[0][0]) / 21
        assert abs(pitch - 225 * MM / 22) < 0.3, (page, pitch)  # 10.22 mm: no line taller than the others
        assert max(len(text) for _, text in lines if not re.search(r"[0-9A-Za-z]", text)) == 28, page  # 28 characters a line


def rule_rows(png: Path) -> list[int]:
    """The pixel rows of a page image that are a horizontal rule across most of the type area."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    left, right = int(width * 28 / 210), int(width * (210 - 26) / 210)
    pixels = image.load()
    rows = []
    for y in range(height):
        dark = sum(1 for x in range(left, right) if pixels[x, y] < 128)
        if dark > 0.9 * (right - left):
            rows.append(y)
    return rows


def test_pdf_copies_line_sits_inside_the_closing_rule(pdf, tmp_path):
    last = page_count(pdf)
    placed = words(pdf, last)
    copies = [w for w in placed if "200" in w[0]]
    printed = [w for w in placed if w[0].endswith("印发")]
    assert copies and printed
    assert copies[-1][2] > printed[-1][4] - 1  # under the 印发 line
    subprocess.run(["pdftoppm", "-r", "72", "-f", str(last), "-l", str(last), "-png", "-singlefile", str(pdf), str(tmp_path / "last")], check=True)
    rows = rule_rows(tmp_path / "last.png")
    assert rows, "no rules found on the last page"
    assert rows[-1] > copies[-1][4]  # the closing rule runs under （共印 200 份）


def test_pdf_page_numbers_odd_right_even_left(pdf):
    for page in (1, 2):
        number = [w for w in words(pdf, page) if w[0] == str(page) and w[2] > 842 - 35 * MM]
        assert len(number) == 1, page
        centre = (number[0][1] + number[0][3]) / 2
        assert centre > 595 / 2 + 150 if page % 2 else centre < 595 / 2 - 150


def test_pdf_is_byte_identical_for_the_same_html(pdf, issue_files, tmp_path):
    again = tmp_path / "again.pdf"
    written = issue_files[".html"].read_text(encoding="utf-8")
    html = re.sub(r'<style id="jb-fonts">.*?</style>\n', "", written, flags=re.S)  # the PDF is made from the file less its fonts
    assert html != written
    printing.write_pdf(html, again, None)
    assert again.read_bytes() == pdf.read_bytes()


def test_pdf_metadata_has_title_author_and_the_issue_date(pdf):
    info = run("pdfinfo", str(pdf))
    assert re.search(r"^Title:\s+山西省乡村振兴简报 2023 年第 7 期（总第 62 期）：晋中市", info, re.M)
    assert re.search(r"^Author:\s+山西省乡村振兴局$", info, re.M)
    assert re.search(r"^CreationDate:.*2023", info, re.M)


# --- write_issue_files ----------------------------------------------------------


def fake_pdf(html: str, dest: Path, base_url: Path | None = None) -> None:
    dest.write_bytes(b"%PDF-fake " + str(os.getpid()).encode())


def test_issue_files_are_written_beside_the_issue_page(issue_files, view):
    for suffix in (".html", ".docx", ".pdf"):
        path = issue_files[suffix]
        assert path.as_posix().endswith(f"briefings/sxxczx/2023/007/{SAMPLE_STEM}{suffix}")
    assert issue_files[".pdf"].read_bytes().startswith(b"%PDF-")


def test_unchanged_issue_reuses_the_cached_pdf(site, render_context, view, tmp_path, monkeypatch):
    one = dataclasses.replace(site, issues=[view])
    monkeypatch.setattr(printing, "pdf_available", lambda: (True, ""))
    calls = []
    monkeypatch.setattr(printing, "write_pdf", lambda html, dest, base_url=None: (calls.append(dest), fake_pdf(html, dest)))
    for _ in range(2):
        printing.write_issue_files(one, render_context, tmp_path / "site", pdf=True, cache_dir=tmp_path / "cache", report=Report())
    assert len(calls) == 1
    key = tmp_path / "cache" / "pdf" / f"{SAMPLE_STEM}.sha256"
    key.write_text("changed\n")  # as if the HTML had changed
    printing.write_issue_files(one, render_context, tmp_path / "site", pdf=True, cache_dir=tmp_path / "cache", report=Report())
    assert len(calls) == 2


def test_missing_pdf_dependencies_stop_writing_issue_files(site, render_context, view, tmp_path, monkeypatch):
    one = dataclasses.replace(site, issues=[view])
    monkeypatch.setattr(printing, "pdf_available", lambda: (False, "无法生成 PDF：缺少 X。请安装：sudo apt-get install x"))
    with pytest.raises(UsageError) as raised:
        printing.write_issue_files(one, render_context, tmp_path, pdf=True, cache_dir=tmp_path / "cache", report=Report())
    assert str(raised.value) == "无法生成 PDF：缺少 X。请安装：sudo apt-get install x"
    assert raised.value.exit_code == 2


def test_no_pdf_flag_writes_html_and_docx(site, render_context, view, tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "pdf_available", lambda: pytest.fail("not asked without --pdf"))
    written = printing.write_issue_files(dataclasses.replace(site, issues=[view]), render_context, tmp_path, pdf=False, cache_dir=tmp_path / "cache", report=Report())
    assert [p.name for p in written] == [f"{SAMPLE_STEM}.html", f"{SAMPLE_STEM}.docx"]


def test_pdfs_render_in_worker_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(printing, "write_pdf", fake_pdf)  # forked workers inherit the patch
    jobs = [printing.PdfJob(f"<p>{n}</p>", tmp_path / f"{n}.pdf", f"key{n}") for n in range(4)]
    timings = printing.render_pdfs(jobs)
    assert sorted(timings) == [job.dest for job in jobs]
    pids = {job.dest.read_bytes().split()[-1] for job in jobs}
    if (os.cpu_count() or 1) > 1 and printing._fork_context() is not None:
        assert str(os.getpid()).encode() not in pids
    assert all(job.dest.with_suffix(".sha256").read_text().split()[0] == job.key for job in jobs)
    assert all(printing._cache_hit(job) for job in jobs)  # the key file also holds the PDF's hash


# --- doctor ---------------------------------------------------------------------

FC_LIST_ALL = """\
Noto Serif CJK SC,Noto Serif CJK SC Bold
Noto Sans CJK SC
FandolFang,FandolFang R
FandolKai
FandolHei
DejaVu Sans
"""
FC_LIST_NOTO_ONLY = "Noto Serif CJK SC\nNoto Sans CJK SC\nDejaVu Sans\n"


def font_checks(monkeypatch, output: str | None) -> dict[str, doctor.Check]:
    monkeypatch.setattr(doctor, "fc_list_output", lambda: output)
    return {check.name: check for check in doctor.check_fonts(doctor.read_font_families())}


def test_doctor_finds_every_font(monkeypatch):
    checks = font_checks(monkeypatch, FC_LIST_ALL)
    assert all(check.ok for check in checks.values())
    assert checks["仿宋字体（正文）"].detail == "已安装 FandolFang"


def test_doctor_says_how_to_install_missing_fandol(monkeypatch):
    checks = font_checks(monkeypatch, FC_LIST_NOTO_ONLY)
    fang, kai = checks["仿宋字体（正文）"], checks["楷体字体（二级标题）"]
    assert not fang.ok and not kai.ok
    assert fang.fix.startswith("sudo bash scripts/install-system-deps.sh（只从 Debian 的 texlive-lang-chinese 中安装")
    assert "sudo apt-get install texlive-lang-chinese" in fang.fix
    assert checks["Noto Serif CJK SC 字体（红头、标题、加粗）"].ok


def test_doctor_says_how_to_install_missing_noto(monkeypatch):
    checks = font_checks(monkeypatch, "FandolFang\nFandolKai\n")
    serif = checks["Noto Serif CJK SC 字体（红头、标题、加粗）"]
    assert not serif.ok
    assert serif.fix == "sudo apt-get install fonts-noto-cjk"
    assert serif.format() == "✗ Noto Serif CJK SC 字体（红头、标题、加粗）：未安装（可用：Noto Serif CJK SC、Source Han Serif SC）\n    解决：sudo apt-get install fonts-noto-cjk"


def test_doctor_accepts_other_fangsong_and_kaiti_fonts(monkeypatch):
    checks = font_checks(monkeypatch, "Noto Serif CJK SC\nNoto Sans CJK SC\nFangSong,仿宋\nKaiTi,楷体\n")
    assert all(check.ok for check in checks.values())


def test_doctor_without_fontconfig(monkeypatch):
    monkeypatch.setattr(doctor, "fc_list_output", lambda: None)
    [check] = doctor.check_fonts(doctor.read_font_families())
    assert not check.ok and check.fix == "sudo apt-get install fontconfig"


def test_doctor_reports_missing_pango(monkeypatch):
    def no_pango():
        raise OSError("cannot load library 'libpango-1.0-0': libpango-1.0-0: cannot open shared object file")

    monkeypatch.setattr(doctor, "import_weasyprint", no_pango)
    check = doctor.check_weasyprint()
    assert not check.ok
    assert check.fix == "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
    assert check.detail.startswith("缺少 Pango 库：cannot load library")


def test_doctor_optional_tools_do_not_block_pdfs(monkeypatch):
    monkeypatch.setattr(doctor, "fc_list_output", lambda: FC_LIST_ALL)
    monkeypatch.setattr(doctor, "find_chromium", lambda: None)
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    checks = doctor.run_checks()
    chromium = next(c for c in checks if c.name.startswith("Chromium"))
    assert not chromium.ok and chromium.optional and chromium.fix == "sudo apt-get install chromium"
    assert {c.fix for c in checks if c.name.startswith(("pdftotext", "pdffonts"))} == {"sudo apt-get install poppler-utils"}
    assert [c.fix for c in checks if c.name.startswith("soffice")] == ["sudo apt-get install libreoffice-writer"]  # Word file test only
    assert doctor.missing(checks) == []
    assert doctor.format_checks(checks).endswith("必需的系统依赖齐全，可以生成 PDF。")


def test_pdf_available_names_the_packages_to_install(monkeypatch):
    monkeypatch.setattr(doctor, "fc_list_output", lambda: "Noto Sans CJK SC\nFandolFang\nFandolKai\n")
    ok, message = printing.pdf_available()
    assert not ok
    assert message == (
        "无法生成 PDF：缺少 Noto Serif CJK SC 字体（红头、标题、加粗）。"
        "请安装：sudo apt-get install fonts-noto-cjk。运行 jianbao doctor 可查看全部检查结果；"
        "不需要 PDF 时用 jianbao build --no-pdf 构建。"
    )


# --- a build that cannot make PDFs stops (issue 15, item 8) ----------------------

NO_PANGO = "无法生成 PDF：缺少 WeasyPrint 与 Pango（生成 PDF）。请安装：sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0。"


def test_build_without_pdf_dependencies_stops_with_exit_2(repo_root, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.commands.cli import main

    monkeypatch.setattr(printing, "pdf_available", lambda: (False, NO_PANGO))
    site_dir = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--project", str(repo_root), "--site-dir", str(site_dir)])
    assert result.exit_code == 2, result.output
    assert f"错误：{NO_PANGO}" in result.output
    assert not site_dir.exists()  # stopped before anything was written


@pytest.mark.e2e
def test_build_with_no_pdf_needs_no_pdf_dependencies(repo_root, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.commands.cli import main

    monkeypatch.setattr(printing, "pdf_available", lambda: pytest.fail("--no-pdf must not ask for PDF dependencies"))
    site_dir = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--project", str(repo_root), "--site-dir", str(site_dir), "--no-pdf"])
    assert result.exit_code == 0, result.output
    issue = site_dir / "briefings/sxxczx/2023/007"
    assert (issue / f"{SAMPLE_STEM}.html").is_file() and (issue / f"{SAMPLE_STEM}.docx").is_file()  # the .docx needs no system fonts
    assert not (issue / f"{SAMPLE_STEM}.pdf").exists()
    page = (issue / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{SAMPLE_STEM}.docx">Word 文档</a>' in page and f"{SAMPLE_STEM}.pdf" not in page
