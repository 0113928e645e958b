"""Where a page's figures come from: sample tables (示例数据) and coverage that changes between years.

Pure functions of the content and the computed data. Pages ask through one Provenance
object per build (make_render_context puts it in the templates); `jianbao check` asks check_coverage.
Both give the same answer, since the page cache fingerprints every page with the data digest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from jinja2 import TemplateError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from generator.data.facts import TablePart, YearCoverage
from generator.data.indicator_defs import REGION_COLUMNS
from generator.data.load import Data
from generator.errors import Report
from generator.content.models import Case

if TYPE_CHECKING:
    from generator.site.structure import CaseView, IssueView

# What the sub-regions of a region are called, by the level of the region (省 → 市 …).
CHILD_NAMES = ("市", "县（市、区）", "乡镇", "行政村")


def ind_regions(text: str, env: ImmutableSandboxedEnvironment) -> list[str]:
    """The regions of the ind("…", "region", year) calls in a text (a text that does not parse: none)."""
    if "{{" not in text:
        return []
    try:
        template = env.parse(text)
    except TemplateError:
        return []  # jianbao check reports it
    found = []
    for call in template.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "ind" and len(call.args) >= 2 and isinstance(call.args[1], nodes.Const):
            if isinstance(call.args[1].value, str):
                found.append(call.args[1].value)
    return found


def case_texts(case: Case) -> Iterator[str]:
    """Every text of a case that may hold a figure."""
    yield from (case.title, case.summary, case.lead)
    for section in case.sections:
        for part in (section, *section.sections):
            yield part.heading
            yield part.body
            for point in part.points:
                yield from (point.lead or "", point.text)


class Provenance:
    """Answers for the templates of one build: which figures are sample data, where coverage changes."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self._env = ImmutableSandboxedEnvironment()  # parses only; nothing is rendered with it

    def _sample(self, regions: Iterable[str]) -> list[str]:
        return sorted({region for region in regions if self.data.is_sample(region)})

    def case_regions(self, case: Case) -> Iterator[str]:
        """Regions whose data the case's figures use: ind() in its texts, its charts, checked highlights."""
        for text in case_texts(case):
            yield from ind_regions(text, self._env)
        yield from (decl.region for decl in case.charts)
        if any(h.indicator for h in case.highlights):
            yield case.region

    def case_sample(self, view: CaseView) -> list[str]:
        """The sample-data regions the figures of a case page come from."""
        return self._sample(self.case_regions(view.case))

    def issue_sample(self, view: IssueView) -> list[str]:
        """The sample-data regions the figures of an issue (page, PDF, HTML) come from."""
        regions: list[str] = [decl.region for decl in view.issue.charts]
        for article in view.articles:
            if article.case is not None:
                regions += self.case_regions(article.case.case)
            else:
                regions += ind_regions(article.title, self._env) + ind_regions(article.body or "", self._env)
        return self._sample(regions)

    def table_parts(self, region: str) -> list[TablePart]:
        """The tables of a region whose data mixes sample and real tables (else [])."""
        return self.data.table_parts(region)

    def coverage(self, region: str) -> str | None:
        """A sentence for the region page when its coverage changes between years, else None."""
        rows = self.data.coverage().get(region)
        return coverage_text(region, rows) if rows else None


def coverage_text(region: str, years: list[YearCoverage]) -> str:
    """2020 年：1 个市、1,942 个行政村；2021—2022 年：2 个市、1,972 个行政村 (what has data, year by year)."""
    level = region.count("/")
    name = CHILD_NAMES[min(level, len(CHILD_NAMES) - 1)]
    groups: list[list[YearCoverage]] = []
    for year in years:
        if groups and (groups[-1][-1].children, groups[-1][-1].villages) == (year.children, year.villages) and groups[-1][-1].year + 1 == year.year:
            groups[-1].append(year)
        else:
            groups.append([year])
    parts = []
    for group in groups:
        span = f"{group[0].year} 年" if len(group) == 1 else f"{group[0].year}—{group[-1].year} 年"
        first = group[0]
        counted = f"{first.villages:,} 个行政村" if name == "行政村" else f"{first.children} 个{name}、{first.villages:,} 个行政村"
        parts.append(f"{span}：{counted}")
    return "；".join(parts)


def coverage_origins(data: Data) -> dict[str, list[YearCoverage]]:
    """The regions where a change of coverage starts: their own sub-regions come or go (a 乡镇: its villages).

    Their parents' village counts change too, but saying so once, where it happens, is enough for check.
    """
    changes = data.coverage()
    origins = {}
    for region, years in changes.items():
        own = {y.children for y in years}
        leaf = region.count("/") == len(REGION_COLUMNS) - 1
        if len(own) > 1 or leaf:
            origins[region] = years
    return origins


def check_coverage(data: Data, report: Report) -> None:
    """A 提示 for every region whose coverage changes between years (the region page explains it)."""
    for region, years in coverage_origins(data).items():
        path = data.region(region).first_file or "data/villages"
        report.note(path, 1, 1, f"{region} 有数据的范围逐年不同（{coverage_text(region, years)}），各年的个数和占比因此不完全可比（地区页上已注明）")

