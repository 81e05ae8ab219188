"""A comparison of plans laid out: the JSON of ``muniplan compare --format json`` and the
API, and the tables the command line and the compare page show. Nothing is computed here
that :mod:`muniplan.engine.plan_compare` did not give; this module rounds and labels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from muniplan.engine.plan_compare import Comparison
from muniplan.plan.money import round_kroner
from muniplan.report.formatting import millions, number, percent


def _num(x: float) -> float | int | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    return float(x)


def _kr(x: float) -> int | None:
    if x is None or math.isnan(float(x)):
        return None
    return round_kroner(float(x))


def comparison_to_dict(c: Comparison) -> dict[str, Any]:
    """Whole kroner for money, fractions for ratios, one value a year; differences are
    each plan minus the first."""
    years = list(c.years)
    out: dict[str, Any] = {
        "plans": [{"label": col.label, "id": col.plan.id, "title": col.plan.title,
                   "digest": col.plan.digest,
                   "balanced": not col.imbalances,
                   "imbalances": [{"year": i.year, "deficit": _kr(i.deficit)}
                                  for i in col.imbalances]} for col in c.columns],
        "years": years,
        "plan_years": list(c.plan_years),
        "indicators": {},
        "rules": {},
        "program_areas": [],
        "investments": [],
        "additional_investment": [[_kr(v) for v in col.additional_investment]
                                  for col in c.columns],
        "expense_changes": [[_kr(v) for v in col.expense_changes] for col in c.columns],
        "units": {"net_operating_result": "kr (nominal)", "net_operating_result_ratio":
                  "fraction", "debt_ratio": "fraction", "debt": "kr (nominal)",
                  "reserve_fund": "kr (nominal)", "savings_need": "kr (nominal)",
                  "operating_income": "kr (nominal)",
                  "program_areas": "kr (fixed base-year)", "investments":
                  "kr (fixed base-year)"},
    }
    for name in ("net_operating_result", "net_operating_result_ratio", "debt_ratio", "debt",
                 "reserve_fund", "savings_need", "operating_income"):
        arr = c.indicator(name)
        ratio = name.endswith("ratio")
        out["indicators"][name] = [[_num(v) if ratio else _kr(v) for v in row] for row in arr]
    out["income"] = {kind: [[_kr(v) for v in row] for row in income_series(c, kind)]
                     for kind in INCOME_KINDS}
    out["units"]["income"] = "kr (nominal)"
    for rule, name in c.rules:
        ok = c.rule_ok(rule)
        out["rules"][rule] = {"name": name, "ok": [
            [None if math.isnan(v) else bool(v) for v in row] for row in ok]}
    change = c.area_change()
    for a, (aid, aname) in enumerate(zip(c.area_ids, c.area_names, strict=True)):
        out["program_areas"].append({
            "id": aid, "name": aname,
            "frames": [[_kr(v) for v in col.area_frames[a]] for col in c.columns],
            "change": [[_kr(v) for v in change[k, a]] for k in range(len(c.columns))]})
    pchange = c.project_change()
    for j, (pid, pname) in enumerate(zip(c.project_ids, c.project_names, strict=True)):
        out["investments"].append({
            "id": pid, "name": pname,
            "cost": [[_kr(v) for v in col.project_cost[j]] for col in c.columns],
            "change": [[_kr(v) for v in pchange[k, j]] for k in range(len(c.columns))],
            "completion_year": [int(col.project_completion[j]) for col in c.columns]})
    return out


@dataclass(frozen=True)
class TableData:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]


def key_table(c: Comparison, lang: str = "nb") -> TableData:
    """Per plan year and at the horizon: the result ratio, debt ratio, savings need and
    whether the budget balances, one column per plan."""
    years = [*c.plan_years, c.horizon]
    labels = [col.label for col in c.columns]
    ndr = c.indicator("net_operating_result_ratio")
    debt = c.indicator("debt_ratio")
    need = c.indicator("savings_need")
    balance = c.rule_ok("balanse")
    rows = []
    for y in years:
        i = c.years.index(y)
        rows.append([f"{y}", *[
            f"{percent(ndr[k, i], 1, lang)} · {percent(debt[k, i], 0, lang)} · "
            f"{millions(need[k, i], 0, lang)}"
            + ("" if math.isnan(balance[k, i]) or balance[k, i] else " !")
            for k in range(len(labels))]])
    caption = ("Netto driftsresultat · gjeldsgrad · innsparingsbehov (mill. kr); ! = ikke i "
               "balanse" if lang == "nb" else "Net operating result · debt ratio · savings "
               "need (NOK million); ! = not in balance")
    return TableData(caption, ["År" if lang == "nb" else "Year", *labels], rows,
                     [False] + [True] * len(labels))


def rule_table(c: Comparison, lang: str = "nb") -> TableData:
    """Each rule: the plan years it breaks, per plan."""
    rows = []
    for rule, name in c.rules:
        ok = c.rule_ok(rule)
        cells = []
        for k in range(len(c.columns)):
            broken = [y for y in c.plan_years + (c.horizon,)
                      if ok[k, c.years.index(y)] == 0]
            cells.append(", ".join(str(y) for y in broken) if broken
                         else ("holdes" if lang == "nb" else "kept"))
        rows.append([name, *cells])
    caption = ("Handlingsreglene i planårene og ved analyseperiodens slutt: år regelen brytes"
               if lang == "nb" else "The rules in the plan years and at the horizon: years "
               "broken")
    return TableData(caption, ["Regel" if lang == "nb" else "Rule",
                               *[col.label for col in c.columns]], rows,
                     [False] * (1 + len(c.columns)))


def change_tables(c: Comparison, lang: str = "nb") -> list[TableData]:
    """For each plan after the first: what it changes per program area and investment, per
    plan year, in 1000 kr (fixed prices); only rows with a change."""
    out = []
    years = [str(y) for y in c.plan_years]
    area = c.area_change()
    proj = c.project_change()
    for k, col in enumerate(c.columns[1:], start=1):
        rows = []
        for a, name in enumerate(c.area_names):
            if np.any(np.abs(area[k, a]) >= 500):
                rows.append([name, *[number(v / 1000, 0, lang) for v in area[k, a]]])
        for j, name in enumerate(c.project_names):
            moved = col.project_completion[j] != c.columns[0].project_completion[j]
            if np.any(np.abs(proj[k, j]) >= 500) or moved:
                label = name + (f" (ferdig {col.project_completion[j]})" if moved else "")
                rows.append([label, *[number(v / 1000, 0, lang) for v in proj[k, j]]])
        extra = col.additional_investment - c.columns[0].additional_investment
        if np.any(np.abs(extra) >= 500):
            rows.append(["Nye investeringer" if lang == "nb" else "New investments",
                         *[number(v / 1000, 0, lang) for v in extra]])
        other = col.expense_changes - c.columns[0].expense_changes
        if np.any(np.abs(other) >= 500):
            rows.append(["Nye tiltak og andre endringer" if lang == "nb"
                         else "New measures and other changes",
                         *[number(v / 1000, 0, lang) for v in other]])
        caption = (f"{col.label} mot {c.columns[0].label}: endring per programområde, "
                   "investering og tiltak (1000 kr, faste priser)" if lang == "nb" else
                   f"{col.label} against {c.columns[0].label}: change per program area, "
                   "investment and measure (NOK 1000, fixed prices)")
        out.append(TableData(caption, ["", *years], rows, [False] + [True] * len(years)))
    income = income_table(c, lang)
    return out + ([income] if income else [])


INCOME_KINDS = {"property_tax": ("Eiendomsskatt", "Property tax"),
                "fees": ("Gebyrer og brukerbetalinger", "Fees and charges")}
"""The income an alternative can change (its income levers), by engine income kind."""


def income_series(c: Comparison, kind: str) -> np.ndarray:
    """(C, Y) the engine's ``income_<kind>`` of every plan; a plan without that income has
    no such series, which is zero."""
    return np.array([col.projection.series.get(f"income_{kind}", np.zeros(len(c.years)))
                     for col in c.columns])


def income_table(c: Comparison, lang: str = "nb") -> TableData | None:
    """Each plan's change in eiendomsskatt and fees against the first, per plan year
    (mill. kr, current prices); None when no plan changes them."""
    idx = [c.years.index(y) for y in c.plan_years]
    rows = []
    for kind, names in INCOME_KINDS.items():
        diff = income_series(c, kind)[:, idx] - income_series(c, kind)[:1, idx]
        for k, col in enumerate(c.columns[1:], start=1):
            if np.any(np.abs(diff[k]) >= 500):
                rows.append([f"{col.label}: {names[0] if lang == 'nb' else names[1]}",
                             *[millions(v, 1, lang) for v in diff[k]]])
    if not rows:
        return None
    caption = (f"Endring i inntekter mot {c.columns[0].label} (mill. kr, løpende priser)"
               if lang == "nb" else
               f"Change in income against {c.columns[0].label} (NOK million, current prices)")
    years = [str(y) for y in c.plan_years]
    return TableData(caption, ["", *years], rows, [False] + [True] * len(years))
