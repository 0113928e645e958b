"""Time Chinese search in headless Chromium, served over HTTP and opened from file://.

    python benchmarks/bench_search.py SITE_DIR [--offline-site DIR] [--query 消薄 ...]

For each query it measures, with Material's own client (nothing of ours in the loop):

- ready: from opening the page over HTTP (the index loads with the page) or
  from opening search on a page from file:// (only then is the index loaded)
  until Material's worker has built its index (the search box stops saying it
  is initialising);
- immediate: the query typed the moment the page has loaded and search is
  opened, until the first result is shown (includes building the index);
- typed: the query typed once the index is ready, until the first result.

Chromium: /usr/bin/chromium unless CHROMIUM is set; Playwright drives it.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import threading
import time
from pathlib import Path

QUERIES = ("消薄", "强村公司", "飞地", "清化收")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
INPUT = "input.md-search__input"
RESULT = ".md-search-result__item"
META = ".md-search-result__meta"

# Promises kept on window (evaluate would wait for a returned promise): resolved with the
# page's clock by a MutationObserver, so no polling delay.
_FIRST_RESULT = """(selector) => { window.__jbFirst = new Promise(resolve => {
  const found = () => document.querySelector(selector);
  if (found()) return resolve(performance.now());
  new MutationObserver((_, observer) => {
    if (found()) { observer.disconnect(); resolve(performance.now()); }
  }).observe(document.body, {childList: true, subtree: true});
}); }"""
# Resolves when the result meta no longer shows the "initialising" text (Material: search ready).
_READY = """([selector, initial]) => { window.__jbReady = new Promise(resolve => {
  const ready = () => { const el = document.querySelector(selector); return el && el.textContent.trim() && el.textContent.trim() !== initial; };
  if (ready()) return resolve(performance.now());
  new MutationObserver((_, observer) => {
    if (ready()) { observer.disconnect(); resolve(performance.now()); }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}); }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _type(page, query: str) -> float:
    """Type a query as an input method does (the text, then a key release); return when typing began.

    Times are taken here, outside the page: from file:// Material's worker is an
    iframe on the page's own thread, so a clock read inside the page would wait
    for the index to be built.
    """
    page.focus(INPUT)
    start = time.perf_counter()
    page.keyboard.insert_text(query)
    page.keyboard.press("End")  # Material reads the query on keyup
    return start


def _measure_one(browser, url: str, query: str) -> dict[str, float]:
    """Seconds; one fresh page for 'immediate', another for 'ready' and 'typed'."""
    result: dict[str, float] = {}
    page = browser.new_page()
    page.goto(url, wait_until="load")
    page.evaluate(_FIRST_RESULT, RESULT)
    start = _type(page, query)
    page.evaluate("() => window.__jbFirst")
    result["immediate"] = time.perf_counter() - start
    page.close()

    page = browser.new_page()
    opened = time.perf_counter()
    page.goto(url, wait_until="load")  # over HTTP the index loads with the page
    initial = page.evaluate(f"() => (document.querySelector('{META}') || {{}}).textContent || ''")
    page.evaluate(_READY, [META, initial.strip()])
    if url.startswith("file:"):
        opened = time.perf_counter()  # from file:// only opening search loads the index
    page.focus(INPUT)
    page.evaluate("() => window.__jbReady")
    result["ready"] = time.perf_counter() - opened
    page.evaluate(_FIRST_RESULT, RESULT)
    start = _type(page, query)
    page.evaluate("() => window.__jbFirst")
    result["typed"] = time.perf_counter() - start
    result["results"] = page.evaluate(f"() => document.querySelectorAll('{RESULT}').length")
    page.close()
    return result


def measure(site: Path | None, offline_site: Path | None, queries: tuple[str, ...] = QUERIES, repeat: int = 3) -> dict:
    """Median seconds per query and mode: {'http': {query: {...}}, 'file': {...}}."""
    from playwright.sync_api import sync_playwright

    targets = []
    server = None
    if site is not None:
        server, base = serve_folder(site)
        targets.append(("http", base + "index.html"))
    if offline_site is not None:
        targets.append(("file", (offline_site / "index.html").resolve().as_uri()))
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
        where = "HTTP" if mode == "http" else "file://"
        for query, times in queries.items():
            lines.append(
                f"  {where:8} {query:<6} index ready {times['ready']:5.2f} s · first result typed at once "
                f"{times['immediate']:5.2f} s · typed when ready {times['typed']:5.2f} s · {int(times['results'])} results")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?")
    parser.add_argument("--offline-site", type=Path)
    parser.add_argument("--query", action="append")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure(args.site, args.offline_site, tuple(args.query or QUERIES), args.repeat)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else "\n".join(format_report(report)))


if __name__ == "__main__":
    main()
