"""The search index: lean enough that the first result shows in half a second (SPEC §5).

Material's client downloads search/search_index.json and builds a Lunr index of
every entry in the reader's browser before it can answer; the time grows with
the words in the file (about 5 µs a word on a 2-core machine) and the entries
(plus a fixed ~0.2 s). Full text of an archive of 1,200 issues and 1,200 cases
is millions of words: seconds before the first result, from file:// on every
page. So the index holds what finds a page, not the whole page:

- issue and case pages are excluded from Material's own indexing (front matter
  `search: exclude`); instead render_pages writes one entry per page
  (search_entries: title; for a case its summary, region, model, tags, section headings
  and the domain terms it mentions; for an issue the domain terms of its own
  articles — its case articles have their entries) to
  ENTRIES, and compact_search_index adds them to the index after MkDocs, each
  segmented by jieba exactly as Material's plugin does (U+200B between words).
  The domain terms are the words of the project's search dictionary
  (site_templates/search/userdict.txt) found anywhere in the text: a word added
  there becomes findable in every page that uses it;
- other pages are indexed by Material, minus what the templates mark
  data-search-exclude (charts, indicator tables, lists repeating other pages);
- the file is rewritten as UTF-8 (a Chinese character: 3 bytes instead of a
  6-byte \\uXXXX escape), with whitespace runs collapsed and without sections
  that have no text or repeat one already indexed (boilerplate);
- the client is told to load no Lunr language plugin and run no pipeline
  functions: Material replaces the tokenizer anyway (the words are already
  segmented) and the Chinese stemmer is the identity, so results are the same
  and the worker starts faster.

Only Material's search plugin and client are used; this module only writes files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .site import CaseView, IssueView, Site

INDEX_JSON = "search/search_index.json"
INDEX_JS = "search/search_index.js"  # written by Material's offline plugin
JS_PREFIX = "var __index = "
ENTRIES = "search/jianbao-entries.json"  # from render_pages, through MkDocs, consumed here
SEGMENT_CACHE = "search-segments.json"

_SPACES = re.compile(r"[ \t\n\r\f\v]+")


# --- entries of issue and case pages (pure) -----------------------------------


def read_terms(path: Path | None) -> list[str]:
    """The words of a jieba user dictionary (one per line: word [frequency] [tag])."""
    if path is None or not path.is_file():
        return []
    terms = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        word = line.split()[0] if line.split() else ""
        if word and not word.startswith("#"):
            terms.append(word)
    return list(dict.fromkeys(terms))


def found_terms(text: str, terms: Iterable[str]) -> list[str]:
    """The terms that occur in text, in dictionary order."""
    terms = tuple(terms)
    key = hashlib.sha1("\0".join(terms).encode("utf-8") + b"\1" + text.encode("utf-8")).digest()
    found = _found.get(key)
    if found is None:
        found = [term for term in terms if term in text]
        if len(_found) > 100_000:
            _found.clear()
        _found[key] = found
    return list(found)


_found: dict[bytes, list[str]] = {}  # by terms and text: rebuilds look again only at changed texts


def page_location(url: str, offline: bool) -> str:
    """A page's location as MkDocs writes it in the index: percent-encoded, directory URLs unless offline."""
    return urllib.parse.quote(url + "index.html" if offline else url)


COMMON_SHARE = 0.5  # a dictionary word found in more than half of the pages finds nothing in particular
COMMON_MIN_PAGES = 20


def search_entries(site: Site, terms: list[str], *, offline: bool = False) -> list[dict[str, str]]:
    """One entry {location, title, text} per issue and case page, text not yet segmented.

    An issue's entry holds what its case articles do not (the cases have their own
    entries); in a site of more than COMMON_MIN_PAGES such pages, dictionary words found
    in more than half of them are left out (they would only make every entry longer).
    """
    several_series = len(site.series) > 1
    terms_key = "\0".join(terms)
    drafts = [_remembered((view.issue, view.series.name, view.number_line, view.title, several_series, offline, terms_key),
                          lambda view=view: _issue_entry(view, terms, offline, several_series)) for view in site.issues]
    drafts += [_remembered((view.case, view.model.model.name if view.model else None, offline, terms_key),
                           lambda view=view: _case_entry(view, terms, offline)) for view in site.cases]
    counts: dict[str, int] = {}
    for _, found, _ in drafts:
        for term in found:
            counts[term] = counts.get(term, 0) + 1
    common = {t for t, n in counts.items() if n > COMMON_SHARE * len(drafts)} if len(drafts) > COMMON_MIN_PAGES else set()
    entries = []
    for entry, found, parts in drafts:
        words = "、".join(term for term in found if term not in common)
        entry["text"] = "；".join(part for part in [*parts, words] if part)
        entries.append(entry)
    return entries


# Entries by their page's model (shared by the builds of one process, `jianbao serve`) and what else
# they read; the model is kept with the entry, so its id cannot be taken by another object meanwhile.
_entries: OrderedDict[tuple, tuple[object, tuple[dict, list[str], list[str]]]] = OrderedDict()


def _remembered(inputs: tuple, make: Callable[[], tuple[dict, list[str], list[str]]]) -> tuple[dict, list[str], list[str]]:
    model, *rest = inputs
    key = (id(model), *rest)
    known = _entries.get(key)
    if known is None or known[0] is not model:
        known = _entries[key] = (model, make())
        while len(_entries) > 20_000:
            _entries.popitem(last=False)
    entry, found, parts = known[1]
    return dict(entry), found, parts


def _issue_entry(view: IssueView, terms: list[str], offline: bool, several_series: bool) -> tuple[dict, list[str], list[str]]:
    issue = view.issue
    number = view.number_line.split("（", 1)[0]  # 第 7 期, without 总第 N 期
    title = f"{issue.year} 年{number}：{view.title}"
    if several_series:
        title = f"{view.series.name} {title}"
    texts = [article.text for article in view.articles if article.case is None]
    found = found_terms("\n".join(texts), terms) if texts else []
    return {"location": page_location(view.url, offline), "title": title}, found, []


def _case_entry(view: CaseView, terms: list[str], offline: bool) -> tuple[dict, list[str], list[str]]:
    case = view.case
    parts = [
        case.summary,  # SPEC §3: the summary is what lists and search results show
        case.region.replace("/", " "),
        view.model.model.name if view.model else "",
        "、".join(case.tags),
        "、".join(section.heading for section in case.sections),
    ]
    found = [term for term in found_terms(_case_text(view), terms) if term not in case.tags]
    return {"location": page_location(view.url, offline), "title": case.title}, found, parts


def _case_text(view: CaseView) -> str:
    case = view.case
    parts = [case.title, case.summary, case.lead]
    for section in case.sections:
        parts += [section.heading, section.body, *(p.text for p in section.points), *(p.lead or "" for p in section.points)]
        for sub in section.sections:
            parts += [sub.heading, sub.body, *(p.text for p in sub.points), *(p.lead or "" for p in sub.points)]
    return "\n".join(parts)


# --- after MkDocs ----------------------------------------------------------------


@dataclass
class IndexStats:
    documents_before: int = 0
    documents: int = 0
    bytes_before: int = 0
    bytes: int = 0
    segmented: int = 0  # entries segmented with jieba (the others came from the cache)


def read_search_docs(site_dir: Path) -> list[dict] | None:
    """The documents of site_dir's search index as it is now (None without a readable one)."""
    try:
        docs = json.loads((site_dir / INDEX_JSON).read_text(encoding="utf-8")).get("docs")
    except (OSError, ValueError, AttributeError):
        return None
    return docs if isinstance(docs, list) else None


def compact_search_index(site_dir: Path, cache_dir: Path | None = None, previous: list[dict] | None = None) -> IndexStats | None:
    """Rewrite site_dir's search index in place, adding the ENTRIES of issue and case pages.

    previous: after a dirty build (Material indexed only the pages it built again), the
    documents of the index before it; those of the other pages are kept.
    None when the site has no search index (the search plugin is off).
    """
    entries_file = site_dir / ENTRIES
    entries = json.loads(entries_file.read_text(encoding="utf-8")) if entries_file.is_file() else []
    entries_file.unlink(missing_ok=True)
    path = site_dir / INDEX_JSON
    if not path.is_file():
        return None
    raw = path.read_bytes()
    index = json.loads(raw)
    stats = IndexStats(documents_before=len(index.get("docs", [])), bytes_before=len(raw))
    segmenter = Segmenter(cache_dir / SEGMENT_CACHE if cache_dir else None)
    docs = index.get("docs", [])
    if previous is not None:
        docs = _merge(previous, docs, {entry["location"] for entry in entries})
    docs = lean_documents(docs)
    indexed = {str(doc.get("location", "")).split("#")[0] for doc in docs}
    for entry in entries:
        if entry["location"] in indexed:
            continue  # the project's templates let Material index this page itself
        docs.append({
            "location": entry["location"],
            "title": segmenter(html.escape(entry["title"], quote=False)),
            "text": segmenter(html.escape(entry["text"], quote=False)),
        })
    segmenter.save()
    index["docs"] = docs
    config = index.setdefault("config", {})
    config["lang"], config["pipeline"] = ["en"], []  # see the module's docstring
    text = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    data = text.encode("utf-8")
    path.write_bytes(data)
    script = site_dir / INDEX_JS
    if script.is_file():
        script.write_text(JS_PREFIX + text, encoding="utf-8")
    stats.documents, stats.bytes, stats.segmented = len(docs), len(data), segmenter.segmented
    return stats


def _merge(previous: list[dict], rebuilt: list[dict], entry_pages: set[str]) -> list[dict]:
    """previous's documents of pages neither rebuilt nor given an entry now, then rebuilt's."""
    def page(doc: dict) -> str:
        return str(doc.get("location", "")).split("#")[0]

    replaced = {page(doc) for doc in rebuilt} | entry_pages
    return [doc for doc in previous if isinstance(doc, dict) and page(doc) not in replaced] + rebuilt


def lean_documents(docs: list[dict]) -> list[dict]:
    """The documents worth indexing, in their order (Material relies on it: a page first, then its sections)."""
    kept: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        doc = dict(doc)
        for name in ("title", "text"):
            if isinstance(doc.get(name), str) and "<pre>" not in doc[name]:
                doc[name] = _SPACES.sub(" ", doc[name]).strip()
        is_section = "#" in str(doc.get("location", ""))
        key = (doc.get("title", ""), doc.get("text", ""))
        if is_section and (not doc.get("text") or key in seen):
            continue
        seen.add(key)
        kept.append(doc)
    return kept


class Segmenter:
    """Material's segmentation (jieba, U+200B around and between words), cached by text."""

    def __init__(self, cache_file: Path | None = None) -> None:
        self.cache_file = cache_file
        self.segmented = 0
        self._cache: dict[str, str] = {}
        self._used: dict[str, str] = {}
        if cache_file is not None and cache_file.is_file():
            try:
                loaded = json.loads(cache_file.read_text(encoding="utf-8"))
                self._cache = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._cache = {}

    def __call__(self, text: str) -> str:
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        result = self._cache.get(key)
        if not isinstance(result, str):
            result = segment_chinese(text)
            self.segmented += 1
        self._used[key] = result
        return result

    def save(self) -> None:
        """Keep the segmentations of this build (only them: the file does not grow)."""
        if self.cache_file is None or (not self.segmented and len(self._used) == len(self._cache)):
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.cache_file.with_name(f".{self.cache_file.name}.tmp-{os.getpid()}")
            temporary.write_text(json.dumps(self._used, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.cache_file)
        except OSError:
            pass  # a cache that cannot be written only costs time


_HAN = None


def segment_chinese(text: str) -> str:
    """What Material's search plugin does to a text (SearchIndex._segment_chinese), with the same jieba."""
    global _HAN
    import jieba
    from backrefs import bre

    if _HAN is None:
        _HAN = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)
    return _HAN.sub(lambda m: "\u200b" + "\u200b".join(jieba.cut(m.group(0).encode("utf-8"))) + "\u200b", text).strip("\u200b")
