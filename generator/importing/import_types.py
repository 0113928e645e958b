"""What an import works with and returns: the YAML documents it writes, the results, the archive it checks against."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from generator.errors import Report
from generator.content.models import DevModel, Issue, Series
from generator.content.yamlsrc import Loc

SUFFIXES = (".txt", ".docx")
MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass
class Document:
    """One file to write: plain data, comments by key path, header comment lines."""

    path: str  # relative to the project, with /
    data: dict[str, Any]
    comments: dict[Loc, list[str]] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)

    def comment(self, loc: Loc, text: str) -> None:
        self.comments.setdefault(loc, []).append(text)


@dataclass
class ImportedIssue:
    """What one input became."""

    source: str
    label: str  # 山西省乡村振兴简报 2023年第7期（总第62期）
    files: list[str]  # written, relative to the project
    uncertain: list[str]


@dataclass
class ImportResult:
    report: Report
    imported: list[ImportedIssue] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    series_hints: dict[str, str] = field(default_factory=dict)  # masthead → lines for content/series.yml

    @property
    def uncertain(self) -> list[str]:
        return [f"{item.source}: {note}" for item in self.imported for note in item.uncertain]


@dataclass
class Archive:
    """What is already in the project, plus what this run has imported."""

    root: Path
    series: list[Series]
    issues: list[tuple[Issue, str]]
    cases: dict[str, str]  # id → title
    models: list[DevModel]
