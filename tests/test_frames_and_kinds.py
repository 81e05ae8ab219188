"""The Bærum example written with net frames, and the engine's split by kind.

A net frame is the gross frame less the area's own fees and refunds; in the first year the
two ways of writing the same kommune give the same accounts to the krone (later years
differ by design: a net frame grows with costs, the fees it holds with the fee path)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError
from muniplan.plan.load import load_files, read_folder, resolve

BAERUM = dict(read_folder(resolve(None)))


def _with_sectors(rows: list[dict[str, str]]) -> dict[str, str]:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return {**BAERUM, "sectors.csv": out.getvalue()}


def _rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(BAERUM["sectors.csv"])))


def test_net_frames_give_the_same_first_year() -> None:
    years = ("2018", "2019", "2020", "2021")
    net = []
    for r in _rows():
        held = int(r["fees"]) + int(r["refunds"])
        net.append({**r, "frame_basis": "netto",
                    **{y: str(int(r[y]) - held) for y in years}})
    gross = project(load_files(BAERUM, origin="brutto"))
    netted = project(load_files(_with_sectors(net), origin="netto"))
    for k in ("operating_expenses", "net_operating_result", "operating_income",
              *(f"net_area_{r['program_area_id']}" for r in _rows())):
        assert netted.series[k][0] == pytest.approx(gross.series[k][0], abs=0.5), k
    # and no double counting: the netted fees and refunds are the plan's own
    assert netted.series["netted_fees"][0] == pytest.approx(
        gross.series["income_fees"][0] - gross.series["capital_cost_recovered_selvkost"][0],
        abs=0.5)


def test_a_net_frame_without_its_fees_is_refused() -> None:
    rows = [{**r, "frame_basis": "netto", "fees": "", "refunds": ""} for r in _rows()]
    with pytest.raises(PlanError, match="a netto frame needs the area's fees"):
        load_files(_with_sectors(rows), origin="netto")


def test_the_split_by_kind_adds_up() -> None:
    s = project(load_files(BAERUM, origin="baerum")).series
    expenses = s["kind_wages"] + s["kind_social"] + s["kind_purchases"] + s["kind_transfers"]
    np.testing.assert_allclose(expenses + s["depreciation"], s["operating_expenses"],
                               rtol=0, atol=0.5)
    income = (s["kind_user_charges"] + s["kind_sales_rents"] + s["kind_refunds_state"]
              + s["kind_refunds_other"])
    np.testing.assert_allclose(income, s["income_fees"] + s["income_other"], rtol=0, atol=0.5)
