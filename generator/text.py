"""Content text: Markdown with redaction stars, rendered to sanitized HTML.

Content is untrusted (SECURITY.md): raw HTML is refused by `jianbao check` and
escaped here anyway, links may only use safe schemes, and the result is passed
through an allow-list sanitizer before it reaches any page, PDF or file.
"""

from __future__ import annotations

import re
from typing import Callable

import markdown as md
import nh3
from markupsafe import Markup, escape

# **bold** is a lead phrase; every other * or ＊ is a redacted figure, shown as is.
BOLD = re.compile(r"\*\*(?=[^*\s])([^*\n]+?)(?<=[^*\s])\*\*")
STAR = re.compile(r"[*＊]")
RAW_HTML = re.compile(r"<\s*(/?\s*[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
SAFE_SCHEMES = {"http", "https", "mailto"}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def count_redactions(text: str) -> int:
    """How many redacted figures (* not part of **bold**) a text holds."""
    return len(STAR.findall(BOLD.sub(r"\1", text)))


def find_raw_html(text: str) -> list[tuple[int, str]]:
    """(line index, tag) of every raw HTML tag in a text."""
    found = []
    for index, line in enumerate(text.splitlines() or [text]):
        match = RAW_HTML.search(line)
        if match:
            found.append((index, match.group(0)[:40]))
    return found


def find_unsafe_links(text: str) -> list[tuple[int, str]]:
    """(line index, target) of every Markdown link whose scheme is not allowed."""
    found = []
    for index, line in enumerate(text.splitlines() or [text]):
        for match in LINK_TARGET.finditer(line):
            if not is_safe_url(match.group(1)):
                found.append((index, match.group(1)[:60]))
    return found


def is_safe_url(url: str) -> bool:
    """A relative URL or one with an allowed scheme (control characters stripped first)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return scheme is None or scheme.group(1) in SAFE_SCHEMES


def protect_stars(text: str) -> str:
    """Escape every * that is not a **bold** marker so Markdown shows it literally."""
    parts = []
    last = 0
    for match in BOLD.finditer(text):
        parts.append(STAR.sub(lambda m: "\\" + m.group(0) if m.group(0) == "*" else m.group(0), text[last : match.start()]))
        parts.append("**" + match.group(1) + "**")
        last = match.end()
    parts.append(STAR.sub(lambda m: "\\" + m.group(0) if m.group(0) == "*" else m.group(0), text[last:]))
    return "".join(parts)


def render_markdown(text: str, *, inline: bool = False) -> Markup:
    """Content Markdown → sanitized HTML (a paragraph per block, or inline)."""
    source = protect_stars(text).replace("<", "&lt;")
    html = md.markdown(source, extensions=["sane_lists", "tables"], output_format="html")
    if inline:
        html = re.sub(r"^<p>(.*)</p>$", r"\1", html.strip(), flags=re.S)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def render_plain(text: str) -> Markup:
    """Plain text (titles, labels) → escaped HTML."""
    return escape(text)


def lead_phrase(lead: str) -> str:
    """A bold lead phrase ends with 。 unless it already ends with punctuation."""
    return lead if re.search(r"[。！？；：.!?;:…」”]$", lead) else lead + "。"


def section_markdown(body: str, points: list, expand: Callable[[str], str] = str) -> str:
    """A section's body and points as one Markdown text, leads in bold, run on."""
    parts = [expand(body).strip()] if body.strip() else []
    for point in points:
        lead = f"**{lead_phrase(point.lead)}**" if point.lead else ""
        parts.append(lead + expand(point.text).strip())
    return "".join(parts)


def runin_html(heading: str, body: str, points: list, css_class: str, expand: Callable[[str], str] = str) -> Markup:
    """A printed-style paragraph: the heading run into the first line of its text."""
    head = Markup('<span class="{}">{}</span>').format(css_class, lead_phrase(heading) if (body.strip() or points) else heading)
    text = section_markdown(body, points, expand)
    if not text:
        return Markup('<p class="jb-heading-only">{}</p>').format(head)
    html = str(render_markdown(text))
    if html.startswith("<p>"):
        return Markup("<p>" + str(head) + html[3:])
    return Markup("<p>" + str(head) + "</p>" + html)
