"""Golden files of the generated Markdown for the sample project.

Regenerate after an intended change with:
    JIANBAO_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
and review the diff before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.build import check
from generator.config import Settings
from generator.site.pages import RenderOptions, make_render_context, render_pages

GOLDEN = Path(__file__).parent / "golden"
PAGES = [
    "index.md",
    "briefings/sxxczx/2023/007/index.md",
    "cases/jinzhong-six-focus/index.md",
    "cases/county-six-moves/index.md",
    "models/six-focus-six-solve/index.md",
    "cases/index.md",
    "regions/山西省/晋中市/index.md",
]


@pytest.fixture(scope="module")
def rendered(repo_root) -> dict[str, str]:
    settings = Settings.create(repo_root)
    checked = check(settings)
    options = RenderOptions(extra={"site_name": "乡村振兴简报与典型案例", "site_url": "", "home_title": "乡村振兴简报与典型案例"})
    return render_pages(checked.site, make_render_context(settings.templates_dir, options))


@pytest.mark.parametrize("page", PAGES)
def test_generated_markdown_matches_golden(rendered, page):
    golden = GOLDEN / page
    if os.environ.get("JIANBAO_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered[page], encoding="utf-8")
    assert golden.is_file(), f"缺少 {golden}：运行 JIANBAO_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py"
    assert rendered[page] == golden.read_text(encoding="utf-8")


def test_rendering_is_deterministic(repo_root, rendered):
    settings = Settings.create(repo_root)
    options = RenderOptions(extra={"site_name": "乡村振兴简报与典型案例", "site_url": "", "home_title": "乡村振兴简报与典型案例"})
    again = render_pages(check(settings).site, make_render_context(settings.templates_dir, options))
    assert again == rendered
