"""What a declared chart shows, computed from the frames (pure pandas, no Altair): the rows, names and titles.

The checks (`jianbao check`) ask chart_data whether a chart can be drawn; charts.py draws it
with Altair from the same ChartData, so a chart that passes the check is the chart on the page.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from generator.content.models import ChartDecl
from generator.errors import JianbaoError
from generator.site.numbers import format_quantity

if TYPE_CHECKING:  # the frames come from the caller: importing this module (jianbao check) loads no pandas
    import pandas as pd

# Families tried in order; the first one installed wins, in vl-convert and in browsers.
CJK_FONT_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
)
FONT_STACK = ", ".join(f'"{family}"' for family in CJK_FONT_FAMILIES) + ", sans-serif"

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

class ChartError(JianbaoError):
    """A declared chart cannot be drawn from the data (unknown region, year or indicator)."""


class IndicatorDef(NamedTuple):
    """Display name and unit of an indicator; a plain `(name, unit)` tuple works too."""

    name: str
    unit: str


IndicatorDefs = Mapping[str, tuple[str, str]]


ChartSpec = ChartDecl  # the content model is the one definition of a declared chart



@dataclass(frozen=True)
class TrendData:
    """One region's indicators over the years, one line per indicator (display names in order)."""

    frame: pd.DataFrame  # year, name, value, display
    order: list[str]
    y_title: str
    title: str


@dataclass(frozen=True)
class BandsData:
    """Villages per collective-income band for one region and year."""

    frame: pd.DataFrame  # band, villages, share
    title: str


@dataclass(frozen=True)
class RankingData:
    """The direct sub-regions of a region ranked by one indicator, largest first."""

    frame: pd.DataFrame  # rank, region, value, display
    name: str
    unit: str
    child_word: str
    title: str


ChartData = TrendData | BandsData | RankingData


def chart_key(decl: ChartSpec, digest: str, defs: IndicatorDefs, *code: str) -> str:
    """What a declared chart depends on, as one digest: the declaration, its rows' digest, the indicator
    definitions and the code that makes it (the spec cache and the chart checks each name their own)."""
    used = sorted((name, list(value)) for name, value in defs.items())
    payload = [decl.model_dump(mode="json"), digest, used, *code]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def trend_data(indicators: pd.DataFrame, defs: IndicatorDefs, region: str, indicator_ids: Sequence[str], *,
               until: int | None = None, title: str | None = None) -> TrendData:
    """One region's indicators over the years (up to `until`); raises ChartError."""
    import pandas as pd

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
    frame = pd.DataFrame(
        {
            "year": rows["year"].astype(int),
            "name": [known[i].name for i in rows["indicator"]],
            "value": rows["value"].astype(float),
            "display": [format_quantity(v, known[i].unit, running_text=False)
                        for i, v in zip(rows["indicator"], rows["value"], strict=True)],
        }
    ).sort_values(["name", "year"], kind="stable")
    years = sorted(frame["year"].unique())
    y_title = f"数值（{units.pop()}）" if len(units) == 1 else "数值"
    default_title = f"{_short_name(region)}主要指标变化（{years[0]}–{years[-1]}年）"
    if len(order) == 1:
        default_title = f"{_short_name(region)}{order[0]}变化（{years[0]}–{years[-1]}年）"
    return TrendData(frame.reset_index(drop=True), order, y_title, title or default_title)


def bands_data(villages: pd.DataFrame, region: str, year: int, *, title: str | None = None) -> BandsData:
    """Villages per income band for one region and year; raises ChartError."""
    frame = compute_bands(villages, region, year)
    default_title = f"{_short_name(region)}{year}年村级集体经济收入分段（共{int(frame['villages'].sum())}个村）"
    return BandsData(frame, title or default_title)


def ranking_data(indicators: pd.DataFrame, defs: IndicatorDefs, region: str, indicator: str, year: int, *,
                 title: str | None = None) -> RankingData:
    """The direct sub-regions of a region ranked by one indicator; raises ChartError."""
    import pandas as pd

    name, unit = _definition(defs, indicator)
    children = _child_rows(indicators, region)
    if children.empty:
        raise ChartError(f"地区“{region}”没有下级地区的指标数据")
    rows = children[(children["indicator"] == indicator) & (children["year"] == year)]
    rows = rows[rows["value"].notna()]
    if rows.empty:
        raise ChartError(f"地区“{region}”的下级地区没有{year}年“{name}”的数据")
    frame = pd.DataFrame(
        {
            "region": [_short_name(r) for r in rows["region"]],
            "value": rows["value"].astype(float),
            "display": [format_quantity(v, unit, running_text=False) for v in rows["value"]],
        }
    )
    # Ties are broken by name so the order never depends on the input order.
    frame = frame.sort_values(["value", "region"], ascending=[False, True], kind="stable")
    frame.insert(0, "rank", range(1, len(frame) + 1))
    frame = frame.reset_index(drop=True)
    level = children["level"].iloc[0] if "level" in children.columns else ""
    child_word = CHILD_LEVEL_NAMES.get(str(level), "下级地区")
    return RankingData(frame, name, unit, child_word, title or f"{_short_name(region)}各{child_word}{name}（{year}年）")


def chart_data(spec: ChartSpec, indicators: pd.DataFrame, villages: pd.DataFrame, defs: IndicatorDefs) -> ChartData:
    """What a declared chart shows; raises ChartError when the data cannot draw it.

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
        return trend_data(indicators, defs, spec.region, ids, until=spec.year, title=spec.title)
    if spec.type == "bands":
        rows = _village_rows(villages, spec.region)
        if rows.empty:
            raise ChartError(f"地区“{spec.region}”没有村级数据")
        year = spec.year if spec.year is not None else int(rows["year"].max())
        return bands_data(villages, spec.region, year, title=spec.title)
    indicator = spec.indicator or DEFAULT_RANKING_INDICATOR
    year = spec.year
    if year is None:
        children = _child_rows(indicators, spec.region)
        children = children[(children["indicator"] == indicator) & children["value"].notna()]
        if children.empty:
            _definition(defs, indicator)  # an unknown indicator is the better message
            raise ChartError(f"地区“{spec.region}”没有下级地区的“{indicator}”数据")
        year = int(children["year"].max())
    return ranking_data(indicators, defs, spec.region, indicator, year, title=spec.title)


def compute_bands(villages: pd.DataFrame, region: str, year: int) -> pd.DataFrame:
    """Count villages per income band (all six bands, in order) for one region and year."""
    import pandas as pd

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
    import pandas as pd

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
