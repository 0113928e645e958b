"""Item 15: how each build is opened. `build --offline` opens from file:// (see test_archive); a plain
build is for a web server, and opened from a file anyway it says so and its links still work."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import build
from generator.config import Settings

pytestmark = pytest.mark.e2e

NOTE = ("提示：这是发布到网站服务器用的站点（jianbao build），直接从文件打开时搜索不能用。"
        "要从文件直接打开，请用 jianbao build --offline 生成离线站点；本机预览请运行 jianbao serve。")


def test_only_the_plain_build_carries_the_file_url_script(mini, tmp_path):
    build(Settings.create(mini, tmp_path / "plain", pdf=False))
    build(Settings.create(mini, tmp_path / "offline", offline=True, pdf=False))
    assert "assets/javascripts/file-url.js" in (tmp_path / "plain/index.html").read_text(encoding="utf-8")
    assert "file-url.js" not in (tmp_path / "offline/index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_plain_build_opened_from_a_file_says_so_and_links_open_pages(mini, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("需要 chromium（sudo apt-get install chromium）")
    build(Settings.create(mini, pdf=False))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page()
        page.goto((mini / "site" / "index.html").as_uri())
        note = page.locator(".jb-file-note").inner_text()
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
        page.locator("a[href='briefings/index.html']").first.click()  # "briefings/" in the built page
        landed = page.url
        title = page.title()
        browser.close()
    assert note == NOTE
    assert not [h for h in hrefs if h.endswith("/") and not h.startswith(("http:", "https:"))]
    assert "briefings/" in (mini / "site/index.html").read_text(encoding="utf-8")
    assert landed.endswith("/site/briefings/index.html") and "简报" in title
