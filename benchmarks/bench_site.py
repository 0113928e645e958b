"""Build a synthetic archive with jianbao and with bare mkdocs-material; print the figures.

    python benchmarks/bench_site.py [--issues 1200] [--cases 1200] [--villages 20000] [--years 5]
                                    [--dir DIR] [--search] [--pdf 20] [--serve] [--auto-nav-floor]

Steps (each build runs in a fresh Python process, timed from outside, so the
figures include start-up and imports like a `jianbao build` from the shell):

1. generate the archive (benchmarks/synth_archive.py) in DIR (default: a temporary folder);
2. `jianbao build --no-pdf` twice: cold (empty caches) and warm (caches of the
   first build kept, every page rendered again and MkDocs run from scratch);
   per stage: load, validate, compute, render, charts, write, MkDocs, search
   index, print; peak memory; page sizes; search index size;
3. the floor: the same generated Markdown (build/docs) built by bare
   mkdocs-material (mkdocs.yml: material theme, search plugin, and the project's
   small nav so pages stay out of it; --auto-nav-floor also times the truly
   minimal config, where MkDocs puts every page in the nav), timed over its own
   previous output like jianbao's warm build, and the ratio;
4. one issue changed: a rebuild in the same process as `jianbao serve` does it (a
   dirty MkDocs build: only the changed pages, in place) and in a fresh one
   (`jianbao build`, the whole site): generation work, files rewritten,
   charts and PDFs rendered again;
5. --search: an offline build too, then Chinese search in headless Chromium over
   HTTP and from file:// (benchmarks/bench_search.py);
6. --pdf N: PDFs of a small archive of N issues with an empty cache, on all cores;
7. --serve: `jianbao serve` on the archive, one issue changed, time until the
   served page shows it.

No figure is asserted: tests/test_benchmark.py runs this at a small size in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO)]

STAGES = {  # progress message of build() → stage name
    "读取内容": "load",
    "校验": "validate",
    "读取数据、计算指标": "compute",
    "生成页面": "render",
    "MkDocs 构建站点": "mkdocs",
    "生成 PDF 和单文件 HTML": "print",
    "替换 site/": "swap",
}
GENERATION = ("load", "validate", "compute", "render", "charts", "write")


# --- in the child process ------------------------------------------------------------


ACC: dict = {}  # figures the wrappers below collect during one build
# What `jianbao serve` keeps between its builds: the builds of one benchmark process share it, as serve's do.
BUILD_CACHE = None
_INSTRUMENTED = False


def _instrument() -> None:
    """Time charts, the search index and PDFs inside a build (wrappers; nothing else changes)."""
    global _INSTRUMENTED
    if _INSTRUMENTED:
        return
    _INSTRUMENTED = True
    import generator.build as build_module
    import generator.site.chart_render as chart_render
    import generator.site.charts as charts
    import generator.output.mkdocs_run as mkdocs_run
    import generator.site.pages as pages
    import generator.output.printing as printing
    import generator.content.yamlcache as yamlcache

    def wrap(owner, name, seconds=None, counter=None, after=None):
        if not hasattr(owner, name):  # a stage the pipeline does not run (e.g. index compaction is off)
            return
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            before = getattr(args[0], counter[1]) if counter else 0
            start = time.perf_counter()
            try:
                result = original(*args, **kwargs)
            finally:
                if seconds:
                    ACC[seconds] = ACC.get(seconds, 0.0) + time.perf_counter() - start
            if counter:
                ACC[counter[0]] = ACC.get(counter[0], 0) + getattr(args[0], counter[1]) - before
            if after:
                after(result)
            return result

        setattr(owner, name, wrapper)

    wrap(pages.ChartMaker, "__call__", seconds="charts")
    wrap(chart_render.ChartRenderer, "svg", counter=("svg_renders", "renders"))
    wrap(charts.ChartSpecs, "spec", counter=("spec_builds", "builds"))
    wrap(yamlcache.YamlCache, "load", counter=("parsed", "parsed"))
    wrap(build_module, "render_search", seconds="search")
    wrap(printing, "render_pdfs", after=lambda result: ACC.setdefault("pdf_seconds", []).extend(result.values()))


def _one_build(project: Path, site_dir: Path, offline: bool, pdf: bool, dirty: bool = False) -> dict:
    global BUILD_CACHE
    from generator.build import build
    from generator.buildcache import BuildCache
    from generator.config import Settings

    BUILD_CACHE = BUILD_CACHE or BuildCache()
    _instrument()
    ACC.clear()
    marks: list[tuple[str, float, float]] = []
    start = (time.perf_counter(), time.process_time())
    result = build(Settings.create(project, site_dir, offline=offline, pdf=pdf and not dirty, dirty=dirty),
                   progress=lambda stage: marks.append((STAGES.get(stage, stage), time.perf_counter(), time.process_time())),
                   cache=BUILD_CACHE)
    end = (time.perf_counter(), time.process_time())
    stages: dict[str, list[float]] = {}
    points = [*marks, ("end", *end)]
    for (name, wall, cpu), (_, wall2, cpu2) in zip(points, points[1:]):
        stages[name] = [wall2 - wall, cpu2 - cpu]
    return {
        "stages": stages,
        "wall": end[0] - start[0],
        "cpu": end[1] - start[1],
        "timings": result.timings,
        "pages": result.pages,
        "written": result.written,
        "dirty": result.dirty,
        "acc": dict(ACC),
    }


def change_one_issue(project: Path) -> Path:
    """Edit the newest issue (its copies line, shown in the 报尾): the smallest real change."""
    newest = max((project / "content" / "briefings").glob("*/*.yml"))
    text = newest.read_text(encoding="utf-8")
    if "copies: 200" in text:
        text = text.replace("copies: 200", "copies: 201")
    else:
        text = text.replace("copies: 201", "copies: 200")
    newest.write_text(text, encoding="utf-8")
    return newest


def child(args: argparse.Namespace) -> None:
    project, site = Path(args.child_project), Path(args.child_site)
    report = {"first": _one_build(project, site, args.offline, args.with_pdf)}
    if args.child_change:
        changed = change_one_issue(project)
        report["changed"] = str(changed.relative_to(project))
        report["second"] = _one_build(project, site, args.offline, args.with_pdf, dirty=True)  # as jianbao serve does
    print("BENCH-JSON " + json.dumps(report, ensure_ascii=False))


# --- in the parent -------------------------------------------------------------------------


def run_child(argv: list[str], env: dict | None = None) -> tuple[dict | None, dict]:
    """Run a Python child; (its BENCH-JSON report, {'wall', 'cpu', 'rss_mb'} of it and its own children)."""
    import threading

    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}, text=True)
    streams: dict[str, str] = {}
    readers = [threading.Thread(target=lambda n=name, f=stream: streams.__setitem__(n, f.read()))
               for name, stream in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)  # the child's own resource usage, PDF workers included
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    for reader in readers:
        reader.join()
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{streams.get('err', '')[-4000:]}")
    report = None
    for line in streams.get("out", "").splitlines():
        if line.startswith("BENCH-JSON "):
            report = json.loads(line[len("BENCH-JSON "):])
    return report, {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def jianbao_build(project: Path, site: Path, *, offline: bool = False, pdf: bool = False, change: bool = False,
                  env: dict | None = None) -> tuple[dict, dict]:
    argv = [str(Path(__file__).resolve()), "--child-project", str(project), "--child-site", str(site)]
    argv += ["--offline"] * offline + ["--with-pdf"] * pdf + ["--child-change"] * change
    report, usage = run_child(argv, env)
    assert report is not None
    return (report if change else report["first"]), usage


def floor_build(project: Path, out: Path, auto_nav: bool = False) -> dict:
    """Bare mkdocs-material on jianbao's generated Markdown."""
    import yaml  # PyYAML comes with MkDocs

    config = {
        "site_name": "floor",
        "docs_dir": str(project / "build" / "docs"),
        "site_dir": str(out),
        "theme": {"name": "material"},
        "plugins": ["search"],
    }
    if not auto_nav:
        from generator.errors import Report
        from generator.output.mkdocs_config import read_mkdocs_yml

        nav = read_mkdocs_yml(project / "mkdocs.yml", Report())[0].get("nav")
        if nav:
            config["nav"] = nav
    path = out.parent / ("floor-auto-nav.yml" if auto_nav else "floor.yml")
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    # Timed over its own previous output, as jianbao's warm build is: MkDocs then cleans site_dir itself.
    if not out.is_dir():
        run_child(["-m", "mkdocs", "build", "-q", "-f", str(path)])
    _, usage = run_child(["-m", "mkdocs", "build", "-q", "-f", str(path)])
    usage["index_bytes"] = (out / "search" / "search_index.json").stat().st_size
    return usage


def primary_nav(html: str) -> str:
    """Material's navigation (<nav class="md-nav md-nav--primary …">, nested navs included)."""
    import re

    start = html.find('<nav class="md-nav md-nav--primary')
    if start < 0:
        return ""
    depth = 0
    for tag in re.finditer(r"<(/?)nav\b", html[start:]):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start : start + tag.end() + len(html[start + tag.end():].split(">", 1)[0]) + 1]
    return html[start:]


def page_sizes(site: Path) -> dict:
    """Sizes of the built pages: issue pages (largest, median), the largest page, the whole site."""
    import re
    import statistics

    issues = [p for p in (site / "briefings").glob("*/*/*/index.html")]
    sizes = sorted((p.stat().st_size, p) for p in issues)
    pages = [(p.stat().st_size, p) for p in site.rglob("*.html")]
    largest_issue = sizes[-1][1] if sizes else None
    nav_links = nav_bytes = 0
    if largest_issue is not None:
        nav = primary_nav(largest_issue.read_text(encoding="utf-8"))
        nav_links, nav_bytes = nav.count('class="md-nav__link'), len(nav.encode("utf-8"))
    biggest = max(pages) if pages else (0, site)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    # Case lists: the filter pages (50 cases a page), the cases index and the data its facets combine.
    filters = [(p.stat().st_size, p) for kind in ("model", "region", "tag", "year") for p in (site / "cases" / kind).rglob("index.html")]
    largest_filter = max(filters) if filters else (0, site)
    data = site / "cases" / "cases-data.js"
    return {
        "filter_pages": len(filters),
        "filter_max": largest_filter[0],
        "filter_max_path": str(largest_filter[1].relative_to(site)),
        "cases_index": (site / "cases" / "index.html").stat().st_size if (site / "cases" / "index.html").is_file() else 0,
        "cases_data": data.stat().st_size if data.is_file() else 0,
        "issue_pages": len(sizes),
        "issue_max": sizes[-1][0] if sizes else 0,
        "issue_max_path": str(largest_issue.relative_to(site)) if largest_issue else "",
        "issue_median": statistics.median(s for s, _ in sizes) if sizes else 0,
        "nav_links": nav_links,
        "nav_bytes": nav_bytes,
        "html_pages": len(pages),
        "page_max": biggest[0],
        "page_max_path": str(biggest[1].relative_to(site)),
        "site_bytes": total,
    }


def stage_table(report: dict) -> dict[str, float]:
    """Wall seconds per stage, charts and the search index taken out of render/compute and MkDocs."""
    stages = {name: wall for name, (wall, _) in report["stages"].items()}
    acc = report["acc"]
    timings = report["timings"]
    charts = acc.get("charts", 0.0)
    table = {
        "load": stages.get("load", 0.0),
        "validate": stages.get("validate", 0.0),
        "compute": stages.get("compute", 0.0),
        "render": max(0.0, timings.get("render", 0.0) - charts + 0.0),
        "charts": charts,
        "write": timings.get("write", 0.0),
        "mkdocs": timings.get("mkdocs", 0.0),
        "search index": timings.get("search", acc.get("search", 0.0)),
        "print (PDF, HTML)": timings.get("print", 0.0),
        "swap": stages.get("swap", 0.0),
    }
    # check_charts runs in compute: count it there as charts, not twice.
    checked = max(0.0, charts - (timings.get("render", 0.0) - table["render"]))
    table["compute"] = max(0.0, table["compute"] - checked)
    return table


def fmt_bytes(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.1f} KB"


def describe_build(title: str, report: dict, usage: dict) -> list[str]:
    lines = [f"{title}: {usage['wall']:.1f} s wall, {usage['cpu']:.1f} s CPU (process: start-up and imports "
             f"{usage['wall'] - report['wall']:.1f} s), peak memory {usage['rss_mb']:.0f} MB"]
    table = stage_table(report)
    lines.append("  " + " · ".join(f"{name} {seconds:.2f}" for name, seconds in table.items()))
    acc = report["acc"]
    generation = sum(table[name] for name in GENERATION)
    lines.append(f"  generation work (load … write) {generation:.2f} s; {report['pages']} pages, {report['written']} files rewritten; "
                 f"content files parsed {acc.get('parsed', 0)}, chart specs built {acc.get('spec_builds', 0)}, "
                 f"chart SVGs rendered {acc.get('svg_renders', 0)}, PDFs rendered {len(acc.get('pdf_seconds', []))}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1200)
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--dir", type=Path, help="work folder (kept); default: a temporary folder")
    parser.add_argument("--search", action="store_true", help="also time search in headless Chromium")
    parser.add_argument("--query", action="append", help="search queries (default: 消薄 强村公司 飞地 清化收)")
    parser.add_argument("--search-repeat", type=int, default=3, help="runs per query (the median is shown)")
    parser.add_argument("--pdf", type=int, default=0, metavar="N", help="also time the PDFs of N issues")
    parser.add_argument("--serve", action="store_true", help="also time jianbao serve showing a change")
    parser.add_argument("--auto-nav-floor", action="store_true", help="also time the floor with every page in the nav")
    parser.add_argument("--skip-cold", action="store_true", help="reuse DIR's caches: no cold build")
    # child mode (internal)
    parser.add_argument("--child-project", help=argparse.SUPPRESS)
    parser.add_argument("--child-site", help=argparse.SUPPRESS)
    parser.add_argument("--child-change", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--offline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--with-pdf", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_project:
        child(args)
        return

    temporary = None if args.dir else tempfile.TemporaryDirectory(prefix="jianbao-bench-")
    work = Path(args.dir or temporary.name).resolve()
    work.mkdir(parents=True, exist_ok=True)
    project = work / "project"
    try:
        run(args, work, project)
    finally:
        if temporary is not None:
            temporary.cleanup()


def run(args: argparse.Namespace, work: Path, project: Path) -> None:
    from synth_archive import make_archive

    out = print
    # The benchmark's caches are its own: JIANBAO_CACHE_DIR (tests share one) would make the cold build warm.
    env = {"JIANBAO_CACHE_DIR": str(project / "build" / "cache")}
    if not (args.skip_cold and project.exists()):
        start = time.perf_counter()
        counts = make_archive(project, args.issues, args.cases, args.villages, args.years)
        shutil.rmtree(project / "build", ignore_errors=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        out(f"archive: {counts['issues']} issues ({counts['years of issues']} years), {counts['cases']} cases, "
            f"{counts['villages']} villages × {counts['years']} years ({counts['rows']} rows; {counts['cities']} cities, "
            f"{counts['counties']} counties, {counts['townships']} townships); generated in {time.perf_counter() - start:.1f} s")
    out(f"machine: {os.cpu_count()} cores; Python {sys.version.split()[0]}")

    site = project / "site"
    builds = []
    if not args.skip_cold:
        cold, cold_usage = jianbao_build(project, site, env=env)
        builds.append(("jianbao build --no-pdf, cold (empty caches)", cold, cold_usage))
    warm, warm_usage = jianbao_build(project, site, env=env)
    builds.append(("jianbao build --no-pdf, warm (caches kept, all pages rendered, MkDocs from scratch)", warm, warm_usage))
    for title, report, usage in builds:
        for line in describe_build(title, report, usage):
            out(line)

    floor = floor_build(project, work / "floor-site")
    out(f"floor: bare mkdocs-material (material + search, the project's nav) on the same Markdown: "
        f"{floor['wall']:.1f} s wall, {floor['cpu']:.1f} s CPU, peak memory {floor['rss_mb']:.0f} MB, "
        f"search index {fmt_bytes(floor['index_bytes'])}")
    for title, report, usage in builds:
        out(f"ratio jianbao / floor ({title.split(',')[1].strip().split(' ')[0]}): {usage['wall'] / floor['wall']:.2f} wall, "
            f"{usage['cpu'] / floor['cpu']:.2f} CPU")
    if args.auto_nav_floor:
        auto = floor_build(project, work / "floor-auto-site", auto_nav=True)
        out(f"floor with every page in the nav (mkdocs.yml without nav): {auto['wall']:.1f} s wall, {auto['cpu']:.1f} s CPU")

    sizes = page_sizes(site)
    out(f"pages: {sizes['html_pages']} HTML pages, site {fmt_bytes(sizes['site_bytes'])}; issue pages: largest "
        f"{fmt_bytes(sizes['issue_max'])} ({sizes['issue_max_path']}), median {fmt_bytes(sizes['issue_median'])}; "
        f"its nav: {sizes['nav_links']} links, {fmt_bytes(sizes['nav_bytes'])}; largest page {fmt_bytes(sizes['page_max'])} "
        f"({sizes['page_max_path']})")
    out(f"case lists: {sizes['filter_pages']} filter pages, largest {fmt_bytes(sizes['filter_max'])} ({sizes['filter_max_path']}); "
        f"cases index {fmt_bytes(sizes['cases_index'])} + facet data {fmt_bytes(sizes['cases_data'])} (cases/cases-data.js)")
    search_files = [p for p in (site / "search").rglob("*.js")]
    out(f"search index: {fmt_bytes(sum(p.stat().st_size for p in search_files))} in {len(search_files)} files (jianbao's own, "
        f"benchmarks/bench_search.py gives its figures; the floor's Material index: {fmt_bytes(floor['index_bytes'])})")

    incremental, inc_usage = jianbao_build(project, site, change=True, env=env)
    second = incremental["second"]  # the first build of that process is one more warm build
    table = stage_table(second)
    how = "MkDocs rebuilding only the changed pages in place" if second.get("dirty") else "MkDocs building the whole site"
    out(f"one issue changed ({incremental['changed']}), rebuilt in the same process as jianbao serve does ({how}): "
        f"generation work {sum(table[n] for n in GENERATION):.2f} s, MkDocs {table['mkdocs']:.1f} s, total {second['wall']:.1f} s")
    for line in describe_build("  the rebuild", second, {"wall": second["wall"], "cpu": second["cpu"], "rss_mb": inc_usage["rss_mb"]})[1:]:
        out(line)
    change_one_issue(project)
    cli, cli_usage = jianbao_build(project, site, env=env)
    for line in describe_build("one issue changed, fresh jianbao build --no-pdf", cli, cli_usage):
        out(line)

    if args.search:
        offline_site = project / "site-offline"
        offline, offline_usage = jianbao_build(project, offline_site, offline=True, env=env)
        out(f"offline build (--offline, for file://): {offline_usage['wall']:.1f} s")
        from bench_search import format_report, measure

        from bench_search import QUERIES

        out(f"search (median of {args.search_repeat}; jianbao's client, headless Chromium):")
        for line in format_report(measure(site, offline_site, tuple(args.query or QUERIES), args.search_repeat)):
            out(line)

    if args.pdf:
        pdf_project = work / "pdf-project"
        make_archive(pdf_project, args.pdf, args.pdf, 500, 3)
        shutil.rmtree(pdf_project / "build", ignore_errors=True)
        pdf_env = {"JIANBAO_CACHE_DIR": str(pdf_project / "build" / "cache")}
        jianbao_build(pdf_project, pdf_project / "site", env=pdf_env)  # charts and pages cached: PDFs alone below
        shutil.rmtree(pdf_project / "build" / "cache" / "pdf", ignore_errors=True)
        report, _ = jianbao_build(pdf_project, pdf_project / "site", pdf=True, env=pdf_env)
        seconds = report["acc"].get("pdf_seconds", [])
        stage = report["timings"].get("print", 0.0)
        if seconds:
            out(f"PDF: {len(seconds)} issues rendered on {os.cpu_count()} cores in {stage:.1f} s "
                f"({stage / len(seconds):.2f} s per issue); each PDF {min(seconds):.2f}–{max(seconds):.2f} s in its worker")
        else:
            out("PDF: none rendered (WeasyPrint or fonts missing: run jianbao doctor)")

    if args.serve:
        out(serve_check(project, env))


def serve_check(project: Path, env: dict) -> str:
    """jianbao serve on the archive: change one issue, time until the served page shows it."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-c", "from generator.commands.cli import main; main()", "serve", "--project", str(project), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=str(REPO),
                               env={**os.environ, **env})
    try:
        printed = []
        for line in process.stdout:
            printed.append(line)
            if "预览地址" in line:
                break
        else:
            return "jianbao serve did not start:\n" + "".join(printed[-20:])
        # Keep reading what serve prints (progress, warnings): a full pipe would block its rebuilds.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        changed = change_one_issue(project)
        text = changed.read_text(encoding="utf-8")
        copies = "201" if "copies: 201" in text else "200"
        year, number = changed.parent.name, changed.stem
        url = f"http://127.0.0.1:{port}/briefings/sxxczx/{year}/{number}/"
        start = time.perf_counter()
        while time.perf_counter() - start < 1800:
            try:
                page = urllib.request.urlopen(url, timeout=10).read().decode("utf-8")
            except OSError:
                page = ""
            if f"共印 {copies} 份" in page:
                return f"jianbao serve: the changed issue showed in {time.perf_counter() - start:.1f} s ({url})"
            time.sleep(0.5)
        return "jianbao serve: the change did not show within 30 minutes"
    finally:
        process.terminate()
        process.wait(timeout=60)


if __name__ == "__main__":
    main()
