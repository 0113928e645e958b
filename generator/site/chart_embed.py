"""A chart in a page: its <figure> with the static SVG twin, the spec for the interactive view, the source line."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from generator.site.typography import no_orphan


_CHART_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_SVG_ID = re.compile(r'\bid="([^"]+)"')


def chart_html(spec_dict: dict[str, Any], svg: str, chart_id: str, source_line: str) -> str:
    """Return the `<figure>` of a chart: static SVG twin, Vega-Lite spec as JSON, source line."""
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"invalid chart id {chart_id!r}")
    return (
        # Focusable: on a phone the chart keeps its size (text ≥ 11 px) and scrolls sideways.
        f'<figure class="jb-chart" id="{chart_id}" tabindex="0" data-search-exclude="true">\n'
        f'<div class="jb-chart-static">{prefix_svg_ids(svg.strip(), chart_id)}</div>\n'
        '<div class="jb-chart-view"></div>\n'
        f'<script type="application/json" class="jb-chart-spec" id="{chart_id}-spec">'
        f"{script_json(spec_dict)}</script>\n"
        '<figcaption class="jb-chart-source">'
        f"{no_orphan(source_line)}</figcaption>\n"
        "</figure>"
    )


def format_source_line(source: str, as_of: date | None) -> str:
    """Return the caption under a chart: 数据来源：…，截至2022年12月31日."""
    line = f"数据来源：{source}"
    if as_of is not None:
        line += f"，截至{as_of.year}年{as_of.month}月{as_of.day}日"
    return line


def script_json(value: Any) -> str:
    """Serialise to JSON that is safe inside `<script>`: no `<`, `>` or `&` appear literally."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def prefix_svg_ids(svg: str, prefix: str) -> str:
    """Make ids inside an inline SVG unique on the page (clip paths, gradients)."""
    ids = sorted(set(_SVG_ID.findall(svg)), key=len, reverse=True)
    for old in ids:
        new = f"{prefix}-{old}"
        svg = svg.replace(f'id="{old}"', f'id="{new}"')
        svg = svg.replace(f"url(#{old})", f"url(#{new})")
        svg = svg.replace(f'href="#{old}"', f'href="#{new}"')
    return svg


