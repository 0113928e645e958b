"""What the editor's home page lists: series, issues by year, cases, models, pages, and their problems."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from generator.content.numbering import next_numbers
from generator.content.models import CaseArticle
from generator.content.validate import validate_project
from generator.editor.workspace import Workspace
from generator.errors import Level, Report
from generator.site.urls import KIND_NAMES


def home_values(workspace: Workspace) -> dict[str, Any]:
    project = workspace.refresh()
    errors = Counter(p.path for p in workspace.report.problems if p.level >= Level.ERROR)
    totals = validate_project(project, Report(), workspace.cache)
    by_year: dict[int, list[dict]] = defaultdict(list)
    for doc in project.issues:
        issue = doc.model
        kind = "" if issue.kind in (None, "regular") else KIND_NAMES.get(issue.kind, "")
        total = totals.get((issue.series, issue.kind, issue.year, issue.number), issue.total) if issue.series else issue.total
        by_year[issue.year or 0].append({
            "rel": _rel(doc.path), "number": f"{kind}第 {issue.number} 期", "sort": (issue.kind or "", issue.number or 0),
            "total": f"总第 {total} 期" if total else "—", "date": issue.date.isoformat() if issue.date else "",
            "title": _first_title(issue, project), "draft": bool(issue.draft), "errors": errors.get(doc.path, 0),
        })
    issues_by_year = [(year, sorted(rows, key=lambda r: r["sort"], reverse=True)) for year, rows in sorted(by_year.items(), reverse=True)]
    return {
        "series": [doc.model for doc in project.series],
        "issues_by_year": issues_by_year,
        "cases": [_row(doc, doc.model.title, errors, region=doc.model.region) for doc in sorted(project.cases, key=lambda d: d.path)],
        "models": [_row(doc, doc.model.name, errors) for doc in sorted(project.models, key=lambda d: d.path)],
        "pages": [{"rel": _rel(page.path), "title": page.title} for page in project.pages],
        "problem_total": sum(errors.values()),
        "today": dt.date.today().isoformat(),
        "next_issue": _next_issue(project),
    }


def _row(doc: Any, title: str | None, errors: Counter, **more: Any) -> dict[str, Any]:
    return {"rel": _rel(doc.path), "id": doc.model.id, "title": title or "", "draft": bool(doc.model.draft), "errors": errors.get(doc.path, 0), **more}


def _rel(shown: str) -> str:
    return shown.removeprefix("content/")


def _first_title(issue: Any, project: Any) -> str:
    titles = []
    cases = {doc.model.id: doc.model.title for doc in project.cases}
    for article in issue.articles or []:
        if article is None:
            continue
        titles.append((article.title or cases.get(article.case, article.case)) if isinstance(article, CaseArticle) else article.title)
    text = "；".join(t for t in titles if t)
    return text if len(text) <= 60 else text[:60] + "…"


def _next_issue(project: Any) -> str:
    if len(project.series) != 1:
        return ""
    series = project.series[0].model
    today = dt.date.today()
    issues = [doc.model for doc in project.issues if not doc.partial and doc.model.series == series.id and doc.model.kind == "regular"]
    number, total = next_numbers(issues, today.year)
    return f"{today.year} 年第 {number} 期" + (f"（总第 {total} 期）" if total else "")
