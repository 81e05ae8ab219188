"""Rule checks: each financial rule of the plan, and the law's balance requirement, per year.

A check is made on one path (the deterministic projection, or one draw). For Monte Carlo
runs the same test over all draws gives the probability that a rule breaks
(:func:`breach_probability`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine.finance import _holds, indicator_value, rule_applies
from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.model import RATIO_INDICATORS, Rule

BALANCE_RULE = "balanse"
ROBEK_RULE = "robek"


@dataclass(frozen=True)
class Check:
    """One rule in one year. ``ok`` is None where the projection cannot know the value."""

    rule: str
    name: str
    year: int
    value: float | None
    limit: float | None
    operator: str
    ok: bool | None
    unit: str = "ratio"

    def as_dict(self) -> dict[str, object]:
        return {"rule": self.rule, "name": self.name, "year": self.year,
                "value": self.value, "limit": self.limit, "operator": self.operator,
                "unit": self.unit, "ok": self.ok}


def balance_name(law_regime: str) -> str:
    if law_regime == "1992":
        return "Balansekravet (kommuneloven 1992 § 46 nr. 6): intet merforbruk"
    return "Balansekravet (kommuneloven § 14-4 tredje ledd): intet merforbruk"


def checks(rules: Sequence[Rule], inp: FinanceInputs, series: dict[str, np.ndarray],
           draw: int = 0) -> list[Check]:
    """Every rule in every year it applies, then the balance requirement and ROBEK's 3 %."""
    out: list[Check] = []
    for rule in rules:
        unit = "ratio" if rule.indicator in RATIO_INDICATORS else "kr"
        for i, year in enumerate(inp.years):
            if not rule.projected:
                if inp.plan_years[i]:
                    out.append(Check(rule.id, rule.name, int(year), None, rule.limit,
                                     rule.operator, None, unit))
                continue
            if not rule_applies(rule, inp, i):
                continue
            value = float(indicator_value(rule.indicator, series, i)[draw])
            ok = bool(_holds(rule, np.array([value]))[0])
            out.append(Check(rule.id, rule.name, int(year),
                             None if np.isnan(value) else value, rule.limit, rule.operator,
                             ok, unit))
    for i, year in enumerate(inp.years):
        deficit = float(series["deficit"][draw, i])
        out.append(Check(BALANCE_RULE, balance_name(inp.law_regime), int(year), deficit, 0.0,
                         "<=", deficit <= 0.5, "kr"))
    for i, year in enumerate(inp.years):
        ok = float(series["robek_status"][draw, i]) == 0.0
        if inp.law_regime == "1992":
            overdue = float(series["deficit_overdue"][draw, i])
            out.append(Check(ROBEK_RULE, ROBEK_NAMES["1992"], int(year), overdue, 0.0, "<=",
                             ok, "kr"))
        else:
            share = float(series["accumulated_deficit"][draw, i]
                          / series["operating_income"][draw, i])
            out.append(Check(ROBEK_RULE, ROBEK_NAMES["2018"], int(year), share, 0.03, "<=",
                             ok))
    return out


ROBEK_NAMES = {
    "1992": "ROBEK (kommuneloven 1992 § 60 nr. 1): budsjett i balanse, merforbruk dekket "
            "innen to år",
    "2018": "ROBEK (kommuneloven § 28-1): budsjett i balanse, merforbruk dekket innen to år "
            "og under 3 % av driftsinntektene",
}


def breaches(rules: Sequence[Rule], inp: FinanceInputs, series: dict[str, np.ndarray]
             ) -> dict[str, np.ndarray]:
    """Per rule, ``(draw, year)`` booleans: True where the rule breaks (False where it does
    not apply that year)."""
    draws = series["operating_income"].shape[0]
    out: dict[str, np.ndarray] = {}
    for rule in rules:
        if not rule.projected:
            continue
        broken = np.zeros((draws, len(inp.years)), dtype=bool)
        for i in range(len(inp.years)):
            if rule_applies(rule, inp, i):
                broken[:, i] = ~_holds(rule, indicator_value(rule.indicator, series, i))
        out[rule.id] = broken
    out[BALANCE_RULE] = series["deficit"] > 0.5
    if "robek_status" in series:
        out[ROBEK_RULE] = series["robek_status"] > 0
    return out


def breach_probability(rules: Sequence[Rule], inp: FinanceInputs,
                       series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Share of draws in which each rule breaks, per year; NaN in the years a rule does
    not apply (a period-end rule between period ends)."""
    out = {}
    by_id = {r.id: r for r in rules}
    for k, v in breaches(rules, inp, series).items():
        p = v.mean(axis=0)
        if k in by_id:
            applies = np.array([rule_applies(by_id[k], inp, i) for i in range(len(inp.years))])
            p = np.where(applies, p, np.nan)
        out[k] = p
    return out
