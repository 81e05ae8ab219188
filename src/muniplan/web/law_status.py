"""The two checks the law itself makes — the balance requirement and ROBEK — as a reader
sees them on the overview and the economy page.

Read from the engine's checks (``engine/rules.py`` evaluates them once, under the plan's
law); nothing is evaluated here, only which years break and the engine's own figure for the
first of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from muniplan.engine.rules import BALANCE_RULE, ROBEK_RULE
from muniplan.report.formatting import millions, percent


@dataclass(frozen=True)
class LawStatus:
    """One legal check: its name with the law's paragraph, whether it holds, and why."""

    id: str
    name: str
    ok: bool
    text: str


def _years(years: list[int]) -> str:
    from muniplan.web.pages.economy import year_ranges

    return year_ranges(years)


def law_status(page: Any) -> list[LawStatus]:
    """The balance requirement and ROBEK status of the projection shown, in order."""
    proj, plan, _, lang = page.proj, page.plan, page._, page.lang
    horizon = proj.years[-1]
    out = []
    for rule in (BALANCE_RULE, ROBEK_RULE):
        checks = [c for c in proj.checks if c.rule == rule]
        if not checks:
            continue
        broken = [c for c in checks if c.ok is False]
        if rule == BALANCE_RULE and not broken:
            text = _("Holdes: intet merforbruk i økonomiplanperioden {first}–{last} eller i "
                     "årene etter, til {horizon}.").format(
                first=plan.period.first, last=plan.period.last, horizon=horizon)
        elif rule == BALANCE_RULE:
            c = broken[0]
            text = _("Brytes: merforbruk i {years}; {amount} mill. kr i {year}.").format(
                years=_years([b.year for b in broken]), year=c.year,
                amount=millions(c.value or 0.0, 1, lang))
        elif not broken:
            text = _("Ingen av kriteriene for registrering i ROBEK er oppfylt til "
                     "{horizon}.").format(horizon=horizon)
        else:
            c = broken[0]
            shown = (percent(c.value, 1, lang) + " " + _("akkumulert merforbruk")
                     if c.unit == "ratio" else
                     millions(c.value or 0.0, 1, lang) + " " + _("mill. kr ikke dekket i tide"))
            text = _("Kommunen ville bli registrert i ROBEK fra {year} ({shown}); kriteriene "
                     "er oppfylt i {years}.").format(
                year=c.year, shown=shown, years=_years([b.year for b in broken]))
        out.append(LawStatus(rule, _(checks[0].name), not broken, text))
    return out
