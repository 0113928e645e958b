"""JSON Schema for editors and the README field reference, both from models.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from generator.content.models import Case, DevModel, Issue, Series

SCHEMAS: dict[str, Any] = {"series": list[Series], "issue": Issue, "case": Case, "model": DevModel}
FILES = {"series": "content/series.yml", "issue": "content/briefings/[<系列>/]<年>/<NNN>.yml", "case": "content/cases/<id>.yml", "model": "content/models/<id>.yml"}


def schema_for(kind: str) -> dict[str, Any]:
    schema = TypeAdapter(SCHEMAS[kind]).json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", FILES[kind])
    return schema


def schema_json(kind: str) -> str:
    return json.dumps(schema_for(kind), ensure_ascii=False, indent=2, sort_keys=True)


def write_schemas(folder: Path) -> list[Path]:
    """One <kind>.schema.json per content kind."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in SCHEMAS:
        path = folder / f"{kind}.schema.json"
        path.write_text(schema_json(kind) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _models_in_order() -> list[tuple[str, type[BaseModel]]]:
    """Every model reachable from the content kinds, parents first."""
    seen: dict[type[BaseModel], str] = {}
    order: list[tuple[str, type[BaseModel]]] = []

    def visit(model: type[BaseModel], where: str) -> None:
        if model in seen:
            return
        seen[model] = where
        order.append((where, model))
        for name, info in model.model_fields.items():
            for inner in models_in(info.annotation):
                visit(inner, f"{where} → {name}")

    for kind, target in (("series", Series), ("issue", Issue), ("case", Case), ("model", DevModel)):
        visit(target, FILES[kind])
    return order


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in getattr(annotation, "__args__", ()) or ():
        found.extend(models_in(arg))
    for meta in getattr(annotation, "__metadata__", ()) or ():
        found.extend(models_in(meta))
    return found


def field_reference() -> str:
    """The Markdown field reference embedded in README.md."""
    lines = []
    for where, model in _models_in_order():
        lines.append(f"#### {where}（{model.__name__}）")
        lines.append("")
        lines.append("| 字段 | 必填 | 说明 |")
        lines.append("| --- | --- | --- |")
        for name, info in model.model_fields.items():
            required = "是" if info.is_required() else "否"
            description = (info.description or "").replace("|", "\\|")
            lines.append(f"| `{name}` | {required} | {description} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def update_readme(path: Path) -> bool:
    """Rewrite the field reference between the README markers; True if it changed."""
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- fields:start -->\n", "<!-- fields:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    new = head + start + "\n" + field_reference() + "\n" + end + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    update_readme(Path(__file__).resolve().parent.parent.parent / "README.md")
