"""The plan commands of the CLI (issue 2): validate, show, project — shapes and figures."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from muniplan.cli import main

YEARS = list(range(2018, 2041))
SERIES = (
    "operating_income", "operating_expenses", "depreciation", "gross_operating_result",
    "interest", "instalments", "net_operating_result", "net_operating_result_ratio",
    "investments", "new_loans", "debt", "debt_ratio", "reserve_fund",
)
MILL = 1_000_000


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, ""), err
    return json.loads(out)


@pytest.fixture(scope="module")
def shown() -> dict[str, Any]:
    # module scope: capsys is per test, so read the JSON through a subprocess-free capture
    buf = io.StringIO()
    old, sys.stdout = sys.stdout, buf
    try:
        with pytest.raises(SystemExit) as exc:
            main(["show", "--format", "json"])
    finally:
        sys.stdout = old
    assert exc.value.code == 0
    return json.loads(buf.getvalue())


@pytest.fixture(scope="module")
def projected() -> dict[str, Any]:
    buf = io.StringIO()
    old, sys.stdout = sys.stdout, buf
    try:
        with pytest.raises(SystemExit) as exc:
            main(["project", "--format", "json"])
    finally:
        sys.stdout = old
    assert exc.value.code == 0
    return json.loads(buf.getvalue())


# --- validate -----------------------------------------------------------------------------------


def test_validate_names_the_plan(capsys: pytest.CaptureFixture[str], example_dir: Path):
    code, out, err = run(["validate", str(example_dir)], capsys)
    assert (code, err) == (0, "")
    text = " ".join(out.split())
    assert text.startswith("ok ")
    assert "Bærum kommune" in text and "2018–2021" in text
    assert "18 investeringer" in text and "5 handlingsregler" in text


def test_validate_the_built_in_example_by_name(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(["validate", "baerum-2018-2021"], capsys)
    assert code == 0 and "Rigge kommunen" in " ".join(out.split())


def test_validate_an_unknown_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    code, out, err = run(["validate", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"feil: {tmp_path / 'nowhere'}: ") and "Traceback" not in err


# --- show --format json -------------------------------------------------------------------------


def test_show_json_shape(shown: dict[str, Any]):
    for key in ("id", "title", "municipality", "period", "base_year", "horizon", "law_regime",
                "sectors", "investments", "priority_areas", "rules", "strategies",
                "opening_balances", "sources", "totals"):
        assert key in shown, key
    assert shown["id"] == "baerum-2018-2021"
    assert shown["municipality"] == {"name": "Bærum kommune", "number": "0219"}
    assert shown["period"] == [2018, 2021] and shown["horizon"] == 2040
    assert shown["amount_unit"] == "kr"
    for inv in shown["investments"]:
        assert set(inv["cost"]) <= {str(y) for y in YEARS}
        assert inv["total_cost"] == sum(inv["cost"].values())
        assert isinstance(inv["total_cost"], int)
        assert "source" in inv or "assumption" in inv


def test_show_json_investment_totals(shown: dict[str, Any]):
    totals = shown["totals"]
    assert totals["investments"] == 9_200 * MILL
    assert sum(i["total_cost"] for i in shown["investments"]) == 9_200 * MILL
    by_cat = totals["investments_by_category"]
    assert by_cat["schools"] == 2_000 * MILL
    assert by_cat["nursing_homes"] == 1_700 * MILL
    assert by_cat["sports"] == 480 * MILL
    assert by_cat["digitalisation"] == 700 * MILL
    assert by_cat["maintenance"] == 415 * MILL
    assert sum(by_cat.values()) == totals["investments"]


def test_show_json_frames(shown: dict[str, Any]):
    assert shown["totals"]["operating_frame"]["2018"] == 9_400 * MILL
    per_sector = sum(s["operating_frame"]["2018"] for s in shown["sectors"])
    assert per_sector == 9_400 * MILL
    assert set(shown["totals"]["operating_frame"]) == {"2018", "2019", "2020", "2021"}


def test_show_json_priorities(shown: dict[str, Any]):
    areas = {a["name"]: a for a in shown["priority_areas"]}
    assert len(areas) == 5
    climate = areas["Klimaklok kommune"]
    fund = next(m for m in climate["measures"] if m["id"] == "klimafond")
    assert fund["cost"] == {str(y): 8 * MILL for y in range(2018, 2022)}
    assert sum(fund["cost"].values()) == 32 * MILL
    targets = [t for a in shown["priority_areas"] for t in a["targets"]]
    pupils = next(t for t in targets if t["unit"] == "elever")
    assert pupils["values"] == {"2018": 16_000}
    assert "16 000" in pupils["name"]


def test_show_json_strategies_rules_and_balances(shown: dict[str, Any]):
    assert [s["id"] for s in shown["strategies"]] == [
        "forebygging", "mestring", "effektive-tjenester"]
    assert len(shown["rules"]) == 5
    r1 = next(r for r in shown["rules"] if r["id"] == "R1")
    assert (r1["indicator"], r1["operator"], r1["limit"]) == (
        "net_operating_result_ratio", ">=", 0.04)
    r4 = next(r for r in shown["rules"] if r["id"] == "R4")
    assert (r4["limit"], r4["unit"]) == (300 * MILL, "kr")
    opening = shown["opening_balances"]
    assert opening["debt"] == 6_782_820_000
    funds = {f["id"]: f["amount"] for f in opening["funds"]}
    assert funds == {"bufferfond": 457 * MILL, "likviditetsreserve": 1_665 * MILL,
                     "forvaltningsfond": 2_350 * MILL}


def test_show_table(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(["show"], capsys)
    assert code == 0
    assert "Klimaklok kommune" in out and "R1" in out


# --- project ------------------------------------------------------------------------------------


def test_project_json_shape(projected: dict[str, Any]):
    assert projected["plan"] == {
        "id": "baerum-2018-2021",
        "municipality": {"name": "Bærum kommune", "number": "0219"},
        "period": [2018, 2021],
    }
    assert projected["years"] == YEARS
    for name in SERIES:
        values = projected["series"][name]
        assert len(values) == len(YEARS), name
        assert all(isinstance(v, int | float) and math.isfinite(v) for v in values), name
    assert all(isinstance(v, int) for v in projected["series"]["debt"])  # whole kroner
    assert 0 < projected["series"]["debt_ratio"][0] < 2  # a fraction, not percent
    assert set(projected["savings_need"]) == {str(y) for y in YEARS}
    assert all(v >= 0 for v in projected["savings_need"].values())


def test_project_json_checks(projected: dict[str, Any]):
    checks = projected["checks"]
    assert checks
    for c in checks:
        assert {"rule", "year", "value", "limit", "ok"} <= set(c)
        assert c["year"] in YEARS
    rules = {c["rule"] for c in checks}
    assert {"R1", "R2", "R3", "R4", "R5"} <= rules
    r1 = [c for c in checks if c["rule"] == "R1"]
    assert [c["year"] for c in r1] == YEARS
    ratio = projected["series"]["net_operating_result_ratio"]
    for c in r1:
        assert c["value"] == pytest.approx(ratio[c["year"] - 2018], abs=1e-6)
        assert c["ok"] == (c["value"] >= 0.04)
    r3_years = [c["year"] for c in checks if c["rule"] == "R3"]
    assert r3_years == [2021, 2025, 2029, 2033, 2037]  # the end of each four-year period
    assert all(c["ok"] is None for c in checks if c["rule"] == "R5")  # not projected


def test_project_figures_add_up(projected: dict[str, Any]):
    s = projected["series"]
    for i in range(len(YEARS)):
        gross = s["operating_income"][i] - s["operating_expenses"][i]
        assert s["gross_operating_result"][i] == pytest.approx(gross, abs=2)
    assert s["debt"][0] == pytest.approx(
        6_782_820_000 + s["new_loans"][0] - s["instalments"][0], abs=2)


def test_project_to_2030(capsys: pytest.CaptureFixture[str]):
    data = run_json(["project", "--to", "2030", "--format", "json"], capsys)
    assert data["years"] == list(range(2018, 2031))
    assert all(len(v) == 13 for v in data["series"].values())
    assert max(c["year"] for c in data["checks"]) == 2030
    assert set(data["savings_need"]) == {str(y) for y in range(2018, 2031)}


def test_project_csv(capsys: pytest.CaptureFixture[str], projected: dict[str, Any]):
    code, out, _ = run(["project", "--format", "csv"], capsys)
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["series", "label", "unit", "price_basis", *map(str, YEARS)]
    by_name = {r[0]: r[4:] for r in rows[1:]}
    info = {r[0]: r[1:4] for r in rows[1:]}
    assert info["debt"] == ["Lånegjeld", "kr", "nominal"]
    assert info["savings_need_fixed"][1:] == ["kr", "fixed"]
    assert info["debt_ratio"][1:] == ["ratio", ""]
    for name in (*SERIES, "savings_need"):
        assert len(by_name[name]) == len(YEARS), name
    assert [float(x) for x in by_name["debt"]] == projected["series"]["debt"]
    assert [float(x) for x in by_name["savings_need"]] == list(
        projected["savings_need"].values())


@pytest.mark.parametrize("to", ["2019", "2101", "tjue-tretti"])
def test_project_bad_to(capsys: pytest.CaptureFixture[str], to: str):
    code, out, err = run(["project", "--to", to], capsys)
    assert code == 2
    assert out == "" and "Traceback" not in err
    assert "--to" in err or "'--to'" in err


def test_project_table(capsys: pytest.CaptureFixture[str]):
    code, out, _ = run(["project"], capsys)
    assert code == 0
    assert "Innsparingsbehov" in out
    assert "Bærum kommune" in out


def test_the_console_script_exits_2_without_a_traceback(tmp_path: Path):
    # the installed entry point, in a process of its own
    exe = Path(sys.executable).with_name("muniplan")
    env = {**os.environ, "COLUMNS": "200"}
    done = subprocess.run([str(exe), "validate", str(tmp_path)], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.startswith(f"feil: {tmp_path}/plan.yaml: ")
