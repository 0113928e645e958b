"""Shared fixtures: the repository's sample project and small projects made in tmp_path."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

REPO = Path(__file__).resolve().parent.parent

# Chart SVGs and PDFs are cached by content hash, so every test project can share one cache.
os.environ.setdefault("JIANBAO_CACHE_DIR", str(REPO / "build" / "test-cache"))

# Fuzzing profiles (tests/test_fuzz.py). "ci" is small and the same on every run (CI stays
# under a minute and never flaky); "long" explores, and keeps what it finds in .hypothesis/:
#   HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py --hypothesis-show-statistics
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
hypothesis_settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, database=None, suppress_health_check=_SLOW_IS_FINE)
hypothesis_settings.register_profile("long", max_examples=1500, deadline=None, suppress_health_check=_SLOW_IS_FINE)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


def copy_sample(dest: Path) -> Path:
    """A copy of the sample project (content, data, mkdocs.yml, templates) at dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("content", "data", "site_templates"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A fresh copy of the sample project."""
    return copy_sample(tmp_path / "project")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
    return path


SERIES = """
- id: demo
  name: 示例简报
  masthead: [示例, 简报]
  issuer: 示例局
  printed_by: 示例局办公室
  distribution:
    - {label: 发, to: [各县]}
"""

ISSUE = """
series: demo
year: 2024
number: {number}
total: {total}
date: 2024-0{number}-10
articles:
  - title: 文章{number}
    body: |
      **导语。**正文。
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A minimal valid project: one series, two issues, no cases."""
    root = tmp_path / "mini"
    write(root / "content" / "series.yml", SERIES)
    write(root / "content" / "briefings" / "2024" / "001.yml", ISSUE.format(number=1, total=10))
    write(root / "content" / "briefings" / "2024" / "002.yml", ISSUE.format(number=2, total=11))
    write(root / "mkdocs.yml", "site_name: 示例\n")
    return root


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that drives Chromium is end to end too: `pytest -m "not e2e"` is the fast inner loop."""
    for item in items:
        if item.get_closest_marker("browser") is not None and item.get_closest_marker("e2e") is None:
            item.add_marker(pytest.mark.e2e)
# --- a built sample site served over HTTP, and Chromium (test_a11y.py, test_layout.py) ---
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def served_sample(tmp_path_factory):
    """The sample project built (no PDF) and served on 127.0.0.1; yields the base URL."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from generator.build import build
    from generator.config import Settings

    project = copy_sample(tmp_path_factory.mktemp("served") / "project")
    build(Settings.create(project, pdf=False))

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(project / "site")))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def chromium():
    """Headless Debian Chromium through Playwright, closed after each module (other tests start their own
    Playwright, which cannot run while this one is open)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("需要 chromium（sudo apt-get install chromium）")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
        yield browser
        browser.close()
