"""The .yml note beside a village table: source, sample: true, note."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.errors import Report
from generator.content.yamlsrc import load_yaml

if TYPE_CHECKING:
    from generator.content.yamlcache import YamlCache
from generator.data.model_errors import validation_problems
from generator.errors import relative_label

# ---------------------------------------------------------------- sidecar


class Sidecar(BaseModel):
    """`data/villages/<stem>.yml`: where a table comes from."""

    model_config = ConfigDict(extra="forbid", strict=True)

    source: str = ""
    sample: bool = False
    note: str = ""


def read_sidecar(path: Path, root: Path, documents: YamlCache | None = None) -> tuple[Sidecar, Report]:
    """Read the optional sidecar of a table; defaults when there is none. documents: the parsed-file cache."""
    report = Report()
    if not path.exists():
        return Sidecar(), report
    shown = relative_label(path, root)
    document = documents.load(path, shown, report) if documents is not None else load_yaml(path, shown, report)
    if document is None:
        return Sidecar(), report
    data = {} if document.data is None else document.data
    if not isinstance(data, dict):
        report.error(document.path, 1, 1, "应为映射（source、sample、note）")
        return Sidecar(), report
    try:
        return Sidecar.model_validate(data), report
    except ValidationError as exc:
        report.extend(validation_problems(exc, document))
        return Sidecar(), report
