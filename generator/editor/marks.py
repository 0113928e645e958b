"""The importer's `# 待确认：…` comments, shown at the fields they stand beside.

`jianbao import` writes what it guessed as comments (importing/documents.py). The editor shows
each at its field as a 提示: a comment at the end of a line belongs to the value on that line,
a comment on a line of its own to the value on the next line that has one.
"""

from __future__ import annotations

import re

from generator.content.yamlsrc import Positions
from generator.editor.workspace import FieldFinder
from generator.errors import Level, Problem

_MARK = re.compile(r"#\s*(待确认[：:].*)$")


def uncertain_marks(text: str, where: Positions, shown: str) -> list[tuple[str, Problem]]:
    """Each 待确认 comment as (field name, 提示 problem)."""
    lines = text.splitlines()
    starts: dict[int, tuple[int, int]] = {}
    for table in (where.keys, where.values):
        for position in table.values():
            starts.setdefault(position[0], position)
    finder = FieldFinder(where)
    marks = []
    for number, line in enumerate(lines, 1):
        match = _MARK.search(line)
        if match is None or _in_string(line, match.start()):
            continue
        own_line = not line[:match.start()].strip()
        target = next((n for n in range(number + (1 if own_line else 0), len(lines) + 1) if n in starts), number)
        line_no, column = starts.get(target, (number, 1))
        problem = Problem(shown, line_no, column, Level.NOTE, match.group(1))
        marks.append((finder.name(problem), problem))
    return marks


def _in_string(line: str, index: int) -> bool:
    """Whether a # stands inside a quoted scalar (then it is text, not a comment)."""
    before = line[:index]
    return before.count('"') % 2 == 1 or before.count("'") % 2 == 1
