"""What one process keeps between builds, in one object that the commands create and pass down.

`jianbao build` makes a BuildCache for its one build; `jianbao serve` (and the editor) keep
one for the life of the process, so a rebuild after one edit parses, validates, computes and
renders only what changed. Nothing here is module state: two BuildCaches (two projects built
alternately in one process, or a test) never see each other's entries.

Each store is keyed by content (a digest of the bytes or values it was made from), so an
entry can only be reused for the same inputs; the bounded ones drop the least recently used.
The disk caches under build/cache (yamlcache, MarkdownStore, PageCache, charts) are separate:
they are written only in phase two of a successful build.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # the search index code is for a build, not for `jianbao check`
    from generator.output.search_index import SearchCache

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded mapping: the least recently used entries go once it holds more than limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> V:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self.limit:
            self._entries.popitem(last=False)
        return value

    def get_or_make(self, key: K, make: Callable[[], V]) -> V:
        value = self.get(key)
        return value if value is not None else self.put(key, make())

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[K]:
        return list(self._entries)

    def discard(self, key: K) -> None:
        self._entries.pop(key, None)


@dataclass
class WrittenFile:
    """What write_tree last wrote at one path: its stat, the digest of its bytes and the content given."""

    mtime_ns: int
    size: int
    digest: bytes
    content: str | bytes


@dataclass
class WriteRecord:
    """write_tree's memory: files whose stat and bytes are the ones it wrote are not read again."""

    files: dict[str, WrittenFile] = field(default_factory=dict)
    wanted: dict[str, frozenset[str]] = field(default_factory=dict)  # root → the files it held last time


@dataclass
class BuildCache:
    """Everything kept between the builds of one process; one per command run (or per serve/edit process)."""

    documents: Memo[str, Any] = field(default_factory=lambda: Memo(20_000))  # parsed YAML by content hash
    models: Memo[tuple, Any] = field(default_factory=lambda: Memo(20_000))  # validated models by document hash
    text_problems: Memo[str, list] = field(default_factory=lambda: Memo(20_000))  # raw HTML / link checks by document
    markers: Memo[str, bool] = field(default_factory=lambda: Memo(20_000))  # whether a document has {{ … }}
    data: Memo[str, tuple[Any, list]] = field(default_factory=lambda: Memo(1))  # data/ by digest → (Data, problems)
    related: Memo[tuple, list[list[int]]] = field(default_factory=lambda: Memo(1))  # related cases by their inputs
    indicators_csv: Memo[str, str] = field(default_factory=lambda: Memo(1))  # data digest → data/indicators.csv
    chart_checks: Memo[str, str] = field(default_factory=lambda: Memo(4096))  # check_charts' answers by key
    chart_specs: Memo[str, dict] = field(default_factory=lambda: Memo(4096))  # built Vega-Lite specs by key
    chart_specs_on_disk: set[tuple[str, str]] = field(default_factory=set)  # (folder, key) known to be written
    chart_fragments: Memo[tuple, tuple] = field(default_factory=lambda: Memo(2048))  # charts drawn, by spec key
    chart_html: Memo[tuple, Any] = field(default_factory=lambda: Memo(2048))  # a chart's <figure>, by key and id
    markdown: Memo[str, Any] = field(default_factory=lambda: Memo(100_000))  # rendered Markdown by text hash
    templates: dict[str, bytes] = field(default_factory=dict)  # compiled templates (Jinja bytecode) by source key
    pages: dict[str, dict[str, tuple[str, bool, str]]] = field(default_factory=dict)  # docs folder → path → page
    standalone: dict[str, str] = field(default_factory=dict)  # standalone HTML of issues by key
    model_digests: Memo[int, tuple[Any, str]] = field(default_factory=lambda: Memo(50_000))  # model → JSON digest
    written: WriteRecord = field(default_factory=WriteRecord)
    pages_before: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # last successful build's pages
    search: SearchCache | None = None  # the search index's per-page work, by content hash (search_cache())
    # Kept for the life of a process that rebuilds (`jianbao serve`): the search index is then made, not read
    # back from build/cache, so that its per-page work is at hand when the next rebuild changes one page.
    lasting: bool = False

    def search_cache(self) -> SearchCache:
        """The search index's per-page work, made by the first build that indexes (`jianbao check` never loads that code)."""
        if self.search is None:
            from generator.output.search_index import SearchCache

            self.search = SearchCache()
        return self.search

