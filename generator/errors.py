"""Problems found in content and data, collected rather than raised one by one."""

from __future__ import annotations

import enum
import errno
from dataclasses import dataclass, field
from pathlib import Path


class Level(enum.IntEnum):
    """How serious a problem is; the Chinese word is what users read."""

    NOTE = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return {Level.NOTE: "提示", Level.WARNING: "警告", Level.ERROR: "错误"}[self]


def relative_label(path: Path, root: Path) -> str:
    """The path as users see it: relative to the project root, with forward slashes."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at a place in a file; line and column are 1-based (0 = unknown)."""

    path: str
    line: int
    column: int
    level: Level
    message: str

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level.label}: {self.message}"


@dataclass
class Report:
    """Every problem of one run, in the order found."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str | Path, line: int, column: int, level: Level, message: str) -> None:
        self.problems.append(Problem(str(path), line, column, level, message))

    def error(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.add(path, line, column, Level.ERROR, message)

    def warning(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.add(path, line, column, Level.WARNING, message)

    def note(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.add(path, line, column, Level.NOTE, message)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level == level)

    @property
    def has_errors(self) -> bool:
        return any(p.level >= Level.ERROR for p in self.problems)

    def sorted(self) -> list[Problem]:
        """Problems ordered by file and position, for stable output."""
        return sorted(self.problems, key=lambda p: (p.path, p.line, p.column, -p.level, p.message))

    def summary(self) -> str:
        return (
            f"共 {self.count(Level.ERROR)} 个错误，{self.count(Level.WARNING)} 个警告，"
            f"{self.count(Level.NOTE)} 个提示"
        )


class JianbaoError(Exception):
    """A failure to report to the user in Chinese, with an exit code."""

    exit_code = 1


class ContentError(JianbaoError):
    """Content or data has errors; the report says which."""

    def __init__(self, report: Report):
        super().__init__(report.summary())
        self.report = report


class UsageError(JianbaoError):
    """Wrong usage or a missing system dependency (exit 2)."""

    exit_code = 2


class FileSystemError(JianbaoError):
    """The build could not write its files: disk full, read-only folder, no permission (exit 2)."""

    exit_code = 2

    @classmethod
    def from_os_error(cls, exc: OSError) -> FileSystemError:
        reasons = {
            errno.ENOSPC: "磁盘空间不足",
            errno.EDQUOT: "超出磁盘配额",
            errno.EROFS: "文件系统是只读的",
            errno.EACCES: "没有写入权限",
            errno.EPERM: "没有权限",
        }
        reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
        where = f"：{exc.filename}" if exc.filename else ""
        return cls(f"写入失败，{reason}{where}。原有的站点未改动；腾出空间或改正权限后重新运行即可，无需手工清理")
