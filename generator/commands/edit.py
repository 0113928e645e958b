"""`jianbao edit`: the editor (generator/editor/) served on 127.0.0.1 by uvicorn until Ctrl+C."""

from __future__ import annotations

import socket
import threading

import click

from generator.commands.serve import port_error
from generator.config import Settings
from generator.errors import UsageError


def listen(port: int) -> socket.socket:
    """A socket on 127.0.0.1:port only, or a Chinese UsageError (exit 2) saying why not."""
    if not 1 <= port <= 65535:
        raise port_error(port, OverflowError())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise port_error(port, exc) from None
    return sock


def edit(settings: Settings, port: int, *, stop: threading.Event | None = None) -> None:
    """Serve the editor until interrupted (or until stop is set, for tests)."""
    import uvicorn

    from generator.editor.app import create_app
    from generator.editor.workspace import Workspace

    if not (settings.project / "content").is_dir():
        raise UsageError(f"{settings.project} 下没有 content/ 目录：用 --project 指定项目目录")
    sock = listen(port)
    workspace = Workspace(settings)
    click.echo("读取项目…", err=True)
    workspace.refresh()
    app = create_app(settings, workspace)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False))
    if stop is not None:
        threading.Thread(target=lambda: (stop.wait(), setattr(server, "should_exit", True)), daemon=True).start()
    threading.Thread(target=_warm_up, daemon=True).start()
    click.echo(f"编辑器已启动：http://127.0.0.1:{port}/ （只接受本机访问；按 Ctrl+C 停止）")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def _warm_up() -> None:
    """Import what the first preview needs (Altair, vl-convert, the print stage) while the reader is still typing."""
    import importlib

    for name in ("generator.site.pages", "generator.output.printing", "altair", "vl_convert"):
        try:
            importlib.import_module(name)
        except ImportError:  # a missing optional piece shows in the preview itself
            pass
