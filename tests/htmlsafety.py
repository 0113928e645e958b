"""Checks that built HTML (and PDF) can run nothing but our own scripts (SECURITY.md).

Used by the XSS tests and the fuzz tests: every finding is a short string, so a test
asserts `findings(...) == []` and a failure lists them all.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
from pathlib import Path
import zlib
from typing import Iterable

import warnings

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning
from bs4.element import Tag

# Elements that load or run something, or change where links go.
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "base",
    "foreignobject", "animate", "set", "handler", "listener",
}
# Forms are part of Material's chrome (search box, toggles), never of content.
FORM_TAGS = {"form", "input", "button", "textarea", "select"}
URL_ATTRIBUTES = {
    "href", "src", "xlink:href", "action", "formaction", "data", "poster", "background", "srcset",
    "ping", "cite", "codebase", "archive", "lowsrc", "dynsrc", "manifest", "icon", "longdesc",
}
SAFE_SCHEMES = {"http", "https", "mailto"}

# Our scripts: Material's bundle, vega-bundle.js, charts.js, cases.js, search.js, file-url.js (all local
# files), and the case data of the cases index (cases-data.js, checked by data_script_findings).
OUR_SCRIPT_SOURCES = re.compile(
    r"^/?(?:\.\./|\./)*(?:[^:/?#]+/)*assets/javascripts/"
    r"(?:bundle\.[0-9a-f]+\.min\.js|vega-bundle\.js|charts\.js|cases\.js|search\.js|file-url\.js)$"
    r"|^(?:\./)?cases-data\.js$"
)
DATA_SCRIPT = re.compile(r"\Awindow\.jianbaoCases = (\{.*\});\n\Z", re.S)
# Material's own inline scripts, with the relative root path taken out.
MATERIAL_INLINE = re.compile(r'new URL\("[./]*"')


def normalize_inline_script(text: str) -> str:
    return MATERIAL_INLINE.sub('new URL("ROOT"', text.strip())


def _scheme(url: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", htmlmod.unescape(url)).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def _where(tag: Tag) -> str:
    return f"<{tag.name}>"


def findings(html: str, *, known_inline: Iterable[str] = (), trusted_styles: Iterable[str] = ()) -> list[str]:
    """Everything in a page that could run code or was not put there by us."""
    known = {normalize_inline_script(text) for text in known_inline}
    styles = {text.strip() for text in trusted_styles}
    with warnings.catch_warnings():  # feed.xml is checked like a page
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "html.parser")
    found: list[str] = []
    content = soup.select_one(".md-content") or soup  # a site page's content area, else everything
    for tag in content.find_all(FORM_TAGS):
        found.append(f"form element {_where(tag)} in content")
    for tag in soup.find_all(True):
        name = tag.name.lower()
        if name in FORBIDDEN_TAGS:
            found.append(f"forbidden element {_where(tag)}")
        if name == "meta" and str(tag.get("http-equiv", "")).lower() == "refresh":
            found.append("meta refresh")
        if name == "style":
            in_head = tag.find_parent("head") is not None
            if not in_head or (styles and (tag.string or "").strip() not in styles):
                found.append("style element from content")
        if name == "script":
            problem = _script_problem(tag, known)
            if problem:
                found.append(problem)
        for attribute, value in tag.attrs.items():
            key = attribute.lower()
            text = " ".join(value) if isinstance(value, list) else str(value)
            if key.startswith("on"):
                found.append(f"event handler {key}= on {_where(tag)}")
            if key in URL_ATTRIBUTES or key.endswith(":href"):
                urls = [part.strip().split(" ")[0] for part in text.split(",")] if key == "srcset" else [text]
                for url in urls:
                    scheme = _scheme(url)
                    if scheme and scheme not in SAFE_SCHEMES and not (scheme == "data" and name == "img" and url.startswith("data:image/")):
                        found.append(f"{scheme}: URL in {key}= on {_where(tag)}")
            if key == "style" and re.search(r"javascript:|expression\s*\(|url\s*\(", htmlmod.unescape(text), re.I):
                found.append(f"active style= on {_where(tag)}")
    return found


def _script_problem(tag: Tag, known_inline: set[str]) -> str | None:
    src = tag.get("src")
    kind = str(tag.get("type", "")).lower()
    text = tag.string or ""
    if src is not None:
        if OUR_SCRIPT_SOURCES.match(str(src)) and not text.strip():
            return None
        return f"script src={src!r}"
    if kind == "application/json":
        classes = tag.get("class") or []
        if tag.get("id") == "__config" or "jb-chart-spec" in classes:
            try:
                json.loads(text)
            except ValueError:
                return "a JSON block that is not JSON (was it cut by an injected </script>?)"
            return None
        return "unknown JSON script block"
    if normalize_inline_script(text) in known_inline:
        return None
    return f"inline script {text[:60]!r}"


def data_script_findings(text: str) -> list[str]:
    """A generated data script must be one assignment of JSON in which nothing can end a string or a script."""
    match = DATA_SCRIPT.match(text)
    if not match:
        return ["a data script that is not one assignment of an object"]
    found = [f"raw {char!r} in a data script" for char in ("<", ">", "&", "\u2028", "\u2029") if char in match.group(1)]
    try:
        json.loads(match.group(1))
    except ValueError:
        found.append("a data script whose value is not JSON")
    return found


SEARCH_FILE = re.compile(r"^JBS\.([dpmsw])\((?:(\d+),)?(.*)\);\n$", re.S)


def search_index_findings(site: Path) -> list[str]:
    """Every search index file is one call of JBS with a JSON value: content cannot add code to it.

    (search.js puts the texts into the page as text nodes, never as HTML.)
    """
    found = []
    for path in sorted((site / "search").rglob("*.js")):
        match = SEARCH_FILE.match(path.read_text(encoding="utf-8"))
        try:
            json.loads(match.group(3)) if match else None
        except ValueError:
            match = None
        if match is None:
            found.append(f"search index {path.relative_to(site)}: not a single JBS call with JSON")
    return found


def pdf_findings(data: bytes) -> list[str]:
    """Actions that run or open something in a PDF: JavaScript, launch, forms, non-web URIs."""
    texts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            continue
        try:
            texts.append(zlib.decompress(data[start:end]))
        except zlib.error:
            continue
    found = []
    for text in texts:
        for key in (rb"/JavaScript", rb"/JS\b", rb"/Launch", rb"/SubmitForm", rb"/ImportData", rb"/RichMedia", rb"/EmbeddedFile"):
            if re.search(key, text):
                found.append(f"PDF action {key.decode()}")
        for uri in re.findall(rb"/URI\s*\(([^)]*)\)", text):
            scheme = _scheme(uri.decode("latin-1"))
            if scheme and scheme not in SAFE_SCHEMES:
                found.append(f"PDF link {uri[:60]!r}")
    return found
