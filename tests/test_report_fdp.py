"""Open data: the Fiscal Data Package validates with frictionless and holds the budget."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import frictionless
import pytest

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.load import load_plan
from muniplan.report.fdp import export_package, fdp_zip


@pytest.fixture(scope="module")
def run():
    plan = load_plan()
    return plan, project(plan)


def test_package_validates(run, tmp_path):
    path = export_package(*run, tmp_path / "fdp")
    report = frictionless.validate(str(path))
    assert report.valid, report.flatten(["type", "note"])
    desc = json.loads(path.read_text())
    assert desc["licenses"][0]["name"] == "NLOD-2.0"
    assert len(desc["sources"]) == len(run[0].sources)
    assert {r["name"] for r in desc["resources"]} == {"operating-frames", "investments",
                                                       "projection"}
    assert desc["resources"][0]["model"]["measures"]["amount"]["currency"] == "NOK"


def test_rows_carry_plan_scenario_phase_year(run, tmp_path):
    plan, proj = run
    out = tmp_path / "fdp"
    assert run_guarded(app, ["export", "--format", "fdp", str(out)]) == 0
    frames = list(csv.DictReader((out / "operating-frames.csv").open()))
    assert {r["phase"] for r in frames} == {"adopted"}
    assert sum(int(r["amount"]) for r in frames if r["year"] == "2018") == 9_400_000_000
    invest = list(csv.DictReader((out / "investments.csv").open()))
    assert sum(int(r["amount"]) for r in invest) == sum(i.total_cost for i in plan.investments)
    rows = list(csv.DictReader((out / "projection.csv").open()))
    phases = {int(r["year"]): r["phase"] for r in rows}
    assert phases[2021] == "adopted" and phases[2022] == "projected"
    assert {r["plan"] for r in rows} == {"2018-2021"} and {r["scenario"] for r in rows} == {
        "basis"}
    ndr = next(r for r in rows if r["series"] == "net_operating_result" and r["year"] == "2018")
    assert int(ndr["value"]) == round(float(proj.series["net_operating_result"][0]))


def test_zip(run):
    z = zipfile.ZipFile(io.BytesIO(fdp_zip(*run)))
    assert sorted(z.namelist()) == ["datapackage.json", "investments.csv",
                                    "operating-frames.csv", "projection.csv"]


def test_every_file_speaks_one_vocabulary(run, tmp_path):
    """A machine reader joining the files meets one word for the price basis (the
    projection's ``fixed``/``nominal``), English field descriptions, and is told whether a
    frame is gross or net (Bærum's frames are gross, not the 'net' the package once said)."""
    path = export_package(*run, tmp_path / "fdp")
    out = path.parent
    for name in ("operating-frames.csv", "investments.csv", "projection.csv"):
        rows = list(csv.DictReader((out / name).open(encoding="utf-8")))
        assert {r["price_basis"] for r in rows} <= {"fixed", "nominal", ""}, name
    frames = list(csv.DictReader((out / "operating-frames.csv").open(encoding="utf-8")))
    assert {r["frame_basis"] for r in frames} == {"gross"}
    desc = json.loads(path.read_text(encoding="utf-8"))
    fields = [f for r in desc["resources"] for f in r["schema"]["fields"]]
    amount = next(f for f in desc["resources"][0]["schema"]["fields"] if f["name"] == "amount")
    assert "Net operating frame" not in amount["description"]
    assert "fixed: kroner of 2018" in amount["description"]
    norwegian_only = {"Sektor", "Programområde", "Programområdenummer", "Prosjekt", "Formål"}
    assert not [f["name"] for f in fields if f["description"] in norwegian_only]
