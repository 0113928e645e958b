"""What a cached .docx is keyed by and made with, without python-docx (docx_issue.py imports it).

A warm build checks every issue's .docx against its key; only a changed one is rendered,
and only then is python-docx (and lxml) imported: a fifth of a second at start-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DOCX_FORMAT = "1"  # bump when the layout written in docx_issue.py changes: cached files are made again


@dataclass(frozen=True)
class DocxMeta:
    title: str
    author: str
    date: dt.date
