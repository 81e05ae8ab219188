"""What a plan that did not read whole can still be checked for.

Why: ``validate`` reports every error it can find in one run, so that a finance officer fixes
them in one sitting. A bad row of ``sectors.csv`` is left out, but the checks of plan.yaml and
the references of the rows that did read still run. Two things keep those later checks from
inventing errors: a reference to an id that may sit on a row that did not read is not judged
(it would be a false "unknown sector"), and a sum over rows is not checked while rows are
missing. When plan.yaml itself has a bad value, the list item that holds it is left out (or
a field no reference uses, or a bad assumption, is given a stand-in) so that the references
of the rest can run; when that is not possible (a bad period or base year, which every
reference needs) they wait for the next run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from muniplan.plan.model import Plan

Unread = dict[str, frozenset[str] | None]
"""Entity kind → the ids that may exist but did not read; None: any id (the file failed)."""

LIST_KINDS: Mapping[tuple[str, ...], str] = {
    ("sources",): "source", ("strategies",): "strategy", ("opening", "funds"): "fund",
    ("income",): "income", ("services",): "service", ("rules",): "rule",
    ("long_term_investments",): "long_term_investment", ("priority_areas",): "priority_area",
    ("scenarios",): "scenario", ("changes",): "change",
}
"""The lists of the plan whose bad items can be left out, and the kind of entity each holds."""

STAND_INS: Mapping[str, Any] = {
    "schema_version": 1, "id": "plan", "title": "plan", "law_regime": "2018",
    "status": "draft", "adopted": None, "price_basis": {"kind": "nominal"},
    "municipality": {"name": "kommune", "number": "0000"}, "simulator": None,
}
"""Fields of plan.yaml that no reference check reads: a bad value is replaced by a valid one
for those checks only (the error itself is reported)."""


def mark(unread: Unread, kind: str, ident: object) -> None:
    """Note that ``ident`` (an id, or None when the row's id is unknown) did not read."""
    if kind in unread and unread[kind] is None:
        return
    if not isinstance(ident, str) or not ident:
        unread[kind] = None
        return
    unread[kind] = (unread.get(kind) or frozenset()) | {ident}


def known(unread: Unread, kind: str) -> frozenset[str]:
    """The ids of ``kind`` that did not read (empty when none or when any may be missing)."""
    return unread.get(kind) or frozenset()


Renumber = dict[tuple[str, ...], list[int]]
"""A list left with gaps → the place in the file of each item kept, so that the reference
checks name the item's own index and line (``services[2]``, not the ``[1]`` it became)."""


def repaired(data: dict[str, Any], exc: ValidationError, unread: Unread,
             renumber: Renumber) -> Plan | None:
    """The plan without the items that failed validation, for the reference checks; None
    when a failed field is one the references need. ``unread`` is told what was left out,
    ``renumber`` where the items kept stand in the file."""
    data = dict(data)
    drops: dict[tuple[str, ...], set[int]] = {}
    for loc in (tuple(e["loc"]) for e in exc.errors()):
        if not loc:
            return None
        at = next((k for k in LIST_KINDS if loc[:len(k)] == k and len(loc) > len(k)
                   and isinstance(loc[len(k)], int)), None)
        if at is not None:
            drops.setdefault(at, set()).add(int(loc[len(at)]))
        elif loc[0] in STAND_INS:
            data[str(loc[0])] = STAND_INS[str(loc[0])]
        elif loc[0] == "assumptions" and len(loc) > 1 and isinstance(data.get("base_year"), int):
            data = _set(data, ("assumptions", str(loc[1])), _series(str(loc[1]),
                                                                   data["base_year"]))
        else:
            return None
    for at, indexes in drops.items():
        items = _get(data, at)
        for i in indexes:
            item = items[i] if i < len(items) else None
            mark(unread, LIST_KINDS[at], item.get("id") if isinstance(item, dict) else None)
        renumber[at] = [i for i in range(len(items)) if i not in indexes]
        data = _set(data, at, [items[i] for i in renumber[at]])
    try:
        return Plan.model_validate(data)
    except ValidationError:
        return None


SERIES_STAND_INS = {"population_index": 1.0, "investment_execution_rate": 1.0,
                    "deflator_wage_weight": 0.5}
"""A valid value for each assumption whose range excludes 0 (the others take 0)."""


def _series(name: str, year: int) -> dict[str, Any]:
    """A bad assumption's stand-in: valid, held over every year (no reference reads its
    value; the series checks read only its years)."""
    return {"values": {year: SERIES_STAND_INS.get(name, 0.0)}, "extend": "hold",
            "assumption": "stand-in for a value refused above"}


def original(path: tuple[Any, ...], renumber: Mapping[tuple[str, ...], list[int]]
             ) -> tuple[Any, ...]:
    """``path`` with the index of a renumbered list turned back into the file's."""
    for at, places in renumber.items():
        n = len(at)
        if path[:n] == at and len(path) > n and isinstance(path[n], int) \
                and path[n] < len(places):
            return (*at, places[path[n]], *path[n + 1:])
    return path


def _get(data: Mapping[str, Any], path: Iterable[str]) -> list[Any]:
    for key in path:
        data = data.get(key) if isinstance(data, Mapping) else None  # type: ignore[assignment]
    return list(data) if isinstance(data, list | tuple) else []


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    head, *rest = path
    if not rest:
        return {**data, head: value}
    inner = data.get(head)
    return {**data, head: _set(dict(inner) if isinstance(inner, Mapping) else {},
                               tuple(rest), value)}
