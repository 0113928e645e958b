"""Skip rendering pages whose inputs did not change: an archive changes one issue at a time.

A site of 1,200 issues and 1,200 cases has ~4,400 pages; rendering all of them
takes seconds even when every Markdown fragment and chart comes from a cache.
The many pages (issues, cases, regions, case lists) get a fingerprint: a hash
of exactly the values their template reads (fingerprint_page), plus what every
page depends on (the templates, the generator's code, the data/ digest, the
build options). A page whose fingerprint is the one of the previous build is
taken from build/docs as written then (its hash checked) or, in `jianbao
serve`, from memory. The few other pages (home, indexes, feed) are always
rendered.

The fingerprints must cover every value the templates read: tests/test_pagecache.py
changes each kind of content of a sample and checks that every page whose text
changes also changes its fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from generator.buildcache import BuildCache, Memo
from generator.output.files import write_cache_file
from generator.output.stores import generator_code
from generator.site.structure import CaseView, Filter, IssueView, RegionView, Site

VERSION = "3"  # bump when a fingerprint function changes meaning
CACHED = ("issue.md.j2", "case.md.j2", "region.md.j2", "cases.md.j2", "briefings_year.md.j2", "regions.md.j2")

class PageCache:
    """Fingerprints and texts of the pages of the previous build of one docs folder."""

    def __init__(self, docs_dir: Path | None, cache_dir: Path | None, common: str, cache: BuildCache | None = None) -> None:
        cache = cache if cache is not None else BuildCache()
        self.docs_dir = docs_dir
        key = hashlib.sha256(str(docs_dir).encode("utf-8")).hexdigest()[:16]
        self.manifest = cache_dir / "pages" / f"{key}.json" if cache_dir and docs_dir else None
        self.memory = cache.pages.setdefault(key, {})  # path → (fingerprint, charts, text), this process
        self.standalone_memory = cache.standalone  # key → standalone HTML of an issue, this process
        self.common = common
        self.hits = 0
        self.files = cache_dir / "standalone" if cache_dir and docs_dir else None
        self._files_used: set[str] = set()
        self._disk: dict[str, list] | None = None
        self._dirty = False
        self._memo = FingerprintMemo(cache.model_digests)

    def get(self, path: str, fingerprint: str) -> tuple[str, bool] | None:
        """The page's previous text and whether it had charts, if its fingerprint is unchanged."""
        known = self.memory.get(path)
        if known is not None and known[0] == fingerprint:
            self.hits += 1
            return known[2], known[1]
        entry = self._manifest().get(path)
        if not entry or entry[0] != fingerprint or self.docs_dir is None:
            return None
        try:
            text = (self.docs_dir / path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if hashlib.sha1(text.encode("utf-8")).hexdigest() != entry[2]:
            return None  # changed or damaged since: render again
        self.memory[path] = (fingerprint, bool(entry[1]), text)
        self.hits += 1
        return text, bool(entry[1])

    def put(self, path: str, fingerprint: str, text: str, charts: bool) -> None:
        self.memory[path] = (fingerprint, charts, text)
        self._manifest()[path] = [fingerprint, charts, hashlib.sha1(text.encode("utf-8")).hexdigest()]
        self._dirty = True

    def save(self, paths: Iterable[str]) -> None:
        """Keep the fingerprints of these pages (the ones of this build) for the next build."""
        if self.manifest is None:
            return
        wanted = set(paths)
        manifest = self._manifest()
        for stale in [p for p in manifest if p not in wanted]:
            del manifest[stale]
            self._dirty = True
        for stale in [p for p in self.memory if p not in wanted]:
            del self.memory[stale]
        if self._dirty and write_cache_file(self.manifest, json.dumps({"version": VERSION, "pages": manifest}, ensure_ascii=False)):
            self._dirty = False

    # --- the standalone HTML of issues (printing.py), whose inputs are the issue page's plus the styles

    def standalone_key(self, view: IssueView, site: Site, styles: str) -> str:
        values = fingerprint_page("issue.md.j2", {"view": view}, site, self._memo)
        digest = hashlib.sha256(f"standalone {VERSION}\0{self.common}\0{view.url}\0".encode("utf-8"))
        digest.update(hashlib.sha256(styles.encode("utf-8")).digest() + values.encode("utf-8"))
        return digest.hexdigest()

    def standalone(self, key: str) -> str | None:
        self._files_used.add(key)
        text = self.standalone_memory.get(key)
        if text is None and self.files is not None:
            try:
                checksum, _, text = (self.files / f"{key}.html").read_text(encoding="utf-8").partition("\n")
            except (OSError, UnicodeDecodeError):
                return None
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != checksum:
                return None  # damaged: render again
        return text

    def put_standalone(self, key: str, text: str) -> None:
        self._files_used.add(key)
        self.standalone_memory[key] = text
        if self.files is not None:
            write_cache_file(self.files / f"{key}.html", hashlib.sha256(text.encode("utf-8")).hexdigest() + "\n" + text)

    def prune_standalone(self) -> None:
        """Forget the standalone files of issues that changed or went."""
        for key in [k for k in self.standalone_memory if k not in self._files_used]:
            del self.standalone_memory[key]
        if self.files is not None and self.files.is_dir():
            for path in self.files.glob("*.html"):
                if path.stem not in self._files_used:
                    path.unlink(missing_ok=True)

    def fingerprint(self, path: str, template: str, context: dict[str, Any], site: Site) -> str | None:
        """The page's fingerprint, or None for a template that is always rendered."""
        if template not in CACHED:
            return None
        values = fingerprint_page(template, context, site, self._memo)
        digest = hashlib.sha256(f"{VERSION}\0{self.common}\0{path}\0{template}\0".encode("utf-8"))
        digest.update(values.encode("utf-8"))
        return digest.hexdigest()

    def _manifest(self) -> dict[str, list]:
        if self._disk is None:
            self._disk = {}
            if self.manifest is not None and self.manifest.is_file():
                try:
                    stored = json.loads(self.manifest.read_text(encoding="utf-8"))
                    if isinstance(stored, dict) and stored.get("version") == VERSION and isinstance(stored.get("pages"), dict):
                        self._disk = stored["pages"]
                except (OSError, ValueError):
                    pass
        return self._disk


def common_fingerprint(template_folders: list[str], options: Any, data_digest: str, charts: bool = True) -> str:
    """What every page depends on: templates, the generator's code, options, data/, whether charts are drawn."""
    digest = hashlib.sha256(generator_code().encode())
    for folder in template_folders:
        for path in sorted(Path(folder).parent.rglob("*")):
            if path.is_file() and "assets" not in path.relative_to(Path(folder).parent).parts[:1]:
                digest.update(str(path).encode("utf-8") + b"\0" + path.read_bytes())
    digest.update(json.dumps([options.offline, options.pdf, options.extra, charts], ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(data_digest.encode())
    return digest.hexdigest()


# --- what each cached template reads ---------------------------------------------------


def fingerprint_page(template: str, context: dict[str, Any], site: Site, memo: dict) -> str:
    """The values a cached template reads, as one string (see the templates in site_templates/pages)."""
    if template == "issue.md.j2":
        values: Any = issue_values(context["view"], memo)
    elif template == "case.md.j2":
        values = case_values(context["case"], memo)
    elif template == "region.md.j2":
        values = region_values(context["region"], context["limit"], memo)
    elif template == "briefings_year.md.j2":
        values = [_dump(context["series"], memo), context["year"], [issue_item(v, memo) for v in context["issues"]]]
    elif template == "regions.md.j2":
        values = region_tree(site.top_regions)
    else:  # cases.md.j2: the case index and the filter pages
        values = filter_values(site, context["current"], context["cases"], context["limit"], memo)
        pager = context.get("pager")
        values.append([pager.number, pager.count, pager.total] if pager is not None else None)
    return json.dumps(values, ensure_ascii=False, default=str)


class FingerprintMemo(dict):
    """Parts of fingerprints computed in one build, and the models' digests kept between builds.

    Models are shared by the builds of one process (`jianbao serve`: BuildCache.models): the digest of
    their JSON is kept (BuildCache.model_digests) with the model itself, so the entry is used only for
    that very object.
    """

    def __init__(self, digests: Memo[int, tuple[Any, str]]) -> None:
        super().__init__()
        self.digests = digests


def _dump(model: BaseModel | None, memo: FingerprintMemo) -> str | None:
    """A digest of the model's JSON: the fingerprints stay short, so hashing them is cheap."""
    if model is None:
        return None
    known = memo.digests.get(id(model))
    if known is None or known[0] is not model:
        known = memo.digests.put(id(model), (model, hashlib.sha1(model.model_dump_json().encode("utf-8")).hexdigest()))
    return known[1]


def issue_item(view: IssueView, memo: dict) -> str:
    """What an issue's line in a list shows (issue_item in _macros.j2), as JSON."""
    key = ("issue", id(view))  # scale: a view is in many lists; the memo lives for one build, as the views do
    if key not in memo:
        memo[key] = json.dumps([view.url, view.series.name, view.issue.year, view.number_line, str(view.issue.date), view.title],
                               ensure_ascii=False)
    return memo[key]


def case_card(view: CaseView, memo: dict) -> str:
    """What a case's card shows (case_card in _macros.j2), as JSON."""
    key = ("case", id(view))
    if key not in memo:
        model = view.model.model.name if view.model else None
        memo[key] = json.dumps([view.url, view.case.title, view.case.region, str(view.case.date), model, view.case.summary],
                               ensure_ascii=False)
    return memo[key]


def region_tree(regions: list[RegionView]) -> list:
    """What the region index shows of each region, down the tree."""
    return [[r.url, r.name, len(r.all_cases()), region_tree(r.children)] for r in regions]


def _filter_link(item: Filter, memo: dict) -> str:
    key = ("filter", id(item))
    if key not in memo:
        memo[key] = json.dumps([item.kind, item.value, item.label, item.url, len(item.cases)], ensure_ascii=False)
    return memo[key]


def issue_values(view: IssueView, memo: dict) -> list:
    neighbours = [[other.url, other.label_from(view)] if other else None for other in (view.previous, view.next)]
    articles = [[a.title, a.body, a.case.url if a.case else None, _dump(a.case.case if a.case else None, memo)] for a in view.articles]
    return [_dump(view.issue, memo), _dump(view.series, memo), view.total, view.number_line, view.url, view.file_stem, neighbours, articles]


def case_values(view: CaseView, memo: dict) -> list:
    model = [view.model.url, view.model.model.name] if view.model else None
    return [_dump(view.case, memo), view.url, model, [issue_item(v, memo) for v in view.issues], [case_card(v, memo) for v in view.related]]


def region_values(region: RegionView, limit: int, memo: dict) -> list:
    cases = region.all_cases()
    return [
        region.path, region.level, region.years, region.sample,
        [[row.indicator, row.name, row.unit, row.values] for row in region.table],
        [_dump(decl, memo) for decl in region.charts],
        [[child.url, child.name] for child in region.children],
        len(cases), [case_card(v, memo) for v in cases[:limit]], limit,
    ]


def filter_values(site: Site, current: Filter | None, cases: list[CaseView], limit: int | None, memo: dict) -> list:
    nav = []
    for kind in ("model", "region", "tag", "year"):
        key = ("nav", kind, current.value if current is not None and kind == "region" and current.kind == "region" else None)
        if key not in memo:
            memo[key] = [_filter_link(item, memo) for item in site.filter_links(kind, current)]
        nav.append(memo[key])
    shown = cases[:limit] if limit else cases
    here = [current.kind, current.value, current.label, current.url] if current is not None else None
    return [here, nav, len(cases), limit, [case_card(v, memo) for v in shown]]
