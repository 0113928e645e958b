"""Static SVG twins of charts with vl-convert, cached by spec; the local Vega bundle for interactive charts.

Fonts: vl-convert keeps its own font database (fontdb), which already scans the
system font folders (/usr/share/fonts, ~/.local/share/fonts …) at start-up, so
Debian's fonts-noto-cjk is found without `vl_convert.register_font_directory`.
The SVG twin keeps real `<text>` elements with the CJK font stack: the reader's
browser (or WeasyPrint, for the PDF) draws them with its own CJK font, the text
stays selectable, searchable and readable by screen readers, and the file stays
small (glyph outlines or an embedded CJK font would cost 1–2 KB per character
or several MB per chart). vl-convert uses the font only to measure labels.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import vl_convert as vlc

from generator.output.files import write_cache_file
from generator.site.chart_data import CJK_FONT_FAMILIES

SVG_FORMAT_VERSION = "1"  # bump when post-processing of rendered SVG changes
BUNDLE_PATH = "assets/javascripts/vega-bundle.js"


# --- rendering (vl-convert) -------------------------------------------------


@functools.cache
def altair_schema_version() -> str:
    """The Vega-Lite schema version Altair writes ("6.4.1"), read from its files: importing Altair costs ~0.6 s."""
    spec = importlib.util.find_spec("altair")
    if spec is not None and spec.origin:
        for init in sorted(Path(spec.origin).parent.glob("vegalite/v*/schema/__init__.py"), reverse=True):
            match = re.search(r'^SCHEMA_VERSION = "v([0-9.]+)"', init.read_text(encoding="utf-8"), re.M)
            if match:
                return match.group(1)
    import altair

    return altair.SCHEMA_VERSION.lstrip("v")


@functools.cache
def vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes, as vl-convert names it (e.g. "6.4"), if bundled."""
    major_minor = ".".join(altair_schema_version().split(".")[:2])
    return major_minor if major_minor in vlc.get_vegalite_versions() else None


def render_svg(vega_lite_spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to SVG with vl-convert; external data URLs are refused."""
    svg = vlc.vegalite_to_svg(
        vega_lite_spec, vl_version=vega_lite_version(), allowed_base_urls=[]
    )
    return svg.strip() + "\n"


@functools.cache
def find_cjk_font() -> str | None:
    """Return the first family of the chart font stack that vl-convert can draw, if any."""
    blank = vlc.svg_to_png(_probe_svg(None))
    for family in CJK_FONT_FAMILIES:
        if vlc.svg_to_png(_probe_svg(family)) != blank:
            return family
    return None


def _probe_svg(family: str | None) -> str:
    text = f'<text x="0" y="16" font-size="16" font-family="{family}">中文</text>' if family else ""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        f'<rect width="40" height="20" fill="white"/>{text}</svg>'
    )


def spec_key(vega_lite_spec: dict[str, Any]) -> str:
    """Return the cache key of a spec: SHA-256 of its canonical JSON and the renderer versions."""
    canonical = json.dumps(
        vega_lite_spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    # The font changes label measurement, so a newly installed font invalidates the cache.
    salt = (
        f"vl-convert {vlc.__version__}|vega-lite {vega_lite_version()}"
        f"|svg {SVG_FORMAT_VERSION}|font {find_cjk_font()}"
    )
    return hashlib.sha256(f"{salt}\n{canonical}".encode()).hexdigest()


class ChartRenderer:
    """Render each distinct spec once per build, reusing `<hash>.svg` files in a cache folder."""

    def __init__(
        self,
        cache_dir: Path,
        render: Callable[[dict[str, Any]], str] = render_svg,
        pending: dict[Path, str | bytes] | None = None,
    ) -> None:
        self.cache_dir = Path(cache_dir)
        self.pending = pending  # new SVGs are put here, for phase two to write (None: written at once)
        self.renders = 0  # how many specs were actually rendered (cache misses)
        self._render = render
        self._memory: dict[str, str] = {}

    def svg(self, vega_lite_spec: dict[str, Any]) -> str:
        """Return the SVG of a spec, from memory, the cache folder or a fresh render."""
        key = spec_key(vega_lite_spec)
        if key in self._memory:
            return self._memory[key]
        path = self.cache_dir / f"{key}.svg"
        svg = read_cached_svg(path)
        if svg is None:  # missing, or damaged (truncated, garbage): render again
            svg = self._render(vega_lite_spec)
            self.renders += 1
            keep_cache_file(path, svg, self.pending)
        self._memory[key] = svg
        return svg


def read_cached_svg(path: Path) -> str | None:
    """A cached SVG if it is complete and well-formed, with nothing that could run; else None."""
    try:
        svg = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not svg.lstrip().startswith("<svg") or not svg.rstrip().endswith("</svg>"):
        return None
    try:
        root = ElementTree.fromstring(svg)
    except ElementTree.ParseError:
        return None
    for element in root.iter():
        tag = str(element.tag).rsplit("}", 1)[-1].lower()
        if tag in ("script", "foreignobject") or any(str(a).rsplit("}", 1)[-1].lower().startswith("on") for a in element.attrib):
            return None
    return svg


def keep_cache_file(path: Path, text: str, pending: dict[Path, str | bytes] | None) -> None:
    """A new cache file: put aside for phase two, or written now when nothing gathers them."""
    if pending is not None:
        pending[path] = text
    else:
        write_cache_file(path, text)


# --- local JavaScript -------------------------------------------------------


def write_vega_bundle(dest_dir: Path) -> list[str]:
    """Write vega, vega-lite and vega-embed as one classic script; return the paths written."""
    path = Path(dest_dir) / BUNDLE_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vega_bundle(), encoding="utf-8", newline="\n")
    return [BUNDLE_PATH]


def cached_vega_bundle(cache_dir: Path, pending: dict[Path, str | bytes] | None = None) -> str:
    """The bundle, kept on disk per vl-convert version (building it takes seconds)."""
    path = Path(cache_dir) / f"vega-bundle-{vlc.__version__}-{vega_lite_version()}.js"
    try:
        cached = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        cached = ""
    if cached.startswith("/* vega ") and cached.endswith(BUNDLE_END):  # else missing or damaged
        return cached
    text = vega_bundle()
    keep_cache_file(path, text, pending)
    return text


@functools.cache
def vega_bundle() -> str:
    """Return the bundle text: globals `vegaEmbed`, `vega`, `vegaLite`; no imports, no CDN."""
    body = vlc.javascript_bundle(vl_version=vega_lite_version())
    header = (
        f"/* vega {vlc.get_vega_version()}, vega-lite {vega_lite_version() or 'latest'}, "
        f"vega-embed {vlc.get_vega_embed_version()}: BSD-3-Clause, "
        "Copyright (c) University of Washington Interactive Data Lab; "
        "bundled with their dependencies (d3: ISC) by vl-convert "
        f"{vlc.__version__}. https://github.com/vega */\n"
    )
    # The bundle declares top-level consts; a function scope keeps them off the global scope
    # so they cannot clash with other classic scripts on the page.
    return f"{header}(function () {{\n{body.strip()}{BUNDLE_END}"


BUNDLE_END = "\n}).call(window);\n"
