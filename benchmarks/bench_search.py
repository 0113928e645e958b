"""jianbao's search at archive size: index build, size, recall, false positives, bytes and time to a first result.

    python benchmarks/bench_search.py [--issues 1200] [--cases 1200] [--villages 20000] [--dir DIR]
                                      [--samples 400] [--absent 200] [--browser] [--repeat 3]

1. Makes a synthetic archive (benchmarks/synth_archive.py, with a village table) and runs
   jianbao's check and render stages on it (no MkDocs: the index is made from the rendered
   Markdown, before MkDocs runs).
2. Times building the index (search.render_search): cold (a fresh SearchCache) and after one
   issue's page changed (the cache of the build before, as `jianbao serve` keeps it).
3. Sizes: all search files together, raw and gzipped (each file on its own, as a server
   sends it), against the UTF-8 size of the indexed text; the file count.
4. Recall and false positives, with the real client (search.js under Node): substrings of 2–8
   characters sampled from the pages' texts must find their page (and every result must hold
   the phrase); strings of 2–4 characters that occur on no page must find nothing.
5. Bytes loaded for a first query (a common word, 集体经济, and a rare village name).
6. --browser: builds the site with MkDocs (--offline: it works over HTTP and from file://),
   then, in headless Chromium, types each query the moment a page has loaded and measures
   from the last key's input to the first result shown, over HTTP and from file://.
   --browser-shell: the same timing, with the archive's index files put into the sample
   project's site instead (MkDocs takes about half an hour on 5,000 + 5,000; the page the
   query is typed on does not change what the search loads or does, only where results link).

bench_site.py --search calls measure() and format_report() for step 6 on its own builds.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))

QUERIES = ("集体经济", "消薄", "强村公司", "清化收")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
HARNESS = REPO / "tests" / "search_node.js"


# --- index: build time, size ---------------------------------------------------------------


def render_stage(project: Path):
    """check + render of a project, as jianbao build does: (site, pages, userdict, offline)."""
    from generator.build import check
    from generator.site.chart_render import ChartRenderer
    from generator.config import Settings
    from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages, search_dictionary

    settings = Settings.create(project, pdf=False, offline=True)
    checked = check(settings)
    options = RenderOptions(offline=True, cache_dir=settings.cache_dir, docs_dir=settings.docs_dir)
    charts = ChartMaker(checked.site.data, ChartRenderer(settings.cache_dir / "charts"))
    context = make_render_context(settings.templates_dir, options, figures=checked.figures, charts=charts)
    pages = render_pages(checked.site, context)
    return checked.site, pages, search_dictionary(context.env)


def time_index(site, pages, userdict) -> dict:
    from generator.site.search import render_search
    from generator.output.search_index import SearchCache

    cache = SearchCache()
    start, cpu = time.perf_counter(), time.process_time()
    files = render_search(site, pages, userdict, offline=True, cache=cache)
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - cpu
    again = render_search(site, pages, userdict, offline=True, cache=SearchCache())
    identical = again == files
    issue = next(path for path in sorted(pages, reverse=True) if path.startswith("briefings/") and path.count("/") == 4)
    changed = dict(pages)
    changed[issue] = pages[issue].replace("</article>", "<p>本期新增一段：后沟村古堡旅游带动增收。</p></article>", 1)
    start, cpu = time.perf_counter(), time.process_time()
    warm_files = render_search(site, changed, userdict, offline=True, cache=cache)
    warm, warm_cpu = time.perf_counter() - start, time.process_time() - cpu
    fresh = render_search(site, changed, userdict, offline=True, cache=SearchCache())
    return {"cold": cold, "warm": warm, "cold_cpu": cold_cpu, "warm_cpu": warm_cpu, "indexed_again": cache.indexed, "changed": issue, "identical": identical,
            "incremental_equals_cold": warm_files == fresh, "files": files}


def text_bytes(files: dict[str, bytes]) -> int:
    """UTF-8 bytes of the indexed text: titles, leads, headings and section texts of every document."""
    total = 0
    for name, data in files.items():
        if name.startswith("search/d/"):
            doc = json.loads(re.match(rb"JBS\.d\(\d+,(.*)\);\n$", data, re.S).group(1))
            total += sum(len(part.encode("utf-8")) for part in [doc["t"], doc["l"], *(x for s in doc["s"] for x in s[1:])])
    return total


def sizes(files: dict[str, bytes]) -> dict:
    groups: dict[str, list[int]] = {"postings": [0, 0, 0], "documents": [0, 0, 0], "other": [0, 0, 0]}
    for name, data in files.items():
        group = "postings" if name.startswith(("search/p/", "search/s/")) else "documents" if name.startswith("search/d/") else "other"
        groups[group][0] += len(data)
        groups[group][1] += len(gzip.compress(data, 6, mtime=0))
        groups[group][2] += 1
    raw = sum(g[0] for g in groups.values())
    zipped = sum(g[1] for g in groups.values())
    text = text_bytes(files)
    return {"raw": raw, "gzip": zipped, "files": len(files), "text": text, "groups": groups}


# --- the client under Node: recall, false positives, bytes -------------------------------------


def run_client(folder: Path, queries: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("需要 node 运行 search.js（tests/search_node.js）")
    result = subprocess.run([node, str(HARNESS), str(folder)], input=json.dumps(queries), capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def normal_texts(files: dict[str, bytes]) -> dict[str, str]:
    from generator.site.search_text import normalize

    texts = {}
    for name, data in files.items():
        if name.startswith("search/d/"):
            doc = json.loads(re.match(rb"JBS\.d\(\d+,(.*)\);\n$", data, re.S).group(1))
            texts[doc["u"]] = "\n".join(normalize(x) for x in [doc["t"], doc["l"], *(x for s in doc["s"] for x in s[1:])])
    return texts


def recall_and_false_positives(folder: Path, files: dict[str, bytes], samples: int, absent: int, seed: int = 11) -> dict:
    from generator.site.search_text import phrases

    texts = normal_texts(files)
    rng = random.Random(seed)
    urls = sorted(texts)
    queries, expected = [], []
    while len(queries) < samples:
        url = rng.choice(urls)
        runs = [run for run in phrases(texts[url]) if len(run) >= 2]
        if not runs:
            continue
        run = rng.choice(runs)
        size = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        queries.append({"q": run[start:start + size], "all": True})
        expected.append(url)
    han = sorted({ch for text in texts.values() for ch in text if "\u4e00" <= ch <= "\u9fff"})
    joined = "\n".join(texts.values())
    missing: list[str] = []
    pairs = sorted({run[i:i + 2] for text in texts.values() for run in phrases(text) for i in range(len(run) - 1)})
    by_first: dict[str, list[str]] = {}
    for pair in pairs:
        by_first.setdefault(pair[0], []).append(pair)
    while len(missing) < absent:
        if len(missing) % 2:  # random characters
            word = "".join(rng.choice(han) for _ in range(rng.randint(2, 4)))
        else:  # harder: every pair of neighbours occurs somewhere (the postings give candidates)
            word = rng.choice(pairs)
            for _ in range(rng.randint(1, 3)):
                word += rng.choice(by_first.get(word[-1]) or [word[-1] + word[-1]])[1]
        if word not in joined and word not in missing:
            missing.append(word)
    start = time.perf_counter()
    results = run_client(folder, queries + [{"q": w, "all": True} for w in missing])
    seconds = time.perf_counter() - start
    found = sum(1 for url, r in zip(expected, results) if url in {x["u"] for x in r["results"]})
    wrong = sum(1 for query, r in zip(queries, results) for x in r["results"] if query["q"] not in texts[x["u"]])
    false_positives = sum(len(r["results"]) for r in results[len(queries):])
    candidates = sum(r["candidates"] for r in results[len(queries):])
    return {"samples": len(queries), "found": found, "wrong_results": wrong, "absent": len(missing),
            "false_positives": false_positives, "absent_candidates": candidates, "seconds": seconds}


def first_query_bytes(folder: Path, files: dict[str, bytes], queries: list[str]) -> dict[str, dict]:
    out = {}
    for query in queries:
        [result] = run_client(folder, [{"q": query}])  # a fresh client per query: nothing loaded before
        out[query] = {"bytes": result["bytes"], "results": len(result["results"]), "candidates": result["candidates"]}
    return out


def rare_village(files: dict[str, bytes]) -> str:
    """A village name (a region page's own name) that occurs on few pages."""
    texts = normal_texts(files)
    villages = sorted(url.rstrip("/").rsplit("/", 2)[-2] if url.endswith("index.html") else url.rstrip("/").rsplit("/", 1)[-1]
                      for url in texts if url.startswith("regions/") and url.count("/") >= 5)
    rng = random.Random(5)
    for name in rng.sample(villages, min(50, len(villages))):
        if sum(1 for text in texts.values() if name in text) <= 3:
            return name
    return villages[0] if villages else "后沟村"


# --- in Chromium ---------------------------------------------------------------------------------


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):  # a page closed while its scripts were still loading
            pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


# In the page: the time of the box's last input event, and of the first result shown after it.
_WATCH = """(query) => { window.__jb = {}; const box = document.querySelector('#jb-search-input');
  box.addEventListener('input', () => { window.__jb.input = performance.now(); }, true);
  window.__jbFirst = new Promise(resolve => {
    const list = document.querySelector('#jb-search-listbox');
    const done = () => list.getAttribute('data-query') === query && list.querySelector('[role=option]');
    new MutationObserver((_, observer) => {
      if (done()) { observer.disconnect(); resolve(performance.now()); }
    }).observe(list, {childList: true, subtree: true, attributes: true});
  }); }"""


def _measure_one(browser, url: str, query: str) -> dict[str, float]:
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.evaluate(_WATCH, query)
    start = page.evaluate("() => performance.now()")
    page.keyboard.press("/")
    page.keyboard.type(query)
    shown = page.evaluate("() => window.__jbFirst")
    last_input = page.evaluate("() => window.__jb.input")
    count = page.evaluate("() => document.querySelectorAll('#jb-search-listbox [role=option]').length")
    page.close()
    return {"first_result": (shown - last_input) / 1000, "from_first_key": (shown - start) / 1000, "results": count}


def measure(site: Path | None, offline_site: Path | None, queries: tuple[str, ...] = QUERIES, repeat: int = 3, page: str = "index.html") -> dict:
    """Median seconds per query and mode: {'http': {query: {...}}, 'file': {...}}."""
    from playwright.sync_api import sync_playwright

    targets = []
    server = None
    if site is not None:
        server, base = serve_folder(site)
        targets.append(("http", base + page))
    if offline_site is not None:
        targets.append(("file", (offline_site / page).resolve().as_uri()))
    report: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=ARGS)
            try:
                for mode, url in targets:
                    _measure_one(browser, url, queries[0])  # warm up: JIT, disk cache
                    report[mode] = {}
                    for query in queries:
                        runs = [_measure_one(browser, url, query) for _ in range(repeat)]
                        report[mode][query] = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            finally:
                browser.close()
    finally:
        if server is not None:
            server.shutdown()
    return report


def format_report(report: dict) -> list[str]:
    lines = []
    for mode, queries in report.items():
        label = "HTTP" if mode == "http" else "file://"
        for query, values in queries.items():
            lines.append(f"  {label:7} {query}: first result {values['first_result'] * 1000:.0f} ms after the last key "
                         f"({values['from_first_key'] * 1000:.0f} ms from the first), {values['results']:.0f} shown")
    return lines


def archive_site(project: Path, start: float) -> Path:
    """The archive's own site, built with MkDocs (--offline)."""
    from generator.build import build
    from generator.config import Settings

    build(Settings.create(project, pdf=False, offline=True, site_dir=project / "site-offline"))
    print(f"site build (--offline, MkDocs): {time.perf_counter() - start:.0f} s", flush=True)
    return project / "site-offline"


def shell_site(shell: Path, index: Path) -> Path:
    """The sample project's site (--offline) with its search/ folder replaced by the archive's index."""
    from generator.build import build
    from generator.config import Settings

    shutil.rmtree(shell, ignore_errors=True)
    for name in ("content", "data", "site_templates"):
        shutil.copytree(REPO / name, shell / name)
    shutil.copy(REPO / "mkdocs.yml", shell / "mkdocs.yml")
    site = shell / "site-offline"
    build(Settings.create(shell, pdf=False, offline=True, site_dir=site))
    shutil.rmtree(site / "search" / "d")
    shutil.rmtree(site / "search" / "p")
    shutil.rmtree(site / "search" / "s", ignore_errors=True)
    shutil.copytree(index / "search", site / "search", dirs_exist_ok=True)
    print(f"in the sample's site, with this archive's index ({site / 'search'})", flush=True)
    return site


# --- main ------------------------------------------------------------------------------------------


def kb(n: float) -> str:
    return f"{n / 1024:,.0f} KB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1200)
    parser.add_argument("--cases", type=int, default=1200)
    parser.add_argument("--villages", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--dir", type=Path, help="work folder (kept); default: a temporary one")
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--absent", type=int, default=200)
    parser.add_argument("--browser", action="store_true", help="also build the site with MkDocs and time search in Chromium")
    parser.add_argument("--browser-shell", action="store_true",
                        help="time search in Chromium with this index in the sample's site (no MkDocs run on the archive)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-search-"))
    project = work / "project"
    if not (project / "content").is_dir():
        from synth_archive import make_archive

        counts = make_archive(project, args.issues, args.cases, args.villages, args.years)
        print("archive: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    start = time.perf_counter()
    site, pages, userdict = render_stage(project)
    print(f"check + render (not search): {time.perf_counter() - start:.1f} s", flush=True)

    timing = time_index(site, pages, userdict)
    files = timing["files"]
    size = sizes(files)
    docs = sum(1 for name in files if name.startswith("search/d/"))
    print(f"pages indexed: {docs} ({len(site.issues)} issues, {len(site.cases)} cases, {len(site.regions)} regions, models, pages)")
    print(f"index build: cold {timing['cold']:.2f} s ({timing['cold_cpu']:.2f} s CPU); after one issue changed {timing['warm']:.2f} s "
          f"({timing['warm_cpu']:.2f} s CPU; load average {os.getloadavg()[0]:.1f}) "
          f"({timing['indexed_again']} page indexed again: {timing['changed']}); two cold builds byte-identical: {timing['identical']}; "
          f"incremental = cold: {timing['incremental_equals_cold']}")
    print(f"indexed text: {kb(size['text'])} UTF-8")
    print(f"search files: {size['files']} files, {kb(size['raw'])} = {size['raw'] / size['text']:.2f} × text; "
          f"gzipped {kb(size['gzip'])} = {size['gzip'] / size['text']:.2f} × text")
    for group, (raw, zipped, count) in size["groups"].items():
        print(f"  {group}: {count} files, {kb(raw)} ({raw / size['text']:.2f} ×), gzipped {kb(zipped)} ({zipped / size['text']:.2f} ×)")

    folder = work / "index"
    shutil.rmtree(folder, ignore_errors=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    village = rare_village(files)
    for query, values in first_query_bytes(folder, files, ["集体经济", village]).items():
        print(f"first query {query}: {kb(values['bytes'])} of index loaded, {values['results']} results shown, {values['candidates']} candidates")
    quality = recall_and_false_positives(folder, files, args.samples, args.absent)
    print(f"recall: {quality['found']} / {quality['samples']} sampled 2–8 character substrings found their page "
          f"({100 * quality['found'] / quality['samples']:.1f} %); results without the phrase: {quality['wrong_results']}")
    print(f"false positives: {quality['false_positives']} results for {quality['absent']} strings on no page "
          f"({quality['absent_candidates']} candidates from postings, all rejected by the text check)")

    if args.browser or args.browser_shell:
        offline = archive_site(project, start=time.perf_counter()) if args.browser else shell_site(work / "shell", folder)
        report = measure(offline, offline, ("集体经济", village, "清化收"), args.repeat, page="cases/index.html")
        print(f"in Chromium (median of {args.repeat}, typed the moment the page has loaded):")
        for line in format_report(report):
            print(line)


if __name__ == "__main__":
    main()
