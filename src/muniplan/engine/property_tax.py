"""Eiendomsskatt (property tax) and fees as income levers, within the law's limits.

A rate lever changes the income by the tax base times the change in rate: the plan gives
the base (``finance.property_tax``: skattegrunnlaget after reduksjonsfaktor and bunnfradrag,
for bustader og fritidsbustader and for other property) and the rates in force, so a
changed rate is ``base × (new rate − plan's rate)`` kroner a year, in fixed base-year
kroner, growing like the plan's property tax income. Without a base the lever cannot
apply, and says so, rather than guess a base.

The law's limits (lov om eigedomsskatt til kommunane, 6. juni 1975 nr. 29):

* § 11 første ledd: the rate is at most 7 ‰ of the base, and the first year the kommune
  writes out eiendomsskatt at most 2 ‰;
* § 11 andre ledd (bustader og fritidsbustader): at most 5 ‰ from 2020 (the change of the
  2019 state budget, https://www.nord-odal.kommune.no/lokaldemokrati/endringer-i-eiendomsskatteloven)
  and 4 ‰ from 2021 (the change of the 2020 state budget; not seen in a source here).

Not checked: the yearly limit on an increase of the rate and the lowest rate; the plan's
finance officer answers for those.
"""

from __future__ import annotations

import numpy as np

CATEGORIES = ("housing", "other")
"""Bustader og fritidsbustader; all other property (næring, verk og bruk, ubebygd)."""

CATEGORY_LABELS = {"housing": "bolig og fritidsbolig", "other": "annen eiendom"}

GENERAL_MAX = 0.007
FIRST_YEAR_MAX = 0.002
HOUSING_MAX = ((2020, 0.005), (2021, 0.004))
"""§ 11 andre ledd: (first year in force, highest rate) for bustader og fritidsbustader."""


def max_rate(category: str, year: int, first_year: bool = False) -> float:
    """The highest rate the law allows for ``category`` in ``year`` (a fraction: 0.007 is
    7 ‰); ``first_year``: the first year the kommune writes out eiendomsskatt."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown property category {category!r}")
    cap = GENERAL_MAX
    if category == "housing":
        for since, rate in HOUSING_MAX:
            if year >= since:
                cap = rate
    return min(cap, FIRST_YEAR_MAX) if first_year else cap


def rate_breach(years: np.ndarray, rates: np.ndarray, levied_since: int | None
                ) -> tuple[str, int, float, float] | None:
    """The first (category, year, rate, highest allowed) where ``rates`` ``(2, Y)`` break
    the law, or None. ``levied_since``: the year eiendomsskatt was first written out (None:
    never before the plan), so the first year with a rate above zero is capped at 2 ‰."""
    levied = rates.max(axis=0) > 0
    first = levied_since
    if first is None and levied.any():
        first = int(years[int(np.argmax(levied))])
    for i, year in enumerate(years):
        for c, category in enumerate(CATEGORIES):
            cap = max_rate(category, int(year), first_year=int(year) == first)
            if rates[c, i] > cap + 1e-12 or rates[c, i] < 0:
                return category, int(year), float(rates[c, i]), cap
    return None


def income_change_fixed(base: np.ndarray, rates: np.ndarray, plan_rates: np.ndarray
                        ) -> np.ndarray:
    """``(Y,)`` the change in eiendomsskatt from the changed rates, fixed kroner:
    Σ over categories of base × (rate − plan's rate)."""
    return (base[:, None] * (rates - plan_rates[:, None])).sum(axis=0)
