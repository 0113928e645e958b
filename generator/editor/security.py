"""What every request to the editor must pass (SPEC §7).

- Host: 127.0.0.1 or localhost (with or without the port): a page of another site that
  rebinds its name to 127.0.0.1 is refused (DNS rebinding).
- A state-changing request (anything but GET and HEAD) carries the session's token as form
  field `_token`; one whose Origin (or Sec-Fetch-Site) names another site is refused even
  with it. A request without an Origin needs the token all the same.
- Bodies are limited in size before they are read.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOCAL_HOSTS = ("127.0.0.1", "localhost")
MAX_BODY = 20 * 1024 * 1024  # an upload: a .docx bulletin or an XLSX village table
SAFE_METHODS = ("GET", "HEAD")


class Refused(Exception):
    """A request the editor does not carry out; the message is for users."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Session:
    """The secret of one `jianbao edit` process: pages carry it, state-changing requests return it."""

    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def check(self, form: FormData) -> None:
        sent = form.get("_token")
        if not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), self.token.encode()):
            raise Refused("拒绝：请求缺少本次编辑会话的令牌（_token）。请从编辑器页面重新操作（重启 jianbao edit 后要刷新页面）。")


def host_problem(scope: Scope) -> str | None:
    host = _header(scope, b"host")
    name = _host_name(host)
    if name not in LOCAL_HOSTS:
        return f"拒绝：编辑器只接受发往 127.0.0.1 或 localhost 的请求（收到的 Host 是“{host[:60]}”）"
    return None


def origin_problem(scope: Scope) -> str | None:
    """A state-changing request from a page of another site."""
    origin = _header(scope, b"origin")
    if origin:
        parts = urlsplit(origin)
        if origin == "null" or parts.scheme != "http" or _host_name(parts.netloc) not in LOCAL_HOSTS or _port(parts.netloc) != _port(_header(scope, b"host")):
            return f"拒绝：请求来自其他网站（Origin 为“{origin[:60]}”）"
    if _header(scope, b"sec-fetch-site") == "cross-site":
        return "拒绝：请求来自其他网站"
    return None


class Guard:
    """ASGI middleware: Host, Origin and body size, before any route runs."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = host_problem(scope)
        if problem is None and scope["method"] not in SAFE_METHODS:
            problem = origin_problem(scope) or _size_problem(scope)
        if problem is not None:
            status = 413 if problem.startswith("拒绝：上传") else 403
            await PlainTextResponse(problem, status_code=status)(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def checked_form(request: Request, session: Session) -> FormData:
    """The posted form of a state-changing request, once its token is right."""
    form = await request.form(max_files=1, max_fields=20_000, max_part_size=MAX_BODY)
    session.check(form)
    return form


def _size_problem(scope: Scope) -> str | None:
    length = _header(scope, b"content-length")
    if length and (not length.isdigit() or int(length) > MAX_BODY):
        return f"拒绝：上传的内容超过 {MAX_BODY // 1024 // 1024} MB"
    if not length and _header(scope, b"transfer-encoding"):
        return "拒绝：上传的内容没有声明长度"
    return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _host_name(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _port(host: str) -> str:
    host = host.strip()
    if host.startswith("["):
        return host.rsplit("]:", 1)[1] if "]:" in host else "80"
    return host.rsplit(":", 1)[1] if ":" in host else "80"
