"""Plain values kept between builds in JSON files under build/cache, each under a key of its inputs.

A store holds one value (the last build's), so it never grows; a value is read back only when
its key is the key of this build's inputs. Nothing is written here: a new value goes into the
pending files of the render context, which phase two writes after a successful build.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

V = TypeVar("V")


@functools.cache  # pure: the code of this process does not change under it
def generator_code() -> str:
    """A digest of the generator's own code, part of every cache key: a new version makes everything again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent  # generator/, every stage
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def stored_value(path: Path, key: str) -> Any:
    """The value a build kept in a JSON cache file under key (store_value), or None: missing, damaged or of other inputs."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return stored["value"] if stored["key"] == key else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_value(pending: dict[Path, str | bytes], path: Path, key: str, value: Any) -> None:
    """Keep a plain value (JSON) for the next build: into pending, which phase two writes after a successful build."""
    pending[path] = json.dumps({"key": key, "value": value}, ensure_ascii=False, separators=(",", ":"))


def remembered(path: Path, key: str, pending: dict[Path, str | bytes], make: Callable[[], V], kind: type) -> V:
    """The value kept in path under key when it is a kind, else make()'s, kept for the next build (store_value)."""
    value = stored_value(path, key)
    if isinstance(value, kind):
        return value
    value = make()
    store_value(pending, path, key, value)
    return value
