"""The fixed cost of a command: start-up, imports, jianbao's own share of a build, reading XLSX.

    python benchmarks/bench_fixed_cost.py [--rows 40000] [--repeat 3]

Prints, measured in one run on a copy of the sample project:
- `jianbao build --no-pdf`, warm (caches from a first build): the whole process, the MkDocs run
  inside it, and jianbao's own share (the rest) as a ratio of that MkDocs run;
- MkDocs alone on the generated build/mkdocs.yml, in a process of its own (the floor);
- `jianbao check` on the sample, and what each command imports (altair, vl-convert, weasyprint …);
- `jianbao check` on the sample with a village table of --rows rows as XLSX, and rows per second.
Each figure is the median of --repeat runs in fresh processes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("altair", "vl_convert", "weasyprint", "pandas", "mkdocs", "docx", "python_calamine")
PROBE = r"""
import json, sys, time
start = time.perf_counter()
from generator.commands.cli import main
code = 0
try:
    main(sys.argv[2:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted(name for name in json.loads(sys.argv[1]) if name in sys.modules)
print("JIANBAO_PROBE " + json.dumps({"seconds": time.perf_counter() - start, "code": code, "imported": heavy}), file=sys.stderr)
"""


def run(args: list[str], env: dict[str, str] | None = None) -> dict:
    """A jianbao command in a fresh process: its wall time and the heavy modules it imported."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), *args], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    wall = time.perf_counter() - start
    probe = next((line for line in result.stderr.splitlines() if line.startswith("JIANBAO_PROBE ")), None)
    if probe is None:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return {"wall": wall, **json.loads(probe.removeprefix("JIANBAO_PROBE "))}


def median(values: list[float]) -> float:
    return statistics.median(values)


def copy_sample(dest: Path) -> Path:
    for name in ("content", "data", "site_templates"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def build_in_process(project: Path) -> dict[str, float]:
    """A warm `jianbao build --no-pdf` in a fresh process, with the build's own stage timings."""
    code = ("import json, sys, time\nstart = time.perf_counter()\nfrom generator.build import build\nfrom generator.config import Settings\n"
            f"result = build(Settings.create({str(project)!r}, pdf=False))\n"
            "print('JIANBAO_TIMINGS ' + json.dumps({'total': time.perf_counter() - start, **result.timings}), file=sys.stderr)")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall = time.perf_counter() - start
    line = next((line for line in result.stderr.splitlines() if line.startswith("JIANBAO_TIMINGS ")), None)
    if line is None:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    return {"process": wall, **json.loads(line.removeprefix("JIANBAO_TIMINGS "))}


def mkdocs_alone(project: Path) -> float:
    config = project / "build" / "mkdocs.yml"
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(project / "build" / "floor-site")],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SystemExit(f"mkdocs failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start


def write_xlsx(project: Path, rows: int) -> None:
    """The sample's village table repeated to `rows` rows (new village codes), as one XLSX sheet."""
    import openpyxl
    import pandas as pd

    sample = pd.read_csv(next((project / "data" / "villages").glob("*.csv")), dtype=str)
    copies = -(-rows // len(sample))
    frames = []
    for n in range(copies):
        frame = sample.copy()
        frame["村"] = frame["村"] + (f"{n}" if n else "")
        if "村代码" in frame.columns:
            frame["村代码"] = [f"{20 + n}{code[2:]}" if len(str(code)) == 12 else code for code in frame["村代码"]]  # unique per copy
        frames.append(frame)
    table = pd.concat(frames).head(rows)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("村级数据")
    sheet.append(list(table.columns))
    for record in table.itertuples(index=False):
        sheet.append([float(v) if v.replace(".", "", 1).isdigit() and column.startswith(("集体", "经营")) else v
                      for v, column in zip(record, table.columns)])
    for path in (project / "data" / "villages").glob("*.csv"):
        sidecar = path.with_suffix(".yml")
        if sidecar.is_file():  # its note (source, sample: true) goes with the table
            sidecar.rename(path.with_name("villages.yml"))
        path.unlink()
    workbook.save(project / "data" / "villages" / "villages.xlsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = copy_sample(Path(folder) / "sample")
        run(["build", "--project", str(project), "--no-pdf"])  # cold: fills the caches
        builds = [build_in_process(project) for _ in range(args.repeat)]
        floors = [mkdocs_alone(project) for _ in range(args.repeat)]
        total = median([b["process"] for b in builds])
        inside = median([b.get("mkdocs", 0.0) for b in builds])
        own = median([b["process"] - b.get("mkdocs", 0.0) for b in builds])
        floor = median(floors)
        print(f"warm jianbao build --no-pdf of the sample: {total:.2f} s in all; its MkDocs run {inside:.2f} s; "
              f"jianbao's own share {own:.2f} s = {own / inside:.2f} × that MkDocs run")
        print(f"MkDocs alone on build/mkdocs.yml (own process): {floor:.2f} s; jianbao's share = {own / floor:.2f} × it")
        stages = {k: median([b.get(k, 0.0) for b in builds]) for k in builds[0] if k not in ("process", "total")}
        print("  stages in the build: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        for command in (["check"], ["new", "--help"], ["import", "--help"]):
            runs = [run([*command, "--project", str(project)] if command == ["check"] else command) for _ in range(args.repeat)]
            print(f"jianbao {' '.join(command)}: {median([r['wall'] for r in runs]):.2f} s "
                  f"(exit {runs[0]['code']}); imports {', '.join(runs[0]['imported']) or 'none of ' + ', '.join(HEAVY)}")
        write_xlsx(project, args.rows)
        runs = [run(["check", "--project", str(project)]) for _ in range(args.repeat)]
        seconds = median([r["wall"] for r in runs])
        print(f"jianbao check with a {args.rows:,}-row XLSX village table: {seconds:.2f} s "
              f"(exit {runs[0]['code']}), {args.rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
