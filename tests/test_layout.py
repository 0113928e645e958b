"""The layout as a reader sees it, measured in Chromium by element boxes (not pixels).

Phone (390 px) and desktop (1280 px): the issue page and its 报尾, charts, the indicator and
region tables.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ISSUE = "briefings/sxxczx/2023/007/"

# Line boxes of an element's text: one per line it occupies (a Range's client rects, merged by line).
LINES = """
(element) => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const tops = [];
  for (const rect of range.getClientRects()) {
    if (rect.width < 1) continue;
    if (!tops.some(top => Math.abs(top - rect.top) < rect.height / 2)) tops.push(rect.top);
  }
  return tops.length;
}
"""

# The widest advance of any character in the sheet's paragraphs, in em: justification stretches
# characters' advances (the gaps around Latin digits); ragged text keeps them at their natural width.
WIDEST_ADVANCE = """
() => {
  let widest = 0, where = "";
  for (const p of document.querySelectorAll(".jb-sheet article p")) {
    const size = parseFloat(getComputedStyle(p).fontSize);
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (rects.length !== 1) continue;  // a character at a line break
        const limit = text[i] === " " ? 0.5 : 1.05;  // a space, a full-width character
        const ratio = rects[0].width / size / limit;
        if (ratio > widest) { widest = ratio; where = text.slice(Math.max(0, i - 4), i + 5); }
      }
    }
  }
  return [widest, where];
}
"""

# The smallest chart text on screen, in CSS pixels: font size times the SVG's scale.
SMALLEST_CHART_TEXT = """
() => {
  let smallest = Infinity;
  for (const text of document.querySelectorAll(".jb-chart svg text")) {
    if (!text.getClientRects().length || !text.textContent.trim()) continue;  // hidden twin
    const size = parseFloat(getComputedStyle(text).fontSize);
    const matrix = text.getScreenCTM();
    smallest = Math.min(smallest, size * Math.hypot(matrix.a, matrix.b));
  }
  return smallest;
}
"""


@pytest.fixture(params=[390, 1280], ids=["phone", "desktop"])
def page(request, chromium):
    page = chromium.new_page(viewport={"width": request.param, "height": 900})
    yield page
    page.close()


def open_page(page, base: str, path: str):
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    return page


def lines(page, selector: str) -> int:
    return page.locator(selector).first.evaluate(LINES)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_masthead_issuer_and_date_are_never_broken(served_sample, page):
    open_page(page, served_sample, ISSUE)
    assert lines(page, ".jb-masthead") == 1
    assert page.locator(".jb-masthead").inner_text().replace("\n", "") == "山西省乡村振兴简报"
    assert lines(page, ".jb-issuer") == 1 and lines(page, ".jb-date") == 1
    issuer, date = box(page, ".jb-issuer"), box(page, ".jb-date")
    sheet = box(page, ".jb-issuer-line")
    # the date stays right-aligned, beside the issuer or under it
    assert abs((date["x"] + date["width"]) - (sheet["x"] + sheet["width"])) < 2
    assert date["x"] >= issuer["x"] + issuer["width"] + 8 or date["y"] >= issuer["y"] + issuer["height"] - 1


def test_printed_line_keeps_unit_and_date_apart(served_sample, page):
    open_page(page, served_sample, ISSUE)
    unit, date = page.locator(".jb-printed > span").nth(0), page.locator(".jb-printed > span").nth(1)
    assert unit.evaluate(LINES) == 1 and date.evaluate(LINES) == 1
    assert date.inner_text().endswith("印发") and date.inner_text().startswith("2023年3月31日")
    u, d = unit.bounding_box(), date.bounding_box()
    assert d["x"] >= u["x"] + u["width"] + 8 or d["y"] >= u["y"] + u["height"] - 1


def test_body_text_has_no_stretched_gaps(served_sample, chromium):
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    try:
        open_page(page, served_sample, ISSUE)
        widest, where = page.evaluate(WIDEST_ADVANCE)
        assert widest <= 1.0, f"stretched around «{where}»"
        # The measure sees justification: the same page justified has stretched characters.
        page.add_style_tag(content=".jb-sheet p { text-align: justify !important; }")
        assert page.evaluate(WIDEST_ADVANCE)[0] > 1.0
    finally:
        page.close()


@pytest.mark.parametrize("path", [ISSUE, "regions/山西省/晋中市/", "cases/jinzhong-six-focus/"])
def test_chart_text_is_legible_and_the_page_does_not_scroll_sideways(served_sample, page, path):
    open_page(page, served_sample, path)
    assert page.locator(".jb-chart").count() > 0
    assert page.evaluate(SMALLEST_CHART_TEXT) >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_indicator_definitions_keep_ids_and_units_whole(served_sample, page):
    open_page(page, served_sample, "indicators/")
    rows = page.locator(".jb-indicator-table").first.locator("tbody tr")
    assert rows.count() >= 15
    for i in range(rows.count()):
        row = rows.nth(i)
        assert row.locator(".jb-id").evaluate(LINES) == 1, row.locator(".jb-id").inner_text()
        assert row.locator(".jb-unit-cell").evaluate(LINES) == 1, row.locator(".jb-unit-cell").inner_text()


def test_region_table_numbers_are_padded_and_right_aligned(served_sample, page):
    open_page(page, served_sample, "regions/山西省/晋中市/")
    table = page.locator(".jb-indicator-table").first
    cells = table.locator("tbody tr").first.locator("td.jb-num")
    assert cells.count() >= 3
    style = cells.first.evaluate("c => [getComputedStyle(c).textAlign, parseFloat(getComputedStyle(c).paddingLeft), parseFloat(getComputedStyle(c).paddingRight)]")
    assert style[0] == "right" and style[1] >= 6 and style[2] >= 6
    # The text of neighbouring cells never runs together, and each cell's number is on one line.
    texts = [cells.nth(i).evaluate("c => { const r = document.createRange(); r.selectNodeContents(c); const b = r.getBoundingClientRect(); return [b.left, b.right]; }")
             for i in range(cells.count())]
    assert all(right + 12 <= left for (_, right), (left, _) in zip(texts, texts[1:]))
    for i in range(table.locator("td.jb-num").count()):
        assert table.locator("td.jb-num").nth(i).evaluate(LINES) == 1
    # decimals per unit: 万元 two, % one
    rows = {row.locator("th").inner_text(): row.locator("td").all_inner_texts() for row in table.locator("tbody tr").all()}
    assert all(len(v.split(".")[1]) == 2 for v in rows["集体经济总收入中位数（万元）"] if v != "—")
    assert all(len(v.split(".")[1]) == 1 for v in rows["集体经济收入20万元以上的行政村占比（%）"] if v != "—")


def test_missing_page_says_so_in_chinese(served_sample, page):
    open_page(page, served_sample, "404.html")
    assert page.locator("h1").first.inner_text() == "页面不存在"
    assert "Not found" not in page.content()
    assert page.locator("article a", has_text="返回首页").get_attribute("href") == "/."
