"""What an issue's sheet carries besides its articles: every marking, the editor line, the 草稿 mark."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import write
from generator.output import printing
from generator.build import check
from generator.site.chart_render import ChartRenderer
from generator.config import Settings
from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages

MARKED = """
series: demo
year: 2024
number: 3
total: 12
date: 2024-03-10
classification: [内部资料, 注意保存]
editor: 王某某
draft: {draft}
articles:
  - title: 第一篇
    body: 第一篇正文。
  - title: 最后一篇
    body: 最后一篇正文。
"""


def rendered(root: Path, tmp_path: Path, *, drafts: bool = True):
    checked = check(Settings.create(root, drafts=drafts))
    context = make_render_context(root / "site_templates", RenderOptions(offline=False), figures=checked.figures,
                                  charts=ChartMaker(checked.site.data, ChartRenderer(tmp_path / "charts")))
    return checked.site, context.env, render_pages(checked.site, context)


@pytest.fixture
def marked(mini: Path) -> Path:
    write(mini / "content/briefings/2024/003.yml", MARKED.format(draft="false"))
    return mini


def test_every_marking_and_the_editor_line_on_the_page_and_in_the_standalone_html(marked, tmp_path):
    site, env, pages = rendered(marked, tmp_path)
    page = pages["briefings/demo/2024/003/index.md"]
    assert '<div class="jb-classification"><span class="jb-marking">内部资料</span> <span class="jb-marking">注意保存</span></div>' in page
    # After the last article, above the 报尾.
    assert re.search(r"最后一篇正文。</p>\s*</article>\s*<p class=\"jb-editor\">（本期责任编辑：王某某）</p>\s*<footer class=\"jb-colophon\">", page)
    html = printing.render_standalone(next(v for v in site.issues if v.issue.number == 3), env)
    assert "（本期责任编辑：王某某）</p>" in html and "注意保存</span>" in html
    assert "jb-draft" not in page  # published issues carry no draft mark


def test_a_single_marking_as_a_string_and_no_editor(mini, tmp_path):
    write(mini / "content/briefings/2024/003.yml", MARKED.format(draft="false").replace("[内部资料, 注意保存]", "内部资料").replace("editor: 王某某\n", ""))
    page = rendered(mini, tmp_path)[2]["briefings/demo/2024/003/index.md"]
    assert '<div class="jb-classification"><span class="jb-marking">内部资料</span></div>' in page
    assert "jb-editor" not in page


@pytest.mark.e2e
def test_pdf_prints_the_editor_line_before_the_colophon(marked, tmp_path):
    available, message = printing.pdf_available()
    if not available or shutil.which("pdftotext") is None:
        pytest.skip(f"PDF 依赖缺失，跳过：{message}")
    site, env, _ = rendered(marked, tmp_path)
    html = printing.render_standalone(next(v for v in site.issues if v.issue.number == 3), env)
    printing.write_pdf(html, tmp_path / "x.pdf", None)
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(tmp_path / "x.pdf"), "-"], capture_output=True, text=True, check=True).stdout)
    assert text.startswith("内部资料注意保存")
    assert text.index("最后一篇正文。") < text.index("（本期责任编辑：王某某）") < text.index("发：各县")


def test_a_draft_is_marked_on_its_page_and_in_lists(mini, tmp_path):
    write(mini / "content/briefings/2024/003.yml", MARKED.format(draft="true"))
    pages = rendered(mini, tmp_path, drafts=True)[2]
    page = pages["briefings/demo/2024/003/index.md"]
    assert ('<div class="jb-draft-note" role="note" data-search-exclude="true"><strong>草稿</strong>：'
            "这期简报是草稿（draft: true），只在预览中显示，jianbao build 不会发布它。</div>") in page
    year = pages["briefings/demo/2024/index.md"]
    assert year.count('<span class="jb-draft-label">草稿</span>') == 1
    assert "jb-draft" not in pages["briefings/demo/2024/001/index.md"]
