"""`jianbao serve`: serves on 127.0.0.1, rebuilds on change, injects the reload script only when serving."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from generator.config import Settings
from generator.serve import serve, snapshot

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
        assert "/__jianbao/version" not in (mini / "site/briefings/demo/2024/001/index.html").read_text(encoding="utf-8")
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
