"""Read YAML safely into plain Python values, remembering where every value stands.

ruamel.yaml composes a node tree with a mark on every node; we build the Python
values ourselves from that tree so that no tag can construct an object, aliases
cannot explode, and every key path maps to (line, column) for error messages.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from generator.errors import Report

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

Loc = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}

_SYNTAX_MESSAGES = {
    "mapping values are not allowed here": "此处不能出现“键: 值”（是否缺少缩进或引号？）",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "不能用制表符缩进，请改用空格",
    "found undefined alias": "引用了未定义的锚点",
    "expected <block end>, but found": "缩进不一致",
    "did not find expected key": "缩进不一致或缺少键",
    "found unexpected end of stream": "文件意外结束（引号或括号未闭合？）",
    "found unknown escape character": "未知的转义字符",
    "expected ',' or ']'": "列表缺少“,”或“]”",
    "expected ',' or '}'": "映射缺少“,”或“}”",
    "but found another document": "一个文件只能有一个 YAML 文档（多了一行“---”？）",
}

# Characters no text may hold: YAML refuses them written out, but "\0", "\ud800" … escapes make them.
# A lone surrogate cannot even be written back as UTF-8.
BAD_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def bad_character_message(char: str) -> str:
    return f"文本含有不允许的字符 U+{ord(char):04X}（控制字符或不成对的代理字符，可能是从其他软件粘贴带入的），请删除"


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document stands, 1-based."""

    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    block: dict[Loc, bool] = field(default_factory=dict)
    quoted: set[Loc] = field(default_factory=set)  # '…' and "…": escapes and folding break the line mapping
    lines: list[str] = field(default_factory=list)

    def at(self, loc: Loc, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at loc, or of its nearest known ancestor."""
        table = self.keys if key else self.values
        if loc in table:
            return table[loc]
        while loc:
            loc = loc[:-1]
            if loc in self.values:
                return self.values[loc]
        return (1, 1)

    def line_in_text(self, loc: Loc, index: int) -> tuple[int, int]:
        """Position of line `index` inside a text value (exact for | and > blocks)."""
        line, column = self.at(loc)
        if not (self.block.get(loc) or index) or loc in self.quoted:
            return (line, column)
        line = line + index + (1 if self.block.get(loc) else 0)
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return (line, len(source) - len(source.lstrip()) + 1)


    def point_in_text(self, loc: Loc, text: str, offset: int) -> tuple[int, int]:
        """Position of character `offset` of the text value at loc (exact for plain one-line and | blocks)."""
        index = text.count("\n", 0, offset)
        in_line = offset - (text.rfind("\n", 0, offset) + 1)
        line, column = self.at(loc)
        if loc in self.quoted or (self.block.get(loc) is False and index):
            return (line, column)  # escapes and folding: the value's start is what is sure
        if not self.block.get(loc):
            return (line, column + in_line)
        line, column = self.line_in_text(loc, index)
        source = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if source[column - 1:].startswith(text.splitlines()[index] if index < len(text.splitlines()) else ""):
            return (line, column + in_line)
        return (line, column)


@dataclass
class Document:
    """One YAML file: its plain value and the positions of its parts."""

    path: str
    data: Any
    where: Positions
    digest: str = ""  # of the file's bytes and shown path (yamlcache): a key for what is derived from it


def read_text(path: Path, shown: str, report: Report) -> str | None:
    """Read a UTF-8 file (BOM accepted); report size and encoding problems."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.error(shown, 1, 1, f"文件过大（{size / 1048576:.1f} MB），内容文件不能超过 {MAX_FILE_BYTES // 1048576} MB")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        report.error(shown, 1, 1, f"无法读取文件：{exc.strerror or exc}")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = "（看起来是 GBK/GB18030 编码）" if _looks_gbk(raw) else ""
        report.error(shown, line, column, f"文件不是 UTF-8 编码{hint}，请用 UTF-8 另存")
        return None


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


def load_yaml(path: Path, shown: str, report: Report) -> Document | None:
    """Load one YAML file into plain values; None (and problems reported) if it cannot be."""
    text = read_text(path, shown, report)
    if text is None:
        return None
    return parse_yaml(text, shown, report)


def parse_yaml(text: str, shown: str, report: Report) -> Document | None:
    """Parse YAML text; every problem goes to the report with its position."""
    deep = _too_deep_brackets(text)
    if deep:  # the scanner takes time quadratic in the depth of [ and {: refuse before it runs
        report.error(shown, *deep, f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）")
        return None
    yaml = YAML(typ="rt", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as exc:
        colons = _full_width_colons(text)
        if colons:  # the usual cause, reported where it is (the parser notices only a line later)
            for line, column, key in colons:
                report.error(shown, line, column, f"YAML 语法错误：{full_width_colon_message(key)}")
            return None
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        line, column = _existing_position(text, line, column)
        report.error(shown, line, column, f"YAML 语法错误：{_translate(exc.problem or exc.context or '')}")
        return None
    except ReaderError as exc:
        line, column = _text_position(text, exc.position)
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)[:1]
        report.error(shown, line, column, bad_character_message(char) if char else f"YAML 语法错误：{exc.reason}")
        return None
    except RecursionError:
        report.error(shown, 1, 1, f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）")
        return None
    except YAMLError as exc:
        report.error(shown, 1, 1, f"YAML 语法错误：{_translate(str(exc))}")
        return None
    where = Positions(lines=text.splitlines())
    if node is None:
        return Document(shown, None, where)
    builder = _Builder(shown, report, where)
    try:
        data = builder.build(node, (), 0)
    except _Abort:
        return None
    if builder.failed:
        return None  # its problems are reported; validating the rest would only add noise
    return Document(shown, data, where)


# A key typed with the full-width colon of a Chinese input method: `number：1`, `- case：x`.
_FULL_WIDTH_KEY = re.compile(r"^(\s*(?:-\s+)*)([A-Za-z_][A-Za-z0-9_]*)\s*：")
_FULL_WIDTH_FLOW_KEY = re.compile(r"[{,]\s*([A-Za-z_][A-Za-z0-9_]*)\s*：")


def full_width_key(text: str) -> str | None:
    """The key of a text that is a `key：value` typed with a full-width colon, or None."""
    match = _FULL_WIDTH_KEY.match(text)
    return match.group(2) if match and not match.group(1) else None


def full_width_colon_message(key: str) -> str:
    return f"“{key}”后面用了全角冒号“：”，请改为英文冒号“:”（后面加一个空格）"


def _full_width_colons(text: str) -> list[tuple[int, int, str]]:
    """(line, column of the ：, key) of every line whose key ends in a full-width colon, outside | blocks."""
    found = []
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        match = _FULL_WIDTH_KEY.match(line)
        if match:
            found.append((number, line.index("：", match.end(2)) + 1, match.group(2)))
        elif re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", line):
            block_indent = indent
        for flow in _FULL_WIDTH_FLOW_KEY.finditer(line):  # {label：发, to: […]}
            found.append((number, flow.end(), flow.group(1)))
    return found


def _existing_position(text: str, line: int, column: int) -> tuple[int, int]:
    """A parser mark past the last line (an error at the end of the file) moved to the last line's end."""
    lines = text.splitlines() or [""]
    if line <= len(lines):
        return line, column
    last = len(lines)
    while last > 1 and not lines[last - 1].strip():
        last -= 1
    return last, len(lines[last - 1]) + 1


_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep_brackets(text: str) -> tuple[int, int] | None:
    """Where [ and { nest far deeper than any content needs (brackets in text included), if anywhere."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        depth += 1 if match.group(0) in "[{" else -1
        if depth > 4 * MAX_DEPTH:
            return _text_position(text, match.start())
    return None


def _text_position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    index = max(0, min(index, len(text)))
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _translate(problem: str) -> str:
    for english, chinese in _SYNTAX_MESSAGES.items():
        if problem.startswith(english):
            return chinese
    return problem


class _Abort(Exception):
    """The document cannot be used at all (too large or too deep)."""


class _Builder:
    def __init__(self, shown: str, report: Report, where: Positions):
        self.shown = shown
        self.report = report
        self.where = where
        self.count = 0
        self.failed = False

    def error(self, node: Node, message: str) -> None:
        self.report.error(self.shown, node.start_mark.line + 1, node.start_mark.column + 1, message)
        self.failed = True

    def build(self, node: Node, loc: Loc, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            self.error(node, f"YAML 内容过多（超过 {MAX_NODES} 个值，可能是别名展开炸弹）")
            raise _Abort
        if depth > MAX_DEPTH:
            self.error(node, f"YAML 嵌套过深（超过 {MAX_DEPTH} 层）")
            raise _Abort
        self.where.values[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _ALLOWED_TAGS:
            self.error(node, f"不支持的 YAML 标签“{_short_tag(node.tag)}”，内容文件只能包含普通的文本、数字、日期、列表和映射")
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        self.where.block[loc] = node.style in ("|", ">")
        if node.style in ("'", '"'):
            self.where.quoted.add(loc)
        return self.scalar(node)

    def mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                self.error(key_node, "不支持合并键“<<”，请把内容写全")
                continue
            if not isinstance(key_node, ScalarNode):
                self.error(key_node, "映射的键必须是简单文本")
                continue
            bad = BAD_CHARACTERS.search(key_node.value)
            if bad:
                self.error(key_node, bad_character_message(bad.group(0)))
                continue
            key = str(self.scalar(key_node)) if key_node.tag != _STD + "str" else key_node.value
            if key in result:
                self.error(key_node, f"重复的键“{key}”")
                continue
            self.where.keys[(*loc, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
            if isinstance(value_node, ScalarNode) and value_node.value == "" and value_node.style is None:
                # `key:` with nothing after it: the parser marks the empty value where the next
                # token starts (the next line, or past the end of the file); point at the key.
                self.where.values[(*loc, key)] = self.where.keys[(*loc, key)]
        return result

    def scalar(self, node: ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if node.style == ">":
            value = value.replace("\a", "")  # ruamel's round-trip marks where a > block was folded
        bad = BAD_CHARACTERS.search(value)
        if bad:
            self.error(node, bad_character_message(bad.group(0)))
            return ""
        try:
            if tag == _STD + "null":
                return None
            if tag == _STD + "bool":
                return value.lower() == "true"
            if tag == _STD + "int":
                return _to_int(value)
            if tag == _STD + "float":
                return _to_float(value)
            if tag == _STD + "timestamp":
                return _to_timestamp(value)
        except ValueError:
            # 2024-13-01 looks like a date but is none: keep the text, so that validation
            # says what the field expects («应为日期（如 2023-03-31）») with every other problem.
            return value
        return value


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    if body.startswith(("0x", "0X")):
        return sign * int(body[2:], 16)
    if body.startswith(("0o", "0O")):
        return sign * int(body[2:], 8)
    return sign * int(body, 10)


def _to_float(value: str) -> float:
    text = value.replace("_", "").lower()
    if text in (".nan",):
        return math.nan
    if text.lstrip("+-") == ".inf":
        return -math.inf if text.startswith("-") else math.inf
    return float(text)


_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _to_timestamp(value: str) -> dt.date | dt.datetime:
    if _DATE.match(value):
        year, month, day = (int(part) for part in value.split("-"))
        return dt.date(year, month, day)
    text = value.replace("t", "T").replace(" ", "T", 1).replace("Z", "+00:00").replace(" ", "")
    return dt.datetime.fromisoformat(text)


def iter_strings(value: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text value of a document with its location."""
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from iter_strings(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from iter_strings(item, (*loc, index))
