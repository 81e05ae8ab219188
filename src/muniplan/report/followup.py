"""A follow-up report laid out: JSON-ready data, labels and table rows, one shape for the
command line, the web pages, the API and the tertial report document.

The figures are the engine's (:mod:`muniplan.engine.followup`); here they are only rounded
(money to whole kroner by :func:`muniplan.plan.money.round_kroner`) and labelled.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from muniplan.engine.followup import FollowUp, RealityRow
from muniplan.plan.actuals import PERIOD_LABELS
from muniplan.plan.money import round_kroner
from muniplan.report.formatting import millions, number, percent

MONEY_FIELDS = {"budget_adopted", "budget_revised", "actual", "prognosis", "deviation",
                "budget", "spent", "planned_total", "prognosis_total", "overrun", "projected",
                "difference", "planned"}

PERIOD_LABELS_EN = {"T1": "1st four-month report", "T2": "2nd four-month report",
                    "year": "annual accounts"}

BASIS_LABELS = {"staff": "stabens prognose", "seasonal": "sesongandel", "actual": "regnskap",
                "none": "–", "mixed": "blandet"}

STATUS_LABELS = {"planned": "planlagt", "started": "startet", "ongoing": "pågår",
                 "completed": "fullført", "postponed": "utsatt", "cancelled": "avlyst"}

REALITY_LABELS = {
    "net_operating_result": "Netto driftsresultat", "operating_income": "Driftsinntekter",
    "debt": "Lånegjeld", "investments": "Investeringer",
    "depreciable_assets": "Avskrivbare anleggsmidler", "population": "Folketall 31.12",
    "depreciation": "Avskrivninger",
}


def period_label(period: str, lang: str = "nb") -> str:
    return (PERIOD_LABELS if lang == "nb" else PERIOD_LABELS_EN)[period]


def report_title(municipality: str, year: int, period: str, lang: str = "nb") -> str:
    if lang == "en":
        return f"{municipality}: {period_label(period, 'en')} {year}"
    return f"{municipality}: {period_label(period)} {year}"


def _rounded(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: (round_kroner(v) if k in MONEY_FIELDS and isinstance(v, float)
                    and math.isfinite(v) else _rounded(v)) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_rounded(v) for v in obj]
    return obj


def followup_to_dict(f: FollowUp) -> dict[str, Any]:
    """The report as JSON-ready data: money in whole kroner, shares as fractions."""
    data = _rounded(f.as_dict())
    data["amount_unit"] = "kr"
    data["period_label"] = period_label(f.period)
    return data


def reality_to_dict(rows: tuple[RealityRow, ...]) -> list[dict[str, Any]]:
    return [_rounded(asdict(r)) for r in rows]


def line_cells(line: Any, lang: str = "nb") -> list[str]:
    """Budget, actual, prognosis, deviation and its share of one line, in mill. kr."""
    return [millions(line.budget_revised, 1, lang), millions(line.actual, 1, lang),
            millions(line.prognosis, 1, lang), millions(line.deviation, 1, lang),
            percent(line.deviation_share, 1, lang)]


def investment_cells(inv: Any, lang: str = "nb") -> list[str]:
    return [millions(inv.budget, 1, lang), millions(inv.spent, 1, lang),
            percent(inv.execution_rate, 0, lang), millions(inv.overrun, 1, lang),
            str(inv.expected_completion or inv.planned_completion or "–")]


def status_label(status: str | None) -> str:
    return STATUS_LABELS.get(status or "", "–")


def reality_cells(row: RealityRow, lang: str = "nb") -> list[str]:
    if row.unit == "persons":
        fmt = [number(row.projected, 0, lang), number(row.actual, 0, lang),
               number(row.difference, 0, lang)]
    else:
        fmt = [millions(row.projected, 1, lang), millions(row.actual, 1, lang),
               millions(row.difference, 1, lang)]
    return [*fmt, percent(row.difference_share, 1, lang)]


def sector_chart_values(f: FollowUp, labels: tuple[str, str, str]) -> list[dict[str, Any]]:
    """Budget, prognosis and actual to date per sector, million kroner, for a bar chart."""
    kinds = ("budget_revised", "prognosis", "actual")
    return [{"sector": s.name, "kind": label, "value": round(getattr(s, k) / 1e6, 1)}
            for s in f.lines if s.level == "sector"
            for k, label in zip(kinds, labels, strict=True) if getattr(s, k) is not None]


def sector_chart_encoding(labels: tuple[str, str, str], x_title: str) -> dict[str, Any]:
    """The grouped horizontal bars of :func:`sector_chart_values` (Vega-Lite)."""
    return {
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "sector", "type": "nominal", "title": None,
                  "axis": {"labelLimit": 220}},
            "yOffset": {"field": "kind", "sort": list(labels)},
            "x": {"field": "value", "type": "quantitative", "title": x_title,
                  "axis": {"format": ",.0f"}},
            "color": {"field": "kind", "type": "nominal", "title": None, "sort": list(labels)},
        },
    }


def indicator_rows(f: FollowUp, lang: str = "nb") -> list[list[str]]:
    """Name, planned, actual and difference of each recorded indicator (mill. kr; the
    population in persons)."""
    rows = []
    for ind in f.indicators:
        name = REALITY_LABELS.get(ind["id"]) or ind.get("name") or ind["id"]
        fmt = (lambda x: number(x, 0, lang)) if ind["unit"] == "persons" else (
            lambda x: millions(x, 1, lang))
        rows.append([name, fmt(ind["planned"]), fmt(ind["actual"]), fmt(ind["difference"])])
    return rows
