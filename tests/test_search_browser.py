"""Search in headless Chromium: the header combobox and the search page, over HTTP and from
file://, on the site MkDocs builds and on the same generated docs built by Zensical."""

from __future__ import annotations

import functools
import re
import http.server
import os
import shutil
import subprocess
import sys
import threading
import urllib.parse
from pathlib import Path

import pytest
from conftest import copy_sample

from generator.build import build
from generator.config import Settings

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu"]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_sample(tmp_path_factory.mktemp("search-e2e") / "project")
    build(Settings.create(project, pdf=False))
    build(Settings.create(project, pdf=False, offline=True, site_dir=project / "offline"))
    return project


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"没有 Chromium（{CHROMIUM}）")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D401 - no request log in the test output
        pass


@pytest.fixture(scope="module")
def served(project):
    handler = functools.partial(_Quiet, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def open_page(browser, url: str, javascript: bool = True):
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if request.url.startswith(("http://", "https://")) and "127.0.0.1" not in request.url else None)
    page.goto(url)
    return page, errors, outside


def type_query(page, query: str):
    page.keyboard.press("/")
    page.keyboard.type(query)  # key by key, as a reader types
    page.wait_for_selector("#jb-search-listbox [role=option]", timeout=10_000)
    return page.locator("#jb-search-listbox [role=option]")


def _body_word_queries():
    return [("清化收", "briefings/sxxczx/2023/007"), ("平遥牛肉", "cases/jinzhong-six-focus"), ("五学联动", "cases/jinzhong-six-focus"),
            ("强村公司", "cases/county-six-moves")]


def check_header_search(browser, url: str, file_url: bool):
    page, errors, outside = open_page(browser, url)
    index_requests: list[str] = []
    page.on("request", lambda request: index_requests.append(request.url) if "/search/" in request.url else None)
    page.wait_for_timeout(300)
    assert index_requests == []  # nothing of the index loads before the box is used
    page.keyboard.press("/")
    page.wait_for_function("() => window.JBS && document.activeElement.id === 'jb-search-input'")
    page.wait_for_timeout(300)
    assert any(u.endswith("search/meta.js") for u in index_requests), index_requests  # from file:// too: script tags
    for query, target in _body_word_queries():
        page.goto(url)
        options = type_query(page, query)
        hrefs = [options.nth(i).get_attribute("href") for i in range(options.count())]
        assert any(target in urllib.parse.unquote(h) for h in hrefs), (query, hrefs)
        first = options.nth(0)
        assert first.locator("mark").first.inner_text() == query  # the matched sentence, highlighted
        assert first.locator(".jb-search-result__kind").inner_text() in {"简报", "案例", "发展模式", "地区", "页面"}
    assert errors == [] and outside == []
    return page


def test_header_search_over_http(browser, served):
    page = check_header_search(browser, served + "cases/", file_url=False)
    box = page.locator("#jb-search-input")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "true"
    assert page.locator("#jb-search-listbox").get_attribute("role") == "listbox"
    assert page.locator("#jb-search-listbox > a[role=option]").count() >= 1


def test_header_search_from_file_url(browser, project):
    check_header_search(browser, (project / "offline" / "cases" / "index.html").as_uri(), file_url=True)


def test_keyboard_arrows_enter_and_escape(browser, served):
    page, errors, _ = open_page(browser, served)
    options = type_query(page, "集体经济")
    box = page.locator("#jb-search-input")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    second = options.nth(1)
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    assert page.locator(".jb-search__panel").is_hidden()
    page.keyboard.press("ArrowDown")  # opens again
    page.keyboard.press("ArrowDown")
    target = options.nth(0).get_attribute("href")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == urllib.parse.urljoin(served, target)
    assert errors == []


def test_enter_without_a_choice_opens_the_search_page(browser, served):
    page, _, _ = open_page(browser, served + "about/")
    type_query(page, "清化收")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urllib.parse.unquote(page.url) == served + "search/?q=清化收"
    page.wait_for_selector(".jb-search-page-result")


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_page_is_bookmarkable(browser, served, project, where):
    base = served + "search/" if where == "http" else (project / "offline" / "search" / "index.html").as_uri()
    page, errors, _ = open_page(browser, base + "?q=" + urllib.parse.quote("强村公司"))
    page.wait_for_selector(".jb-search-page-result")
    assert page.locator("#jb-search-page-input").input_value() == "强村公司"
    results = page.locator(".jb-search-page-result a")
    assert any("county-six-moves" in (results.nth(i).get_attribute("href") or "") for i in range(results.count()))
    page.fill("#jb-search-page-input", "清化收")
    page.wait_for_function("() => location.search.includes(encodeURIComponent('清化收'))")
    assert errors == []


def test_chips_narrow_the_results(browser, served):
    page, _, _ = open_page(browser, served + "search/?q=" + urllib.parse.quote("集体经济"))
    page.wait_for_selector(".jb-search-page-result")
    page.locator(".jb-search-chip", has_text="案例").click()
    page.wait_for_function("() => document.querySelector('.jb-search-chip[aria-pressed=true]')")
    page.wait_for_selector(".jb-search-page-result")
    kinds = page.locator(".jb-search-page-result .jb-search-result__kind").all_inner_texts()
    assert kinds and set(kinds) == {"案例"}


def test_without_javascript_the_box_is_hidden_and_filters_remain(browser, served):
    page, _, _ = open_page(browser, served + "cases/", javascript=False)
    assert page.locator("[data-jb-search]").is_hidden()
    assert page.locator(".jb-filters a").count() > 3
    page.goto(served + "search/")
    assert page.locator("#jb-search-page").is_hidden()
    assert "浏览典型案例" in page.locator("noscript").inner_text() or page.locator("text=浏览典型案例").count()


def test_material_search_is_off(project):
    site = project / "site"
    assert not (site / "search" / "search_index.json").exists()
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "md-search__input" not in html and "data-jb-search" in html


# --- Zensical ------------------------------------------------------------------------------


def _zensical() -> list[str] | None:
    try:
        import zensical  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "zensical"]


def test_zensical_builds_the_generated_docs_with_working_search(browser, project, tmp_path):
    command = _zensical()
    if command is None:
        pytest.skip("没有安装 Zensical 0.0.73（pip install zensical==0.0.73）：无法测试另一种引擎")
    site = project / "build" / "zensical-site"  # Zensical wants it inside the config file's folder
    config = (project / "build" / "mkdocs.yml").read_text(encoding="utf-8")  # as jianbao build wrote it
    config_file = project / "build" / "zensical.yml"
    # Zensical 0.0.73 wants both folders inside the config file's folder, given relative to it
    config = re.sub(r"^docs_dir: .*$", "docs_dir: docs", config, flags=re.M)
    config_file.write_text(re.sub(r"^site_dir: .*$", f"site_dir: {site.name}", config, flags=re.M), encoding="utf-8")
    result = subprocess.run([*command, "build", "--clean", "-f", str(config_file)], capture_output=True, text=True, timeout=600,
                            cwd=project / "build", env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert (site / "search" / "meta.js").is_file()
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/"
        page, errors, outside = open_page(browser, base + "cases/")
        options = type_query(page, "清化收")
        hrefs = [urllib.parse.unquote(options.nth(i).get_attribute("href")) for i in range(options.count())]
        assert any("briefings/sxxczx/2023/007" in h for h in hrefs), hrefs
        assert errors == []
    finally:
        server.shutdown()
        server.server_close()
    shutil.rmtree(site, ignore_errors=True)
