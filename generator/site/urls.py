"""The site's URL scheme (SPEC §5): names both the pages and the checks rely on.

site.py builds URLs from these; validate.py takes the words a case id or a page name
may not be from here, so a word the scheme gains later is reserved everywhere at once.
"""

from __future__ import annotations

from typing import Protocol

KIND_PREFIX = {"regular": "", "supplement": "zk-", "special": "zhk-"}
KIND_NAMES = {"regular": "正刊", "supplement": "增刊", "special": "专刊"}

# Top-level folders and pages of the site: a hand-written page may not take these names.
RESERVED_PAGES = frozenset({"index", "briefings", "cases", "models", "regions", "indicators", "data", "assets", "search", "feed", "tags"})
# cases/<kind>/<value>/ are the no-JS filter pages of the case list …
CASE_FILTERS = ("model", "region", "tag", "year")
# … and cases/page/<n>/ (and cases/<kind>/<value>/page/<n>/) its further pages.
CASE_PAGINATION = "page"
# A case lives at cases/<id>/: an id equal to one of these folders would collide with it.
RESERVED_CASE_IDS = frozenset({*CASE_FILTERS, CASE_PAGINATION, "index"})


class NumberedIssue(Protocol):
    series: str
    kind: str
    year: int
    number: int


def issue_slug(issue: NumberedIssue) -> str:
    """The file and URL name of an issue: 007, zk-001, zhk-002."""
    return slug_for(issue.kind, issue.number)


def slug_for(kind: str, number: int) -> str:
    return f"{KIND_PREFIX[kind]}{number:03d}"


def issue_key(issue: NumberedIssue) -> tuple[str, str, int, int]:
    """What makes an issue unique: (series, kind, year, number)."""
    return (issue.series, issue.kind, issue.year, issue.number)
