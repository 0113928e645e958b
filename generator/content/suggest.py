"""«您是不是要找…» and short lists of valid values, for messages about a wrong name."""

from __future__ import annotations

import difflib
from typing import Iterable

LIST_AT_MOST = 10


def did_you_mean(wrong: str, known: Iterable[str]) -> str:
    """«（您是不是要找“x”？）» for the closest known name, or nothing."""
    matches = difflib.get_close_matches(wrong, list(known), n=1, cutoff=0.6)
    return f"（您是不是要找“{matches[0]}”？）" if matches else ""


def region_hint(wrong: str, known: Iterable[str]) -> str:
    """The closest region path: whole paths compared, then the last level alone (晋中 → 山西省/晋中市)."""
    paths = list(known)
    hint = did_you_mean(wrong, paths)
    if hint:
        return hint
    name = wrong.rsplit("/", 1)[-1]
    by_name = {path.rsplit("/", 1)[-1]: path for path in paths}
    matches = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
    return f"（您是不是要找“{by_name[matches[0]]}”？）" if matches else ""


def short_list(label: str, values: Iterable[object]) -> str:
    """«；有数据的地区：a、b» when there are at most ten values, else nothing."""
    items = [str(value) for value in values]
    if not items or len(items) > LIST_AT_MOST:
        return ""
    return f"；{label}：" + "、".join(items)
