"""Økonomi og bærekraft: the projection to the horizon, every rule checked in every year,
and the savings need — the numbers behind the overview's long-term warning."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.report.document import SAVINGS_DRIVERS, savings_text
from muniplan.report.formatting import figure, millions
from muniplan.web.law_status import law_status
from muniplan.web.pages.common import Lang, Page, ToYear, Version, charts, open_page

router = APIRouter(include_in_schema=False)

TABLE_SERIES = ("operating_income", "operating_expenses", "demographic_cost",
                "net_operating_result", "net_operating_result_ratio", "investments",
                "debt", "debt_ratio", "reserve_fund")


def year_ranges(years: list[int]) -> str:
    """``[2024, 2025, 2026, 2029]`` → ``2024–2026, 2029``: a long list of years, readable."""
    parts: list[str] = []
    run: list[int] = []
    for y in sorted(years):
        if run and y != run[-1] + 1:
            parts.append(_run(run))
            run = []
        run.append(y)
    if run:
        parts.append(_run(run))
    return ", ".join(parts)


def _run(run: list[int]) -> str:
    if len(run) == 1:
        return str(run[0])
    if len(run) == 2:
        return f"{run[0]}, {run[1]}"
    return f"{run[0]}–{run[-1]}"


def rule_matrix(page: Page) -> tuple[list[dict[str, Any]], list[int]]:
    """One row per rule: its checks by year, and the years it breaks."""
    proj, lang = page.proj, page.lang
    rules: dict[str, dict[str, Any]] = {}
    for c in proj.checks:
        row = rules.setdefault(c.rule, {"id": c.rule, "name": c.name, "unit": c.unit,
                                        "operator": c.operator, "limit": c.limit,
                                        "checks": {}, "broken": []})
        shown = "–" if c.value is None else (
            figure("debt_ratio", c.value, lang) if c.unit == "ratio"
            else figure("debt", c.value, lang))
        row["checks"][c.year] = (c.ok, shown)
        if c.ok is False:
            row["broken"].append(c.year)
    years = sorted({c.year for c in proj.checks})
    return list(rules.values()), years


SAVINGS_COLUMNS = ("savings_need_fixed", "savings_need", "savings_new_fixed", *SAVINGS_DRIVERS)


def savings_columns(page: Page) -> list[str]:
    """Short headings for a table that must fit a phone; the full labels are the
    registry's."""
    _ = page._
    return [_("Nivå, faste kr"), _("Nivå, løpende kr"), _("Nye i året, faste kr"),
            _("Demografi"), _("Kostnadsvekst"), _("Kapitalkostnader"), _("Inntektsvekst"),
            _("Øvrig")]


def savings_rows(page: Page) -> list[tuple[int, list[str]]]:
    """The savings need by year as the engine gives it: level (fixed and nominal), new that
    year, and the drivers; "kan ikke beregnes" where it cannot be computed."""
    proj, lang, _ = page.proj, page.lang, page._
    out = []
    for i, y in enumerate(proj.years):
        blocked = proj.savings_reason_text(i) is not None
        cells = [_("kan ikke beregnes") if blocked and not k.startswith("driver_")
                 else millions(float(proj.series[k][i]), 1, lang) for k in SAVINGS_COLUMNS]
        out.append((y, cells))
    return out


@router.get("/plan/{plan_id}/okonomi", response_class=HTMLResponse)
def economy(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
            to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan, proj = page.plan, page.proj
    series = [n for n in TABLE_SERIES if n in proj.series]
    rows = [(y, [(n, float(proj.series[n][i])) for n in series],
             float(proj.savings_need[i])) for i, y in enumerate(proj.years)]
    rules, rule_years = rule_matrix(page)
    horizon_choices = list(range(plan.period.last, plan.horizon + 1))
    return page.render(
        "economy.html", page._("Økonomi og bærekraft"), "economy",
        series=series, rows=rows, rules=rules, rule_years=rule_years,
        law_status=law_status(page),
        horizon_choices=horizon_choices, figure=figure, year_ranges=year_ranges,
        savings_columns=savings_columns(page),
        savings_rows=savings_rows(page), savings_text=savings_text(proj, page.lang),
        charts=charts(page, "net-operating-result-ratio", "debt-ratio", "demographic-cost",
                      "savings-need"))
