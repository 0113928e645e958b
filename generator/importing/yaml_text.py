"""The YAML text of imported documents: plain scalars where safe, comments kept, files written atomically."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any


from generator.content.yamlsrc import Loc
from generator.output.files import write_atomic
from generator.importing.import_types import Document, ImportResult

# ---------------------------------------------------------------- YAML text

def render_yaml(document: Document) -> str:
    """Plain data → YAML text with comments, in the style of the hand-written content."""
    out = [f"# {line}" for line in document.header]
    yaml_mapping(document.data, (), 0, out, document.comments, first_prefix="")
    return "\n".join(out) + "\n"


def yaml_mapping(data: dict[str, Any], loc: Loc, indent: int, out: list[str], comments: dict[Loc, list[str]], first_prefix: str) -> None:
    pad = " " * indent
    for position, (key, value) in enumerate(data.items()):
        prefix = first_prefix if position == 0 and first_prefix else pad
        out.extend(f"{pad}# {c}" for c in comments.get((*loc, key), []))
        head = f"{prefix}{key}:"
        if isinstance(value, dict):
            out.append(head)
            yaml_mapping(value, (*loc, key), indent + 2, out, comments, "")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(head)
            for index, item in enumerate(value):
                out.extend(f"{pad}  # {c}" for c in comments.get((*loc, key, index), []))
                yaml_mapping(item, (*loc, key, index), indent + 4, out, comments, f"{pad}  - ")
        elif isinstance(value, list):
            flow = [scalar(v, flow=True) for v in value]
            if all(f is not None for f in flow) and sum(len(f) for f in flow) <= 60:  # type: ignore[arg-type]
                out.append(f"{head} [{', '.join(flow)}]")  # type: ignore[arg-type]
            else:
                out.append(head)
                out.extend(f"{pad}  - {scalar(v) or json.dumps(v, ensure_ascii=False)}" for v in value)
        elif isinstance(value, str) and "\n" in value:
            out.append(f"{head} |-")
            out.extend(f"{pad}  {line}" if line else "" for line in value.split("\n"))
        else:
            out.append(f"{head} {scalar(value) or json.dumps(value, ensure_ascii=False)}")


_INDICATORS = set("-?:,[]{}#&*!|>'\"%@`")
_KEYWORD = re.compile(r"^[a-z][a-z0-9-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def scalar(value: Any, flow: bool = False) -> str | None:
    """A value as a YAML scalar: plain when that reads back the same, else None (quote it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    if not isinstance(value, str) or not value or value != value.strip() or "\n" in value or "\t" in value:
        return None
    if value.isascii():  # numbers, dates, booleans and the like: only simple ids stay plain
        return value if _KEYWORD.match(value) and value not in _YAML_WORDS else None
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":"):
        return None
    if flow and any(c in value for c in ",[]{}"):
        return None
    return value


def write_document(path: Path, text: str) -> None:
    """Write one content file (UTF-8, LF): complete or not at all."""
    write_atomic(path, text)


def summary_lines(result: ImportResult) -> list[str]:
    """What was imported and what is uncertain, for the command line."""
    lines = []
    for item in result.imported:
        extra = f"，{len(item.uncertain)} 处待确认" if item.uncertain else ""
        lines.append(f"已导入 {item.source}：{item.label} → {'、'.join(item.files)}{extra}")
    total_uncertain = sum(len(item.uncertain) for item in result.imported)
    lines.append(f"导入 {len(result.imported)} 个文件，失败 {len(result.failed)} 个；"
                 f"待确认 {total_uncertain} 处（YAML 中以“# 待确认”标出）")
    return lines
