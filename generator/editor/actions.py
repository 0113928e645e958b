"""Changes to the form's structure: add, remove and move list items (articles, sections, points …).

An action is a string a button carries (`_action`): `refresh` (Enter in a field: nothing), `add:<list>` or `add:<list>:<kind>` (an
article: case or text), `remove:<item>`, `up:<item>`, `down:<item>`, where <list> and <item>
are dotted YAML paths (`articles`, `articles.1.sections.0.points.2`). The server applies it
to the form's state and renders the form again, so the page needs no templates of its own.
"""

from __future__ import annotations

from typing import Any

from generator.editor.form_data import state_of
from generator.editor.form_spec import Node


class ActionRefused(Exception):
    """An action that names no list of this form."""


def apply_action(state: Any, form: Node, action: str) -> tuple[Any, str]:
    """The state after the action, and the dotted path of what to focus next."""
    if action == "refresh":
        return state, ""
    verb, _, rest = action.partition(":")
    target, _, variant = rest.partition(":")
    parts = [part for part in target.split(".") if part != ""]
    if verb == "add":
        items, node = _list_at(state, form, parts)
        items.append(_empty_item(node.item, variant))
        return state, ".".join([*parts, str(len(items) - 1)])
    if verb in ("remove", "up", "down") and parts and parts[-1].isdigit():
        items, _ = _list_at(state, form, parts[:-1])
        index = int(parts[-1])
        if not 0 <= index < len(items):
            raise ActionRefused(f"没有第 {index + 1} 项")
        if verb == "remove":
            del items[index]
            return state, ".".join(parts[:-1])
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
            return state, ".".join([*parts[:-1], str(other)])
        return state, target
    raise ActionRefused(f"无法执行“{action[:60]}”")


def _empty_item(node: Node, variant: str) -> Any:
    if node.kind == "union":
        tag = variant if node.variant(variant) is not None else "text"
        return {"_kind": tag, **state_of({}, node.variant(tag))}
    return state_of({} if node.kind == "object" else None, node)


def _list_at(state: Any, form: Node, parts: list[str]) -> tuple[list, Node]:
    """The list in the state at a dotted path, and its node."""
    here, node = state, form
    for part in parts:
        if node.kind in ("list", "marks") and isinstance(here, list) and part.isdigit() and int(part) < len(here):
            here, node = here[int(part)], node.item
        elif node.kind == "union" and isinstance(here, dict):
            variant = node.variant(here.get("_kind", "text"))
            child = variant.field(part) if variant else None
            if child is None or part not in here:
                raise ActionRefused(f"没有“{part}”这一栏")
            here, node = here[part], child
        elif node.kind == "object" and isinstance(here, dict) and node.field(part) is not None and part in here:
            here, node = here[part], node.field(part)
        else:
            raise ActionRefused(f"没有“{part}”这一栏")
    if node.kind not in ("list", "marks") or not isinstance(here, list):
        raise ActionRefused("这一栏不是列表")
    return here, node
