"""Load data/: indicator definitions, village tables, published figures → computed indicators."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Report
from .indicators import IndicatorConfig, compare_published, compute_indicators, empty_indicators, empty_published, load_indicators, read_published
from .tables import read_villages

TABLE_SUFFIXES = (".csv", ".xlsx")


@dataclass
class Data:
    """Everything computed from data/ for one build."""

    config: IndicatorConfig | None = None
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    indicators: pd.DataFrame = field(default_factory=empty_indicators)
    published: pd.DataFrame = field(default_factory=empty_published)

    @property
    def defs(self) -> dict[str, tuple[str, str]]:
        """id → (name, unit), for charts and tables."""
        if self.config is None:
            return {}
        return {key: (item.name, item.unit) for key, item in self.config.indicators.items()}

    def value(self, indicator: str, region: str, year: int) -> float | None:
        frame = self.indicators
        if frame.empty:
            return None
        rows = frame[(frame["indicator"] == indicator) & (frame["region"] == region) & (frame["year"] == year)]
        return None if rows.empty else float(rows["value"].iloc[0])

    def regions(self) -> list[str]:
        return sorted(self.indicators["region"].unique()) if not self.indicators.empty else []

    def is_sample(self, region: str) -> bool:
        """Whether any village of this region comes from a table marked as sample data."""
        rows = _village_rows(self.villages, region)
        return bool(not rows.empty and rows["sample"].any())

    def sources(self, region: str) -> list[str]:
        rows = _village_rows(self.villages, region)
        return sorted(set(rows["source"].dropna())) if not rows.empty else []


def _village_rows(villages: pd.DataFrame, region: str) -> pd.DataFrame:
    if villages.empty:
        return villages
    path = villages["province"] + "/" + villages["city"] + "/" + villages["county"] + "/" + villages["township"]
    return villages[(path == region) | path.str.startswith(region + "/")]


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~$")))


def load_data(root: Path, report: Report) -> Data:
    """Read and compute everything under data/; problems go to report."""
    data_dir = root / "data"
    definitions = data_dir / "indicators.yml"
    tables = _files(data_dir / "villages", TABLE_SUFFIXES)
    if not definitions.is_file():
        if tables:
            report.error("data/indicators.yml", 1, 1, "有村级数据表，但缺少指标定义文件 data/indicators.yml")
        return Data()
    config, problems = load_indicators(definitions, root)
    report.extend(problems.problems)
    if config is None:
        return Data()
    villages, problems = read_villages(tables, root, config.default_province)
    report.extend(problems.problems)
    computed = compute_indicators(config, villages)
    published, problems = read_published(_files(data_dir / "published", (".csv", ".yml")), root)
    report.extend(problems.problems)
    report.extend(compare_published(computed, published).problems)
    return Data(config=config, villages=villages, indicators=computed, published=published)
