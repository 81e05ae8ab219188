"""A workbook with bad cells on many sheets: every one reported at once, nothing written.

A finance officer who sends the workbook back to the planner should get one list of what to
fix: the sheet, the cell, the column's header, what was expected and what was found, for every
sheet (the plan's own values, the assumptions, the sources, the rules, the age groups, the
tables and the measures), not the first only.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError, PlanErrors
from muniplan.plan.load import load_plan, read_folder
from muniplan.report.excel import export_workbook, import_workbook

BAD_CELLS = {  # sheet, cell: value
    ("Plan", "B16"): "mye",  # opening.debt.value
    ("Plan", "B34"): "kanskje",  # finance.demography_in_frames
    ("Forutsetninger", "E2"): "høy",
    ("Kilder", "A3"): None,
    ("Handlingsregler", "A3"): None,
    ("Aldersgrupper", "A3"): "skole",
    ("Sektorer", "K2"): "9,4 mrd",
    ("Tiltak", "A2"): "klimaklok",
}

EXPECTED = [
    "hp.xlsx, Plan!B16: opening.debt.value: not a number (expected a number, found 'mye')",
    "hp.xlsx, Plan!B34: finance.demography_in_frames: not true or false (expected TRUE or "
    "FALSE, found 'kanskje')",
    "hp.xlsx, Forutsetninger!E2: 2019: not a number (expected a number, found 'høy')",
    "hp.xlsx, Kilder!A3: id: missing required cell (expected an id, unique on the sheet)",
    "hp.xlsx, Handlingsregler!A3: id: missing required cell (expected an id, unique on the "
    "sheet)",
    "hp.xlsx, Aldersgrupper!A3: tjeneste: unknown service (expected an id from the sheet "
    "Tjenester, found 'skole')",
    "hp.xlsx, Sektorer!K2: 2020: not a number (expected a number, found '9,4 mrd')",
    "hp.xlsx, Tiltak!A2: satsingsområde: unknown priority area (expected an id from the "
    "sheet Satsingsområder, found 'klimaklok')",
]


@pytest.fixture(scope="module")
def broken(example_dir) -> bytes:
    plan = load_plan(example_dir)
    data = export_workbook(plan, project(plan), read_folder(example_dir))
    wb = load_workbook(io.BytesIO(data))
    for (sheet, cell), value in BAD_CELLS.items():
        assert wb[sheet][cell].value not in (None, value), (sheet, cell)  # a real change
        wb[sheet][cell] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_every_sheets_bad_cells_are_reported_together(broken):
    with pytest.raises(PlanErrors) as info:
        import_workbook(broken, origin="hp.xlsx")
    assert str(info.value).split("\n") == EXPECTED
    assert all(e.sheet and e.cell and e.field for e in info.value.problems)


def test_the_cli_lists_them_all_and_writes_nothing(broken, tmp_path, capsys):
    bad = tmp_path / "hp.xlsx"
    bad.write_bytes(broken)
    out = tmp_path / "plan"
    assert run_guarded(app, ["--lang", "en", "excel", "import", str(bad), str(out)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for line in EXPECTED:
        assert line.split(": ", 1)[1] in " ".join(err.split()), line
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hp.xlsx"]


def _cell_with(ws, text: str):
    return next(c for row in ws.iter_rows() for c in row if c.value == text)


def test_the_loaders_errors_are_located_on_their_sheets_too(example_dir):
    """With every cell a number where one is wanted, the loader's errors come together, each
    on its sheet and cell: a bad law regime (Plan), a rate in per cent (Forutsetninger), an
    unknown sector (Investeringer) and an unknown programområde (Tjenester)."""
    plan = load_plan(example_dir)
    wb = load_workbook(io.BytesIO(export_workbook(plan, project(plan),
                                                  read_folder(example_dir))))
    regime = _cell_with(wb["Plan"], "law_regime")
    wb["Plan"].cell(regime.row, 2).value = "1993"
    wb["Forutsetninger"]["E2"] = 3.2
    services = wb["Tjenester"]
    areas = _cell_with(services, "programområder").column
    row = _cell_with(services, "barnevern").row
    services.cell(row, areas).value = "barnevernet"
    wb["Investeringer"]["D3"] = "barn-og-ung"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(PlanErrors) as info:
        import_workbook(buf.getvalue(), origin="hp.xlsx")
    where = [(e.sheet, e.cell) for e in info.value.problems]
    assert where == [("Plan", f"B{regime.row}"), ("Forutsetninger", "A2"),
                     ("Investeringer", "D3"),
                     ("Tjenester", f"{services.cell(row, areas).column_letter}{row}")]
    assert "did you mean 'barn-og-unge'" in str(info.value)
    assert "did you mean 'barnevern'" in str(info.value)


def test_a_measures_error_is_located_on_its_tiltak_row(example_dir):
    """The second measure of the last priority area names an unknown sector; the first
    measure of the first area has a bad status. Each is on its own Tiltak row and column."""
    plan = load_plan(example_dir)
    wb = load_workbook(io.BytesIO(export_workbook(plan, project(plan),
                                                  read_folder(example_dir))))
    ws = wb["Tiltak"]
    head = [c.value for c in ws[1]]
    areas = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    last = [n for n, a in enumerate(areas, start=2) if a == areas[-1]][1]
    sector, status = head.index("sektor") + 1, head.index("status") + 1
    ws.cell(last, sector).value = "barn-og-ung"
    ws.cell(2, status).value = "kanskje"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(PlanErrors) as info:
        import_workbook(buf.getvalue(), origin="hp.xlsx")
    where = [(e.sheet, e.cell) for e in info.value.problems]
    assert where == [("Tiltak", f"{ws.cell(2, status).column_letter}2"),
                     ("Tiltak", f"{ws.cell(last, sector).column_letter}{last}")]


def test_a_rows_error_is_on_its_own_row_past_blank_rows_and_long_cells(example_dir):
    """A blank row above and a note of several lines (Alt+Enter) in a cell do not move an
    error off its row: the loader's line in the CSV text is mapped back to the sheet's row."""
    plan = load_plan(example_dir)
    wb = load_workbook(io.BytesIO(export_workbook(plan, project(plan),
                                                  read_folder(example_dir))))
    ws = wb["Investeringer"]
    head = [c.value for c in ws[1]]
    ws.insert_rows(3)  # a blank row between the first and the second project
    ws.cell(2, head.index("forutsetning") + 1).value = "Første linje\nandre linje\ntredje"
    ws.cell(6, head.index("sektor") + 1).value = "barn-og-ung"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(PlanError) as info:
        import_workbook(buf.getvalue(), origin="hp.xlsx")
    assert (info.value.sheet, info.value.cell) == ("Investeringer", "D6")
    assert "did you mean 'barn-og-unge'" in str(info.value)
