"""Figures in text ({{ ind("id", "region", year) }}) and checks of highlight cards.

Content templates run in a locked-down sandbox: the only name is ind(), no
attribute of any Python object may be read, nothing is loaded from disk.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from generator.buildcache import BuildCache, Memo
from generator.content.load import Doc, Project
from generator.data.load import ChartInputs, Data
from generator.errors import Report
from generator.output.stores import generator_code, store_value, stored_value
from generator.content.models import Case, ChartDecl
from generator.content.suggest import did_you_mean, region_hint, short_list
from generator.site.chart_data import ChartError, chart_data, chart_key
from generator.site.numbers import format_quantity
from generator.content.yamlsrc import iter_strings

MARKERS = ("{{", "{%", "{#")


class FigureError(Exception):
    """A figure that cannot be shown; the message is for users."""


class _LockedSandbox(ImmutableSandboxedEnvironment):
    """No attribute access at all; the only callable is ind()."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False


class Figures:
    """Expands {{ ind(...) }} in content text from computed indicators."""

    def __init__(self, data: Data):
        self.data = data
        self.env = _LockedSandbox(undefined=StrictUndefined, autoescape=False)
        self.env.globals.clear()
        self.env.filters.clear()
        self.env.tests.clear()
        self.env.globals["ind"] = self.ind

    def ind(self, indicator: Any = None, region: Any = None, year: Any = None) -> str:
        if not isinstance(indicator, str) or not isinstance(region, str) or not isinstance(year, int) or isinstance(year, bool):
            raise FigureError('ind() 的写法是 ind("指标", "地区/路径", 年度)，如 ind("income_ge_20", "山西省/晋中市", 2022)')
        defs = self.data.defs
        if indicator not in defs:
            known = "、".join(sorted(defs)) or "（data/indicators.yml 未定义任何指标）"
            raise FigureError(f"未定义的指标“{indicator}”{did_you_mean(indicator, defs)}，可用的有：{known}")
        value = self.data.value(indicator, region, year)
        if value is None or math.isnan(value):
            raise FigureError(f"没有 {region} {year} 年“{indicator}”的计算结果{data_hint(self.data, region, year)}")
        return format_quantity(value, defs[indicator][1], running_text=True)

    def expand(self, text: str) -> str:
        """Text with every {{ ind(...) }} replaced; raises FigureError (the first mistake)."""
        if not any(marker in text for marker in MARKERS):
            return text
        result, problems = self._expand(text)
        if problems:
            raise FigureError(problems[0][1])
        return result

    def problems(self, text: str) -> list[tuple[int, str]]:
        """Every template mistake of a text: (offset of the character in text, message)."""
        if not any(marker in text for marker in MARKERS):
            return []
        return self._expand(text)[1]

    def _expand(self, text: str) -> tuple[str, list[tuple[int, str]]]:
        """Each {{ … }} on its own, so that one mistake does not hide the next."""
        parts: list[str] = []
        problems: list[tuple[int, str]] = []
        position = 0
        for match in _BLOCK.finditer(text):
            _stray_markers(text, position, match.start(), problems)
            try:
                parts.append(text[position:match.start()] + self._block(match.group(1)))
            except _BlockError as exc:
                problems.append((match.start() + exc.offset, str(exc)))
            position = match.end()
        _stray_markers(text, position, len(text), problems)
        parts.append(text[position:])
        return "".join(parts), problems

    def _block(self, inner: str) -> str:
        """One {{ … }} block, typed with IME punctuation or not, rendered."""
        source = "{{" + inner.translate(FULL_WIDTH) + "}}"
        try:
            template = self.env.parse(source)
            check_template(template)
            return self.env.from_string(template).render()
        except FigureError as exc:
            raise _BlockError(str(exc), 0) from exc
        except SecurityError as exc:
            raise _BlockError("文本模板只能使用 ind(…)，不能访问其他对象", 0) from exc
        except TemplateSyntaxError as exc:
            raise _syntax_error(exc, source) from exc
        except TemplateError as exc:
            raise _BlockError(f"文本模板有误：{_snippet(inner)}的写法不对，{USAGE}", 0) from exc
        except RecursionError as exc:
            raise _BlockError("文本模板嵌套过深", 0) from exc
        except Exception as exc:  # anything else a template can provoke is a content error too
            raise _BlockError(f"文本模板有误：{_snippet(inner)}的写法不对，{USAGE}", 0) from exc


# {{ … }} blocks; the quotes, commas and brackets of a Chinese input method count as ASCII inside them.
_BLOCK = re.compile(r"\{\{(.*?)\}\}", re.S)
FULL_WIDTH = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "＂": '"', "＇": "'", "，": ",", "（": "(", "）": ")", "　": " "})
USAGE = '应写作 {{ ind("指标", "地区/路径", 年度) }}，如 {{ ind("income_ge_20", "山西省/晋中市", 2022) }}'
_UNEXPECTED_CHAR = re.compile(r"unexpected char (.+) at (\d+)")


class _BlockError(Exception):
    """A mistake in one {{ … }} block, offset characters after its start."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


def _syntax_error(exc: TemplateSyntaxError, source: str) -> _BlockError:
    match = _UNEXPECTED_CHAR.match(exc.message or "")
    if match:
        char = match.group(1).strip("'\"")
        return _BlockError(f"文本模板有误：不能使用字符“{char}”，{USAGE}", int(match.group(2)))
    return _BlockError(f"文本模板有误：{_snippet(source[2:-2])}的写法不对，{USAGE}", 0)


def _snippet(inner: str) -> str:
    text = " ".join(inner.split())
    return "“{{ " + (text if len(text) <= 40 else text[:40] + "…") + " }}”"


def _stray_markers(text: str, start: int, end: int, problems: list[tuple[int, str]]) -> None:
    """{% … %}, {# … #} and an unclosed {{ between blocks."""
    for match in _STRAY.finditer(text, start, end):
        if match.group(0) == "{{":
            problems.append((match.start(), "文本模板有误：“{{”之后缺少“}}”"))
        else:
            problems.append((match.start(), ONLY_IND))


_STRAY = re.compile(r"\{\{|\{%|\{#")


def data_hint(data: Data, region: str, year: int) -> str:
    """Why there is no value: an unknown region (and the closest one), or a year without data."""
    regions = data.regions()
    if region not in regions:
        return f"：没有地区“{region}”的数据{region_hint(region, regions)}{short_list('有数据的地区', regions)}"
    years = data.years(region)
    if year not in years:
        return f"：{region} 没有 {year} 年的数据{short_list('有数据的年度', years)}"
    return ""


ONLY_IND = '文本模板有误：只能写 {{ ind("指标", "地区/路径", 年度) }}，不能使用运算、过滤器、循环或宏'


def check_template(template: nodes.Template) -> None:
    """Text and ind() calls with literal arguments only: nothing can loop, grow or reach an object.

    The sandbox alone would still run `{{ [1] * 10**9 }}` or macros calling each other
    exponentially; a template that is only ind() calls takes time and memory in
    proportion to its length.
    """
    if any(True for _ in template.find_all((nodes.Getattr, nodes.Getitem))):
        raise FigureError("文本模板只能使用 ind(…)，不能访问其他对象")
    for output in template.body:
        if not isinstance(output, nodes.Output):
            raise FigureError(ONLY_IND)
        for child in output.nodes:
            if not (isinstance(child, nodes.TemplateData) or _is_ind_call(child)):
                raise FigureError(ONLY_IND)


def _is_ind_call(node: nodes.Node) -> bool:
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Name)
        and node.node.name == "ind"
        and all(isinstance(arg, nodes.Const) for arg in node.args)
        and all(isinstance(kwarg.value, nodes.Const) for kwarg in node.kwargs)
        and node.dyn_args is None
        and node.dyn_kwargs is None
    )


def check_figures(project: Project, figures: Figures, report: Report, cache: BuildCache | None = None) -> None:
    """Every template in every text renders; each mistake at its line and column inside the text."""
    markers = (cache if cache is not None else BuildCache()).markers
    for document in project.documents:
        if not _has_markers(document, markers):
            continue
        for loc, text in iter_strings(document.data):
            for offset, message in figures.problems(text):
                line, column = document.where.point_in_text(loc, text, offset)
                report.error(document.path, line, column, message)


def _has_markers(document: Any, memo: Memo[str, bool]) -> bool:
    """Whether a document has any {{ … }} at all (memo: by document digest, from earlier builds)."""
    known = memo.get(document.digest) if document.digest else None
    if known is None:
        known = any(marker in text for _, text in iter_strings(document.data) for marker in MARKERS)
        if document.digest:
            memo.put(document.digest, known)
    return known


def check_highlights(project: Project, data: Data, report: Report) -> None:
    """Highlight cards with indicator: agree with the computed value (警告 otherwise)."""
    defs = data.defs
    for doc in project.cases:
        for index, highlight in enumerate(doc.model.highlights or []):
            if highlight is None or highlight.indicator is None or doc.model.region is None:
                continue  # None: not valid, already reported (a partial model, content.py)
            line, column = doc.at("highlights", index, "indicator")
            if highlight.indicator not in defs:
                report.error(doc.path, line, column, f"未定义的指标“{highlight.indicator}”{did_you_mean(highlight.indicator, defs)}（见 data/indicators.yml）")
                continue
            if highlight.redacted:
                continue
            year = _year_of(doc, index)
            if year is None:
                report.warning(doc.path, line, column, f"无法核对“{highlight.indicator}”：请填写 as_of（截至日期）")
                continue
            computed = data.value(highlight.indicator, doc.model.region, year)
            if computed is None:
                report.note(doc.path, line, column, f"没有 {doc.model.region} {year} 年“{highlight.indicator}”的计算结果{data_hint(data, doc.model.region, year)}，未核对")
                continue
            value = float(highlight.value)  # not redacted, so a number
            if not agrees(value, computed):
                vline, vcolumn = doc.at("highlights", index, "value")
                report.warning(doc.path, vline, vcolumn, f"关键数字与计算结果不一致：“{highlight.indicator}”{doc.model.region} {year} 年填写 {_show(value)}，计算得 {_show(computed)}")


def agrees(written: float, computed: float) -> bool:
    """Equal within half a unit of the last decimal written (74 ~ 74.0, 8.9 ≠ 9.0)."""
    text = repr(float(written)).rstrip("0").rstrip(".")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return abs(written - computed) <= 0.5 * 10 ** (-decimals) + 1e-9


def _show(value: float) -> str:
    return f"{value:g}"


def _year_of(doc: Doc[Case], index: int) -> int | None:
    highlight = doc.model.highlights[index]
    if highlight.as_of:
        return highlight.as_of.year
    return doc.model.date.year if doc.model.date else None


def check_charts(project: Project, data: Data, report: Report, cache: BuildCache | None = None, *,
                 store: Path | None = None, pending: dict[Path, str | bytes] | None = None) -> None:
    """Every chart declared in a case or an issue can be drawn from the data (chart_data: no Altair needed).

    What chart_data answered for each declaration and the digest of its rows is kept in cache (this
    process) and in store (the next build, written from pending): a chart whose rows did not change
    is not computed again, and the frames are not read for it.
    """
    memo = (cache if cache is not None else BuildCache()).chart_checks
    code = f"chart checks\0{generator_code()}"
    kept = stored_value(store, code) if store is not None else None
    kept = kept if isinstance(kept, dict) else {}
    answers: dict[str, str] = {}
    regions = set(data.regions())
    for doc in [*project.cases, *project.issues]:
        for index, decl in enumerate(doc.model.charts or []):
            if decl is None:
                continue
            if decl.region not in regions:
                line, column = doc.at("charts", index, "region")
                report.error(doc.path, line, column, f"图表无法生成：没有地区“{decl.region}”的数据{region_hint(decl.region, regions)}{short_list('有数据的地区', regions)}")
                continue
            rows = data.chart_inputs(decl.region)
            key = chart_key(decl, rows.digest, data.defs)  # chart_data's code is in generator_code()
            answer = memo.get(key)
            if answer is None:
                answer = kept[key] if isinstance(kept.get(key), str) else _chart_answer(decl, rows, data.defs)
                memo.put(key, answer)
            answers[key] = answer
            if answer:
                line, column = doc.at("charts", index)
                report.error(doc.path, line, column, f"图表无法生成：{answer}")
    if store is not None and pending is not None and answers != kept:
        store_value(pending, store, code, answers)


def _chart_answer(decl: ChartDecl, rows: ChartInputs, defs: dict[str, tuple[str, str]]) -> str:
    """Why the data cannot draw the chart, or "" when it can (the rows are read only now)."""
    try:
        chart_data(decl, rows.indicators, rows.villages, defs)
    except ChartError as exc:
        return str(exc)
    return ""
