"""Excel round trip (nothing lost) and broken workbooks (located errors, nothing written)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError, PlanErrors
from muniplan.plan.load import load_files, load_plan, read_folder
from muniplan.plan.model import INVESTMENT_CATEGORIES, MEASURE_STATUSES
from muniplan.report.data import plan_to_dict, projection_rows
from muniplan.report.excel import export_workbook, import_workbook

SHEETS = ("Plan", "Forutsetninger", "Kilder", "Inntekter", "Fond", "Strategier",
          "Handlingsregler", "Tjenester", "Aldersgrupper", "Sektorer", "Investeringer",
          "Satsingsområder", "Tiltak", "Mål", "Framskrivning")


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
    assert ws.cell(row=2, column=col).number_format == "#,##0"  # 2 292 660 in Norwegian
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
    (_set("Investeringer", "levetid", 3, "lenge"), "Investeringer", "G3", "not a number"),
    (_set("Sektorer", "programområde-id", 4, None), "Sektorer", "C4", "missing required cell"),
    (_set("Sektorer", "2020", 2, "9,4 mrd"), "Sektorer", "K2", "not a number"),
    (_set("Investeringer", "kategori", 5, "slott"), "Investeringer", "C5", "unknown category"),
    (_set("Forutsetninger", "2019", 2, "høy"), "Forutsetninger", None, "not a number"),
    (_set("Tiltak", "satsingsområde", 2, "ukjent"), "Tiltak", "A2", "unknown priority area"),
    (_set("Aldersgrupper", "tjeneste", 2, "ukjent"), "Aldersgrupper", "A2", "unknown service"),
    (_set("Investeringer", "sektor", 4, "barn-og-ung"), "Investeringer", "D4",
     "did you mean 'barn-og-unge'"),
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


# --- for finance staff: formats, drop-downs, no YAML, the projection in the plan's unit -------

def _validations(ws):
    return {str(dv.sqref).split(":")[0][0]: (dv.type, dv.formula1)
            for dv in ws.data_validations.dataValidation}


def _column(ws, header):
    return get_column_letter(_col(ws, header))


def test_formats_show_norwegian_thousands_and_per_cent(workbook):
    *_, data = workbook
    wb = load_workbook(io.BytesIO(data))
    inv = wb["Investeringer"]
    assert inv.cell(row=2, column=_col(inv, "2019")).number_format == "#,##0"
    assert inv.cell(row=2, column=_col(inv, "momskomp.")).number_format == "0.0## %"
    assert inv.cell(row=2, column=_col(inv, "momskomp.")).value == 0.2
    debt = next(r for r in wb["Plan"].iter_rows(min_row=2) if r[0].value == "opening.debt.value")
    assert debt[1].number_format == "#,##0"
    rules = wb["Handlingsregler"]
    fmts = {r[0].value: r[_col(rules, "grense") - 1].number_format
            for r in rules.iter_rows(min_row=2)}
    assert "0.0## %" in fmts.values() and "#,##0" in fmts.values()  # ratios and a fund
    growth = next(r for r in wb["Forutsetninger"].iter_rows(min_row=2)
                  if r[0].value == "Årslønnsvekst")
    assert growth[3].number_format == "0.0## %"


def test_drop_downs_for_sectors_categories_and_statuses(workbook):
    *_, data = workbook
    wb = load_workbook(io.BytesIO(data))
    inv = _validations(wb["Investeringer"])
    kind, categories = inv[_column(wb["Investeringer"], "kategori")]
    assert kind == "list" and categories.strip('"').split(",") == list(INVESTMENT_CATEGORIES)
    sector_col = _column(wb["Sektorer"], "sektor-id")
    assert inv[_column(wb["Investeringer"], "sektor")] == (
        "list", f"'Sektorer'!${sector_col}$2:${sector_col}$1000")
    assert inv[_column(wb["Investeringer"], "programområde")][1].startswith("'Sektorer'!$C$2")
    assert inv[_column(wb["Investeringer"], "momskomp.")] == ("decimal", "0")
    tiltak = _validations(wb["Tiltak"])
    assert tiltak[_column(wb["Tiltak"], "status")][1].strip('"').split(",") == list(
        MEASURE_STATUSES)
    assert tiltak[_column(wb["Tiltak"], "sektor")][1] == f"'Sektorer'!${sector_col}$2:" \
        f"${sector_col}$1000"
    assert "Mål" not in [ws.title for ws in wb if _validations(ws)]  # free-text indicators


def test_headers_are_norwegian_and_no_cell_holds_yaml(workbook):
    *_, data = workbook
    wb = load_workbook(io.BytesIO(data))
    assert [c.value for c in wb["Sektorer"][1]][:5] == [
        "sektor-id", "sektor", "programområde-id", "nr.", "programområde"]
    assert [c.value for c in wb["Aldersgrupper"][1]] == ["tjeneste", "fra alder",
                                                         "til alder", "dekning"]
    for ws in wb:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and v[:1] in "[{" and v[-1:] in "]}"), \
                    f"{ws.title}: {v}"
                assert not (isinstance(v, str) and "[yaml]" in v), ws.title


def test_no_header_is_a_plan_files_key(workbook):
    """A header is a word for the finance officer (``programområde``), never the YAML key
    (``program_area``) it stands for."""
    *_, data = workbook
    wb = load_workbook(io.BytesIO(data))
    for ws in wb:
        if ws.sheet_state == "visible":
            head = [c.value for c in ws[1] if isinstance(c.value, str)]
            assert not [h for h in head if "_" in h], ws.title
    assert "programområde" in [c.value for c in wb["Langsiktige investeringer"][1]]


def test_a_workbook_with_the_former_english_header_still_imports(workbook):
    plan, _, data = workbook
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Langsiktige investeringer"]
    for c in ws[1]:
        if c.value == "programområde":
            c.value = "program_area"
    buf = io.BytesIO()
    wb.save(buf)
    back = load_files(import_workbook(buf.getvalue()))
    assert back.long_term_investments == plan.long_term_investments


def test_the_projection_is_in_the_plans_unit(workbook):
    plan, proj, data = workbook
    assert plan.amount_scale == 1000
    rows = list(load_workbook(io.BytesIO(data))["Framskrivning"].iter_rows(values_only=True))
    by_id = {r[0]: r for r in rows[1:] if r and r[0]}
    for name, _label, unit, _basis, values in projection_rows(proj):
        row = by_id[name]
        if unit == "kr":
            assert row[2] == "1000 kr"
            assert list(row[4:4 + len(values)]) == [None if v is None else v / 1000
                                                     for v in values], name
        else:
            assert list(row[4:4 + len(values)]) == values, name
    assert by_id["operating_income"][4] == 10_439_000  # Sum driftsinntekter 2018, 1000 kr
    # the price basis names its year where the kroner are fixed
    assert by_id["savings_need_fixed"][3] == "faste 2018-kr"
    assert by_id["savings_need"][3] == "løpende kr"


def test_import_refuses_a_folder_with_files_without_force(workbook, tmp_path, capsys):
    *_, data = workbook
    xlsx = tmp_path / "plan.xlsx"
    xlsx.write_bytes(data)
    out = tmp_path / "plan"
    out.mkdir()
    (out / "notat.txt").write_text("mine", encoding="utf-8")
    assert run_guarded(app, ["excel", "import", str(xlsx), str(out)]) == 2
    assert "mappen er ikke tom" in capsys.readouterr().err  # bokmål, the default
    assert sorted(p.name for p in out.iterdir()) == ["notat.txt"]
    assert run_guarded(app, ["excel", "import", str(xlsx), str(out), "--force"]) == 0
    assert (out / "plan.yaml").is_file()


def test_a_new_kommunes_plan_round_trips(tmp_path):
    folder = tmp_path / "ny"
    assert run_guarded(app, ["init", str(folder), "--municipality", "1151",
                             "--first-year", "2026"]) == 0
    plan = load_plan(folder)
    data = export_workbook(plan, project(plan), read_folder(folder))
    back = load_files(import_workbook(data))
    assert _content(back) == _content(plan)


def test_nested_series_and_id_lists_round_trip_without_yaml(example_dir):
    files = read_folder(example_dir)
    files["plan.yaml"] = files["plan.yaml"].replace(
        "    program_areas: [barnehager]\n",
        "    program_areas: [barnehager, grunnskole]\n"
        "    coverage_change: {values: {2019: 0.01, 2022: 0.0}, extend: hold,"
        " assumption: utbygging}\n", 1)
    plan = load_files(files)
    assert plan.services[0].coverage_change is not None
    data = export_workbook(plan, project(plan), files)
    ws = load_workbook(io.BytesIO(data))["Tjenester"]
    head = [c.value for c in ws[1]]
    assert "coverage_change.values.2019" in head
    assert ws.cell(row=2, column=head.index("programområder") + 1).value == \
        "barnehager; grunnskole"
    assert _content(load_files(import_workbook(data))) == _content(plan)


def test_every_bad_cell_is_reported_with_its_norwegian_header(workbook):
    *_, data = workbook

    def edit(wb):
        _set("Investeringer", "levetid", 3, "lenge")(wb)
        _set("Sektorer", "2020", 2, "mye")(wb)

    with pytest.raises(PlanErrors) as exc:
        import_workbook(_broken(data, edit), origin="hp.xlsx")
    found = [(e.sheet, e.cell, e.field) for e in exc.value.problems]
    year = _column(load_workbook(io.BytesIO(data))["Sektorer"], "2020")
    assert found == [("Sektorer", f"{year}2", "2020"), ("Investeringer", "G3", "levetid")]
    assert str(exc.value).count("\n") == 1


def test_assumptions_are_named_in_norwegian_and_read_back_by_their_key(workbook):
    """The finance officer reads ``Årslønnsvekst``, not ``wage_growth``; the key stays in a
    hidden last column so the import finds the assumption again."""
    plan, _, data = workbook
    ws = load_workbook(io.BytesIO(data))["Forutsetninger"]
    names = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert "Årslønnsvekst" in names and "Rentenivå på lånegjelden" in names
    assert not [n for n in names if "_" in n], names
    last = get_column_letter(ws.max_column)
    assert ws[f"{last}1"].value == "id" and ws.column_dimensions[last].hidden
    assert "wage_growth" in [c.value for c in ws[last]]
    assert load_files(import_workbook(data)).assumptions == plan.assumptions


@pytest.mark.parametrize("name", ["wage_growth", "Årslønnsvekst", "annual wage growth"])
def test_a_workbook_naming_assumptions_by_key_or_name_without_the_id_column_imports(
        workbook, name):
    """A workbook from before the id column (keys in the first column), or a row a person
    typed by its name, still imports to the same plan."""
    plan, _, data = workbook
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Forutsetninger"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "Årslønnsvekst")
    row[0].value = name
    keys = {r[0].row: r[-1].value for r in ws.iter_rows(min_row=2)}
    ws.delete_cols(ws.max_column)
    for r in ws.iter_rows(min_row=2):
        if r[0].row != row[0].row:
            r[0].value = keys[r[0].row]
    buf = io.BytesIO()
    wb.save(buf)
    assert load_files(import_workbook(buf.getvalue())).assumptions == plan.assumptions
