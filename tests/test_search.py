"""jianbao's own search: text extraction, index files, and the client's matching and ranking.

The client (site_templates/assets/javascripts/search.js) runs here under Node
(tests/search_node.js) on index files made by the real render stage, so matching and
ranking are tested without MkDocs or a browser; test_search_browser.py drives Chromium.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_sample, write

import generator.output.mkdocs_run as mkdocs_run
from generator.build import build
from generator.config import Settings
from generator.output.search_index import (DENSE, SearchCache, SearchPage, decode_postings, decode_runs, encode_postings, encode_runs, fnv1a,
                                    render_search_index, stored_index)
from generator.site.search_text import BODY, HEAD, TITLE, normalize, page_text, phrases, terms_of

NODE = shutil.which("node")
HARNESS = Path(__file__).with_name("search_node.js")


# --- text as the reader sees it ---------------------------------------------------------

PAGE = """---
title: "晋中市“六聚焦六破解” &amp; 发展"
description: "摘要"
---
<nav class="jb-issue-nav"><a href="../">上一期</a></nav>

# 晋中市\\*六聚焦

<div class="jb-case-meta">
<p class="jb-summary">全市1942个行政村集体经济收入全部突破10万元。</p>
<p class="jb-tags"><a class="jb-tag" href="#">消薄</a><a class="jb-tag" href="#">清化收</a></p>
</div>
<figure class="jb-chart" data-search-exclude="true"><svg><text>图表里的字</text></svg></figure>

## 一、聚焦组织设计 { #s1 }

<div class="jb-section">
<p><strong>坚持党建引领。</strong>平遥县后沟村 成立强村公司，<em>古堡</em>旅游。</p>
<table data-search-exclude="true"><tr><td>表格里的字</td></tr></table>
</div>

<article class="jb-article" id="a2">
<h2 class="jb-article-title"><span>第二篇</span> <span>文章</span></h2>
<p>太谷饼</p><script>var x = "脚本里的字";</script>
</article>
"""


def test_page_text_keeps_what_the_reader_sees_by_section():
    page = page_text(PAGE)
    assert page.title == "晋中市“六聚焦六破解” & 发展"
    assert page.lead == "全市1942个行政村集体经济收入全部突破10万元。"
    assert [(s.anchor, s.heading) for s in page.sections] == [("", "晋中市*六聚焦"), ("s1", "一、聚焦组织设计"), ("a2", "第二篇 文章")]
    assert page.sections[0].text == "消薄\n清化收"  # tags are separate items: no phrase across them
    assert page.sections[1].text == "坚持党建引领。平遥县后沟村 成立强村公司，古堡旅游。"
    assert page.sections[2].text == "太谷饼"
    everything = json.dumps(page.__dict__, default=lambda o: o.__dict__, ensure_ascii=False)
    for hidden in ("上一期", "图表里的字", "表格里的字", "脚本里的字"):
        assert hidden not in everything


def test_hand_written_heading_gets_the_id_markdown_gives_it():
    page = page_text("---\ntitle: \"关于\"\n---\n\n# 关于本站\n\n<div><p>正文</p></div>\n\n## 数据 来源\n\n<div><p>统计</p></div>\n")
    assert [s.anchor for s in page.sections] == ["", "_2"]  # the title links to the top


def test_normalize_drops_spaces_keeps_boundaries_and_folds_width_and_case():
    assert normalize("Ｐ D F\u3000２０２２ 年\n村") == "pdf2022年\n村"
    assert normalize("“土字号”特色产业，《乡村振兴法》") == "土字号特色产业,乡村振兴法"  # NFKC folds the full-width comma
    assert normalize('the "PDF" file') == "thepdffile"
    assert phrases(normalize("强村 公司，飞地\n抱团_x")) == ["强村公司", "飞地", "抱团", "x"]
    assert terms_of("飞地，抱团") == {"飞", "地", "飞地", "抱", "团", "抱团"}


def test_postings_round_trip_with_zones():
    entry = {0: TITLE, 1: BODY, 5: HEAD, 40: BODY, 100_000: TITLE}
    assert decode_postings(encode_postings(entry)) == entry
    assert encode_postings({0: 0, 1: 2}) == "02"


def test_a_common_term_is_written_as_two_bits_per_document():
    common = {n: n % 3 for n in range(0, 3000) if n % 7}  # 6 documents in 7: a gap list would need a character each
    code = encode_postings(common)
    assert code.startswith(DENSE) and len(code) == 1 + 1000
    assert decode_postings(code) == common
    rare = {5: TITLE, 2900: BODY}
    assert not encode_postings(rare).startswith(DENSE) and decode_postings(encode_postings(rare)) == rare
    assert decode_postings(encode_postings({})) == {}


def test_facets_are_written_as_runs():
    values = [0] * 40 + [1] + [2, 2] + [0] * 1500 + [3, 1, 3]
    code = encode_runs(values)
    assert decode_runs(code) == values and len(code) < 16


def test_fnv1a_matches_the_client_on_astral_characters():
    assert fnv1a("𠀀村") == 890357962  # computed by search.js's fnv1a (code points, Math.imul)


def _pages(*texts: str) -> list[SearchPage]:
    return [SearchPage(url=f"p{n}/", kind="页面", source=f"---\ntitle: \"页{n}\"\n---\n\n<div><p>{text}</p></div>\n")
            for n, text in enumerate(texts)]


def test_index_is_byte_identical_and_incremental():
    pages = _pages("强村公司带动消薄", "清化收工作方案", "飞地抱团")
    cache = SearchCache()
    first = render_search_index(pages, ["强村公司"], cache)
    assert cache.indexed == 3
    assert render_search_index(pages, ["强村公司"], SearchCache()) == first
    changed = pages[:1] + _pages("", "清化收工作方案，后沟村")[1:2] + pages[2:]
    again = render_search_index(changed, ["强村公司"], cache)
    assert cache.indexed == 1  # only the changed page was processed again
    assert again == render_search_index(changed, ["强村公司"], SearchCache())  # the same as a cold build
    assert again != first
    assert sorted(first) == ["search/d/0.js", "search/d/1.js", "search/d/2.js", "search/meta.js", "search/p/0.js", "search/s/0.js",
                            "search/words.js"]


def test_a_stored_index_is_read_back_only_for_the_same_inputs(tmp_path):
    pages, store = _pages("强村公司带动消薄", "清化收工作方案"), tmp_path / "search.json"
    pending: dict = {}
    first = stored_index(pages, ["强村公司"], SearchCache(), store, pending)
    assert first == render_search_index(pages, ["强村公司"]) and list(pending) == [store]
    store.write_text(pending.pop(store), encoding="utf-8")  # phase two writes it
    cache = SearchCache()
    assert stored_index(pages, ["强村公司"], cache, store, pending) == first and cache.indexed == 0 and not pending
    changed = pages[:1] + _pages("", "清化收工作方案，后沟村")[1:]
    for other, words in ((changed, ["强村公司"]), (pages, ["强村公司", "飞地"]), (pages[::-1], ["强村公司"])):
        assert stored_index(other, words, SearchCache(), store, pending) == render_search_index(other, words)
        assert pending.pop(store)  # a miss: indexed again, and stored again after the build
    store.write_text('{"key": ', encoding="utf-8")  # damaged: a miss, never an error
    assert stored_index(pages, ["强村公司"], SearchCache(), store, pending) == first


def test_serve_makes_the_index_so_that_one_changed_page_is_all_it_indexes_again(tmp_path, monkeypatch):
    from generator.buildcache import BuildCache

    monkeypatch.setattr(mkdocs_run, "run_mkdocs", lambda config, **options: [])  # the index is made before MkDocs runs
    project = copy_sample(tmp_path / "project")
    settings = Settings.create(project, pdf=False)
    build(settings)  # leaves the stored index in build/cache/search
    assert (settings.cache_dir / "search/served.json").is_file()
    lasting = BuildCache(lasting=True)  # as `jianbao serve` keeps it
    build(Settings.create(project, pdf=False), cache=lasting)
    assert lasting.search is not None and lasting.search.indexed > 100  # made, not read back: the per-page work is kept
    path = project / "content/briefings/2023/007.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("printed_date: 2023-03-31", "printed_date: 2023-04-01"), encoding="utf-8")
    build(Settings.create(project, pdf=False), cache=lasting)
    assert lasting.search.indexed == 1


# --- the client on a real site's index --------------------------------------------------------


def run_client(site: Path, queries: list[dict]) -> list[dict]:
    if NODE is None:
        pytest.skip("需要 node 才能在浏览器之外运行 search.js")
    result = subprocess.run([NODE, str(HARNESS), str(site)], input=json.dumps(queries), capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


EXTRA_ISSUE = """
series: sxxczx
year: 2023
number: {number}
total: {total}
date: 2023-{month}-15
articles:
  - title: 乡村旅游 带动增收
    body: |
      {body}
"""


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> Path:
    """The sample plus two issues, rendered (no MkDocs: the index is written before it runs)."""
    project = copy_sample(tmp_path_factory.mktemp("search") / "project")
    write(project / "content/briefings/2023/008.yml", EXTRA_ISSUE.format(number=8, total=63, month="05",
          body="晋中市平遥县后沟村依托古堡发展乡村旅游，太谷饼和平遥牛肉成为特色产品，探索飞地模式。"))
    write(project / "content/briefings/2023/009.yml", EXTRA_ISSUE.format(number=9, total=64, month="08",
          body="古堡村的集体经济收入2022年超过50万元，推行飞地抱团，制作PDF宣传册。"))
    original = mkdocs_run.run_mkdocs
    mkdocs_run.run_mkdocs = lambda config, **options: []
    try:
        build(Settings.create(project, pdf=False))
    finally:
        mkdocs_run.run_mkdocs = original
    return project / "build" / "docs"


def urls(result: dict) -> list[str]:
    return [r["u"] for r in result["results"]]


def test_body_words_find_their_pages(docs):
    queries = ["清化收", "平遥牛肉", "古堡", "五学联动", "后沟村", "太谷饼", "强村公司", "消薄", "2022", "PDF", "pdf",
               "土字号特色产业", "“清化收”"]
    results = {r["q"]: r for r in run_client(docs, [{"q": q} for q in queries])}
    assert "briefings/sxxczx/2023/007/" in urls(results["清化收"])
    assert "cases/jinzhong-six-focus/" in urls(results["平遥牛肉"])
    assert urls(results["后沟村"]) == ["briefings/sxxczx/2023/008/"]
    assert urls(results["太谷饼"]) == ["briefings/sxxczx/2023/008/"]
    assert "briefings/sxxczx/2023/009/" in urls(results["PDF"])
    assert urls(results["PDF"]) == urls(results["pdf"])
    # quotation marks are dropped like spaces: typed without them, “土字号”特色产业 is found
    assert "cases/jinzhong-six-focus/" in urls(results["土字号特色产业"])
    assert urls(results["“清化收”"]) == urls(results["清化收"])
    for query in queries:
        assert results[query]["results"], query


def test_a_single_character_finds_the_pages_that_show_it(docs):
    texts = _texts(docs)
    results = run_client(docs, [{"q": q, "all": True} for q in ("饼", "堡", "5", "鼎")])
    for result in results:
        expected = sorted(url for url, text in texts.items() if result["q"] in text)
        assert sorted(urls(result)) == expected, result["q"]
    assert "briefings/sxxczx/2023/008/" in urls(results[0])


def test_township_and_village_regions_are_found(docs):
    names = [p.name for p in (docs / "regions/山西省/晋中市").glob("*/*") if p.is_dir()]
    assert names, "the sample has 乡镇 pages"
    township = sorted(names)[0]
    [result] = run_client(docs, [{"q": township}])
    assert any(u.endswith(f"/{township}/") and r["k"] == "地区" for r in result["results"] for u in [r["u"]])


def test_exact_phrase_only_never_scattered_characters(docs):
    texts = _texts(docs)
    # a page holding both pairs AB and BC of a phrase ABC that no page holds: its postings match, its text does not
    scattered = None
    for text in texts.values():
        pairs = {run[i:i + 2] for run in phrases(text) for i in range(len(run) - 1)}
        by_first: dict[str, list[str]] = {}
        for pair in sorted(pairs):
            by_first.setdefault(pair[0], []).append(pair)
        for ab in sorted(pairs):
            for bc in by_first.get(ab[1], []):
                if not any(ab + bc[1] in t for t in texts.values()):
                    scattered = ab + bc[1]
                    break
            if scattered:
                break
        if scattered:
            break
    assert scattered
    results = run_client(docs, [{"q": scattered, "all": True}, {"q": scattered[:2]}, {"q": scattered[1:]}, {"q": "村集 公司强"}])
    assert results[0]["candidates"] >= 1 and results[0]["results"] == []
    assert results[1]["results"] and results[2]["results"]
    assert results[3]["results"] == []


def _texts(docs: Path) -> dict[str, str]:
    out = {}
    for path in (docs / "search" / "d").glob("*.js"):
        doc = json.loads(re.match(r"JBS\.d\(\d+,(.*)\);\n$", path.read_text(encoding="utf-8"), re.S).group(1))
        fields = [doc["t"], doc["l"], *(s[1] for s in doc["s"]), *(s[2] for s in doc["s"])]
        out[doc["u"]] = "\n".join(normalize(f) for f in fields)
    return out


def test_recall_and_no_false_positives_on_samples(docs):
    texts = _texts(docs)
    rng = random.Random(7)
    runs = [(url, run) for url, text in sorted(texts.items()) for run in phrases(text) if len(run) >= 2]
    queries, expected = [], []
    for url, run in rng.sample(runs, 150):
        size = rng.randint(2, min(8, len(run)))
        start = rng.randint(0, len(run) - size)
        queries.append({"q": run[start:start + size], "all": True})
        expected.append(url)
    alphabet = sorted({ch for text in texts.values() for ch in text if "\u4e00" <= ch <= "\u9fff"})
    absent = []
    while len(absent) < 60:
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(2, 4)))
        if not any(word in text for text in texts.values()):
            absent.append(word)
    results = run_client(docs, queries + [{"q": w, "all": True} for w in absent])
    for query, url, result in zip(queries, expected, results):
        found = urls(result)
        assert url in found, query["q"]
        assert found == [u for u in found if query["q"] in texts[u]]  # every result holds the phrase
    assert [r["q"] for r in results[len(queries):] if r["results"]] == []


def test_ranking_title_then_headings_then_body_newest_first(docs):
    results = {r["q"]: r for r in run_client(docs, [{"q": q, "wanted": 30} for q in ["古堡", "集体经济", "晋中市", "乡村旅游", "太谷区"]])}
    zones = [r["zone"] for r in results["集体经济"]["results"]]
    assert zones == sorted(zones) and zones[0] == TITLE
    travel = results["乡村旅游"]["results"]
    assert [r["u"] for r in travel][:2] == ["briefings/sxxczx/2023/009/", "briefings/sxxczx/2023/008/"]  # same zone: newer first
    assert travel[0]["zone"] == TITLE  # the article title is part of the issue's title
    assert results["太谷区"]["results"][0]["u"] == "regions/山西省/晋中市/太谷区/"
    assert results["晋中市"]["results"][0]["zone"] == TITLE


def test_whole_dictionary_word_ranks_above_a_match_inside_a_longer_word(docs):
    [result] = run_client(docs, [{"q": "飞地", "wanted": 30}])
    partial = {r["u"]: r["partial"] for r in result["results"]}
    assert partial["briefings/sxxczx/2023/008/"] == 0  # 探索飞地模式
    assert partial["briefings/sxxczx/2023/009/"] == 1  # only inside 飞地抱团, a word of the dictionary
    order = urls(result)
    assert order.index("briefings/sxxczx/2023/008/") < order.index("briefings/sxxczx/2023/009/")  # though older


def test_chips_filter_by_kind_year_and_city(docs):
    results = run_client(docs, [{"q": "集体经济", "wanted": 100}, {"q": "集体经济", "filters": {"kind": "案例"}, "wanted": 100},
                                {"q": "集体经济", "filters": {"city": "晋中市"}, "wanted": 100}, {"q": "集体经济", "filters": {"year": 2023, "kind": "简报"}, "wanted": 100}])
    assert {"简报", "案例", "发展模式"} <= set(results[0]["facets"]["kind"])
    assert "晋中市" in results[0]["facets"]["city"]
    assert {r["k"] for r in results[1]["results"]} == {"案例"}
    assert results[2]["results"] and all("晋中市" in r["u"] or r["k"] == "案例" for r in results[2]["results"])
    assert {r["k"] for r in results[3]["results"]} == {"简报"} and len(results[3]["results"]) == 2


def test_a_first_query_loads_little(docs):
    results = run_client(docs, [{"q": "集体经济"}])
    assert results[0]["bytes"] < 300_000


def test_filter_pages_lists_and_the_search_page_are_not_indexed(docs):
    indexed = set(_texts(docs))
    assert "cases/tag/消薄/" not in indexed and "cases/" not in indexed and "search/" not in indexed and "" not in indexed
    assert {"indicators/", "about/", "guide/", "models/six-focus-six-solve/", "regions/山西省/晋中市/"} <= indexed


def test_two_builds_give_byte_identical_index_files(docs, tmp_path):
    files = {p.relative_to(docs).as_posix(): p.read_bytes() for p in (docs / "search").rglob("*.js")}
    project = docs.parent.parent
    original = mkdocs_run.run_mkdocs
    mkdocs_run.run_mkdocs = lambda config, **options: []
    try:
        build(Settings.create(project, pdf=False, site_dir=tmp_path / "site"))
    finally:
        mkdocs_run.run_mkdocs = original
    again = {p.relative_to(docs).as_posix(): p.read_bytes() for p in (docs / "search").rglob("*.js")}
    assert again == files


def test_engine_search_and_offline_plugins_are_dropped_with_a_note(tmp_path):
    from generator.errors import Report
    from generator.output.mkdocs_config import check_mkdocs_yml
    from generator.output.mkdocs_run import build_config

    write(tmp_path / "mkdocs.yml", """
        site_name: 测试
        plugins:
          - search:
              lang: zh
          - tags
          - offline
        """)
    report = Report()
    config = build_config(Settings.create(tmp_path), check_mkdocs_yml(tmp_path, report), tmp_path / "site")
    assert config["plugins"] == ["tags", {"search": {"enabled": False}}]  # Zensical turns search on unless told
    assert [p.format() for p in report.problems] == [
        "mkdocs.yml:3:5: 提示: mkdocs.yml 的 search 插件已停用：站点使用 jianbao 自带的中文全文搜索，可从 plugins 中删去 search",
        "mkdocs.yml:6:5: 提示: mkdocs.yml 的 offline 插件已停用：jianbao build --offline 生成的站点不需要它（搜索从 file:// 也能用），可从 plugins 中删去 offline",
    ]
    assert "assets/javascripts/search.js" in config["extra_javascript"]
    assert config["extra_css"][-1] == "assets/stylesheets/search.css"


def test_the_note_reaches_the_build_report(sample):
    config = sample / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins: []", "plugins:\n  - search"), encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index("  - search") + 1
    original = mkdocs_run.run_mkdocs
    mkdocs_run.run_mkdocs = lambda config, **options: []
    try:
        result = build(Settings.create(sample, pdf=False))
    finally:
        mkdocs_run.run_mkdocs = original
    notes = [p.format() for p in result.report.problems if "search 插件" in p.message]
    assert notes == [f"mkdocs.yml:{line}:5: 提示: mkdocs.yml 的 search 插件已停用：站点使用 jianbao 自带的中文全文搜索，可从 plugins 中删去 search"]


def test_incremental_index_when_terms_change_zone_or_go():
    """A changed page: terms that moved to another zone, terms that left, terms that stayed — as a cold build."""
    def page(title: str, text: str) -> SearchPage:
        return SearchPage(url="a/", kind="页面", source=f"---\ntitle: \"{title}\"\n---\n\n<div><p>{text}</p></div>\n")

    others = _pages("强村公司带动消薄", "清化收工作方案")
    cache = SearchCache()
    render_search_index([page("页", "清化收飞地抱团"), *others], [], cache)
    for changed in (page("清化收", "飞地抱团"), page("页", "飞地"), page("页", "清化收飞地抱团后沟村")):
        incremental = render_search_index([changed, *others], [], cache)
        assert cache.indexed == 1
        assert incremental == render_search_index([changed, *others], [], SearchCache())
