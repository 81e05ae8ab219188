"""Rule checks: each financial rule of the plan, and the law's balance requirement, per year.

The one place a rule is evaluated: :func:`indicator` computes a rule's indicator from the
series, :func:`holds` tests it against the limit. The checks of the deterministic path, the
breach probabilities of a Monte Carlo run and the savings-need solver all call these two.
A check is made on one path (the deterministic projection, or one draw). For Monte Carlo
runs the same test over all draws gives the probability that a rule breaks
(:func:`breach_probability`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.model import RATIO_INDICATORS, Rule

BALANCE_RULE = "balanse"
ROBEK_RULE = "robek"

SAVINGS_INDICATORS = {
    "net_operating_result_ratio", "buffer_fund", "liquidity_reserve", "reserve_fund",
    "reserve_fund_ratio",
}
"""Indicators a cut in operating expenses improves; only these set the savings need."""

INDICATOR_SERIES: dict[str, tuple[str, str | None]] = {
    "net_operating_result_ratio": ("net_operating_result", "operating_income"),
    "debt_ratio": ("debt", "operating_income"),
    "self_financing_share": ("self_financing_share", None),
    "buffer_fund": ("buffer_fund", None),
    "liquidity_reserve": ("liquidity_reserve", None),
    "reserve_fund": ("reserve_fund", None),
    "reserve_fund_ratio": ("reserve_fund", "operating_income"),
}
"""Each projected indicator as a series, or a series over operating income."""


def indicator(name: str, get: Callable[[str], np.ndarray] | Mapping[str, np.ndarray]
              ) -> np.ndarray:
    """A rule's indicator from the series ``get`` gives (any shape, elementwise)."""
    fetch = get.__getitem__ if isinstance(get, Mapping) else get
    top, bottom = INDICATOR_SERIES[name]
    if bottom is None:
        return np.asarray(fetch(top), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(fetch(top), dtype=float) / fetch(bottom)


def indicator_value(name: str, series: Mapping[str, np.ndarray], i: int) -> np.ndarray:
    """The value of a rule's indicator in year ``i`` of ``(draw, year)`` series, ``(D,)``."""
    return indicator(name, lambda k: series[k][:, i])


def rule_applies(rule: Rule, inp: FinanceInputs, i: int) -> bool:
    """Whether a projected rule is checked in year ``i`` (every year, or period ends)."""
    if not rule.projected:
        return False
    return rule.applies == "annual" or bool(inp.period_end[i])


def threshold(rule: Rule) -> float:
    """The limit with the rule's tolerance, on the side the tolerance allows."""
    if rule.operator in (">=", ">"):
        return rule.limit - rule.tolerance
    if rule.operator in ("<=", "<"):
        return rule.limit + rule.tolerance
    return rule.limit


def holds(rule: Rule, value: np.ndarray) -> np.ndarray:
    """Where the rule holds; an unknown value (NaN) is not counted as a breach."""
    lim, op = threshold(rule), rule.operator
    if op == ">=":
        ok = value >= lim
    elif op == "<=":
        ok = value <= lim
    elif op == ">":
        ok = value > lim
    elif op == "<":
        ok = value < lim
    else:
        ok = np.abs(value - lim) <= max(rule.tolerance, 1e-9)
    return ok | np.isnan(value)


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


ROBEK_SHARE = 0.03
"""Koml. 2018 § 28-1 første ledd bokstav d: accumulated deficit over 3 % of income."""


def robek_name(law_regime: str) -> str:
    if law_regime == "1992":
        return ("ROBEK (kommuneloven 1992 § 60 nr. 1): økonomiplanen i balanse og merforbruk "
                "dekket innen to år")
    return ("ROBEK (kommuneloven § 28-1): økonomiplanen i balanse, merforbruk dekket innen "
            "to år og akkumulert under 3 % av driftsinntektene")


def robek(inp: FinanceInputs, series: Mapping[str, np.ndarray]
          ) -> tuple[np.ndarray, np.ndarray]:
    """The ROBEK criteria the projection can test, per draw and year, under the plan's law.

    Registered when a plan year has a deficit (the økonomiplan adopted with merforbruk: koml.
    1992 § 60 nr. 1 a and b, koml. 2018 § 28-1 a and b), when a deficit is not covered in
    the two years after it arose (koml. 1992 § 48 nr. 4 and § 60, koml. 2018 § 14-11 and
    § 28-1 c), and under the 2018 law also when the accumulated deficit exceeds 3 % of the
    operating income (§ 28-1 d; the 1992 law had no such rule). Returns the value shown
    (the accumulated share under 2018, the overdue deficit in kroner under 1992) and
    whether the municipality would be registered.
    """
    deficit = series["deficit"]
    acc = series["accumulated_deficit"]
    recent = deficit.copy()
    recent[:, 1:] += deficit[:, :-1]
    recent[:, 2:] += deficit[:, :-2]
    overdue = np.maximum(acc - recent, 0.0)
    registered = (overdue > 0.5) | ((deficit > 0.5) & inp.plan_years[None, :])
    if inp.law_regime == "1992":
        return overdue, registered
    share = acc / series["operating_income"]
    return share, registered | (share > ROBEK_SHARE)


def checks(rules: Sequence[Rule], inp: FinanceInputs, series: dict[str, np.ndarray],
           draw: int = 0) -> list[Check]:
    """Every rule in every year it applies, then the balance requirement and ROBEK."""
    out: list[Check] = []
    for rule in rules:
        unit = "ratio" if rule.indicator in RATIO_INDICATORS else "kr"
        if rule.projected:  # the whole path at once, then read year by year
            values = indicator(rule.indicator, lambda k: series[k][draw])
            good = holds(rule, values)
        for i, year in enumerate(inp.years):
            if not rule.projected:
                if inp.plan_years[i]:
                    out.append(Check(rule.id, rule.name, int(year), None, rule.limit,
                                     rule.operator, None, unit))
                continue
            if not rule_applies(rule, inp, i):
                continue
            value = float(values[i])
            out.append(Check(rule.id, rule.name, int(year),
                             None if np.isnan(value) else value, rule.limit, rule.operator,
                             bool(good[i]), unit))
    for i, year in enumerate(inp.years):
        deficit = float(series["deficit"][draw, i])
        out.append(Check(BALANCE_RULE, balance_name(inp.law_regime), int(year), deficit, 0.0,
                         "<=", deficit <= 0.5, "kr"))
    value, registered = robek(inp, series)
    for i, year in enumerate(inp.years):
        v = float(value[draw, i])
        unit = "ratio" if inp.law_regime == "2018" else "kr"
        limit = ROBEK_SHARE if inp.law_regime == "2018" else 0.0
        out.append(Check(ROBEK_RULE, robek_name(inp.law_regime), int(year), v, limit, "<=",
                         not bool(registered[draw, i]), unit))
    return out


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
                broken[:, i] = ~holds(rule, indicator_value(rule.indicator, series, i))
        out[rule.id] = broken
    out[BALANCE_RULE] = series["deficit"] > 0.5
    out[ROBEK_RULE] = robek(inp, series)[1]
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
