"""Content text: Markdown with redaction stars, rendered to sanitized HTML.

Content is untrusted (SECURITY.md): raw HTML is refused by `jianbao check` and
escaped here anyway, links may only use safe schemes, and the result is passed
through an allow-list sanitizer before it reaches any page, PDF or file.
"""

from __future__ import annotations

import html as htmlmod
import json
import re
from typing import Callable

import nh3
from markupsafe import Markup, escape

# **bold** is a lead phrase; every other * or ＊ is a redacted figure, shown as is.
BOLD = re.compile(r"\*\*(?=[^*\s])([^*\n]+?)(?<=[^*\s])\*\*")
STAR = re.compile(r"[*＊]")
# A tag may span lines (`<img\nsrc=x onerror=…>`): these patterns run over the whole text.
RAW_HTML = re.compile(r"<\s*(/?\s*[A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
# Reference definitions: `[1]: javascript:…` links text elsewhere.
LINK_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*\n?[ \t]*<?([^\s>]+)", re.M)
SAFE_SCHEMES = {"http", "https", "mailto"}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "sup", "sub", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def count_redactions(text: str) -> int:
    """How many redacted figures (* not part of **bold**) a text holds."""
    return len(STAR.findall(BOLD.sub(r"\1", text)))


def _line_index(text: str, position: int) -> int:
    return text.count("\n", 0, position)


def find_raw_html(text: str) -> list[tuple[int, str]]:
    """(line index, tag) of the first raw HTML tag starting on each line of a text."""
    found: dict[int, str] = {}
    for match in RAW_HTML.finditer(text):
        found.setdefault(_line_index(text, match.start()), " ".join(match.group(0).split())[:40])
    return sorted(found.items())


def find_unsafe_links(text: str) -> list[tuple[int, str]]:
    """(line index, target) of every Markdown link or reference whose scheme is not allowed."""
    found = []
    for pattern in (LINK_TARGET, LINK_DEFINITION):
        for match in pattern.finditer(text):
            if not is_safe_url(match.group(1)):
                found.append((_line_index(text, match.start(1)), match.group(1)[:60]))
    return sorted(found)


def is_safe_url(url: str) -> bool:
    """A relative URL or one with an allowed scheme (escapes, entities and control characters undone first)."""
    unescaped = htmlmod.unescape(re.sub(r"\\(.)", r"\1", url))
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", unescaped).lower()
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
    import markdown as md  # scale: only when a fragment is rendered (not in `jianbao check`, nor for cached ones)

    source = protect_stars(text).replace("<", "&lt;")
    html = md.markdown(source, extensions=["sane_lists", "tables"], output_format="html")
    if inline:
        html = re.sub(r"^<p>(.*)</p>$", r"\1", html.strip(), flags=re.S)
    return Markup(sanitize_html(html))


def sanitize_html(html: str, tags: set[str] = ALLOWED_TAGS) -> str:
    """The allow-list sanitizer every piece of content HTML goes through."""
    return nh3.clean(
        html,
        tags=tags,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# Hand-written pages: ATX headings stay Markdown (page title, table of contents);
# everything between them becomes sanitized HTML, which MkDocs passes through.
_PAGE_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(```|~~~)")
_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")')
PAGE_TAGS = ALLOWED_TAGS | {"h1", "h2"}


def render_page(text: str, link: Callable[[str], str] = str) -> str:
    """A hand-written Markdown page made safe: headings as escaped Markdown, the rest sanitized HTML.

    `link` maps each link target (e.g. a relative `guide.md`) to its URL.
    """
    parts: list[str] = []
    chunk: list[str] = []
    fenced = False

    import markdown as md

    def flush() -> None:
        body = "\n".join(chunk).strip("\n")
        chunk.clear()
        if not body.strip():
            return
        html = md.markdown(body.replace("<", "&lt;"), extensions=["sane_lists", "tables", "fenced_code"], output_format="html")
        html = _HREF.sub(lambda m: m.group(1) + htmlmod.escape(link(htmlmod.unescape(m.group(2)))) + m.group(3), html)
        parts.append(f'<div class="jb-page-text">\n{sanitize_html(html, PAGE_TAGS)}\n</div>')

    title = None
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        heading = None if fenced else _PAGE_HEADING.match(line)
        if heading:
            flush()
            parts.append(f"{heading.group(1)} {md_escape(heading.group(2))}")
            if title is None and heading.group(1) == "#":
                title = heading.group(2)
        else:
            chunk.append(line)
    flush()
    # The title in front matter: else Material takes it from the heading through
    # `striptags`, which unescapes what md_escape escaped.
    front = f"---\ntitle: {front_matter_str(title)}\n---\n\n" if title is not None else ""
    return front + "\n\n".join(parts) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


def md_escape(value: str) -> Markup:
    """Plain text for a Markdown heading: one line, no Markdown or HTML meaning survives."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(_LINE_BREAK.sub(" ", str(value))))))


# What a YAML double-quoted scalar may not hold literally: MkDocs drops a front matter it
# cannot parse and renders it as Markdown text instead.
_YAML_ESCAPE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def front_matter_str(value: object) -> Markup:
    """A front-matter value (title, description): HTML-escaped, as a YAML double-quoted string.

    MkDocs themes render without autoescape: Material writes page.meta.title and
    page.meta.description into the HTML as they are, so they must already be HTML.
    """
    text = json.dumps(str(escape(str(value))), ensure_ascii=False)
    return Markup(_YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) < 0x10000 else f"\\U{ord(m.group(0)):08x}", text))


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


def runin_html(heading: str, body: str, points: list, css_class: str, expand: Callable[[str], str] = str,
               render: Callable[[str], Markup] = render_markdown) -> Markup:
    """A printed-style paragraph: the heading run into the first line of its text (render: a cached render_markdown)."""
    head = Markup('<span class="{}">{}</span>').format(css_class, lead_phrase(heading) if (body.strip() or points) else heading)
    text = section_markdown(body, points, expand)
    if not text:
        return Markup('<p class="jb-heading-only">{}</p>').format(head)
    html = str(render(text))
    if html.startswith("<p>"):
        return Markup("<p>" + str(head) + html[3:])
    return Markup("<p>" + str(head) + "</p>" + html)
