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
                        f"init står igjen ({DEFAULT_MARK}): {', '.join(items)}")
            for f, items in by_file.items() if items]


def population_warnings(plan: Plan) -> list[Warning_]:
    """A warning when population years or rates are modelled, not observed."""
    if plan.population is None:
        return []
    note = plan.population.sources.get("note", "")
    if note.startswith(MODELLED_PREFIX):
        return [Warning_("population/population.yaml", note)]
    return []


def plan_warnings(plan: Plan) -> list[Warning_]:
    """Every warning about ``plan``, in the order ``validate`` prints them."""
    return population_warnings(plan) + default_warnings(plan)
