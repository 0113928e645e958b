"""Pydantic validation errors of data files (sidecars, indicators.yml) as problems at their YAML positions."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from generator.errors import Level, Problem
from generator.content.yamlsrc import Document

# ---------------------------------------------------------------- pydantic errors at YAML positions


def data_loc(data: Any, loc: tuple) -> tuple:
    """A pydantic error location as a path into the data: union tags dropped."""
    path: tuple = ()
    node = data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif index == len(loc) - 1 and isinstance(node, dict):
            path += (part,)  # a missing or unknown key: keep its name
            break
        else:
            continue
        path += (part,)
    return path


def validation_problems(exc: ValidationError, document: Document, base: tuple = ()) -> list[Problem]:
    """Turn pydantic errors into Chinese problems placed at the offending YAML node."""
    problems = []
    for err in exc.errors(include_url=False):
        path = base + data_loc(document.data if not base else _at(document.data, base), tuple(err["loc"]))
        if err["type"] == "extra_forbidden":
            line, column = document.where.at(path, key=True)
        elif err["type"] == "missing":
            line, column = document.where.at(path[:-1])
        elif err["type"] == "union_tag_invalid":  # point at the tag's value, not the mapping
            tag = str((err.get("ctx") or {}).get("discriminator", "")).strip("'")
            line, column = document.where.at((*path, tag))
        else:
            line, column = document.where.at(path)
        problems.append(Problem(document.path, line, column, Level.ERROR, pydantic_message(err, path)))
    return problems


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def pydantic_message(err: Any, path: tuple) -> str:
    """One pydantic error in Chinese."""
    kind = err["type"]
    names = [p for p in path if isinstance(p, str)]
    name = names[-1] if names else "值"
    given = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return f"未知字段“{name}”"
    if kind == "missing":
        return f"缺少必填字段“{err['loc'][-1]}”"
    if kind == "union_tag_invalid":
        tag = ctx.get("discriminator", "").strip("'")
        expected = "、".join(re.findall(r"'([^']*)'", str(ctx.get("expected_tags", ""))))
        return f"“{tag}”应为 {expected} 之一，实际为“{ctx.get('tag')}”"
    if kind == "union_tag_not_found":
        tag = ctx.get("discriminator", "").strip("'")
        return f"缺少字段“{tag}”" if tag.isidentifier() else f"“{name}”的写法无法识别"
    if kind == "literal_error":
        expected = "、".join(f"“{e}”" for e in re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"“{name}”应为{expected}之一，实际为“{given}”"
    if kind in ("string_type", "str_type"):
        return f"“{name}”应为文本"
    if kind.startswith("bool"):
        return f"“{name}”应为 true 或 false"
    if kind.startswith("int"):
        return f"“{name}”应为整数"
    if kind.startswith("float") or kind == "finite_number":
        return f"“{name}”应为数字"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"“{name}”应为映射（键: 值）"
    if kind == "list_type":
        return f"“{name}”应为列表"
    if kind in ("too_short", "string_too_short"):
        return f"“{name}”不能为空"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if re.search(r"[\u4e00-\u9fff]", err["msg"]):  # custom errors carry their Chinese message
        return err["msg"]
    return f"“{name}”的值无效"
