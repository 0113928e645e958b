"""Save a form's values into a YAML content file, changing only the lines of the values that changed.

`apply_changes(text, new)` loads the file with ruamel.yaml's round trip, merges `new` into that
tree in place and dumps it with the file's own indentation, so an unchanged file comes back byte
for byte and a changed one differs only where its values did. `load_plain(text)` gives the same
document as plain Python values, read exactly as `jianbao check` reads it.

Decisions, so the lead and the tests agree on them:

- Values are compared by meaning: 7 and "7" differ, a date and its text differ, 74 and 74.0 are
  equal (the file's node is kept). A changed number whose file value was an integer and whose new
  value is a whole float (a form's 74.0) is written as the integer 74.
- A changed text keeps its scalar's style: `|` stays literal, `>` folded, '…' and "…" quoted; a
  plain one stays plain where YAML allows (ruamel quotes it where it must). A new multi-line text
  (or a plain one that gains a line break) is written as a `|` block. A text holding characters
  YAML reads as line breaks but no block or plain scalar keeps (CR, NEL, U+2028, U+2029) is written
  "…" with escapes, whatever its old style: the form should turn a textarea's CRLF into LF first.
  Folded `>` texts stay folded here, but `jianbao check` refuses a `>` text of several lines today
  (ruamel marks its folds with U+0007, which yamlsrc takes for a control character), so does load_plain.
- An end-of-line comment keeps its column; after a value that grew past it, it follows one space
  after the value (ruamel's rule, which keeps aligned comment columns aligned).
- Existing keys keep their order; a new key goes right after the nearest key before it in `new`'s
  order that the map has (or first). The block of comment lines right above the following key stays
  above that key, and a commented-out example of the new key there (`# copies: 200`, as the
  scaffolds write them, with its commented continuation lines) is replaced by the key itself.
  A key added at the end of a map goes after the comments that follow the map's last line.
- A deleted key takes its end-of-line comment and the prose comment lines right above it (up to a
  blank line or a commented-out `# key: …` / `# - …` line) with it; the comment lines after it, which
  describe what follows, stay where they were. The comments above the first key of a map are never
  dropped (they are usually the file's header).
- Lists are merged item by item; items are appended or removed at the end, and the comment lines
  after the list stay after it. A new item is made in the style of the list's last item (a flow
  `{label: 发, to: […]}` gives a flow map with flow lists, a block map a block map, key by key).
  A flow list stays flow (`[a, b]` → `[a, b, c]`). An empty `[]` that gets items stays flow when
  they are all scalars and becomes a block list when any is a mapping or a list; a new list with
  nothing to copy is a block list.
- `apply_changes` writes exactly `new`: leaving out optional fields that are empty is the form's
  job (a key absent from `new` is deleted, a key with None is written `key:`).
- A UTF-8 BOM, CRLF line endings, the presence of a final newline and a `%YAML`/`---` header are
  kept; lines are never re-wrapped. A top-level list (content/series.yml) whose dashes sit further
  left than those of the lists inside it is dumped as the value of a wrapping key and shifted back,
  since ruamel has one dash offset for the whole document.
- The result is read back before it is returned: if it does not mean `new`, RoundTripError.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.tokens import CommentToken

from generator.content.yamlsrc import parse_yaml
from generator.errors import Report

Container = CommentedMap | CommentedSeq
Key = Any  # a mapping key or a list index

_WRAP_KEY = "_"
_SYNTAX_PREFIX = "YAML 语法错误："


class RoundTripError(Exception):
    """The text cannot be saved through the structured round trip (the message is Chinese)."""


# ---------------------------------------------------------------- the two entry points

def load_plain(text: str) -> Any:
    """The document as plain Python values, as `jianbao check` reads it; RoundTripError if it is not valid."""
    report = Report()
    document = parse_yaml(text.removeprefix("\ufeff"), "", report)
    if document is None or report.has_errors:
        raise RoundTripError(_error_message(report))
    return document.data


def apply_changes(text: str, new: Any) -> str:
    """The file `text` rewritten so that it holds `new`, changing only the lines of the values that changed."""
    if same_meaning(load_plain(text), new):  # also the gate: what check refuses is not saved structurally
        return text
    try:
        frame, tree = read_frame(text)
    except ValueError:  # ruamel's round trip cannot load a plain date that does not exist; check reads it as text
        raise RoundTripError(_bad_date_message(text)) from None
    if tree is None:
        result = frame.unwrap(_comments_only(frame.wrapped) + _dump(frame.yaml(), _new_node(new, None, False)))
    else:
        result = frame.unwrap(_dump(frame.yaml(), _merge_root(tree, new, frame.shift is not None)))
    _verify(result, new)
    return result


def _error_message(report: Report) -> str:
    problem = report.problems[0] if report.problems else None
    if problem is None:
        return "YAML 格式错误：文件无法读取"
    return f"YAML 格式错误，第 {problem.line} 行第 {problem.column} 列：{problem.message.removeprefix(_SYNTAX_PREFIX)}"


_PLAIN_DATE = re.compile(r"(?<![\w'\"-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")


def _bad_date_message(text: str) -> str:
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        for match in _PLAIN_DATE.finditer(line.split(" #")[0]):
            try:
                dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                return f"YAML 格式错误，第 {number} 行第 {match.start() + 1} 列：日期“{match.group(0)}”不存在，请在文本中改正（或给它加上引号）"
    return "YAML 格式错误：文件中有不存在的日期，请在文本中改正（或给它加上引号）"


def _verify(result: str, new: Any) -> None:
    """Refuse a result that does not read back as `new` (a case the merge does not handle)."""
    try:
        back = load_plain(result)
    except RoundTripError as exc:
        raise RoundTripError(f"表单内容无法写成 YAML：{exc}") from None
    if not same_meaning(back, to_plain(new)):
        raise RoundTripError("无法按原文件的格式保存：写出的 YAML 读回后与表单内容不一致")


# ---------------------------------------------------------------- the file's frame

@dataclass(frozen=True)
class Frame:
    """What surrounds and shapes a file's YAML: BOM, line ends, header, indentation, wrapping."""

    bom: bool
    newline: str
    final_newline: bool
    header: str  # `%YAML …` / `---` lines, kept verbatim
    wrapped: str  # the YAML body with LF line ends (a top-level list wrapped under `_:`)
    shift: int | None  # columns a wrapped top-level list was moved right by (None: not wrapped)
    indent: tuple[int, int, int]  # ruamel's mapping, sequence, offset
    root_is_list: bool

    def yaml(self) -> YAML:
        return _yaml(self.indent)

    def unwrap(self, dumped: str) -> str:
        """Dumped body → the file's text: wrapping undone, header, line ends and BOM restored."""
        body = _unwrap(dumped, self.shift) if self.shift is not None else dumped
        if not self.final_newline and body.endswith("\n"):
            body = body[:-1]
        text = (self.header + body).replace("\n", self.newline)
        return ("\ufeff" if self.bom else "") + text


def read_frame(text: str) -> tuple[Frame, Any]:
    """The frame of a file (everything needed to dump its tree back the way it was written) and its tree."""
    bom = text.startswith("\ufeff")
    text = text.removeprefix("\ufeff")
    newline = "\r\n" if text.count("\r\n") * 2 > text.count("\n") else "\n"
    text = text.replace("\r\n", "\n")
    header, body = _split_header(text)
    root_is_list = _first_content_line(body).lstrip().startswith("-")
    base = (bom, newline, body.endswith("\n") or not body, header)
    for indent in _indent_candidates(body):
        frame = _frame(base, body, indent, root_is_list)
        tree = _tree_if_it_dumps_back(frame)
        if tree is not None:
            return frame, tree
    frame = _frame(base, body, _detect_indent(body), root_is_list)
    return frame, _load_tree(frame.yaml(), frame.wrapped)


def _frame(base: tuple[bool, str, bool, str], body: str, indent: tuple[int, int, int], root_is_list: bool) -> Frame:
    shift = _list_shift(body, indent) if root_is_list else None
    wrapped = _wrap(body, shift) if shift is not None else body
    return Frame(*base, wrapped, shift, indent, root_is_list)


def _tree_if_it_dumps_back(frame: Frame) -> Any:
    """The loaded tree if, unchanged, it dumps to the unchanged body with these settings; else None."""
    try:
        tree = _load_tree(frame.yaml(), frame.wrapped)
    except (RoundTripError, ValueError):
        return None
    return tree if tree is not None and _dump(frame.yaml(), tree) == _with_final_newline(frame.wrapped) else None


def _with_final_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


_HEADER_LINE = re.compile(r"^(%.*|---\s*(#.*)?)$")
_COMMENT_OR_BLANK = re.compile(r"^\s*(#.*)?$")


def _split_header(text: str) -> tuple[str, str]:
    """(`%YAML`/`---` header, body): the header ends at a `---` line met before any content."""
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines):
        if line.rstrip("\n").startswith("---") and _HEADER_LINE.match(line.rstrip("\n")):
            return "".join(lines[: number + 1]), "".join(lines[number + 1:])
        if not (_COMMENT_OR_BLANK.match(line) or line.startswith("%")):
            break
    return "", text


def _first_content_line(body: str) -> str:
    return next((line for line in body.splitlines() if not _COMMENT_OR_BLANK.match(line)), "")


_KEY_ONLY = re.compile(r"^(\s*)(?:-\s+)*[^\s#][^#]*:\s*(#.*)?$")
_DASH = re.compile(r"^(\s*)-(\s+)\S")


def _detect_indent(body: str) -> tuple[int, int, int]:
    """Mapping indent, sequence indent and dash offset as the file's nested blocks show them."""
    mapping, sequence, offset = [], [], []
    lines = [line for line in body.splitlines() if not _COMMENT_OR_BLANK.match(line)]
    for line, following in zip(lines, lines[1:]):
        key = _KEY_ONLY.match(line)
        if not key or line.rstrip().endswith(("|", ">")):
            continue
        parent = len(line) - len(line.lstrip(" -")) if line.lstrip().startswith("-") else len(key.group(1))
        dash = _DASH.match(following)
        if dash:
            offset.append(len(dash.group(1)) - parent)
            sequence.append(len(dash.group(1)) + 1 + len(dash.group(2)) - parent)
        elif len(following) - len(following.lstrip()) > parent:
            mapping.append(len(following) - len(following.lstrip()) - parent)
    return (_most_common(mapping, 2), _most_common(sequence, 4), _most_common(offset, 2))


def _most_common(values: list[int], default: int) -> int:
    values = [value for value in values if value >= 0]
    return max(set(values), key=values.count) if values else default


def _indent_candidates(body: str) -> Iterator[tuple[int, int, int]]:
    """The detected settings first, then the usual others."""
    seen = set()
    for indent in (_detect_indent(body), (2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (2, 4, 0), (4, 4, 0), (4, 2, 0)):
        if indent not in seen and indent[1] >= indent[2] + 2:
            seen.add(indent)
            yield indent


def _list_shift(body: str, indent: tuple[int, int, int]) -> int | None:
    """How far right a top-level list must move for ruamel's one dash offset, or None if it cannot."""
    line = _first_content_line(body)
    shift = indent[2] - (len(line) - len(line.lstrip()))
    return shift if shift >= 0 else None


def _wrap(body: str, shift: int) -> str:
    """The top-level list as the value of `_:`: leading comment lines stay above, the rest moves right."""
    lines = body.split("\n")
    first = next(number for number, line in enumerate(lines) if not _COMMENT_OR_BLANK.match(line))
    moved = [(" " * shift + line) if line else line for line in lines[first:]]
    return "\n".join([*lines[:first], f"{_WRAP_KEY}:", *moved])


def _unwrap(dumped: str, shift: int) -> str:
    lines = dumped.split("\n")
    at = next(number for number, line in enumerate(lines) if line.startswith(f"{_WRAP_KEY}:"))
    value = lines[at][len(_WRAP_KEY) + 1:].strip()  # `_: []`: the list was emptied
    moved = [value] if value else []
    for line in lines[at + 1:]:
        if line[:shift].strip():
            raise RoundTripError("无法按原文件的格式保存：顶层列表的缩进无法还原")
        moved.append(line[shift:])
    return "\n".join([*lines[:at], *moved])


def _comments_only(body: str) -> str:
    """The comment lines of a document that holds no value, to keep above the new one."""
    lines = [line for line in body.splitlines() if line.strip()]
    return "".join(line + "\n" for line in lines)


# ---------------------------------------------------------------- ruamel

def _yaml(indent: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.width = 1_000_000_000  # never re-wrap a changed text
    yaml.indent(mapping=indent[0], sequence=indent[1], offset=indent[2])
    return yaml


def _load_tree(yaml: YAML, body: str) -> Any:
    """The round-trip tree; ValueError for a plain date that does not exist (2024-13-01)."""
    try:
        return yaml.load(body)
    except YAMLError as exc:  # load_plain has let the text through: this is ruamel's round trip alone
        raise RoundTripError(f"YAML 格式错误：{exc}") from None


def _dump(yaml: YAML, tree: Any) -> str:
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


def _merge_root(tree: Any, new: Any, wrapped: bool) -> Any:
    """Merge `new` into the loaded document; a wrapped top-level list is the value of `_`."""
    holder = tree if wrapped else CommentedMap({_WRAP_KEY: tree})
    _merge_entry(holder, _WRAP_KEY, new)
    return holder if wrapped else holder[_WRAP_KEY]


# ---------------------------------------------------------------- meaning

def to_plain(node: Any) -> Any:
    """A ruamel value as plain Python values (str, int, float, bool, None, date, dict, list)."""
    if isinstance(node, dict):
        return {key_text(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(value) for value in node]
    if isinstance(node, (bool, ScalarBoolean)):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


def key_text(key: Any) -> str:
    """A mapping key as the text `load_plain` gives it."""
    return key if isinstance(key, str) else str(to_plain(key))


def same_meaning(a: Any, b: Any) -> bool:
    """Whether two plain values mean the same: types matter (7 ≠ "7", True ≠ 1), 74 == 74.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_meaning(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_meaning(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b  # str, None, date, datetime: a date is no datetime


# ---------------------------------------------------------------- merge

def _merge_entry(container: Container, key: Key, new: Any) -> None:
    """Make container[key] mean `new`; its node stays where it already does."""
    old = container[key]
    if same_meaning(to_plain(old), new):
        return
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        _merge_map(old, new)
    elif isinstance(old, CommentedSeq) and isinstance(new, list):
        _put_trailing(container, key, _merge_seq(old, new))
    else:
        after = _take_trailing(container, key)
        container[key] = _replacement(old, new, _is_flow(container))
        _fit_line_end(container, key)
        _put_trailing(container, key, after)


def _merge_map(mapping: CommentedMap, new: dict[str, Any]) -> None:
    """Delete the keys `new` lacks, merge the others, insert the new ones in place."""
    for key in [key for key in mapping if key_text(key) not in new]:
        _delete_key(mapping, key)
    existing = {key_text(key): key for key in mapping}
    previous = None
    for text, value in new.items():
        if text in existing:
            _merge_entry(mapping, existing[text], value)
            previous = existing[text]
        else:
            _insert_key(mapping, text, value, previous)
            previous = text


def _merge_seq(seq: CommentedSeq, new: list[Any]) -> list[str]:
    """Merge item by item, then append or remove at the end; the comment lines after the list stay after it.

    Returns those lines when the list ends up empty, for the caller to keep after the entry.
    """
    for index, value in enumerate(new[: len(seq)]):
        _merge_entry(seq, index, value)
    if len(seq) == len(new):
        return []
    after = _take_trailing(seq, len(seq) - 1) + _take_end(seq) if seq else []
    if seq and len(new) > len(seq):  # appending: comment lines indented inside the last item stay with it
        inside, after = _split_inside(after, _item_column(seq))
        _put_trailing(seq, len(seq) - 1, inside)
    while len(seq) > len(new):
        del seq[len(seq) - 1]
    template = seq[-1] if seq else None
    if not seq:  # `[]`: flow for scalars, block for mappings and lists
        _styled(seq, not any(isinstance(value, (dict, list)) for value in new))
    for value in new[len(seq):]:
        seq.append(_new_node(value, template, _is_flow(seq)))
    if not seq:
        return after
    _put_trailing(seq, len(seq) - 1, after)
    return []


def _item_column(seq: CommentedSeq) -> int | None:
    """The column where the content of the list's last item starts (after its `- `), as loaded."""
    try:
        return seq.lc.item(len(seq) - 1)[1]
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def _split_inside(lines: list[str], column: int | None) -> tuple[list[str], list[str]]:
    """(the leading comment lines indented at least to column: part of the last item, the rest)."""
    if column is None:
        return [], lines
    count = 0
    while count < len(lines) and _is_comment(lines[count]) and len(lines[count]) - len(lines[count].lstrip()) >= column:
        count += 1
    return lines[:count], lines[count:]


def _delete_key(mapping: CommentedMap, key: Key) -> None:
    """Remove a key with its own comments; the comment lines after it move up to the key before it."""
    keys = list(mapping)
    previous = keys[keys.index(key) - 1] if keys.index(key) else None
    after = _take_trailing(mapping, key)
    del mapping[key]
    mapping.ca.items.pop(key, None)
    if previous is None:
        _put_leading(mapping, after)
        return
    above = _drop_description(_take_trailing(mapping, previous))
    _put_trailing(mapping, previous, above + after)


def _insert_key(mapping: CommentedMap, key: str, value: Any, previous: Key | None) -> None:
    """Insert a new key after `previous` (or first), below the comments that belong above it."""
    keys = list(mapping)
    position = keys.index(previous) + 1 if previous is not None else 0
    after = _take_trailing(mapping, previous) if previous is not None else []
    stay, move = _split_last_block(after) if position < len(keys) else ([], after)
    mapping.insert(position, key, _new_node(value, None, _is_flow(mapping)))
    if previous is not None:
        _put_trailing(mapping, previous, stay)
    _put_trailing(mapping, key, _drop_example(move, key))


# ---------------------------------------------------------------- new nodes

def _replacement(old: Any, new: Any, flow: bool) -> Any:
    """The node for a changed value: a scalar in the old one's style, else a new node."""
    if isinstance(new, (dict, list)):
        return _new_node(new, None, flow or _is_flow(old))
    return _scalar_like(new, old, flow)


def _scalar_like(value: Any, old: Any, flow: bool) -> Any:
    """A new scalar written the way `old` was (literal, folded, quoted, plain; integers stay integers)."""
    if isinstance(value, str):
        return _text_like(value, old, flow)
    if isinstance(value, float) and value.is_integer() and _is_int(old):
        return int(value)
    return value


# Characters YAML reads as line breaks that a block or a plain scalar cannot keep: only escapes can.
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _text_like(value: str, old: Any, flow: bool) -> Any:
    if _ODD_BREAKS.search(value):
        return DoubleQuotedScalarString(value)
    for style in (LiteralScalarString, FoldedScalarString, SingleQuotedScalarString, DoubleQuotedScalarString):
        if isinstance(old, style) and not (style in (LiteralScalarString, FoldedScalarString) and (flow or not _literal_keeps(value))):
            return style(value)
    if "\n" in value and not flow:
        return LiteralScalarString(value) if _literal_keeps(value) else DoubleQuotedScalarString(value)
    if flow and len(value) > 1 and value[0] in "?:":
        return SingleQuotedScalarString(value)  # ruamel writes `[?a]` and `[: a]` plain, which it cannot read
    return value


def _literal_keeps(value: str) -> bool:
    """Whether a | block holds this text whatever follows it: not with `|+` (blank lines would join it)."""
    return value.strip("\n") != "" and not value.endswith("\n\n")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, (bool, ScalarBoolean))


def _new_node(value: Any, like: Any, flow: bool) -> Any:
    """A node for a value the file does not have yet, shaped like `like` (a sibling) where there is one."""
    if isinstance(value, dict):
        flow = flow or (isinstance(like, CommentedMap) and _is_flow(like))
        node = CommentedMap()
        for key, item in value.items():
            node[key] = _new_node(item, _child(like, key), flow)
        return _styled(node, flow)
    if isinstance(value, list):
        flow = flow or (isinstance(like, CommentedSeq) and _is_flow(like)) or not value
        items = CommentedSeq(_new_node(item, like[-1] if isinstance(like, CommentedSeq) and like else None, flow) for item in value)
        return _styled(items, flow)
    if isinstance(value, (str, int, float, dt.date)) or value is None:
        return _scalar_like(value, None, flow)  # a new text is plain where it can be, whatever its siblings' quotes
    raise TypeError(f"cannot write a {type(value).__name__} to YAML")


def _child(like: Any, key: str) -> Any:
    if isinstance(like, CommentedMap):
        return next((value for name, value in like.items() if key_text(name) == key), None)
    return None


def _styled(node: Container, flow: bool) -> Container:
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
    return node


def _is_flow(node: Any) -> bool:
    return isinstance(node, (CommentedMap, CommentedSeq)) and bool(node.fa.flow_style())


# ---------------------------------------------------------------- comments
# ruamel keeps the comment lines that follow an entry in a token of the last scalar written before
# them: after `key: value` in mapping.ca.items[key][2], after a list item in seq.ca.items[i][0],
# sometimes in a list's ca.end. Such a token starts with the rest of that scalar's line ("\n", or an
# end-of-line comment) unless the scalar is a | or > block. The helpers below move whole lines
# ("after" lists of full text lines, indentation included) between entries.

def _take_trailing(container: Container, key: Key) -> list[str]:
    """Remove and return the comment lines after an entry; its end-of-line comment stays."""
    value = container[key]
    if _is_block_collection(value):
        return _take_trailing(value, _last_key(value)) + _take_end(value)
    return _take_item(container, key)


def _put_trailing(container: Container, key: Key, lines: list[str]) -> None:
    """Add comment lines after an entry (after the last line of its value)."""
    if not lines:
        return
    value = container[key]
    if _is_block_collection(value):
        _put_trailing(value, _last_key(value), lines)
        return
    slots = container.ca.items.setdefault(key, [None, None, None, None])
    index = _slot_index(container)
    text = "".join(line + "\n" for line in lines)
    token = slots[index]
    if token is None:
        token = slots[index] = CommentToken(("" if _is_block_scalar(value) else "\n") + text, CommentMark(0), None)
        _share_with_collection(value, token)
    else:
        token.value += text


def _share_with_collection(value: Any, token: CommentToken) -> None:
    """A flow (or empty) collection holds its parent's end-of-line token too, as ruamel loads it; `[]` needs it."""
    if isinstance(value, (CommentedMap, CommentedSeq)):
        if value.ca.comment is None:
            value.ca.comment = [token, None]
        else:
            value.ca.comment[0] = token


def _fit_line_end(container: Container, key: Key) -> None:
    """A value that became a | block ends its own line: the "\n" kept for the old value's line goes, and
    its end-of-line comment becomes a comment line below the block, at the key's indentation."""
    slots = container.ca.items.get(key)
    index = _slot_index(container)
    token = slots[index] if slots and len(slots) > index else None
    if token is None or not _is_block_scalar(container[key]):
        return
    if token.value.startswith("\n"):
        token.value = token.value[1:]
    else:
        token.value = " " * _column(container, key) + token.value
        token.start_mark = CommentMark(0)
    if not token.value:
        slots[index] = None


def _column(container: Container, key: Key) -> int:
    """The column of an entry's key, or of its dash in a list, in the loaded file (0 if unknown)."""
    position = container.lc.data.get(key) if isinstance(container.lc.data, dict) else None
    if not position:
        return 0
    return position[1] if isinstance(container, CommentedMap) else max(0, position[1] - 2)


def _take_item(container: Container, key: Key) -> list[str]:
    slots = container.ca.items.get(key)
    index = _slot_index(container)
    token = slots[index] if slots and len(slots) > index else None
    if token is None:
        return []
    head, lines = _split_token(token, _is_block_scalar(container[key]))
    if head:
        token.value = head  # in place: a flow collection shares this token as its own end-of-line comment
    else:
        slots[index] = None
    return lines


def _take_end(value: Container) -> list[str]:
    lines = [line for token in value.ca.end for line in (" " * token.column + token.value).splitlines()]
    value.ca.end.clear()
    return lines


def _split_token(token: CommentToken, after_block: bool) -> tuple[str, list[str]]:
    """(the rest of the value's own line, the full comment lines after it)."""
    value = token.value
    if value.startswith("\n"):
        return "\n", value[1:].splitlines()
    if after_block:
        return "", (" " * token.column + value).splitlines()
    head, _, rest = value.partition("\n")
    return head + "\n", rest.splitlines()


def _put_leading(mapping: CommentedMap, lines: list[str]) -> None:
    """Comment lines above a mapping's first key."""
    if not lines:
        return
    if mapping.ca.comment is None:
        mapping.ca.comment = [None, []]
    if mapping.ca.comment[1] is None:
        mapping.ca.comment[1] = []
    mapping.ca.comment[1].append(CommentToken("".join(line + "\n" for line in lines), CommentMark(0), None))


def _slot_index(container: Container) -> int:
    return 2 if isinstance(container, CommentedMap) else 0


def _last_key(container: Container) -> Key:
    return next(reversed(container)) if isinstance(container, CommentedMap) else len(container) - 1


def _is_block_collection(value: Any) -> bool:
    return isinstance(value, (CommentedMap, CommentedSeq)) and len(value) > 0 and not _is_flow(value)


def _is_block_scalar(value: Any) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


_COMMENTED_DATA = re.compile(r"^\s*#\s*(-\s|[A-Za-z_][\w-]*:(\s|$))")


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _split_last_block(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lines, the run of comment lines at their end): the block that sits right above the next key."""
    start = len(lines)
    while start and _is_comment(lines[start - 1]):
        start -= 1
    return lines[:start], lines[start:]


def _drop_description(lines: list[str]) -> list[str]:
    """Lines without the prose comment lines at their end (a deleted key's description)."""
    end = len(lines)
    while end and _is_comment(lines[end - 1]) and not _COMMENTED_DATA.match(lines[end - 1]):
        end -= 1
    return lines[:end]


def _drop_example(lines: list[str], key: str) -> list[str]:
    """Lines without a commented-out example of `key` (`# key: …` and its deeper commented lines)."""
    pattern = re.compile(rf"^(\s*)#(\s*){re.escape(key)}:(\s|$)")
    for number, line in enumerate(lines):
        match = pattern.match(line)
        if not match:
            continue
        deeper = re.compile(rf"^{match.group(1)}#{match.group(2)}\s+\S")
        end = number + 1
        while end < len(lines) and deeper.match(lines[end]):
            end += 1
        return lines[:number] + lines[end:]
    return lines
