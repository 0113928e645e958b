"""`jianbao serve`: build, serve site/ on 127.0.0.1, rebuild when sources change.

The browser reloads by itself: served HTML gets a small polling script injected
on the fly (never written to site/), which asks /__jianbao/version and reloads
when a rebuild finished.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from dataclasses import replace
from pathlib import Path

import click

from .config import Settings
from .errors import JianbaoError
from .search_index import SearchCache

WATCHED = ("content", "data", "site_templates", "mkdocs.yml")
RELOAD_SCRIPT = b"""<script>(function(){var v=null;setInterval(function(){fetch('/__jianbao/version').then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)location.reload();v=t}).catch(function(){})},1000)})();</script>"""


def snapshot(settings: Settings) -> dict[str, float]:
    """Modification times of every watched file."""
    stamps: dict[str, float] = {}
    for name in WATCHED:
        root = settings.project / name
        paths = [root] if root.is_file() else (root.rglob("*") if root.is_dir() else [])
        for path in paths:
            if path.is_file():
                stamps[str(path)] = path.stat().st_mtime_ns
    return stamps


class _State:
    def __init__(self) -> None:
        self.version = 0


def _handler(site_dir: Path, state: _State) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            pass

        def do_GET(self) -> None:
            if self.path == "/__jianbao/version":
                body = str(state.version).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if path.suffix == ".html" and path.is_file():
                body = path.read_bytes().replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

    return functools.partial(Handler, directory=str(site_dir))  # type: ignore[return-value]


def rebuild(settings: Settings, search_cache: SearchCache | None = None) -> bool:
    """One build; problems are printed, the previous site stays on failure.

    search_cache: kept by serve between its builds (the search index of unchanged pages).
    """
    from .build import build
    from .cli import fail, print_report

    try:
        result = build(settings, search_cache=search_cache)
    except JianbaoError as exc:
        try:
            fail(exc)
        except SystemExit:
            pass
        return False
    print_report(result.report)
    how = "，MkDocs 只重建了改动的页面" if result.dirty else ""
    click.echo(f"已重新构建：{result.pages} 个页面，改写 {result.written} 个文件{how}")
    return True


def _only_content(settings: Settings, changed: set[str]) -> bool:
    """Whether only content/ and data/ changed: then MkDocs rebuilds only the pages that changed.

    A change of the templates or mkdocs.yml can change every page: a full build.
    """
    folders = [str(settings.project / name) + "/" for name in ("content", "data")]
    return all(path.startswith(tuple(folders)) for path in changed)


def serve(settings: Settings, port: int, *, poll: float = 1.0, stop: threading.Event | None = None) -> None:
    """Serve until interrupted (or until stop is set, for tests)."""
    settings = Settings(**{**settings.__dict__, "pdf": False})
    state = _State()
    search_cache = SearchCache()  # this serve's: a rebuild indexes only the pages that changed
    stamps = snapshot(settings)  # before the first build: an edit made while it runs triggers another
    rebuild(settings, search_cache)
    settings.site_dir.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _handler(settings.site_dir, state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    click.echo(f"预览地址：http://127.0.0.1:{server.server_address[1]}/  （Ctrl+C 停止）")
    stop = stop or threading.Event()
    try:
        while not stop.wait(poll):
            current = snapshot(settings)
            if current != stamps:
                changed = {path for path in current.keys() | stamps.keys() if current.get(path) != stamps.get(path)}
                stamps = current
                if rebuild(replace(settings, dirty=_only_content(settings, changed)), search_cache):
                    state.version += 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
