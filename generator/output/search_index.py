"""jianbao's search index: pages → script files the browser client (search.js) loads on demand.

Files, all under search/ and all plain scripts (no fetch, worker, module or wasm: they
load by <script> tags from file:// as well as over HTTP), each calling one function of
the client's global `JBS`:

- meta.js: the number of postings shards and, per document, its kind, year and 市 (the
  chips count and narrow candidates before any page text is loaded), each as runs of
  equal values (documents of a kind, and issues of a year, are next to each other);
- p/<n>.js and s/<n>.js: postings shards. The terms of a page are its characters and each
  pair of neighbouring characters within a phrase (search_text.terms_of); a term's postings
  are the ids of the documents that hold it, with the best zone (title, heading/summary/lead,
  body) it occurs in. A pair is in p/<fnv1a(its first character) % shards>.js, so the pairs
  that start with the last character typed can be loaded before the next one is typed; a
  single character (needed only for a one-character query) is in s/<fnv1a(it) % singles>.js.
  A list is written as gaps or, where shorter (a common term), as two bits per document;
- d/<id>.js: one document: URL, title, kind, where it belongs, and its text by section.
  The client checks candidates against this text (exact phrase, never scattered
  characters), picks the sentence to show and links to the section;
- words.js: the domain dictionary (ranking only: a match of a whole dictionary word ranks
  above a match inside a longer one).

Document ids follow the order of the documents given (search.py: newest issues first), so
a lower id wins a tie. Per-page work (text extraction, terms, the document file) is cached
in a SearchCache the caller owns, by a hash of the page's Markdown and its metadata; the
postings of the previous build are updated for the changed documents only. Across processes
(every `jianbao build`), the files of the last index are kept in one JSON file under the
build cache (stored_index), under a digest of everything they are made from: the pages in
order, the dictionary and this code; an unchanged site reads them back instead of indexing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from generator.output.stores import generator_code, remembered
from generator.site.search_text import BODY, HEAD, TITLE, normalize, page_text, terms_of

KINDS = ("简报", "案例", "发展模式", "地区", "页面")
FORMAT = 2  # the client checks it: files of another format are not mixed in
SHARD_TARGET = 24_000  # bytes of postings per shard, about: a query loads one shard per term
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_."
DENSE = "!"  # a postings list written as two bits per document (see encode_postings)


@dataclass(frozen=True)
class SearchPage:
    """What the site knows about one searchable page; `source` is its generated Markdown."""

    url: str  # from the site root, as linked ("cases/x/", or "cases/x/index.html" offline)
    kind: str  # one of KINDS
    source: str
    where: str = ""  # series and year, or region path, as shown with the result
    date: str = ""  # ISO date, or ""
    year: int = 0
    city: str = ""  # the 市 it belongs to, for the chips


@dataclass
class IndexedPage:
    """The per-page work, kept by content key between builds."""

    terms: dict[str, int]  # term → best zone
    document: str  # the JSON object of d/<id>.js
    chars: int  # characters of text indexed (for the benchmark's ratios)


@dataclass
class _Postings:
    keys: list[str]  # content key per document id
    pages: list[IndexedPage]  # per document id
    postings: dict[str, dict[int, int]]  # term → {id: zone}
    encoded: dict[str, str]  # term → its postings as written


@dataclass
class SearchCache:
    """What one build leaves for the next (owned by the caller: `jianbao serve`, a benchmark, a test)."""

    pages: dict[str, IndexedPage] = field(default_factory=dict)
    postings: _Postings | None = None
    indexed: int = 0  # pages processed afresh in the last build (not from the cache)


def render_search_index(pages: list[SearchPage], words: list[str], cache: SearchCache | None = None) -> dict[str, bytes]:
    """The index files {path under the docs folder: bytes} for these pages, in this order."""
    cache = cache if cache is not None else SearchCache()
    keys, indexed = [], []
    cache.indexed = 0
    fresh: dict[str, IndexedPage] = {}
    for page in pages:
        key = page_key(page)
        known = cache.pages.get(key) or fresh.get(key)
        if known is None:
            known = index_page(page)
            cache.indexed += 1
        fresh[key] = known
        keys.append(key)
        indexed.append(known)
    cache.pages = fresh  # only this build's pages: the cache does not grow
    postings = _update_postings(cache.postings, keys, indexed)
    cache.postings = postings
    files: dict[str, bytes] = {}
    for doc_id, page in enumerate(indexed):
        files[f"search/d/{doc_id}.js"] = f"JBS.d({doc_id},{page.document});\n".encode("utf-8")
    pairs = sorted(term for term in postings.encoded if len(term) > 1)
    singles = sorted(term for term in postings.encoded if len(term) == 1)
    shards = _write_shards(files, "p", pairs, postings.encoded, lambda term, count: shard_of(term, count))
    single_shards = _write_shards(files, "s", singles, postings.encoded, lambda term, count: fnv1a(term) % count)
    files["search/meta.js"] = _meta(pages, shards, single_shards)
    files["search/words.js"] = ("JBS.w(" + json.dumps(sorted(set(w for w in words if len(w) > 1)), ensure_ascii=False) + ");\n").encode("utf-8")
    return files


def _write_shards(files: dict[str, bytes], folder: str, terms: list[str], encoded: dict[str, str],
                  shard: Callable[[str, int], int]) -> int:
    """Terms (sorted) with their postings into search/<folder>/<n>.js, each calling JBS.<folder>(n, {…}); the count."""
    count = shard_count(sum(len(term) * 3 + len(encoded[term]) + 6 for term in terms))
    grouped: list[list[str]] = [[] for _ in range(count)]
    for term in terms:
        grouped[shard(term, count)].append(term)
    for number, members in enumerate(grouped):
        body = ",".join(f'"{term}":"{encoded[term]}"' for term in members)
        files[f"search/{folder}/{number}.js"] = f"JBS.{folder}({number},{{{body}}});\n".encode("utf-8")
    return count


def stored_index(pages: list[SearchPage], words: list[str], cache: SearchCache | None, store: Path | None,
                 pending: dict[Path, str | bytes] | None) -> dict[str, bytes]:
    """render_search_index, or the same files read back from store (a JSON file) when their inputs are the same.

    scale: a warm build of an unchanged site indexes nothing (the sample: 146 pages, tens of
    milliseconds). New files for the store go into pending (written in phase two, after a
    successful build); a store that is missing, damaged or of other inputs is only a miss.
    """
    if store is None or pending is None:
        return render_search_index(pages, words, cache)
    digest = hashlib.sha256(f"jianbao search {FORMAT}\n{generator_code()}\n".encode("utf-8"))
    for page in pages:
        digest.update(page_key(page).encode("ascii") + b"\n")
    digest.update(json.dumps(words, ensure_ascii=False).encode("utf-8"))

    def make() -> dict[str, str]:
        return {name: data.decode("utf-8") for name, data in render_search_index(pages, words, cache).items()}

    return {name: text.encode("utf-8") for name, text in remembered(store, digest.hexdigest(), pending, make, dict).items()}


def page_key(page: SearchPage) -> str:
    values = json.dumps([page.url, page.kind, page.where, page.date, page.year, page.city], ensure_ascii=False)
    return hashlib.sha1(values.encode("utf-8") + b"\0" + page.source.encode("utf-8")).hexdigest()


def index_page(page: SearchPage) -> IndexedPage:
    """Text, terms and document of one page."""
    text = page_text(page.source)
    terms: dict[str, int] = {}
    zones = [(TITLE, [text.title]), (HEAD, [text.lead, *(s.heading for s in text.sections)]), (BODY, [s.text for s in text.sections])]
    for zone, values in zones:  # best zone first: a term keeps the first zone it is found in
        found = terms_of(normalize("\n".join(values)))
        found.difference_update(terms)
        terms.update(dict.fromkeys(found, zone))
    document = {"u": page.url, "t": text.title, "k": page.kind, "w": page.where, "d": page.date, "l": text.lead,
                "s": [[s.anchor, s.heading, s.text] for s in text.sections]}
    chars = len(text.title) + len(text.lead) + sum(len(s.heading) + len(s.text) for s in text.sections)
    return IndexedPage(terms, json.dumps(document, ensure_ascii=False, separators=(",", ":")), chars)


def _update_postings(previous: _Postings | None, keys: list[str], indexed: list[IndexedPage]) -> _Postings:
    """The postings for these documents: the previous build's, updated where documents changed."""
    if previous is None or len(previous.keys) != len(keys):
        postings: dict[str, dict[int, int]] = {}
        for doc_id, page in enumerate(indexed):
            for term, zone in page.terms.items():
                entry = postings.get(term)
                if entry is None:
                    postings[term] = {doc_id: zone}
                else:
                    entry[doc_id] = zone
        return _Postings(list(keys), list(indexed), postings, {term: encode_postings(entry) for term, entry in postings.items()})
    postings, encoded = previous.postings, previous.encoded
    changed_terms: set[str] = set()
    for doc_id, key in enumerate(keys):
        if previous.keys[doc_id] == key:
            continue
        before, after = previous.pages[doc_id].terms, indexed[doc_id].terms
        for term, zone in before.items():  # only terms whose place changed: a common term's long list stays encoded
            if after.get(term) != zone:
                entry = postings.get(term)
                if entry is not None:
                    entry.pop(doc_id, None)
                    changed_terms.add(term)
        for term, zone in after.items():
            if before.get(term) != zone:
                postings.setdefault(term, {})[doc_id] = zone
                changed_terms.add(term)
    for term in changed_terms:
        entry = postings.get(term)
        if entry:
            encoded[term] = encode_postings(entry)
        else:
            postings.pop(term, None)
            encoded.pop(term, None)
    previous.keys, previous.pages = list(keys), list(indexed)
    return previous


_DIGITS = [ALPHABET[d] for d in range(32)]
_MORE = [ALPHABET[32 + d] for d in range(32)]
_SMALL = [_DIGITS[v] if v < 32 else _MORE[v & 31] + _DIGITS[v >> 5] for v in range(1024)]


def encode_number(value: int) -> str:
    """A number as base-32 digits, lowest first; all but the last digit from the upper half of ALPHABET."""
    if value < 1024:
        return _SMALL[value]
    out = []
    while value >= 32:
        out.append(_MORE[value & 31])
        value >>= 5
    out.append(_DIGITS[value])
    return "".join(out)


def encode_postings(entry: dict[int, int]) -> str:
    """Document ids ascending with their zones, whichever is shorter: each as (gap - 1) * 3 + zone
    (base-32 digits, see encode_number), or DENSE and then, for documents 0, 1, 2 … up to the last
    one in the list, three documents per character: zone + 1 in two bits each, 0 where absent."""
    out = []
    previous = -1
    for doc_id in sorted(entry):
        value = (doc_id - previous - 1) * 3 + entry[doc_id]
        out.append(_SMALL[value] if value < 1024 else encode_number(value))
        previous = doc_id
    sparse = "".join(out)
    if len(sparse) <= len(DENSE) + previous // 3 + 1:
        return sparse
    slots = [0] * (previous // 3 + 1)
    for doc_id, zone in entry.items():
        slots[doc_id // 3] |= (zone + 1) << (2 * (doc_id % 3))
    return DENSE + "".join(ALPHABET[slot] for slot in slots)


def decode_postings(code: str) -> dict[int, int]:
    """The inverse of encode_postings (tests, benchmarks)."""
    result: dict[int, int] = {}
    if code.startswith(DENSE):
        for index, ch in enumerate(code[1:]):
            slot = ALPHABET.index(ch)
            for k in range(3):
                if slot >> (2 * k) & 3:
                    result[index * 3 + k] = (slot >> (2 * k) & 3) - 1
        return result
    previous = -1
    for value in decode_numbers(code):
        gap, zone = divmod(value, 3)
        previous += gap + 1
        result[previous] = zone
    return result


def decode_numbers(code: str) -> list[int]:
    """The inverse of encode_number over a run of numbers (tests, benchmarks; search.js has its own)."""
    numbers, value, shift = [], 0, 0
    for ch in code:
        digit = ALPHABET.index(ch)
        value |= (digit & 31) << shift
        if digit >= 32:
            shift += 5
            continue
        numbers.append(value)
        value, shift = 0, 0
    return numbers


def shard_count(total_bytes: int) -> int:
    """A power of two giving shards of about SHARD_TARGET bytes (at least 1)."""
    count = 1
    while total_bytes / count > SHARD_TARGET:
        count *= 2
    return count


def shard_of(term: str, shards: int) -> int:
    """A term's shard: by its first character, so the client can load the shard of the pairs that
    start with the last character typed before the next one is typed."""
    return fnv1a(term[0]) % shards


def fnv1a(term: str) -> int:
    """32-bit FNV-1a over the term's code points (search.js computes the same)."""
    value = 0x811C9DC5
    for ch in term:
        value = ((value ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return value


def _meta(pages: list[SearchPage], shards: int, singles: int) -> bytes:
    """Per document id: kind (an index into KINDS), year (into years) and 市 (into cities, "" for none), as runs."""
    cities = ["", *sorted({page.city for page in pages if page.city})]
    years = sorted({page.year for page in pages})
    meta = {
        "format": FORMAT,
        "shards": shards,
        "singles": singles,
        "kinds": list(KINDS),
        "years": years,
        "cities": cities,
        "kind": encode_runs([KINDS.index(page.kind) for page in pages]),
        "year": encode_runs([years.index(page.year) for page in pages]),
        "city": encode_runs([cities.index(page.city) for page in pages]),
    }
    return ("JBS.m(" + json.dumps(meta, ensure_ascii=False, separators=(",", ":")) + ");\n").encode("utf-8")


def encode_runs(values: list[int]) -> str:
    """A list of small numbers as runs: a lone value v as the number 2v, a run of n ≥ 2 as 2v + 1 and then n - 2."""
    out = []
    start = 0
    while start < len(values):
        end = start
        while end < len(values) and values[end] == values[start]:
            end += 1
        value, run = values[start], end - start
        out.append(encode_number(2 * value) if run == 1 else encode_number(2 * value + 1) + encode_number(run - 2))
        start = end
    return "".join(out)


def decode_runs(code: str) -> list[int]:
    """The inverse of encode_runs (tests)."""
    numbers = decode_numbers(code)
    out: list[int] = []
    at = 0
    while at < len(numbers):
        if numbers[at] % 2:
            out.extend([numbers[at] // 2] * (numbers[at + 1] + 2))
            at += 2
        else:
            out.append(numbers[at] // 2)
            at += 1
    return out

