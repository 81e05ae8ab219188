"""The Bærekraft page's numbers and charts: Monte Carlo fans, breach probabilities, and the
plan's scenarios side by side.

One Monte Carlo run (a fixed number of draws and a fixed seed, stated on the page so anyone
can repeat it with ``muniplan project --draws N --seed S``) and one projection per scenario
are computed per plan version and kept: a version never changes, so neither do they.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from muniplan.engine.compare import ScenarioResult, compare
from muniplan.engine.montecarlo import FinanceUncertainty
from muniplan.engine.projection import Projection, project
from muniplan.engine.rules import BALANCE_RULE, ROBEK_RULE
from muniplan.plan.model import Plan
from muniplan.report.formatting import label, millions, percent
from muniplan.web.charts import PALETTE, Chart, Gettext, Table, _base, _year_axis

DRAWS = 2000
SEED = 1
FAN_SERIES = ("net_operating_result_ratio", "debt_ratio", "reserve_fund", "savings_need")
RATIOS = {"net_operating_result_ratio", "debt_ratio"}
LIMITS = {"net_operating_result_ratio": "net_operating_result_ratio"}


@dataclass(frozen=True)
class Risk:
    """A plan version's Monte Carlo run and its scenarios, each alone against the plan."""

    draws: int
    seed: int
    montecarlo: Projection
    scenarios: list[ScenarioResult]
    uncertainty: dict[str, dict[str, object]]


def compute(plan: Plan, to_year: int) -> Risk:
    mc = project(plan, to_year=to_year, draws=DRAWS, seed=SEED)
    return assemble(plan, to_year, mc)


def assemble(plan: Plan, to_year: int, montecarlo: Projection) -> Risk:
    """The page's risk from a Monte Carlo run (fresh or from the store) and the scenarios,
    which are deterministic projections, cheap next to the run."""
    return Risk(DRAWS, SEED, montecarlo, compare(plan, to_year=to_year),
                FinanceUncertainty().describe())


def stored_key(to_year: int) -> str:
    """What a kept run depends on besides the plan version and the engine."""
    return f"to={to_year};draws={DRAWS};seed={SEED}"


def _scale(name: str, x: np.ndarray) -> np.ndarray:
    return np.asarray(x, dtype=float) * (100.0 if name in RATIOS else 1e-6)


def _fmt(name: str, x: float, lang: str) -> str:
    return percent(x, 1, lang) if name in RATIOS else millions(x, 0, lang)


def fan(name: str, plan: Plan, risk: Risk, lang: str, _: Gettext) -> Chart:
    """Percentile fan (5–95 and 25–75) with the median and the deterministic path."""
    mc = risk.montecarlo
    years = list(mc.years)
    q = mc.quantiles([n for n in FAN_SERIES if n != "savings_need"])
    det = mc.savings_need if name == "savings_need" else mc.series[name]
    bands = {k: _scale(name, q[k][name]) for k in q}
    values = [{"year": y, "p05": bands["0.05"][i], "p25": bands["0.25"][i],
               "p50": bands["0.5"][i], "p75": bands["0.75"][i], "p95": bands["0.95"][i],
               "plan": float(_scale(name, det)[i])} for i, y in enumerate(years)]
    unit = _("Prosent") if name in RATIOS else _("Mill. kr (løpende)")
    y_enc = {"type": "quantitative", "title": unit, "axis": {"format": ",.0f"}}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "area", "color": PALETTE[0], "opacity": 0.18},
         "encoding": {"x": _year_axis(_), "y": {"field": "p05", **y_enc},
                      "y2": {"field": "p95"}}},
        {"mark": {"type": "area", "color": PALETTE[0], "opacity": 0.35},
         "encoding": {"x": _year_axis(_), "y": {"field": "p25", **y_enc},
                      "y2": {"field": "p75"}}},
        {"mark": {"type": "line", "color": PALETTE[0], "strokeWidth": 2},
         "encoding": {"x": _year_axis(_), "y": {"field": "p50", **y_enc},
                      "tooltip": [{"field": "year", "title": _("År"), "format": "d"},
                                  {"field": "p05", "title": "5 %", "format": ",.1f"},
                                  {"field": "p50", "title": _("Median"), "format": ",.1f"},
                                  {"field": "p95", "title": "95 %", "format": ",.1f"}]}},
        {"mark": {"type": "line", "color": PALETTE[1], "strokeDash": [4, 3]},
         "encoding": {"x": _year_axis(_), "y": {"field": "plan", **y_enc}}},
    ]
    limit = next((r.limit for r in plan.rules if r.indicator == name and r.projected), None)
    if limit is not None and name in RATIOS:
        layers.append({"data": {"values": [{"limit": limit * 100}]},
                       "mark": {"type": "rule", "color": PALETTE[3], "strokeDash": [6, 4],
                                "strokeWidth": 2},
                       "encoding": {"y": {"field": "limit", "type": "quantitative"}}})
    spec = _base(values, lang)
    spec["layer"] = layers
    lab = label(name, lang)
    if name not in RATIOS:  # amounts: the unit with the name, in the text and the table
        lab = _("{label}, mill. kr (løpende)").format(label=lab)
    alt = _("Viftediagram: {label} fra {first} til {last} i {draws} trekninger. I {last} "
            "ligger 90 % av trekningene mellom {low} og {high}, medianen er {mid}; "
            "framskrivingen med planens forutsetninger gir {plan}.").format(
        label=lab, first=years[0], last=years[-1], draws=risk.draws,
        low=_fmt(name, q["0.05"][name][-1], lang), high=_fmt(name, q["0.95"][name][-1], lang),
        mid=_fmt(name, q["0.5"][name][-1], lang), plan=_fmt(name, det[-1], lang))
    step = [i for i, y in enumerate(years) if (y - years[0]) % 2 == 0 or i == len(years) - 1]
    table = Table(
        _("{label}: persentiler over {draws} trekninger").format(label=lab, draws=risk.draws),
        [_("År"), "5 %", "25 %", _("Median"), "75 %", "95 %", _("Planens forutsetninger")],
        [[str(years[i]), *[_fmt(name, q[k][name][i], lang)
                           for k in ("0.05", "0.25", "0.5", "0.75", "0.95")],
          _fmt(name, det[i], lang)] for i in step],
        [False, *[True] * 6])
    return Chart(f"fan-{name.replace('_', '-')}", lab, alt, spec, table)


def check_names(plan: Plan, _: Gettext) -> dict[str, str]:
    """The name of each check the Monte Carlo gives a breach probability for: the plan's own
    rules (their ids are the plan's, R1, R2, …) and the law's two checks, which have no id a
    reader knows and are named in words only."""
    names = {r.id: r.name for r in plan.rules}
    names[BALANCE_RULE] = _("Balansekravet (intet merforbruk)")
    names[ROBEK_RULE] = _("ROBEK: økonomiplanen i balanse og merforbruk dekket i tide")
    return names


def check_label(plan: Plan, rule: str, _: Gettext) -> str:
    """``R1: name`` for a plan's rule, the name alone for a check of the law."""
    name = check_names(plan, _).get(rule, rule)
    return name if rule in (BALANCE_RULE, ROBEK_RULE) else f"{rule}: {name}"


def breach(plan: Plan, risk: Risk, lang: str, _: Gettext) -> Chart:
    mc = risk.montecarlo
    years = list(mc.years)
    probs = mc.breach_probability or {}
    shown = [k for k in probs if np.nanmax(probs[k]) > 0] or list(probs)
    # a period-end rule has a value only in the years it applies: points, not a line
    values = [{"year": y, "rule": check_label(plan, k, _), "value": round(
        float(probs[k][i]) * 100, 1)} for k in shown for i, y in enumerate(years)
        if not np.isnan(probs[k][i])]
    spec = _base(values, lang)
    spec.update({
        "mark": {"type": "line", "point": {"size": 16}},
        "encoding": {
            "x": _year_axis(_),
            "y": {"field": "value", "type": "quantitative", "title": _("Sannsynlighet (%)"),
                  "scale": {"domain": [0, 100]}},
            "color": {"field": "rule", "type": "nominal", "title": _("Regel"),
                      "legend": {"orient": "bottom", "columns": 1}},
            "tooltip": [{"field": "year", "title": _("År"), "format": "d"},
                        {"field": "rule", "title": _("Regel")},
                        {"field": "value", "title": "%", "format": ",.0f"}],
        },
    })
    spec["height"] = 240
    first = {k: next((years[i] for i, p in enumerate(probs[k]) if p >= 0.5), None)
             for k in shown}
    def cell(k: str, i: int) -> str:
        p = probs[k][i]
        return "–" if np.isnan(p) else percent(float(p), 0, lang)

    own = {r.id for r in plan.rules}
    parts = [_("{rule} fra {year}").format(rule=k if k in own else check_label(plan, k, _),
                                           year=y) for k, y in first.items() if y]
    alt = _("Linjediagram: sannsynligheten for at hver handlingsregel brytes, per år, i "
            "{draws} trekninger.").format(draws=risk.draws)
    if parts:
        alt += " " + _("Mer sannsynlig enn ikke: {list}.").format(list=", ".join(parts))
    step = [i for i, y in enumerate(years) if (y - years[0]) % 2 == 0 or i == len(years) - 1]
    table = Table(_("Sannsynlighet for brudd per regel og år"),
                  [_("Regel"), *[str(years[i]) for i in step]],
                  [[check_label(plan, k, _), *[cell(k, i) for i in step]] for k in probs],
                  [False, *[True] * len(step)])
    return Chart("breach-probability", _("Sannsynlighet for brudd på handlingsreglene"), alt,
                 spec, table)


def scenario_chart(plan: Plan, risk: Risk, lang: str, _: Gettext) -> Chart:
    results = risk.scenarios
    years = list(results[0].projection.years)
    last = years[-1]
    kinds = {"plan": _("Planen"), "stress": _("Stresstest"), "lever": _("Hovedgrep"),
             "alternative": _("Alternativ")}
    values = [{"scenario": r.name if r.id != "plan" else _("Planen slik den er vedtatt"),
               "kind": kinds.get(r.kind, r.kind),
               "value": round(float(r.projection.savings_need[-1]) / 1e6, 1)} for r in results]
    spec = _base(values, lang, height=28 * len(values))
    spec.update({
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "scenario", "type": "nominal", "sort": None, "title": None,
                  "axis": {"labelLimit": 360}},
            "x": {"field": "value", "type": "quantitative",
                  "title": _("Innsparingsbehov {year}, mill. kr").format(year=last),
                  "axis": {"format": ",.0f"}},
            "color": {"field": "kind", "type": "nominal", "title": _("Type"),
                      "scale": {"domain": list(kinds.values()),
                                "range": [PALETTE[7], PALETTE[3], PALETTE[2], PALETTE[4]]}},
            "tooltip": [{"field": "scenario", "title": _("Scenario")},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.0f"}],
        },
    })
    base = results[0].projection.savings_need[-1]
    worst = max(results[1:], key=lambda r: r.projection.savings_need[-1], default=None)
    best = min(results[1:], key=lambda r: r.projection.savings_need[-1], default=None)
    alt = _("Stolpediagram: innsparingsbehovet i {year} i hvert scenario; planen gir {base} "
            "mill. kr.").format(year=last, base=millions(base, 0, lang))
    if worst is not None and best is not None:
        alt += " " + _("Høyest: {worst} ({wv} mill. kr); lavest: {best} ({bv} mill. kr).").format(
            worst=worst.name, wv=millions(worst.projection.savings_need[-1], 0, lang),
            best=best.name, bv=millions(best.projection.savings_need[-1], 0, lang))
    table = Table(_("Innsparingsbehov {year} per scenario, mill. kr").format(year=last),
                  [_("Scenario"), _("Mill. kr")],
                  [[v["scenario"], millions(r.projection.savings_need[-1], 0, lang)]
                   for v, r in zip(values, results, strict=True)], [False, True])
    return Chart("scenario-savings", _("Scenarioene side om side"), alt, spec, table)


def build(name: str, plan: Plan, risk: Risk, lang: str, _: Gettext) -> Chart | None:
    for series in FAN_SERIES:
        if name == f"fan-{series.replace('_', '-')}":
            return fan(series, plan, risk, lang, _)
    if name == "breach-probability":
        return breach(plan, risk, lang, _)
    if name == "scenario-savings" and plan.scenarios:
        return scenario_chart(plan, risk, lang, _)
    return None


def is_risk_chart(name: str) -> bool:
    return name.startswith("fan-") or name in ("breach-probability", "scenario-savings")
