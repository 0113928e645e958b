"""data/ as frames (pandas): the tables read, the indicators computed, and the facts taken from them.

read_frames reads and computes; facts_of takes from the frames everything the later stages ask
(facts.py), in one pass per question over all regions. Lookups by region go through indexes
built once (a page per township asks thousands of times); the frames are never changed.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from generator.data.facts import DataFacts, RegionFacts, TablePart, YearCoverage
from generator.data.indicator_defs import REGION_COLUMNS, IndicatorConfig, load_indicators
from generator.data.indicators import compute_indicators, empty_indicators
from generator.data.published import compare_published, empty_published, read_published
from generator.data.tables import read_villages
from generator.errors import Report

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache

TABLE_SUFFIXES = (".csv", ".xlsx")
# What the chart builders read (charts.py): a chart is rebuilt only when these change.
CHART_INDICATOR_COLUMNS = ["region", "level", "year", "indicator", "value"]
CHART_VILLAGE_COLUMNS = [("year", np.float64), ("income", np.float64)]
_NONE = np.empty(0, dtype=np.intp)


@dataclass(eq=False)
class Frames:
    """The indicator definitions, the village rows, the computed indicators and the published figures."""

    config: IndicatorConfig | None = None
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    indicators: pd.DataFrame = field(default_factory=empty_indicators)
    published: pd.DataFrame = field(default_factory=empty_published)

    def village_rows(self, region: str) -> pd.DataFrame:
        """The villages of a region (any level: 省, 省/市, … 省/市/县/乡镇)."""
        positions = self.village_index.get(region)
        return self.villages.iloc[positions] if positions is not None else self.villages.iloc[:0]

    def chart_positions(self, region: str) -> tuple[np.ndarray, np.ndarray]:
        """The rows a chart of the region reads: its own and its direct sub-regions' indicators, its villages."""
        parts = [self._indicator_index.get(region, _NONE)]
        parts += [self._indicator_index[child] for child in self._children.get(region, ())]
        return np.sort(np.concatenate(parts)), self.village_index.get(region, _NONE)

    def chart_digest(self, region: str) -> str:
        """A digest of the rows chart_positions gives: a chart is built again exactly when it changes."""
        positions, village_positions = self.chart_positions(region)
        digest = hashlib.sha256(b"indicators\n")
        digest.update(np.ascontiguousarray(self._indicator_row_hashes[positions]).tobytes())
        # Every village here is in the region, so only these columns can change a chart.
        for column, values in self._village_columns.items():
            digest.update(f"\n{column} {len(village_positions)}\n".encode() + np.ascontiguousarray(values[village_positions]).tobytes())
        return digest.hexdigest()

    @functools.cached_property
    def _indicator_row_hashes(self) -> np.ndarray:
        """A hash of each indicator row (the columns charts read), computed once for the frame."""
        present = [c for c in CHART_INDICATOR_COLUMNS if c in self.indicators.columns]
        if self.indicators.empty or not present:
            return np.zeros(len(self.indicators), dtype=np.uint64)
        return pd.util.hash_pandas_object(self.indicators[present], index=False).to_numpy()

    @functools.cached_property
    def _village_columns(self) -> dict[str, np.ndarray]:
        return {column: (self.villages[column].to_numpy(dtype=dtype, na_value=np.nan) if column in self.villages.columns
                         else np.full(len(self.villages), np.nan))
                for column, dtype in CHART_VILLAGE_COLUMNS}

    @functools.cached_property
    def _indicator_index(self) -> dict[str, np.ndarray]:
        if self.indicators.empty:
            return {}
        return {str(k): v for k, v in self.indicators.groupby("region", sort=False).indices.items()}

    @functools.cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for region in self._indicator_index:
            if "/" in region:
                children.setdefault(region.rsplit("/", 1)[0], []).append(region)
        return children

    @functools.cached_property
    def village_index(self) -> dict[str, np.ndarray]:
        """Row positions of the villages of every region path, at every level."""
        if self.villages.empty:
            return {}
        index: dict[str, np.ndarray] = {}
        for level in range(len(REGION_COLUMNS)):
            # scale: grouped by the columns themselves (no path strings built for every row)
            groups = self.villages.groupby(list(REGION_COLUMNS[: level + 1]), sort=False, dropna=False).indices
            index.update({"/".join(map(str, key if isinstance(key, tuple) else (key,))): v for key, v in groups.items()})
        return index


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~$")))


def read_frames(root: Path, report: Report, documents: YamlCache | None = None) -> Frames:
    """Read data/ and compute the indicators; problems go to report."""
    data_dir = root / "data"
    definitions = data_dir / "indicators.yml"
    tables = _files(data_dir / "villages", TABLE_SUFFIXES)
    if not definitions.is_file():
        if tables:
            report.error("data/indicators.yml", 1, 1, "有村级数据表，但缺少指标定义文件 data/indicators.yml")
        return Frames()
    config, problems = load_indicators(definitions, root, documents)
    report.extend(problems.problems)
    if config is None:
        return Frames()
    villages, problems = read_villages(tables, root, config.default_province, documents)
    report.extend(problems.problems)
    computed = compute_indicators(config, villages)
    published, problems = read_published(_files(data_dir / "published", (".csv", ".yml")), root)
    report.extend(problems.problems)
    report.extend(compare_published(computed, published).problems)
    return Frames(config=config, villages=villages, indicators=computed, published=published)


# --- the facts ---------------------------------------------------------------


def facts_of(frames: Frames) -> DataFacts:
    """Everything the later stages ask of data/ (facts.py), taken from the frames."""
    defs = {key: (item.name, item.unit) for key, item in frames.config.indicators.items()} if frames.config else {}
    tables = _region_tables(frames.indicators, defs)
    villages = _village_facts(frames)
    coverage = _region_coverage(frames.villages)
    regions = {}
    for path in sorted({*tables, *villages}):
        years, cells = tables.get(path, ((), ()))
        sample, sources, first_file, mixed = villages.get(path, (False, (), "", False))
        regions[path] = RegionFacts(years=years, cells=cells, sample=sample, sources=sources,
                                    chart_digest=frames.chart_digest(path) if years else "",
                                    parts=_table_parts(frames, path) if mixed else (),
                                    coverage=tuple(coverage.get(path, ())), first_file=first_file)
    descriptions = {key: item.description for key, item in frames.config.indicators.items()} if frames.config else {}
    return DataFacts(defs=defs, regions=regions, has_indicators=not frames.indicators.empty,
                     configured=frames.config is not None, descriptions=descriptions)


def _region_tables(frame: pd.DataFrame, defs: dict[str, tuple[str, str]]) -> dict[str, tuple[tuple[int, ...], tuple]]:
    """Per region: its years, and per indicator its value of each year (None: no row; NaN: a row without a value)."""
    # One pass over the frame (a pivot per region took seconds with a page per township).
    years: dict[str, set[int]] = defaultdict(set)
    cells: dict[str, dict[tuple[str, int], float]] = defaultdict(dict)
    columns = (frame[c].tolist() for c in ("region", "indicator", "year", "value"))
    for path, indicator, year, value in zip(*columns):
        years[path].add(int(year))
        cells[path].setdefault((indicator, int(year)), float(value))  # the first row wins, as a filter would find it
    tables = {}
    for path in years:
        region_years = tuple(sorted(years[path]))
        found = {indicator for indicator, _ in cells[path]}
        rows = tuple((indicator, tuple(cells[path].get((indicator, y)) for y in region_years)) for indicator in defs if indicator in found)
        tables[str(path)] = (region_years, rows)
    return tables


def _village_facts(frames: Frames) -> dict[str, tuple[bool, tuple[str, ...], str, bool]]:
    """Per region path: whether any of its villages is sample data, their sources, the first of their tables,
    and whether sample and real tables mix."""
    if frames.villages.empty:
        return {}
    # scale: a region's villages come from few tables, so each region looks at its distinct (file, source, sample)
    # (numbers, found with NumPy) rather than at each of its villages.
    files, file_names = pd.factorize(frames.villages["file"], use_na_sentinel=False)
    sources, source_names = pd.factorize(frames.villages["source"], use_na_sentinel=False)
    samples = frames.villages["sample"].to_numpy(dtype=bool)
    codes = (files.astype(np.int64) * len(source_names) + sources) * 2 + samples
    facts = {}
    for region, positions in frames.village_index.items():
        found = [(file_names[code // 2 // len(source_names)], source_names[code // 2 % len(source_names)], code % 2 == 1)
                 for code in np.unique(codes[positions]).tolist()]
        kinds = {sample for _, _, sample in found}
        names = tuple(sorted({source for _, source, _ in found if isinstance(source, str)}))
        first_file = str(min(file for file, _, _ in found)) if found else ""
        facts[region] = (True in kinds, names, first_file, len(kinds) > 1)
    return facts


def _table_parts(frames: Frames, region: str) -> tuple[TablePart, ...]:
    """Per table (file) of a region's villages whose sample and real tables mix: sample or not, which sub-regions it covers."""
    villages = frames.village_rows(region)
    level = region.count("/") + 1
    child = REGION_COLUMNS[level] if level < len(REGION_COLUMNS) else None
    parts = []
    for (file, sample), rows in villages.groupby(["file", "sample"], sort=True):
        children = tuple(sorted(str(name) for name in rows[child].unique())) if child else ()
        parts.append(TablePart(str(file), bool(sample), children))
    return tuple(sorted(parts, key=lambda part: (not part.sample, part.file)))


def _region_coverage(villages: pd.DataFrame) -> dict[str, list[YearCoverage]]:
    """Regions whose coverage (sub-regions or villages with data) changes between years: their years.

    By level, then by region: per (region, year) the number of distinct sub-regions (villages, for a
    乡镇) and of rows; a region changes when either differs between its years. Rows with a missing
    region part or year count nowhere, a missing sub-region is not a sub-region (as pandas' groupby).
    """
    if villages.empty or "year" not in villages.columns:
        return {}
    # scale: counted with NumPy over integer codes, each column's text factorized once (pandas' groupby and
    # nunique per level took 0.07 s at 40,000 rows)
    year_codes, years = pd.factorize(villages["year"], sort=True)
    columns = {column: pd.factorize(villages[column]) for column in (*REGION_COLUMNS, "village") if column in villages.columns}
    rows = len(villages)
    region_codes, missing = np.zeros(rows, dtype=np.int64), year_codes < 0
    changes: dict[str, list[YearCoverage]] = {}
    for level, column in enumerate(REGION_COLUMNS):
        child = REGION_COLUMNS[level + 1] if level + 1 < len(REGION_COLUMNS) else "village"
        if column not in columns or child not in columns:
            break
        part_codes, parts = columns[column]
        missing = missing | (part_codes < 0)  # a row without this part counts at no level from here on
        kept = ~missing
        if not kept.any():
            break
        regions, inverse = np.unique(region_codes[kept] * (len(parts) + 1) + part_codes[kept], return_inverse=True)
        region_codes = np.full(rows, -1, dtype=np.int64)
        region_codes[kept] = inverse.reshape(-1)
        child_codes, children = columns[child]
        count, years_count, width = len(regions), len(years), max(len(children), 1)
        cell = region_codes[kept] * years_count + year_codes[kept]
        size = np.bincount(cell, minlength=count * years_count).reshape(count, years_count)
        named = child_codes[kept] >= 0
        pairs = np.unique(cell[named] * width + child_codes[kept][named])
        distinct = np.bincount(pairs // width, minlength=count * years_count).reshape(count, years_count)
        present = size > 0
        varying = (_spread(size, present) | _spread(distinct, present)).nonzero()[0]
        if not len(varying):
            continue
        kept_rows = np.flatnonzero(kept)
        first_rows = np.empty(count, dtype=np.int64)
        first_rows[inverse.reshape(-1)[::-1]] = kept_rows[::-1]  # the first row of each region
        for region in varying.tolist():
            row = first_rows[region]
            path = "/".join(str(columns[key][1][columns[key][0][row]]) for key in REGION_COLUMNS[: level + 1])
            changes[path] = [YearCoverage(int(years[y]), int(distinct[region, y]), int(size[region, y]))
                             for y in np.flatnonzero(present[region]).tolist()]
    return changes


def _spread(counts: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per row: whether the counts of its present columns are not all equal."""
    high = np.where(present, counts, np.iinfo(np.int64).min).max(axis=1)
    low = np.where(present, counts, np.iinfo(np.int64).max).min(axis=1)
    return high > low
