"""A page's text as the reader sees it, for search: title, lead and sections with their anchors.

The generated Markdown pages are front matter, ATX headings (`## 一、标题 { #s1 }`) and
HTML blocks (content Markdown is already rendered and sanitized by the templates), and
hand-written pages are made of the same pieces (text.render_page). So the text is taken
from the page exactly as MkDocs will show it, without running MkDocs: headings from the
heading lines, everything else from the HTML. Left out, as not being the page's own
content: elements marked `data-search-exclude` (charts, indicator tables, lists that
repeat other pages), `<nav>` and breadcrumbs, scripts and styles.

Normalisation (`normalize`) is shared with the browser client (search.js does the same,
character by character): NFKC, lower case, whitespace dropped; every character that is not
a letter or a digit separates phrases, and so does a block boundary ("\\n").
"""

from __future__ import annotations

import functools
import html
import json
import operator
import re
import unicodedata
from dataclasses import dataclass, field

TITLE, HEAD, BODY = 0, 1, 2  # zones, best first: title; headings, summary and lead; the rest

_HEADING_LINE = re.compile(r"^(#{1,6})[ \t]+(.*?)(?:[ \t]*\{[ \t]*#([^\s}]+)[^}]*\})?(?:[ \t]+#+)?[ \t]*$")
_MD_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~>])")
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.*)$", re.M)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
_BLOCKS = frozenset("address article aside blockquote br dd div dl dt figcaption figure footer form h1 h2 h3 h4 h5 h6 "
                    "header hr li main ol p pre section table tbody td tfoot th thead tr ul".split())
_SKIPPED = frozenset("script style svg noscript template nav button select textarea".split())
_SKIPPED_CLASSES = frozenset({"jb-breadcrumb", "jb-issue-nav"})
_HEAD_CLASSES = frozenset({"jb-summary", "jb-lead"})
_ITEM_CLASSES = frozenset({"jb-tag"})  # inline elements shown as separate items: no phrase across them


@dataclass
class Section:
    anchor: str  # "" for the top of the page
    heading: str = ""
    text: str = ""


@dataclass
class PageText:
    title: str
    lead: str = ""  # summary and lead: ranked with the headings
    sections: list[Section] = field(default_factory=list)


def page_text(markdown: str) -> PageText:
    """The searchable text of one generated or hand-written page."""
    front, body = _split_front_matter(markdown)
    title = _front_title(front)
    collector = _Collector()
    toc_ids: list[str] = []
    chunk: list[str] = []
    fenced = False
    for line in body.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _HEADING_LINE.match(line)
        if heading is None:
            chunk.append(line)
            continue
        collector.feed("\n".join(chunk))
        chunk.clear()
        text = html.unescape(_MD_UNESCAPE.sub(r"\1", heading.group(2))).strip()
        anchor = heading.group(3) or _toc_id(text, toc_ids)
        toc_ids.append(anchor)
        level = len(heading.group(1))
        collector.heading(text, "" if level == 1 and not heading.group(3) else anchor, level=level)  # the title: the page's top
    collector.feed("\n".join(chunk))
    collector.close()
    page = collector.page
    page.title = title or page.title
    return page


def _split_front_matter(markdown: str) -> tuple[str, str]:
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end >= 0:
            return markdown[4:end], markdown[end + 5:]
    return "", markdown


def _front_title(front: str) -> str:
    match = _FRONT_TITLE.search(front)
    if not match:
        return ""
    value = match.group(1).strip()
    if value.startswith('"'):
        try:
            value = json.loads(value)
        except ValueError:
            value = value.strip('"')
    return clean(html.unescape(value))  # front matter titles are HTML (text.front_matter_str)


def _toc_id(text: str, used: list[str]) -> str:
    """The id Python-Markdown's toc extension gives a heading without one (slugify, then unique)."""
    from markdown.extensions.toc import slugify, unique

    return unique(slugify(text, "-"), set(used))


def clean(text: str) -> str:
    """Runs of spaces as one space, lines trimmed, no empty lines."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}
# The start tags that matter; the HTML between them only becomes text (block tags: line breaks).
_INTERESTING = re.compile(
    r"<(h[1-6]|article|" + "|".join(sorted(_SKIPPED)) + r"|[a-zA-Z][a-zA-Z0-9]*(?=[^>]*(?:data-search-exclude|class=\"[^\"]*\b(?:"
    + "|".join(sorted(_SKIPPED_CLASSES | _HEAD_CLASSES | _ITEM_CLASSES)) + r")\b)))(?=[\s/>])([^>]*?)(/?)>", re.I)
_BLOCK_TAG = re.compile(r"</?(?:" + "|".join(sorted(_BLOCKS)) + r")(?=[\s/>])[^>]*>", re.I)
_ANY_TAG = re.compile(r"<!--.*?-->|<[^>]*>", re.S)


def _skipped(tag: str, attributes: dict[str, str]) -> bool:
    return tag in _SKIPPED or "data-search-exclude" in attributes or bool(_SKIPPED_CLASSES.intersection(attributes.get("class", "").split()))


@functools.lru_cache(maxsize=64)
def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.I)


def _element_end(markup: str, position: int, tag: str) -> tuple[int, int]:
    """For the element whose start tag ends at position: where its content ends and where its end tag ends."""
    depth = 1
    for match in _tag_pattern(tag).finditer(markup, position):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.start(), match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return len(markup), len(markup)


def _plain(markup: str) -> str:
    """HTML without tags: block tags as line breaks, entities decoded."""
    text = _ANY_TAG.sub("", _BLOCK_TAG.sub("\n", markup)) if "<" in markup else markup
    return html.unescape(text) if "&" in text else text


class _Collector:
    """Text of the HTML between headings, into the sections of a page.

    Not html.parser (ten times slower on these pages): the HTML is our templates' and the
    sanitizer's, so it is well formed. Only the start tags that matter are looked at (headings,
    articles, what is left out, summary and lead); the markup between them is stripped in bulk.
    """

    def __init__(self) -> None:
        self.page = PageText(title="")
        self.section = Section("")
        self.page.sections.append(self.section)
        self._text: list[str] = []
        self._lead: list[str] = []

    def feed(self, markup: str) -> None:
        position = 0
        while True:
            match = _INTERESTING.search(markup, position)
            if match is None:
                self._text.append(_plain(markup[position:]))
                return
            self._text.append(_plain(markup[position:match.start()]))
            tag, self_closing = match.group(1).lower(), match.group(3)
            attributes = {m.group(1).lower(): html.unescape(next((g for g in m.groups()[1:] if g is not None), ""))
                          for m in _ATTRIBUTE.finditer(match.group(2))}
            position = match.end()
            if tag in _RAW_TEXT:
                end = _RAW_TEXT[tag].search(markup, position)
                position = end.end() if end else len(markup)
                continue  # never text of the page
            if self_closing:
                continue
            classes = set(attributes.get("class", "").split())
            if _skipped(tag, attributes):
                position = _element_end(markup, position, tag)[1]  # charts, tables, cards, navigation
                self._text.append("\n")
            elif tag[0] == "h" and tag[1:].isdigit():
                inner, position = _element_end(markup, position, tag)
                self.heading(_plain(markup[match.end():inner]).replace("\n", " "), attributes.get("id", ""), int(tag[1]))
            elif classes & _HEAD_CLASSES:
                inner, position = _element_end(markup, position, tag)
                self._flush()
                self._lead.append(_plain(markup[match.end():inner]))
                self._flush()
            elif tag == "article" and attributes.get("id"):
                self._flush()
                self.section = Section(attributes["id"])
                self.page.sections.append(self.section)
            elif classes & _ITEM_CLASSES:
                self._text.append("\n")

    # headings from Markdown lines and from HTML both end up here
    def heading(self, text: str, anchor: str, level: int) -> None:
        self._flush()
        text = clean(text)
        if level == 1 and not self.page.title:
            self.page.title = text
        if self.section.heading or self.section.text or (anchor and anchor != self.section.anchor and self.section.anchor):
            self.section = Section(anchor or self.section.anchor)
            self.page.sections.append(self.section)
        elif anchor:
            self.section.anchor = anchor
        self.section.heading = text

    def _flush(self) -> None:
        if self._text:
            text = clean("".join(self._text))
            if text:
                self.section.text = f"{self.section.text}\n{text}" if self.section.text else text
            self._text.clear()
        if self._lead:
            text = clean("".join(self._lead))
            if text:
                self.page.lead = f"{self.page.lead}\n{text}" if self.page.lead else text
            self._lead.clear()

    def close(self) -> None:
        self._flush()
        self.page.sections = [s for s in self.page.sections if s.heading or s.text]


# --- normalisation and the index terms (the client does the same) -------------------


# Quotation and title marks are dropped like spaces: a reader types 土字号特色产业 for “土字号”特色产业
# (search.js drops the same characters).
QUOTES = frozenset("“”‘’「」『』《》〈〉\"'")


@functools.lru_cache(maxsize=65536)
def normal_char(ch: str) -> str:
    """One character as search compares it: NFKC, lower case, whitespace and QUOTES dropped; \\n kept (a boundary)."""
    if ch == "\n":
        return ch
    return "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if not c.isspace() and c not in QUOTES)


def normalize(text: str) -> str:
    if text.isascii():
        return "".join(c for c in text.lower() if c == "\n" or not (c.isspace() or c in QUOTES))
    return "".join(map(normal_char, text))


_SEPARATORS = re.compile(r"[^\w]+|_+")


def phrases(text: str) -> list[str]:
    """The runs of letters and digits of a normalised text (what a query term must lie inside)."""
    return [run for run in _SEPARATORS.split(text) if run]


def terms_of(text: str) -> set[str]:
    """The index terms of a normalised text: each character, and each pair of neighbours within a run."""
    terms: set[str] = set()
    for run in phrases(text):
        terms.update(run)
        terms.update(map(operator.add, run, run[1:]))
    return terms
