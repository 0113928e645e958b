"""The project as the editor sees it, kept for the life of `jianbao edit`.

One Workspace per process (the app owns it and passes it to every request): the project is
loaded once, with one BuildCache, and loaded again only when a file under content/ or data/
changes on disk. A live check parses the form's text, puts it in place of its file in a copy
of the loaded project and runs the checks of `jianbao check` on that copy — the same
functions, so the same messages — without reading the other 2,400 files again.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.buildcache import BuildCache
from generator.config import Settings
from generator.content.load import Page, Project, load_project, with_file
from generator.content.validate import validate_project
from generator.content.yamlsrc import Document, Loc, Positions
from generator.data.figures import Figures, check_charts, check_figures, check_highlights
from generator.data.load import Data, load_data
from generator.editor.paths import ContentPath
from generator.errors import Level, Problem, Report
from generator.output.files import file_stamps

WATCHED = ("content", "data")


@dataclass
class Checked:
    """A live check of one file's text: its problems by field, and what it did to other files."""

    problems: list[tuple[str, Problem]]  # (field name, or "" for the file as a whole; problem)
    others: list[Problem]  # new problems of other files (a 期号 now used twice …)
    project: Project  # the loaded project with this text in place of the file
    document: Document | None

    @property
    def has_errors(self) -> bool:
        return any(p.level >= Level.ERROR for p in [*(problem for _, problem in self.problems), *self.others])


@dataclass
class Workspace:
    settings: Settings
    cache: BuildCache = field(default_factory=BuildCache)
    project: Project | None = None
    data: Data | None = None
    report: Report = field(default_factory=Report)  # problems of the files as they are on disk
    _stamps: dict[str, int] | None = None
    _looked: float = -1e9  # when the disk was last looked at (time.monotonic)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def root(self) -> Path:
        return self.settings.project

    def refresh(self, max_age: float = 0.0) -> Project:
        """The project as it is on disk now (loaded again only when something changed).

        max_age: a live check, many a second, looks at the disk at most this often.
        """
        with self._lock:
            if self.project is not None and time.monotonic() - self._looked < max_age:
                return self.project
            self._looked = time.monotonic()
            stamps = file_stamps(self.root, WATCHED)
            if stamps != self._stamps or self.project is None:
                report = Report()
                project = load_project(self.root, report, self.settings.cache_dir, self.cache)
                # the facts a build kept of this data/ when there are some (read only: the editor keeps none itself)
                self.data = load_data(self.root, report, self.cache, store=self.settings.cache_dir / "data.json")
                validate_project(project, report, self.cache)
                project.save_cache()  # parsed files kept for the next start and for builds
                self.project, self.report, self._stamps = project, report, stamps
            return self.project

    def check(self, path: ContentPath, text: str, max_age: float = 0.0) -> Checked:
        """Every problem `jianbao check` would report if the file held text, by field."""
        with self._lock:
            base = self.refresh(max_age)
            data = self.data if self.data is not None else Data()
            report = Report()
            if path.kind == "page":
                project = replace(base, pages=[*(p for p in base.pages if p.path != path.shown), Page(Path(path.rel).stem, path.shown, text)])
            else:
                project = with_file(base, path.kind, path.shown, text, report)
            validate_project(project, report, self.cache)
            own = _only(project, path.shown)
            check_figures(own, Figures(data), report, self.cache)
            check_highlights(own, data, report)
            check_charts(own, data, report, self.cache)  # each chart's answer kept: a live check runs many times a second
        document = next((d for d in project.documents if d.path == path.shown), None)
        before = {p for p in self.report.problems if p.path != path.shown}
        fields = FieldFinder(document.where if document else Positions())
        mine = [(fields.name(p), p) for p in _unique(report.problems) if p.path == path.shown]
        others = [p for p in _unique(report.problems) if p.path != path.shown and p not in before]
        return Checked(sorted(mine, key=lambda item: item[1]), sorted(others), project, document)


def _only(project: Project, shown: str) -> Project:
    """The project cut down to one file: what the data checks run on in a live check."""
    return Project(
        root=project.root,
        issues=[d for d in project.issues if d.path == shown],
        cases=[d for d in project.cases if d.path == shown],
        models=[d for d in project.models if d.path == shown],
        documents=[d for d in project.documents if d.path == shown],
    )


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


class FieldFinder:
    """Which form field a problem at line:column belongs to: the value (or key) that starts there or last before it."""

    def __init__(self, where: Positions):
        places: dict[tuple[int, int], Loc] = {}
        for table in (where.keys, where.values):  # a value's own place wins over its key's
            for loc, position in table.items():
                places[position] = loc
        self.exact = places
        self.ordered = sorted(places.items())

    def name(self, problem: Problem) -> str:
        position = (problem.line, problem.column)
        loc = self.exact.get(position)
        if loc is None:
            earlier = [loc for place, loc in self.ordered if place <= position]
            loc = earlier[-1] if earlier else ()
        return field_name(loc)


def field_name(loc: Loc) -> str:
    """A place in a document as the form names it: dotted YAML path (articles.0.title, 0.name)."""
    return ".".join(str(part) for part in loc)
