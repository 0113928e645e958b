"""WCAG 2.1 A/AA on every kind of page at desktop and phone width, checked by axe-core in Chromium.

axe-core comes from the npm registry (package.json devDependencies, `npm install`); the
test fails on any violation and names each rule with the elements it found.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = [1280, 390]

# Every kind of page of the site (SPEC §5), by a page of the sample.
PAGES = {
    "home": "",
    "briefings": "briefings/",
    "year": "briefings/sxxczx/2023/",
    "issue": "briefings/sxxczx/2023/007/",
    "case": "cases/jinzhong-six-focus/",
    "cases": "cases/",
    "filter": "cases/tag/消薄/",
    "model": "models/six-focus-six-solve/",
    "models": "models/",
    "province": "regions/山西省/",
    "city": "regions/山西省/晋中市/",
    "county": "regions/山西省/晋中市/榆次区/",
    "township": "regions/山西省/晋中市/榆次区/镇滩镇/",
    "regions": "regions/",
    "indicators": "indicators/",
    "page": "about/",
    "404": "404.html",
}


def violations(page) -> list[str]:
    if not AXE.is_file():
        pytest.fail("缺少 node_modules/axe-core：请先运行 npm install")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} → " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:8])
            for v in result["violations"]]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", list(PAGES))
def test_page_has_no_wcag_violations(served_sample, chromium, kind, width):
    page = chromium.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(served_sample + PAGES[kind])
        page.wait_for_load_state("networkidle")
        found = violations(page)
    finally:
        page.close()
    assert found == [], f"{kind} @ {width}px:\n" + "\n".join(found)


def test_regions_tree_opened_is_still_accessible(served_sample, chromium):
    """The regions tree with every level opened (市 → 县 → 乡镇), as a reader opens it."""
    page = chromium.new_page(viewport={"width": 390, "height": 900})
    try:
        page.goto(served_sample + "regions/")
        page.evaluate("document.querySelectorAll('.jb-tree details').forEach(d => d.open = true)")
        found = violations(page)
    finally:
        page.close()
    assert found == [], "\n".join(found)
