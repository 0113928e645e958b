"""The lean search index (generator/search.py): what is kept, what is added, how it is written."""

from __future__ import annotations

import json

from generator.search import ENTRIES, INDEX_JS, INDEX_JSON, JS_PREFIX, compact_search_index, found_terms, lean_documents, page_location


def test_lean_documents_keeps_pages_and_drops_empty_or_repeated_sections():
    docs = [
        {"location": "regions/a/", "title": "甲", "text": ""},  # a page stays, even empty
        {"location": "regions/a/#charts", "title": "图表", "text": ""},
        {"location": "regions/a/#cases", "title": "典型案例", "text": "<p>本地区暂无典型案例。</p>"},
        {"location": "regions/b/", "title": "乙", "text": "<p>地区  /\n 乙</p>"},
        {"location": "regions/b/#cases", "title": "典型案例", "text": "<p>本地区暂无典型案例。</p>"},
        {"location": "guide/#code", "title": "命令", "text": "<pre>jianbao  build</pre>"},
    ]
    assert lean_documents(docs) == [
        {"location": "regions/a/", "title": "甲", "text": ""},
        {"location": "regions/a/#cases", "title": "典型案例", "text": "<p>本地区暂无典型案例。</p>"},
        {"location": "regions/b/", "title": "乙", "text": "<p>地区 / 乙</p>"},
        {"location": "guide/#code", "title": "命令", "text": "<pre>jianbao  build</pre>"},  # whitespace in <pre> kept
    ]


def test_found_terms_in_dictionary_order():
    assert found_terms("推进“清化收”，消除薄弱村，防止返薄", ["消薄", "返薄", "薄弱村", "清化收"]) == ["返薄", "薄弱村", "清化收"]


def test_page_location_as_mkdocs_writes_it():
    assert page_location("regions/山西省/", offline=False) == "regions/%E5%B1%B1%E8%A5%BF%E7%9C%81/"
    assert page_location("cases/x/", offline=True) == "cases/x/index.html"


def test_compact_writes_utf8_adds_entries_and_the_offline_script(tmp_path):
    index = {
        "config": {"lang": ["zh"], "separator": "[\\s\\u200b]+", "pipeline": ["stemmer"], "fields": {}},
        "docs": [{"location": "", "title": "首页", "text": ""}, {"location": "cases/x/", "title": "整页索引", "text": "全文"}],
    }
    (tmp_path / "search").mkdir()
    (tmp_path / INDEX_JSON).write_text(json.dumps(index), encoding="utf-8")  # ASCII escapes, as Material writes it
    (tmp_path / INDEX_JS).write_text("var __index = " + json.dumps(index), encoding="utf-8")
    entries = [
        {"location": "cases/y/", "title": "强村公司 & 飞地", "text": "山西省；消薄"},
        {"location": "cases/x/", "title": "重复", "text": "Material 已经索引了这一页"},
    ]
    (tmp_path / ENTRIES).write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    stats = compact_search_index(tmp_path)
    text = (tmp_path / INDEX_JSON).read_text(encoding="utf-8")
    assert "首页" in text and "\\u" not in text.replace("\\\\u", "")  # UTF-8, not escapes
    written = json.loads(text)
    assert written["config"]["lang"] == ["en"] and written["config"]["pipeline"] == []
    locations = [doc["location"] for doc in written["docs"]]
    assert locations == ["", "cases/x/", "cases/y/"]  # the page Material indexed keeps its own entry
    added = written["docs"][-1]
    assert added["title"].replace("\u200b", "") == "强村公司 &amp; 飞地"  # escaped, then segmented by jieba
    assert "\u200b" in added["title"] and "消薄" in added["text"]
    assert (tmp_path / INDEX_JS).read_text(encoding="utf-8") == JS_PREFIX + text
    assert not (tmp_path / ENTRIES).exists()  # consumed: not part of the site
    assert stats.documents == 3 and stats.bytes == len(text.encode("utf-8"))
