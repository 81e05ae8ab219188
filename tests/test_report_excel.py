"""Excel round trip (nothing lost) and broken workbooks (located errors, nothing written)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from openpyxl import load_workbook

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError
from muniplan.plan.load import load_files, load_plan, read_folder
from muniplan.report.data import plan_to_dict
from muniplan.report.excel import export_workbook, import_workbook

SHEETS = ("Plan", "Forutsetninger", "Kilder", "Inntekter", "Fond", "Strategier",
          "Handlingsregler", "Tjenester", "Sektorer", "Investeringer", "Satsingsområder",
          "Tiltak", "Mål", "Framskrivning")


@pytest.fixture(scope="module")
def workbook(example_dir):
    plan = load_plan(example_dir)
    return plan, project(plan), export_workbook(plan, project(plan), read_folder(example_dir))


def _content(plan):
    return plan.model_dump(exclude={"digest", "population"})


def test_layout_for_a_finance_officer(workbook):
    *_, data = workbook
    wb = load_workbook(io.BytesIO(data))
    for name in SHEETS:
        assert name in wb.sheetnames, name
        assert wb[name].sheet_state == "visible"
    ws = wb["Sektorer"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref
    head = [c.value for c in ws[1]]
    col = head.index("2018") + 1
    assert ws.cell(row=2, column=col).number_format == "# ##0"
    assert sum(ws.cell(row=r, column=col).value for r in range(2, ws.max_row + 1)) == 9_400_000
    assert wb["Framskrivning"].protection.sheet
    assert wb["_layout"].sheet_state == "hidden"


def test_round_trip_loses_nothing(workbook, example_dir, tmp_path):
    plan, proj, data = workbook
    files = import_workbook(data)
    assert set(files) == set(read_folder(example_dir))
    back = load_files(files)
    assert plan_to_dict(back) == plan_to_dict(plan)
    assert _content(back) == _content(plan)
    np.testing.assert_array_equal(back.population.population, plan.population.population)
    proj2 = project(back)
    for k, v in proj.series.items():
        np.testing.assert_array_equal(proj2.series[k], v, err_msg=k)
    np.testing.assert_array_equal(proj2.savings_need, proj.savings_need)


def test_cli_round_trip(tmp_path, example_dir):
    xlsx = tmp_path / "plan.xlsx"
    assert run_guarded(app, ["excel", "export", str(example_dir), str(xlsx)]) == 0
    assert run_guarded(app, ["excel", "import", str(xlsx), str(tmp_path / "plan")]) == 0
    assert _content(load_plan(tmp_path / "plan")) == _content(load_plan(example_dir))


def test_export_from_the_plan_alone(workbook):
    plan, proj, _ = workbook
    back = load_files(import_workbook(export_workbook(plan, proj)))
    assert plan_to_dict(back) == plan_to_dict(plan)


def _broken(data: bytes, edit) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _col(ws, name):
    return [c.value for c in ws[1]].index(name) + 1


def _set(sheet, column, row, value):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(row=row, column=_col(ws, column)).value = value
    return edit


@pytest.mark.parametrize(("edit", "sheet", "cell", "words"), [
    (_set("Investeringer", "2019", 7, "mye"), "Investeringer", "O7", "not a number"),
    (_set("Investeringer", "useful_life", 3, "lenge"), "Investeringer", "G3", "not a number"),
    (_set("Sektorer", "program_area_id", 4, None), "Sektorer", "C4", "missing required cell"),
    (_set("Sektorer", "2020", 2, "9,4 mrd"), "Sektorer", "K2", "not a number"),
    (_set("Investeringer", "category", 5, "slott"), "Investeringer", "C5", "unknown category"),
    (_set("Forutsetninger", "2019", 2, "høy"), "Forutsetninger", None, "not a number"),
    (_set("Tiltak", "priority_area", 2, "ukjent"), "Tiltak", "A2", "unknown priority area"),
    (_set("Handlingsregler", "id", 2, None), "Handlingsregler", "A2", "missing required cell"),
])
def test_bad_cells_are_located(workbook, edit, sheet, cell, words):
    *_, data = workbook
    with pytest.raises(PlanError) as exc:
        import_workbook(_broken(data, edit), origin="hp.xlsx")
    err = exc.value
    assert err.sheet == sheet
    if cell:
        assert err.cell == cell, str(err)
    assert words in str(err)
    assert "hp.xlsx" in str(err)


def test_unknown_layout_and_not_a_workbook(workbook, tmp_path):
    *_, data = workbook
    with pytest.raises(PlanError, match="unknown sheet layout"):
        import_workbook(_broken(data, lambda wb: wb.remove(wb["_layout"])))
    with pytest.raises(PlanError, match="unknown sheet layout"):
        import_workbook(_broken(data, lambda wb: setattr(wb["_layout"].cell(1, 2), "value", 99)))
    with pytest.raises(PlanError, match="not an Excel workbook"):
        import_workbook(b"plain text")


def test_cli_bad_workbook_exits_2_and_writes_nothing(workbook, tmp_path, capsys):
    *_, data = workbook
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_broken(data, _set("Investeringer", "2019", 7, "mye")))
    out = tmp_path / "plan"
    assert run_guarded(app, ["excel", "import", str(bad), str(out)]) == 2
    assert "Investeringer" in capsys.readouterr().err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx"]
