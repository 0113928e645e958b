"""`jianbao serve`: build a preview, serve it on 127.0.0.1, rebuild when sources change.

The preview has folders of its own (build/preview-docs, build/preview-site): site/ only
ever holds the output of a complete `jianbao build`, PDFs included. Drafts are shown,
marked 草稿. The port is taken before anything is built, so a busy port changes nothing.

The browser reloads by itself: served HTML gets a small polling script injected
on the fly (never written to site/), which asks /__jianbao/version and reloads
when a rebuild finished.
"""

from __future__ import annotations

import errno
import functools
import http.server
import threading
from dataclasses import replace
from pathlib import Path

import click

from generator.buildcache import BuildCache
from generator.config import Settings
from generator.commands.console import print_error, print_report
from generator.errors import JianbaoError, UsageError
from generator.output.files import file_stamps

WATCHED = ("content", "data", "site_templates", "mkdocs.yml")
RELOAD_SCRIPT = b"""<script>(function(){var v=null;setInterval(function(){fetch('/__jianbao/version').then(function(r){return r.text()}).then(function(t){if(v!==null&&t!==v)location.reload();v=t}).catch(function(){})},1000)})();</script>"""


def snapshot(settings: Settings) -> dict[str, int]:
    """Modification stamps of every watched file."""
    return file_stamps(settings.project, WATCHED)


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


def preview_settings(settings: Settings) -> Settings:
    """The settings of a preview build: own folders under build/, drafts shown, no PDF."""
    return replace(settings, site_dir=settings.build_dir / "preview-site", preview=True, drafts=True, pdf=False, dirty=False)


def bind(port: int, handler: type[http.server.BaseHTTPRequestHandler]) -> http.server.ThreadingHTTPServer:
    """Listen on 127.0.0.1:port, or say in Chinese why not (UsageError, exit 2)."""
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except (OverflowError, OSError) as exc:
        raise port_error(port, exc) from None


def port_error(port: int, exc: OverflowError | OSError) -> UsageError:
    """Why 127.0.0.1:port cannot be listened on, in Chinese (serve and edit)."""
    if isinstance(exc, OverflowError):
        return UsageError(f"端口 {port} 无效：端口应在 1 到 65535 之间，请用 --port 指定")
    if exc.errno == errno.EADDRINUSE:
        return UsageError(f"端口 {port} 已被占用（可能已有一个 jianbao serve 或 jianbao edit 在运行）：请关闭占用它的程序，或用 --port 换一个端口，如 --port {port + 1 if port < 65535 else 8001}")
    if exc.errno == errno.EACCES:
        return UsageError(f"没有权限监听端口 {port}（1024 以下的端口需要管理员权限）：请用 --port 换一个端口，如 --port 8000")
    return UsageError(f"无法监听端口 {port}：{exc.strerror or exc}；请用 --port 换一个端口")


def rebuild(settings: Settings, cache: BuildCache) -> bool:
    """One build; problems are printed, the previous preview stays on failure."""
    from generator.build import build

    try:
        result = build(settings, cache=cache)
    except JianbaoError as exc:
        print_error(exc)
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
    """Serve until interrupted (or until stop is set, for tests); UsageError when the port is not free."""
    settings = preview_settings(settings)
    state = _State()
    server = bind(port, _handler(settings.site_dir, state))  # first: a busy port stops before any build
    try:
        _serve(settings, server, state, poll, stop or threading.Event())
    finally:
        server.server_close()


def _serve(settings: Settings, server: http.server.ThreadingHTTPServer, state: _State, poll: float, stop: threading.Event) -> None:
    cache = BuildCache(lasting=True)  # what the rebuilds of this process share
    stamps = snapshot(settings)  # before the first build: an edit made while it runs triggers another
    rebuild(settings, cache)
    settings.site_dir.mkdir(parents=True, exist_ok=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    click.echo(f"预览地址：http://127.0.0.1:{server.server_address[1]}/  （含草稿；Ctrl+C 停止）")
    try:
        while not stop.wait(poll):
            current = snapshot(settings)
            if current != stamps:
                changed = {path for path in current.keys() | stamps.keys() if current.get(path) != stamps.get(path)}
                stamps = current
                if rebuild(replace(settings, dirty=_only_content(settings, changed)), cache):
                    state.version += 1
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
