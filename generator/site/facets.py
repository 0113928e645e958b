"""The data behind case browsing on the cases index (site_templates/assets/javascripts/cases.js).

The cases index loads `cases/cases-data.js`, which sets `window.jianbaoCases`: every case with
what its card shows and what the facets (model × region × tag × year) select on, and each
facet's values in display order (regions in hierarchy order). A script file, not JSON to
fetch, so it also loads from `file://`. The index itself stays small.
"""

from __future__ import annotations

from typing import Any

from generator.site.chart_embed import script_json
from generator.site.structure import Site, region_order
from generator.site.typography import cn_date

CASE_FACETS = "cases/cases-data.js"
CASES_JS = "assets/javascripts/cases.js"
# A card's summary in the data is cut at this many characters: the data of 1,200 cases stays
# a few hundred KB (the case page has the whole summary).
SUMMARY_CHARS = 60


def case_facets(site: Site) -> dict[str, Any]:
    """Facet values and the cases, as plain data; case links are relative to the cases index."""
    regions = sorted({path for view in site.cases for path in _ancestors(view.case.region)}, key=region_order)
    return {
        "facets": {
            "model": [[f.value, f.label] for f in site.filters["model"]],
            "region": [[path, path.rsplit("/", 1)[-1]] for path in regions],
            "tag": [[f.value, f.label] for f in site.filters["tag"]],
            "year": [[f.value, f.label] for f in site.filters["year"]],
        },
        "cases": [
            {
                "id": view.case.id,
                "title": view.case.title,
                "region": view.case.region,
                "date": cn_date(view.case.date) if view.case.date else "",
                "model": view.model.model.id if view.model else "",
                "modelName": view.model.model.name if view.model else "",
                "tags": sorted(set(view.case.tags)),
                "year": str(view.year) if view.year else "",
                "summary": _shorten(view.case.summary),
            }
            for view in site.cases
        ],
    }


def facets_script(data: dict[str, Any]) -> str:
    """The data as a script that assigns it (escaped like JSON inside <script>: no `<`, `>`, `&`)."""
    return f"window.jianbaoCases = {script_json(data)};\n"


def _shorten(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


def _ancestors(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[: k + 1]) for k in range(len(parts))]
