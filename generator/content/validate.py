"""Checks across files: numbering, references, text safety, redactions (SPEC §3)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterator

from generator.buildcache import BuildCache, Memo
from generator.content.load import Doc, Project
from generator.errors import Report
from generator.content.models import ID_PATTERN, REDACTED, CaseArticle, Issue
from generator.site.text import count_redactions, find_raw_html, find_unsafe_links
from generator.content.placeholders import find_placeholder
from generator.content.suggest import did_you_mean
from generator.content.numbering import expected_total, path_forms
from generator.site.urls import KIND_NAMES, RESERVED_CASE_IDS, RESERVED_PAGES, issue_key
from generator.content.yamlsrc import BAD_CHARACTERS, Loc, bad_character_message, iter_strings


def reserved_case_id_message(case_id: str) -> str | None:
    """Why a case id collides with the case list's own URLs (urls.RESERVED_CASE_IDS), or None."""
    if case_id not in RESERVED_CASE_IDS:
        return None
    names = "、".join(sorted(RESERVED_CASE_IDS))
    return f"案例 id“{case_id}”是保留名称：网址 cases/{case_id}/ 已用于案例列表本身，请换一个（保留的有：{names}）"


def validate_project(project: Project, report: Report, cache: BuildCache | None = None) -> dict[tuple[str, str, int, int], int | None]:
    """Run every cross-file check; return the 总期号 of each issue (given or derived).

    cache: the text checks of documents already checked by an earlier build of this process.
    """
    _check_series(project, report)
    _check_case_ids(project, report)
    _check_issue_paths(project, report)
    totals = _check_numbering(project, report)
    _check_references(project, report)
    _check_texts(project, report, (cache if cache is not None else BuildCache()).text_problems)
    _check_pages(project, report)
    return totals


def _check_series(project: Project, report: Report) -> None:
    seen: dict[str, Doc] = {}
    for doc in project.series:
        if doc.model.id in seen:
            index = project.series.index(doc)
            line, column = doc.at(index, "id")
            report.error(doc.path, line, column, f"简报系列 id“{doc.model.id}”重复")
        seen.setdefault(doc.model.id, doc)
    for doc in project.issues:
        if doc.model.series not in seen:
            line, column = doc.at("series")
            known = "、".join(seen) or "（无）"
            report.error(doc.path, line, column, f"未知的简报系列“{doc.model.series}”，已定义的有：{known}")


def _check_case_ids(project: Project, report: Report) -> None:
    for doc in project.cases:
        message = reserved_case_id_message(doc.model.id)
        if message:
            line, column = doc.at("id")
            report.error(doc.path, line, column, message)


def _check_placeholders(document: Any, report: Report) -> None:
    """A scaffold's 【请填写…】 left in a file that is not a draft would be published: an error at its line."""
    if not isinstance(document.data, dict) or document.data.get("draft") is True:
        return
    for loc, text in iter_strings(document.data):
        match = find_placeholder(text)
        if match is None:
            continue
        index = text.count("\n", 0, match.start())
        line, column = document.where.line_in_text(loc, index)
        report.error(document.path, line, column, f"“{_loc_name(loc)}”还是模板的占位文字“{match.group(0)}”：请换成实际内容（未完成的文件请保留 draft: true，草稿不发布）")


def _loc_name(loc: Loc) -> str:
    names = [part for part in loc if isinstance(part, str)]
    return names[-1] if names else "（文件）"


def _check_issue_paths(project: Project, report: Report) -> None:
    """The file path agrees with year and number, and with the series when it has a series folder."""
    for doc in project.issues:
        issue = doc.model
        plain, with_series = path_forms(issue.series, issue.year, issue.kind, issue.number)
        if doc.path in (plain, with_series):
            continue
        line, column = doc.at("number")
        which = f"{issue.year} 年{KIND_NAMES[issue.kind]}第 {issue.number} 期"
        if doc.path.count("/") == 4:  # content/briefings/<series>/<year>/<NNN>.yml: the series folder counts too
            report.error(doc.path, line, column, f"文件位置与简报系列、年度、期号不一致：{issue.series} {which}应保存为 {with_series}")
        else:
            report.error(doc.path, line, column, f"文件位置与年度、期号不一致：{which}应保存为 {plain}")


def _check_numbering(project: Project, report: Report) -> dict[tuple[str, str, int, int], int | None]:
    by_key: dict[tuple, Doc] = {}
    groups: dict[tuple[str, str], list[Doc]] = defaultdict(list)
    for doc in project.issues:
        key = issue_key(doc.model)
        if key in by_key:
            line, column = doc.at("number")
            report.error(doc.path, line, column, f"期号重复：{doc.model.year} 年{KIND_NAMES[doc.model.kind]}第 {doc.model.number} 期已在 {by_key[key].path} 中")
            continue
        by_key[key] = doc
        groups[(doc.model.series, doc.model.kind)].append(doc)
    totals: dict[tuple, int | None] = {}
    for docs in groups.values():
        docs.sort(key=lambda d: (d.model.year, d.model.number))
        _check_group(docs, report, totals)
    return totals


def _check_group(docs: list[Doc[Issue]], report: Report, totals: dict) -> None:
    """One series and kind, in numbering order: dates, gaps, 总期号 (numbering.py's rule)."""
    seen_totals: dict[int, Doc] = {}
    previous: Doc[Issue] | None = None
    previous_total: int | None = None
    for doc in docs:
        issue = doc.model
        if previous is None:
            missing = range(0)  # the archive may start at any issue
        elif previous.model.year != issue.year:
            missing = range(1, issue.number)
        else:
            missing = range(previous.model.number + 1, issue.number)
        if missing:
            line, column = doc.at("number")
            numbers = "、".join(str(n) for n in missing)
            report.warning(doc.path, line, column, f"{issue.year} 年{KIND_NAMES[issue.kind]}缺少第 {numbers} 期")
        if issue.date is not None and issue.date.year != issue.year:
            line, column = doc.at("date")
            report.error(doc.path, line, column, f"编印日期 {issue.date} 不在 {issue.year} 年内：year 为 {issue.year}，请核对年度或日期")
        if previous and issue.date is not None and previous.model.date is not None and issue.date < previous.model.date:
            line, column = doc.at("date")
            report.error(doc.path, line, column, f"日期 {issue.date} 早于上一期（{previous.path}，{previous.model.date}），期号顺序与日期不一致")
        total = issue.total
        if previous is not None and previous_total is not None:
            same_year = previous.model.year == issue.year
            expected = expected_total(previous.model.year, previous.model.number, previous_total, issue.year, issue.number)
            before = f"上一期 {previous.path} 为 {previous.model.year} 年第 {previous.model.number} 期（总第 {previous_total} 期）"
            if total is None:
                total = expected
            elif same_year and total != expected:
                line, column = doc.at("total")
                report.error(doc.path, line, column, f"总期号与期号不一致：上一期 {previous.path} 为第 {previous.model.number} 期（总第 {previous_total} 期），本期第 {issue.number} 期应为总第 {expected} 期，实际为 {total}")
            elif not same_year and total <= previous_total:
                line, column = doc.at("total")
                report.error(doc.path, line, column, f"总期号 {total} 不大于上一期（{previous.path}，总第 {previous_total} 期）")
            elif not same_year and total != expected:
                line, column = doc.at("total")
                report.warning(doc.path, line, column, f"总期号跳跃：{before}，本期 {issue.year} 年第 {issue.number} 期应为总第 {expected} 期，实际为 {total}（确有跳号请忽略；--strict 时为错误）")
        if total is not None and total in seen_totals:
            line, column = doc.at("total")
            report.error(doc.path, line, column, f"总期号 {total} 重复，已在 {seen_totals[total].path} 中")
        if total is not None:
            seen_totals.setdefault(total, doc)
        totals[issue_key(issue)] = total
        previous, previous_total = doc, total


def _check_references(project: Project, report: Report) -> None:
    cases = {doc.model.id: doc.model for doc in project.cases}
    models = {doc.model.id: doc.model for doc in project.models}
    for doc in project.issues:
        for index, article in enumerate(doc.model.articles or []):
            if not isinstance(article, CaseArticle):
                continue
            case = cases.get(article.case)
            if case is None:
                hint = did_you_mean(article.case, cases)
                report.error(doc.path, *doc.at("articles", index, "case"), f"引用的案例“{article.case}”不存在{hint}，应有文件 content/cases/{article.case}.yml")
            elif case.draft and not doc.model.draft:
                report.error(doc.path, *doc.at("articles", index, "case"), f"引用的案例“{article.case}”还是草稿（draft: true），本期不是草稿：案例完成后把它的 draft 改为 false")
        if doc.model.distribution == []:
            line, column = doc.at("distribution")
            report.warning(doc.path, line, column, "报尾（distribution）为空")
    for doc in project.cases:
        case = doc.model
        model = models.get(case.model) if case.model else None
        if case.model and model is None:
            line, column = doc.at("model")
            hint = did_you_mean(case.model, models)
            report.error(doc.path, line, column, f"发展模式“{case.model}”不存在{hint}，应有文件 content/models/{case.model}.yml")
        elif model is not None and model.draft and not case.draft:
            line, column = doc.at("model")
            report.error(doc.path, line, column, f"发展模式“{case.model}”还是草稿（draft: true），本案例不是草稿：模式完成后把它的 draft 改为 false")
        for loc, section in _sections(case.sections or []):
            if section is None or section.model_item is None:
                continue
            if not case.model:
                line, column = doc.at(*loc, "model_item")
                report.error(doc.path, line, column, "填写了 model_item，但案例没有指定发展模式（model）")
            elif model and model.items and section.model_item > len(model.items):
                line, column = doc.at(*loc, "model_item")
                report.error(doc.path, line, column, f"model_item {section.model_item} 超出范围：发展模式“{model.name}”只有 {len(model.items)} 项")
        for index, highlight in enumerate(case.highlights or []):
            if highlight is not None and highlight.redacted:
                line, column = doc.at("highlights", index, "value")
                report.note(doc.path, line, column, f"脱敏数字：“{highlight.label}”显示为 *，不参与计算和核对")


def _sections(sections: list, prefix: Loc = ("sections",)) -> Iterator[tuple[Loc, Any]]:
    for index, section in enumerate(sections):
        yield (*prefix, index), section
        yield from _sections(getattr(section, "sections", None) or [], (*prefix, index, "sections"))


def _check_texts(project: Project, report: Report, memo: Memo[str, list]) -> None:
    """Raw HTML, unsafe links and left placeholders are errors in every text; redactions are counted.

    memo: each document's problems by its digest (documents parsed from the same bytes).
    """
    for document in project.documents:
        known = memo.get(document.digest) if document.digest else None
        if known is None:
            own = Report()
            _check_placeholders(document, own)
            _check_document_texts(document, own)
            known = own.problems
            if document.digest:
                memo.put(document.digest, known)
        report.extend(list(known))


def _check_document_texts(document: Any, report: Report) -> None:
    redactions = 0
    first_redaction: tuple[int, int] | None = None
    for loc, text in iter_strings(document.data):
        for index, tag in find_raw_html(text):
            line, column = document.where.line_in_text(loc, index)
            report.error(document.path, line, column, f"文本中不允许使用 HTML（{tag}），请改用 Markdown：加粗写作 **文字**")
        for index, target in find_unsafe_links(text):
            line, column = document.where.line_in_text(loc, index)
            report.error(document.path, line, column, f"不安全的链接“{target}”：只允许 http、https、mailto 或站内相对链接")
        if text.strip() in REDACTED:
            continue  # a redacted highlight value, noted on its own
        count = count_redactions(text)
        if count and first_redaction is None:
            first_redaction = document.where.at(loc)
        redactions += count
    if redactions and first_redaction:
        report.note(document.path, *first_redaction, f"含 {redactions} 处脱敏内容“*”，原样显示，不参与计算")


def _check_pages(project: Project, report: Report) -> None:
    for page in project.pages:
        if page.name in RESERVED_PAGES or not re.match(ID_PATTERN, page.name):
            report.error(page.path, 1, 1, f"页面文件名“{page.name}.md”不可用：应为小写字母、数字和连字符，且不能是保留名称（{'、'.join(sorted(RESERVED_PAGES))}）")
        for index, tag in find_raw_html(page.text):
            report.error(page.path, index + 1, 1, f"页面中不允许使用 HTML（{tag}），请改用 Markdown")
        for index, target in find_unsafe_links(page.text):
            report.error(page.path, index + 1, 1, f"不安全的链接“{target}”：只允许 http、https、mailto 或站内相对链接")
        bad = BAD_CHARACTERS.search(page.text)
        if bad:
            line = page.text.count("\n", 0, bad.start())
            report.error(page.path, line + 1, bad.start() - (page.text.rfind("\n", 0, bad.start()) + 1) + 1, bad_character_message(bad.group(0)))
