"""The fields of an HTML form as a browser would post them (inputs, text areas, selected options)."""

from __future__ import annotations

from bs4 import BeautifulSoup


def form_fields(html: str, form_id: str = "edit-form") -> dict[str, str]:
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find("form", id=form_id)
    assert form is not None, html[:2000]
    fields: dict[str, str] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.name == "input" and element.get("type") in ("submit", "button", "file"):
            continue
        if element.name == "textarea":
            value = element.text
            value = value[1:] if value.startswith("\n") else value  # as HTML parsing drops it
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            value = chosen.get("value", "") if chosen else ""
        else:
            value = element.get("value", "")
        fields.setdefault(name, value)
    return fields
