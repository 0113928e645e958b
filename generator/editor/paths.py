"""Which files the editor may open: a path under content/ (data/villages/ for uploads), checked by shape.

A request path is never joined to the project folder as it is: it must have the shape of
one of the content files (SPEC §3), each part a plain name, and what it resolves to must
still lie inside content/. Everything else is refused before the disk is touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.content.models import ID_PATTERN

_ID = ID_PATTERN.strip("^$")
_SHAPES = (
    ("series", re.compile(r"series\.yml")),
    ("issue", re.compile(rf"briefings/(?:{_ID}/)?\d{{4}}/[0-9a-z-]{{1,16}}\.yml")),
    ("case", re.compile(rf"cases/{_ID}\.yml")),
    ("model", re.compile(rf"models/{_ID}\.yml")),
    ("page", re.compile(r"pages/[0-9A-Za-z_-]{1,64}\.md")),
)
KIND_TITLES = {"series": "简报系列", "issue": "简报", "case": "典型案例", "model": "发展模式", "page": "页面"}
TABLE_NAME = re.compile(r"[0-9A-Za-z_\u4e00-\u9fff-]{1,64}\.(csv|xlsx)")


class PathRefused(Exception):
    """A request path the editor does not serve; the message is for users."""


@dataclass(frozen=True)
class ContentPath:
    """A file under content/ that the editor may read and write."""

    kind: str  # series | issue | case | model | page
    rel: str  # under content/, with /
    file: Path  # absolute

    @property
    def shown(self) -> str:
        """As `jianbao check` names it."""
        return f"content/{self.rel}"


def content_path(project: Path, rel: str) -> ContentPath:
    """The content file `rel` names, or PathRefused."""
    kind = next((kind for kind, shape in _SHAPES if shape.fullmatch(rel)), None)
    if kind is None:
        raise PathRefused(f"不能编辑“{_shown(rel)}”：编辑器只打开 content/ 下的简报、案例、发展模式、series.yml 和 pages/*.md")
    content = (project / "content").resolve()
    file = (content / rel).resolve()
    if not file.is_relative_to(content) or (content / rel).is_symlink():
        raise PathRefused(f"不能编辑“{_shown(rel)}”：它不在 content/ 目录中")
    return ContentPath(kind, rel, file)


def table_path(project: Path, name: str) -> Path:
    """Where an uploaded village table goes: data/villages/<name>, a plain .csv or .xlsx name."""
    if not TABLE_NAME.fullmatch(name):
        raise PathRefused(f"表格文件名“{_shown(name)}”不合适：只能用字母、数字、汉字、- 和 _，扩展名为 .csv 或 .xlsx")
    folder = (project / "data" / "villages").resolve()
    return folder / name


def _shown(text: str) -> str:
    """A refused path as it may be shown: short, one line."""
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= 80 else text[:80] + "…"
