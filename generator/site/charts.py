"""Charts: what chart_data computed, drawn as Altair (Vega-Lite) specs, and the specs cached.

The builders (`trend_chart`, `bands_chart`, `ranking_chart`, `build_chart`) are pure:
frames in, `alt.Chart` out. What a chart shows, and whether the data can draw it, is
chart_data.py (no Altair: `jianbao check` uses it); the SVG twins and the Vega bundle are
chart_render.py, the <figure> in a page chart_embed.py.

"""

from __future__ import annotations

import functools
from importlib import metadata
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from generator.buildcache import BuildCache
from generator.site.chart_render import keep_cache_file
from generator.site.chart_data import (FONT_STACK, INCOME_BANDS, BandsData, ChartData, ChartSpec, IndicatorDefs,
                                       TrendData, bands_data, chart_data, chart_key, ranking_data, trend_data)

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

CHART_WIDTH = 640  # fits the ~700 px content column of Material with padding


ChartType = Literal["trend", "bands", "ranking"]




# --- drawing charts (Altair) -----------------------------------------------


def trend_chart(indicators: pd.DataFrame, defs: IndicatorDefs, region: str, indicator_ids: Sequence[str], *,
                until: int | None = None, title: str | None = None) -> alt.Chart:
    """Chart one region's indicators over the years (up to `until`), one line per indicator."""
    return draw_chart(trend_data(indicators, defs, region, indicator_ids, until=until, title=title))


def bands_chart(villages: pd.DataFrame, region: str, year: int, *, title: str | None = None) -> alt.Chart:
    """Chart the number of villages in each collective-income band for one region and year."""
    return draw_chart(bands_data(villages, region, year, title=title))


def ranking_chart(indicators: pd.DataFrame, defs: IndicatorDefs, region: str, indicator: str, year: int, *,
                  title: str | None = None) -> alt.Chart:
    """Chart the direct sub-regions of a region ranked by one indicator, largest first."""
    return draw_chart(ranking_data(indicators, defs, region, indicator, year, title=title))


def build_chart(spec: ChartSpec, indicators: pd.DataFrame, villages: pd.DataFrame, defs: IndicatorDefs) -> alt.Chart:
    """Build the chart a spec declares (chart_data says what it shows, or why it cannot be drawn)."""
    return draw_chart(chart_data(spec, indicators, villages, defs))


def draw_chart(data: ChartData) -> alt.Chart:
    """The Altair chart of what chart_data computed (Altair is imported only when a chart is drawn: ~0.6 s)."""
    import altair as alt

    if isinstance(data, TrendData):
        chart = (
            alt.Chart(data.frame)
            .mark_line(point=alt.OverlayMarkDef(size=50))
            .encode(
                x=alt.X("year:O", title="年度", axis=alt.Axis(labelAngle=0)),
                y=alt.Y("value:Q", title=data.y_title),
                color=alt.Color("name:N", title="指标", sort=data.order,
                                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
                tooltip=[alt.Tooltip("name:N", title="指标"), alt.Tooltip("year:O", title="年度"),
                         alt.Tooltip("display:N", title="数值")],
            )
            .properties(width=CHART_WIDTH, height=280, title=data.title)
        )
    elif isinstance(data, BandsData):
        chart = (
            alt.Chart(data.frame)
            .mark_bar()
            .encode(
                x=alt.X("band:N", title="集体经济总收入", sort=[label for _, _, label in INCOME_BANDS], axis=alt.Axis(labelAngle=0)),
                y=alt.Y("villages:Q", title="村数（个）", axis=alt.Axis(format="d", tickMinStep=1)),
                tooltip=[alt.Tooltip("band:N", title="收入分段"), alt.Tooltip("villages:Q", title="村数（个）", format=",d"),
                         alt.Tooltip("share:Q", title="占比（%）", format=".1f")],
            )
            .properties(width=CHART_WIDTH, height=260, title=data.title)
        )
    else:
        chart = (
            alt.Chart(data.frame)
            .mark_bar()
            .encode(
                y=alt.Y("region:N", title=None, sort=list(data.frame["region"]), axis=alt.Axis(labelLimit=200)),
                x=alt.X("value:Q", title=f"{data.name}（{data.unit}）"),
                tooltip=[alt.Tooltip("region:N", title=data.child_word), alt.Tooltip("display:N", title="数值"),
                         alt.Tooltip("rank:Q", title="排名")],
            )
            .properties(width=CHART_WIDTH, height=alt.Step(22), title=data.title)
        )
    return _configure(chart)


def _configure(chart: alt.Chart) -> alt.Chart:
    return chart.configure(font=FONT_STACK, background="white").configure_title(
        fontSize=15, anchor="start", offset=12
    ).configure_axis(labelFontSize=11, titleFontSize=12).configure_legend(
        labelFontSize=11, titleFontSize=12
    ).configure_view(stroke=None)


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
    return f"altair {metadata.version('altair')}|charts.py {code}"


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
            keep_cache_file(self.cache_dir / f"{key}.json", json.dumps(spec, ensure_ascii=False, sort_keys=True), self.pending)
            self.on_disk.add((str(self.cache_dir), key))
        return self.memory.put(key, spec)

    @staticmethod
    def key(decl: ChartSpec, rows: ChartInputRows, defs: IndicatorDefs) -> str:
        return chart_key(decl, rows.digest, defs, _builder_fingerprint())

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


