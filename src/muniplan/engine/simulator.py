"""The citizens' budget simulator: a citizen's choices as scenario overrides, and what they
mean — this year's balance, the financial rules, the savings need in 2030 and 2040.

A choice is a small number on a lever the plan offers (a sector's or a program area's frame in
percent, fees in percent, the pace of the investment programme in years). :func:`overrides`
writes the choices as the command line's ``--set`` texts, so a citizen's result is by
construction what ``muniplan project --set …`` gives for the same changes; :func:`simulate`
projects them with the same :func:`~muniplan.engine.projection.project` and picks the
figures a citizen needs.
Nothing here reads or writes anything: bounds on time and memory are the caller's, and the
levers' limits keep every choice inside a range the engine handles in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import isfinite

import numpy as np

from muniplan.engine.memo import per_plan
from muniplan.engine.projection import Projection, project
from muniplan.engine.property_tax import max_rate
from muniplan.engine.rules import BALANCE_RULE, ROBEK_RULE
from muniplan.plan.model import Plan, Scenario
from muniplan.plan.parameters import PlanIds, parse_set
from muniplan.plan.simulator_limits import DEFAULTS

NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?$")
"""A choice as typed: digits with an optional sign and decimals (no exponents, no 'nan')."""

LONG_VIEW = (2030, 2040)
"""The years a citizen sees beside the plan period: the issue's 'see 2040'."""

AREA_PREFIX = "omrade-"

PROPERTY_TAX_LEVERS = (("eiendomsskatt-bolig", "housing", "Eiendomsskatt på bolig og fritidsbolig"),
                      ("eiendomsskatt-annen", "other", "Eiendomsskatt på annen eiendom"))
"""The eiendomsskatt levers: promille points on the rate in force, up to the law's limit
(eigedomsskattelova § 11, in ``engine/property_tax.py``), offered only when the plan gives
the tax bases (``finance.property_tax``)."""

FIRST_YEAR_PROMILLE = 2.0
"""§ 11 første ledd: the first year a kommune writes out eiendomsskatt, at most 2 ‰."""

class ChoiceError(ValueError):
    """A choice outside its lever's range, not a number, or a lever the plan does not offer:
    which lever, what was found, and the problem (``range``, ``step``, ``number``,
    ``unknown``) so a page can say it in the reader's language."""

    def __init__(self, lever: str, problem: str, found: str, message: str) -> None:
        super().__init__(message)
        self.lever = lever
        self.problem = problem
        self.found = found


@dataclass(frozen=True)
class Lever:
    """One thing a citizen may change. ``kind``: ``percent`` or ``years``; the choice is a
    multiple of ``step`` between ``low`` and ``high``; 0 is the proposal."""

    id: str
    kind: str
    group: str
    name: str
    low: float
    high: float
    step: float
    base: float = 0.0  # fixed kroner the percent applies to (the first plan year's amount)
    source: str | None = None
    first_year: int | None = None  # when the change starts, if not the plan's first year
    parent: str | None = None  # the lever this one refines (a program area's sector)

    def check(self, value: float) -> float:
        if not isfinite(value) or not self.low <= value <= self.high:
            raise ChoiceError(self.id, "range", f"{value:g}", f"{self.name}: expected "
                              f"{self.low:g} to {self.high:g}, found {value:g}")
        steps = value / self.step
        if abs(steps - round(steps)) > 1e-9:
            raise ChoiceError(self.id, "step", f"{value:g}", f"{self.name}: expected a "
                              f"multiple of {self.step:g}, found {value:g}")
        return round(steps) * self.step


def limits(plan: Plan) -> dict[str, float]:
    """How far each lever may move either way: the plan's ``simulator:`` block, else the
    defaults of ``plan/simulator_limits.py`` (assumptions with their reasons there)."""
    chosen = plan.simulator
    return {k: float(getattr(chosen, k)) if chosen else v for k, v in DEFAULTS.items()}


def levers(plan: Plan) -> list[Lever]:
    """The levers of ``plan``: each sector's frame, its program areas' frames, fees, the
    investment programme's pace. Sectors come before their areas, so an area's percent
    applies on top of its sector's (as ``--set`` texts apply in order). A limit of 0 in
    the plan takes its lever away."""
    return list(_levers(plan))


@per_plan
def _levers(plan: Plan) -> tuple[Lever, ...]:
    """Every request reads, checks and writes choices against the levers: made once per plan."""
    most = limits(plan)
    out = _frame_levers(plan, most["sector_frame"], most["area_frame"])
    out += _property_tax_levers(plan)
    fees = sum(float(i.amount) for i in plan.income if i.id == "fees")
    if fees > 0 and most["fees"]:
        source = "; ".join(i.source for i in plan.income if i.id == "fees" and i.source)
        out.append(Lever("gebyrer", "percent", "income", "Brukerbetalinger og gebyrer",
                         -most["fees"], most["fees"], 1, fees, source or None, fee_year(plan)))
    if plan.investments and most["delay"]:
        out.append(Lever("utsettelse", "years", "investments",
                         "Utsettelse av periodens investeringsprosjekter", 0, most["delay"], 1))
    if plan.long_term_investments and most["long_term_investments"]:
        level = float(plan.long_term_investments[0].amount)
        most_lt = most["long_term_investments"]
        out.append(Lever("langsiktige-investeringer", "percent", "investments",
                         "Investeringsnivået etter planperioden", -most_lt, most_lt, 5, level,
                         plan.long_term_investments[0].source))
    return tuple(out)


def _property_tax_levers(plan: Plan) -> list[Lever]:
    """A lever per property category when the plan gives the tax bases: from the rate in
    force down to 0 and up to the lowest limit the law sets in any year to the horizon."""
    tax = plan.finance.property_tax
    if tax is None:
        return []
    out = []
    for lever_id, category, name in PROPERTY_TAX_LEVERS:
        now = float(getattr(tax, f"{category}_rate").value) * 1000
        cap = min(max_rate(category, y) for y in range(plan.period.first, plan.horizon + 1))
        figure = getattr(tax, f"{category}_base")
        out.append(Lever(lever_id, "promille", "income", name, -now, cap * 1000 - now, 0.5,
                         float(figure.value), getattr(figure, "source", None)))
    return out


def _frame_levers(plan: Plan, sector_limit: float, area_limit: float) -> list[Lever]:
    """A lever per sector with a frame, then one per program area of the sectors with more
    than one (a sector's only area would repeat the sector's lever); none at a limit of 0."""
    first = plan.period.first
    sectors, areas = [], []
    for s in plan.sectors:
        frames = [(a, float(a.operating_frame.get(first, 0.0))) for a in s.program_areas]
        frame = sum(f for _, f in frames)
        if frame <= 0 or not sector_limit:
            continue
        sources = sorted({a.source for a in s.program_areas if a.source})
        sectors.append(Lever(f"ramme-{s.id}", "percent", "frames", s.name, -sector_limit,
                             sector_limit, 0.5, frame, "; ".join(sources) or None))
        if area_limit and sum(1 for _, f in frames if f > 0) > 1:
            areas += [Lever(f"{AREA_PREFIX}{a.id}", "percent", "areas", a.name, -area_limit,
                            area_limit, 0.5, f, a.source, parent=f"ramme-{s.id}")
                      for a, f in frames if f > 0]
    return sectors + areas


def read_choices(plan: Plan, raw: Mapping[str, str]) -> dict[str, float]:
    """Choices from a form: every lever's field, empty or missing meaning 0 (the proposal).

    A value that is not a plain decimal number (``-2``, ``1,5`` and ``1.5`` are) is refused
    rather than guessed."""
    out: dict[str, float] = {}
    for lever in levers(plan):
        text = (raw.get(lever.id) or "").strip().replace(",", ".").replace("\u2212", "-")
        if not text:
            out[lever.id] = 0.0
            continue
        try:
            if len(text) > 12 or not NUMBER.match(text):
                raise ValueError(text)
            value = float(text)
        except ValueError:
            shown = text[:12] + ("…" if len(text) > 12 else "")
            raise ChoiceError(lever.id, "number", shown,
                              f"{lever.name}: expected a number, found {shown!r}") from None
        out[lever.id] = lever.check(value)
    return out


def overrides(plan: Plan, choices: Mapping[str, float]) -> list[str]:
    """The choices as ``--set`` texts of ``muniplan project`` (amounts in the plan's scale),
    in lever order; a choice of 0 adds nothing."""
    by_id = {lv.id: lv for lv in levers(plan)}
    unknown = sorted(set(choices) - set(by_id))
    if unknown:
        raise ChoiceError(unknown[0], "unknown", unknown[0],
                          f"the plan has no lever {unknown[0]!r}")
    first, horizon = plan.period.first, plan.horizon
    out: list[str] = []
    for lever_id, lever in by_id.items():
        value = lever.check(float(choices.get(lever_id, 0.0)))
        if value == 0:
            continue
        if lever_id.startswith("ramme-"):
            sector = lever_id.removeprefix("ramme-")
            out.append(f"sectors.{sector}.frame*={1 + value / 100:g}@{first}-{horizon}")
        elif lever_id.startswith(AREA_PREFIX):
            area = lever_id.removeprefix(AREA_PREFIX)
            out.append(f"program_areas.{area}.frame*={1 + value / 100:g}@{first}-{horizon}")
        elif lever_id == "gebyrer":
            out.append(f"income.fees*={1 + value / 100:g}@{fee_year(plan)}-{horizon}")
        elif lever_id.startswith("eiendomsskatt-"):
            out += _property_tax_sets(plan, lever, value)
        elif lever_id == "utsettelse":
            out.append(f"investments.delay={int(value)}")
        elif lever_id == "langsiktige-investeringer":
            lt = plan.long_term_investments
            out.append(f"investments.long_term*={1 + value / 100:g}"
                       f"@{min(x.first for x in lt)}-{min(max(x.last for x in lt), horizon)}")
    return out


def fee_year(plan: Plan) -> int:
    """The first year a fee change can take: the first year after the base year's accounts
    (and never before the plan period)."""
    return max(plan.period.first, plan.base_year + 1)


def _property_tax_sets(plan: Plan, lever: Lever, promille: float) -> list[str]:
    """``promille`` points on the category's rate from the plan's first year; if the plan
    has written out no eiendomsskatt before, the first year takes at most 2 ‰ (§ 11)."""
    tax = plan.finance.property_tax
    category = next(c for i, c, _n in PROPERTY_TAX_LEVERS if i == lever.id)
    parameter = f"income.property_tax.{category}_rate"
    first, horizon = plan.period.first, plan.horizon
    new_tax = tax is not None and tax.levied_since is None and not (
        tax.housing_rate.value or tax.other_rate.value)
    if not new_tax or promille <= FIRST_YEAR_PROMILLE:
        return [f"{parameter}+={promille / 1000:g}@{first}-{horizon}"]
    return [f"{parameter}+={FIRST_YEAR_PROMILLE / 1000:g}@{first}-{first}",
            f"{parameter}+={promille / 1000:g}@{first + 1}-{horizon}"]


def scenario(plan: Plan, choices: Mapping[str, float]) -> Scenario:
    """The choices as one scenario, built exactly as the command line builds ``--set``."""
    return _scenario(plan, tuple(overrides(plan, choices)))


def _scenario(plan: Plan, texts: Sequence[str]) -> Scenario:
    ids = _plan_ids(plan)
    sets = tuple(parse_set(t, ids, plan.amount_scale) for t in texts)
    return Scenario(id="innbygger", name="Innbyggerens budsjett", kind="alternative",
                    assumption="a citizen's choices in the budget simulator", overrides=sets)


_plan_ids = per_plan(PlanIds.of)
"""The plan's ids, which every choice's ``--set`` texts are checked against: once per plan."""


@dataclass(frozen=True)
class RuleOutcome:
    """One rule: the years it breaks in the plan period and after it."""

    id: str
    name: str
    broken_in_period: tuple[int, ...]
    broken_later: tuple[int, ...]
    known: bool


@dataclass(frozen=True)
class Outcome:
    """What a citizen's choices (or the proposal, with none) mean. Money in nominal kroner,
    ratios as fractions, all read from one projection."""

    choices: dict[str, float]
    sets: tuple[str, ...]
    gap: float  # the largest yearly savings need in the plan period
    gap_year: int | None
    balanced: bool
    period_years: tuple[int, ...]
    long_years: tuple[int, ...]
    savings_need: dict[int, float]
    net_result_ratio: dict[int, float]
    debt_ratio: dict[int, float]
    demographic_cost: dict[int, float]
    operating_expenses: dict[int, float]
    rules: tuple[RuleOutcome, ...]
    price_basis: str
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain data for the JSON export (kroner rounded to whole kroner)."""
        def money(d: dict[int, float]) -> dict[str, float]:
            return {str(k): round(v) for k, v in d.items()}

        def ratio(d: dict[int, float]) -> dict[str, float]:
            return {str(k): round(v, 6) for k, v in d.items()}

        return {"choices": self.choices, "sets": list(self.sets), "gap": round(self.gap),
                "gap_year": self.gap_year, "balanced": self.balanced,
                "savings_need": money(self.savings_need),
                "net_result_ratio": ratio(self.net_result_ratio),
                "debt_ratio": ratio(self.debt_ratio),
                "demographic_cost": money(self.demographic_cost),
                "rules": [{"id": r.id, "name": r.name, "broken_in_period":
                           list(r.broken_in_period), "broken_later": list(r.broken_later)}
                          for r in self.rules],
                "price_basis": self.price_basis}


def simulate(plan: Plan, choices: Mapping[str, float]) -> Outcome:
    """Project ``plan`` to its horizon with ``choices`` (deterministic, one draw) and read
    the outcome."""
    texts = tuple(overrides(plan, choices))
    sc = _scenario(plan, texts)
    scenarios: Sequence[Scenario] = (sc,) if sc.overrides else ()
    proj = project(plan, scenarios=scenarios)
    return outcome(plan, proj, choices, texts)


def outcome(plan: Plan, proj: Projection, choices: Mapping[str, float],
            sets: Sequence[str] | None = None) -> Outcome:
    """The figures a citizen sees, picked from ``proj`` (the proposal's, with no choices);
    ``sets``: the choices' ``--set`` texts, if the caller has them already."""
    years = list(proj.years)
    period = tuple(y for y in years if plan.period.first <= y <= plan.period.last)
    long_years = tuple(y for y in LONG_VIEW if y in years and y > plan.period.last)
    if years[-1] not in long_years and years[-1] > plan.period.last:
        long_years = (*long_years, years[-1])
    shown = period + long_years

    def pick(name: str) -> dict[int, float]:
        series = proj.series.get(name)
        if series is None:
            return {}
        return {y: float(series[years.index(y)]) for y in shown}

    need = {y: float(np.nan_to_num(proj.savings_need[years.index(y)], nan=np.inf))
            for y in shown}
    in_period = [(need[y], y) for y in period]
    gap, gap_year = max(in_period) if in_period else (0.0, None)
    rules = _rules(proj, period)
    balanced = gap <= 0.5 and not any(r.broken_in_period for r in rules
                                      if r.id in (BALANCE_RULE, ROBEK_RULE))
    return Outcome(
        choices={k: float(v) for k, v in choices.items() if v},
        sets=tuple(overrides(plan, choices) if sets is None else sets),
        gap=max(gap, 0.0), gap_year=gap_year if gap > 0.5 else None, balanced=balanced,
        period_years=period, long_years=long_years, savings_need=need,
        net_result_ratio=pick("net_operating_result_ratio"), debt_ratio=pick("debt_ratio"),
        demographic_cost=pick("demographic_cost"),
        operating_expenses=pick("operating_expenses"), rules=rules,
        price_basis=str(proj.provenance.get("price_basis", "")))


def _rules(proj: Projection, period: tuple[int, ...]) -> tuple[RuleOutcome, ...]:
    by_rule: dict[str, dict[str, object]] = {}
    for c in proj.checks:
        row = by_rule.setdefault(c.rule, {"name": c.name, "in": [], "later": [], "known": False})
        if c.ok is None:
            continue
        row["known"] = True
        if c.ok is False:
            row["in" if c.year in period else "later"].append(c.year)  # type: ignore[union-attr]
    return tuple(RuleOutcome(rid, str(r["name"]), tuple(r["in"]), tuple(r["later"]),  # type: ignore[arg-type]
                             bool(r["known"])) for rid, r in by_rule.items())
