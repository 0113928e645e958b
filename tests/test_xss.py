"""Content cannot inject script: XSS payloads in every field, checked on the built HTML.

`jianbao check` refuses raw HTML and unsafe links; these tests also bypass it (hostile
models built in Python) to prove the renderers escape and sanitize on their own:
in site pages, the standalone HTML, the PDF, the feed and the search index.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import textwrap
from pathlib import Path

import markdown
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from conftest import ISSUE, REPO, SERIES, copy_sample, write
from htmlsafety import data_script_findings, findings, pdf_findings, search_index_findings

import generator.build as build_module
from generator.build import Checked, build, check
from generator.output.mkdocs_config import check_mkdocs_yml
from generator.buildcache import BuildCache
from generator.config import Settings
from generator.content.load import Doc, Page, Project
from generator.data.frames import Frames
from generator.data.load import Data
from generator.errors import ContentError, Report
from generator.data.figures import Figures
from generator.data.indicator_defs import load_indicators
from generator.data.indicators import compute_indicators
from generator.content.models import (
    Case, CaseArticle, ChartDecl, DevModel, Distribution, Highlight, Issue, ModelItem, Point, Section, Series,
    Source, SubSection, TextArticle,
)
from generator.site.chart_render import ChartRenderer
from generator.site.pages import ChartMaker, RenderOptions, make_render_context, render_pages
from generator.output.printing import pdf_available, render_standalone
from generator.site.structure import compute_site
from generator.site.text import render_markdown, render_page
from generator.site.urls import issue_key
from generator.content.yamlsrc import Positions

PAYLOADS = [
    '<script>alert("xss")</script>',
    "<img src=x onerror=alert(1)>",
    "<img\nsrc=x onerror=alert(2)>",
    "<svg onload=alert(3)><script>alert(4)</script></svg>",
    '<svg><a xlink:href="javascript:alert(5)"><text x="20" y="20">x</text></a><animate attributeName="href" to="javascript:alert(6)"/></svg>',
    '<iframe src="javascript:alert(7)"></iframe>',
    "<style>body{background:url(javascript:alert(8))}</style>",
    '<object data="javascript:alert(9)"></object><embed src="javascript:alert(10)">',
    "[点我](javascript:alert(11))",
    "[点我](jav&#x61;script:alert(12))",
    "[点我](JaVaScRiPt:alert(13))",
    "[点我][r]\n\n[r]: javascript:alert(14)",
    "![图](javascript:alert(15))",
    '<a href="javascript:alert(16)">链接</a>',
    '"><script>alert(17)</script>',
    "'><img src=x onerror=alert(18)>",
    "</script><script>alert(19)</script>",
    '{: onclick="alert(20)" }',
    "<!--<script>alert(21)</script>-->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(22)>",
    '<a href="data:text/html,&lt;script&gt;alert(23)&lt;/script&gt;">d</a>',
    "&lt;script&gt;alert(24)&lt;/script&gt;",
    "`<script>alert(25)</script>`",
    '<form action="javascript:alert(26)"><button>提交</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(27)">',
    '<base href="javascript:alert(28)//">',
    "<x onmouseover=alert(29)>悬停</x>",
    "\x7f<img src=x onerror=alert(30)>",
]
# Names of regions must stay one path level: a "/" would only make another level.
DATA_PAYLOADS = [p.replace("/", "").replace("\n", " ") for p in PAYLOADS]

MKDOCS_EXTENSIONS = ["attr_list", "tables", "toc"]


# --------------------------------------------------------------------- hostile content, built in Python


def hostile_project(root: Path, payload: str, region: str = "山西省/晋中市") -> Project:
    """One series, issue, case, model and page with the payload in every text field (no validation)."""
    p = payload
    point = Point.model_construct(lead=p, text=p)
    case = Case.model_construct(
        id="evil", title=p, region=f"山西省/{p}", model="evil-model", date=dt.date(2023, 3, 31), tags=[p, "组织建设"],
        summary=p, lead=p,
        highlights=[Highlight.model_construct(label=p, value=74.0, unit=p, as_of=dt.date(2022, 12, 31), indicator=None),
                    Highlight.model_construct(label=p, value="*", unit="%", as_of=None, indicator=None)],
        sections=[Section.model_construct(heading=p, model_item=1, body=p, points=[point], sections=[
            SubSection.model_construct(heading=p, model_item=None, body=p, points=[point])])],
        charts=[ChartDecl.model_construct(type="trend", region=region, year=None, indicator=None, indicators=None, title=p)],
        sources=[Source.model_construct(title=p, date=dt.date(2023, 3, 31))],
    )
    other = case.model_copy(update={"id": "evil-2", "title": p + "2", "charts": []})
    model = DevModel.model_construct(id="evil-model", name=p, full_name=p, summary=p,
                                     items=[ModelItem.model_construct(name=p, subtitle=p, description=p)])
    distribution = [Distribution.model_construct(label=p, to=[p, "各县"])]
    series = Series.model_construct(id="sxxczx", name=p, masthead=[p, "简报"], issuer=p, printed_by=p, distribution=distribution)
    issue = Issue.model_construct(
        series="sxxczx", year=2023, number=7, total=62, kind="regular", date=dt.date(2023, 3, 31), classification=p,
        draft=False, articles=[CaseArticle.model_construct(case="evil", title=None), TextArticle.model_construct(title=p, body=p)],
        charts=[ChartDecl.model_construct(type="bands", region=region, year=None, indicator=None, indicators=None, title=p)],
        distribution=distribution, printed_by=p, printed_date=None, copies=200,
    )
    where = Positions()
    return Project(
        root=root,
        series=[Doc(series, "content/series.yml", where)],
        issues=[Doc(issue, "content/briefings/2023/007.yml", where)],
        cases=[Doc(case, "content/cases/evil.yml", where), Doc(other, "content/cases/evil-2.yml", where)],
        models=[Doc(model, "content/models/evil-model.yml", where)],
        pages=[Page("evil", "content/pages/evil.md", f"# {p}\n\n{p}\n\n## {p}\n\n- {p}\n")],
    )


def hostile_data(config, names: list[str]) -> Data:
    """Villages whose county, township and village names (and the table's source) are payloads."""
    rows = []
    for year in (2021, 2022):
        for i, name in enumerate(names):
            for j in range(2):
                rows.append({
                    "year": year, "province": "山西省", "city": "晋中市", "county": name[:40] or "县",
                    "township": f"{name[:36]}镇{j}", "village": f"{name}村{j}", "code": None,
                    "income": 5.0 + 10 * i + j, "operating": 2.0 + i, "file": "data/villages/evil.csv",
                    "row": len(rows) + 2, "sample": True, "source": name,
                })
    villages = pd.DataFrame(rows)
    names_cycle = itertools.cycle(names[::-1])
    indicators = {key: item.model_copy(update={"name": next(names_cycle), "description": next(names_cycle)})
                  for key, item in config.indicators.items()}
    config = config.model_copy(update={"indicators": indicators})
    return Data.of_frames(Frames(config=config, villages=villages, indicators=compute_indicators(config, villages)))


@pytest.fixture(autouse=True)
def lenient_region_charts(monkeypatch):
    """Region pages declare their charts through the validating model: bypass it like the check."""
    import generator.site.structure

    def chart(**fields):
        return ChartDecl.model_construct(**{"year": None, "indicator": None, "indicators": None, "title": None, **fields})

    monkeypatch.setattr(generator.site.structure, "ChartDecl", chart)


@pytest.fixture(scope="module")
def indicator_config():
    config, report = load_indicators(REPO / "data" / "indicators.yml", REPO)
    assert config is not None, report.problems
    return config


def markdown_html(text: str) -> str:
    """A generated page as MkDocs' Markdown turns it into HTML (front matter dropped as MkDocs does)."""
    from mkdocs.utils.meta import get_data

    body, meta = get_data(text)
    assert meta or not text.startswith("---"), "front matter did not parse: MkDocs would render it as text"
    return markdown.markdown(body, extensions=MKDOCS_EXTENSIONS)


# --------------------------------------------------------------------- fast: each payload, every renderer


@pytest.mark.parametrize("payload", PAYLOADS)
def test_text_renderer_neutralises(payload):
    for html in (str(render_markdown(payload)), str(render_markdown(payload, inline=True))):
        assert findings(html) == [], html
    assert findings(markdown.markdown(render_page(payload), extensions=MKDOCS_EXTENSIONS)) == []


SHARED = BuildCache()  # the payloads' renders share compiled templates and Markdown, as serve's builds do


@pytest.mark.e2e  # a whole site rendered per payload (30 of them): the render stage end to end
@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_generated_page_and_standalone_file_is_safe(tmp_path, payload, indicator_config):
    data = hostile_data(indicator_config, ["榆次区", DATA_PAYLOADS[PAYLOADS.index(payload)]])
    site = compute_site(hostile_project(tmp_path, payload), {issue_key(hostile_project(tmp_path, payload).issues[0].model): 62}, data)
    options = RenderOptions(extra={"site_name": payload, "site_url": ""})
    charts = ChartMaker(data, ChartRenderer(tmp_path / "cache", render=lambda spec: "<svg></svg>\n"))
    context = make_render_context(None, options, SHARED, figures=Figures(data), charts=charts)
    pages = render_pages(site, context)
    assert "evil.md" in pages and "cases/evil/index.md" in pages
    for name, text in pages.items():
        if name.endswith(".md"):
            assert findings(markdown_html(text)) == [], name
        elif name.endswith(".js") and name.startswith("cases/"):
            assert data_script_findings(text) == [], name
    assert "cases/cases-data.js" in pages
    standalone = render_standalone(site.issues[0], context.env)
    assert findings(standalone) == []


# --------------------------------------------------------------------- check refuses them in YAML


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\\u007f", "\\x7f")


REFUSED = [p for p in PAYLOADS if re.search(r"<[a-zA-Z!/]|javascript|JaVaScRiPt|jav&#x61;", p) and not p.startswith("&lt;") and not p.startswith("`")]


@pytest.mark.parametrize("payload", REFUSED)
def test_check_refuses_raw_html_and_unsafe_links(mini, payload):
    path = mini / "content/briefings/2024/001.yml"
    text = path.read_text(encoding="utf-8").replace("**导语。**正文。", "**导语。**正文。\n      x")
    path.write_text(text.replace("  - title: 文章1\n", f"  - title: {_yaml_str(payload)}\n"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check(Settings.create(mini))
    errors = [p.format() for p in caught.value.report.problems if p.level.label == "错误"]
    assert errors and all(e.startswith("content/briefings/2024/001.yml:7:") for e in errors), errors


def test_check_refuses_the_front_matter_trick(mini):
    """A title that once broke out of the front matter: "\\x7f" made MkDocs drop it and render it as Markdown."""
    path = mini / "content/briefings/2024/001.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("  - title: 文章1\n", '  - title: "<img\\nsrc=x onerror=alert(1)>\\x7f"\n'), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        check(Settings.create(mini))
    messages = [p.message for p in caught.value.report.problems]
    assert any("文本含有不允许的字符 U+007F" in m for m in messages), messages


def test_check_refuses_hostile_tags_and_regions(mini):
    write(mini / "content/cases/x.yml", """
        id: x
        title: 案例
        region: 山西省/<script>
        tags: [<b>, "..", "=cmd"]
        summary: 摘要
        """)
    with pytest.raises(ContentError) as caught:
        check(Settings.create(mini))
    messages = [p.format() for p in caught.value.report.problems]
    assert any("content/cases/x.yml:3:9: 错误: “region”：地区名“<script>”含有不允许的字符" in m for m in messages), messages
    assert any("content/cases/x.yml:4:7:" in m and "标签“<b>”不合适" in m for m in messages), messages


# --------------------------------------------------------------------- the real build: site, standalone, PDF


@pytest.fixture(scope="module")
def material_inline_scripts(tmp_path_factory) -> set[str]:
    """Material's own inline scripts, from a build of the harmless sample project."""
    project = tmp_path_factory.mktemp("clean") / "project"
    write(project / "content" / "series.yml", SERIES)
    write(project / "content" / "briefings" / "2024" / "001.yml", ISSUE.format(number=1, total=10))
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    build(Settings.create(project, pdf=False))
    scripts = set()
    for path in (project / "site").rglob("*.html"):
        for tag in BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").find_all("script"):
            if not tag.get("src") and tag.get("type") != "application/json":
                scripts.add(tag.string or "")
    return scripts


def assert_built_site_safe(site: Path, known: set[str]) -> int:
    checked = 0
    for path in sorted(site.rglob("*")):
        if path.suffix in (".html", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert findings(text, known_inline=known) == [], path
            checked += 1
        elif path.suffix == ".pdf":
            assert pdf_findings(path.read_bytes()) == [], path
            checked += 1
        elif path.name == "cases-data.js":
            assert data_script_findings(path.read_text(encoding="utf-8")) == [], path
            checked += 1
    assert search_index_findings(site) == []
    return checked


@pytest.mark.e2e
def test_hostile_site_built_with_check_bypassed(tmp_path, monkeypatch, indicator_config, material_inline_scripts):
    project = copy_sample(tmp_path / "project")
    payload = "\n\n".join(PAYLOADS)
    data = hostile_data(indicator_config, ["榆次区", *DATA_PAYLOADS[:12]])
    hostile = hostile_project(project, payload)
    site = compute_site(hostile, {issue_key(hostile.issues[0].model): 62}, data)

    def lenient_check(settings, progress=lambda stage: None, cache=None):
        return Checked(hostile, site, Report(), Figures(data), check_mkdocs_yml(settings.project, Report()))

    monkeypatch.setattr(build_module, "check", lenient_check)
    monkeypatch.setattr(build_module, "site_extra", lambda config: {"site_name": payload, "site_url": "", "home_title": payload})
    build(Settings.create(project, pdf=True))
    built = project / "site"
    case = BeautifulSoup((built / "cases/evil/index.html").read_text(encoding="utf-8"), "html.parser")
    assert '<script>alert("xss")</script>' in case.select_one("h1").get_text()  # shown as text, not dropped
    assert case.select(".jb-highlight-label")
    region = BeautifulSoup((built / "regions/山西省/晋中市/index.html").read_text(encoding="utf-8"), "html.parser")
    assert region.select(".jb-chart svg") and region.select("script.jb-chart-spec")
    assert any("onerror=alert(1)" in text.get_text() for text in region.select(".jb-chart svg text"))
    stem = "briefings/sxxczx/2023/007/sxxczx-2023-007"
    assert (built / f"{stem}.html").is_file()
    if pdf_available()[0]:
        assert (built / f"{stem}.pdf").is_file()
    assert assert_built_site_safe(built, material_inline_scripts) > 20


HOSTILE_BUT_VALID = [  # pass `jianbao check`: escaped, templated, or odd but harmless
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "{: onclick=alert(2) }",
    "'-alert(3)-'",
    "&#60;img src=x onerror=alert(4)&#62;",
]


@pytest.mark.e2e
def test_hostile_but_valid_content_and_data_build_safely(tmp_path, material_inline_scripts):
    project = copy_sample(tmp_path / "project")
    case = project / "content/cases/jinzhong-six-focus.yml"
    text = case.read_text(encoding="utf-8").replace("tags: [", "tags: [\"'-alert(3)-'\", ", 1)
    text = re.sub(r"(?m)^summary: .*$", "summary: " + json.dumps(" ".join(HOSTILE_BUT_VALID), ensure_ascii=False), text, count=1)
    case.write_text(text, encoding="utf-8")
    (project / "content/pages/evil.md").write_text("# 页面 {: onclick=alert(5) }\n\n" + "\n\n".join(HOSTILE_BUT_VALID) + "\n", encoding="utf-8")
    indicators = project / "data/indicators.yml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace("name: 行政村个数", "name: \"&lt;img src=x onerror=alert(6)&gt;行政村个数\""), encoding="utf-8")
    write(project / "data/villages/evil.csv", textwrap.dedent("""
        年度,省,市,县,乡镇,村,集体经济总收入,经营性收入
        2022,山西省,晋中市,'-alert(7)-'区,&lt;script&gt;镇,{: onclick=alert(8) }村,30,12
        2022,山西省,晋中市,'-alert(7)-'区,&lt;script&gt;镇,乙村,12,6
        """))
    build(Settings.create(project, pdf=False))
    built = project / "site"
    assert (built / "regions/山西省/晋中市/'-alert(7)-'区/&lt;script&gt;镇/index.html").is_file()
    assert assert_built_site_safe(built, material_inline_scripts) > 20
