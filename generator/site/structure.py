"""Compute the site structure from validated content: URLs, links, groupings.

Everything here is pure: typed models in, typed views out. Templates receive
these views (never raw YAML), so a page can only show what was validated.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from generator.buildcache import BuildCache, Memo
from generator.content.load import Page, Project
from generator.data.load import Data
from generator.output.stores import generator_code, remembered
from generator.content.models import Case, CaseArticle, ChartDecl, DevModel, Distribution, Issue, ModelItem, Point, Section, Series, SubSection
from generator.site.numbers import format_number
from generator.site.urls import issue_key, issue_slug

# Pages that list cases show the newest ones up to this many, and link to the full list
# (a filter page): a province's page would otherwise list every case of the archive.
CASE_LIST_LIMIT = 20
CASES_INDEX_LIMIT = 100
# A filter page (cases/<kind>/<value>/) lists this many cases, then page/2/, page/3/ …
CASES_PAGE_SIZE = 50
LEVELS = ("省", "市", "县", "乡镇", "村")


@dataclass
class ArticleView:
    title: str
    case: CaseView | None = None
    body: str | None = None
    # An inline article's points and 一、二、… sections (a case's are on its CaseView).
    points: list[Point] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def text(self) -> str:
        """An inline article's whole text: body, points, sections (for search)."""
        parts = [self.body or ""]
        parts += [part for point in self.points for part in (point.lead or "", point.text)]
        for section in self.sections:
            for part in (section, *section.sections):
                parts += [part.heading, part.body, *(p.lead or "" for p in part.points), *(p.text for p in part.points)]
        return "\n".join(part for part in parts if part)


@dataclass
class IssueView:
    issue: Issue
    series: Series
    total: int | None
    articles: list[ArticleView] = field(default_factory=list)
    previous: IssueView | None = None
    next: IssueView | None = None

    @property
    def slug(self) -> str:
        return issue_slug(self.issue)

    @property
    def url(self) -> str:
        return f"briefings/{self.series.id}/{self.issue.year}/{self.slug}/"

    @property
    def file_stem(self) -> str:
        return f"{self.series.id}-{self.issue.year}-{self.slug}"

    @property
    def title(self) -> str:
        return "；".join(article.title for article in self.articles)

    @property
    def number_line(self) -> str:
        """第 7 期（总第 62 期）, 增刊第 1 期 …"""
        prefix = {"regular": "", "supplement": "增刊", "special": "专刊"}[self.issue.kind]
        text = f"{prefix}第 {self.issue.number} 期"
        return f"{text}（总第 {self.total} 期）" if self.total else text

    def label_from(self, here: IssueView) -> str:
        """This issue's 期号 line as a link from another issue: with the year when it differs."""
        year = f"{self.issue.year} 年" if self.issue.year != here.issue.year else ""
        return year + self.number_line

    @property
    def distribution(self) -> list[Distribution]:
        if self.issue.distribution is not None:
            return self.issue.distribution
        return self.series.distribution

    @property
    def printed_by(self) -> str:
        return self.issue.printed_by or self.series.printed_by or self.series.issuer

    @property
    def printed_date(self) -> dt.date:
        return self.issue.printed_date or self.issue.date


@dataclass
class Realisation:
    """A case section that realises one item of a development model."""

    case: CaseView
    heading: str
    anchor: str


@dataclass
class ItemView:
    number: int
    item: ModelItem
    realisations: list[Realisation] = field(default_factory=list)


@dataclass
class ModelView:
    model: DevModel
    items: list[ItemView] = field(default_factory=list)
    cases: list[CaseView] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"models/{self.model.id}/"


@dataclass
class TableRow:
    """One indicator over the years, formatted for a table."""

    indicator: str
    name: str
    unit: str
    values: list[str]


@dataclass
class RegionView:
    path: str
    children: list[RegionView] = field(default_factory=list)
    cases: list[CaseView] = field(default_factory=list)
    parent: RegionView | None = None
    years: list[int] = field(default_factory=list)
    table: list[TableRow] = field(default_factory=list)
    charts: list[ChartDecl] = field(default_factory=list)
    sample: bool = False

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def level(self) -> str:
        return LEVELS[min(self.path.count("/"), len(LEVELS) - 1)]

    @property
    def url(self) -> str:
        return f"regions/{self.path}/"

    @property
    def ancestors(self) -> list[RegionView]:
        chain = []
        node = self.parent
        while node:
            chain.insert(0, node)
            node = node.parent
        return chain

    def all_cases(self) -> list[CaseView]:
        """Cases of this region and every region below it."""
        found = list(self.cases)
        for child in self.children:
            found.extend(child.all_cases())
        return sorted(found, key=case_order)


@dataclass
class CaseView:
    case: Case
    model: ModelView | None = None
    region: RegionView | None = None
    issues: list[IssueView] = field(default_factory=list)
    related: list[CaseView] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"cases/{self.case.id}/"

    @property
    def year(self) -> int | None:
        return self.case.date.year if self.case.date else None


@dataclass
class Filter:
    """One no-JS listing page of cases: cases/<kind>/<value>/."""

    kind: str
    value: str
    label: str
    cases: list[CaseView]

    @property
    def url(self) -> str:
        return f"cases/{self.kind}/{self.value}/"


@dataclass
class Pager:
    """Page `number` of `count` of a case list whose first page is at `base`."""

    number: int
    count: int
    total: int
    base: str
    size: int = CASES_PAGE_SIZE

    def url(self, number: int) -> str:
        return self.base if number == 1 else f"{self.base}page/{number}/"

    @property
    def path(self) -> str:
        return self.url(self.number)

    @property
    def numbers(self) -> list[int | None]:
        """The page numbers to link: first, last, and two either side of this one; None for a gap."""
        shown = sorted({1, self.count, *range(max(1, self.number - 2), min(self.count, self.number + 2) + 1)})
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out


def paginate(cases: list[CaseView], base: str, size: int = CASES_PAGE_SIZE) -> list[tuple[Pager, list[CaseView]]]:
    """A case list cut into pages of `size` (at least one page, even when empty)."""
    count = max(1, -(-len(cases) // size))
    return [(Pager(n, count, len(cases), base, size), cases[(n - 1) * size : n * size]) for n in range(1, count + 1)]


def region_order(path: str) -> tuple[str, ...]:
    """Regions in hierarchy order: each region, then the regions under it (山西省, 山西省/晋中市, …, 某省)."""
    return tuple(path.split("/"))


@dataclass
class Site:
    issues: list[IssueView]
    cases: list[CaseView]
    models: list[ModelView]
    regions: dict[str, RegionView]
    filters: dict[str, list[Filter]]
    series: list[Series]
    pages: list[Page] = field(default_factory=list)
    data: Data = field(default_factory=Data)

    @functools.cached_property
    def _region_links(self) -> tuple[dict[str, int], dict[str, Filter], dict[str, list[Filter]], list[Filter]]:
        """The region filters by position and value, their children, and the top levels (省, 市)."""
        items = self.filters["region"]
        children: dict[str, list[Filter]] = defaultdict(list)
        for item in items:
            children[item.value.rsplit("/", 1)[0]].append(item)
        top = [item for item in items if item.value.count("/") <= 1]
        return {item.value: n for n, item in enumerate(items)}, {i.value: i for i in items}, children, top

    @property
    def top_regions(self) -> list[RegionView]:
        return [region for region in self.regions.values() if region.parent is None]

    def filter_links(self, kind: str, current: Filter | None) -> list[Filter]:
        """The filters a case list links to, few whatever the archive's size.

        Every model, tag and year; regions down to the city, plus the current region,
        its ancestors and its direct sub-regions (each filter page lists every region
        otherwise: thousands of links on each of thousands of pages).
        """
        items = self.filters[kind]
        if kind != "region":
            return items
        here = current.value if current is not None and current.kind == "region" else None
        order, by_value, children, top = self._region_links
        if here is None:
            return top
        # The current region, its ancestors and its direct sub-regions, besides the top levels.
        chosen = {item.value: item for item in top}
        for k in range(1, here.count("/") + 2):
            ancestor = by_value.get("/".join(here.split("/")[:k]))
            if ancestor is not None:
                chosen[ancestor.value] = ancestor
        for child in children.get(here, []):
            chosen[child.value] = child
        return sorted(chosen.values(), key=lambda item: order[item.value])

    def issues_by_series_year(self) -> dict[str, dict[int, list[IssueView]]]:
        grouped: dict[str, dict[int, list[IssueView]]] = defaultdict(lambda: defaultdict(list))
        for view in self.issues:
            grouped[view.series.id][view.issue.year].append(view)
        return {sid: dict(sorted(years.items(), reverse=True)) for sid, years in grouped.items()}


def case_order(view: CaseView) -> tuple:
    return (-(view.case.date.toordinal() if view.case.date else 0), view.case.id)


def section_anchor(position: tuple[int, ...]) -> str:
    return "s" + "-".join(str(n + 1) for n in position)


def compute_site(project: Project, totals: dict, data: Data | None = None, *, drafts: bool = False, year: int | None = None,
                 cache: BuildCache | None = None, store: Path | None = None, pending: dict[Path, str | bytes] | None = None) -> Site:
    """Resolve every link between issues, cases, models and regions.

    cache: related cases of earlier builds of this process; store: the JSON file where builds keep them
    (read back for the same cases; new ones go into pending, which a successful build writes).
    """
    series = {doc.model.id: doc.model for doc in project.series}
    # Drafts (draft: true) are left out unless asked for; validate.py makes sure nothing published refers to one.
    models = {doc.model.id: ModelView(doc.model, [ItemView(i + 1, item) for i, item in enumerate(doc.model.items)])
              for doc in project.models if drafts or not doc.model.draft}
    cases = {doc.model.id: CaseView(doc.model, model=models.get(doc.model.model or ""))
             for doc in project.cases if drafts or not doc.model.draft}
    regions: dict[str, RegionView] = {}
    for view in sorted(cases.values(), key=case_order):
        view.region = ensure_region(regions, view.case.region)
        view.region.cases.append(view)
        if view.model:
            view.model.cases.append(view)
            _add_realisations(view, view.case.sections, ())
    if data is not None:
        _attach_data(regions, data)
    issues = _issue_views(project, totals, series, cases, drafts, year)
    _assign_related(list(cases.values()), (cache if cache is not None else BuildCache()).related, store, pending)
    case_list = sorted(cases.values(), key=case_order)
    return Site(
        issues=issues,
        cases=case_list,
        models=sorted(models.values(), key=lambda m: m.model.id),
        regions=dict(sorted(regions.items())),
        filters=_filters(case_list, models, regions),
        series=list(series.values()),
        pages=project.pages,
        data=data or Data(),
    )


def ensure_region(regions: dict[str, RegionView], path: str) -> RegionView:
    """The view of a region path, creating it and its ancestors as needed."""
    if path in regions:
        return regions[path]
    region = RegionView(path)
    regions[path] = region
    if "/" in path:
        parent = ensure_region(regions, path.rsplit("/", 1)[0])
        region.parent = parent
        parent.children.append(region)
        parent.children.sort(key=lambda r: r.path)
    return region


def _add_realisations(view: CaseView, sections: list[Section] | list[SubSection], prefix: tuple[int, ...]) -> None:
    assert view.model is not None
    for index, section in enumerate(sections):
        position = (*prefix, index)
        item = section.model_item
        if item is not None and 1 <= item <= len(view.model.items):
            view.model.items[item - 1].realisations.append(Realisation(view, section.heading, section_anchor(position)))
        _add_realisations(view, getattr(section, "sections", []), position)


def _issue_views(project: Project, totals: dict, series: dict, cases: dict, drafts: bool, year: int | None) -> list[IssueView]:
    views = []
    for doc in project.issues:
        issue = doc.model
        if (issue.draft and not drafts) or (year is not None and issue.year != year):
            continue
        view = IssueView(issue, series[issue.series], totals.get(issue_key(issue), issue.total))
        for article in issue.articles:
            if isinstance(article, CaseArticle):
                case = cases[article.case]
                view.articles.append(ArticleView(article.title or case.case.title, case=case))
                case.issues.append(view)
            else:
                view.articles.append(ArticleView(article.title, body=article.body, points=article.points, sections=article.sections))
        views.append(view)
    views.sort(key=lambda v: (v.series.id, v.issue.year, v.issue.kind, v.issue.number))
    by_group: dict[tuple, list[IssueView]] = defaultdict(list)
    for view in views:
        by_group[(view.series.id, view.issue.kind)].append(view)
    for group in by_group.values():
        for earlier, later in zip(group, group[1:]):
            earlier.next, later.previous = later, earlier
    return sorted(views, key=lambda v: (v.issue.date, v.series.id, v.issue.number), reverse=True)


def _assign_related(views: list[CaseView], memo: Memo[tuple, list[list[int]]], store: Path | None = None,
                    pending: dict[Path, str | bytes] | None = None, limit: int = 5) -> None:
    """Set view.related for every case: cases sharing the model, tags or region, most shared first.

    Score of another case: 3 for the same model, 1 per shared tag, 1 per shared level of
    the region path; ties by id. Computed with arrays, a row of scores per case: comparing
    every pair in Python took seconds for a thousand cases.
    """
    key = hashlib.sha1(repr([(v.case.id, v.case.model, sorted(set(v.case.tags)), v.case.region) for v in views]).encode("utf-8")).digest()

    def make() -> list[list[int]]:
        if store is None or pending is None:
            return _related_indexes(views, limit)
        return remembered(store, f"related {limit} {key.hex()} {generator_code()}", pending, lambda: _related_indexes(views, limit), list)

    known = memo.get_or_make((key, limit), make)  # scale: serve rebuilds (this process) and builds (store), same cases
    for view, indexes in zip(views, known):
        view.related = [views[j] for j in indexes]


def _related_indexes(views: list[CaseView], limit: int) -> list[list[int]]:
    import numpy as np

    count = len(views)
    models: dict[str, int] = {}
    model = np.array([models.setdefault(v.case.model, len(models)) if v.case.model is not None else -1 for v in views])
    tag_ids: dict[str, int] = {}
    pairs = [(i, tag_ids.setdefault(tag, len(tag_ids))) for i, v in enumerate(views) for tag in set(v.case.tags)]
    tags = np.zeros((count, max(1, len(tag_ids))), dtype=np.int32)
    for i, t in pairs:
        tags[i, t] = 1
    parts = [v.case.region.split("/") for v in views]
    levels = max((len(p) for p in parts), default=0)
    prefixes: dict[str, int] = {}
    # Level k of a region path as a number; a path shorter than k gets a number of its own.
    region = np.array([[prefixes.setdefault("/".join(p[: k + 1]), len(prefixes)) if k < len(p) else -1 - i
                        for i, p in enumerate(parts)] for k in range(levels)], dtype=np.int64).reshape(levels, count)
    rank = np.empty(count, dtype=np.int64)
    rank[sorted(range(count), key=lambda i: views[i].case.id)] = np.arange(count)
    related = []
    for i in range(count):
        score = 3 * ((model == model[i]) & (model[i] >= 0)) + tags @ tags[i] + (region == region[:, i : i + 1]).sum(axis=0)
        score[i] = 0
        candidates = np.flatnonzero(score > 0)
        order = np.lexsort((rank[candidates], -score[candidates]))[:limit]
        related.append([int(j) for j in candidates[order]])
    return related


def _filters(cases: list[CaseView], models: dict[str, ModelView], regions: dict[str, RegionView]) -> dict[str, list[Filter]]:
    tags: dict[str, list[CaseView]] = defaultdict(list)
    years: dict[int, list[CaseView]] = defaultdict(list)
    for view in cases:
        for tag in view.case.tags:
            tags[tag].append(view)
        if view.year:
            years[view.year].append(view)
    return {
        "model": [Filter("model", m.model.id, m.model.name, m.cases) for m in models.values() if m.cases],
        "region": [Filter("region", r.path, r.path.replace("/", " / "), r.all_cases())
                   for r in sorted(regions.values(), key=lambda r: region_order(r.path)) if r.all_cases()],
        "tag": [Filter("tag", tag, tag, views) for tag, views in sorted(tags.items())],
        "year": [Filter("year", str(year), f"{year} 年", views) for year, views in sorted(years.items(), reverse=True)],
    }


CHART_LEVELS = ("省", "市", "县")


def _attach_data(regions: dict[str, RegionView], data: Data) -> None:
    """Every region with computed indicators gets a page with its table and charts."""
    defs = data.defs
    for path in data.regions():
        facts = data.region(path)
        region = ensure_region(regions, path)
        region.years, region.sample = list(facts.years), facts.sample
        region.table = [TableRow(indicator, *defs[indicator], [_cell(value, defs[indicator][1]) for value in values])
                        for indicator, values in facts.cells if any(value == value for value in values if value is not None)]
    for region in regions.values():
        if region.table and region.level in CHART_LEVELS:
            region.charts.append(ChartDecl(type="trend", region=region.path))
            region.charts.append(ChartDecl(type="bands", region=region.path))
            if any(child.table for child in region.children):
                region.charts.append(ChartDecl(type="ranking", region=region.path, indicator="income_ge_20" if "income_ge_20" in defs else None))


def _cell(value: float | None, unit: str) -> str:
    return "—" if value is None or value != value else format_number(value, unit, running_text=False)  # NaN: no value
