"""The placeholder texts scaffolds write, and how a check finds them left in a file.

Every placeholder is 【请填写…】: no real text looks like that, so one pattern finds
them all and a scaffold can never add a placeholder the check would miss.
"""

from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"【请填写[^】\n]*】")


def placeholder(what: str) -> str:
    """The placeholder for one field: 【请填写案例标题】."""
    return f"【请填写{what}】"


def find_placeholder(text: str) -> re.Match[str] | None:
    return PLACEHOLDER.search(text)
