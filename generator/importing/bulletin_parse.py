"""Parse the text of a past 简报 into a typed bulletin: pure functions, no disk access.

Input is a list of `Line`s (text lines of a .txt, paragraphs of a .docx) with bold
runs already written as **…**. The layout follows the printed 简报: masthead,
期号 line, issuer and date, title, body, 报尾 (发/送 … 印发).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace

# Matching works on a copy with full-width digits, brackets and colons made
# half-width: one character for one, so positions still point into the original.
_HALF = str.maketrans("０１２３４５６７８９（）：；　", "0123456789():; ")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "〇○零一二三四五六七八九十百两"

NUMBER = re.compile(rf"第\s*([0-9]+|[{_CN}]+)\s*期")
TOTAL = re.compile(rf"\(?\s*总\s*第\s*([0-9]+|[{_CN}]+)\s*期\s*\)?")
DATE = re.compile(
    r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
    r"|([〇○零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日"
)
CLASSIFICATION = re.compile(r"^\(?\s*(绝密|机密|秘密|内部资料|内部刊物|内部文件|内部材料|注意保存)")
DISTRIBUTION = re.compile(r"^(发|送|报|抄送|抄报|增发|分送|主送|报送)\s*[:]\s*(.*)$")
PRINTED = re.compile(rf"^([^，。；,;]{{0,40}}?)\s*({DATE.pattern})\s*印\s*发\s*$")  # office, date
COPIES = re.compile(r"\(\s*共印\s*(\d+)\s*份\s*\)")
PAGE_NUMBER = re.compile(r"^[\s\-—–－―~～]*[0-9０-９]{1,3}[\s\-—–－―~～]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
RULE = re.compile(r"^[\s\-—–－―─━═_＿=＝~～·.。*＊]{3,}$")  # ──── ——— ___ : a printed rule, not text
EDITOR = re.compile(r"^[(（]?\s*(?:本期)?责任编辑\s*[:：]\s*(.+?)\s*[)）]?$")
BOLD = re.compile(r"\*\*(?=[^*\s])([^*\n]{1,80}?)(?<=[^*\s])\*\*")

HEADINGS = (  # numbering styles, most to least prominent by convention
    ("cn", re.compile(r"^([一二三四五六七八九十]{1,3})、\s*")),
    ("paren-cn", re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*")),
    ("num", re.compile(r"^(\d{1,2})[.．、](?!\d)\s*")),
    ("paren-num", re.compile(r"^[（(](\d{1,2})[）)]\s*")),
)
ORDINAL_POINT = re.compile(r"^[一二三四五六七八九十]{1,2}是")

FINAL = set("。！？；：…!?;:")
CLOSERS = "”’」』）)】》"
SENTENCE_PUNCT = set("，。；！？：,;!?")
HEADER_SCAN = 20
TITLE_MAX = 60


class BulletinError(Exception):
    """The input cannot be imported as a bulletin."""

    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass
class Line:
    """One paragraph of the input: a text line (.txt) or a Word paragraph (.docx)."""

    text: str  # Markdown: bold runs as **…**
    line: int  # 1-based line (.txt) or paragraph number (.docx)
    column: int = 1
    indented: bool = False
    centered: bool = False
    bold: bool = False  # the whole paragraph is bold (a title, a heading)
    red: bool = False


@dataclass
class Note:
    """Something the importer guessed: shown as `# 待确认：…` and in the summary."""

    line: int
    message: str


@dataclass
class Point:
    lead: str | None
    text: str
    line: int
    notes: list[Note] = field(default_factory=list)


@dataclass
class Section:
    heading: str
    line: int
    body: str = ""
    points: list[Point] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


@dataclass
class Article:
    title: str
    line: int
    paragraphs: list[str]  # the whole text as Markdown paragraphs (the inline form)
    lead: str = ""  # paragraphs before the first numbered section
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def is_case(self) -> bool:
        """Numbered sections make a case study; anything shorter stays inline."""
        return len(self.sections) >= 2


@dataclass
class Recipients:
    label: str
    to: list[str]
    line: int


@dataclass
class Bulletin:
    masthead: list[str]
    number: int
    total: int | None
    kind: str
    date: dt.date
    issuer: str | None
    classification: list[str]  # every marking of the masthead, in order (内部资料, 注意保存)
    articles: list[Article]
    distribution: list[Recipients]
    printed_by: str | None
    printed_date: dt.date | None
    copies: int | None
    where: tuple[int, int]  # line and column of the 期号
    editor: str | None = None  # （本期责任编辑：…）
    masthead_line: int = 1
    notes: dict[str, list[Note]] = field(default_factory=dict)  # by issue field
    dropped: list[Note] = field(default_factory=list)  # lines not imported

    def note(self, key: str, line: int, message: str) -> None:
        self.notes.setdefault(key, []).append(Note(line, message))


# ---------------------------------------------------------------- small helpers

def half(text: str) -> str:
    return text.translate(_HALF)


def plain(text: str) -> str:
    """Text without bold markers, for header and footer lines."""
    return BOLD.sub(r"\1", text).replace("**", "").strip()


def cn_number(text: str) -> int:
    """12 / 七 / 三十一 / 一百零七 / 二〇二三 → int."""
    if text.isdigit():
        return int(text)
    if all(c in _CN_DIGITS for c in text) and len(text) > 1:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    total, current = 0, 0
    for char in text:
        if char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        elif char == "十":
            total, current = total + (current or 1) * 10, 0
        elif char == "百":
            total, current = total + (current or 1) * 100, 0
    return total + current


def parse_date(match: re.Match) -> dt.date | None:
    groups = match.groups()
    parts = groups[0:3] if groups[0] else groups[3:6]
    try:
        return dt.date(*(cn_number(p) for p in parts))
    except ValueError:
        return None


def ends_sentence(text: str) -> bool:
    """True if text ends a sentence: 。！？；：… possibly inside closing quotes."""
    t = text.rstrip().rstrip("*").rstrip()
    if not t or t[-1] in FINAL:
        return True
    if t[-1] in CLOSERS:
        inner = t.rstrip(CLOSERS)
        return bool(inner) and inner[-1] in FINAL
    return False


def title_like(text: str) -> bool:
    """A short line without sentence punctuation: a title or heading, never a page-break fragment."""
    t = plain(text)
    return len(t) <= 40 and not any(c in SENTENCE_PUNCT for c in t)


def title_line(text: str, following: str) -> bool:
    """A title on a line of its own: title_like, or short with commas, no final punctuation, before body text.

    «坚持规划引领，推动产业集聚发展» followed by a paragraph is a title; «县里成立工作专班，» (ends on a
    comma) is not, nor is «充分挖掘梳理，古村等传统» followed by the short rest of its sentence.
    """
    t = plain(text)
    if title_like(t):
        return True
    if not 0 < len(t) <= 30 or t[-1] in "，、," or any(c in t for c in "。；！？：;!?:…"):
        return False
    body = plain(following)
    return all(len(part) >= 4 for part in re.split(r"[，,]", t)) and len(body) > len(t) and ends_sentence(body)


def heading_of(text: str) -> tuple[str, int, str] | None:
    """(numbering style, number, text after the number) of a numbered paragraph."""
    bare = text[2:] if text.startswith("**") else text
    for kind, pattern in HEADINGS:
        match = pattern.match(bare)
        if match:
            rest = bare[match.end():]
            if text.startswith("**"):  # the bold opened before the number
                rest = rest[2:] if rest.startswith("**") else "**" + rest
            return kind, cn_number(match.group(1)), rest
    return None


# ---------------------------------------------------------------- page breaks

def join_breaks(lines: list[Line]) -> list[Line]:
    """Join chunks split inside a sentence (PDF page ends, hard-wrapped lines); keep real breaks."""
    use_indent = any(l.indented for l in lines) and not all(l.indented for l in lines)
    full = _full_width(lines)
    result: list[Line] = []
    for line in lines:
        if result and _continues(result[-1].text, line, use_indent, full):
            result[-1] = replace(result[-1], text=_glue(result[-1].text, line.text))
        else:
            result.append(line)
    return result


def _glue(before: str, after: str) -> str:
    """Join two pieces of one paragraph: no space in Chinese, one between Latin words."""
    if before.endswith("**") and after.startswith("**"):  # a bold run closed and reopened at the break
        return before[:-2] + after[2:]
    space = " " if re.search(r"[A-Za-z]$", before) and re.match(r"[A-Za-z]", after) else ""
    return before + space + after


def _full_width(lines: list[Line]) -> int | None:
    """The printed line length when the text is hard-wrapped (most lines about as long), else None."""
    lengths = sorted(len(l.text) for l in lines)
    if len(lengths) < 5:
        return None
    typical = lengths[len(lengths) * 3 // 4]
    return typical if typical <= 45 and lengths[len(lengths) // 4] >= typical * 0.8 else None


def _continues(previous: str, line: Line, use_indent: bool, full: int | None) -> bool:
    if line.text[0] in "，、。；：,;:）)”":
        return True
    if (use_indent and line.indented) or heading_of(line.text) or ORDINAL_POINT.match(line.text):
        return False
    if ends_sentence(previous):
        return False
    # A short line without final punctuation is a title, unless it fills the printed line; without
    # indents to tell paragraphs apart, one with commas (坚持规划引领，推动产业集聚发展) is one too.
    titled = title_line(previous, line.text) if not use_indent else title_like(previous)
    return not titled or (full is not None and len(previous) >= full - 2)


# ---------------------------------------------------------------- the whole bulletin

def parse_bulletin(lines: list[Line], *, rejoin: bool) -> Bulletin:
    """Lines of one bulletin → Bulletin; rejoin page-break splits for text from PDFs."""
    lines = [l for l in lines if l.text.strip() and not PAGE_NUMBER.match(l.text.strip()) and not RULE.match(plain(l.text))]
    if not lines:
        raise BulletinError(1, 1, "文件为空，没有可导入的内容")
    editor = _take_editor(lines)
    lines = [l for l in lines if l is not editor]
    bulletin, body_start = _parse_header(lines)
    if editor is not None:
        bulletin.editor = EDITOR.match(half(plain(editor.text))).group(1).strip()  # type: ignore[union-attr]
    footer_start = _find_footer(lines, body_start)
    _parse_footer(lines[footer_start:], bulletin)
    body = lines[body_start:footer_start]
    if not body:
        raise BulletinError(lines[-1].line, 1, "找不到正文：期号、日期之后没有文章内容")
    has_layout = any(l.centered for l in lines)
    title, start = _take_title(body, 0, has_layout, _full_width(body)) if _is_title(body[0], has_layout, first=True) else ([], 0)
    rest = join_breaks(body[start:]) if rejoin else body[start:]
    bulletin.articles = _parse_articles(title, rest, has_layout, body[0].line)
    if bulletin.date is None:
        if bulletin.printed_date is None:
            line, column = bulletin.where
            raise BulletinError(line, column, "找不到编印日期（如“2023年3月31日”），无法确定这一期的日期")
        bulletin.date = bulletin.printed_date
        bulletin.note("date", bulletin.where[0], "期号行附近没有日期，编印日期取自报尾的印发日期")
    return bulletin


def _take_editor(lines: list[Line]) -> Line | None:
    """The «（本期责任编辑：…）» line: the issue's editor, not a line of the text."""
    return next((l for l in reversed(lines) if len(l.text) <= 40 and EDITOR.match(half(plain(l.text)))), None)


def _parse_header(lines: list[Line]) -> tuple[Bulletin, int]:
    index = next((i for i, l in enumerate(lines[:HEADER_SCAN]) if _is_number_line(l.text)), None)
    if index is None:
        raise BulletinError(lines[0].line, lines[0].column, "不是简报：开头找不到期号行（如“第 7 期（总第 62 期）”），未导入")
    number_line = lines[index]
    text = half(plain(number_line.text))
    total_match = TOTAL.search(text)
    rest = TOTAL.sub(" ", text) if total_match else text
    number_match = NUMBER.search(rest)
    assert number_match is not None
    bulletin = Bulletin(
        masthead=[], number=cn_number(number_match.group(1)),
        total=cn_number(total_match.group(1)) if total_match else None,
        kind="regular", date=None, issuer=None, classification=[],  # type: ignore[arg-type]
        articles=[], distribution=[], printed_by=None, printed_date=None, copies=None,
        where=(number_line.line, number_line.column + text.find("第")),
    )
    if bulletin.total is None:
        bulletin.note("total", number_line.line, "原件没有总期号（总第 M 期），请补上或由上一期推算")
    masthead_lines = [l for l in lines[:index] if not _take_marking(l, bulletin)]
    reds = [l for l in masthead_lines if l.red]
    if reds or masthead_lines:
        bulletin.masthead_line = (reds or masthead_lines)[0].line
    for line in reds or masthead_lines:
        words = [w for w in re.split(r"\s+", plain(line.text).replace("增刊", " ").replace("专刊", " ")) if w]
        bulletin.masthead.extend(words)
    _set_kind(text + "".join(plain(l.text) for l in lines[:index]), bulletin)
    return bulletin, _parse_issuer_date(lines, index, rest[number_match.end():], bulletin)


def _is_number_line(text: str) -> bool:
    t = half(plain(text))
    return len(t) <= 50 and bool(NUMBER.search(TOTAL.sub(" ", t))) and not any(c in t for c in "。，")


def _take_marking(line: Line, bulletin: Bulletin) -> bool:
    """密级 and 内部资料 markings: remember every one (a line may hold two), and say the line is used up."""
    text = re.sub(r"\s+", " ", plain(line.text))
    if not (CLASSIFICATION.match(half(text)) and len(text) <= 20):
        return False
    for part in text.split(" "):
        marking = part.strip("（）() ")
        if marking and marking not in bulletin.classification:
            bulletin.classification.append(marking)
    return True


def _set_kind(text: str, bulletin: Bulletin) -> None:
    if "增刊" in text:
        bulletin.kind = "supplement"
    elif "专刊" in text:
        bulletin.kind = "special"


def _parse_issuer_date(lines: list[Line], index: int, after_number: str, bulletin: Bulletin) -> int:
    """Issuer and date follow the 期号 (same line, one line, or two); return where the body starts."""
    match = DATE.search(after_number)
    if match:
        bulletin.date = parse_date(match)
        issuer = after_number[: match.start()].strip()
        bulletin.issuer = issuer or None
        return index + 1
    issuer_parts: list[str] = []
    for offset in range(1, 4):
        if index + offset >= len(lines):
            break
        line = lines[index + offset]
        if _take_marking(line, bulletin):
            continue
        text = plain(line.text)
        match = DATE.search(half(text))
        if match:
            bulletin.date = parse_date(match)
            issuer_parts.append(text[: match.start()].strip())
            bulletin.issuer = " ".join(p for p in issuer_parts if p) or None
            return index + offset + 1
        if not title_like(text) or len(text) > 30:
            break
        issuer_parts.append(text)
    # No date next to the 期号: the issuer alone, if it is the short line after it.
    if issuer_parts:
        bulletin.issuer = issuer_parts[0]
        return index + 2
    return index + 1


# ---------------------------------------------------------------- 报尾

def _is_footer_line(text: str) -> bool:
    t = half(plain(text))
    return bool(DISTRIBUTION.match(t) or PRINTED.match(t) or COPIES.fullmatch(t.strip()))


def _find_footer(lines: list[Line], body_start: int) -> int:
    """Index of the first 报尾 line (the 印发 office line just above 印发 included)."""
    for index in range(body_start + 1, len(lines)):
        if _is_footer_line(lines[index].text):
            t = half(plain(lines[index].text))
            printed = PRINTED.match(t)
            if printed and not printed.group(1).strip() and index - 1 > body_start and title_like(lines[index - 1].text):
                return index - 1  # the office stands on its own line
            return index
    return len(lines)


def _parse_footer(lines: list[Line], bulletin: Bulletin) -> None:
    pending: Line | None = None  # a line not understood (yet): the 印发 office, or lost
    open_list = False  # the last 发/送 line may go on on the next line
    for position, line in enumerate(lines):
        text = plain(line.text)
        t = half(text)
        copies = COPIES.search(t)
        if copies:
            bulletin.copies = int(copies.group(1))
            text = (text[: copies.start()] + text[copies.end():]).strip()
            t = half(text)
            if not t:
                continue
        printed = PRINTED.match(t)
        distribution = DISTRIBUTION.match(t)
        if printed:
            bulletin.printed_date = parse_date(DATE.search(t))  # type: ignore[arg-type]
            office = text[: printed.end(1)].strip()
            if not office and pending is not None:
                office, pending = plain(pending.text), None
            bulletin.printed_by = office or None
            open_list = False
        elif distribution:
            _flush(pending, bulletin)
            pending = None
            bulletin.distribution.append(Recipients(distribution.group(1), split_recipients(text[distribution.start(2):]), line.line))
            open_list = not t.endswith(("。", "."))
        elif open_list and not _office_line(lines, position):
            bulletin.distribution[-1].to.extend(split_recipients(text))
            open_list = not t.endswith(("。", "."))
        else:
            _flush(pending, bulletin)
            pending, open_list = line, False
    _flush(pending, bulletin)
    for empty in [r for r in bulletin.distribution if not r.to]:
        bulletin.dropped.append(Note(empty.line, f"报尾“{empty.label}：”后面没有收文单位，未导入"))
    bulletin.distribution = [r for r in bulletin.distribution if r.to]


def _office_line(lines: list[Line], position: int) -> bool:
    """The line just above a bare “2023年3月31日印发” names the office."""
    if position + 1 >= len(lines):
        return False
    printed = PRINTED.match(half(plain(lines[position + 1].text)))
    return bool(printed) and not printed.group(1).strip()


def _flush(pending: Line | None, bulletin: Bulletin) -> None:
    if pending is not None:
        bulletin.dropped.append(Note(pending.line, f"报尾中的这一行未能识别，未导入：“{plain(pending.text)[:40]}”"))


_OPEN, _CLOSE = "（(【〔[《“‘", "）)】〕]》”’"


def split_recipients(text: str) -> list[str]:
    """Split on ， and ； (a final 。 dropped), never on 、 (省委、省政府领导 is one), never inside brackets."""
    text = text.strip().rstrip("。.").strip()
    parts, current, depth = [], [], 0
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
        if char in "，,；;" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


# ---------------------------------------------------------------- articles

def _parse_articles(title: list[Line], body: list[Line], has_layout: bool, first_line: int) -> list[Article]:
    """Split the body at further article titles, then structure each article."""
    groups: list[tuple[list[Line], list[Line]]] = [(title, [])]
    index = 0
    while index < len(body):
        line = body[index]
        if groups[-1][1] and index + 1 < len(body) and _is_title(line, has_layout, first=False, following=body[index + 1]):
            title, index = _take_title(body, index, has_layout, None)
            groups.append((title, []))
            continue
        groups[-1][1].append(line)
        index += 1
    return [_parse_article(t, p, first_line, split=n > 0) for n, (t, p) in enumerate(groups)]


def _take_title(body: list[Line], index: int, has_layout: bool, full: int | None) -> tuple[list[Line], int]:
    """The title line and up to two continuation lines; at least one line stays for the text."""
    title = [body[index]]
    index += 1
    while index < len(body) - 1 and len(title) < 3 and _continues_title(title[-1], body[index], has_layout, full):
        title.append(body[index])
        index += 1
    return title, index


def _is_title(line: Line, has_layout: bool, first: bool, following: Line | None = None) -> bool:
    """The first title is the line after the header; later ones must look like titles."""
    text = plain(line.text)
    if heading_of(line.text) or ends_sentence(text) or len(text) > TITLE_MAX:
        return False
    if first:
        return True
    if has_layout:
        return line.centered
    return title_line(text, following.text if following else "") and len(text) >= 6 and not text.startswith(("（", "("))


def _continues_title(previous: Line, line: Line, has_layout: bool, full: int | None) -> bool:
    """A second title line: centred (.docx), or short, unpunctuated and narrower than a text line."""
    if has_layout:
        return previous.centered and line.centered and not ends_sentence(plain(line.text))
    text = plain(line.text)
    return title_like(text) and len(text) <= min(30, full - 3 if full else 30) and not heading_of(line.text)


def _parse_article(title_lines: list[Line], paragraphs: list[Line], first_line: int, split: bool) -> Article:
    notes = []
    if title_lines:
        parts = [re.sub(r"\s+", " ", plain(l.text)) for l in title_lines]
        title = parts[0] + "".join((" " if p.startswith(("—", "-")) else "") + p for p in parts[1:])
        line = title_lines[0].line
        if len(parts) > 1:
            notes.append(Note(line, f"标题由 {len(parts)} 行合并而成：“{title}”"))
    else:
        title, line = "（无标题）", first_line
        notes.append(Note(line, "找不到文章标题，暂用“（无标题）”，请补上"))
    if split:
        notes.append(Note(line, f"按短标题行“{title[:20]}”拆分出一篇新文章，请核对是否确为另一篇"))
    article = Article(title=title, line=line, paragraphs=[p.text for p in paragraphs], notes=notes)
    _structure(article, paragraphs)
    return article


def _structure(article: Article, paragraphs: list[Line]) -> None:
    """Numbered headings → sections (一、) and sub-sections (（一）); deeper items (1.) → points."""
    levels: dict[str, int] = {}  # numbering style → depth, in order of first use
    for paragraph in paragraphs:
        found = heading_of(paragraph.text)
        if found:
            levels.setdefault(found[0], len(levels))
    lead: list[str] = []
    top: Section | None = None
    sub: Section | None = None
    last: dict[str, int] = {}
    for paragraph in paragraphs:
        found = heading_of(paragraph.text)
        if found and levels[found[0]] <= 1:
            kind, number, rest = found
            if number != last.get(kind, 0) + 1:
                article.notes.append(Note(paragraph.line, f"小节编号不连续：此处为第 {number} 项，应为第 {last.get(kind, 0) + 1} 项"))
            last = {k: v for k, v in last.items() if levels[k] < levels[kind]} | {kind: number}
            heading, remainder = split_heading(rest)
            section = Section(heading=heading, line=paragraph.line)
            if len(heading) > 40:
                section.notes.append(Note(paragraph.line, "小节标题较长，可能把正文第一句当成了标题，请核对"))
            if levels[kind] == 0 or top is None:
                top, sub = section, None
                article.sections.append(section)
            else:
                sub = section
                top.sections.append(section)
            add_content(section, remainder, paragraph.line)
            continue
        target = sub or top
        if target is None:
            lead.append(paragraph.text)
            continue
        heading, remainder = split_heading(found[2]) if found else ("", "")
        if remainder and len(heading) <= 40:  # 1. 标题。正文 → a point led by its title
            target.points.append(Point(heading, remainder, paragraph.line))
        else:
            add_content(target, paragraph.text, paragraph.line)
    article.lead = "\n\n".join(lead)
    for section in article.sections:
        for part in [section, *section.sections]:
            _ordinal_points(part)


def split_heading(rest: str) -> tuple[str, str]:
    """Run-in heading: 聚焦组织设计，破解认识难题。针对… → (heading, the text after it)."""
    rest = rest.strip()
    bold = re.match(r"^\*\*(.+?)\*\*", rest)
    if bold:
        return bold.group(1).strip().rstrip("。："), rest[bold.end():].strip()
    match = re.search(r"[。！？]", rest)
    if match is None:
        return rest.replace("**", "").rstrip("：:").strip(), ""
    return rest[: match.start()].replace("**", "").strip(), rest[match.end():].strip()


def add_content(section: Section, text: str, line: int) -> None:
    """Text of a section: body until the first bold lead, then one point per lead."""
    if not text.strip():
        return
    before, leads = split_leads(text)
    if before:
        if section.points:
            section.points.append(_infer_lead(before, line, section))
        else:
            section.body = f"{section.body}\n\n{before}" if section.body else before
    for lead, rest in leads:
        section.points.append(Point(lead, rest, line))


def split_leads(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Text before the first bold lead phrase, then (lead without 。, text) pairs."""
    starts = [m for m in BOLD.finditer(text) if _is_lead(text, m)]
    if not starts:
        return text.strip(), []
    before = text[: starts[0].start()].strip()
    pairs = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        lead = match.group(1).strip()
        lead = lead[:-1] if lead.endswith("。") else lead
        pairs.append((lead, text[match.end(): end].strip()))
    return before, pairs


def _is_lead(text: str, match: re.Match) -> bool:
    """A bold run at a sentence start, not mere emphasis inside a sentence."""
    previous = text[: match.start()].rstrip()
    if previous and not ends_sentence(previous):
        return False
    following = text[match.end(): match.end() + 1]
    return match.group(1)[-1] in FINAL or not following or following not in SENTENCE_PUNCT


def _infer_lead(text: str, line: int, section: Section) -> Point:
    """A paragraph after bold points that opens with a short phrase: its bold was lost."""
    match = re.match(r"^([^，。；！？,*\s]{2,16})。(.+)$", text, re.S)
    if match and any(p.lead for p in section.points):
        note = Note(line, f"导语“{match.group(1)}”在原文中没有加粗（PDF 提取可能丢失了粗体），按版式推断为加粗导语")
        return Point(match.group(1), match.group(2).strip(), line, [note])
    return Point(None, text, line)


def _ordinal_points(section: Section) -> None:
    """Body paragraphs 一是…/二是… become points when there are no bold leads."""
    paragraphs = section.body.split("\n\n") if section.body else []
    if section.points or sum(1 for p in paragraphs if ORDINAL_POINT.match(p)) < 2:
        return
    first = next(i for i, p in enumerate(paragraphs) if ORDINAL_POINT.match(p))
    section.body = "\n\n".join(paragraphs[:first])
    section.points = [Point(None, p, section.line) for p in paragraphs[first:]]
