"""Two or more plans or versions side by side: what each year's rules and key ratios are,
and what differs per program area, investment and measure.

The figures come from each plan's own projection and its prepared arrays (after its
``changes.yaml``); the differences are taken here, once, so the command line, the page and
the JSON show the same numbers. The first plan is the one the others are measured against
(usually the proposal). Money is in fixed base-year kroner for frames, projects and measures
(what a politician changes) and nominal for the projected results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine.projection import Projection, prepare, project
from muniplan.engine.rules import BALANCE_RULE
from muniplan.plan.model import Plan

INDICATORS = ("net_operating_result", "net_operating_result_ratio", "debt_ratio", "debt",
              "reserve_fund")


@dataclass(frozen=True)
class Imbalance:
    """A plan year the law's balance requirement fails, and the deficit (nominal kr)."""

    year: int
    deficit: float


@dataclass(frozen=True)
class Compared:
    """One plan in the comparison."""

    label: str
    plan: Plan
    projection: Projection
    area_frames: np.ndarray  # (A, P) fixed kroner, plan years
    project_cost: np.ndarray  # (J, P) fixed kroner, plan years, plan projects
    project_completion: np.ndarray  # (J,) year
    additional_investment: np.ndarray  # (P,) fixed kroner: new investments
    expense_changes: np.ndarray  # (P,) fixed kroner: new measures and other changes

    @property
    def imbalances(self) -> list[Imbalance]:
        return imbalances(self.projection)


@dataclass(frozen=True)
class Comparison:
    columns: tuple[Compared, ...]
    years: tuple[int, ...]  # every projected year
    plan_years: tuple[int, ...]
    horizon: int
    area_ids: tuple[str, ...]
    area_names: tuple[str, ...]
    project_ids: tuple[str, ...]
    project_names: tuple[str, ...]
    rules: tuple[tuple[str, str], ...]  # (id, name), the balance requirement included

    def indicator(self, name: str) -> np.ndarray:
        """(C, Y) one series of every plan (``savings_need`` included)."""
        if name == "savings_need":
            return np.array([c.projection.savings_need for c in self.columns])
        return np.array([c.projection.series[name] for c in self.columns])

    def rule_ok(self, rule: str) -> np.ndarray:
        """(C, Y): 1 kept, 0 broken, NaN where the rule does not apply or cannot be known."""
        out = np.full((len(self.columns), len(self.years)), np.nan)
        for c, col in enumerate(self.columns):
            for check in col.projection.checks:
                if check.rule == rule and check.ok is not None and check.year in self.years:
                    out[c, self.years.index(check.year)] = 1.0 if check.ok else 0.0
        return out

    def area_change(self) -> np.ndarray:
        """(C, A, P) each plan's program-area frames minus the first plan's."""
        base = self.columns[0].area_frames
        return np.array([c.area_frames - base for c in self.columns])

    def project_change(self) -> np.ndarray:
        """(C, J, P) each plan's project costs minus the first plan's."""
        base = self.columns[0].project_cost
        return np.array([c.project_cost - base for c in self.columns])


def imbalances(projection: Projection) -> list[Imbalance]:
    """The plan years whose budget is not in balance (kommuneloven § 14-4 tredje ledd: the
    økonomiplan must balance in every year), each with its deficit."""
    first, last = projection.period
    return [Imbalance(c.year, float(c.value or 0.0)) for c in projection.checks
            if c.rule == BALANCE_RULE and first <= c.year <= last and c.ok is False]


def _column(label: str, plan: Plan, to_year: int | None, projection: Projection | None
            ) -> Compared:
    inp, _ = prepare(plan, to_year)
    proj = projection if projection is not None else project(plan, to_year=to_year)
    plan_mask = np.asarray(inp.plan_years, dtype=bool)
    ids = [i.id for i in plan.investments]
    rows = [inp.investment_ids.index(i) for i in ids]
    extra = [k for k, i in enumerate(inp.investment_ids) if i.startswith("tillegg-")]
    return Compared(
        label=label, plan=plan, projection=proj,
        area_frames=inp.area_frames_fixed[:, plan_mask],
        project_cost=inp.investment_cost_fixed[rows][:, plan_mask],
        project_completion=np.asarray(inp.years[0] + inp.completion_index[rows]),
        additional_investment=inp.investment_cost_fixed[extra][:, plan_mask].sum(axis=0),
        expense_changes=(inp.expense_adjustment_fixed + inp.measures_fixed)[plan_mask],
    )


def compare_plans(plans: Sequence[tuple[str, Plan]], to_year: int | None = None,
                  projections: Sequence[Projection | None] | None = None) -> Comparison:
    """Compare ``plans`` (label, plan), the first being the reference. They must be versions
    of one plan (the same program areas, projects and years) for the differences to mean
    anything; ValueError says what differs otherwise."""
    if len(plans) < 2:
        raise ValueError("compare needs two plans or versions, or more")
    first = plans[0][1]
    for label, p in plans[1:]:
        if p.period != first.period or p.program_area_ids() != first.program_area_ids():
            raise ValueError(f"{label} is not a version of the same plan as {plans[0][0]} "
                             "(its period or program areas differ)")
    to = to_year or min(p.horizon for _, p in plans)
    given = list(projections) if projections is not None else [None] * len(plans)
    cols = tuple(_column(label, p, to, pr) for (label, p), pr in zip(plans, given, strict=True))
    areas = [(a.id, a.name) for s in first.sectors for a in s.program_areas]
    projects = [(i.id, i.name) for i in first.investments]
    for c in cols[1:]:
        if [i.id for i in c.plan.investments] != [i for i, _ in projects]:
            raise ValueError(f"{c.label} has other investment projects than {cols[0].label}; "
                             "compare versions of one plan")
    rules = [(r.id, r.name) for r in first.rules if r.projected]
    rules.append((BALANCE_RULE, "Balansekravet"))
    years = cols[0].projection.years
    plan_years = tuple(y for y in years if first.period.first <= y <= first.period.last)
    return Comparison(
        columns=cols, years=years, plan_years=plan_years, horizon=years[-1],
        area_ids=tuple(a for a, _ in areas), area_names=tuple(n for _, n in areas),
        project_ids=tuple(i for i, _ in projects), project_names=tuple(n for _, n in projects),
        rules=tuple(rules),
    )
