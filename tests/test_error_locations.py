"""An Excel cell in an error is located as Excel writes a reference: ``hp.xlsx, Plan!B16``,
the sheet's name quoted when it holds more than letters, digits and underscores."""

from __future__ import annotations

import pytest

from muniplan.plan.errors import PlanError, excel_sheet


@pytest.mark.parametrize(("sheet", "expected"), [
    ("Plan", "Plan"), ("Forutsetninger", "Forutsetninger"), ("Mål_1", "Mål_1"),
    ("Mål og tiltak", "'Mål og tiltak'"), ("Kari's ark", "'Kari''s ark'"),
    ("2019-tall", "'2019-tall'"),
])
def test_a_sheet_name_as_excel_writes_it(sheet: str, expected: str) -> None:
    assert excel_sheet(sheet) == expected


def test_a_cell_error_reads_as_an_excel_reference() -> None:
    error = PlanError("not a number", file="hp.xlsx", field="2019", expected="a number",
                      found="høy", cell="E2", sheet="Forutsetninger")
    assert str(error) == ("hp.xlsx, Forutsetninger!E2: 2019: not a number (expected a number, "
                          "found 'høy')")
    spaced = PlanError("missing required cell", file="hp.xlsx", cell="B3",
                       sheet="Mål og tiltak")
    assert str(spaced).startswith("hp.xlsx, 'Mål og tiltak'!B3: ")
