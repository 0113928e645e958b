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
_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


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


_TOKEN = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>|([^<]+|<)", re.S)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _skipped(tag: str, attributes: list[tuple[str, str]]) -> bool:
    if tag in _SKIPPED:
        return True
    for name, value in attributes:
        if name == "data-search-exclude" or (name == "class" and _SKIPPED_CLASSES.intersection(value.split())):
            return True
    return False


@functools.lru_cache(maxsize=64)
def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<(/?){tag}(?=[\s/>])[^>]*>", re.I)


def _skip_element(markup: str, position: int, tag: str) -> int:
    """Where the element whose start tag ends at position ends (after its end tag)."""
    depth = 1
    for match in _tag_pattern(tag).finditer(markup, position):
        if match.group(1):
            depth -= 1
            if depth == 0:
                return match.end()
        elif not match.group(0).endswith("/>"):
            depth += 1
    return len(markup)


class _Collector:
    """Text of the HTML between headings, into the sections of a page.

    A small tokenizer, not html.parser (five times slower on these pages): the HTML is our
    templates' and the sanitizer's, so it is well formed; script and style are skipped whole.
    """

    def feed(self, markup: str) -> None:
        position = 0
        while position < len(markup):
            match = _TOKEN.match(markup, position)
            if match is None:  # not reached: the last alternative matches any character
                break
            position = match.end()
            closing, tag, attributes, self_closing, text = match.groups()
            if text is not None:
                self.handle_data(html.unescape(text))
            elif tag is None:
                continue  # a comment
            elif closing:
                self.handle_endtag(tag.lower())
            else:
                tag = tag.lower()
                values = [(m.group(1).lower(), html.unescape(next((g for g in m.groups()[1:] if g is not None), "")))
                          for m in _ATTRIBUTE.finditer(attributes)] if attributes.strip() else []
                if tag in _RAW_TEXT:
                    end = _RAW_TEXT[tag].search(markup, position)
                    position = end.end() if end else len(markup)
                    continue  # never text of the page
                if not self_closing and tag not in _VOID and _skipped(tag, values):
                    position = _skip_element(markup, position, tag)  # charts, tables, cards: not read token by token
                    if tag in _BLOCKS:
                        self._data("\n")
                    continue
                if self_closing:
                    self.handle_startendtag(tag, values)
                else:
                    self.handle_starttag(tag, values)

    def __init__(self) -> None:
        self.page = PageText(title="")
        self.section = Section("")
        self.page.sections.append(self.section)
        self._stack: list[tuple[str, str]] = []  # (tag, role): role "skip", "head", "heading" or ""
        self._skipping = 0
        self._head = 0
        self._heading: list[str] | None = None
        self._heading_level = 0
        self._pending_anchor = ""
        self._text: list[str] = []
        self._lead: list[str] = []

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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        role = ""
        if self._skipping or tag in _SKIPPED or "data-search-exclude" in values or classes & _SKIPPED_CLASSES:
            role = "skip"
            self._skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            role = "heading"
            self._flush()
            self._heading, self._heading_level = [], int(tag[1])
            if values.get("id"):
                self._pending_anchor = values["id"]
        elif classes & _HEAD_CLASSES:
            role = "head"
            self._head += 1
        if tag == "article" and values.get("id") and not self._skipping:
            self._flush()
            self.section = Section(values["id"] or "")
            self.page.sections.append(self.section)
        if tag in _BLOCKS or classes & _ITEM_CLASSES:
            self._data("\n")
        if tag not in _VOID:
            self._stack.append((tag, role))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and not self._skipping:
            self._data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            if tag == "br":
                self._data("\n")
            return
        while self._stack:
            open_tag, role = self._stack.pop()
            self._close(role)
            if open_tag == tag:
                break
        if tag in _BLOCKS:
            self._data("\n")

    def _close(self, role: str) -> None:
        if role == "skip":
            self._skipping -= 1
        elif role == "head":
            self._head -= 1
        elif role == "heading" and self._heading is not None:
            text, self._heading = "".join(self._heading), None
            anchor, self._pending_anchor = self._pending_anchor, ""
            self.heading(text, anchor, self._heading_level)

    def handle_data(self, data: str) -> None:
        self._data(data)

    def _data(self, data: str) -> None:
        if self._skipping:
            return
        if self._heading is not None:
            self._heading.append(data.replace("\n", " "))
        elif self._head:
            self._lead.append(data)
        else:
            self._text.append(data)

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
        while self._stack:
            self._close(self._stack.pop()[1])
        self._flush()
        self.page.sections = [s for s in self.page.sections if s.heading or s.text]


# --- normalisation and the index terms (the client does the same) -------------------


@functools.lru_cache(maxsize=65536)
def normal_char(ch: str) -> str:
    """One character as search compares it: NFKC, lower case, whitespace dropped; \\n kept (a boundary)."""
    if ch == "\n":
        return ch
    return "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if not c.isspace())


def normalize(text: str) -> str:
    if text.isascii():
        return "".join(c for c in text.lower() if c == "\n" or not c.isspace())
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
