"""Write the follow-up TEST DATA for the Bærum example: 2017 and 2018, T1, T2 and year.

THESE ARE NOT BÆRUM'S ACCOUNTS. They are invented figures near the plan's own frames, shaped
like real reports (spending a little behind in spring, overruns in care and child welfare,
one delayed and one overrunning project), so that every part of follow-up, roll-forward and
plan-against-reality is exercised. Every row's source says «testdata». Run from the repo
root to rewrite them: ``.venv/bin/python tests/followup/make_testdata.py``.
"""

from __future__ import annotations

import csv
from pathlib import Path

from muniplan.plan.actuals import write_report
from muniplan.plan.load import load_plan

HERE = Path(__file__).parent
SRC = "testdata (ikke Bærums regnskap)"
# share of the year's spending by the end of T1 / T2, and the year's outcome over the frame
SEASON = {"T1": 0.315, "T2": 0.645}
OUTCOME = {"pleie-og-omsorg": 1.031, "barnevern": 1.064, "grunnskole": 0.994,
           "barnehager": 0.988, "sosialtjeneste-og-bolig": 1.018, "administrasjon": 0.975}
INCOME = {"tax": 1.012, "block_grant": 1.0, "fees": 0.97, "other": 1.02}
# (spent share of the year's budget by T1, T2, year), prognosis total, completion, status
PROJECTS = {
    "lindelia-sykehjem": ((0.20, 0.55, 0.92), 972000, 2020, "ongoing"),
    "levre-barneskole": ((0.15, 0.40, 0.71), None, 2021, "ongoing"),
    "sykkeltiltak": ((0.30, 0.80, 1.00), 25000, 2018, "completed"),
    "eiksveien-kryss": ((0.0, 0.0, 0.0), None, None, "cancelled"),
    "vann-og-avlop": ((0.28, 0.60, 0.88), None, 2021, "ongoing"),
}
DEFAULT_PROJECT = (0.25, 0.55, 0.80)
MEASURES = {"T1": {"klimafond": "started", "nasjonale-felleslosninger": "ongoing"},
            "T2": {"klimafond": "ongoing", "sykkelhotell": "started",
                   "tidlig-innsats-barnehage": "started", "nasjonale-felleslosninger": "ongoing"},
            "year": {"klimafond": "ongoing", "sykkelhotell": "completed",
                     "bysykkelordning": "started", "tidlig-innsats-barnehage": "ongoing",
                     "nasjonale-felleslosninger": "completed",
                     "handlingsplan-digitalisering": "postponed"}}


def rows_2018(plan, period: str) -> list[tuple]:
    k = ("T1", "T2", "year").index(period)
    rows = []
    for s in plan.sectors:
        for a in s.program_areas:
            frame = a.operating_frame[2018] / 1000
            year_total = frame * OUTCOME.get(a.id, 1.0)
            share = (SEASON["T1"], SEASON["T2"], 1.0)[k]
            rows.append(("program_area", a.id, "actual", round(year_total * share), "", SRC))
            if period != "year" and a.id in ("pleie-og-omsorg", "barnevern"):
                rows.append(("program_area", a.id, "prognosis", round(year_total),
                             "Flere brukere med omfattende behov enn budsjettert", SRC))
            if period == "T2" and a.id == "barnevern":
                rows.append(("program_area", a.id, "revised_budget", round(frame + 15000),
                             "Tilleggsbevilgning vedtatt i juni", SRC))
    for it in plan.income:
        full = it.amount / 1000 * INCOME.get(it.id, 1.0)
        share = (0.30, 0.62, 1.0)[k]
        rows.append(("income", it.id, "actual", round(full * share), "", SRC))
    for inv in plan.investments:
        budget = inv.cost.get(2018, 0) / 1000
        shares, prog, done, status = PROJECTS.get(inv.id, (DEFAULT_PROJECT, None, None, None))
        rows.append(("investment", inv.id, "spent", round(budget * shares[k]), "", SRC))
        pct = min(1.0, sum(inv.cost[y] for y in inv.cost if y < 2018) / inv.total_cost
                  + budget * 1000 * shares[k] / inv.total_cost) if inv.total_cost else 0.0
        rows.append(("investment", inv.id, "percent_complete",
                     1.0 if status == "completed" and period == "year" else round(pct, 3),
                     "", SRC))
        if prog is not None:
            rows.append(("investment", inv.id, "prognosis_total", prog,
                         "Økte entreprisekostnader" if prog * 1000 > inv.total_cost else "",
                         SRC))
        if done is not None:
            rows.append(("investment", inv.id, "expected_completion", done, "", SRC))
        if status is not None and (status != "completed" or period == "year"):
            rows.append(("investment", inv.id, "status", status,
                         "Utgår etter politisk vedtak" if status == "cancelled" else "", SRC))
    for mid, status in MEASURES[period].items():
        rows.append(("measure", mid, "status", status, "", SRC))
    rows.append(("target", "klimafond-samlet", "value", (2, 5, 8)[k],
                 "Brukt av klimafondet hittil i perioden", SRC))
    if period == "year":
        for ind, value in (("net_operating_result", 612000), ("operating_income", 10712000),
                           ("debt", 7410000), ("depreciable_assets", 18450000),
                           ("depreciation", 505000), ("investments", 1820000),
                           ("fund_bufferfond", 452000), ("fund_likviditetsreserve", 1893000),
                           ("population", 126211)):
            rows.append(("indicator", ind, "value", value, "", SRC))
    return rows


def rows_2017(plan, period: str) -> list[tuple]:
    """Only programområde actuals: the past year the seasonal shares are learnt from."""
    share = {"T1": 0.318, "T2": 0.651, "year": 1.0}[period]
    return [("program_area", a.id, "actual",
             round(a.operating_frame[2018] / 1000 * 0.975 * share), "", SRC)
            for s in plan.sectors for a in s.program_areas]


def kostra_export(plan) -> str:
    """A ledger export for 2018 T1 by art and funksjon (kroner with øre, debit +)."""
    mapping = dict(csv.reader((HERE / "funksjon-programomrade.csv").open(encoding="utf-8")))
    by_area: dict[str, list[str]] = {}
    for fn, area in list(mapping.items())[1:]:
        by_area.setdefault(area, []).append(fn)
    lines = ["art;funksjon;ansvar;beløp"]
    for row in rows_2018(plan, "T1"):
        kind, id_, field, value = row[:4]
        if kind == "program_area" and field == "actual":
            fns = by_area[id_]
            kr = value * 1000
            wages, goods = round(kr * 0.66), kr - round(kr * 0.66)
            per = len(fns)
            for j, fn in enumerate(fns):
                w = wages // per + (wages % per if j == 0 else 0)
                g = goods // per + (goods % per if j == 0 else 0)
                lines.append(f"010;{fn};1{j:03d};{w - 26},50")
                lines.append(f"120;{fn};1{j:03d};{g + 25},50")
                lines.append(f"429;{fn};1{j:03d};1000,00")
                lines.append(f"729;{fn};1{j:03d};-1000,00")
                lines.append(f"290;{fn};1{j:03d};-1,00")
    for row in rows_2018(plan, "T1"):
        if row[0] == "income":
            art = {"tax": "870", "block_grant": "800", "fees": "600", "other": "710"}[row[1]]
            fn = {"tax": "800", "block_grant": "840"}.get(row[1], "120")
            lines.append(f"{art};{fn};9000;-{row[3] * 1000},00")
    lines.append("010;475;7000;1250000,00")   # a funksjon the mapping does not name
    lines.append("500;870;9000;35000000,00")  # interest: a finance art, left out
    return "\n".join(lines) + "\n"


def main() -> None:
    plan = load_plan("baerum-2018-2021")
    out = HERE / "baerum" / "actuals"
    out.mkdir(parents=True, exist_ok=True)
    for period in ("T1", "T2", "year"):
        (out / f"2017-{period}.csv").write_text(write_report(rows_2017(plan, period), 2017,
                                                             period), encoding="utf-8")
        (out / f"2018-{period}.csv").write_text(write_report(rows_2018(plan, period), 2018,
                                                             period), encoding="utf-8")
    (HERE / "hovedbok-2018-T1.csv").write_text(kostra_export(plan), encoding="utf-8")


if __name__ == "__main__":
    main()
