"""Parsed content files, cached by content hash: a large archive is parsed once, not on every build.

ruamel.yaml's parser is pure Python: about 9 ms for a 5 KB file, 20 s for an
archive of 2,400 issues and cases, on every build. A parsed file (its plain
values and the positions of every value) depends only on the file's bytes, its
shown path and the parser's code, so it is kept, under the hash of those, in
memory (`jianbao serve`'s rebuilds) and in cache_dir/yaml/ (every other build).

Only files that parsed without any problem are cached: a file with an error (or
a warning) is parsed again each time, so its messages are never lost. New
entries reach the disk only when save() is called (phase two of a build: a
build that fails writes nothing, not even to its cache). Cached
entries are pickles read back with an unpickler that can only build plain
values and dates: a cache file cannot run code, whatever it holds.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import pickle
import sys
from dataclasses import fields
from pathlib import Path

from generator.content import yamlsrc
from generator.buildcache import Memo
from generator.errors import Report
from generator.output.files import write_cache_file
from generator.content.yamlsrc import Document, Positions, load_yaml


_ALLOWED = {
    ("datetime", "date"): dt.date,
    ("datetime", "datetime"): dt.datetime,
    ("datetime", "timezone"): dt.timezone,
    ("datetime", "timedelta"): dt.timedelta,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
}


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> type:
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"not a plain value: {module}.{name}") from None


@functools.cache
def _salt() -> bytes:
    """What else decides a parse: the parser's code and versions."""
    import ruamel.yaml

    code = Path(yamlsrc.__file__).read_bytes()
    return hashlib.sha256(code).digest() + f"|ruamel {ruamel.yaml.__version__}|py {sys.version_info[:2]}".encode()


class YamlCache:
    """load_yaml with a cache; cache_dir None keeps entries in memory only.

    memory: the documents kept between the builds of one process (BuildCache.documents);
    they are shared by those builds, and nothing changes them.
    """

    def __init__(self, cache_dir: Path | None = None, memory: Memo[str, Document] | None = None) -> None:
        self.folder = Path(cache_dir) / "yaml" if cache_dir else None
        self.memory: Memo[str, Document] = memory if memory is not None else Memo(20_000)
        self.used: set[str] = set()
        self.parsed = 0  # files actually parsed (cache misses)
        self._new: dict[str, bytes] = {}

    def load(self, path: Path, shown: str, report: Report) -> Document | None:
        """The document of path, as load_yaml gives it; problems go to report."""
        try:
            raw = path.read_bytes()
        except OSError:
            return load_yaml(path, shown, report)  # load_yaml reports the problem in its words
        key = hashlib.sha256(_salt() + b"\0" + shown.encode("utf-8") + b"\0" + raw).hexdigest()
        self.used.add(key)
        document = self._get(key, shown)
        if document is not None:
            return document
        before = len(report.problems)
        document = load_yaml(path, shown, report)
        self.parsed += 1
        if document is not None and len(report.problems) == before:
            document.digest = key
            self._put(key, document)
        return document

    def save(self) -> None:
        """Write the entries parsed since the last save to the cache folder; prune unused ones."""
        if self.folder is None:
            return
        for key, blob in self._new.items():
            write_cache_file(self.folder / f"{key}.pickle", blob)  # a cache that cannot be written only costs time
        self._new.clear()
        try:
            self._prune()
        except OSError:
            pass

    def _prune(self) -> None:
        """Drop cache files no file of this project uses any more, once they outnumber the used ones."""
        if not self.folder.is_dir():
            return
        entries = list(self.folder.glob("*.pickle"))
        if len(entries) <= 2 * len(self.used) + 100:
            return
        for entry in entries:
            if entry.stem not in self.used:
                entry.unlink(missing_ok=True)

    def _get(self, key: str, shown: str) -> Document | None:
        document = self.memory.get(key)
        if document is not None:
            return document
        if self.folder is None:
            return None
        try:
            blob = (self.folder / f"{key}.pickle").read_bytes()
            data, where = _PlainUnpickler(io.BytesIO(blob)).load()
            document = Document(shown, data, Positions(**where), key)
        except Exception:  # missing, damaged or from another version: parse again
            return None
        return self.memory.put(key, document)

    def _put(self, key: str, document: Document) -> None:
        where = {f.name: getattr(document.where, f.name) for f in fields(Positions)}
        self._new[key] = pickle.dumps((document.data, where), protocol=5)
        self.memory.put(key, document)
