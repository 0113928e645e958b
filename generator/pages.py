"""Render the site structure to Markdown pages (and feed/data files) via site_templates/."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import text as texts
from .charts import ChartRenderer, build_chart, chart_html, format_source_line, spec_key
from .data import Data
from .figures import Figures
from .models import ChartDecl
from .site import Site

CN_DIGITS = "〇一二三四五六七八九"


def default_templates() -> Path:
    """The templates shipped with jianbao (inside the wheel, or beside the package in a checkout)."""
    packaged = Path(__file__).parent / "site_templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "site_templates"


@dataclass
class RenderOptions:
    offline: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    pdf: bool = False


VEGA_BUNDLE = "assets/javascripts/vega-bundle.js"
CHARTS_JS = "assets/javascripts/charts.js"


class ChartMaker:
    """Turns chart declarations into <figure>s with SVG twins, per page."""

    def __init__(self, data: Data, renderer: ChartRenderer | None):
        self.data = data
        self.renderer = renderer
        self.used_on_page = False
        self.used_anywhere = False
        self._ids: set[str] = set()

    def start_page(self) -> None:
        self.used_on_page = False
        self._ids = set()

    def __call__(self, decl: ChartDecl) -> Markup:
        if self.renderer is None:
            return Markup("")
        chart = build_chart(decl, self.data.indicators, self.data.villages, self.data.defs)
        spec = chart.to_dict()
        svg = self.renderer.svg(spec)
        chart_id = "chart-" + spec_key(spec)[:12]
        while chart_id in self._ids:
            chart_id += "x"
        self._ids.add(chart_id)
        self.used_on_page = self.used_anywhere = True
        return Markup(chart_html(spec, svg, chart_id, self.source_line(decl)))

    def source_line(self, decl: ChartDecl) -> str:
        sources = self.data.sources(decl.region) or ["data/villages"]
        years = self.data.indicators.loc[self.data.indicators["region"] == decl.region, "year"]
        year = decl.year or (int(years.max()) if not years.empty else None)
        label = ("示例数据：" if self.data.is_sample(decl.region) else "") + "；".join(sources)
        return format_source_line(label, dt.date(year, 12, 31) if year else None)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for section numbers)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def cn_date(value: dt.date, spaced: bool = True) -> str:
    if spaced:
        return f"{value.year} 年 {value.month} 月 {value.day} 日"
    return f"{value.year}年{value.month}月{value.day}日"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def md_escape(value: str) -> Markup:
    """Plain text for a Markdown heading: no Markdown or HTML meaning survives."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(value))))


def make_env(project_templates: Path | None, options: RenderOptions, figures: Figures | None = None, charts: ChartMaker | None = None) -> Environment:
    """The Jinja environment for page templates (trusted: the project's own files)."""
    expand = figures.expand if figures else (lambda text: text)
    bases = [project_templates, default_templates()] if project_templates else [default_templates()]
    search = [str(base / "pages") for base in bases if (base / "pages").is_dir()]
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(search)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=lambda value: texts.render_markdown(expand(value)),
        md_inline=lambda value: texts.render_markdown(expand(value), inline=True),
        md_escape=md_escape,
        cn_number=cn_number,
        cn_date=cn_date,
        cn_date_compact=lambda value: cn_date(value, spaced=False),
        lead=texts.lead_phrase,
        number=format_number,
        yaml_str=lambda value: Markup(json.dumps(str(value), ensure_ascii=False)),
    )
    env.globals.update(
        runin=lambda heading, body, points, css: texts.runin_html(heading, body, points, css, expand=expand),
        offline=options.offline,
        extra=options.extra,
        pdf=options.pdf,
        chart=charts or ChartMaker(Data(), None),
    )
    return env


def format_number(value: float | str) -> str:
    """1942.0 → 1,942; 8.9 → 8.9; "*" stays."""
    if isinstance(value, str):
        return value
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def linker(page_path: str, offline: bool) -> Callable[[str], str]:
    """A function turning a site-root URL into a link relative to page_path."""
    here = posixpath.dirname(page_path)

    def rel(target: str) -> str:
        path = target
        if offline and (path.endswith("/") or path == ""):
            path += "index.html"
        relative = posixpath.relpath(path or ".", here or ".")
        if target.endswith("/") and not relative.endswith("/") and not offline:
            relative += "/"
        return relative

    return rel


def render_pages(site: Site, env: Environment, options: RenderOptions) -> dict[str, str]:
    """Every generated page as {path under docs/: text}."""
    pages: dict[str, str] = {}

    charts: ChartMaker = env.globals["chart"]

    def render(path: str, template: str, **context: Any) -> None:
        charts.start_page()
        rel = linker(path, options.offline)
        text = env.get_template(template).render(site=site, rel=rel, page_path=path, **context)
        if charts.used_on_page:
            text += f'\n<script src="{rel(VEGA_BUNDLE)}"></script>\n<script src="{rel(CHARTS_JS)}"></script>\n'
        pages[path] = text

    render("index.md", "home.md.j2")
    render("briefings/index.md", "briefings.md.j2")
    for series_id, years in site.issues_by_series_year().items():
        for year, views in years.items():
            render(f"briefings/{series_id}/{year}/index.md", "briefings_year.md.j2", series=views[0].series, year=year, issues=sorted(views, key=lambda v: (v.issue.kind, v.issue.number)))
    for view in site.issues:
        render(f"{view.url}index.md", "issue.md.j2", view=view)
    render("cases/index.md", "cases.md.j2", current=None, cases=site.cases)
    for kind, filters in site.filters.items():
        for item in filters:
            render(f"{item.url}index.md", "cases.md.j2", current=item, cases=item.cases)
    for case in site.cases:
        render(f"{case.url}index.md", "case.md.j2", case=case)
    render("models/index.md", "models.md.j2")
    for model in site.models:
        render(f"{model.url}index.md", "model.md.j2", model=model)
    render("regions/index.md", "regions.md.j2")
    for region in site.regions.values():
        render(f"{region.url}index.md", "region.md.j2", region=region)
    render("indicators/index.md", "indicators.md.j2")
    render("feed.xml", "feed.xml.j2")
    for page in site.pages:
        pages[f"{page.name}.md"] = page.text
    return pages
