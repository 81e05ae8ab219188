"""One value for each figure, whatever output shows it.

For the Bærum example under both law regimes (as ``report --law`` renders it), every figure
that appears in more than one output — the JSON, the CSV, the Excel ``Framskrivning``
sheet, the Fiscal Data Package, the document's overviews and tables, the API and the web
pages — is the same to the krone, and the parts of every overview add up to its totals.
The programme areas of budsjettskjema 1B (and § 5-4 andre ledd) are the engine's own
series, so they add up to the sector figures of the main overview C.1: Barn og unge 2021
cannot again be 4 657 471 in C.1 and 4 588 302 in 1B.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.cli import main
from muniplan.engine.projection import Projection, project
from muniplan.plan.load import load_plan
from muniplan.plan.model import Plan
from muniplan.plan.money import round_kroner
from muniplan.report.data import projection_rows, projection_to_dict
from muniplan.report.excel import export_workbook
from muniplan.report.fdp import package_files
from muniplan.report.formatting import millions, thousands
from muniplan.report.overview_inputs import overviews, plan_years
from muniplan.report.tables import key_figures, main_overview, overview_table
from muniplan.web.api import api_router
from muniplan.web.app import create_app

PLAN_ID = "baerum-2018-2021"


@pytest.fixture(scope="module", params=["1992", "2018"])
def case(request: pytest.FixtureRequest) -> tuple[Plan, Projection, dict[str, Any]]:
    plan = load_plan().model_copy(update={"law_regime": request.param})
    proj = project(plan)
    return plan, proj, projection_to_dict(proj)


def test_csv_rows_excel_and_open_data_match_the_json(case) -> None:
    plan, proj, data = case
    series = data["series"]
    assert set(series) == set(proj.series)
    for name, _label, _unit, _basis, values in projection_rows(proj):
        assert values == series[name], name
    # Excel's Framskrivning sheet
    wb = openpyxl.load_workbook(io.BytesIO(export_workbook(plan, proj)), read_only=True)
    rows = list(wb["Framskrivning"].iter_rows(values_only=True))
    head = list(rows[0])
    first = head.index(str(proj.years[0]))
    sheet = {r[0]: list(r[first:first + len(proj.years)]) for r in rows[1:] if r and r[0]}
    for name, values in series.items():
        assert sheet[name] == values, f"Excel {name}"
    # the Fiscal Data Package's projection resource
    text = package_files(plan, proj)["projection.csv"]
    fdp: dict[str, dict[str, float]] = {}
    for r in csv.DictReader(io.StringIO(text)):
        fdp.setdefault(r["series"], {})[r["year"]] = float(r["value"])
    for name, values in series.items():
        got = fdp.get(name, {})
        for y, v in zip(proj.years, values, strict=True):
            if v is None:
                assert str(y) not in got, f"FDP {name} {y}"
            else:
                assert got[str(y)] == pytest.approx(v, abs=1e-9), f"FDP {name} {y}"


def test_cli_csv_matches_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    proj = project(load_plan())
    series = projection_to_dict(proj)["series"]
    with pytest.raises(SystemExit) as exit_:
        main(["project", "--format", "csv"])
    assert exit_.value.code in (0, None)
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:4] == ["series", "label", "unit", "price_basis"]
    for r in rows[1:]:
        assert [None if x == "" else float(x) for x in r[4:]] == series[r[0]], r[0]


def _close(a: np.ndarray, b: np.ndarray, what: str) -> None:
    np.testing.assert_allclose(a, b, rtol=0, atol=0.5, err_msg=what)


def test_overview_parts_add_up_and_match_the_engine(case) -> None:
    plan, proj, _ = case
    years = plan_years(plan, proj)
    idx = [proj.year_index(y) for y in years]
    ovs = {ov.id: ov for ov in overviews(plan, proj)}
    alloc = ovs["1B" if plan.law_regime == "1992" else "5-4-2"]
    rows = [ln for ln in alloc.lines if not ln.total]
    _close(sum(ln.values for ln in rows if not ln.heading), alloc.total(), "allocation total")
    by_name = {ln.nb: ln for ln in rows}
    for sector in plan.sectors:
        head = by_name[sector.name]
        assert head.heading
        areas = sum(by_name[a.name].values for a in sector.program_areas)
        _close(areas, head.values, f"{sector.name}: areas vs heading")
        _close(head.values, proj.series[f"net_sector_{sector.id}"][idx], sector.name)
        for a in sector.program_areas:
            _close(by_name[a.name].values, proj.series[f"net_area_{a.id}"][idx], a.name)
            # the net appropriation is the area's gross expenses less its own income
            ser = proj.series
            _close(ser[f"net_area_{a.id}"], ser[f"gross_area_{a.id}"]
                   - ser[f"fees_area_{a.id}"] - ser[f"refunds_area_{a.id}"], a.name)
    # the plan places every cost, fee and refund: no line outside the programområder
    assert len(rows) == len(plan.sectors) + len(plan.program_area_ids())
    projects = ovs["2B" if plan.law_regime == "1992" else "5-5-2"]
    for inv, ln in zip(plan.investments, projects.lines, strict=False):
        assert ln.nb == inv.name
        _close(ln.values, proj.series[f"project_{inv.id}"][idx], inv.name)
    if plan.law_regime == "1992":
        _close(alloc.total(), ovs["1A"].line(22), "1B total = 1A line 22")
        _close(ovs["2B"].total(), ovs["2A"].line(1), "2B total = 2A line 1")
    else:
        _close(alloc.total(), ovs["5-4"].line(6), "§ 5-4 andre ledd = første ledd line 6")
        _close(ovs["5-5-2"].total(), ovs["5-5"].line(1), "§ 5-5 andre ledd = line 1")


def test_the_main_overview_and_1b_print_one_figure_per_sector(case) -> None:
    plan, proj, _ = case
    years = plan_years(plan, proj)
    c1 = {r.cells[0]: r.cells[1:] for r in main_overview(plan, proj, years, "nb").rows}
    ovs = overviews(plan, proj)
    alloc = overview_table(ovs[1], "nb")
    one_b = {r.cells[1]: r.cells[2:] for r in alloc.rows}
    for sector in plan.sectors:
        def printed(name: str) -> list[str]:
            return [thousands(proj.series[name][proj.year_index(y)]) for y in years]
        assert c1[sector.name] == printed(f"gross_sector_{sector.id}"), sector.name
        assert one_b[sector.name] == printed(f"net_sector_{sector.id}"), sector.name
    # neither has a residual row hiding a difference
    for table in (c1, one_b):
        assert not any("Underliggende kostnadsvekst" in k or "ikke fordelt" in k
                       or "ikke plasserer" in k for k in table)


def test_key_figures_show_the_engine_savings_need(case) -> None:
    plan, proj, data = case
    years = plan_years(plan, proj)
    table = key_figures(plan, proj, years, "nb")
    row = next(r for r in table.rows if r.cells[0].startswith("Innsparingsbehov"))
    assert row.cells[1:] == [thousands(data["savings_need"][str(y)]) for y in years]
    for y in years:
        assert data["savings_need"][str(y)] == data["series"]["savings_need"][
            proj.year_index(y)]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("consistency")
    return tmp, make_store(tmp)


def test_the_api_serves_the_json(store) -> None:
    _, s = store
    app = FastAPI()
    app.include_router(api_router(s), prefix="/api")
    with TestClient(app) as client:
        body = client.get(f"/api/plans/{PLAN_ID}/projection").json()
    expected = projection_to_dict(project(load_plan()))
    assert body["series"] == expected["series"]
    assert body["series_info"] == expected["series_info"]
    assert body["savings_need"] == expected["savings_need"]


def test_the_web_pages_show_the_engine_figures(store) -> None:
    tmp, s = store
    proj = project(load_plan())
    with TestClient(create_app(make_settings(tmp), s)) as client:
        overview = client.get(f"/plan/{PLAN_ID}/").text
        economy = client.get(f"/plan/{PLAN_ID}/okonomi").text
    need = millions(float(proj.savings_need[-1]), 0)
    assert need in overview
    demographic = millions(float(proj.values("demographic_cost", "fixed")[-1]), 0)
    assert re.search(re.escape(demographic), overview) or demographic == "0"
    for name in ("net_operating_result", "debt"):
        value = millions(float(proj.series[name][-1]), 1)
        assert value in economy, name
    for name in ("savings_need_fixed", "savings_new_fixed", "driver_demography",
                 "driver_cost_growth", "driver_capital", "driver_income", "driver_other"):
        assert f'<td class="num">{millions(float(proj.series[name][-1]), 1)}</td>' in economy, \
            name
    assert round_kroner(proj.savings_need[-1]) > 0
