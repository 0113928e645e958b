"""jianbao edit in a real browser (Playwright + Chromium) against the real server (uvicorn on 127.0.0.1).

Issue 14's acceptance: a new issue with a case article and an inline article, saved and compared
as YAML; one field of a commented file changed → one line of diff; a wrong value shows its message
at the field; a stale save is refused; foreign Host and cross-origin posts are refused; path
traversal in /edit/… is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import http.client
import http.server
import socket
import threading
import time
from pathlib import Path

import pytest

from generator.config import Settings
from generator.editor.roundtrip import load_plain

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
ISSUE = "briefings/2023/007.yml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def editor(sample: Path):
    """`jianbao edit` on a copy of the sample project: (base URL, project folder)."""
    from generator.commands.edit import edit

    port, stop = free_port(), threading.Event()
    thread = threading.Thread(target=edit, args=(Settings.create(sample), port), kwargs={"stop": stop}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    yield base, sample
    stop.set()
    thread.join(timeout=10)


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A live check still under way when the page goes (a save) is aborted: that is not a failure.
    page.on("requestfailed", lambda request: request.failure == "net::ERR_ABORTED" or errors.append(f"failed: {request.url}"))
    yield page
    context.close()
    assert errors == []


def type_into(page, selector: str, text: str) -> None:
    """Fill a field as a reader types Chinese: the IME's commit, then a key press and release."""
    page.fill(selector, text)
    page.press(selector, "End")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_new_issue_with_a_case_article_and_an_inline_article(editor, page):
    base, project = editor
    page.goto(base + "/")
    page.fill('input[name="date"]', "2023-04-20")
    page.get_by_role("button", name="新建一期").click()
    page.wait_for_url("**/edit/briefings/2023/008.yml?created=1")
    assert page.input_value('[name="number"]') == "8" and page.input_value('[name="total"]') == "63"
    type_into(page, '[name="articles.0.title"]', "某某县扎实推进村级集体经济发展")
    type_into(page, '[name="articles.0.body"]', "**上下联动、高位推动。**县里成立工作专班。\n\n统筹推进各项工作。")
    page.get_by_role("button", name="添加文章：引用典型案例").click()
    page.wait_for_selector('[name="articles.1.case"]')
    type_into(page, '[name="articles.1.case"]', "county-six-moves")
    page.get_by_role("button", name="文章第 2 项上移").click()  # the case first
    page.wait_for_selector('[name="articles.0.case"]')
    assert page.input_value('[name="articles.1.title"]') == "某某县扎实推进村级集体经济发展"
    type_into(page, '[name="copies"]', "150")
    page.select_option('[name="draft"]', "false")
    page.wait_for_function("document.getElementById('check-state').textContent === '检查通过'")
    page.click('button[name="save"]')
    page.wait_for_url("**/edit/briefings/2023/008.yml?saved=1")
    assert "已保存到 content/briefings/2023/008.yml" in page.text_content("main")
    saved = load_plain((project / "content/briefings/2023/008.yml").read_text(encoding="utf-8"))
    assert saved["articles"] == [
        {"case": "county-six-moves"},
        {"title": "某某县扎实推进村级集体经济发展", "body": "**上下联动、高位推动。**县里成立工作专班。\n\n统筹推进各项工作。\n"},
    ]
    assert (saved["number"], saved["total"], saved["date"], saved["draft"], saved["copies"]) == (8, 63, dt.date(2023, 4, 20), False, 150)
    from generator.build import check

    check(Settings.create(project))  # the project as a whole passes `jianbao check`


def test_one_field_of_a_commented_file_is_one_line_of_diff(editor, page):
    base, project = editor
    file = project / "content" / ISSUE
    before = file.read_text(encoding="utf-8")
    assert before.count("#") >= 3  # the sample issue is commented
    page.goto(f"{base}/edit/{ISSUE}")
    type_into(page, '[name="distribution.1.to.1"]', "省委、省政府副秘书长")
    page.click('button[name="save"]')
    page.wait_for_url("**?saved=1")
    assert changed_lines(before, file.read_text(encoding="utf-8")) == [
        "-      - 省委、省政府分管副秘书长", "+      - 省委、省政府副秘书长"]


def test_a_wrong_value_shows_its_message_at_the_field(editor, page):
    base, _ = editor
    page.goto(f"{base}/edit/{ISSUE}")
    start = time.perf_counter()
    type_into(page, '[name="number"]', "七")
    slot = page.locator('[id="problem-number"]')
    slot.wait_for(state="visible")
    assert slot.text_content() == "错误：“number”应为整数，实际为“七”"
    assert page.get_attribute('[name="number"]', "aria-invalid") == "true"
    assert time.perf_counter() - start < 5  # the budget (0.3 s) is measured in benchmarks/bench_editor.py
    page.press('[name="number"]', "Enter")  # neither saves nor adds the first list's item
    page.wait_for_timeout(300)
    assert page.url == f"{base}/edit/{ISSUE}" and page.locator('[name="classification.0"]').count() == 0
    type_into(page, '[name="number"]', "7")
    slot.wait_for(state="hidden")
    assert page.text_content("#check-state") == "检查通过"


def test_a_stale_save_is_refused(editor, page):
    base, project = editor
    file = project / "content" / ISSUE
    page.goto(f"{base}/edit/{ISSUE}")
    type_into(page, '[name="printed_by"]', "我在表单里改的")
    changed = file.read_text(encoding="utf-8") + "copies: 300\n"
    file.write_text(changed, encoding="utf-8")
    page.click('button[name="save"]')
    page.wait_for_selector("#h-stale")
    assert "没有保存：文件在你打开表单之后被修改过" in page.text_content("#h-stale")
    assert file.read_text(encoding="utf-8") == changed
    assert page.input_value('[name="printed_by"]') == "我在表单里改的"


def test_preview_shows_the_printed_issue(editor, page):
    base, _ = editor
    page.goto(f"{base}/edit/{ISSUE}")
    type_into(page, '[name="printed_by"]', "预览中的印发单位")
    page.get_by_role("button", name="预览").click()
    frame = page.frame_locator("#preview-frame")
    frame.locator("text=预览中的印发单位").wait_for()
    assert "山西省乡村振兴" in frame.locator("body").text_content()


def raw_request(base: str, method: str, path: str, headers: dict[str, str], body: str = "") -> tuple[int, str]:
    """A request exactly as written: no client-side normalisation of the path or the Host."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    data = body.encode("utf-8")
    connection.putheader("Content-Length", str(len(data)))
    if body:
        connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.endheaders(data)
    response = connection.getresponse()
    text = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, text


def test_foreign_host_and_cross_origin_posts_are_refused(editor, page):
    base, project = editor
    file = project / "content" / ISSUE
    before = file.read_bytes()
    host = base.removeprefix("http://")
    status, text = raw_request(base, "GET", "/", {"Host": "attacker.example"})
    assert status == 403 and "只接受发往 127.0.0.1 或 localhost 的请求" in text
    page.goto(f"{base}/edit/{ISSUE}")
    token = page.get_attribute('meta[name="jianbao-token"]', "content")
    digest = page.input_value('[name="_digest"]')
    body = f"_token={token}&_digest={digest}&_raw=series%3A+x%0A&save=1"
    status, text = raw_request(base, "POST", f"/edit/{ISSUE}", {"Host": host, "Origin": "http://attacker.example"}, body)
    assert status == 403 and "拒绝：请求来自其他网站" in text
    status, _ = raw_request(base, "POST", f"/edit/{ISSUE}", {"Host": "rebound.attacker.example"}, body)
    assert status == 403
    status, text = raw_request(base, "POST", f"/edit/{ISSUE}", {"Host": host}, body.replace(token, "stolen"))
    assert status == 403 and "令牌" in text
    assert file.read_bytes() == before
    # The same from a page of another site in the browser (another port is another origin).
    attacker = (f'<form method="post" action="{base}/edit/{ISSUE}"><input name="_token" value="{token}">'
                f'<input name="_digest" value="{digest}"><input name="_raw" value="series: x">'
                f'<input name="save" value="1"><button>go</button></form>').encode("utf-8")
    with other_site(attacker) as url:
        page.goto(url)
        with page.expect_navigation():
            page.click("button")
        assert "拒绝：请求来自其他网站" in page.text_content("body")
    assert file.read_bytes() == before


@contextlib.contextmanager
def other_site(html: bytes):
    """A page served from another origin (127.0.0.1 on another port)."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", [
    "/edit/../../etc/passwd",
    "/edit/../mkdocs.yml",
    "/edit/%2e%2e/%2e%2e/mkdocs.yml",
    "/edit/briefings/2023/..%2f..%2f..%2fmkdocs.yml",
    "/edit//etc/passwd",
    "/edit/cases/%00.yml",
    "/static/../app.py",
    "/static/%2e%2e/app.py",
])
def test_path_traversal_is_refused(editor, path):
    base, _ = editor
    status, text = raw_request(base, "GET", path, {"Host": base.removeprefix("http://")})
    assert status in (400, 404), (status, text[:200])
    assert "root:" not in text and "site_name" not in text and "def create_app" not in text


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("where", ["/", f"/edit/{ISSUE}", "/edit/cases/jinzhong-six-focus.yml", "/edit/series.yml", "/edit/pages/about.md"])
def test_editor_pages_have_no_wcag_violations(editor, chromium, where, width):
    from test_a11y import violations

    base, _ = editor
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(base + where)
    if where != "/":
        type_into(page, "input[type=text]:not([readonly]), textarea", "七")  # a problem shown at its field is part of the page too
        page.wait_for_selector(".problem:not([hidden]), #check-state:text('检查通过')")
    assert violations(page) == []
    context.close()
