"""Chinese typography of generated text, as official texts write it (issue 15, item 4).

- dates: 2023年3月31日, no spaces, everywhere;
- quotes: a quoted text that already contains “…” gets ‘…’ inside (“某县‘消薄’工作”);
- captions: the last characters of a caption are kept together, so no line ends with a
  lone character (on top of `text-wrap: balance` in the stylesheet).
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup, escape

# Quotation marks by nesting level: “ ” outside, ‘ ’ inside, then “ ” again.
_OUTER, _INNER = ("“", "”"), ("‘", "’")
NO_ORPHAN_TAIL = 2  # characters of a caption's end that never wrap apart
_PUNCTUATION = "，。、；：！？）》”’」』"


def cn_date(value: dt.date) -> str:
    """2023-03-31 → 2023年3月31日."""
    return f"{value.year}年{value.month}月{value.day}日"


def quote(text: str) -> str:
    """Put text in Chinese quotation marks, turning its own quotes one level in: “…‘…’…”."""
    return _OUTER[0] + nest_quotes(text) + _OUTER[1]


def nest_quotes(text: str) -> str:
    """Quotes inside a text that is itself quoted: “ ” → ‘ ’ and ‘ ’ → “ ” (GB/T 15834: 双引号内用单引号)."""
    swap = {_OUTER[0]: _INNER[0], _OUTER[1]: _INNER[1], _INNER[0]: _OUTER[0], _INNER[1]: _OUTER[1]}
    return "".join(swap.get(char, char) for char in text)


def no_orphan(text: str) -> Markup:
    """Escaped text whose last characters (and any closing punctuation) cannot wrap onto a line alone."""
    tail = len(text)
    while tail > 0 and text[tail - 1] in _PUNCTUATION:
        tail -= 1
    cut = max(0, tail - NO_ORPHAN_TAIL)
    if cut == 0 or " " in text[cut:]:
        return Markup(escape(text))
    return Markup(escape(text[:cut])) + Markup('<span class="jb-nowrap">') + escape(text[cut:]) + Markup("</span>")
