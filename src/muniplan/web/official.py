"""The plan's own names — sectors, program areas, projects, measures, rules, sources — are
bokmål on every page; on an English page each is marked ``lang="nb"`` so a screen reader
reads it as Norwegian and the page is English everywhere else (WCAG 3.1.2)."""

from __future__ import annotations

from typing import Any

import markupsafe


def official(name: object) -> markupsafe.Markup:
    """``name`` as the plan wrote it, in an element marked bokmål (escaped)."""
    return markupsafe.Markup('<span lang="nb">%s</span>') % (name,)


def names(plan: Any) -> frozenset[str]:
    """Every name the plan gives: sectors, program areas, services, projects, priority
    areas, measures, targets, strategies, rules, scenarios, income and funds."""
    found: set[str] = set()
    for s in plan.sectors:
        found.add(s.name)
        found.update(a.name for a in s.program_areas)
    for area in plan.priority_areas:
        found.add(area.name)
        found.update(m.name for m in area.measures)
        found.update(t.name for t in area.targets)
    for group in (plan.services, plan.investments, plan.long_term_investments,
                  plan.strategies, plan.rules, plan.scenarios, plan.income,
                  plan.opening.funds):
        found.update(x.name for x in group if getattr(x, "name", None))
    return frozenset(found)


_KNOWN: dict[int, tuple[Any, frozenset[str]]] = {}
"""The names of the plans last asked about, by object (each kept alive with its names, so
an id is never reused for another plan while it is here)."""


def _names_of(plan: Any) -> frozenset[str]:
    hit = _KNOWN.get(id(plan))
    if hit is not None and hit[0] is plan:
        return hit[1]
    if len(_KNOWN) >= 32:
        _KNOWN.clear()
    _KNOWN[id(plan)] = (plan, names(plan))
    return _KNOWN[id(plan)][1]


def mark_official(cell: object, plan: Any) -> object:
    """A table cell: marked bokmål when it is one of the plan's names (alone, or after an
    id such as "R1: "), else as it is."""
    text = str(cell)
    known = _names_of(plan)
    if text in known or text.partition(": ")[2] in known:
        return official(text)
    return cell
