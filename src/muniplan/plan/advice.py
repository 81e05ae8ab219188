"""Warnings about a valid plan: what is still a default, what is modelled rather than observed.

Why not errors: a plan straight from ``muniplan init`` is valid and projects, but finance staff
must know which figures are still starting points and which population years nobody counted.
``validate`` prints these; they never stop a command.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from muniplan.plan.defaults import DEFAULT_MARK
from muniplan.plan.model import Plan

MODELLED_PREFIX = "Not observed:"
"""How a population folder's ``note`` (population.yaml) starts when some of its years are
carried forward or extrapolated (written by ``muniplan init``)."""


@dataclass(frozen=True)
class Warning_:
    """One warning: the file, what it concerns, and the message."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def _marked(data: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(data, dict):
        text = data.get("assumption")
        if isinstance(text, str) and text.startswith(DEFAULT_MARK):
            yield path
        for key, value in data.items():
            yield from _marked(value, (*path, str(key)))
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            ident = value.get("id") if isinstance(value, dict) else None
            yield from _marked(value, (*path, str(ident if ident is not None else i)))


def default_warnings(plan: Plan) -> list[Warning_]:
    """One warning per file listing the figures still marked as defaults."""
    dumped = plan.model_dump(mode="python")
    by_file: dict[str, list[str]] = {"plan.yaml": [], "sectors.csv": [], "investments.csv": [],
                                     "priorities.yaml": []}
    for path in _marked(dumped):
        if path[0] == "sectors":
            by_file["sectors.csv"].append(path[-1] if len(path) > 2 else path[1])
        elif path[0] == "investments":
            by_file["investments.csv"].append(path[1])
        elif path[0] == "priority_areas":
            by_file["priorities.yaml"].append(".".join(path[1:]))
        else:
            by_file["plan.yaml"].append(".".join(path))
    return [Warning_(f, f"{len(items)} standardverdi{'er' * (len(items) > 1)} fra muniplan "
                        f"init står igjen ({DEFAULT_MARK}): {_grouped(items)}")
            for f, items in by_file.items() if items]


def _grouped(items: list[str]) -> str:
    """``assumptions: wage_growth, price_growth; income: tax``: a section named once, so
    that thirty defaults read as a short list per section rather than one long run."""
    groups: dict[str, list[str]] = {}
    for item in items:
        head, _, rest = item.partition(".")
        groups.setdefault(head if rest else "", []).append(rest or head)
    return "; ".join(f"{head}: {', '.join(names)}" if head else ", ".join(names)
                     for head, names in groups.items())


def population_warnings(plan: Plan) -> list[Warning_]:
    """A warning when population years or rates are modelled, not observed."""
    if plan.population is None:
        return []
    note = plan.population.sources.get("note", "")
    if note.startswith(MODELLED_PREFIX):
        return [Warning_("population/population.yaml", note)]
    return []


FRAME_PER_INHABITANT = (10_000, 400_000)
"""Operating frames per inhabitant, kroner, outside which a scale mistake is likelier than a
real budget: Norwegian kommuner spend some 60 000–150 000 kr per inhabitant (the Bærum
example 75 000 in 2018; the smallest island kommuner about twice that)."""

RESULT_RATIO = 0.15
GROWTH_RATE = 0.15


def plausibility_warnings(plan: Plan) -> list[Warning_]:
    """Figures that are valid but unlikely, each with its likely cause."""
    out: list[Warning_] = []
    first = plan.period.first
    frames = sum(a.operating_frame.get(first, 0) for s in plan.sectors for a in s.program_areas)
    income = sum(i.amount for i in plan.income)
    scale = f"sjekk amount_scale: beløp i {plan.amount_scale} kr"
    if plan.population is not None and frames:
        years = list(plan.population.pop_years)
        if plan.base_year in years:
            people = float(plan.population.population[years.index(plan.base_year)].sum())
            per = frames / people if people else 0.0
            lo, hi = FRAME_PER_INHABITANT
            if not lo <= per <= hi:
                out.append(Warning_("sectors.csv", f"driftsrammene {first} er {per:,.0f} kr "
                                    f"per innbygger, utenfor {lo:,}–{hi:,} kr ({scale}?)"
                                    .replace(",", " ")))
    if frames and income:
        share = frames / income
        if not 0.5 <= share <= 1.2:
            out.append(Warning_("plan.yaml", f"driftsrammene {first} er {_pct(share)} av "
                                f"inntektene (income); vanlig er 80–100 % ({scale} i "
                                "sectors.csv og plan.yaml?)"))
        elif (income - frames) / income > RESULT_RATIO:
            out.append(Warning_("plan.yaml", f"driftsrammene {first} er bare {_pct(share)} av "
                                "inntektene: netto driftsresultat blir trolig over "
                                f"{_pct(RESULT_RATIO)} (mangler en sektor, eller {scale}?)"))
    for rule in plan.rules:
        if rule.indicator.endswith(("_ratio", "_share", "_rate")) and abs(rule.limit) > 1:
            out.append(Warning_("plan.yaml", f"rules.{rule.id}: grensen {rule.limit:g} er "
                                f"{_pct(rule.limit)}; andeler skrives som brøk (0.04 for 4 %)"))
    for name, series in plan.assumptions:
        # a share such as the investment execution rate (70 %) is not a yearly rate
        if series is not None and series.unit == "ratio" and name.endswith(("_growth", "_rate")) \
                and name != "investment_execution_rate":
            big = [y for y, v in series.values.items() if abs(v) > GROWTH_RATE]
            if big:
                out.append(Warning_("plan.yaml", f"assumptions.{name}: {series.values[big[0]]:g}"
                                    f" i {big[0]} er {_pct(series.values[big[0]])} i året; "
                                    "skrevet i prosent i stedet for brøk?"))
    return out


def _pct(x: float) -> str:
    return f"{x * 100:.0f} %"


def plan_warnings(plan: Plan) -> list[Warning_]:
    """Every warning about ``plan``, in the order ``validate`` prints them."""
    return population_warnings(plan) + plausibility_warnings(plan) + default_warnings(plan)
