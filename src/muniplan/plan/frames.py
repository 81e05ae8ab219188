"""Gross or net frames, and the fees and refunds of each programområde.

A frame in ``sectors.csv`` is either *brutto* (the area's operating expenses; its fees and
refunds are income lines of their own) or *netto* (expenses less the area's own fees and
refunds, as most handlingsprogram tables show them). The two cannot be told apart from the
figures, and reading a net frame as gross counts the fees and refunds twice, so a plan with
fee or refund income must say which it is; the loader refuses to guess.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from muniplan.plan.errors import PlanError
from muniplan.plan.model import Plan

if TYPE_CHECKING:
    from muniplan.plan.references import Where

EXPECTED_BASIS = ("brutto (the frame is the area's operating expenses; fees and refunds are "
                  "income lines of their own) or netto (expenses less the area's own fees "
                  "and refunds)")
INCOME_OF = {"fees": "fees", "refunds": "other"}
"""Each area column and the plan income kind (``income`` in plan.yaml) it splits."""


def _n(x: float) -> str:
    """Whole units with spaces between thousands (a comma would read as a decimal)."""
    return f"{x:,.0f}".replace(",", " ")


def income_amounts(plan: Plan) -> dict[str, int]:
    """The plan's base-year income by kind (several items of one kind add up)."""
    out: dict[str, int] = {}
    for item in plan.income:
        out[item.id] = out.get(item.id, 0) + item.amount
    return out


def frames(plan: Plan, w: Where) -> Iterator[PlanError]:
    """Every frame declares its basis when the plan has fees or refunds; the areas' fees
    and refunds, when given, add up to the plan's income of that kind; a netto frame has
    them (or its gross expenses are unknown); a long-term level's area exists."""
    income = income_amounts(plan)
    areas = [a for s in plan.sectors for a in s.program_areas]
    if not areas:
        return
    has_fees = any(income.get(k, 0) > 0 for k in INCOME_OF.values())
    whole = w.complete("program_area", "income")  # sums only over every row and item
    for a in areas:
        if has_fees and a.frame_basis is None:
            yield w.row("program_area", a.id, "frame_basis",
                        "the frame does not say whether it is gross or net; the plan has fee "
                        "or refund income, which a net frame already holds",
                        expected=EXPECTED_BASIS, found="")
    for column, kind in INCOME_OF.items():
        total = sum(getattr(a, column) for a in areas)
        want = income.get(kind, 0)
        if whole and total and total != want:
            err = w.row("program_area", areas[0].id, column,
                        f"the programområder's {column} do not add up to the plan's income "
                        f"'{kind}'",
                        expected=f"{column} adding up to {_n(want / plan.amount_scale)} "
                        f"(income '{kind}' in plan.yaml, units of {plan.amount_scale} kr)",
                        found=_n(total / plan.amount_scale))
            yield replace(err, line=1)  # the column, not one row
        netto = next((a for a in areas if a.frame_basis == "netto"), None)
        if whole and not total and want > 0 and netto is not None:
            yield w.row("program_area", netto.id, column,
                        f"a netto frame needs the area's {column}, so its gross expenses and "
                        "the overview by kind can be shown",
                        expected=f"the {column} of each programområde, adding up to income "
                        f"'{kind}' in plan.yaml", found="")
    ids = {a.id for a in areas}
    for i, lt in enumerate(plan.long_term_investments):
        if lt.program_area is not None and lt.program_area not in ids \
                and not w.unseen("program_area", lt.program_area):
            yield w.yaml(("long_term_investments", i, "program_area"), "unknown programområde",
                         expected="an id from sectors.csv", found=lt.program_area)
