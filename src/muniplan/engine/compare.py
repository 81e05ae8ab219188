"""Scenarios side by side: what each stress test or lever does to the savings need.

The comparison a finance officer and a politician ask for: the same plan under each
scenario alone, against the plan as written, in the figures that matter — the savings
need, the net operating result ratio, the debt ratio and the first year a rule breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine.horizon import within
from muniplan.engine.projection import Projection, project
from muniplan.plan.model import Plan, Scenario


@dataclass(frozen=True)
class ScenarioResult:
    id: str
    name: str
    kind: str
    projection: Projection

    def first_breach(self) -> int | None:
        years = [c.year for c in self.projection.checks if c.ok is False]
        return min(years) if years else None


def compare(plan: Plan, scenarios: Sequence[Scenario] | None = None,
            to_year: int | None = None) -> list[ScenarioResult]:
    """The plan as written, then each scenario alone (default: all of the plan's)."""
    chosen = plan.scenarios if scenarios is None else scenarios
    if to_year is not None:
        chosen = [within(sc, to_year) for sc in chosen]
    out = [ScenarioResult("plan", "Planen slik den er vedtatt", "plan",
                          project(plan, to_year=to_year))]
    for sc in chosen:
        out.append(ScenarioResult(sc.id, sc.name, sc.kind,
                                  project(plan, to_year=to_year, scenarios=[sc])))
    return out


def savings_effect(results: Sequence[ScenarioResult]) -> dict[str, np.ndarray]:
    """Each scenario's savings need minus the plan's, per year (negative: it helps)."""
    base = results[0].projection.savings_need
    return {r.id: r.projection.savings_need - base for r in results[1:]}
