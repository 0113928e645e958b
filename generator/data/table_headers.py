"""A table's header row: found among the first rows; names, synonyms and units read (full- or half-width brackets)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from generator.data.table_schema import HEADERS, HEADER_SCAN_ROWS, HEADER_SYNONYMS, MONEY_HEADERS, REQUIRED, UNITS

# ---------------------------------------------------------------- headers


@dataclass
class Header:
    """What the header row of one table says."""

    line: int
    columns: dict[str, int]  # canonical name -> 0-based column position
    units: dict[str, float]
    problems: list[tuple[int, int, str]]  # (line, 1-based column, message)
    fatal: bool
    unnamed: list[int]  # 0-based positions of columns with no header


def normalize_header(text: str) -> str:
    """Drop all whitespace, make parentheses ASCII."""
    return re.sub(r"\s+", "", text).replace("（", "(").replace("）", ")")


def split_header(text: str) -> tuple[str | None, str | None]:
    """(canonical name or None, unit or None) of one header cell."""
    norm = normalize_header(text)
    if norm in HEADERS:
        return norm, None
    if norm in HEADER_SYNONYMS:
        return HEADER_SYNONYMS[norm], None
    match = re.fullmatch(r"(.+?)\((.*)\)", norm)
    if not match:
        return None, None
    name = HEADER_SYNONYMS.get(match[1], match[1])
    return (name, match[2]) if name in HEADERS else (None, None)


def find_header_row(cells: pd.DataFrame, candidates: np.ndarray) -> int | None:
    """Position of the first of the first rows that names at least three known columns."""
    for pos in candidates[:HEADER_SCAN_ROWS]:
        known = sum(split_header(v)[0] is not None for v in cells.iloc[pos] if v.strip())
        if known >= 3:
            return int(pos)
    return None


def read_header(values: list[str], data: pd.DataFrame, line: int) -> Header:
    """Map header cells to columns; unknown, duplicate, missing or unit errors at the header line."""
    columns: dict[str, int] = {}
    units: dict[str, float] = {}
    problems: list[tuple[int, int, str]] = []
    fatal = False
    unnamed = [pos for pos in data.columns if pos >= len(values) or not values[pos].strip()]
    for pos, text in enumerate(values):
        col = pos + 1
        if not text.strip():
            continue
        name, unit = split_header(text)
        if name is None:
            problems.append((line, col, f"未知的列“{text.strip()}”"))
            continue
        if name in columns:
            problems.append((line, col, f"重复的列“{name}”（第 {columns[name] + 1} 列已有）"))
            continue
        columns[name] = pos
        if unit is None:
            units[name] = 1.0
        elif name not in MONEY_HEADERS:
            problems.append((line, col, f"“{name}”不应带单位“{unit}”"))
        elif unit in UNITS:
            units[name] = UNITS[unit]
        else:
            problems.append((line, col, f"“{name}”的单位“{unit}”无法识别，应为万元、元或千元"))
            fatal = True
    for name in REQUIRED:
        if name not in columns:
            problems.append((line, 0, f"缺少必需的列“{name}”"))
            fatal = True
    return Header(line, columns, units, problems, fatal, unnamed)
