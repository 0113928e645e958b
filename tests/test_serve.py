"""`jianbao serve`: serves on 127.0.0.1, rebuilds on change, injects the reload script only when serving."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.request
from dataclasses import replace
from pathlib import Path

import pytest

from generator.build import build
from generator.buildcache import BuildCache
from generator.config import Settings
from generator.commands.serve import serve, snapshot

pytestmark = pytest.mark.e2e


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8")


def test_serve_rebuilds_on_change(mini, capsys):
    settings = Settings.create(mini, pdf=False)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(settings, 0), kwargs={"poll": 0.2, "stop": stop}, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 60
        address = None
        while time.time() < deadline and address is None:
            for line in capsys.readouterr().out.splitlines():
                if line.startswith("预览地址："):
                    address = line.split("：", 1)[1].split()[0]
            time.sleep(0.2)
        assert address and address.startswith("http://127.0.0.1:")
        page = fetch(address + "briefings/demo/2024/001/")
        assert "文章1" in page and "/__jianbao/version" in page
        assert "/__jianbao/version" not in (mini / "build/preview-site/briefings/demo/2024/001/index.html").read_text(encoding="utf-8")
        version = fetch(address + "__jianbao/version")
        path = mini / "content/briefings/2024/001.yml"
        path.write_text(path.read_text(encoding="utf-8").replace("文章1", "改过的标题"), encoding="utf-8")
        while time.time() < deadline and fetch(address + "__jianbao/version") == version:
            time.sleep(0.3)
        assert "改过的标题" in fetch(address + "briefings/demo/2024/001/")
    finally:
        stop.set()
        thread.join(timeout=30)


def test_snapshot_sees_watched_folders(mini):
    before = snapshot(Settings.create(mini))
    (mini / "data").mkdir()
    (mini / "data" / "x.csv").write_text("年度\n", encoding="utf-8")
    after = snapshot(Settings.create(mini))
    assert set(after) - set(before) == {str(mini / "data" / "x.csv")}


def index_docs(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "search").rglob("*.js"))}


def test_dirty_rebuild_equals_a_full_build(sample, tmp_path):
    """After a change of content only, serve lets MkDocs rebuild just the changed pages, in place."""
    settings = Settings.create(sample, pdf=False)
    cache = BuildCache()  # what serve keeps between its builds
    build(settings, cache=cache)
    about = sample / "site/about/index.html"
    about_before = about.stat().st_mtime_ns
    issue = sample / "content/briefings/2023/007.yml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("printed_date: 2023-03-31", "printed_date: 2023-04-01"), encoding="utf-8")
    result = build(replace(settings, dirty=True), cache=cache)
    assert result.dirty
    assert [p.format() for p in result.report.problems if "dirty" in p.message] == []  # MkDocs' English caution is not passed on
    assert "2023年4月1日印发" in (sample / "site/briefings/sxxczx/2023/007/index.html").read_text(encoding="utf-8")
    assert about.stat().st_mtime_ns == about_before  # not built again
    full = Settings.create(sample, tmp_path / "full-site", pdf=False)
    build(full)
    assert index_docs(sample / "site") == index_docs(tmp_path / "full-site")  # no page lost from search
    for name in ("briefings/sxxczx/2023/007/index.html", "index.html", "briefings/sxxczx/2023/index.html"):
        assert (sample / "site" / name).read_text(encoding="utf-8") == (tmp_path / "full-site" / name).read_text(encoding="utf-8"), name


def test_dirty_rebuild_falls_back_to_a_full_build_when_pages_come_or_go(sample):
    settings = Settings.create(sample, pdf=False)
    build(settings)
    (sample / "content/pages/new-page.md").write_text("# 新页面\n\n正文。\n", encoding="utf-8")
    result = build(replace(settings, dirty=True))
    assert not result.dirty
    assert (sample / "site/new-page/index.html").is_file()
    (sample / "content/pages/new-page.md").unlink()
    assert not build(replace(settings, dirty=True)).dirty
    assert not (sample / "site/new-page").exists()


@pytest.mark.parametrize("changed, dirty", [
    (["content/briefings/2023/007.yml"], True),
    (["data/villages/a.csv", "content/cases/x.yml"], True),
    (["site_templates/pages/issue.md.j2"], False),
    (["content/briefings/2023/007.yml", "mkdocs.yml"], False),
])
def test_serve_builds_dirty_only_after_content_or_data_changes(tmp_path, changed, dirty):
    from generator.commands.serve import _only_content

    settings = Settings.create(tmp_path)
    assert _only_content(settings, {str(tmp_path / name) for name in changed}) is dirty


def test_an_edit_during_the_first_build_is_not_missed(mini, monkeypatch):
    import generator.commands.serve as serving

    path = mini / "content/briefings/2024/001.yml"
    calls = []
    real = serving.rebuild

    def rebuild(settings, cache):
        ok = real(settings, cache)
        if not calls:  # the user saves a file while the first build runs
            path.write_text(path.read_text(encoding="utf-8").replace("文章1", "构建时改的标题"), encoding="utf-8")
        calls.append(settings.dirty)
        return ok

    monkeypatch.setattr(serving, "rebuild", rebuild)
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(Settings.create(mini, pdf=False), 0), kwargs={"poll": 0.1, "stop": stop}, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 60
        while time.time() < deadline and len(calls) < 2:
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert calls == [False, True]  # a second build, MkDocs rebuilding only what changed
    assert "构建时改的标题" in (mini / "build/preview-site/briefings/demo/2024/001/index.html").read_text(encoding="utf-8")


def start_serve(settings: Settings, capsys, port: int = 0):
    """serve() in a thread; (address, stop event, thread) once it prints its address."""
    stop = threading.Event()
    thread = threading.Thread(target=serve, args=(settings, port), kwargs={"poll": 0.2, "stop": stop}, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while time.time() < deadline:
        for line in capsys.readouterr().out.splitlines():
            if line.startswith("预览地址："):
                return line.split("：", 1)[1].split()[0], stop, thread
        time.sleep(0.2)
    stop.set()
    raise AssertionError("serve printed no address")


def test_serve_previews_in_its_own_folders_and_shows_drafts(mini, capsys):
    """site/ keeps the complete `jianbao build` output (PDFs included); drafts are shown, marked 草稿."""
    site = mini / "site"
    site.mkdir()
    (site / "index.html").write_text("已发布的站点", encoding="utf-8")
    (site / "x.pdf").write_bytes(b"%PDF-1.7 published")
    draft = mini / "content/briefings/2024/003.yml"
    draft.write_text("series: demo\nyear: 2024\nnumber: 3\ntotal: 12\ndate: 2024-03-10\ndraft: true\narticles:\n  - title: 草稿文章\n    body: 正文。\n", encoding="utf-8")
    address, stop, thread = start_serve(Settings.create(mini, pdf=False), capsys)
    try:
        page = fetch(address + "briefings/demo/2024/003/")
        assert "草稿文章" in page and "这期简报是草稿（draft: true）" in page
        assert "草稿</span>" in fetch(address + "briefings/demo/2024/")
    finally:
        stop.set()
        thread.join(timeout=30)
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "x.pdf"]
    assert (site / "index.html").read_text(encoding="utf-8") == "已发布的站点"
    assert (mini / "build/preview-site/briefings/demo/2024/003/index.html").is_file()
    assert (mini / "build/preview-docs/briefings/demo/2024/003/index.md").is_file()
    assert not (mini / "build/docs").exists()  # the folder `jianbao build` uses is not touched


def test_preview_settings():
    from generator.commands.serve import preview_settings

    settings = preview_settings(Settings.create("/p", offline=False, pdf=True, drafts=False))
    assert (settings.site_dir, settings.docs_dir) == (Path("/p/build/preview-site"), Path("/p/build/preview-docs"))
    assert (settings.drafts, settings.pdf, settings.preview) == (True, False, True)


@pytest.mark.parametrize("default", [False, True])
def test_busy_port_is_a_usage_error_before_any_build(mini, default):
    """Item 13: a Chinese message naming the port and --port, exit 2, no traceback, nothing built."""
    from click.testing import CliRunner

    from generator.commands.cli import main

    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", 8000 if default else 0))
            taken.listen()
            port = taken.getsockname()[1]
        except OSError:  # the default port is busy already (another program on this machine): just as good
            port = 8000
        args = ["serve", "--project", str(mini)] + ([] if default else ["--port", str(port)])
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output == f"错误：端口 {port} 已被占用（可能已有一个 jianbao serve 或 jianbao edit 在运行）：请关闭占用它的程序，或用 --port 换一个端口，如 --port {port + 1}\n"
    assert not (mini / "site").exists() and not (mini / "build").exists()


@pytest.mark.parametrize("port, message", [
    (70000, "端口 70000 无效：端口应在 1 到 65535 之间，请用 --port 指定"),
    (-1, "端口 -1 无效：端口应在 1 到 65535 之间，请用 --port 指定"),
])
def test_invalid_port_is_a_usage_error(port, message):
    import http.server

    from generator.errors import UsageError
    from generator.commands.serve import bind

    with pytest.raises(UsageError) as caught:
        bind(port, http.server.BaseHTTPRequestHandler)
    assert str(caught.value) == message and caught.value.exit_code == 2
