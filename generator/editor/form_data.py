"""Between a file's values, the form's state and the posted fields.

Three shapes of the same document:
- data: plain YAML values (what load_plain gives and apply_changes writes);
- state: the form as shown, every value a string, empty fields and items kept (state_of, parse_fields);
- fields: the posted form, {dotted YAML path: string} (SPEC §7: `articles.0.title`).

data_of(state) turns what was typed into data: numbers, dates and flags converted where they
parse (a value that does not is kept as typed, so `jianbao check` names it and nothing is
lost), empty optional fields left out, and every value equal to the file's, up to the line
endings a browser adds, given back as the file had it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from generator.editor.form_spec import Node

MISSING = object()
_INDEX = re.compile(r"\d{1,4}")


# ---------------------------------------------------------------- data → state

def state_of(data: Any, node: Node) -> Any:
    """The form's state for a file's values."""
    if node.kind == "object":
        data = data if isinstance(data, dict) else {}
        return {key: state_of(data.get(key, MISSING), child) for key, child in node.fields}
    if node.kind == "union":
        tag = variant_tag(data)
        return {"_kind": tag, **state_of(data, node.variant(tag))}
    if node.kind in ("list", "marks"):
        items = [data] if node.kind == "marks" and isinstance(data, str) else data if isinstance(data, list) else []
        return [state_of(item, node.item) for item in items]
    return _scalar_text(data, node)


def variant_tag(data: Any) -> str:
    """Which kind of article: a case reference or a text (as the model's discriminator decides)."""
    return "case" if isinstance(data, dict) and "case" in data else "text"


def _scalar_text(value: Any, node: Node) -> str:
    if value is MISSING or value is None:
        return ""
    if node.kind == "bool":
        return "true" if value is True else "false" if value is False else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fits(data: Any, node: Node) -> bool:
    """Whether a file's values can be shown in the form without losing any (else: the raw text)."""
    if node.kind == "object":
        return isinstance(data, dict) and all(fits(data[key], child) for key, child in node.fields if key in data)
    if node.kind == "union":
        return isinstance(data, dict) and fits(data, node.variant(variant_tag(data)))
    if node.kind == "list":
        return isinstance(data, list) and all(fits(item, node.item) for item in data)
    if node.kind == "marks":
        return isinstance(data, str) or (isinstance(data, list) and all(fits(item, node.item) for item in data))
    return data is None or isinstance(data, (str, int, float, bool, dt.date))


# ---------------------------------------------------------------- posted fields → state

def parse_fields(fields: Mapping[str, str], node: Node) -> Any:
    """The form's state from the posted fields (names are dotted YAML paths; `_…` fields are the editor's own)."""
    tree: dict = {}
    for name, value in fields.items():
        if name.startswith("_") or not name:
            continue
        parts = name.split(".")
        if any(not part or part.startswith("_") and part != "_kind" for part in parts):
            continue
        here = tree
        for part in parts[:-1]:
            here = here.setdefault(part, {})
            if not isinstance(here, dict):
                break
        else:
            here.setdefault(parts[-1], value)
    return _state_from_tree(tree, node)


def _state_from_tree(tree: Any, node: Node) -> Any:
    if node.kind == "object":
        tree = tree if isinstance(tree, dict) else {}
        return {key: _state_from_tree(tree.get(key, MISSING), child) for key, child in node.fields}
    if node.kind == "union":
        tree = tree if isinstance(tree, dict) else {}
        tag = tree.get("_kind") if tree.get("_kind") in ("case", "text") else variant_tag(tree)
        return {"_kind": tag, **_state_from_tree(tree, node.variant(tag))}
    if node.kind in ("list", "marks"):
        if not isinstance(tree, dict):
            return []
        indexes = sorted(int(key) for key in tree if _INDEX.fullmatch(key))
        return [_state_from_tree(tree[str(index)], node.item) for index in indexes]
    return tree if isinstance(tree, str) else ""


# ---------------------------------------------------------------- state → data

def data_of(state: Any, node: Node, original: Any = MISSING) -> Any:
    """What the state means as YAML values; MISSING for an empty optional value (left out of the file)."""
    if node.kind == "object":
        return _object_data(state, node, original)
    if node.kind == "union":
        tag = state.get("_kind", "text")
        before = original if variant_tag(original) == tag else MISSING
        return _object_data(state, node.variant(tag), before)
    if node.kind == "list":
        return _list_data(state, node.item, original)
    if node.kind == "marks":
        marks = _list_data(state, node.item, original if isinstance(original, list) else MISSING)
        if marks is MISSING:
            return MISSING
        return marks[0] if len(marks) == 1 and not isinstance(original, list) else marks
    return _scalar_data(state, node, original)


def _object_data(state: dict, node: Node, original: Any) -> Any:
    before = original if isinstance(original, dict) else {}
    result: dict = {}
    known = {key for key, _ in node.fields}
    for key, child in node.fields:
        value = data_of(state.get(key, ""), child, before.get(key, MISSING))
        if value is not MISSING:
            result[key] = value
    extra = {key: value for key, value in before.items() if key not in known}  # unknown keys: kept for check to name
    if not result and not extra:
        return MISSING
    return {**result, **extra} if not extra else _in_file_order(result, extra, before)


def _in_file_order(result: dict, extra: dict, before: dict) -> dict:
    merged = {key: value for key, value in before.items() if key in result or key in extra}
    for key, value in result.items():
        merged[key] = value
    return merged


def _list_data(state: list, item: Node, original: Any) -> Any:
    before = original if isinstance(original, list) else []
    values = []
    for index, entry in enumerate(state):
        value = data_of(entry, item, before[index] if index < len(before) else MISSING)
        if value is not MISSING:
            values.append(value)
    return values if values else MISSING


def _scalar_data(text: str, node: Node, original: Any) -> Any:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if node.kind in ("markdown", "longtext"):
        text = "\n".join(line.rstrip() for line in text.strip("\n").split("\n")).strip()
    else:
        text = text.strip()
    if not text:
        return MISSING
    value = _typed(text, node)
    if original is not MISSING and _same(value, original):
        return original
    if original is MISSING and node.default is not None and _same(value, node.default):
        return MISSING  # the model's default, not in the file: stays out of it
    if isinstance(value, str) and "\n" in value:
        return value + "\n"  # a | block ends with its line
    return value


def _same(value: Any, original: Any) -> bool:
    if isinstance(original, str) and isinstance(value, str):
        return original.rstrip() == value.rstrip()
    if isinstance(original, bool) or isinstance(value, bool):
        return original is value
    if isinstance(original, (int, float)) and isinstance(value, (int, float)):
        return original == value  # 74 and 74.0 alike: the file keeps how it was written
    return type(original) is type(value) and original == value


def _typed(text: str, node: Node) -> Any:
    """The value typed into a field, converted where it parses; otherwise the text as typed."""
    plain = unicodedata.normalize("NFKC", text)
    if node.kind == "int" or (node.kind in ("number", "figure") and re.fullmatch(r"[+-]?\d+", plain)):
        return int(plain) if re.fullmatch(r"[+-]?\d{1,18}", plain) else text
    if node.kind in ("number", "figure"):
        if node.kind == "figure" and text in ("*", "＊"):
            return text
        try:
            number = float(plain)
        except ValueError:
            return text
        return number if math.isfinite(number) else text
    if node.kind == "date":
        try:
            return dt.date.fromisoformat(plain) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", plain) else text
        except ValueError:
            return text
    if node.kind == "bool":
        return {"true": True, "false": False}.get(plain, text)
    return text
