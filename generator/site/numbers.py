"""The one number formatter of the generator: text, tables, charts, figures in text and the CSV.

Rules (SPEC §4.3, issue 15):
- decimals are fixed by the unit: % one (74.0), 个 none (1942), 万元 two (28.30); a number in
  another unit keeps the decimals it needs, at most two (8.9, 12.35);
- a number from content (a highlight card, as written in YAML) keeps the decimals its author wrote;
- thousands separators: none below 10,000 in running text (1942个, as official texts write it),
  from 1,000 in tables and charts where columns are compared, never in data files;
- a string (the redacted `*`, or text a source gives) is shown unchanged.
"""

from __future__ import annotations

import math

DECIMALS = {"%": 1, "个": 0, "万元": 2}
OTHER_UNIT_DECIMALS = 2
RUNNING_TEXT_GROUPING_FROM = 10_000
TABLE_GROUPING_FROM = 1_000


def decimals_for(unit: str) -> int | None:
    """Fixed decimals of a unit, or None: as many as the value needs (at most two)."""
    return DECIMALS.get(unit)


def format_number(value: float | int | str, unit: str = "", *, running_text: bool, as_written: bool = False, grouping: bool = True) -> str:
    """A number as the site shows it (without its unit); see the module docstring for the rules.

    running_text: inside a sentence or a card (separators from 10,000) or in a table or chart
    (from 1,000). as_written: the value comes from content, keep its own decimals.
    grouping=False: no separators at all (data files).
    """
    if isinstance(value, str):
        return value
    number = float(value)
    if math.isnan(number):
        return "—"
    if as_written:
        text = _as_written(value)
    else:
        decimals = decimals_for(unit)
        if decimals is None:
            text = f"{number:.{OTHER_UNIT_DECIMALS}f}".rstrip("0").rstrip(".")
        else:
            text = f"{number:.{decimals}f}"
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    if grouping:
        threshold = RUNNING_TEXT_GROUPING_FROM if running_text else TABLE_GROUPING_FROM
        if abs(number) >= threshold:
            text = _group(text)
    return text


def format_quantity(value: float | int | str, unit: str, *, running_text: bool) -> str:
    """A computed number followed by its unit, no space between (74.0%, 1942个, 12.30万元)."""
    if isinstance(value, str):
        return value
    return format_number(value, unit, running_text=running_text) + unit


def _as_written(value: float | int) -> str:
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    if "e" in text or "E" in text:  # 1e-05: written out, no exponent on a page
        text = f"{float(value):.12f}".rstrip("0").rstrip(".")
    return text


def _group(text: str) -> str:
    sign = "-" if text.startswith("-") else ""
    whole, dot, fraction = text.lstrip("-").partition(".")
    return f"{sign}{int(whole):,}{dot}{fraction}"
