"""The one numbering rule (期号 and 总期号) and where an issue's file goes.

validate.py checks issues against it, `jianbao new issue` and `jianbao import` ask it
for the next numbers and the file path: all three agree because there is one copy.
"""

from __future__ import annotations

from typing import Iterable, Protocol

from generator.site.urls import slug_for


class Numbered(Protocol):
    year: int
    number: int
    total: int | None


def expected_total(previous_year: int, previous_number: int, previous_total: int, year: int, number: int) -> int:
    """总期号 that follows the previous issue's: 总期号 never restarts, 期号 restarts each year.

    In the same year it advances by the difference of 期号 (a gap counts the missing issues);
    in a new year 第 N 期 is the N-th issue after the previous year's last.
    """
    if year == previous_year:
        return previous_total + (number - previous_number)
    return previous_total + number


def derive_totals(issues: Iterable[Numbered]) -> list[int | None]:
    """The 总期号 of each issue (one series and kind, in 期号 order): given, or derived from the one before."""
    result: list[int | None] = []
    previous: Numbered | None = None
    previous_total: int | None = None
    for issue in issues:
        total = issue.total
        if total is None and previous is not None and previous_total is not None:
            total = expected_total(previous.year, previous.number, previous_total, issue.year, issue.number)
        result.append(total)
        previous, previous_total = issue, total
    return result


def next_numbers(issues: Iterable[Numbered], year: int) -> tuple[int, int | None]:
    """期号 and 总期号 of a new issue in `year` after `issues` (one series and kind)."""
    ordered = sorted(issues, key=lambda i: (i.year, i.number))
    number = max((i.number for i in ordered if i.year == year), default=0) + 1
    earlier = [i for i in ordered if (i.year, i.number) < (year, number)]
    totals = derive_totals(earlier)
    if not earlier or totals[-1] is None:
        return number, None
    latest = earlier[-1]
    return number, expected_total(latest.year, latest.number, totals[-1], year, number)


def issue_path(series: str, year: int, kind: str, number: int, several_series: bool) -> str:
    """Where an issue's file goes, relative to the project (SPEC §3.2).

    A project with one series keeps content/briefings/<year>/<NNN>.yml; with several, each
    series has its own folder, so two series can both have a 2023 第7期.
    """
    folder = f"content/briefings/{series}/{year}" if several_series else f"content/briefings/{year}"
    return f"{folder}/{slug_for(kind, number)}.yml"


def path_forms(series: str, year: int, kind: str, number: int) -> tuple[str, str]:
    """Both valid places of an issue's file: without and with the series folder."""
    return issue_path(series, year, kind, number, False), issue_path(series, year, kind, number, True)
