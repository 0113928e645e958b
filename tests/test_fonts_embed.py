"""Fonts inside the standalone HTML (issue 15, item 6)."""

from __future__ import annotations

import base64
import dataclasses
import io
import re
from pathlib import Path

import pytest

from generator.output import fonts_embed, printing
from generator.build import check
from generator.site.chart_render import ChartRenderer
from generator.config import Settings
from generator.errors import Report
from generator.site.pages import ChartMaker, RenderOptions, make_render_context

SAMPLE_STEM = "sxxczx-2023-007"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def written(repo_root, tmp_path_factory) -> tuple[Path, str]:
    """The sample issue's standalone HTML as write_issue_files writes it (fonts inline), and the HTML before."""
    checked = check(Settings.create(repo_root))
    charts = ChartMaker(checked.site.data, ChartRenderer(tmp_path_factory.mktemp("charts")))
    context = make_render_context(repo_root / "site_templates", RenderOptions(offline=True), figures=checked.figures, charts=charts)
    view = next(v for v in checked.site.issues if v.file_stem == SAMPLE_STEM)
    out = tmp_path_factory.mktemp("site")
    report = Report()
    printing.write_issue_files(dataclasses.replace(checked.site, issues=[view]), context, out, pdf=False,
                               cache_dir=tmp_path_factory.mktemp("cache"), report=report)
    fonts = fonts_embed.find_fonts()
    if fonts.missing:
        pytest.skip(f"字体未安装，跳过：{fonts.missing}")
    assert report.problems == []
    return out / f"briefings/sxxczx/2023/007/{SAMPLE_STEM}.html", printing.render_standalone(view, context.env)


def faces(html: str) -> dict[tuple[str, str], bytes]:
    found = {}
    for family, weight, data in re.findall(r'@font-face \{ font-family: "([^"]+)"; font-style: normal; font-weight: ([\d ]+);[^}]*base64,([A-Za-z0-9+/=]+)', html):
        found[(family, weight)] = base64.b64decode(data)
    return found


def cmap(data: bytes) -> set[str]:
    from fontTools.ttLib import TTFont

    return {chr(code) for code in TTFont(io.BytesIO(data)).getBestCmap()}


def test_standalone_embeds_the_faces_it_uses_subset_to_its_characters(written):
    path, before = written
    html = path.read_text(encoding="utf-8")
    embedded = faces(html)
    assert set(embedded) == {("FandolFang", "400"), ("Noto Serif CJK SC", "700 900"), ("Noto Sans CJK SC", "400"),
                             ("Noto Sans CJK SC", "700 900"), ("FandolSong", "400 900")}  # no （一） heading: no 楷体
    assert all(data[:4] == b"wOFF" for data in embedded.values())
    body_text = set(re.sub(r"<[^>]+>", "", before.split("<body", 1)[1]))
    fang = cmap(embedded[("FandolFang", "400")])
    assert {c for c in body_text if "\u4e00" <= c <= "\u9fff"} <= fang  # every Chinese character of the issue
    assert "鑫" not in fang and len(fang) < 1000  # and no others
    serif = cmap(embedded[("Noto Serif CJK SC", "700 900")])
    assert set("山西省乡村振兴简报晋中市六聚焦破解上下联动高位推") <= serif and "针" not in serif  # masthead, title, bold leads only
    assert set("一、聚焦组织设计") <= cmap(embedded[("Noto Sans CJK SC", "400")])
    assert html.replace(re.search(r'<style id="jb-fonts">.*?</style>\n', html, re.S).group(0), "") == before  # nothing else changes


def test_characters_by_face_follows_the_sheet_styles():
    html = ('<html><head><title>标题字</title><style>.x{content:"样式"}</style></head><body><div class="jb-sheet">'
            '<h1 class="jb-masthead"><span>红头</span></h1><p><span class="jb-h1">一、黑体</span>正文<strong>加粗</strong></p>'
            '<p><span class="jb-h2">（一）楷体</span></p><svg><text font-weight="bold">图题</text><text>轴</text></svg></div></body></html>')
    used = fonts_embed.characters_by_face(html)
    ascii_ = set(fonts_embed.ASCII)

    def own(role):
        return set(used[role]) - ascii_

    assert own("serif-bold") == set("红头加粗")
    assert own("sans") == set("一、黑体轴")
    assert own("sans-bold") == set("图题")
    assert own("kai") == set("（一）楷体")
    assert own("fang") == set("红头一、黑体正文加粗（一）楷体图题轴")  # the fallback face has every character
    assert used["song"] == "".join(sorted("— 0123456789"))
    assert "标" not in used["fang"] and "样" not in used["fang"]  # <head> text is not drawn


def test_missing_fonts_are_reported_not_silent():
    fonts = fonts_embed.FontSet({}, ("fang", "kai", "song"))
    assert fonts_embed.missing_message(fonts) == "单文件 HTML 未能内嵌这些字体（本机未安装）：仿宋（正文）、楷体（二级标题）；运行 jianbao doctor 查看安装方法。"
    assert fonts_embed.missing_message(fonts_embed.FontSet({}, ("song",))) is None  # page numbers' face is optional
    assert fonts_embed.embed_fonts("<html><head></head><body>字</body></html>", fonts) == "<html><head></head><body>字</body></html>"


def test_fc_match_refuses_a_substitute(monkeypatch):
    assert fonts_embed.fc_match("No Such Font Family", False) is None  # fc-match answers with DejaVu or such: not taken


@pytest.mark.e2e
@pytest.mark.browser
def test_standalone_renders_in_its_own_fonts_without_system_fonts(written, tmp_path):
    """Chromium with every system font hidden (FONTCONFIG_FILE naming no font folder) draws the sheet in the embedded faces."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("chromium 未安装")
    path, before = written
    bare = tmp_path / "bare.html"
    bare.write_text(before, encoding="utf-8")  # the same page without its fonts: the control
    config = tmp_path / "fonts.conf"
    # No CJK font at all; only a Latin face (DejaVu), without which Chromium may crash on a page it cannot draw.
    latin = "".join(f"<dir>{d}</dir>" for d in ("/usr/share/fonts/truetype/dejavu",) if Path(d).is_dir())
    config.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>{latin}<cachedir>{tmp_path / "fc"}</cachedir></fontconfig>\n', encoding="utf-8")
    selectors = {"masthead": ".jb-masthead span", "body": ".jb-article > p", "h1": ".jb-h1", "lead": ".jb-article strong", "chart": ".jb-chart-static svg text"}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                                    env={"FONTCONFIG_FILE": str(config), "HOME": str(tmp_path)})
        try:
            used = {}
            for name, page_path in (("embedded", path), ("bare", bare)):
                page = browser.new_page(viewport={"width": 1280, "height": 1600})
                for _ in range(3):
                    page.goto(page_path.as_uri())
                    page.evaluate("document.fonts.ready")
                    # On a machine under heavy load (CI beside other jobs) Chromium sometimes gives up on a
                    # data: font it is still decoding (status "error"); a reload loads it. Three tries.
                    if name == "bare" or page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').length") >= 4:
                        break
                if name == "embedded":
                    page.screenshot(path=str(tmp_path / "no-system-fonts.png"))
                    loaded = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family.replace(/\"/g, '') + ' ' + f.weight)")
                    assert {"FandolFang 400", "Noto Serif CJK SC 700 900", "Noto Sans CJK SC 400"} <= set(loaded), loaded
                used[name] = platform_fonts(page, selectors)
                page.close()
        finally:
            browser.close()
    embedded = used["embedded"]
    expected = {"masthead": "Noto Serif CJK SC", "body": "FandolFang", "h1": "Noto Sans CJK SC", "lead": "Noto Serif CJK SC",
                "chart": "Noto Sans CJK SC"}
    for name, family in expected.items():
        [(drawn, custom)] = embedded[name]  # one font drew all of it: no character fell back
        assert drawn.startswith(family) and custom, (name, embedded[name])  # its name table says e.g. "FandolFang R"
    assert not any(custom for fonts in used["bare"].values() for _, custom in fonts)  # hidden indeed: nothing of ours without them
    assert not any(family.startswith("Fandol") for family, _ in used["bare"]["body"])


def platform_fonts(page, selectors: dict[str, str]) -> dict[str, list[tuple[str, bool]]]:
    """(family, is a web font) of the fonts Chromium really drew each element's text with (CSS.getPlatformFontsForNode)."""
    client = page.context.new_cdp_session(page)
    client.send("DOM.enable")
    client.send("CSS.enable")
    root = client.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    result = {}
    for name, selector in selectors.items():
        node = client.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        fonts = client.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        result[name] = sorted({(font["familyName"], font["isCustomFont"]) for font in fonts})
    client.detach()
    return result


def test_subsets_are_byte_identical_across_runs(monkeypatch):
    """No clock time goes into a subset (fontTools would stamp head.modified): builds stay byte-identical."""
    fonts = fonts_embed.find_fonts()
    font = fonts.files.get("kai") or next(iter(fonts.files.values()), None)
    if font is None:
        pytest.skip("字体未安装")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # fontTools would take its time from there
    first = fonts_embed.subset_font(font, "楷体字ABC")
    import time

    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)  # what fontTools would stamp
    assert fonts_embed.subset_font(font, "楷体字ABC") == first
    monkeypatch.setattr(fonts_embed, "_load_harfbuzz", lambda: None)  # the fontTools path too
    again = fonts_embed.subset_font(font, "楷体字ABC")
    assert again[:4] == b"wOFF" and cmap(again) >= set("楷体字ABC")
    assert fonts_embed.subset_font(font, "楷体字ABC") == again


def test_damaged_subset_in_the_cache_is_made_again(tmp_path):
    fonts = fonts_embed.find_fonts(tmp_path)
    font = fonts.files.get("kai") or next(iter(fonts.files.values()), None)
    if font is None:
        pytest.skip("字体未安装")
    good = fonts_embed._cached_subset(tmp_path, font, "楷体字")
    [cached] = list(tmp_path.glob("*.woff"))
    for damage in (cached.read_bytes()[:60], cached.read_bytes()[:-10] + b"0123456789"):
        cached.write_bytes(damage)
        assert fonts_embed._cached_subset(tmp_path, font, "楷体字") == good
