"""`jianbao edit`: the editor's web app (Starlette), its routes and pages (SPEC §7).

One Editor per process holds what every request needs, passed explicitly: the settings, the
Workspace (the loaded project and its checks), the Session (its token) and the page
templates. Routes:

    GET  /                     home: series, issues by year, cases, models, pages; new, import, upload
    GET  /edit/<path>          the form of content/<path>
    POST /edit/<path>          save (button `save`), or a list action (button `_action`) without JS
    POST /api/check/<path>     live check of the form's state → problems by field (JSON)
    POST /api/form/<path>      a list action → the form's fields again (JSON: html, focus)
    POST /api/preview/<path>   the issue as printed, the case or page as on the site (HTML)
    POST /api/markdown         one Markdown field as HTML
    POST /api/suggest/<path>   a picker's options (JSON)
    POST /new/issue|case|model, /import, /upload-table, /publish
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator.config import Settings
from generator.content.placeholders import find_placeholder
from generator.editor import actions, pickers, preview as previews
from generator.editor.form_data import MISSING, data_of, fits, parse_fields, state_of
from generator.editor.form_spec import form_of
from generator.editor.marks import uncertain_marks
from generator.editor.paths import KIND_TITLES, ContentPath, PathRefused, content_path
from generator.editor.roundtrip import RoundTripError, apply_changes, load_plain
from generator.editor.security import Guard, Refused, Session, checked_form
from generator.editor.workspace import Checked, Workspace
from generator.errors import JianbaoError, Level
from generator.output.files import write_atomic

HERE = Path(__file__).resolve().parent
LIVE_CHECK_AGE = 2.0  # seconds: a live check sees other files as they were on disk at most this long ago


@dataclass
class Posted:
    """What a posted form means: the form's state (None for the raw text) and the file it would write."""

    state: Any
    text: str
    raw: str | None = None


@dataclass
class Editor:
    settings: Settings
    workspace: Workspace
    session: Session = field(default_factory=Session)
    env: Environment = field(default_factory=lambda: _environment())
    saving: threading.Lock = field(default_factory=threading.Lock)

    # ------------------------------------------------------------ pages

    def page(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(token=self.session.token, project_name=self.settings.project.name or str(self.settings.project), **values)
        return HTMLResponse(html, status_code=status, headers=_NO_STORE)

    def message(self, title: str, lines: list[str], status: int = 200, problems: list | None = None, back: str = "/") -> HTMLResponse:
        return self.page("message.html.j2", status=status, title=title, lines=lines, problems=problems or [], back=back)

    async def home(self, request: Request) -> Response:
        from generator.editor.home import home_values

        return self.page("home.html.j2", title="内容", **home_values(self.workspace))

    async def edit_get(self, request: Request) -> Response:
        path = self.path_of(request)
        disk = _read(path)
        query = request.query_params
        values = self.form_values(path, disk, Posted(None, disk.text), self.workspace.check(path, disk.text), from_disk=True)
        return self.page("form.html.j2", saved=query.get("saved") == "1", created=query.get("created") == "1",
                         imported=query.get("imported") == "1", saved_problems=_errors(values["problems"]), **values)

    async def edit_post(self, request: Request) -> Response:
        path = self.path_of(request)
        form = await checked_form(request, self.session)
        disk = _read(path)
        posted = self.posted(path, form, disk.text)
        action = form.get("_action")
        if isinstance(action, str) and action and posted.state is not None:
            state, focus = self.act(path, posted.state, action)
            text = self.text_of(path, state, disk.text)
            values = self.form_values(path, disk, Posted(state, text), self.workspace.check(path, text))
            return self.page("form.html.j2", **values)
        return self.save(path, form, disk, posted)

    def save(self, path: ContentPath, form: FormData, disk: Disk, posted: Posted) -> Response:
        choice = str(form.get("save") or "1")
        if form.get("_digest") != disk.digest:  # changed on disk since the form was opened: nothing written
            values = self.form_values(path, disk, posted, self.workspace.check(path, posted.text))
            return self.page("form.html.j2", status=409, stale={"disk": disk.text, "mine": posted.text}, **values)
        if choice == "draft" and posted.state is not None and isinstance(posted.state, dict) and "draft" in posted.state:
            posted.state["draft"] = "true"
            posted = Posted(posted.state, self.text_of(path, posted.state, disk.text))
        checked = self.workspace.check(path, posted.text)
        errors = _errors(checked.problems) + sum(1 for p in checked.others if p.level >= Level.ERROR)
        if errors and not _is_draft(posted.text) and choice not in ("anyway", "draft"):
            values = self.form_values(path, disk, posted, checked)
            return self.page("form.html.j2", status=422, confirm=errors, **values)
        with self.saving:
            if _read(path).digest != disk.digest:
                values = self.form_values(path, disk, posted, checked)
                return self.page("form.html.j2", status=409, stale={"disk": _read(path).text, "mine": posted.text}, **values)
            write_atomic(path.file, posted.text.encode("utf-8"))
        return RedirectResponse(f"/edit/{path.rel}?saved=1", status_code=303)

    def form_values(self, path: ContentPath, disk: Disk, posted: Posted, checked: Checked, from_disk: bool = False) -> dict[str, Any]:
        """What form.html.j2 shows: the fields (or the raw text), the problems, the marks to confirm."""
        node = form_of(path.kind) if path.kind != "page" else None
        raw, reason, state = posted.raw, "", posted.state
        if node is not None and state is None and raw is None:
            try:
                data = load_plain(posted.text)
            except RoundTripError as exc:
                raw, reason = posted.text, f"{exc}：先在源文本中改正，表单才能打开。"
            else:
                if fits(data, node):
                    state = state_of(data, node)
                else:
                    raw, reason = posted.text, "文件的结构与表单不符（见右侧的检查结果），请在源文本中修改。"
        if node is None and raw is None:
            raw = posted.text
        problems = list(checked.problems)
        if checked.document is not None:
            problems += uncertain_marks(posted.text, checked.document.where, path.shown)
        project = checked.project
        return {
            "title": f"编辑 {path.shown}", "heading": _heading(path, state), "kind_title": KIND_TITLES[path.kind],
            "path": path, "digest": disk.digest, "node": node, "state": state, "raw": raw, "raw_reason": reason,
            "problems": sorted(problems, key=lambda item: item[1]), "others": checked.others,
            "ctx": _form_context(path, project),
        }

    # ------------------------------------------------------------ the API of editor.js

    async def api_check(self, request: Request) -> Response:
        path = self.path_of(request)
        form = await checked_form(request, self.session)
        posted = self.posted(path, form, _read(path).text)
        checked = self.workspace.check(path, posted.text, max_age=LIVE_CHECK_AGE)
        marks = uncertain_marks(posted.text, checked.document.where, path.shown) if checked.document is not None else []
        summary = self.env.get_template("_summary.html.j2").render(problems=sorted([*checked.problems, *marks], key=lambda i: i[1]), others=checked.others)
        return JSONResponse({
            "problems": [_problem_json(name, problem) for name, problem in [*checked.problems, *marks]],
            "others": [_problem_json("", problem) for problem in checked.others],
            "errors": _errors(checked.problems),
            "summary": summary,
        }, headers=_NO_STORE)

    async def api_form(self, request: Request) -> Response:
        path = self.path_of(request)
        form = await checked_form(request, self.session)
        posted = self.posted(path, form, _read(path).text)
        if posted.state is None:
            raise Refused("源文本模式下没有列表操作", 400)
        state, focus = self.act(path, posted.state, str(form.get("_action") or ""))
        project = self.workspace.refresh()
        html = self.env.get_template("_form_fields.html.j2").render(
            node=form_of(path.kind), state=state, raw=None, path=path, ctx=_form_context(path, project))
        return JSONResponse({"html": html, "focus": focus}, headers=_NO_STORE)

    async def api_preview(self, request: Request) -> Response:
        path = self.path_of(request)
        form = await checked_form(request, self.session)
        posted = self.posted(path, form, _read(path).text)
        checked = self.workspace.check(path, posted.text)
        try:
            html = previews.preview(self.workspace, checked, path.kind, path.shown)
        except previews.PreviewRefused as exc:
            return HTMLResponse(_note_page(str(exc)), status_code=200, headers=_PREVIEW_HEADERS)
        return HTMLResponse(html, headers=_PREVIEW_HEADERS)

    async def api_markdown(self, request: Request) -> Response:
        form = await checked_form(request, self.session)
        text = str(form.get("text") or "")
        return HTMLResponse(previews.markdown_html(text), headers=_PREVIEW_HEADERS)

    async def api_suggest(self, request: Request) -> Response:
        path = self.path_of(request)
        form = await checked_form(request, self.session)
        name = str(form.get("_field") or "")
        if path.kind == "page":
            return JSONResponse({"options": [], "picked": ""})
        state = parse_fields(form, form_of(path.kind))
        node, around = pickers.node_at(form_of(path.kind), state, name)
        if node is None or node.picker is None:
            return JSONResponse({"options": [], "picked": ""})
        project = self.workspace.refresh()
        data = self.workspace.data
        found = pickers.options(node.picker, str(form.get("_q") or ""), project, data, around)
        picked = pickers.describe(node.picker, str(form.get(name) or ""), project, data, around)
        return JSONResponse({"options": [{"value": o.value, "label": o.label} for o in found], "picked": picked}, headers=_NO_STORE)

    # ------------------------------------------------------------ new files, import, upload, publish

    async def new_file(self, request: Request) -> Response:
        from generator.editor.making import make_file

        form = await checked_form(request, self.session)
        kind = request.path_params["kind"]
        try:
            rel = make_file(self.settings, kind, form)
        except JianbaoError as exc:
            return self.message("没有新建", [str(exc)], status=400)
        return RedirectResponse(f"/edit/{rel}?created=1", status_code=303)

    async def import_bulletin(self, request: Request) -> Response:
        from generator.editor.making import import_upload

        form = await checked_form(request, self.session)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return self.message("没有导入", ["请选择一个 .txt 或 .docx 文件"], status=400)
        outcome = import_upload(self.settings, upload.filename or "", await upload.read())
        if outcome.issue is None:
            return self.message("没有导入", outcome.lines, status=400, problems=outcome.problems)
        return RedirectResponse(f"/edit/{outcome.issue}?imported=1", status_code=303)

    async def upload_table(self, request: Request) -> Response:
        from generator.editor.making import install_table

        form = await checked_form(request, self.session)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return self.message("没有上传", ["请选择一个 .csv 或 .xlsx 文件"], status=400)
        outcome = install_table(self.settings, upload.filename or "", await upload.read(), form.get("replace") == "1")
        return self.message("已上传村级指标表" if outcome.installed else "没有上传", outcome.lines,
                            status=200 if outcome.installed else 400, problems=outcome.problems)

    async def publish(self, request: Request) -> Response:
        from generator.editor.making import publish

        await checked_form(request, self.session)
        with self.saving:
            outcome = publish(self.settings, self.workspace.cache)
        return self.message("发布完成" if outcome.ok else "没有发布", outcome.lines, status=200 if outcome.ok else 422, problems=outcome.problems)

    # ------------------------------------------------------------ helpers

    def path_of(self, request: Request) -> ContentPath:
        return content_path(self.settings.project, request.path_params["rel"])

    def posted(self, path: ContentPath, form: FormData, disk_text: str) -> Posted:
        raw = form.get("_raw")
        if isinstance(raw, str):
            text = raw.replace("\r\n", "\n").replace("\r", "\n")
            return Posted(None, text, text)
        if path.kind == "page":
            return Posted(None, disk_text, disk_text)
        state = parse_fields({k: v for k, v in form.multi_items() if isinstance(v, str)}, form_of(path.kind))
        return Posted(state, self.text_of(path, state, disk_text))

    def text_of(self, path: ContentPath, state: Any, disk_text: str) -> str:
        """The file with the state's values: a round trip over the file on disk (comments and layout kept)."""
        node = form_of(path.kind)
        try:
            original = load_plain(disk_text)
        except RoundTripError:
            original = MISSING
        data = data_of(state, node, original)
        if data is MISSING:
            data = [] if node.kind == "list" else {}
        try:
            return apply_changes(disk_text, data)
        except RoundTripError:
            return apply_changes("", data)

    def act(self, path: ContentPath, state: Any, action: str) -> tuple[Any, str]:
        try:
            return actions.apply_action(state, form_of(path.kind), action)
        except actions.ActionRefused as exc:
            raise Refused(str(exc), 400) from exc


@dataclass(frozen=True)
class Disk:
    text: str
    digest: str


def _read(path: ContentPath) -> Disk:
    try:
        raw = path.file.read_bytes()
    except FileNotFoundError:
        raise PathRefused(f"文件 {path.shown} 不存在") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise PathRefused(f"{path.shown} 不是 UTF-8 编码（可能是 GBK）：请先用 jianbao check 查看，另存为 UTF-8 后再在编辑器中打开") from None
    return Disk(text, hashlib.sha256(raw).hexdigest())


def _form_context(path: ContentPath, project: Any) -> dict[str, Any]:
    """What the field macros need besides the state: the series to choose from, whether the id is fixed."""
    return {"series": [doc.model for doc in project.series], "fixed_id": path.kind in ("case", "model")}


def _is_draft(text: str) -> bool:
    try:
        data = load_plain(text)
    except RoundTripError:
        return False
    return isinstance(data, dict) and data.get("draft") is True


def _errors(problems: list[tuple[str, Any]]) -> int:
    return sum(1 for _, problem in problems if problem.level >= Level.ERROR)


def _problem_json(name: str, problem: Any) -> dict[str, Any]:
    return {"field": name, "level": problem.level.label, "message": problem.message, "path": problem.path,
            "line": problem.line, "column": problem.column}


def _heading(path: ContentPath, state: Any) -> str:
    if path.kind == "issue" and isinstance(state, dict):
        return f"{state.get('year', '')} 年第 {state.get('number', '')} 期简报"
    if isinstance(state, dict) and (state.get("title") or state.get("name")):
        return str(state.get("title") or state.get("name"))
    return KIND_TITLES[path.kind]


def _note_page(message: str) -> str:
    from html import escape

    return f'<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>预览</title><body style="font-family:sans-serif;padding:1rem"><p>{escape(message)}</p></body></html>'


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(
        join=lambda prefix, key: f"{prefix}.{key}" if prefix != "" else str(key),
        is_placeholder=lambda value: isinstance(value, str) and find_placeholder(value) is not None,
        is_date=_is_date,
        edit_link=lambda shown: "/edit/" + shown.removeprefix("content/") if shown.startswith("content/") else "#",
    )
    return env


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_NO_STORE = {"Cache-Control": "no-store"}
# Previews run no script of their own and load nothing from outside.
_PREVIEW_HEADERS = {**_NO_STORE, "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"}


def create_app(settings: Settings, workspace: Workspace | None = None, session: Session | None = None) -> Guard:
    """The editor's ASGI app for one project."""
    editor = Editor(settings, workspace or Workspace(settings), session or Session())

    async def refused(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status", 404 if isinstance(exc, PathRefused) else 403)
        return editor.message("无法完成", [str(exc)], status=status)

    routes = [
        Route("/", editor.home),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/edit/{rel:path}", editor.edit_get, methods=["GET"]),
        Route("/edit/{rel:path}", editor.edit_post, methods=["POST"]),
        Route("/api/check/{rel:path}", editor.api_check, methods=["POST"]),
        Route("/api/form/{rel:path}", editor.api_form, methods=["POST"]),
        Route("/api/preview/{rel:path}", editor.api_preview, methods=["POST"]),
        Route("/api/suggest/{rel:path}", editor.api_suggest, methods=["POST"]),
        Route("/api/markdown", editor.api_markdown, methods=["POST"]),
        Route("/new/{kind:str}", editor.new_file, methods=["POST"]),
        Route("/import", editor.import_bulletin, methods=["POST"]),
        Route("/upload-table", editor.upload_table, methods=["POST"]),
        Route("/publish", editor.publish, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    async def not_found(request: Request, exc: HTTPException) -> Response:
        text = {404: "没有这个页面", 405: "不能这样访问这个地址"}.get(exc.status_code, "无法完成")
        return editor.message(text, [f"地址：{request.url.path[:120]}"], status=exc.status_code)

    app = Starlette(routes=routes, exception_handlers={PathRefused: refused, Refused: refused, HTTPException: not_found})
    app.state.editor = editor
    return Guard(app)
