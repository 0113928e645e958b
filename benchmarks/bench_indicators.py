"""Time reading a large village table and computing every indicator.

    python benchmarks/bench_indicators.py [--villages 20000] [--years 5] [--repeat 3]

Generates the table in memory (benchmarks/synth_villages.py), writes it as CSV to
a temporary folder, then times read_villages, compute_indicators and facts_of (what a
build keeps of data/ for the next one, data/facts.py) (best of --repeat runs) and prints the figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from synth_villages import benchmark_table, write_table_csv  # noqa: E402

from generator.data.frames import Frames, facts_of  # noqa: E402
from generator.data.indicator_defs import load_indicators  # noqa: E402
from generator.data.indicators import compute_indicators  # noqa: E402
from generator.data.tables import read_villages  # noqa: E402


def best_of(repeat: int, work):
    """(best seconds, last result) of calling work() repeat times."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    table = benchmark_table(args.villages, args.years)
    generated = time.perf_counter() - start
    config, report = load_indicators(HERE.parent / "data" / "indicators.yml", HERE.parent)
    assert config is not None, [p.format() for p in report.problems]

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "data" / "villages" / "bench.csv"
        write_table_csv(table, path)
        size = path.stat().st_size
        read_seconds, (villages, problems) = best_of(
            args.repeat, lambda: read_villages([path], root, "山西省"))
    assert not problems.has_errors, [p.format() for p in problems.problems[:5]]
    compute_seconds, frame = best_of(args.repeat, lambda: compute_indicators(config, villages))
    facts_seconds, facts = best_of(args.repeat, lambda: facts_of(Frames(config=config, villages=villages, indicators=frame)))

    print(f"table: {args.villages} villages × {args.years} years = {len(table)} rows, "
          f"CSV {size / 1e6:.1f} MB (generated in {generated:.2f} s)")
    print(f"read_villages:      {read_seconds:.3f} s ({len(villages) / read_seconds:,.0f} rows/s)")
    print(f"compute_indicators: {compute_seconds:.3f} s "
          f"({len(frame)} values, {frame['region'].nunique()} regions, {len(config.indicators)} indicators)")
    stored = len(json.dumps(facts.to_json(), ensure_ascii=False).encode("utf-8"))
    print(f"facts_of:           {facts_seconds:.3f} s ({len(facts.regions)} regions; {stored / 1e6:.1f} MB as JSON)")


if __name__ == "__main__":
    main()
