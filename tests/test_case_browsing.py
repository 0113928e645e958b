"""Case browsing on the cases index in Chromium: facets combine, counts follow the selection,
the selection is in the address, and without JS the single-facet pages remain."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def chips(page, kind: str) -> dict[str, str]:
    """Label → count of the chips of one facet, as shown."""
    found = {}
    for chip in page.locator(f"#jb-facets button.jb-chip[data-kind='{kind}']").all():
        count = chip.locator(".jb-count")
        label = chip.inner_text()
        number = count.inner_text() if count.count() else ""
        found[label[: len(label) - len(number)].strip() if number else label.strip()] = number
    return found


def pressed(page, kind: str) -> list[str]:
    return [c.get_attribute("data-value") for c in page.locator(f"#jb-facets button.jb-chip[data-kind='{kind}'][aria-pressed='true']").all()]


def titles(page) -> list[str]:
    return page.locator("#jb-facets .jb-facet-results strong").all_inner_texts()


@pytest.fixture
def page(chromium):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    yield page
    page.close()


def test_facets_combine_with_counts_within_the_selection(served_sample, page):
    page.goto(served_sample + "cases/")
    assert page.locator("#jb-facets").is_visible() and not page.locator(".jb-static-list").is_visible()
    assert chips(page, "region") == {"全部": "", "山西省": "1", "晋中市": "1", "某省": "1", "某市": "1"}
    assert len(titles(page)) == 2
    page.locator("#jb-facets button.jb-chip[data-kind='model'][data-value='six-practical-moves']").click()
    assert page.evaluate("location.hash") == "#model=six-practical-moves"
    assert titles(page) == ["某县“消薄”六项实招 助力村集体经济“提速换挡”"]
    # counts within the selection: the other province has no case of this model
    assert chips(page, "region") == {"全部": "", "某省": "1", "某市": "1"}
    assert page.locator("#jb-facets .jb-facet-status").inner_text() == "发展模式“六项实招”：共 1 个案例"
    page.locator("#jb-facets button.jb-chip[data-kind='region'][data-value='某省']").click()
    assert pressed(page, "region") == ["某省"] and pressed(page, "model") == ["six-practical-moves"]
    assert page.evaluate("decodeURIComponent(location.hash)") == "#model=six-practical-moves&region=某省"
    # the selection is focused again after the chips are redrawn (keyboard users stay in place)
    assert page.evaluate("document.activeElement.getAttribute('data-value')") == "某省"
    # region chips open down the hierarchy: a city's counties show once the city is chosen
    assert "某市 / 某县" not in chips(page, "region")
    page.locator("#jb-facets button.jb-chip[data-kind='region'][data-value='某省/某市']").click()
    assert list(chips(page, "region")) == ["全部", "某省", "某市", "某市 / 某县"]
    page.go_back()
    assert pressed(page, "region") == ["某省"]
    page.go_back()
    assert pressed(page, "region") == [""] and pressed(page, "model") == ["six-practical-moves"]


def test_the_selection_in_the_address_opens_as_it_was(served_sample, page):
    page.goto(served_sample + "cases/#tag=%E6%B6%88%E8%96%84&model=six-practical-moves")
    assert pressed(page, "tag") == ["消薄"] and pressed(page, "model") == ["six-practical-moves"]
    assert titles(page) == ["某县“消薄”六项实招 助力村集体经济“提速换挡”"]
    page.locator("#jb-facets button.jb-chip[data-kind='model'][data-value='']").click()  # 全部
    assert page.evaluate("decodeURIComponent(location.hash)") == "#tag=消薄" and len(titles(page)) == 1
    page.locator("#jb-facets button.jb-chip[data-kind='tag'][data-value='']").click()
    assert page.evaluate("location.hash") == "" and len(titles(page)) == 2


def test_a_hostile_address_selects_nothing(served_sample, page):
    page.goto(served_sample + "cases/#model=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&%E0%A4%A=1")
    assert titles(page) == [] and page.locator("#jb-facets img").count() == 0
    assert page.locator("#jb-facets .jb-facet-status").inner_text().endswith("共 0 个案例")


def test_without_js_the_single_facet_pages_remain(served_sample, chromium):
    context = chromium.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served_sample + "cases/")
        assert not page.locator("#jb-facets").is_visible()
        assert page.locator(".jb-static-list .jb-filter a").count() > 10
        page.locator(".jb-static-list a", has_text="六项实招").first.click()
        assert page.url.endswith("/cases/model/six-practical-moves/")
        assert page.locator(".jb-cards strong").all_inner_texts() == ["某县“消薄”六项实招 助力村集体经济“提速换挡”"]
    finally:
        context.close()
