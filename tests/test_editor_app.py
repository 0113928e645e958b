"""jianbao edit, through Starlette's test client: forms, saves, live checks, security (SPEC §7).

The same app the browser tests drive (tests/test_editor_browser.py), without a browser: every
request goes through the Host/Origin guard and the token check.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from formfields import form_fields
from generator.config import Settings
from generator.editor.app import create_app
from generator.editor.paths import PathRefused, content_path
from generator.editor.roundtrip import load_plain
from test_import import SHORT

ISSUE = "briefings/2023/007.yml"
BASE = "http://127.0.0.1:8001"


@pytest.fixture
def client(sample: Path) -> TestClient:
    return TestClient(create_app(Settings.create(sample)), base_url=BASE)


def open_form(client: TestClient, rel: str = ISSUE) -> dict[str, str]:
    response = client.get(f"/edit/{rel}")
    assert response.status_code == 200, response.text[:500]
    return form_fields(response.text)


def save(client: TestClient, fields: dict[str, str], rel: str = ISSUE, value: str = "1", **kw):
    return client.post(f"/edit/{rel}", data={**fields, "save": value}, follow_redirects=False, **kw)


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def token_of(client: TestClient) -> str:
    return re.search(r'name="jianbao-token" content="([^"]+)"', client.get("/").text).group(1)


# ---------------------------------------------------------------- the contract's names

def test_issue_form_names_fields_by_their_yaml_paths(client):
    html = client.get(f"/edit/{ISSUE}").text
    fields = form_fields(html)
    for name in ("series", "year", "number", "total", "date", "draft", "articles.0.case", "distribution.0.label",
                 "distribution.1.to.0", "distribution.1.to.3", "printed_by", "printed_date", "_token", "_digest"):
        assert name in fields, name
    assert fields["printed_by"] == "山西省乡村振兴局综合处" and fields["number"] == "7" and fields["date"] == "2023-03-31"
    assert re.search(r'<button[^>]*name="save"', html)


def test_series_form_is_a_list(client):
    fields = open_form(client, "series.yml")
    assert fields["0.id"] == "sxxczx" and fields["0.name"] == "山西省乡村振兴简报" and fields["0.masthead.1"] == "简报"


def test_case_and_model_forms(client):
    case = open_form(client, "cases/jinzhong-six-focus.yml")
    assert case["id"] == "jinzhong-six-focus" and "sections.0.heading" in case and "highlights.0.value" in case
    assert "sections.0.points.0.lead" in case
    model = open_form(client, "models/six-focus-six-solve.yml")
    assert "items.0.name" in model and "items.0.subtitle" in model


# ---------------------------------------------------------------- saving

def test_saving_an_unchanged_form_changes_nothing(client, sample):
    for rel in (ISSUE, "cases/jinzhong-six-focus.yml", "cases/county-six-moves.yml", "models/six-focus-six-solve.yml", "series.yml"):
        before = (sample / "content" / rel).read_bytes()
        response = save(client, open_form(client, rel), rel)
        assert response.status_code == 303, response.text[:800]
        assert (sample / "content" / rel).read_bytes() == before, rel


def test_one_changed_field_changes_one_line(client, sample):
    file = sample / "content" / ISSUE
    before = file.read_text(encoding="utf-8")
    fields = open_form(client)
    fields["printed_by"] = "山西省乡村振兴局办公室"
    response = save(client, fields)
    assert response.status_code == 303 and response.headers["location"] == f"/edit/{ISSUE}?saved=1"
    assert changed_lines(before, file.read_text(encoding="utf-8")) == [
        "-printed_by: 山西省乡村振兴局综合处", "+printed_by: 山西省乡村振兴局办公室"]
    page = client.get(response.headers["location"]).text
    assert "已保存到 content/briefings/2023/007.yml" in page


def test_an_empty_optional_field_is_not_written_and_a_new_one_lands_in_order(client, sample):
    file = sample / "content" / ISSUE
    before = file.read_text(encoding="utf-8")
    fields = open_form(client)
    fields["copies"] = "150"
    fields["editor"] = "  "
    assert save(client, fields).status_code == 303
    after = file.read_text(encoding="utf-8")
    assert changed_lines(before, after) == ["+copies: 150"]
    assert load_plain(after)["copies"] == 150 and "editor" not in load_plain(after)


def test_a_list_item_added_and_removed(client, sample):
    file = sample / "content" / ISSUE
    fields = open_form(client)
    fields["distribution.1.to.4"] = "各县乡村振兴局"
    assert save(client, fields).status_code == 303
    assert load_plain(file.read_text(encoding="utf-8"))["distribution"][1]["to"][-1] == "各县乡村振兴局"
    fields = open_form(client)
    del fields["distribution.0.label"], fields["distribution.0.to.0"]
    fields = {re.sub(r"^distribution\.1\.", "distribution.0.", k): v for k, v in fields.items()}
    assert save(client, fields).status_code == 303
    assert [group["label"] for group in load_plain(file.read_text(encoding="utf-8"))["distribution"]] == ["送"]


def test_list_actions_rebuild_the_form_without_saving(client, sample):
    file = sample / "content" / ISSUE
    before = file.read_bytes()
    fields = open_form(client)
    page = client.post(f"/edit/{ISSUE}", data={**fields, "_action": "add:articles:text"}).text
    added = form_fields(page)
    assert added["articles.1._kind"] == "text" and added["articles.1.title"] == "" and "articles.1.body" in added
    moved = form_fields(client.post(f"/edit/{ISSUE}", data={**added, "articles.1.title": "新文章", "_action": "up:articles.1"}).text)
    assert moved["articles.0.title"] == "新文章" and moved["articles.1.case"] == "jinzhong-six-focus"
    removed = client.post(f"/api/form/{ISSUE}", data={**moved, "_action": "remove:articles.0"}).json()
    assert 'name="articles.0.case"' in removed["html"] and "articles.1" not in removed["html"]
    assert file.read_bytes() == before
    refused = client.post(f"/edit/{ISSUE}", data={**fields, "_action": "add:nonsense"})
    assert refused.status_code == 400 and "没有“nonsense”这一栏" in refused.text


def test_typed_values_are_kept_even_when_they_are_wrong(client, sample):
    """Nothing typed is lost: a published file with an error asks first; 仍然保存 writes it as typed."""
    file = sample / "content" / ISSUE
    fields = open_form(client)
    fields["number"] = "七"
    asked = save(client, fields)
    assert asked.status_code == 422
    assert "还有 1 个错误：这个文件不是草稿" in asked.text and form_fields(asked.text)["number"] == "七"
    assert load_plain(file.read_text(encoding="utf-8"))["number"] == 7
    assert save(client, fields, value="anyway").status_code == 303
    assert load_plain(file.read_text(encoding="utf-8"))["number"] == "七"


def test_save_as_draft(client, sample):
    file = sample / "content" / ISSUE
    fields = open_form(client)
    fields["articles.0.case"] = "no-such-case"
    assert save(client, fields, value="draft").status_code == 303
    saved = load_plain(file.read_text(encoding="utf-8"))
    assert saved["draft"] is True and saved["articles"][0]["case"] == "no-such-case"


def test_a_stale_save_is_refused_and_shows_both_versions(client, sample):
    file = sample / "content" / ISSUE
    fields = open_form(client)
    other = file.read_text(encoding="utf-8") + "copies: 300\n"
    file.write_text(other, encoding="utf-8")
    fields["printed_by"] = "我的修改"
    response = save(client, fields)
    assert response.status_code == 409
    assert "没有保存：文件在你打开表单之后被修改过" in response.text
    assert file.read_text(encoding="utf-8") == other
    assert form_fields(response.text)["printed_by"] == "我的修改"
    assert "copies: 300" in response.text and "printed_by: 我的修改" in response.text
    again = save(client, form_fields(response.text))  # the form now carries the new digest: saving again is the user's choice
    assert again.status_code == 303 and "printed_by: 我的修改" in file.read_text(encoding="utf-8")


# ---------------------------------------------------------------- live checks

def check(client: TestClient, fields: dict[str, str], rel: str = ISSUE) -> dict:
    response = client.post(f"/api/check/{rel}", data=fields)
    assert response.status_code == 200
    return response.json()


def test_live_check_names_the_field_with_the_message_of_jianbao_check(client):
    fields = open_form(client)
    assert check(client, fields)["problems"] == []
    result = check(client, {**fields, "number": "七"})
    assert [(p["field"], p["level"], p["message"]) for p in result["problems"]] == [("number", "错误", "“number”应为整数，实际为“七”")]
    result = check(client, {**fields, "articles.0.case": "no-such-case"})
    assert [(p["field"], p["message"]) for p in result["problems"]] == [
        ("articles.0.case", "引用的案例“no-such-case”不存在，应有文件 content/cases/no-such-case.yml")]
    result = check(client, {**fields, "date": "2022-03-31"})
    assert [(p["field"], p["message"]) for p in result["problems"]] == [
        ("date", "编印日期 2022-03-31 不在 2023 年内：year 为 2023，请核对年度或日期")]


def test_live_check_of_a_missing_required_value_points_at_its_item(client):
    fields = open_form(client)
    fields["distribution.0.label"] = ""
    result = check(client, fields)
    assert [(p["field"], p["message"]) for p in result["problems"]] == [("distribution.0", "缺少必填字段“label”")]


def test_live_check_reports_what_the_change_does_to_other_files(client, sample):
    shutil.copy(sample / "content" / ISSUE, sample / "content/briefings/2023/008.yml")
    text = (sample / "content/briefings/2023/008.yml").read_text(encoding="utf-8")
    (sample / "content/briefings/2023/008.yml").write_text(text.replace("number: 7", "number: 8").replace("total: 62", "total: 63"), encoding="utf-8")
    fields = open_form(client)
    result = check(client, {**fields, "total": "63"})
    assert any("63" in p["message"] for p in result["problems"] + result["others"]), result


# ---------------------------------------------------------------- new files, import, upload

def test_new_issue_case_and_model_open_their_forms(client, sample):
    token = token_of(client)
    made = client.post("/new/issue", data={"_token": token, "date": "2023-04-15", "kind": "regular"}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/edit/briefings/2023/008.yml?created=1"
    fields = open_form(client, "briefings/2023/008.yml")
    assert (fields["number"], fields["total"], fields["draft"]) == ("8", "63", "true")
    case = client.post("/new/case", data={"_token": token, "id": "pingyao-solar"}, follow_redirects=False)
    assert case.headers["location"] == "/edit/cases/pingyao-solar.yml?created=1"
    assert open_form(client, "cases/pingyao-solar.yml")["id"] == "pingyao-solar"
    model = client.post("/new/model", data={"_token": token, "id": "new-model"}, follow_redirects=False)
    assert model.headers["location"] == "/edit/models/new-model.yml?created=1"
    bad = client.post("/new/case", data={"_token": token, "id": "../Evil"})
    assert bad.status_code == 400 and "案例 id“../Evil”不合法" in bad.text
    again = client.post("/new/case", data={"_token": token, "id": "pingyao-solar"})
    assert again.status_code == 400 and "已存在，不覆盖" in again.text


def test_import_opens_the_imported_issue_with_its_marks(client, sample):
    token = token_of(client)
    made = client.post("/import", data={"_token": token}, files={"file": ("zk.txt", SHORT.encode("utf-8"), "text/plain")}, follow_redirects=False)
    assert made.status_code == 303, made.text[:1000]
    assert made.headers["location"] == "/edit/briefings/2023/zk-002.yml?imported=1"
    page = client.get(made.headers["location"]).text
    assert "已导入。标有「待确认」的地方是导入时推测的" in page
    wrong = client.post("/import", data={"_token": token}, files={"file": ("a.pdf", b"%PDF", "application/pdf")})
    assert wrong.status_code == 400 and "“a.pdf”不是 .txt 或 .docx 文件" in wrong.text


def test_uploaded_table_is_checked_before_it_is_kept(client, sample):
    token = token_of(client)
    good = (sample / "data/villages/jinzhong-sample.csv").read_bytes()
    lines = good.decode("utf-8").splitlines()
    bad = "\n".join([lines[0], lines[1].replace("200.31", "二百"), *lines[2:5]]) + "\n"
    refused = client.post("/upload-table", data={"_token": token}, files={"file": ("bad.csv", bad.encode("utf-8"), "text/csv")})
    assert refused.status_code == 400 and "有错误，没有放入项目" in refused.text and "二百" in refused.text
    assert not (sample / "data/villages/bad.csv").exists()
    exists = client.post("/upload-table", data={"_token": token}, files={"file": ("jinzhong-sample.csv", good, "text/csv")})
    assert exists.status_code == 400 and "data/villages/jinzhong-sample.csv 已存在：没有覆盖" in exists.text
    kept = client.post("/upload-table", data={"_token": token, "replace": "1"}, files={"file": ("jinzhong-sample.csv", good, "text/csv")})
    assert kept.status_code == 200 and "已放入 data/villages/jinzhong-sample.csv" in kept.text, kept.text[-1500:]
    hostile = client.post("/upload-table", data={"_token": token}, files={"file": ("../../evil.csv", good, "text/csv")})
    assert hostile.status_code == 200 or hostile.status_code == 400
    assert not (sample.parent / "evil.csv").exists() and not (sample / "evil.csv").exists()


# ---------------------------------------------------------------- previews and pickers

def test_issue_preview_is_the_printed_sheet(client):
    fields = open_form(client)
    html = client.post(f"/api/preview/{ISSUE}", data={**fields, "printed_by": "预览里的印发单位"}).text
    assert "山西省乡村振兴" in html and "预览里的印发单位" in html and "第7期" in html.replace(" ", "")
    refused = client.post(f"/api/preview/{ISSUE}", data={**fields, "number": "七"}).text
    assert "暂时无法预览" in refused and "应为整数" in refused


def test_case_preview_and_markdown_are_sanitised(client):
    fields = open_form(client, "cases/county-six-moves.yml")
    html = client.post("/api/preview/cases/county-six-moves.yml", data={**fields, "title": "标题<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in html and "暂时无法预览" in html and "文本中不允许使用 HTML（&lt;script&gt;）" in html
    html = client.post("/api/preview/cases/county-six-moves.yml", data={**fields, "title": "新的标题"}).text
    assert "新的标题" in html and "<script" not in html
    token = token_of(client)
    md = client.post("/api/markdown", data={"_token": token, "text": "**加粗**<script>alert(1)</script>"}).text
    assert "<strong>加粗</strong>" in md and "<script" not in md


def test_pickers_offer_cases_regions_and_indicators_with_values(client):
    fields = open_form(client)
    found = client.post(f"/api/suggest/{ISSUE}", data={**fields, "_field": "articles.0.case", "_q": "county"}).json()
    assert [o["value"] for o in found["options"]] == ["county-six-moves"]
    assert found["picked"].startswith("晋中市")
    case = open_form(client, "cases/jinzhong-six-focus.yml")
    indicator = client.post("/api/suggest/cases/jinzhong-six-focus.yml", data={**case, "_field": "highlights.0.indicator", "_q": ""}).json()
    labels = {o["value"]: o["label"] for o in indicator["options"]}
    assert "山西省/晋中市 2022 年" in labels["income_ge_20"], labels
    region = client.post("/api/suggest/cases/jinzhong-six-focus.yml", data={**case, "_field": "region", "_q": "榆次"}).json()
    assert region["options"] and all("榆次" in o["value"] for o in region["options"])


# ---------------------------------------------------------------- security

def test_foreign_host_is_refused(client, sample):
    for host in ("evil.example", "127.0.0.1.evil.example", "localhost.evil:8001"):
        assert client.get("/", headers={"host": host}).status_code == 403
    fields = open_form(client)
    response = save(client, {**fields, "printed_by": "x"}, headers={"host": "attacker.test"})
    assert response.status_code == 403 and "只接受发往 127.0.0.1 或 localhost 的请求" in response.text
    assert client.get("/", headers={"host": "localhost:8001"}).status_code == 200


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "null"},
    {"origin": "http://127.0.0.1:9999"},
    {"origin": "https://127.0.0.1:8001"},
    {"sec-fetch-site": "cross-site"},
])
def test_cross_origin_posts_are_refused_even_with_the_token(client, sample, headers):
    file = sample / "content" / ISSUE
    before = file.read_bytes()
    fields = open_form(client)
    response = save(client, {**fields, "printed_by": "x"}, headers=headers)
    assert response.status_code == 403 and "拒绝：请求来自其他网站" in response.text
    assert file.read_bytes() == before


def test_state_changes_need_the_token(client, sample):
    file = sample / "content" / ISSUE
    before = file.read_bytes()
    fields = open_form(client)
    for token in (None, "", "wrong"):
        data = {k: v for k, v in fields.items() if k != "_token"}
        if token is not None:
            data["_token"] = token
        response = save(client, {**data, "printed_by": "x"})
        assert response.status_code == 403 and "缺少本次编辑会话的令牌" in response.text
    for url in ("/new/case", "/publish", "/api/markdown", f"/api/check/{ISSUE}"):
        assert client.post(url, data={"id": "x"}).status_code == 403
    assert file.read_bytes() == before and not (sample / "content/cases/x.yml").exists()
    same_origin = save(client, {**fields, "printed_by": "同源"}, headers={"origin": BASE})
    assert same_origin.status_code == 303


@pytest.mark.parametrize("rel", [
    "../mkdocs.yml", "briefings/../../mkdocs.yml", "/etc/passwd", "..", "cases/../../../etc/passwd.yml",
    "cases/x.yml\x00", "cases/.yml", "cases/UPPER.yml", "data/villages/jinzhong-sample.csv", "pages/../series.yml",
    "briefings/2023/007.yml/..", "cases\\..\\..\\mkdocs.yml",
])
def test_no_path_outside_content(sample, rel):
    with pytest.raises(PathRefused):
        content_path(sample, rel)


def test_path_traversal_in_urls_is_refused(client):
    for url in ("/edit/..%2F..%2Fmkdocs.yml", "/edit/briefings/2023/..%2F..%2F..%2Fmkdocs.yml", "/edit/%2Fetc%2Fpasswd", "/edit/cases/x.yml%00"):
        response = client.get(url)
        assert response.status_code == 404 and "不能编辑" in response.text and "site_name" not in response.text


def test_a_symlink_under_content_is_not_followed(sample, client):
    (sample / "content/cases/link.yml").symlink_to(sample / "mkdocs.yml")
    response = client.get("/edit/cases/link.yml")
    assert response.status_code == 404 and "site_name" not in response.text


def test_content_is_escaped_in_the_editor(client, sample):
    file = sample / "content/cases/county-six-moves.yml"
    text = file.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, re.M).group(1)
    file.write_text(text.replace(f"title: {title}", 'title: "<script>alert(1)</script><img src=x onerror=alert(2)>"'), encoding="utf-8")
    for url in ("/", "/edit/cases/county-six-moves.yml"):
        page = client.get(url).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page and "&lt;script&gt;alert(1)" in page


def test_oversized_upload_is_refused(client):
    token = token_of(client)
    response = client.post("/upload-table", data={"_token": token}, files={"file": ("big.csv", b"0" * (21 * 1024 * 1024), "text/csv")})
    assert response.status_code == 413 and "超过 20 MB" in response.text


# ---------------------------------------------------------------- files the form cannot show

def test_a_broken_file_opens_as_its_text_and_saves_as_typed(client, sample):
    file = sample / "content" / ISSUE
    broken = file.read_text(encoding="utf-8").replace("printed_by: 山西省乡村振兴局综合处", "printed_by: [未闭合")
    file.write_text(broken, encoding="utf-8")
    page = client.get(f"/edit/{ISSUE}").text
    fields = form_fields(page)
    assert fields["_raw"] == broken and "先在源文本中改正，表单才能打开" in page
    fixed = broken.replace("printed_by: [未闭合", "printed_by: 山西省乡村振兴局综合处")
    assert check(client, {**fields, "_raw": fixed})["problems"] == []
    assert save(client, {**fields, "_raw": fixed}).status_code == 303
    assert file.read_text(encoding="utf-8") == fixed


def test_pages_are_edited_as_markdown(client, sample):
    fields = open_form(client, "pages/about.md")
    assert fields["_raw"] == (sample / "content/pages/about.md").read_text(encoding="utf-8")
    html = client.post("/api/preview/pages/about.md", data={**fields, "_raw": "# 关于\n\n**新的**说明"}).text
    assert "<strong>新的</strong>" in html
    assert save(client, {**fields, "_raw": "# 关于\n\n新的说明\n"}, "pages/about.md").status_code == 303
    assert (sample / "content/pages/about.md").read_text(encoding="utf-8") == "# 关于\n\n新的说明\n"


def test_home_lists_everything_with_buttons(client):
    page = client.get("/").text
    for text in ("新建一期", "新建案例", "新建模式", "导入往期简报", "第 7 期", "总第 62 期", "2023-03-31", "jinzhong-six-focus",
                 "six-practical-moves", "简报系列（series.yml）", "上传并检查"):
        assert text in page, text


def test_busy_port_is_a_usage_error():
    import socket

    from click.testing import CliRunner

    from generator.commands.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["edit", "--port", str(port)])
    assert result.exit_code == 2
    assert result.output == f"错误：端口 {port} 已被占用（可能已有一个 jianbao serve 或 jianbao edit 在运行）：请关闭占用它的程序，或用 --port 换一个端口，如 --port {port + 1}\n"


@pytest.mark.e2e
def test_publish_runs_the_build_and_shows_its_summary(client, sample):
    token = token_of(client)
    done = client.post("/publish", data={"_token": token})
    assert done.status_code == 200, done.text[-2000:]
    assert "已发布：" in done.text and (sample / "site/index.html").is_file()
    file = sample / "content" / ISSUE
    file.write_text(file.read_text(encoding="utf-8").replace("number: 7", "number: 七"), encoding="utf-8")
    refused = client.post("/publish", data={"_token": token})
    assert refused.status_code == 422 and "网站没有更新（site/ 仍是上一次发布的版本）" in refused.text
    assert "content/briefings/2023/007.yml:6:9" in refused.text and "“number”应为整数，实际为“七”" in refused.text


def test_uncertain_marks_of_an_import_show_at_their_fields(client, sample):
    file = sample / "content" / ISSUE
    text = file.read_text(encoding="utf-8").replace("printed_by: 山西省乡村振兴局综合处", "printed_by: 山西省乡村振兴局综合处  # 待确认：印发单位按报尾推测")
    text = text.replace("distribution:", "# 待确认：报尾的分组按原件的换行推测\ndistribution:")
    file.write_text(text, encoding="utf-8")
    result = check(client, open_form(client))
    marks = [(p["field"], p["level"], p["message"]) for p in result["problems"] if p["level"] == "提示"]
    assert ("printed_by", "提示", "待确认：印发单位按报尾推测") in marks
    assert ("distribution", "提示", "待确认：报尾的分组按原件的换行推测") in marks
