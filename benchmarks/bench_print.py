"""Print outputs per issue: size of the standalone HTML (fonts inline), the .docx and the PDF, and their times.

    python benchmarks/bench_print.py                 # the sample project, PDFs too
    python benchmarks/bench_print.py --no-pdf        # HTML and .docx only
    python benchmarks/bench_print.py --project DIR   # another project (every issue in it)

Targets (issue 15): the sample issue's standalone HTML ≤ 1.5 MB. Everything is rendered
from a cold cache in a temporary folder, then once more from the warm cache.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.output import fonts_embed, printing  # noqa: E402
from generator.build import check  # noqa: E402
from generator.site.chart_render import ChartRenderer  # noqa: E402
from generator.config import Settings  # noqa: E402
from generator.output.docx_issue import DocxMeta, render_docx  # noqa: E402
from generator.errors import Report  # noqa: E402
from generator.site.pages import ChartMaker, RenderOptions, make_render_context  # noqa: E402

TARGET_HTML = 1.5 * 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--limit", type=int, default=20, help="at most this many issues (newest first)")
    args = parser.parse_args()

    checked = check(Settings.create(args.project))
    issues = sorted(checked.site.issues, key=lambda v: v.issue.date, reverse=True)[: args.limit]
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        charts = ChartMaker(checked.site.data, ChartRenderer(work_dir / "charts"))
        context = make_render_context(args.project / "site_templates", RenderOptions(offline=True), figures=checked.figures, charts=charts)
        env = context.env
        fonts = fonts_embed.find_fonts(work_dir / "fonts")
        print(f"fonts: {', '.join(f'{role}={font.path.name}' for role, font in fonts.files.items())}; missing: {list(fonts.missing) or '-'}")
        print(f"{'issue':<24} {'html KB':>8} {'fonts KB':>8} {'docx KB':>8} {'pdf KB':>8}   render s  fonts s  docx s   pdf s")
        sample_size = None
        for view in issues:
            start = time.perf_counter()
            html = printing.render_standalone(view, env)
            rendered = time.perf_counter()
            embedded = fonts_embed.embed_fonts(html, fonts)
            fonted = time.perf_counter()
            docx = render_docx(html, DocxMeta(printing.document_title(view), view.series.issuer, view.printed_date))
            docxed = time.perf_counter()
            pdf_kb, pdf_s = "-", "-"
            if not args.no_pdf:
                dest = work_dir / f"{view.file_stem}.pdf"
                printing.write_pdf(html, dest)
                pdf_kb, pdf_s = f"{dest.stat().st_size / 1024:.0f}", f"{time.perf_counter() - docxed:.2f}"
            size = len(embedded.encode("utf-8"))
            if view.file_stem == "sxxczx-2023-007":
                sample_size = size
            print(f"{view.file_stem:<24} {size / 1024:>8.0f} {(size - len(html.encode('utf-8'))) / 1024:>8.0f} {len(docx) / 1024:>8.0f} {pdf_kb:>8}"
                  f"   {rendered - start:>8.2f} {fonted - rendered:>8.2f} {docxed - fonted:>7.2f} {pdf_s:>7}")
        # Warm: write_issue_files as a rebuild does, everything from the cache.
        cache = work_dir / "cache"
        one = dataclasses.replace(checked.site, issues=issues)
        for label in ("cold", "warm"):
            start = time.perf_counter()
            printing.write_issue_files(one, context, work_dir / "site", pdf=not args.no_pdf, cache_dir=cache, report=Report())
            print(f"write_issue_files ({label} cache, {len(issues)} issues): {time.perf_counter() - start:.2f} s")
    if sample_size is not None:
        verdict = "ok" if sample_size <= TARGET_HTML else "OVER"
        print(f"sample issue standalone HTML: {sample_size / 1024 / 1024:.2f} MB (target ≤ 1.5 MB: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
