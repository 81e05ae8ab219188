"""Checks across a plan's entities: ids unique, references resolve, years in range.

Why one small check per entity: each is a generator of located errors, so the loader
collects them all (``validate`` lists every unknown sector at once, not the first) and a new
entity adds one function to :data:`CHECKS` rather than a branch in a long one. The model
(``plan.model``) checks each object alone; these need the whole plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from muniplan.plan import csvio
from muniplan.plan.errors import PlanError
from muniplan.plan.frames import frames
from muniplan.plan.model import Plan
from muniplan.plan.partial import original
from muniplan.plan.yamlio import Path_, dotted, line_of

Errors = Iterator[PlanError]


@dataclass(frozen=True)
class Where:
    """How to locate an error: the files' printed names, the YAML line maps, the CSV rows;
    and what did not read (``plan.partial``), so that no check judges what it cannot see."""

    plan_yaml: str
    priorities: str
    lines: Mapping[Path_, int]
    pr_lines: Mapping[Path_, int]
    rows: Mapping[tuple[str, str], tuple[str, int | None]]
    unread: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    renumber: Mapping[tuple[str, ...], list[int]] = field(default_factory=dict)

    def unseen(self, kind: str, ident: str) -> bool:
        """Whether ``ident`` may name a ``kind`` on a row or item that did not read."""
        if kind not in self.unread:
            return False
        ids = self.unread[kind]
        return ids is None or ident in ids

    def complete(self, *kinds: str) -> bool:
        """Whether every row and item of these kinds read (a sum over them can be checked)."""
        return not any(k in self.unread for k in kinds)

    def yaml(self, path: Path_, message: str, **kw: Any) -> PlanError:
        path = original(path, self.renumber)
        return PlanError(message, file=self.plan_yaml, line=line_of(self.lines, path),
                         field=dotted(path), **kw)

    def prio(self, path: Path_, message: str, **kw: Any) -> PlanError:
        path = original(path, self.renumber)
        return PlanError(message, file=self.priorities, line=line_of(self.pr_lines, path),
                         field=dotted(path), **kw)

    def row(self, kind: str, key: str, field: str, message: str, **kw: Any) -> PlanError:
        file, line = self.rows.get((kind, key), ("", None))
        return PlanError(message, file=file, line=line, field=field, **kw)


def check_references(plan: Plan, where: Where) -> list[PlanError]:
    """Every error the checks find, in the order of :data:`CHECKS`."""
    return [e for check in CHECKS for e in check(plan, where)]


def unknown(what: str, found: str, known: Iterable[str]) -> tuple[str, str]:
    """``unknown X (did you mean Y?)`` and the expected ids."""
    known = sorted(known)
    return f"unknown {what}" + csvio.did_you_mean(found, known), f"one of {', '.join(known)}"


# --- ids ----------------------------------------------------------------------------------

def _duplicates(ids: list[str], base: Path_, locate: Callable[..., PlanError]) -> Errors:
    seen: set[str] = set()
    for i, x in enumerate(ids):
        if x in seen:
            yield locate((*base, i, "id"), "duplicate id", expected="a unique id", found=x)
        seen.add(x)


def unique_ids(plan: Plan, w: Where) -> Errors:
    for base, ids in ((("sources",), [s.id for s in plan.sources]),
                      (("rules",), [r.id for r in plan.rules]),
                      (("strategies",), [s.id for s in plan.strategies]),
                      (("services",), [s.id for s in plan.services]),
                      (("opening", "funds"), [f.id for f in plan.opening.funds])):
        yield from _duplicates(ids, base, w.yaml)
    yield from _duplicates([p.id for p in plan.priority_areas], ("priority_areas",), w.prio)
    for i, area in enumerate(plan.priority_areas):
        for key, items in (("measures", area.measures), ("targets", area.targets)):
            yield from _duplicates([m.id for m in items], ("priority_areas", i, key), w.prio)


# --- sources ------------------------------------------------------------------------------

def source_errors(plan: Plan, src: str | None, w: Where | None = None
                  ) -> Iterator[tuple[str, str, str]]:
    """(message, expected, found) for each id of ``src`` that names no source."""
    sources = plan.source_ids()
    for one in (src or "").split(";"):
        one = one.strip()
        if one and one not in sources and not one.startswith(("http://", "https://")) \
                and not (w and w.unseen("source", one)):
            yield ("unknown source" + csvio.did_you_mean(one, sources),
                   f"the id of an entry under 'sources' in plan.yaml "
                   f"({', '.join(sorted(sources))}) or a URL; several ids are separated "
                   "by ';'", one)


def sources_in_yaml(plan: Plan, w: Where) -> Errors:
    for path, src in _sources_in_yaml(plan):
        for msg, expected, found in source_errors(plan, src, w):
            yield w.yaml(path, msg, expected=expected, found=found)


def _sources_in_yaml(plan: Plan) -> Iterable[tuple[Path_, str | None]]:
    for name, series in plan.assumptions:
        if series is not None:
            yield ("assumptions", name, "source"), series.source
    for i, item in enumerate(plan.income):
        yield ("income", i, "source"), item.source
    for key in ("debt", "depreciable_assets", "depreciation", "weighted_remaining_life",
                "weighted_useful_life"):
        if getattr(plan.opening, key) is not None:
            yield ("opening", key, "source"), getattr(plan.opening, key).source
    for i, fund in enumerate(plan.opening.funds):
        yield ("opening", "funds", i, "source"), fund.source
    yield ("finance", "self_financing_share", "source"), plan.finance.self_financing_share.source
    for key, items in (("rules", plan.rules), ("strategies", plan.strategies),
                       ("services", plan.services),
                       ("long_term_investments", plan.long_term_investments)):
        for i, item in enumerate(items):
            yield (key, i, "source"), item.source


# --- one check per entity -----------------------------------------------------------------

def program_areas(plan: Plan, w: Where) -> Errors:
    first, last = plan.period.first, plan.period.last
    for s in plan.sectors:
        for a in s.program_areas:
            for msg, expected, found in source_errors(plan, a.source, w):
                yield w.row("program_area", a.id, "source", msg, expected=expected,
                            found=found)
            missing = [y for y in plan.period.years if y not in a.operating_frame]
            if missing:
                yield w.row("program_area", a.id, str(missing[0]),
                            f"no operating frame for {missing[0]}",
                            expected=f"a frame for every plan year {first}–{last}")
            outside = [y for y in a.operating_frame if not first <= y <= last]
            if outside:
                yield w.row("program_area", a.id, str(outside[0]),
                            f"frame for {outside[0]}, outside the plan period",
                            expected=f"years {first}–{last}")


def investments(plan: Plan, w: Where) -> Errors:
    sectors = {s.id for s in plan.sectors}
    areas = plan.program_area_ids()
    first, horizon = plan.period.first, plan.horizon
    for inv in plan.investments:
        def err(field: str, msg: str, inv_id: str = inv.id, **kw: Any) -> PlanError:
            return w.row("investment", inv_id, field, msg, **kw)
        for msg, expected, found in source_errors(plan, inv.source, w):
            yield err("source", msg, expected=expected, found=found)
        if inv.sector not in sectors and not w.unseen("sector", inv.sector):
            msg, expected = unknown("sector", inv.sector, sectors)
            yield err("sector", msg, expected=expected, found=inv.sector)
        if inv.program_area and inv.program_area not in areas \
                and not w.unseen("program_area", inv.program_area):
            msg, _ = unknown("programområde", inv.program_area, areas)
            yield err("program_area", msg, expected="an id from sectors.csv",
                      found=inv.program_area)
        bad = [y for y in inv.cost if not first <= y <= horizon]
        if bad:
            yield err(str(bad[0]), f"cost in {bad[0]}, outside the projection",
                      expected=f"years {first}–{horizon}")
        if inv.completion_year > horizon:
            yield err("completion_year", "completion after the horizon",
                      expected=f"≤ {horizon}", found=inv.completion_year)


def priorities(plan: Plan, w: Where) -> Errors:
    sectors = {s.id for s in plan.sectors}
    first, horizon = plan.period.first, plan.horizon
    for i, area in enumerate(plan.priority_areas):
        for j, m in enumerate(area.measures):
            path = ("priority_areas", i, "measures", j)
            for msg, expected, found in source_errors(plan, m.source, w):
                yield w.prio((*path, "source"), msg, expected=expected, found=found)
            if m.sector and m.sector not in sectors and not w.unseen("sector", m.sector):
                msg, expected = unknown("sector", m.sector, sectors)
                yield w.prio((*path, "sector"), msg, expected=expected, found=m.sector)
            bad = [y for y in m.cost if not first <= y <= horizon]
            if bad:
                yield w.prio((*path, "cost", bad[0]), f"cost in {bad[0]}, outside the "
                             "projection", expected=f"years {first}–{horizon}")
        for j, t in enumerate(area.targets):
            path = ("priority_areas", i, "targets", j, "source")
            for msg, expected, found in source_errors(plan, t.source, w):
                yield w.prio(path, msg, expected=expected, found=found)


def services(plan: Plan, w: Where) -> Errors:
    areas = plan.program_area_ids()
    strategies = {s.id for s in plan.strategies}
    for i, svc in enumerate(plan.services):
        for a in svc.program_areas:
            if a not in areas and not w.unseen("program_area", a):
                msg, _ = unknown("programområde", a, areas)
                yield w.yaml(("services", i, "program_areas"), msg,
                             expected="an id from sectors.csv", found=a)
        if svc.unit_cost is None and not svc.program_areas:
            yield w.yaml(("services", i), "a service needs a unit_cost or program_areas to "
                         "calibrate it from")
        if svc.strategy and svc.strategy not in strategies \
                and not w.unseen("strategy", svc.strategy):
            msg, _ = unknown("strategy", svc.strategy, strategies)
            yield w.yaml(("services", i, "strategy"), msg, found=svc.strategy)


def long_term_investments(plan: Plan, w: Where) -> Errors:
    yield from _duplicates([lt.id for lt in plan.long_term_investments],
                           ("long_term_investments",), w.yaml)
    for i, lt in enumerate(plan.long_term_investments):
        if lt.first <= plan.period.last or lt.last > plan.horizon:
            yield w.yaml(("long_term_investments", i), "long-term investments lie after the "
                         "plan period and within the horizon",
                         expected=f"years {plan.period.last + 1}–{plan.horizon}",
                         found=f"{lt.first}–{lt.last}")


def funds(plan: Plan, w: Where) -> Errors:
    """The reserve fund is a fund; the fund return names a managed fund and a fund for the
    difference."""
    roles = {f.id: f.role for f in plan.opening.funds}
    if plan.finance.reserve_fund not in roles \
            and not w.unseen("fund", plan.finance.reserve_fund):
        msg, expected = unknown("fund", plan.finance.reserve_fund, roles)
        yield w.yaml(("finance", "reserve_fund"), msg, expected=expected,
                     found=plan.finance.reserve_fund)
    fr = plan.finance.fund_return
    if fr is None:
        return
    for key, want in (("fund", "managed"), ("buffer_fund", None)):
        fid = getattr(fr, key)
        if w.unseen("fund", fid):
            continue
        if fid not in roles or (want and roles[fid] != want):
            ok = sorted(f for f, r in roles.items() if want is None or r == want)
            yield w.yaml(("finance", "fund_return", key),
                         "unknown fund" if fid not in roles else "not a managed fund",
                         expected=f"one of {', '.join(ok)}" if ok else
                         "a fund in opening.funds with role: managed", found=fid)


def series_reach_the_horizon(plan: Plan, w: Where) -> Errors:
    """The finance policy's and the assumptions' series have a value for every projected
    year."""
    series: list[tuple[Path_, Any]] = []
    fr = plan.finance.fund_return
    if fr is not None:
        series.append((("finance", "fund_return", "expected_real_return"),
                       fr.expected_real_return))
    eq = plan.finance.income_equalisation
    if eq is not None:
        series += [(("finance", "income_equalisation", k), getattr(eq, k))
                   for k in ("compensation", "extra_compensation", "threshold")]
    series += [(("assumptions", name), s) for name, s in plan.assumptions if s is not None]
    for path, s in series:
        gap = s.covers(plan.period.first, plan.horizon)
        if gap is not None:
            yield w.yaml(path, f"no value for {gap}", expected=f"values for "
                         f"{plan.period.first}–{plan.horizon}, or 'extend: hold'")


CHECKS: tuple[Callable[[Plan, Where], Errors], ...] = (
    unique_ids, sources_in_yaml, program_areas, investments, priorities, services,
    long_term_investments, funds, series_reach_the_horizon, frames,
)
