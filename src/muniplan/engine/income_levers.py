"""Overrides on income: the eiendomsskatt rates and the level of fees.

``income.property_tax.housing_rate`` and ``income.property_tax.other_rate`` set, add to or
scale the rates the plan writes out (fractions: 0.002 is 2 ‰); the law's limits are checked
year by year (engine/property_tax.py) and a rate above them is refused with the year and
the limit. ``income.fees*=F`` scales the fees that are not selvkost (selvkost fees may only
cover the cost of the service, so they are not a lever); only ``*=`` is accepted, since a
bare ``=1.05`` could be read as kroner or as a factor.
"""

from __future__ import annotations

import numpy as np

from muniplan.engine.inputs import FinanceInputs
from muniplan.engine.item_overrides import _apply
from muniplan.engine.property_tax import CATEGORIES, CATEGORY_LABELS, rate_breach
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override

RATE_PARAMETERS = {f"income.property_tax.{c}_rate": i for i, c in enumerate(CATEGORIES)}
PARAMETERS = {"income.fees", *RATE_PARAMETERS}
MAX_FEE_FACTOR = 3.0


def apply(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
          origin: str) -> FinanceInputs:
    """``inp`` with the income override ``ov`` applied to the years in ``mask``."""
    if ov.parameter == "income.fees":
        return _fees(inp, ov, mask, vals, origin)
    return _rate(inp, ov, mask, vals, origin)


def _fees(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
          origin: str) -> FinanceInputs:
    if ov.op != "scale":
        raise ScenarioError(
            "fees change by a factor only", file=origin, field=ov.parameter,
            expected="income.fees*=FACTOR, e.g. income.fees*=1.05 for 5 % higher fees",
            found=f"{ov.op} {ov.value}")
    factor = _apply(inp.fee_factor, "scale", mask, vals)
    if np.any((factor <= 0) | (factor > MAX_FEE_FACTOR)):
        raise ScenarioError(
            "fee factor out of range", file=origin, field=ov.parameter,
            expected=f"a factor above 0 and at most {MAX_FEE_FACTOR:g} (1.05 = 5 % higher)",
            found=f"{float(vals.max() if vals.size else 0):g}")
    return inp.with_changes(fee_factor=factor)


def _rate(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
          origin: str) -> FinanceInputs:
    if not inp.property_tax_known:
        raise ScenarioError(
            "the plan gives no tax base for eiendomsskatt, so a rate cannot be turned into "
            "income", file=origin, field=ov.parameter,
            expected="finance.property_tax in plan.yaml (the tax bases and the rates in force)")
    rates = inp.property_tax_rates.copy()
    row = RATE_PARAMETERS[ov.parameter]
    rates[row] = _apply(rates[row], ov.op, mask, vals)
    since = inp.property_tax_levied_since or None
    breach = rate_breach(inp.years, rates, since)
    if breach is not None:
        category, year, rate, cap = breach
        raise ScenarioError(
            f"the eiendomsskatt rate for {CATEGORY_LABELS[category]} in {year} is above the "
            "law's limit (eigedomsskattelova § 11)", file=origin, field=ov.parameter,
            expected=f"at most {cap * 1000:g} ‰ (write {cap:g})",
            found=f"{rate * 1000:g} ‰ ({rate:g})")
    return inp.with_changes(property_tax_rates=rates)
