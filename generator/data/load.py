"""Load data/: the facts every stage reads (facts.py), and the frames behind them when a stage needs rows.

A build keeps the facts of its data/ as JSON in build/cache (by a digest of every file under data/
and the generator's code): the next build with the same data/ reads them back and never imports
pandas, unless a chart has to be drawn anew (Data.frames reads the tables again then).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.buildcache import BuildCache
from generator.data.facts import DataFacts, RegionFacts, TablePart, YearCoverage
from generator.errors import Level, Problem, Report
from generator.output.stores import generator_code, store_value, stored_value

if TYPE_CHECKING:
    import pandas as pd

    from generator.content.yamlcache import YamlCache
    from generator.data.frames import Frames

NO_FACTS = DataFacts(defs={}, regions={})


class ChartInputs:
    """The rows a chart of one region can read (taken only when a chart is built), and a digest of them."""

    def __init__(self, data: Data, region: str, digest: str) -> None:
        self._data, self._region = data, region
        self.digest = digest

    @functools.cached_property
    def _positions(self) -> tuple[Any, Any]:
        return self._data.frames.chart_positions(self._region)

    @functools.cached_property
    def indicators(self) -> pd.DataFrame:
        """The region's rows and its direct sub-regions' rows."""
        return self._data.frames.indicators.iloc[self._positions[0]]

    @functools.cached_property
    def villages(self) -> pd.DataFrame:
        """The villages in the region."""
        villages = self._data.frames.villages
        return villages.iloc[self._positions[1]] if len(self._positions[1]) else villages.iloc[:0]


class Data:
    """Everything computed from data/ for one build: its facts, and its frames when a stage asks for rows.

    frames: the frames themselves, or how to read them again (a build whose facts were kept reads
    the tables only if a chart must be drawn); never changed after loading.
    """

    def __init__(self, facts: DataFacts = NO_FACTS, frames: Frames | Callable[[], Frames] | None = None, digest: str = "") -> None:
        self.facts = facts
        self._frames = frames
        self.digest = digest  # of every file under data/ (load_data): what a page depends on here

    @classmethod
    def of_frames(cls, frames: Frames, digest: str = "") -> Data:
        from generator.data.frames import facts_of

        return cls(facts_of(frames), frames, digest)

    @functools.cached_property
    def frames(self) -> Frames:
        """The frames: given, read again from data/, or (for no data at all) empty ones."""
        from generator.data.frames import Frames

        if isinstance(self._frames, Frames):
            return self._frames
        return self._frames() if self._frames is not None else Frames()

    @property
    def read_tables(self) -> bool:
        """Whether this build has read the tables (the frames), rather than only the facts a build kept."""
        return "frames" in self.__dict__ or not callable(self._frames)

    @property
    def defs(self) -> dict[str, tuple[str, str]]:
        """id → (name, unit), for charts and tables."""
        return self.facts.defs

    @property
    def has_indicators(self) -> bool:
        return self.facts.has_indicators

    def value(self, indicator: str, region: str, year: int) -> float | None:
        return self.facts.values.get((indicator, region, year))

    def regions(self) -> list[str]:
        """The regions with computed indicators, sorted."""
        return self._regions

    @functools.cached_property
    def _regions(self) -> list[str]:
        return self.facts.indicator_regions()

    def region(self, path: str) -> RegionFacts:
        return self.facts.region(path)

    def is_sample(self, region: str) -> bool:
        """Whether any village of this region comes from a table marked as sample data."""
        return self.facts.region(region).sample

    def sources(self, region: str) -> list[str]:
        return list(self.facts.region(region).sources)

    def years(self, region: str) -> list[int]:
        """The years with computed indicators for a region, in order."""
        return list(self.facts.region(region).years)

    def table_parts(self, region: str) -> list[TablePart]:
        """The tables of a region whose data mixes sample and real tables (else [])."""
        return list(self.facts.region(region).parts)

    def coverage(self) -> dict[str, list[YearCoverage]]:
        """Regions whose coverage (sub-regions or villages with data) changes between years: their years.

        By level, then by name within a level (the order check_coverage reports them in)."""
        return self._coverage

    @functools.cached_property
    def _coverage(self) -> dict[str, list[YearCoverage]]:
        changing = [path for path, region in self.facts.regions.items() if region.coverage]
        return {path: list(self.facts.regions[path].coverage) for path in sorted(changing, key=lambda p: (p.count("/"), p.split("/")))}

    def chart_inputs(self, region: str) -> ChartInputs:
        """What a chart of this region may read: build_chart gives the same chart from these rows."""
        digest = self.facts.region(region).chart_digest or self.frames.chart_digest(region)
        return ChartInputs(self, region, digest)


def load_data(root: Path, report: Report, cache: BuildCache | None = None, documents: YamlCache | None = None, *,
              store: Path | None = None, pending: dict[Path, str | bytes] | None = None) -> Data:
    """Read and compute everything under data/; problems go to report.

    cache: the last data/ loaded by this process, by a digest of every file under data/: `jianbao serve`
    rebuilds after a content change without reading and computing 100,000 village rows again.
    documents: the project's parsed-file cache (yamlcache.py), for data/indicators.yml.
    store: the JSON file where builds keep the facts of their data/ (and its problems): read back when
    the digest is this data/'s; new facts go into pending, which a successful build writes.
    """
    digest = _data_digest(root / "data")
    memo = (cache if cache is not None else BuildCache()).data
    known = memo.get(digest)
    if known is not None:
        report.extend(list(known[1]))
        return known[0]
    key = hashlib.sha256(f"data facts\0{digest}\0{generator_code()}".encode("utf-8")).hexdigest()
    kept = _kept(stored_value(store, key)) if store is not None else None
    if kept is not None:
        facts, problems = kept
        data = Data(facts, lambda: _read_frames(root, documents), digest)
    else:
        from generator.data.frames import read_frames

        own = Report()
        data = Data.of_frames(read_frames(root, own, documents), digest)
        problems = own.problems
        if store is not None and pending is not None:
            store_value(pending, store, key, {"facts": data.facts.to_json(), "problems": [_problem_json(p) for p in problems]})
    report.extend(problems)
    memo.put(digest, (data, list(problems)))
    return data


def _read_frames(root: Path, documents: YamlCache | None) -> Frames:
    """The frames again, for a build whose facts were kept (their problems were reported from the store)."""
    from generator.data.frames import read_frames

    return read_frames(root, Report(), documents)


def _problem_json(problem: Problem) -> list:
    return [problem.path, problem.line, problem.column, int(problem.level), problem.message]


def _kept(value: Any) -> tuple[DataFacts, list[Problem]] | None:
    """The facts and problems a build kept (load_data's store), or None when missing or damaged."""
    if not isinstance(value, dict):
        return None
    facts = DataFacts.from_json(value.get("facts"))
    try:
        problems = [Problem(str(p), int(line), int(column), Level(int(level)), str(m)) for p, line, column, level, m in value["problems"]]
    except (KeyError, TypeError, ValueError):
        return None
    return (facts, problems) if facts is not None else None


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
