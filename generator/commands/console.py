"""Console output shared by the commands: problems one per line, errors in Chinese, exit codes."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from generator.errors import ContentError, JianbaoError, Level, Report


def print_report(report: Report, notes: bool = True) -> None:
    """Every problem, one per line, then the count (stderr); notes only if asked."""
    for problem in report.sorted():
        if notes or problem.level > Level.NOTE:
            click.echo(problem.format(), err=True)
    if report.problems:
        click.echo(report.summary(), err=True)


def print_error(exc: JianbaoError) -> None:
    """What went wrong, in Chinese (stderr); the caller decides whether to stop."""
    if isinstance(exc, ContentError):
        print_report(exc.report)
        click.echo("失败：内容或数据有错误，未写入任何文件。", err=True)
    else:
        click.echo(f"错误：{exc}", err=True)


def fail(exc: JianbaoError) -> NoReturn:
    """Print the error and exit with its code."""
    print_error(exc)
    sys.exit(exc.exit_code)
