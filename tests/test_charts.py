"""Charts: builders on tiny frames, rendering cache, safe embedding, local JS bundle, browser."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from pydantic import ValidationError

from generator.site import chart_data, chart_embed, chart_render, charts
from generator.site.chart_data import ChartError
from generator.site.chart_render import ChartRenderer
from generator.site.charts import ChartSpec

TEMPLATES = Path(__file__).resolve().parents[1] / "site_templates"
HOSTILE = "</script><script>alert(1)</script>"

DEFS = {
    "income_ge_10": ("集体经济收入10万元以上的村占比", "%"),
    "income_ge_20": ("集体经济收入20万元以上的村占比", "%"),
    "weak": ("薄弱村", "个"),
}


@pytest.fixture
def indicators() -> pd.DataFrame:
    rows = []
    for year, (ge10, ge20) in {2020: (80.0, 40.0), 2021: (92.0, 55.0), 2022: (100.0, 74.0)}.items():
        rows += [
            ("山西省/晋中市", "市", year, "income_ge_10", ge10),
            ("山西省/晋中市", "市", year, "income_ge_20", ge20),
        ]
    for county, value in [("榆次区", 80.0), ("太谷区", 70.0), ("介休市", 91.5), ("祁县", 70.0)]:
        rows.append((f"山西省/晋中市/{county}", "县", 2022, "income_ge_20", value))
    rows += [
        ("山西省/晋中市/榆次区/郭家堡乡", "乡镇", 2022, "income_ge_20", 99.0),  # grandchild
        ("山西省/太原市", "市", 2022, "income_ge_20", 95.0),  # sibling
        ("山西省/晋中市/太谷区", "县", 2021, "income_ge_20", 10.0),  # other year
    ]
    return pd.DataFrame(rows, columns=["region", "level", "year", "indicator", "value"])


@pytest.fixture
def villages() -> pd.DataFrame:
    incomes_2022 = [3, 5, 9.9, 10, 19, 20, 49, 50, 99, 100, 250, 30, 31]
    rows = [
        (2022, "山西省", "晋中市", "榆次区", "郭家堡乡", f"村{i}", income, income / 2)
        for i, income in enumerate(incomes_2022)
    ]
    rows.append((2021, "山西省", "晋中市", "榆次区", "郭家堡乡", "村0", 2.0, 1.0))
    rows.append((2022, "山西省", "太原市", "清徐县", "清源镇", "村甲", 500.0, 400.0))
    return pd.DataFrame(
        rows,
        columns=["year", "province", "city", "county", "township", "village", "income", "operating"],
    )


def dataset(chart) -> list[dict]:
    """The one inline dataset of a built chart."""
    (values,) = chart.to_dict()["datasets"].values()
    return values


# --- builders -----------------------------------------------------------------


def test_compute_bands_counts_hand_checked(villages):
    bands = chart_data.compute_bands(villages, "山西省/晋中市", 2022)
    assert list(bands["band"]) == ["不足5万元", "5–10万元", "10–20万元", "20–50万元", "50–100万元", "100万元以上"]
    # 3 | 5, 9.9 | 10, 19 | 20, 49, 30, 31 | 50, 99 | 100, 250: lower bounds are inclusive
    assert list(bands["villages"]) == [1, 2, 2, 4, 2, 2]
    assert bands["share"].iloc[3] == pytest.approx(30.8)


def test_compute_bands_keeps_empty_bands_and_narrows_by_region(villages):
    bands = chart_data.compute_bands(villages, "山西省/太原市/清徐县", 2022)
    assert list(bands["villages"]) == [0, 0, 0, 0, 0, 1]


def test_bands_chart_orders_bands_and_speaks_chinese(villages):
    spec = charts.bands_chart(villages, "山西省/晋中市", 2022).to_dict()
    assert spec["encoding"]["x"]["sort"][0] == "不足5万元"
    assert spec["encoding"]["x"]["sort"][-1] == "100万元以上"
    assert spec["encoding"]["y"]["title"] == "村数（个）"
    assert spec["title"] == "晋中市2022年村级集体经济收入分段（共13个村）"
    assert spec["width"] == charts.CHART_WIDTH
    assert spec["config"]["font"].startswith('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC"')
    assert spec["config"]["font"].endswith("sans-serif")


def test_ranking_chart_ranks_direct_sub_regions(indicators):
    chart = charts.ranking_chart(indicators, DEFS, "山西省/晋中市", "income_ge_20", 2022)
    rows = dataset(chart)
    # ties (太谷区, 祁县 at 70) are ordered by name; grandchildren and siblings are left out
    assert [r["region"] for r in rows] == ["介休市", "榆次区", "太谷区", "祁县"]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4]
    assert rows[0]["display"] == "91.5%"
    spec = chart.to_dict()
    assert spec["encoding"]["y"]["sort"] == ["介休市", "榆次区", "太谷区", "祁县"]
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["type"] == "quantitative"
    assert spec["title"] == "晋中市各县（市、区）集体经济收入20万元以上的村占比（2022年）"


def test_trend_chart_has_every_year_and_one_line_per_indicator(indicators):
    chart = charts.trend_chart(indicators, DEFS, "山西省/晋中市", ["income_ge_10", "income_ge_20"])
    rows = dataset(chart)
    assert sorted({r["year"] for r in rows}) == [2020, 2021, 2022]
    assert {r["name"] for r in rows} == {DEFS["income_ge_10"][0], DEFS["income_ge_20"][0]}
    spec = chart.to_dict()
    assert spec["mark"] == {"type": "line", "point": {"size": 50}}
    assert [t["title"] for t in spec["encoding"]["tooltip"]] == ["指标", "年度", "数值"]
    assert spec["encoding"]["y"]["title"] == "数值（%）"
    assert spec["title"] == "晋中市主要指标变化（2020–2022年）"


def test_build_chart_dispatches_and_fills_defaults(indicators, villages):
    trend_spec = ChartSpec(type="trend", region="山西省/晋中市", year=2021)
    trend = charts.build_chart(trend_spec, indicators, villages, DEFS)
    assert sorted({r["year"] for r in dataset(trend)}) == [2020, 2021]  # year = last year shown
    bands_spec = ChartSpec(type="bands", region="山西省/晋中市")
    bands = charts.build_chart(bands_spec, indicators, villages, DEFS)
    assert "2022年" in bands.to_dict()["title"]  # latest year with data
    ranking = charts.build_chart(
        ChartSpec(type="ranking", region="山西省/晋中市", title="自定标题"), indicators, villages, DEFS
    )
    assert ranking.to_dict()["title"] == "自定标题"
    assert len(dataset(ranking)) == 4


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (ChartSpec(type="trend", region="山西省/大同市"), "地区“山西省/大同市”没有指标数据"),
        (ChartSpec(type="ranking", region="山西省/大同市", indicator="income_ge_20"), "地区“山西省/大同市”没有指标数据"),
        (ChartSpec(type="bands", region="山西省/大同市"), "地区“山西省/大同市”没有村级数据"),
        (
            ChartSpec(type="bands", region="山西省/晋中市", year=2019),
            "地区“山西省/晋中市”没有2019年的村级数据（已有年度：2021、2022）",
        ),
        (
            ChartSpec(type="ranking", region="山西省/晋中市", indicator="income_ge_20", year=2019),
            "地区“山西省/晋中市”的下级地区没有2019年“集体经济收入20万元以上的村占比”的数据",
        ),
        (ChartSpec(type="ranking", region="山西省/晋中市", indicator="nope"), "未定义的指标“nope”"),
        (
            ChartSpec(type="trend", region="山西省/晋中市", indicator="weak"),
            "地区“山西省/晋中市”没有“薄弱村”的数据",
        ),
        (
            ChartSpec(type="trend", region="山西省/晋中市", year=2010),
            "地区“山西省/晋中市”截至2010年没有“集体经济收入10万元以上的村占比”、“集体经济收入20万元以上的村占比”的数据",
        ),
    ],
)
def test_build_chart_errors_say_what_is_missing(indicators, villages, spec, message):
    with pytest.raises(ChartError) as excinfo:
        charts.build_chart(spec, indicators, villages, DEFS)
    assert str(excinfo.value) == message


def test_chart_spec_rejects_unknown_keys_and_conflicting_fields():
    with pytest.raises(ValidationError, match="extra"):
        ChartSpec.model_validate({"type": "bands", "region": "山西省", "colour": "red"})
    with pytest.raises(ValidationError, match="indicator 与 indicators 只能填写其中一个"):
        ChartSpec(type="trend", region="山西省", indicator="weak", indicators=("weak",))
    with pytest.raises(ValidationError, match="literal_error|Input should be"):
        ChartSpec.model_validate({"type": "pie", "region": "山西省"})


# --- rendering ----------------------------------------------------------------


def test_renderer_renders_each_distinct_spec_once(tmp_path):
    calls: list[dict] = []

    def fake_render(spec: dict) -> str:
        calls.append(spec)
        return f"<svg>{len(calls)}</svg>\n"

    renderer = ChartRenderer(tmp_path, render=fake_render)
    a, b = {"mark": "bar", "title": "甲"}, {"mark": "bar", "title": "乙"}
    assert renderer.svg(a) == renderer.svg(dict(reversed(list(a.items())))) == "<svg>1</svg>\n"
    assert renderer.svg(b) == "<svg>2</svg>\n"
    assert renderer.renders == 2 and len(calls) == 2
    expected = sorted(f"{chart_render.spec_key(s)}.svg" for s in (a, b))
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    assert re.fullmatch(r"[0-9a-f]{64}", chart_render.spec_key(a))

    next_build = ChartRenderer(tmp_path, render=fake_render)
    assert next_build.svg(b) == "<svg>2</svg>\n"
    assert next_build.renders == 0 and len(calls) == 2


def test_render_svg_is_deterministic_and_keeps_chinese_text(villages):
    spec = charts.bands_chart(villages, "山西省/晋中市", 2022).to_dict()
    first, second = chart_render.render_svg(spec), chart_render.render_svg(spec)
    assert first == second
    assert first.startswith("<svg") and ">100万元以上</text>" in first
    assert 'font-family="&quot;Noto Sans CJK SC&quot;' in first


def test_render_svg_refuses_external_data():
    spec = {"data": {"url": "https://example.com/x.csv"}, "mark": "bar"}
    with pytest.raises(ValueError, match="not allowed"):
        chart_render.render_svg(spec)


def test_vl_convert_finds_a_cjk_font():
    assert chart_render.find_cjk_font() is not None


# --- embedding ----------------------------------------------------------------


def test_chart_html_escapes_json_so_content_cannot_close_the_script():
    spec = {"title": HOSTILE, "data": {"values": [{"region": f"山西省/{HOSTILE}&"}]}}
    fragment = chart_embed.chart_html(spec, "<svg></svg>", "chart-1", f"数据来源：{HOSTILE}")
    assert fragment.count("</script>") == 1 and "<script>" not in fragment
    soup = BeautifulSoup(fragment, "html.parser")
    (script,) = soup.find_all("script")
    assert script["type"] == "application/json" and script["id"] == "chart-1-spec"
    assert json.loads(script.string) == spec
    assert "\\u003c/script\\u003e" in script.string and "\\u0026" in script.string
    figure = soup.find("figure", class_="jb-chart")
    assert figure["id"] == "chart-1"
    assert figure.find("figcaption", class_="jb-chart-source").get_text() == f"数据来源：{HOSTILE}"


def test_chart_html_makes_svg_ids_unique_per_chart():
    svg = '<svg><defs><clipPath id="clip1"><rect/></clipPath></defs><g clip-path="url(#clip1)"/></svg>'
    fragment = chart_embed.chart_html({}, svg, "c2", "数据来源：示例数据")
    assert 'id="c2-clip1"' in fragment and "url(#c2-clip1)" in fragment and '"clip1"' not in fragment


def test_chart_html_rejects_unsafe_ids():
    with pytest.raises(ValueError):
        chart_embed.chart_html({}, "<svg></svg>", 'x" onload="alert(1)', "")


def test_format_source_line():
    from datetime import date

    assert chart_embed.format_source_line("示例数据", date(2022, 12, 31)) == "数据来源：示例数据，截至2022年12月31日"


# --- local JavaScript -----------------------------------------------------------


@pytest.mark.e2e  # vl-convert builds the bundle: seconds
def test_vega_bundle_is_one_deterministic_classic_script(tmp_path):
    assert chart_render.write_vega_bundle(tmp_path / "a") == ["assets/javascripts/vega-bundle.js"]
    chart_render.write_vega_bundle(tmp_path / "b")
    first = (tmp_path / "a" / chart_render.BUNDLE_PATH).read_bytes()
    assert first == (tmp_path / "b" / chart_render.BUNDLE_PATH).read_bytes()
    text = first.decode()
    assert "window.vegaEmbed=" in text
    assert not re.search(r"^\s*(import|export)\s", text, re.M)


# --- browser ------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>图表</title>
<link rel="stylesheet" href="charts.css">
{before}
<script src="vega-bundle.js"></script>
<script src="charts.js"></script>
</head><body style="max-width:720px">
<main id="content">{figures}</main>
</body></html>
"""

# A stand-in for Material's `document$` (an RxJS ReplaySubject): emits once the
# document is loaded, replays to late subscribers, and emits again on `next()`.
FAKE_DOCUMENT_SUBJECT = """<script>
window.document$ = {
  subscribers: [], loaded: false,
  subscribe: function (f) { this.subscribers.push(f); if (this.loaded) f(); },
  next: function () { this.loaded = true; this.subscribers.forEach(function (f) { f(); }); }
};
document.addEventListener("DOMContentLoaded", function () { document$.next(); });
</script>"""


@pytest.fixture
def chart_page(tmp_path, villages, indicators):
    """Write bundle, charts.js/css and a page factory into tmp_path."""
    chart_render.write_vega_bundle(tmp_path)
    shutil.copy(tmp_path / chart_render.BUNDLE_PATH, tmp_path / "vega-bundle.js")
    shutil.copy(TEMPLATES / "assets/javascripts/charts.js", tmp_path / "charts.js")
    shutil.copy(TEMPLATES / "assets/stylesheets/charts.css", tmp_path / "charts.css")
    # Region names cannot hold "/", so the hostile string goes into a title and an
    # HTML-looking sub-region name goes into the data, the axis and the tooltips.
    hostile_child = ("山西省/晋中市/<img src=x onerror=alert(2)>", "县", 2022, "income_ge_20", 50.0)
    indicators = pd.concat([indicators, pd.DataFrame([hostile_child], columns=indicators.columns)])
    specs = [
        charts.bands_chart(villages, "山西省/晋中市", 2022, title=HOSTILE).to_dict(),
        charts.ranking_chart(indicators, DEFS, "山西省/晋中市", "income_ge_20", 2022).to_dict(),
    ]
    renderer = ChartRenderer(tmp_path / "cache")
    figures = [
        chart_embed.chart_html(spec, renderer.svg(spec), f"chart-{i}", "数据来源：示例数据，截至2022年12月31日")
        for i, spec in enumerate(specs)
    ]

    def write(name: str, before: str = "") -> str:
        page = tmp_path / name
        page.write_text(PAGE.format(before=before, figures="\n\n".join(figures)), encoding="utf-8")
        return page.as_uri()

    return write


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium at /usr/bin/chromium")
def test_charts_render_interactively_from_file_url(chart_page, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 760, "height": 900})
            outside: list[str] = []
            page.on(
                "request",
                lambda r: None if r.url.startswith("file:") else outside.append(r.url),
            )
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))

            page.goto(chart_page("plain.html"))
            page.wait_for_selector("#chart-1.jb-chart--live .jb-chart-view svg", timeout=15000)
            page.wait_for_selector("#chart-0.jb-chart--live .jb-chart-view svg", timeout=15000)
            assert page.locator("#chart-0 .jb-chart-static").is_hidden()
            assert page.locator("#chart-0 .jb-chart-view").is_visible()
            assert page.locator("#chart-0 .jb-chart-view").inner_text().count("100万元以上") == 1
            assert HOSTILE in page.locator("#chart-0 .jb-chart-view").inner_text()
            assert page.locator("#chart-1 .jb-chart-static").inner_text().count("<img src=x") == 1
            assert page.locator("img").count() == 0
            page.locator("#chart-1 .jb-chart-view .mark-rect path").first.hover()
            page.wait_for_selector("#vg-tooltip-element", timeout=5000)
            assert page.locator("#vg-tooltip-element").inner_text().split() == [
                "县（市、区）", "介休市", "数值", "91.5%", "排名", "1"
            ]
            page.screenshot(path=str(tmp_path / "charts.png"), full_page=True)

            page.emulate_media(media="print")
            assert page.locator("#chart-0 .jb-chart-static").is_visible()
            assert page.locator("#chart-0 .jb-chart-view").is_hidden()
            assert errors == [] and outside == []
            page.emulate_media(media="screen")

            # Material instant navigation: document$ emits again, content is swapped.
            page.goto(chart_page("instant.html", FAKE_DOCUMENT_SUBJECT))
            page.wait_for_selector("#chart-1.jb-chart--live .jb-chart-view svg", timeout=15000)
            page.evaluate("document$.next(); document$.next()")
            page.wait_for_timeout(300)
            assert page.locator("#chart-1 .jb-chart-view svg.marks").count() == 1
            page.evaluate(
                """() => {
                  const main = document.getElementById('content');
                  const clone = main.querySelector('#chart-1').cloneNode(true);
                  clone.removeAttribute('data-jb-chart');
                  clone.classList.remove('jb-chart--live');
                  clone.querySelector('.jb-chart-view').innerHTML = '';
                  main.innerHTML = '';
                  main.appendChild(clone);
                  document$.next();
                }"""
            )
            page.wait_for_selector("#chart-1.jb-chart--live .jb-chart-view svg", timeout=15000)
            assert page.locator(".jb-chart-view svg.marks").count() == 1
            assert errors == [] and outside == []
        finally:
            browser.close()
