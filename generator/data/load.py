"""Load data/: indicator definitions, village tables, published figures → computed indicators."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from generator.buildcache import BuildCache
from generator.errors import Report
from generator.data.indicator_defs import IndicatorConfig, load_indicators
from generator.data.indicators import compute_indicators, empty_indicators
from generator.data.published import compare_published, empty_published, read_published
from generator.data.tables import read_villages

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache

TABLE_SUFFIXES = (".csv", ".xlsx")


REGION_COLUMNS = ("province", "city", "county", "township")
# What the chart builders read (charts.py): a chart is rebuilt only when these change.
CHART_INDICATOR_COLUMNS = ["region", "level", "year", "indicator", "value"]
CHART_VILLAGE_COLUMNS = [("year", np.float64), ("income", np.float64)]


class ChartInputs:
    """The rows a chart of one region can read (taken only when a chart is built), and a digest of them."""

    def __init__(self, data: Data, positions: np.ndarray, village_positions: np.ndarray, digest: str) -> None:
        self._data, self._positions, self._village_positions = data, positions, village_positions
        self.digest = digest

    @functools.cached_property
    def indicators(self) -> pd.DataFrame:
        """The region's rows and its direct sub-regions' rows."""
        return self._data.indicators.iloc[self._positions]

    @functools.cached_property
    def villages(self) -> pd.DataFrame:
        """The villages in the region."""
        return self._data.villages.iloc[self._village_positions] if len(self._village_positions) else self._data.villages.iloc[:0]


@dataclass(eq=False)
class Data:
    """Everything computed from data/ for one build.

    Lookups by region go through indexes built once (a page per township asks
    thousands of times); the frames themselves are never changed after loading.
    """

    config: IndicatorConfig | None = None
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    indicators: pd.DataFrame = field(default_factory=empty_indicators)
    published: pd.DataFrame = field(default_factory=empty_published)
    digest: str = ""  # of every file under data/ (load_data): what a page depends on here

    @property
    def defs(self) -> dict[str, tuple[str, str]]:
        """id → (name, unit), for charts and tables."""
        if self.config is None:
            return {}
        return {key: (item.name, item.unit) for key, item in self.config.indicators.items()}

    def value(self, indicator: str, region: str, year: int) -> float | None:
        return self._values.get((indicator, region, year))

    def regions(self) -> list[str]:
        return sorted(self.indicators["region"].unique()) if not self.indicators.empty else []

    def is_sample(self, region: str) -> bool:
        """Whether any village of this region comes from a table marked as sample data."""
        return self._village_meta(region)[0]

    def sources(self, region: str) -> list[str]:
        return list(self._village_meta(region)[1])

    def years(self, region: str) -> list[int]:
        """The years with computed indicators for a region, in order."""
        if region not in self._years:
            self._years[region] = sorted(int(y) for y in self.indicator_rows(region)["year"].unique())
        return self._years[region]

    def village_rows(self, region: str) -> pd.DataFrame:
        """The villages of a region (any level: 省, 省/市, … 省/市/县/乡镇)."""
        positions = self._village_index.get(region)
        return self.villages.iloc[positions] if positions is not None else self.villages.iloc[:0]

    def village_values(self, region: str, column: str) -> np.ndarray:
        """One column of village_rows(region), without taking the other columns (check_coverage asks per region)."""
        values = self.villages[column].to_numpy()
        positions = self._village_index.get(region)
        return values[positions] if positions is not None else values[:0]

    def indicator_rows(self, region: str) -> pd.DataFrame:
        positions = self._indicator_index.get(region)
        return self.indicators.iloc[positions] if positions is not None else self.indicators.iloc[:0]

    def chart_inputs(self, region: str) -> ChartInputs:
        """What a chart of this region may read: build_chart gives the same chart from these rows."""
        if region not in self._inputs:
            self._inputs[region] = self._chart_inputs(region)
        return self._inputs[region]

    def _chart_inputs(self, region: str) -> ChartInputs:
        parts = [self._indicator_index.get(region, _NONE)]
        parts += [self._indicator_index[child] for child in self._children.get(region, ())]
        positions = np.sort(np.concatenate(parts))
        digest = hashlib.sha256(b"indicators\n")
        digest.update(np.ascontiguousarray(self._indicator_row_hashes[positions]).tobytes())
        # Every village here is in the region, so only these columns can change a chart.
        village_positions = self._village_index.get(region, _NONE)
        for column, values in self._village_columns.items():
            digest.update(f"\n{column} {len(village_positions)}\n".encode() + np.ascontiguousarray(values[village_positions]).tobytes())
        return ChartInputs(self, positions, village_positions, digest.hexdigest())

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
    def _values(self) -> dict[tuple[str, str, int], float]:
        frame = self.indicators
        if frame.empty:
            return {}
        keys = zip(frame["indicator"].tolist(), frame["region"].tolist(), frame["year"].astype(int).tolist())
        values: dict[tuple[str, str, int], float] = {}
        for key, value in zip(keys, frame["value"].astype(float).tolist()):
            values.setdefault(key, value)  # the first row wins, as a filter would find it
        return values

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
    def _village_index(self) -> dict[str, np.ndarray]:
        """Row positions of the villages of every region path, at every level."""
        if self.villages.empty:
            return {}
        index: dict[str, np.ndarray] = {}
        for level in range(len(REGION_COLUMNS)):
            # scale: grouped by the columns themselves (no path strings built for every row)
            groups = self.villages.groupby(list(REGION_COLUMNS[: level + 1]), sort=False, dropna=False).indices
            index.update({"/".join(map(str, key if isinstance(key, tuple) else (key,))): v for key, v in groups.items()})
        return index

    def _village_meta(self, region: str) -> tuple[bool, tuple[str, ...]]:
        return self._village_metas.get(region, (False, ()))

    @functools.cached_property
    def _village_metas(self) -> dict[str, tuple[bool, tuple[str, ...]]]:
        """Per region path: whether any of its villages is sample data, and their sources."""
        metas: dict[str, tuple[bool, tuple[str, ...]]] = {}
        sample = self.villages["sample"].to_numpy(dtype=bool) if not self.villages.empty else None
        source = self.villages["source"].to_numpy(dtype=object) if not self.villages.empty else None
        for region, positions in self._village_index.items():
            names = {name for name in source[positions] if isinstance(name, str)}
            metas[region] = (bool(sample[positions].any()), tuple(sorted(names)))
        return metas

    @functools.cached_property
    def _years(self) -> dict[str, list[int]]:
        """years() of each region asked so far: the frames never change."""
        return {}

    @functools.cached_property
    def _inputs(self) -> dict[str, ChartInputs]:
        """chart_inputs() of each region asked so far: the frames never change."""
        return {}


_NONE = np.empty(0, dtype=np.intp)


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~$")))


def load_data(root: Path, report: Report, cache: BuildCache | None = None, documents: YamlCache | None = None) -> Data:
    """Read and compute everything under data/; problems go to report.

    cache: the last data/ loaded by this process, by a digest of every file under data/: `jianbao serve`
    rebuilds after a content change without reading and computing 100,000 village rows again.
    documents: the project's parsed-file cache (yamlcache.py), for data/indicators.yml.
    """
    digest = _data_digest(root / "data")
    memo = (cache if cache is not None else BuildCache()).data
    known = memo.get(digest)
    if known is not None:
        report.extend(list(known[1]))
        return known[0]
    own = Report()
    data = _load_data(root, own, documents)
    data.digest = digest
    report.extend(own.problems)
    memo.put(digest, (data, list(own.problems)))
    return data


def _data_digest(folder: Path) -> str:
    digest = hashlib.sha256(str(folder.resolve()).encode("utf-8"))
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(b"\0" + path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"<unreadable>")
    return digest.hexdigest()


def _load_data(root: Path, report: Report, documents: YamlCache | None = None) -> Data:
    data_dir = root / "data"
    definitions = data_dir / "indicators.yml"
    tables = _files(data_dir / "villages", TABLE_SUFFIXES)
    if not definitions.is_file():
        if tables:
            report.error("data/indicators.yml", 1, 1, "有村级数据表，但缺少指标定义文件 data/indicators.yml")
        return Data()
    config, problems = load_indicators(definitions, root, documents)
    report.extend(problems.problems)
    if config is None:
        return Data()
    villages, problems = read_villages(tables, root, config.default_province, documents)
    report.extend(problems.problems)
    computed = compute_indicators(config, villages)
    published, problems = read_published(_files(data_dir / "published", (".csv", ".yml")), root)
    report.extend(problems.problems)
    report.extend(compare_published(computed, published).problems)
    return Data(config=config, villages=villages, indicators=computed, published=published)
