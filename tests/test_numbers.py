"""The one number formatter (generator/numbers.py): decimals by unit, thousands separators."""

from __future__ import annotations

import pytest

from generator.site.numbers import format_number, format_quantity


@pytest.mark.parametrize(("value", "unit", "shown"), [
    (74.0, "%", "74.0"), (8.94, "%", "8.9"), (1942.0, "个", "1942"), (28.3, "万元", "28.30"),
    (25.476, "万元", "25.48"), (12.0, "村", "12"), (12.345, "", "12.35"), (0.5, "", "0.5"),
])
def test_decimals_are_fixed_by_unit(value, unit, shown):
    assert format_number(value, unit, running_text=True) == shown


def test_running_text_has_no_thousands_separator_below_ten_thousand():
    assert format_quantity(1942.0, "个", running_text=True) == "1942个"
    assert format_quantity(9999.0, "个", running_text=True) == "9999个"
    assert format_quantity(12345.6, "万元", running_text=True) == "12,345.60万元"
    assert format_quantity(74.0, "%", running_text=True) == "74.0%"


def test_tables_and_charts_group_from_a_thousand():
    assert format_number(1515.72, "万元", running_text=False) == "1,515.72"
    assert format_number(999.0, "个", running_text=False) == "999"
    assert format_number(-1234.5, "万元", running_text=False) == "-1,234.50"


def test_data_files_never_group():
    assert format_number(12345.6, "万元", running_text=False, grouping=False) == "12345.60"
    assert format_number(1.0 / 3, "", running_text=False, grouping=False, as_written=True) == "0.3333333333333333"


def test_numbers_from_content_keep_the_decimals_their_author_wrote():
    assert format_number(74, "%", running_text=True, as_written=True) == "74"
    assert format_number(8.9, "%", running_text=True, as_written=True) == "8.9"
    assert format_number(1992, "名", running_text=True, as_written=True) == "1992"
    assert format_number(0.00001, "", running_text=True, as_written=True) == "0.00001"


def test_text_and_missing_values_are_shown_as_they_are():
    assert format_number("*", "%", running_text=True) == "*"
    assert format_quantity("*", "万元", running_text=True) == "*"
    assert format_number(float("nan"), "%", running_text=False) == "—"
    assert format_number(-0.01, "%", running_text=False) == "0.0"
