"""Previews from the form's current state, without a site build.

An issue is shown as the printed 简报 (the standalone sheet of the print stage); a case as the
body of its page on the site; a page or a Markdown field as its HTML. Each uses the same
templates and Markdown as the build; the project's other files are the loaded ones.
"""

from __future__ import annotations

import re
from html import escape

from generator.content.load import Project
from generator.content.models import CaseArticle
from generator.content.validate import validate_project
from generator.data.figures import Figures
from generator.editor.workspace import Checked, Workspace
from generator.errors import Level, Report
from generator.site.templates_dir import default_templates

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
PAGE_EXTENSIONS = ["attr_list", "tables", "toc", "md_in_html"]


class PreviewRefused(Exception):
    """Why this state cannot be previewed yet; the message is for users."""


def preview(workspace: Workspace, checked: Checked, kind: str, shown: str) -> str:
    """The preview page (a whole HTML document) of the checked text."""
    if kind == "page":
        from generator.site.text import render_markdown

        document = next((p for p in checked.project.pages if p.path == shown), None)
        return _wrap(str(render_markdown(document.text if document else "")), "页面预览", workspace)
    errors = [problem for _, problem in checked.problems if problem.level >= Level.ERROR]
    if kind not in ("issue", "case") or errors:
        reason = "；".join(f"第 {p.line} 行：{p.message}" for p in errors[:5]) if errors else "只有简报、案例和页面可以预览"
        raise PreviewRefused(f"暂时无法预览：{reason}")
    project = _around(checked.project, kind, shown)
    if kind == "issue":
        return _issue_sheet(workspace, project)
    return _case_page(workspace, project, shown)


def markdown_html(text: str) -> str:
    """One Markdown field as the site shows it (sanitised)."""
    from generator.site.text import render_markdown

    return str(render_markdown(text))


def _around(project: Project, kind: str, shown: str) -> Project:
    """The file and what its page needs: series, referenced cases, their models."""
    issues = [doc for doc in project.issues if doc.path == shown] if kind == "issue" else []
    wanted = {article.case for doc in issues for article in doc.model.articles if isinstance(article, CaseArticle)}
    cases = [doc for doc in project.cases if doc.path == shown or doc.model.id in wanted]
    models = {doc.model.model for doc in cases if doc.model.model}
    return Project(root=project.root, series=project.series, issues=issues, cases=cases,
                   models=[doc for doc in project.models if doc.model.id in models],
                   documents=[d for d in project.documents if d.path == shown])


def _render_context(workspace: Workspace):
    from generator.output.mkdocs_config import check_mkdocs_yml, site_extra
    from generator.site.chart_render import ChartRenderer
    from generator.site.pages import ChartMaker, RenderOptions, make_render_context

    data = workspace.data
    options = RenderOptions(offline=True, extra=site_extra(check_mkdocs_yml(workspace.root, Report())), pdf=False)
    charts = ChartMaker(data, ChartRenderer(workspace.settings.cache_dir / "charts", pending={}), workspace.cache)
    return make_render_context(workspace.settings.templates_dir, options, workspace.cache, Figures(data), charts)


def _site(workspace: Workspace, project: Project):
    from generator.site.structure import compute_site

    totals = validate_project(workspace.refresh(), Report(), workspace.cache)
    totals.update(validate_project(project, Report(), workspace.cache))
    return compute_site(project, totals, workspace.data, drafts=True, cache=workspace.cache)


def _issue_sheet(workspace: Workspace, project: Project) -> str:
    from generator.output.printing import render_standalone

    site = _site(workspace, project)
    if not site.issues:
        raise PreviewRefused("暂时无法预览：这一期引用的案例或系列不存在")
    return render_standalone(site.issues[0], _render_context(workspace).env)


def _case_page(workspace: Workspace, project: Project, shown: str) -> str:
    import markdown

    site = _site(workspace, project)
    case = next((view for view in site.cases if f"content/cases/{view.case.id}.yml" == shown), None)
    if case is None:
        raise PreviewRefused("暂时无法预览这个案例")
    context = _render_context(workspace)
    from generator.site.pages import linker

    page = f"{case.url}index.md"
    text = context.env.get_template("case.md.j2").render(site=site, rel=linker(page, True), page_path=page, case=case)
    body = markdown.markdown(_FRONT_MATTER.sub("", text), extensions=PAGE_EXTENSIONS)
    return _wrap(body, case.case.title, workspace)


def _wrap(body: str, title: str, workspace: Workspace) -> str:
    """A preview document with the site's own stylesheets inline (the page frame of the theme left out)."""
    css = "\n".join(_stylesheet(workspace, name) for name in ("jianbao.css", "charts.css")).replace("</", "<\\/")
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f'<style>body{{font-family:"Noto Serif CJK SC",serif;max-width:46rem;margin:1.5rem auto;padding:0 1rem;line-height:1.8}}{css}</style>'
            f'</head><body><p style="color:#555">预览：与网站页面的正文相同，页面的导航和页眉从略。</p><article class="md-typeset">{body}</article></body></html>')


def _stylesheet(workspace: Workspace, name: str) -> str:
    """The project's stylesheet of that name, else the shipped one."""
    for base in (workspace.settings.templates_dir, default_templates()):
        path = base / "assets" / "stylesheets" / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""
