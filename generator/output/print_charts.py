"""Print twins of the charts: SVGs drawn at the width of the type area with legible labels.

The site's SVG twin is drawn for a ~700 px screen column; scaled into the 156 mm
type area its 11 px labels print at about 7 pt. The standalone HTML (and so the
PDF, rendered from it) carries a second rendering of the same Vega-Lite spec,
fitted to the type area, with labels of 12 px or more: at 96 px per inch and
drawn at scale ≥ 1 that is ≥ 9 pt on paper.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any, Protocol

from generator.site.chart_embed import prefix_svg_ids

# 156 mm at 96 px/in is 589.6 px; a little less, so the SVG is never scaled down to fit.
PRINT_WIDTH_PX = 588
MIN_LABEL_PX = 12  # 9 pt
PRINT_CONFIG: dict[str, dict[str, Any]] = {
    "axis": {"labelFontSize": 12, "titleFontSize": 13},
    "legend": {"labelFontSize": 12, "titleFontSize": 13},
    "title": {"fontSize": 15, "subtitleFontSize": 13},
    "text": {"fontSize": 12},
    "header": {"labelFontSize": 12, "titleFontSize": 13},
}

_FIGURE = re.compile(
    r'(?P<head><figure class="jb-chart" id="(?P<id>[A-Za-z0-9_-]+)"[^>]*>\n<div class="jb-chart-static">)'
    r"(?P<svg>.*?)"
    r'(?P<tail></div>\n<div class="jb-chart-view"></div>\n'
    r'<script type="application/json" class="jb-chart-spec"[^>]*>(?P<spec>.*?)</script>)',
    re.S,
)


class SvgRenderer(Protocol):
    def svg(self, vega_lite_spec: dict[str, Any]) -> str: ...


def print_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec fitted to the type area's width (axes, legend and padding included), print font sizes."""
    printed = copy.deepcopy(spec)
    config = printed.setdefault("config", {})
    for part, sizes in PRINT_CONFIG.items():
        config[part] = {**config.get(part, {}), **sizes}
    printed["width"] = PRINT_WIDTH_PX
    printed["autosize"] = {"type": "fit-x", "contains": "padding"}
    return printed


def render_print_charts(html: str, renderer: SvgRenderer | None) -> str:
    """Replace the screen SVG twin of every chart figure by its print twin."""
    if renderer is None:
        return html

    def replace(match: re.Match[str]) -> str:
        spec = json.loads(match.group("spec"))  # script_json: JSON with <, > and & escaped as \u00xx
        svg = renderer.svg(print_spec(spec)).strip()
        return match.group("head") + prefix_svg_ids(svg, match.group("id")) + match.group("tail")

    return _FIGURE.sub(replace, html)
