"""Follow-up: a complete test year (T1, T2, year) for the Bærum example through import,
deviation and prognosis, the accounting-export importer, plan against reality and rolling
forward. The reports are TEST DATA (tests/followup/, not Bærum's accounts); expected
figures are recomputed here from those files with the csv module, by the documented rules."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from muniplan.cli import main
from muniplan.engine.followup import follow_up, plan_against_actuals
from muniplan.engine.projection import project
from muniplan.plan.actuals import read_actuals
from muniplan.plan.load import load_plan

DATA = Path(__file__).parent / "followup"
ACTUALS = DATA / "baerum" / "actuals"
K = 1000  # the files are in 1000 kr


def rows(name: str) -> list[dict[str, str]]:
    with (ACTUALS / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def figure(name: str, kind: str, id_: str, field: str) -> float:
    (row,) = [r for r in rows(name) if (r["kind"], r["id"], r["field"]) == (kind, id_, field)]
    return float(row["value"])


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        lang: str = "en") -> tuple[int, str, str]:
    """Run a command; in English unless ``lang`` says otherwise (the messages as the code
    writes them; tests/test_cli_language.py checks both languages)."""
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *argv])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture(scope="module")
def setup() -> tuple[Any, Any, Any]:
    plan = load_plan("baerum-2018-2021")
    return plan, project(plan), read_actuals(ACTUALS, plan)


def test_the_test_year_reads(setup: tuple[Any, Any, Any]) -> None:
    _, _, actuals = setup
    assert [(r.year, r.period) for r in actuals.reports] == [
        (2017, "T1"), (2017, "T2"), (2017, "year"), (2018, "T1"), (2018, "T2"), (2018, "year")]
    assert all(e.source.startswith("testdata") for r in actuals.reports for e in r.entries)


def test_staff_prognosis_and_revised_budget(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    f = follow_up(plan, proj, actuals, 2018, "T2")
    bv = next(ln for ln in f.lines if ln.id == "barnevern")
    revised = figure("2018-T2.csv", "program_area", "barnevern", "revised_budget") * K
    staff = figure("2018-T2.csv", "program_area", "barnevern", "prognosis") * K
    assert bv.budget_adopted == 321_480 * K  # the plan's frame for 2018 (sectors.csv)
    assert (bv.budget_revised, bv.prognosis, bv.prognosis_basis) == (revised, staff, "staff")
    assert bv.deviation == pytest.approx(staff - revised)
    assert bv.deviation_share == pytest.approx((staff - revised) / revised)
    assert bv.flagged  # 1.7 % ≥ the 1 % threshold


def test_seasonal_prognosis_from_past_years(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    f = follow_up(plan, proj, actuals, 2018, "T1")
    share = (figure("2017-T1.csv", "program_area", "grunnskole", "actual")
             / figure("2017-year.csv", "program_area", "grunnskole", "actual"))
    actual = figure("2018-T1.csv", "program_area", "grunnskole", "actual") * K
    gs = next(ln for ln in f.lines if ln.id == "grunnskole")
    assert gs.prognosis_basis == "seasonal"
    assert gs.seasonal_share == pytest.approx(share)
    assert gs.prognosis == pytest.approx(actual / share)
    assert any("sesongandelen" in a for a in f.assumptions)


def test_even_spending_default_without_past_years(setup: tuple[Any, Any, Any],
                                                   tmp_path: Path) -> None:
    plan, proj, _ = setup
    shutil.copy(ACTUALS / "2018-T1.csv", tmp_path / "2018-T1.csv")
    f = follow_up(plan, proj, read_actuals(tmp_path, plan), 2018, "T1")
    gs = next(ln for ln in f.lines if ln.id == "grunnskole")
    actual = figure("2018-T1.csv", "program_area", "grunnskole", "actual") * K
    assert gs.prognosis == pytest.approx(actual * 12 / 4)
    assert any("4/12" in a for a in f.assumptions)


def test_year_totals_and_execution_rule(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    f = follow_up(plan, proj, actuals, 2018, "year")
    total = next(ln for ln in f.lines if ln.level == "kommune")
    spent = sum(float(r["value"]) for r in rows("2018-year.csv")
                if r["kind"] == "program_area" and r["field"] == "actual") * K
    assert total.actual == pytest.approx(spent)
    assert total.prognosis == total.actual
    assert total.budget_adopted == sum(a.operating_frame[2018] for s in plan.sectors
                                       for a in s.program_areas)
    inv_spent = sum(float(r["value"]) for r in rows("2018-year.csv")
                    if r["kind"] == "investment" and r["field"] == "spent") * K
    inv_budget = sum(i.cost.get(2018, 0) for i in plan.investments)
    assert f.investment_total.execution_rate == pytest.approx(inv_spent / inv_budget)
    (r5,) = f.checks
    assert r5["rule"] == "R5" and r5["holds"] == (inv_spent / inv_budget >= 0.70)


def test_investment_overrun_and_delay(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    f = follow_up(plan, proj, actuals, 2018, "T2")
    lindelia = next(i for i in f.investments if i.id == "lindelia-sykehjem")
    planned = next(i for i in plan.investments if i.id == "lindelia-sykehjem").total_cost
    assert lindelia.overrun == pytest.approx(972_000 * K - planned)
    assert lindelia.flagged
    levre = next(i for i in f.investments if i.id == "levre-barneskole")
    assert (levre.expected_completion, levre.delay_years, levre.flagged) == (2021, 1, True)


def test_measures_and_targets(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    f = follow_up(plan, proj, actuals, 2018, "year")
    by_id = {s.id: s for s in f.statuses}
    assert by_id["sykkelhotell"].reported == "completed"
    assert by_id["klimafond-samlet"].measured == 8.0
    assert (by_id["klimafond-samlet"].target_value, by_id["klimafond-samlet"].target_year) == (
        32.0, 2021)


def test_plan_against_reality(setup: tuple[Any, Any, Any]) -> None:
    plan, proj, actuals = setup
    got = {r.indicator: r for r in plan_against_actuals(plan, proj, actuals)}
    ndr = got["net_operating_result"]
    assert ndr.projected == pytest.approx(float(proj.series["net_operating_result"][0]))
    assert ndr.actual == figure("2018-year.csv", "indicator", "net_operating_result",
                                "value") * K
    assert ndr.difference == pytest.approx(ndr.actual - ndr.projected)
    assert got["population"].actual == 126_211 and got["population"].unit == "persons"


# --- the accounting export --------------------------------------------------------------

def test_kostra_export_gives_the_t1_report(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    code, out, err = run(["import-accounts", str(DATA / "hovedbok-2018-T1.csv"), "--mapping",
                          str(DATA / "funksjon-programomrade.csv"), "--year", "2018",
                          "--period", "T1", "--out", str(tmp_path)], capsys)
    assert (code, err) == (0, ""), err
    assert "funksjon 475" in out  # reported as not mapped
    written = {(r["kind"], r["id"]): float(r["value"]) for r in
               csv.DictReader((tmp_path / "2018-T1.csv").open(encoding="utf-8"))}
    expected = {(r["kind"], r["id"]): float(r["value"]) for r in rows("2018-T1.csv")
                if r["kind"] in ("program_area", "income") and r["field"] == "actual"}
    assert written == expected
    code, _, err = run(["import-accounts", str(DATA / "hovedbok-2018-T1.csv"), "--mapping",
                        str(DATA / "funksjon-programomrade.csv"), "--year", "2018",
                        "--period", "T1", "--out", str(tmp_path)], capsys)
    assert code == 2 and "--force" in err


# --- commands ------------------------------------------------------------------------------

def test_followup_json_and_csv(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["followup", "--year", "2018", "--period", "T2", "--actuals",
                          str(ACTUALS), "--format", "json"], capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    bv = next(ln for ln in data["lines"] if ln["id"] == "barnevern")
    assert bv["deviation"] == 5_575_000 and data["amount_unit"] == "kr"
    code, out, _ = run(["followup", "--year", "2018", "--period", "T1", "--actuals",
                        str(ACTUALS), "--format", "csv"], capsys)
    assert code == 0 and out.splitlines()[0].startswith("level,id,name,budget_adopted")


def test_followup_table_fits_80_columns(capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(["followup", "--year", "2018", "--period", "T1", "--actuals",
                        str(ACTUALS)], capsys, lang="nb")
    assert code == 0 and "1. tertial 2018" in out
    assert max(len(line) for line in out.splitlines() if not line.startswith(
        "Forutsetning")) <= 80


def test_roll_forward(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "next"
    code, _, err = run(["roll-forward", "baerum-2018-2021", "--to-first-year", "2019",
                          str(out_dir), "--actuals", str(ACTUALS)], capsys)
    assert (code, err) == (0, ""), err
    new = load_plan(out_dir)
    old = load_plan("baerum-2018-2021")
    assert (new.id, new.period.first, new.period.last, new.status) == (
        "baerum-2019-2022", 2019, 2022, "draft")
    assert new.opening.debt.value == figure("2018-year.csv", "indicator", "debt", "value") * K
    assert new.opening.debt.source == "regnskap-2018"
    assert {f.id: f.amount for f in new.opening.funds} == {
        "bufferfond": 452_000 * K, "likviditetsreserve": 1_893_000 * K,
        "forvaltningsfond": 2_390_000 * K}
    ids = {i.id for i in new.investments}
    assert "sykkeltiltak" not in ids and "eiksveien-kryss" not in ids  # closed
    proj = project(old)
    uprate = float(proj.series["price_index"][1] * proj.series["cost_index"][1])
    lindelia_old = next(i for i in old.investments if i.id == "lindelia-sykehjem")
    lindelia = next(i for i in new.investments if i.id == "lindelia-sykehjem")
    unspent = lindelia_old.cost[2018] - figure("2018-year.csv", "investment",
                                               "lindelia-sykehjem", "spent") * K
    assert lindelia.cost[2019] == round(lindelia_old.cost[2019] * uprate) + round(
        unspent * uprate)
    frame = next(a for s in new.sectors for a in s.program_areas if a.id == "grunnskole")
    assert frame.operating_frame[2022] == frame.operating_frame[2021]
    assert project(new).years[0] == 2019


@pytest.mark.parametrize("args, message", [
    (["--to-first-year", "2020"], "--to-first-year"),
    (["--to-first-year", "2019"], "accounts of 2018"),
])
def test_roll_forward_refuses(args: list[str], message: str, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["roll-forward", "baerum-2018-2021", str(tmp_path / "next")]
    acts = tmp_path / "actuals"
    shutil.copytree(ACTUALS, acts)
    if message.startswith("accounts"):
        (acts / "2018-year.csv").unlink()
    args = [*args, "--actuals", str(acts)]
    code, _, err = run(argv + args, capsys)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "next").exists()


# --- bad input ---------------------------------------------------------------------------

GOOD = "kind,id,year,period,field,value,comment,source\n"
BAD_REPORTS = [
    ("2018-T1.csv", "budget,grunnskole,2018,T1,actual,1,,x\n", "2018-T1.csv:2: kind"),
    ("2018-T1.csv", "program_area,grunnskole,2017,T1,actual,1,,x\n", ":2: year"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T2,actual,1,,x\n", ":2: period"),
    ("2018-T1.csv", "program_area,skole,2018,T1,actual,1,,x\n", ":2: id"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,spent,1,,x\n", ":2: field"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,actual,1,,\n", ":2: source"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,actual,12.3456,,x\n", ":2: value"),
    ("2018-T1.csv", "investment,storoya-skole,2018,T1,percent_complete,45,,x\n",
     "a fraction from 0 to 1"),
    ("2018-T1.csv", "measure,klimafond,2018,T1,status,done,,x\n", ":2: value"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,actual,1,,x\n"
     "program_area,grunnskole,2018,T1,actual,2,,x\n", "the same figure twice"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,actual,1,x\n", ":2: "),
    ("regnskap.csv", "program_area,grunnskole,2018,T1,actual,1,,x\n", "YYYY-T1.csv"),
    ("2018-T1.csv", "program_area,grunnskole,2018,T1,actual,300.000,,x\n", "thousands or"),
]


@pytest.mark.parametrize("name, body, message", BAD_REPORTS)
def test_bad_report_is_located(name: str, body: str, message: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / name).write_text(GOOD + body, encoding="utf-8")
    code, out, err = run(["followup", "--year", "2018", "--period", "T1", "--actuals",
                          str(tmp_path)], capsys)
    assert code == 2 and message in err and "Traceback" not in err, err
    assert out == ""


def test_excel_csv_in_windows_1252_with_semicolons(setup: tuple[Any, Any, Any],
                                                   tmp_path: Path) -> None:
    plan, _, _ = setup
    text = (GOOD + "program_area,grunnskole,2018,T1,actual,\"1 234,5\",Økt,testdata\n")
    text = text.replace(",", ";").replace(";\"1 234;5\";", ";1 234,5;").replace("\n", "\r\n")
    (tmp_path / "2018-T1.csv").write_bytes(text.encode("cp1252"))
    report = read_actuals(tmp_path, plan).report(2018, "T1")
    entry = report.get("program_area", "grunnskole", "actual")
    assert (entry.value, entry.comment) == (1_234_500, "Økt")


def test_report_missing_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "2018-T1.csv").write_text("kind,id,year,period,value,source\n", "utf-8")
    code, _, err = run(["followup", "--year", "2018", "--period", "T1", "--actuals",
                        str(tmp_path)], capsys)
    assert code == 2 and "missing column 'field'" in err and ":1:" in err


BAD_EXPORTS = [
    ("art;funksjon;beløp\n870;800;5000000,00\n", "sum to a debit"),
    ("art;funksjon;beløp\nlønn;202;100,00\n", ":2: art"),
    ("art;funksjon;beløp\n010;202;1.234,50\n", "could be misread"),
    ("art;funksjon;beløp\n010;202;mange\n", ":2: beløp"),
    ("art;funksjon\n010;202\n", "missing column"),
    ("art;funksjon;beløp\n010;202;1.250\n", "thousands or a decimal"),
]


@pytest.mark.parametrize("body, message", BAD_EXPORTS)
def test_bad_export_is_located(body: str, message: str, tmp_path: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "hovedbok.csv"
    export.write_text(body, encoding="utf-8")
    code, _, err = run(["import-accounts", str(export), "--mapping",
                        str(DATA / "funksjon-programomrade.csv"), "--year", "2018",
                        "--period", "T1", "--out", str(tmp_path / "out")], capsys)
    assert code == 2 and message in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("body, message", [
    ("funksjon,program_area\n202,skole\n", ":2: program_area"),
    ("funksjon,program_area\n202,grunnskole\n202,barnehager\n", "mapped twice"),
    ("funksjon,program_area\n2020,grunnskole\n", ":2: funksjon"),
])
def test_bad_mapping_is_located(body: str, message: str, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    mapping = tmp_path / "map.csv"
    mapping.write_text(body, encoding="utf-8")
    code, _, err = run(["import-accounts", str(DATA / "hovedbok-2018-T1.csv"), "--mapping",
                        str(mapping), "--year", "2018", "--period", "T1", "--out",
                        str(tmp_path / "out")], capsys)
    assert code == 2 and message in err, err


def test_second_rolling_needs_population_for_the_new_base_year(
        setup: tuple[Any, Any, Any]) -> None:
    from dataclasses import replace

    from muniplan.engine.followup import rollforward_inputs
    from muniplan.plan.errors import PlanError
    from muniplan.plan.rollforward import roll_forward

    plan, proj, actuals = setup
    accounts = actuals.report(2018, "year")
    first, _ = roll_forward(plan, accounts, 2019, *rollforward_inputs(proj, 2019))
    assert first.base_year == 2018  # still the year before 2019: the data reaches it
    first = first.model_copy(update={"population": plan.population})
    accounts_2019 = replace(accounts, year=2019, file="2019-year.csv")
    with pytest.raises(PlanError, match="population data does not reach it") as exc:
        roll_forward(first, accounts_2019, 2020, *rollforward_inputs(proj, 2020))
    assert "rows for 1 January 2019" in str(exc.value)
