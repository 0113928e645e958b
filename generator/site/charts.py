"""Charts: indicator and village frames → Altair charts, static SVG twins, HTML fragments.

The builders (`trend_chart`, `bands_chart`, `ranking_chart`, `build_chart`) are pure:
frames in, `alt.Chart` out. Rendering (`render_svg`, `ChartRenderer`) and the
vega bundle (`write_vega_bundle`) are separate, so the builders stay testable
without vl-convert's JavaScript runtime.

Fonts: vl-convert keeps its own font database (fontdb), which already scans the
system font folders (/usr/share/fonts, ~/.local/share/fonts …) at start-up, so
Debian's fonts-noto-cjk is found without `vl_convert.register_font_directory`.
The SVG twin keeps real `<text>` elements with the CJK font stack: the reader's
browser (or WeasyPrint, for the PDF) draws them with its own CJK font, the text
stays selectable, searchable and readable by screen readers, and the file stays
small (glyph outlines or an embedded CJK font would cost 1–2 KB per character
or several MB per chart). vl-convert uses the font only to measure labels.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
from xml.etree import ElementTree
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal, NamedTuple, Protocol

import altair as alt
import pandas as pd
import vl_convert as vlc

from generator.buildcache import BuildCache
from generator.errors import JianbaoError
from generator.output.files import write_cache_file
from generator.content.models import ChartDecl
from generator.site.numbers import format_quantity
from generator.site.typography import no_orphan

# Families tried in order; the first one installed wins, in vl-convert and in browsers.
CJK_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
)
FONT_STACK = ", ".join(f'"{family}"' for family in CJK_FONT_FAMILIES) + ", sans-serif"

CHART_WIDTH = 640  # fits the ~700 px content column of Material with padding
SVG_FORMAT_VERSION = "1"  # bump when post-processing of rendered SVG changes

DEFAULT_TREND_INDICATORS: tuple[str, ...] = (
    "income_ge_10",
    "income_ge_20",
    "income_ge_50",
    "income_ge_100",
)
DEFAULT_RANKING_INDICATOR = "income_ge_20"

# (lower bound inclusive, upper bound exclusive, label), in display order; 万元.
INCOME_BANDS: tuple[tuple[float, float, str], ...] = (
    (-math.inf, 5, "不足5万元"),
    (5, 10, "5–10万元"),
    (10, 20, "10–20万元"),
    (20, 50, "20–50万元"),
    (50, 100, "50–100万元"),
    (100, math.inf, "100万元以上"),
)

VILLAGE_REGION_COLUMNS = ("province", "city", "county", "township")
CHILD_LEVEL_NAMES = {"省": "省", "市": "市", "县": "县（市、区）", "乡镇": "乡镇"}

BUNDLE_PATH = "assets/javascripts/vega-bundle.js"

ChartType = Literal["trend", "bands", "ranking"]


class ChartError(JianbaoError):
    """A declared chart cannot be drawn from the data (unknown region, year or indicator)."""


class IndicatorDef(NamedTuple):
    """Display name and unit of an indicator; a plain `(name, unit)` tuple works too."""

    name: str
    unit: str


IndicatorDefs = Mapping[str, tuple[str, str]]


ChartSpec = ChartDecl  # the content model is the one definition of a declared chart


# --- building charts (pure) -------------------------------------------------


def trend_chart(
    indicators: pd.DataFrame,
    defs: IndicatorDefs,
    region: str,
    indicator_ids: Sequence[str],
    *,
    until: int | None = None,
    title: str | None = None,
) -> alt.Chart:
    """Chart one region's indicators over the years (up to `until`), one line per indicator."""
    known = {ind: _definition(defs, ind) for ind in indicator_ids}
    rows = _region_rows(indicators, region)
    rows = rows[rows["indicator"].isin(list(indicator_ids)) & rows["value"].notna()]
    if until is not None:
        rows = rows[rows["year"] <= until]
    if rows.empty:
        wanted = "、".join(f"“{known[i].name}”" for i in indicator_ids)
        by = f"截至{until}年" if until is not None else ""
        raise ChartError(f"地区“{region}”{by}没有{wanted}的数据")

    present = set(rows["indicator"])
    order = [known[i].name for i in indicator_ids if i in present]
    units = {known[i].unit for i in present}
    data = pd.DataFrame(
        {
            "year": rows["year"].astype(int),
            "name": [known[i].name for i in rows["indicator"]],
            "value": rows["value"].astype(float),
            "display": [
                format_quantity(v, known[i].unit, running_text=False)
                for i, v in zip(rows["indicator"], rows["value"], strict=True)
            ],
        }
    ).sort_values(["name", "year"], kind="stable")
    years = sorted(data["year"].unique())
    y_title = f"数值（{units.pop()}）" if len(units) == 1 else "数值"
    default_title = f"{_short_name(region)}主要指标变化（{years[0]}–{years[-1]}年）"
    if len(order) == 1:
        default_title = f"{_short_name(region)}{order[0]}变化（{years[0]}–{years[-1]}年）"

    chart = (
        alt.Chart(data.reset_index(drop=True))
        .mark_line(point=alt.OverlayMarkDef(size=50))
        .encode(
            x=alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "name:N",
                title="指标",
                sort=order,
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400),
            ),
            tooltip=[
                alt.Tooltip("name:N", title="指标"),
                alt.Tooltip("year:O", title="年度"),
                alt.Tooltip("display:N", title="数值"),
            ],
        )
        .properties(width=CHART_WIDTH, height=280, title=title or default_title)
    )
    return _configure(chart)


def bands_chart(
    villages: pd.DataFrame, region: str, year: int, *, title: str | None = None
) -> alt.Chart:
    """Chart the number of villages in each collective-income band for one region and year."""
    data = compute_bands(villages, region, year)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "band:N",
                title="集体经济总收入",
                sort=[label for _, _, label in INCOME_BANDS],
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("villages:Q", title="村数（个）", axis=alt.Axis(format="d", tickMinStep=1)),
            tooltip=[
                alt.Tooltip("band:N", title="收入分段"),
                alt.Tooltip("villages:Q", title="村数（个）", format=",d"),
                alt.Tooltip("share:Q", title="占比（%）", format=".1f"),
            ],
        )
        .properties(
            width=CHART_WIDTH,
            height=260,
            title=title
            or f"{_short_name(region)}{year}年村级集体经济收入分段（共{int(data['villages'].sum())}个村）",
        )
    )
    return _configure(chart)


def ranking_chart(
    indicators: pd.DataFrame,
    defs: IndicatorDefs,
    region: str,
    indicator: str,
    year: int,
    *,
    title: str | None = None,
) -> alt.Chart:
    """Chart the direct sub-regions of a region ranked by one indicator, largest first."""
    name, unit = _definition(defs, indicator)
    children = _child_rows(indicators, region)
    if children.empty:
        raise ChartError(f"地区“{region}”没有下级地区的指标数据")
    rows = children[(children["indicator"] == indicator) & (children["year"] == year)]
    rows = rows[rows["value"].notna()]
    if rows.empty:
        raise ChartError(f"地区“{region}”的下级地区没有{year}年“{name}”的数据")

    data = pd.DataFrame(
        {
            "region": [_short_name(r) for r in rows["region"]],
            "value": rows["value"].astype(float),
            "display": [format_quantity(v, unit, running_text=False) for v in rows["value"]],
        }
    )
    # Ties are broken by name so the order never depends on the input order.
    data = data.sort_values(["value", "region"], ascending=[False, True], kind="stable")
    data.insert(0, "rank", range(1, len(data) + 1))
    data = data.reset_index(drop=True)
    level = children["level"].iloc[0] if "level" in children.columns else ""
    child_word = CHILD_LEVEL_NAMES.get(str(level), "下级地区")

    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(
                "region:N", title=None, sort=list(data["region"]), axis=alt.Axis(labelLimit=200)
            ),
            x=alt.X("value:Q", title=f"{name}（{unit}）"),
            tooltip=[
                alt.Tooltip("region:N", title=child_word),
                alt.Tooltip("display:N", title="数值"),
                alt.Tooltip("rank:Q", title="排名"),
            ],
        )
        .properties(
            width=CHART_WIDTH,
            height=alt.Step(22),
            title=title or f"{_short_name(region)}各{child_word}{name}（{year}年）",
        )
    )
    return _configure(chart)


def build_chart(
    spec: ChartSpec,
    indicators: pd.DataFrame,
    villages: pd.DataFrame,
    defs: IndicatorDefs,
) -> alt.Chart:
    """Build the chart a spec declares.

    A missing year means the latest year with data; for a trend, a year is the last
    year shown, so a case dated 2022 keeps its chart when later years are added.
    """
    if spec.type == "trend":
        if spec.indicators is not None:
            ids: tuple[str, ...] = tuple(spec.indicators)
        elif spec.indicator is not None:
            ids = (spec.indicator,)
        else:
            defined = tuple(i for i in DEFAULT_TREND_INDICATORS if i in defs)
            ids = defined or DEFAULT_TREND_INDICATORS
        return trend_chart(
            indicators, defs, spec.region, ids, until=spec.year, title=spec.title
        )

    if spec.type == "bands":
        rows = _village_rows(villages, spec.region)
        if rows.empty:
            raise ChartError(f"地区“{spec.region}”没有村级数据")
        year = spec.year if spec.year is not None else int(rows["year"].max())
        return bands_chart(villages, spec.region, year, title=spec.title)

    indicator = spec.indicator or DEFAULT_RANKING_INDICATOR
    year = spec.year
    if year is None:
        children = _child_rows(indicators, spec.region)
        children = children[(children["indicator"] == indicator) & children["value"].notna()]
        if children.empty:
            _definition(defs, indicator)  # an unknown indicator is the better message
            raise ChartError(f"地区“{spec.region}”没有下级地区的“{indicator}”数据")
        year = int(children["year"].max())
    return ranking_chart(indicators, defs, spec.region, indicator, year, title=spec.title)


def compute_bands(villages: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Count villages per income band (all six bands, in order) for one region and year."""
    rows = _village_rows(villages, region)
    if rows.empty:
        raise ChartError(f"地区“{region}”没有村级数据")
    rows = rows[rows["year"] == year]
    if rows.empty:
        years = "、".join(str(y) for y in sorted(_village_rows(villages, region)["year"].unique()))
        raise ChartError(f"地区“{region}”没有{year}年的村级数据（已有年度：{years}）")
    income = rows["income"].dropna().astype(float)
    counts = [int(((income >= low) & (income < high)).sum()) for low, high, _ in INCOME_BANDS]
    total = sum(counts)
    return pd.DataFrame(
        {
            "band": [label for _, _, label in INCOME_BANDS],
            "villages": counts,
            "share": [round(100 * c / total, 1) if total else 0.0 for c in counts],
        }
    )


def _configure(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=FONT_STACK, background="white").configure_title(
        fontSize=15, anchor="start", offset=12
    ).configure_axis(labelFontSize=11, titleFontSize=12).configure_legend(
        labelFontSize=11, titleFontSize=12
    ).configure_view(stroke=None)


def _definition(defs: IndicatorDefs, indicator: str) -> IndicatorDef:
    try:
        name, unit = defs[indicator]
    except KeyError:
        raise ChartError(f"未定义的指标“{indicator}”") from None
    return IndicatorDef(name, unit)


def _region_rows(indicators: pd.DataFrame, region: str) -> pd.DataFrame:
    rows = indicators[indicators["region"] == region]
    if rows.empty:
        raise ChartError(f"地区“{region}”没有指标数据")
    return rows


def _child_rows(indicators: pd.DataFrame, region: str) -> pd.DataFrame:
    _region_rows(indicators, region)
    prefix = region + "/"
    regions = indicators["region"].astype(str)
    is_child = regions.str.startswith(prefix) & ~regions.str.slice(len(prefix)).str.contains("/")
    return indicators[is_child]


def _village_rows(villages: pd.DataFrame, region: str) -> pd.DataFrame:
    parts = region.split("/")
    if len(parts) > len(VILLAGE_REGION_COLUMNS):
        raise ChartError(f"地区“{region}”层级过深：收入分段图表只支持省、市、县、乡镇")
    if not set(VILLAGE_REGION_COLUMNS) <= set(villages.columns):  # a project without village tables
        return pd.DataFrame(columns=[*VILLAGE_REGION_COLUMNS, "year", "income"])
    mask = pd.Series(True, index=villages.index)
    for column, part in zip(VILLAGE_REGION_COLUMNS, parts, strict=False):
        mask &= villages[column].astype(str) == part
    return villages[mask]


def _short_name(region: str) -> str:
    return region.rsplit("/", 1)[-1]


# --- built specs, cached ---------------------------------------------------


class ChartInputRows(Protocol):
    """The rows one region's charts read, with a digest of them (Data.chart_inputs)."""

    indicators: pd.DataFrame
    villages: pd.DataFrame
    digest: str


@functools.cache
def _builder_fingerprint() -> str:
    """Besides its inputs, a built spec depends on this module's code and on Altair."""
    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"altair {alt.__version__}|charts.py {code}"


class ChartSpecs:
    """Vega-Lite specs of declared charts, built once per distinct input.

    Building a chart with Altair and validating its spec costs tens of milliseconds
    and a site has hundreds of charts that rarely change. The key is the declaration,
    the digest of the rows the chart can read, the indicator definitions and the
    builder's code, so a spec is rebuilt exactly when one of them changes. Specs are
    kept in memory (shared by the checks, the pages and `jianbao serve`'s rebuilds)
    and as JSON files in cache_dir; with write=False (the checks, which write
    nothing) the folder is only read.
    """

    def __init__(self, cache_dir: Path | None = None, cache: BuildCache | None = None, *, write: bool = True,
                 pending: dict[Path, str | bytes] | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.pending = pending  # new cache files are put here, for phase two to write (None: written at once)
        self.memory = (cache if cache is not None else BuildCache()).chart_specs
        self.on_disk = (cache if cache is not None else BuildCache()).chart_specs_on_disk  # (folder, key) written
        self.write = write
        self.builds = 0  # specs built with Altair (cache misses)

    def spec(self, decl: ChartSpec, rows: ChartInputRows, defs: IndicatorDefs) -> dict[str, Any]:
        """The spec build_chart(decl, …).to_dict() gives for these rows; raises ChartError."""
        key = self.key(decl, rows, defs)
        spec = self.memory.get(key)
        if spec is None:
            spec = self._read(key)
        if spec is None:
            spec = build_chart(decl, rows.indicators, rows.villages, defs).to_dict()
            self.builds += 1
        if self.cache_dir is not None and self.write and (str(self.cache_dir), key) not in self.on_disk:
            _keep(self.cache_dir / f"{key}.json", json.dumps(spec, ensure_ascii=False, sort_keys=True), self.pending)
            self.on_disk.add((str(self.cache_dir), key))
        return self.memory.put(key, spec)

    @staticmethod
    def key(decl: ChartSpec, rows: ChartInputRows, defs: IndicatorDefs) -> str:
        used = sorted((name, list(value)) for name, value in defs.items())
        payload = [decl.model_dump(mode="json"), rows.digest, used, _builder_fingerprint()]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()

    def _read(self, key: str) -> dict[str, Any] | None:
        if self.cache_dir is None:
            return None
        try:
            spec = json.loads((self.cache_dir / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            return None  # missing or damaged: build again
        if not (isinstance(spec, dict) and "$schema" in spec):
            return None
        self.on_disk.add((str(self.cache_dir), key))
        return spec


# --- rendering (vl-convert) -------------------------------------------------


@functools.cache
def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes, as vl-convert names it (e.g. "6.4"), if bundled."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def render_svg(vega_lite_spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG with vl-convert; external data URLs are refused."""
    svg = vlc.vegalite_to_svg(
        vega_lite_spec, vl_version=vega_lite_version(), allowed_base_urls=[]
    )
    return svg.strip() + "\n"


@functools.cache
def find_cjk_font() -> str | None:
    """Return the first family of the chart font stack that vl-convert can draw, if any."""
    blank = vlc.svg_to_png(_probe_svg(None))
    for family in CJK_FONT_FAMILIES:
        if vlc.svg_to_png(_probe_svg(family)) != blank:
            return family
    return None


def _probe_svg(family: str | None) -> str:
    text = f'<text x="0" y="16" font-size="16" font-family="{family}">中文</text>' if family else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        f'<rect width="40" height="20" fill="white"/>{text}</svg>'
    )


def spec_key(vega_lite_spec: dict[str, Any]) -> str:
    """Return the cache key of a spec: SHA-256 of its canonical JSON and the renderer versions."""
    canonical = json.dumps(
        vega_lite_spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    # The font changes label measurement, so a newly installed font invalidates the cache.
    salt = (
        f"vl-convert {vlc.__version__}|vega-lite {vega_lite_version()}"
        f"|svg {SVG_FORMAT_VERSION}|font {find_cjk_font()}"
    )
    return hashlib.sha256(f"{salt}\n{canonical}".encode()).hexdigest()


class ChartRenderer:
    """Render each distinct spec once per build, reusing `<hash>.svg` files in a cache folder."""

    def __init__(
        self,
        cache_dir: Path,
        render: Callable[[dict[str, Any]], str] = render_svg,
        pending: dict[Path, str | bytes] | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.pending = pending  # new SVGs are put here, for phase two to write (None: written at once)
        self.renders = 0  # how many specs were actually rendered (cache misses)
        self._render = render
        self._memory: dict[str, str] = {}

    def svg(self, vega_lite_spec: dict[str, Any]) -> str:
        """Return the SVG of a spec, from memory, the cache folder or a fresh render."""
        key = spec_key(vega_lite_spec)
        if key in self._memory:
            return self._memory[key]
        path = self.cache_dir / f"{key}.svg"
        svg = read_cached_svg(path)
        if svg is None:  # missing, or damaged (truncated, garbage): render again
            svg = self._render(vega_lite_spec)
            self.renders += 1
            _keep(path, svg, self.pending)
        self._memory[key] = svg
        return svg


def read_cached_svg(path: Path) -> str | None:
    """A cached SVG if it is complete and well-formed, with nothing that could run; else None."""
    try:
        svg = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not svg.lstrip().startswith("<svg") or not svg.rstrip().endswith("</svg>"):
        return None
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject") or any(str(a).rsplit("}", 1)[-1].lower().startswith("on") for a in element.attrib):
            return None
    return svg


def _keep(path: Path, text: str, pending: dict[Path, str | bytes] | None) -> None:
    """A new cache file: put aside for phase two, or written now when nothing gathers them."""
    if pending is not None:
        pending[path] = text
    else:
        write_cache_file(path, text)


# --- embedding in pages -----------------------------------------------------

_CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SVG_ID = re.compile(r'\bid="([^"]+)"')


def chart_html(spec_dict: dict[str, Any], svg: str, chart_id: str, source_line: str) -> str:
    """Return the `<figure>` of a chart: static SVG twin, Vega-Lite spec as JSON, source line."""
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"invalid chart id {chart_id!r}")
    return (
        # Focusable: on a phone the chart keeps its size (text ≥ 11 px) and scrolls sideways.
        f'<figure class="jb-chart" id="{chart_id}" tabindex="0" data-search-exclude="true">\n'
        f'<div class="jb-chart-static">{_prefix_svg_ids(svg.strip(), chart_id)}</div>\n'
        '<div class="jb-chart-view"></div>\n'
        f'<script type="application/json" class="jb-chart-spec" id="{chart_id}-spec">'
        f"{script_json(spec_dict)}</script>\n"
        '<figcaption class="jb-chart-source">'
        f"{no_orphan(source_line)}</figcaption>\n"
        "</figure>"
    )


def format_source_line(source: str, as_of: date | None) -> str:
    """Return the caption under a chart: 数据来源：…，截至2022年12月31日."""
    line = f"数据来源：{source}"
    if as_of is not None:
        line += f"，截至{as_of.year}年{as_of.month}月{as_of.day}日"
    return line


def script_json(value: Any) -> str:
    """Serialise to JSON that is safe inside `<script>`: no `<`, `>` or `&` appear literally."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _prefix_svg_ids(svg: str, prefix: str) -> str:
    """Make ids inside an inline SVG unique on the page (clip paths, gradients)."""
    ids = sorted(set(_SVG_ID.findall(svg)), key=len, reverse=True)
    for old in ids:
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


# --- local JavaScript -------------------------------------------------------


def write_vega_bundle(dest_dir: Path) -> list[str]:
    """Write vega, vega-lite and vega-embed as one classic script; return the paths written."""
    path = Path(dest_dir) / BUNDLE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vega_bundle(), encoding="utf-8", newline="\n")
    return [BUNDLE_PATH]


def cached_vega_bundle(cache_dir: Path, pending: dict[Path, str | bytes] | None = None) -> str:
    """The bundle, kept on disk per vl-convert version (building it takes seconds)."""
    path = Path(cache_dir) / f"vega-bundle-{vlc.__version__}-{vega_lite_version()}.js"
    try:
        cached = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        cached = ""
    if cached.startswith("/* vega ") and cached.endswith(BUNDLE_END):  # else missing or damaged
        return cached
    text = vega_bundle()
    _keep(path, text, pending)
    return text


@functools.cache
def vega_bundle() -> str:
    """Return the bundle text: globals `vegaEmbed`, `vega`, `vegaLite`; no imports, no CDN."""
    body = vlc.javascript_bundle(vl_version=vega_lite_version())
    header = (
        f"/* vega {vlc.get_vega_version()}, vega-lite {vega_lite_version() or 'latest'}, "
        f"vega-embed {vlc.get_vega_embed_version()}: BSD-3-Clause, "
        "Copyright (c) University of Washington Interactive Data Lab; "
        "bundled with their dependencies (d3: ISC) by vl-convert "
        f"{vlc.__version__}. https://github.com/vega */\n"
    )
    # The bundle declares top-level consts; a function scope keeps them off the global scope
    # so they cannot clash with other classic scripts on the page.
    return f"{header}(function () {{\n{body.strip()}{BUNDLE_END}"


BUNDLE_END = "\n}).call(window);\n"
