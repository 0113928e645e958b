"""What the later stages read from data/, as plain values: no pandas is needed to use them.

frames.py computes a DataFacts from the frames once per data/ (a digest of its files); a build
keeps it as JSON in build/cache, so that the next build with the same data/ answers every
question of the checks, the region pages and the chart caches without reading a table again
(nor importing pandas). Only a chart that must be drawn anew reads the rows themselves.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

FORMAT = 2  # of the JSON form (to_json); a stored form of another format is made again


@dataclass(frozen=True)
class TablePart:
    """The villages of a region that come from one table."""

    file: str
    sample: bool
    children: tuple[str, ...]  # the sub-regions this table covers (empty at the lowest level)


@dataclass(frozen=True)
class YearCoverage:
    year: int
    children: int  # sub-regions with data (villages, for a 乡镇)
    villages: int


@dataclass(frozen=True)
class RegionFacts:
    """One region path with computed indicators or villages."""

    years: tuple[int, ...] = ()  # the years with computed indicators, in order
    # (indicator, value per year): None where there is no row, NaN for a row without a value; in definition order
    cells: tuple[tuple[str, tuple[float | None, ...]], ...] = ()
    sample: bool = False  # any of its villages comes from a table marked as sample data
    sources: tuple[str, ...] = ()  # the sources of its villages' tables
    chart_digest: str = ""  # of the rows a chart of the region reads (ChartInputs.digest)
    parts: tuple[TablePart, ...] = ()  # per table, when sample and real tables mix (else empty)
    coverage: tuple[YearCoverage, ...] = ()  # per year, when its coverage changes between years (else empty)
    first_file: str = ""  # the first table (by name) its villages come from


@dataclass(frozen=True)
class DataFacts:
    """Everything the checks, pages and caches take from data/, computed once from the frames."""

    defs: dict[str, tuple[str, str]]  # indicator id → (name, unit), in definition order
    regions: dict[str, RegionFacts]  # by region path
    has_indicators: bool = False  # any indicator row at all (data/indicators.csv is written)
    configured: bool = False  # data/indicators.yml defines indicators (the 指标 page lists them)
    descriptions: dict[str, str | None] = field(default_factory=dict)  # indicator id → how it is computed (口径)

    @functools.cached_property
    def values(self) -> dict[tuple[str, str, int], float]:
        """(indicator, region, year) → computed value (NaN: a row without a value)."""
        return {(indicator, path, year): value
                for path, region in self.regions.items() for indicator, values in region.cells
                for year, value in zip(region.years, values) if value is not None}

    def region(self, path: str) -> RegionFacts:
        return self.regions.get(path, _NO_REGION)

    def indicator_regions(self) -> list[str]:
        """The regions with computed indicators, sorted."""
        return sorted(path for path, region in self.regions.items() if region.years)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "defs": [[key, name, unit] for key, (name, unit) in self.defs.items()],
            "regions": {path: _region_json(region) for path, region in self.regions.items()},
            "has_indicators": self.has_indicators,
            "configured": self.configured,
            "descriptions": self.descriptions,
        }

    @classmethod
    def from_json(cls, value: Any) -> DataFacts | None:
        """The facts to_json gave, or None for a value of another format or a damaged one."""
        try:
            if value["format"] != FORMAT:
                return None
            return cls(
                defs={str(key): (str(name), str(unit)) for key, name, unit in value["defs"]},
                regions={str(path): _region_of(item) for path, item in value["regions"].items()},
                has_indicators=bool(value["has_indicators"]),
                configured=bool(value["configured"]),
                descriptions={str(key): None if text is None else str(text) for key, text in value["descriptions"].items()},
            )
        except (KeyError, TypeError, ValueError, AttributeError):
            return None


_NO_REGION = RegionFacts()


def _number(value: float | None) -> float | str | None:
    """JSON has no NaN: a missing value is None, NaN is the string "nan"."""
    if value is None:
        return None
    return "nan" if math.isnan(value) else value


def _float(value: Any) -> float:
    return math.nan if value == "nan" else float(value)


def _region_json(region: RegionFacts) -> dict[str, Any]:
    return {
        "years": list(region.years),
        "cells": [[indicator, [_number(v) for v in values]] for indicator, values in region.cells],
        "sample": region.sample,
        "sources": list(region.sources),
        "chart_digest": region.chart_digest,
        "parts": [[part.file, part.sample, list(part.children)] for part in region.parts],
        "coverage": [[c.year, c.children, c.villages] for c in region.coverage],
        "first_file": region.first_file,
    }


def _region_of(item: dict[str, Any]) -> RegionFacts:
    return RegionFacts(
        years=tuple(int(y) for y in item["years"]),
        cells=tuple((str(indicator), tuple(None if v is None else _float(v) for v in values)) for indicator, values in item["cells"]),
        sample=bool(item["sample"]),
        sources=tuple(str(s) for s in item["sources"]),
        chart_digest=str(item["chart_digest"]),
        parts=tuple(TablePart(str(f), bool(s), tuple(str(c) for c in children)) for f, s, children in item["parts"]),
        coverage=tuple(YearCoverage(int(y), int(c), int(v)) for y, c, v in item["coverage"]),
        first_file=str(item["first_file"]),
    )
