"""Indicator definitions (data/indicators.yml), their computation, and published figures.

Rules the users rely on (to be quoted in the user docs):

* Every indicator is computed for every region at every level (省/市/县/乡镇) and
  every year that region has villages.
* Shares (``share``, ``eliminated_rate``) are percents rounded half up to one
  decimal on the exact fraction (1437 of 1942 → 74.0); counts are whole numbers;
  sums, means and medians are in 万元, rounded half up to two decimals.
* ``eliminated_rate`` and ``relapsed`` compare each village with itself a year
  earlier (key: 村代码 when present, else region path + name), grouped by the
  region the village is in this year. There is no row (not a zero) when a region
  has no village with a previous-year record, and no ``eliminated_rate`` row
  when it had no weak village the year before.
* A published figure agrees with the computed one when they differ by at most
  half a unit of the last decimal the publication wrote: published ``74`` allows
  ±0.5, ``8.9`` allows ±0.05. So 74 ~ 74.0, 98 ~ 97.99, 8.9 !~ 9.0."""

from __future__ import annotations

import functools
import operator
from pathlib import Path

import numpy as np
import pandas as pd

from generator.site.numbers import DECIMALS, format_number
from generator.data.tables import village_ids
from generator.output.files import write_atomic
from generator.data.indicator_defs import Aggregate, AllOf, AnyOf, IndicatorConfig, LEVELS, Leaf, OPS, OUTPUT_COLUMNS, REGION_COLUMNS, Selection, Transition

# ---------------------------------------------------------------- computation


def evaluate_condition(condition: Leaf | AllOf | AnyOf | None, villages: pd.DataFrame) -> pd.Series:
    """Boolean mask of the villages meeting a condition (every village for none)."""
    if condition is None:
        return pd.Series(True, index=villages.index)
    if isinstance(condition, Leaf):
        return OPS[condition.op](villages[condition.column], condition.value)
    parts = [evaluate_condition(c, villages) for c in condition.conditions]
    return functools.reduce(operator.and_ if isinstance(condition, AllOf) else operator.or_, parts)


def compute_regions(villages: pd.DataFrame) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per level (省, 市, 县, 乡镇): each village's region number and the `/`-joined path of each number."""
    levels = []
    ids = np.zeros(len(villages), dtype=np.int64)
    for depth, column in enumerate(REGION_COLUMNS):
        codes, _ = pd.factorize(villages[column])
        ids, _ = pd.factorize(ids * (codes.max() + 1) + codes)  # the pair (parent, name), numbered
        first = np.unique(ids, return_index=True)[1]  # a village of each region, by region number
        parts = villages[list(REGION_COLUMNS[: depth + 1])].iloc[first]
        names = parts.iloc[:, 0].astype(str).to_numpy(dtype=object)
        for k in range(1, depth + 1):
            names = names + "/" + parts.iloc[:, k].astype(str).to_numpy(dtype=object)
        levels.append((ids, names))
    return levels


def compute_previous(villages: pd.DataFrame, flag: pd.Series) -> pd.Series:
    """The flag of the same village a year earlier: 1.0, 0.0, or NaN when it has no record."""
    years = villages["year"].to_numpy(np.int64)
    # One integer per village-year, with a gap before each village's first possible year.
    span = years.max() - years.min() + 2
    key = village_ids(villages) * span + (years - years.min() + 1)
    index = pd.Index(key)
    if not index.is_unique:
        raise ValueError("villages has duplicate village-years; read_villages reports and drops them")
    position = index.get_indexer(key - 1)
    values = flag.astype(float).to_numpy()
    before = np.where(position >= 0, values[position], np.nan)
    return pd.Series(before, index=villages.index)


def compute_flags(config: IndicatorConfig, villages: pd.DataFrame) -> pd.DataFrame:
    """Per village-year 0/1 columns whose group sums give every count-like indicator."""
    flags: dict[str, pd.Series] = {}
    previous: dict[str, tuple[pd.Series, pd.Series]] = {}
    for ident, definition in config.indicators.items():
        if isinstance(definition, Selection):
            flags[ident] = evaluate_condition(definition.where, villages)
        elif isinstance(definition, Transition):
            if definition.weak not in previous:
                weak_definition = config.indicators[definition.weak]
                assert isinstance(weak_definition, Selection)
                weak = evaluate_condition(weak_definition.where, villages)
                previous[definition.weak] = (weak, compute_previous(villages, weak))
            weak, before = previous[definition.weak]
            matched, was_weak = before.notna(), before == 1.0
            if definition.kind == "eliminated_rate":
                numerator, denominator = matched & was_weak & ~weak, matched & was_weak
            else:
                numerator, denominator = matched & ~was_weak & weak, matched
            flags[f"{ident}/num"], flags[f"{ident}/den"] = numerator, denominator
    return pd.DataFrame(flags, index=villages.index).astype(np.int64)


def compute_percent(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """100 · num / den rounded half up to one decimal, exactly (integer arithmetic); NaN if den = 0."""
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    safe = np.where(den > 0, den, 1)
    tenths = (num * 2000 + safe) // (2 * safe)
    return np.where(den > 0, tenths / 10, np.nan)


def round_half_up(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round half up (22.495 → 22.50), ignoring binary noise far below the last decimal."""
    scaled = np.round(np.asarray(values, dtype=float) * 10**decimals, 6)
    return np.floor(scaled + 0.5) / 10**decimals + 0.0  # + 0.0 turns -0.0 into 0.0


def compute_level(config: IndicatorConfig, villages: pd.DataFrame, flags: pd.DataFrame,
                  region_ids: np.ndarray, region_names: np.ndarray, level: str) -> pd.DataFrame:
    """Every indicator for every (region, year) of one level, long format, sorted."""
    years = villages["year"].to_numpy(np.int64)
    # Number the (region, year) groups in output order: by region path, then year.
    rank = np.empty(len(region_names), dtype=np.int64)
    rank[np.argsort(region_names.astype(str), kind="stable")] = np.arange(len(region_names))
    group, keys = pd.factorize(rank[region_ids] * (years.max() + 1) + years, sort=True)
    n_groups = len(keys)
    count = {c: np.bincount(group, weights=flags[c].to_numpy(), minlength=n_groups) for c in flags.columns}
    size = np.bincount(group, minlength=n_groups)
    values = []
    for ident, definition in config.indicators.items():
        if definition.kind == "count":
            values.append(count[ident])
        elif definition.kind == "share":
            values.append(compute_percent(count[ident], size))
        elif isinstance(definition, Aggregate):
            aggregated = villages[definition.column].groupby(group).agg(definition.kind).to_numpy()
            values.append(round_half_up(aggregated, 2))
        elif definition.kind == "eliminated_rate":
            values.append(compute_percent(count[f"{ident}/num"], count[f"{ident}/den"]))
        else:
            values.append(np.where(count[f"{ident}/den"] > 0, count[f"{ident}/num"], np.nan))
    matrix = np.column_stack(values).astype(float)  # groups × indicators, in output order
    present = ~np.isnan(matrix.ravel())
    n_indicators = len(values)
    by_rank = region_names[np.argsort(rank)]
    return pd.DataFrame({
        "region": np.repeat(by_rank[keys // (years.max() + 1)], n_indicators)[present],
        "level": level,
        "year": np.repeat(keys % (years.max() + 1), n_indicators)[present],
        "indicator": np.tile(np.array(list(config.indicators), dtype=object), n_groups)[present],
        "value": matrix.ravel()[present],
        "unit": np.tile(np.array([d.unit for d in config.indicators.values()], dtype=object), n_groups)[present],
    })


def empty_indicators() -> pd.DataFrame:
    """The indicator frame with no rows, typed."""
    return pd.DataFrame({
        "region": pd.Series(dtype=str), "level": pd.Series(dtype=str),
        "year": pd.Series(dtype=np.int64), "indicator": pd.Series(dtype=str),
        "value": pd.Series(dtype=float), "unit": pd.Series(dtype=str),
    })


def compute_indicators(defs: IndicatorConfig, villages: pd.DataFrame) -> pd.DataFrame:
    """Every indicator for every region at every level and every year.

    Rows are ordered by level (省, 市, 县, 乡镇), region path, year, then the order
    of the definitions.
    """
    if villages.empty:
        return empty_indicators()
    villages = villages.reset_index(drop=True)
    flags = compute_flags(defs, villages)
    levels = [
        compute_level(defs, villages, flags, ids, names, level)
        for level, (ids, names) in zip(LEVELS, compute_regions(villages))
    ]
    frame = pd.concat(levels, ignore_index=True)
    return frame.astype({"region": str, "level": str, "year": np.int64, "indicator": str,
                         "value": float, "unit": str})[OUTPUT_COLUMNS]


def format_values(frame: pd.DataFrame) -> pd.Series:
    """Values as written: decimals by unit (% one, 个 none, 万元 two)."""
    if "unit" not in frame:
        return frame["value"].map(lambda v: format_number(v, running_text=False, as_written=True, grouping=False))
    text = pd.Series("", index=frame.index, dtype=object)
    for unit in DECIMALS:
        mask = frame["unit"] == unit
        text[mask] = frame.loc[mask, "value"].map(lambda v, u=unit: format_number(v, u, running_text=False, grouping=False))
    other = ~frame["unit"].isin(list(DECIMALS))
    text[other] = frame.loc[other, "value"].map(lambda v: format_number(v, running_text=False, as_written=True, grouping=False))
    return text


def indicators_csv(frame: pd.DataFrame) -> str:
    """`region,year,indicator,value`, sorted, shares with one decimal."""
    ordered = frame.sort_values(["region", "year", "indicator"], kind="stable")
    out = pd.DataFrame({
        "region": ordered["region"], "year": ordered["year"].astype(np.int64),
        "indicator": ordered["indicator"], "value": format_values(ordered),
    })
    return out.to_csv(index=False, lineterminator="\n")


def write_indicators_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write `region,year,indicator,value`, sorted, UTF-8, no index."""
    write_atomic(path, indicators_csv(frame))
