"""The fixed cost of a command: start-up, imports, jianbao's own share of a build, reading XLSX.

    python benchmarks/bench_fixed_cost.py [--rows 40000] [--repeat 3]

Prints, measured in one run on a copy of the sample project:
- `jianbao build --no-pdf`, warm (caches from a first build): the whole process, the MkDocs run
  inside it, and jianbao's own share (the rest) as a ratio of that MkDocs run;
- MkDocs alone on the generated build/mkdocs.yml, in a process of its own (the floor);
- `jianbao check` on the built sample (its build/cache at hand), and what each command imports (altair, vl-convert, weasyprint …);
- `jianbao check` of a copy that was never built (no build/cache: the tables are read, pandas imported);
- `jianbao check` on the sample with a village table of --rows rows as XLSX, and rows per second.
Each figure is the median of --repeat runs in fresh processes. On a shared machine the wall seconds
swing with the other load; the CPU seconds (user + system, of the process and its children) are the
steadier measure of the work, so the build and MkDocs figures are printed both ways.

Every command runs as the console script `jianbao` runs it (generator.commands.cli:run). The
bytecode of generator/ is compiled first, as pip does for an installed package: this machine sets
PYTHONDONTWRITEBYTECODE, and without compiled bytecode every process would compile generator/
from source again (about 0.1 s a build), which no installed jianbao does.

Measured 2026-12-02 on the two-core machine (load about 0.8, nothing else running; `--repeat 7`):

    warm jianbao build --no-pdf of the sample: 1.76 s in all; its MkDocs run 1.24 s; jianbao's own share 0.51 s = 0.41 × that MkDocs run
    MkDocs alone on build/mkdocs.yml (own process): 1.56 s; jianbao's share = 0.33 × it
      CPU seconds: jianbao's own share 0.50 s; its MkDocs run 1.24 s (0.40 ×); MkDocs alone 1.53 s (0.32 ×)
      stages in the build: check 0.03 s, search 0.00 s, render 0.12 s, write 0.03 s, mkdocs 1.24 s, print 0.04 s
    jianbao check: 0.27 s, CPU 0.26 s (exit 0); imports none of altair, vl_convert, weasyprint, pandas, mkdocs, docx, python_calamine
    jianbao check of a project never built (no build/cache): 0.71 s, CPU 0.81 s (exit 0); imports pandas
    jianbao check with a 40,000-row XLSX village table: 1.42 s, CPU 1.52 s (exit 0), 28,223 rows/s

The code before this change, measured right after in the same way (a worktree of commit c59c66e), gave
a share of 0.61 × (0.91 s), `jianbao check` 0.62 s (it imported pandas) and the XLSX check 1.46 s.
What changed: a build keeps the facts of data/ as JSON (data/facts.py), so a warm build with the same
data/ never imports pandas or NumPy (0.3 s of imports, 0.1 s of reading and computing); the console
script collects garbage in larger batches (gc.set_threshold in cli.run: about 0.07 s of the XLSX check).
MkDocs' run inside the build is measured under the same collector settings; the floor (MkDocs alone)
runs with Python's defaults.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("altair", "vl_convert", "weasyprint", "pandas", "mkdocs", "docx", "python_calamine")
# A command as the console script `jianbao` runs it (generator.commands.cli:run, see pyproject.toml),
# reporting at exit what it imported.
PROBE = r"""
import atexit, json, sys, time
start = time.perf_counter()
heavy_names = json.loads(sys.argv[1])
def report():
    heavy = sorted(name for name in heavy_names if name in sys.modules)
    print("JIANBAO_PROBE " + json.dumps({"seconds": time.perf_counter() - start, "imported": heavy}), file=sys.stderr)
atexit.register(report)
sys.argv = ["jianbao", *sys.argv[2:]]
from generator.commands.cli import run
run()
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(args: list[str], env: dict[str, str] | None = None) -> dict:
    """A jianbao command in a fresh process: its wall time and the heavy modules it imported."""
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(HEAVY), *args], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    probe = next((line for line in result.stderr.splitlines() if line.startswith("JIANBAO_PROBE ")), None)
    if probe is None:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return {"wall": wall, "cpu": cpu, "code": result.returncode, **json.loads(probe.removeprefix("JIANBAO_PROBE "))}


def median(values: list[float]) -> float:
    return statistics.median(values)


def copy_sample(dest: Path) -> Path:
    for name in ("content", "data", "site_templates"):
        shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def build_in_process(project: Path) -> dict[str, float]:
    """A warm `jianbao build --no-pdf` in a fresh process, as the console script runs it, with the build's own
    stage timings and the CPU seconds of its MkDocs run."""
    code = ("import json, sys, time\nstart = time.perf_counter()\nimport generator.build\n"
            "import generator.output.mkdocs_run as mkdocs_run\nreal, spent = mkdocs_run.run_mkdocs, []\n"
            "def timed(*args, **kwargs):\n    cpu = time.process_time()\n    try:\n        return real(*args, **kwargs)\n"
            "    finally:\n        spent.append(time.process_time() - cpu)\n"
            "mkdocs_run.run_mkdocs = timed  # the MkDocs run's CPU seconds (its imports included), as the wall figure counts it\n"
            "real_build = generator.build.build\n"
            "def build(*args, **kwargs):\n    result = real_build(*args, **kwargs)\n"
            "    print('JIANBAO_TIMINGS ' + json.dumps({'total': time.perf_counter() - start, **result.timings, 'mkdocs_cpu': sum(spent)}), file=sys.stderr)\n"
            "    return result\n"
            "generator.build.build = build  # the command imports it when it runs\n"
            f"sys.argv = ['jianbao', 'build', '--project', {str(project)!r}, '--no-pdf']\n"
            "from generator.commands.cli import run\nrun()")
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    line = next((line for line in result.stderr.splitlines() if line.startswith("JIANBAO_TIMINGS ")), None)
    if line is None:
        raise SystemExit(f"build failed:\n{result.stderr[-3000:]}")
    return {"process": wall, "process_cpu": cpu, **json.loads(line.removeprefix("JIANBAO_TIMINGS "))}


def mkdocs_alone(project: Path) -> tuple[float, float]:
    """MkDocs on build/mkdocs.yml in a process of its own: (wall, CPU seconds)."""
    config = project / "build" / "mkdocs.yml"
    start, cpu = time.perf_counter(), children_cpu()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(project / "build" / "floor-site")],
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise SystemExit(f"mkdocs failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - start, children_cpu() - cpu


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
    compileall.compile_dir(REPO / "generator", quiet=1)  # as an installed package has it (see above)
    with tempfile.TemporaryDirectory() as folder:
        project = copy_sample(Path(folder) / "sample")
        run(["build", "--project", str(project), "--no-pdf"])  # cold: fills the caches
        builds = [build_in_process(project) for _ in range(args.repeat)]
        floors = [mkdocs_alone(project) for _ in range(args.repeat)]
        total = median([b["process"] for b in builds])
        inside = median([b.get("mkdocs", 0.0) for b in builds])
        own = median([b["process"] - b.get("mkdocs", 0.0) for b in builds])
        floor = median([f[0] for f in floors])
        print(f"warm jianbao build --no-pdf of the sample: {total:.2f} s in all; its MkDocs run {inside:.2f} s; "
              f"jianbao's own share {own:.2f} s = {own / inside:.2f} × that MkDocs run")
        print(f"MkDocs alone on build/mkdocs.yml (own process): {floor:.2f} s; jianbao's share = {own / floor:.2f} × it")
        own_cpu = median([b["process_cpu"] - b["mkdocs_cpu"] for b in builds])
        inside_cpu, floor_cpu = median([b["mkdocs_cpu"] for b in builds]), median([f[1] for f in floors])
        print(f"  CPU seconds: jianbao's own share {own_cpu:.2f} s; its MkDocs run {inside_cpu:.2f} s ({own_cpu / inside_cpu:.2f} ×); "
              f"MkDocs alone {floor_cpu:.2f} s ({own_cpu / floor_cpu:.2f} ×)")
        stages = {k: median([b.get(k, 0.0) for b in builds]) for k in builds[0] if k not in ("process", "process_cpu", "total", "mkdocs_cpu")}
        print("  stages in the build: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        for command in (["check"], ["new", "--help"], ["import", "--help"]):  # check: of the built project
            runs = [run([*command, "--project", str(project)] if command == ["check"] else command) for _ in range(args.repeat)]
            print(f"jianbao {' '.join(command)}: {median([r['wall'] for r in runs]):.2f} s, CPU {median([r['cpu'] for r in runs]):.2f} s "
                  f"(exit {runs[0]['code']}); imports {', '.join(runs[0]['imported']) or 'none of ' + ', '.join(HEAVY)}")
        fresh = copy_sample(Path(folder) / "fresh")  # never built: no build/cache (check itself writes nothing)
        runs = [run(["check", "--project", str(fresh)]) for _ in range(args.repeat)]
        print(f"jianbao check of a project never built (no build/cache): {median([r['wall'] for r in runs]):.2f} s, "
              f"CPU {median([r['cpu'] for r in runs]):.2f} s (exit {runs[0]['code']}); imports {', '.join(runs[0]['imported']) or 'none of ' + ', '.join(HEAVY)}")
        write_xlsx(project, args.rows)
        runs = [run(["check", "--project", str(project)]) for _ in range(args.repeat)]
        seconds = median([r["wall"] for r in runs])
        print(f"jianbao check with a {args.rows:,}-row XLSX village table: {seconds:.2f} s, CPU {median([r['cpu'] for r in runs]):.2f} s "
              f"(exit {runs[0]['code']}), {args.rows / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
