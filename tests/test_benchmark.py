"""The benchmark (benchmarks/bench_site.py) runs end to end at a small size and prints every figure.

No timing is asserted: CI machines differ. The full-size command and its figures are in the README.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parent.parent
FIGURES = [
    "archive: 10 issues",
    "jianbao build --no-pdf, cold",
    "jianbao build --no-pdf, warm",
    "load ", "validate ", "compute ", "render ", "charts ", "mkdocs ", "search index ", "print (PDF, HTML) ",
    "peak memory",
    "floor: bare mkdocs-material",
    "ratio jianbao / floor (cold)",
    "ratio jianbao / floor (warm)",
    "issue pages: largest",
    "search index: ",
    "one issue changed",
    " files rewritten",
    "PDF: ",
]


def test_benchmark_runs_and_prints_the_figures(tmp_path):
    command = [sys.executable, str(REPO / "benchmarks" / "bench_site.py"), "--issues", "10", "--cases", "10",
               "--villages", "500", "--years", "3", "--dir", str(tmp_path), "--pdf", "2"]
    search = shutil.which("chromium") or Path("/usr/bin/chromium").exists()
    if search:
        command += ["--search", "--query", "消薄", "--search-repeat", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    for figure in FIGURES + (["HTTP", "file://", "first result"] if search else []):
        assert figure in result.stdout, (figure, result.stdout)
    # one issue changed: its page, and the search files of its text (its document, the shards of changed terms)
    rewritten = [int(n) for n in re.findall(r"(\d+) files rewritten", result.stdout.split("one issue changed", 1)[1])]
    assert rewritten and all(1 <= n <= 6 for n in rewritten), result.stdout
