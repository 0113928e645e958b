"""What a picker offers: cases, models, series, regions (from the data), indicators with their values.

A picker field names what it picks (form_spec.Node.picker); the options are looked up in the
loaded project and data, filtered by what was typed, at most LIMIT of them. An indicator's
option shows its current value for the region and year of the form around it (a highlight:
the case's region and the card's as_of; a chart: its region and year).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.content.load import Project
from generator.data.load import Data
from generator.editor.form_spec import Node
from generator.site.numbers import format_quantity

LIMIT = 30


@dataclass(frozen=True)
class Option:
    value: str
    label: str


def node_at(form: Node, state: Any, name: str) -> tuple[Node | None, list[Any]]:
    """The node of a dotted field name, and the states of the objects around it (innermost last)."""
    node, here, around = form, state, []
    for part in [p for p in name.split(".") if p]:
        if node.kind == "union" and isinstance(here, dict):
            node = node.variant(here.get("_kind", "text"))
        if node is None:
            return None, around
        if node.kind in ("list", "marks") and isinstance(here, list) and part.isdigit() and int(part) < len(here):
            node, here = node.item, here[int(part)]
        elif node.kind == "object" and isinstance(here, dict) and node.field(part) is not None:
            around.append(here)
            node, here = node.field(part), here.get(part, "")
        else:
            return None, around
    return node, around


def options(picker: str, typed: str, project: Project, data: Data, around: list[Any]) -> list[Option]:
    """The options of a picker matching what was typed."""
    typed = typed.strip().lower()
    found = [o for o in _all(picker, project, data, around) if typed in o.value.lower() or typed in o.label.lower()]
    return found[:LIMIT]


def describe(picker: str, value: str, project: Project, data: Data, around: list[Any]) -> str:
    """What the current value of a picker stands for (shown beside it), or why it is not known."""
    value = value.strip()
    if not value:
        return ""
    for option in _all(picker, project, data, around):
        if option.value == value:
            return option.label
    return f"找不到“{value}”" if picker in ("case", "model", "series", "indicator") else ""


def _all(picker: str, project: Project, data: Data, around: list[Any]) -> list[Option]:
    if picker == "case":
        return [Option(d.model.id, f"{d.model.title}（{d.model.region}）") for d in project.cases if d.model.id]
    if picker == "model":
        return [Option(d.model.id, d.model.name) for d in project.models if d.model.id]
    if picker == "series":
        return [Option(d.model.id, d.model.name) for d in project.series]
    if picker == "region":
        regions = dict.fromkeys([*data.regions(), *(d.model.region for d in project.cases if d.model.region)])
        return [Option(region, region) for region in sorted(regions, key=lambda r: (r.count("/"), r))]
    if picker == "indicator":
        return _indicators(data, around)
    if picker == "model_item":
        return _model_items(project, around)
    return []


def _indicators(data: Data, around: list[Any]) -> list[Option]:
    region, year = _region_and_year(around)
    result = []
    for indicator, (label, unit) in data.defs.items():
        text = f"{label}"
        if region:
            years = data.years(region)
            when = year if year in years else (years[-1] if years else None)
            value = data.value(indicator, region, when) if when else None
            if value is not None and value == value:
                text += f"（{region} {when} 年：{format_quantity(value, unit, running_text=False)}）"
            else:
                text += f"（{region} 没有计算结果）"
        result.append(Option(indicator, text))
    return result


def _region_and_year(around: list[Any]) -> tuple[str, int | None]:
    """The region and year nearest the field: its own object's, else the file's."""
    region, year = "", None
    for state in around:  # outermost first: inner values win
        if not isinstance(state, dict):
            continue
        if isinstance(state.get("region"), str) and state["region"].strip():
            region = state["region"].strip()
        for key in ("year", "as_of", "date"):
            text = state.get(key)
            if isinstance(text, str) and text[:4].isdigit():
                year = int(text[:4])
                break
    return region, year


def _model_items(project: Project, around: list[Any]) -> list[Option]:
    model_id = next((s.get("model") for s in around if isinstance(s, dict) and isinstance(s.get("model"), str) and s.get("model")), "")
    model = next((d.model for d in project.models if d.model.id == model_id.strip()), None)
    if model is None:
        return []
    return [Option(str(i), f"第 {i} 项：{item.name}" + (f"，{item.subtitle}" if item.subtitle else "")) for i, item in enumerate(model.items, 1) if item]
