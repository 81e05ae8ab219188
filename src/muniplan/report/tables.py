"""The document's tables as plain data: a caption, columns and formatted rows.

Tables are built here, formatted once (1000 kr, Norwegian number format, percent) and handed
to the template as strings, so the HTML, the PDF and a test read the same figures. A row has
a ``kind`` — ``""``, ``"total"`` (bold, rule above), ``"heading"`` (a group title) — and an
``indent`` for programområder under their sector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from muniplan.engine.projection import Projection
from muniplan.plan.model import CATEGORY_LABELS, Plan
from muniplan.report.formatting import label, percent, thousands
from muniplan.report.overviews import Overview

ROUNDING_NOTE = {"nb": "Tallene er avrundet; summer kan avvike.",
                 "en": "Figures are rounded; totals may differ."}


WIDE = 8
"""Columns of figures from which a table is set in the small type: eight columns of figures
in 1000 kr (``−2 049 409``, ``27 246 355``) and a label do not fit the A4 text width at the
body's 8.5 pt, and would reach past the right margin."""


@dataclass
class Row:
    cells: list[str]
    kind: str = ""
    indent: int = 0


@dataclass
class Table:
    id: str
    caption: str
    columns: list[str]
    rows: list[Row]
    unit: str = ""
    notes: list[str] = field(default_factory=list)
    numeric_from: int = 1
    small: bool = False
    widths: list[str] = field(default_factory=list)

    @property
    def dense(self) -> bool:
        """Set in the small type: asked for, or :data:`WIDE` columns of figures or more."""
        return self.small or len(self.columns) - self.numeric_from >= WIDE

    def cell_class(self, index: int, text: str) -> str:
        """The class of cell ``index``: ``num`` in a column of figures (right-aligned, kept
        on one line), ``num words`` for a worded cell there ("ikke framskrevet"), which may
        wrap like text; ``""`` in a column of text."""
        if index < self.numeric_from:
            return ""
        return "num" if any(ch.isdigit() for ch in text) else "num words"


def t(nb: str, en: str, lang: str) -> str:
    return nb if lang == "nb" else en


def unit_fixed(plan: Plan, lang: str) -> str:
    if plan.price_basis.kind == "fixed":
        return t(f"1000 kr, faste {plan.price_basis.year}-kroner",
                 f"NOK 1000, fixed {plan.price_basis.year} prices", lang)
    return t("1000 kr, løpende kroner", "NOK 1000, current prices", lang)


def unit_nominal(lang: str) -> str:
    return t("1000 kr, løpende kroner", "NOK 1000, current prices", lang)


def _k(x: float | None, lang: str) -> str:
    return thousands(x, lang)


def series_at(proj: Projection, name: str, years: Sequence[int]) -> np.ndarray:
    s = proj.series.get(name)
    if s is None:
        return np.zeros(len(years))
    return np.asarray(s, dtype=float)[[proj.year_index(y) for y in years]]


def overview_table(ov: Overview, lang: str) -> Table:
    """A mandatory overview as it is printed: line number, official label, one column a
    year."""
    rows = []
    for ln in ov.lines:
        if ln.heading:
            cells = ["", ln.label(lang)] + [
                "" if np.isnan(v) else _k(v, lang) for v in ln.values]
            rows.append(Row(cells, "heading", ln.indent))
            continue
        rows.append(Row([ln.number, ln.label(lang)] + [_k(v, lang) for v in ln.values],
                        "total" if ln.total else "", ln.indent))
    return Table(id=f"oversikt-{ov.id}", caption=ov.title(lang),
                 columns=[t("Linje", "Line", lang), ""] + [str(y) for y in ov.years],
                 rows=rows, unit=unit_nominal(lang), numeric_from=2,
                 notes=[*ov.notes, ROUNDING_NOTE[lang]] if lang == "nb" else
                 [ROUNDING_NOTE[lang]])


def series_table(proj: Projection, tid: str, caption: str, items: Sequence[tuple[str, str]],
                 years: Sequence[int], lang: str, unit: str | None = None) -> Table:
    """Projection series by year. ``items`` are (series name, kind) with kind ``""``,
    ``"total"`` or ``"pct"``."""
    rows = []
    for name, kind in items:
        vals = series_at(proj, name, years)
        if kind == "pct":
            cells = [percent(v, 1, lang) for v in vals]
        else:
            cells = [_k(v, lang) for v in vals]
        rows.append(Row([proj.label(name, lang), *cells], "total" if kind == "total" else ""))
    return Table(id=tid, caption=caption, columns=["", *map(str, years)], rows=rows,
                 unit=unit or unit_nominal(lang), notes=[ROUNDING_NOTE[lang]])


def main_overview(plan: Plan, proj: Projection, years: Sequence[int], lang: str) -> Table:
    """Hovedoversikt drift: income by kind, expenses by sector, the result and its use."""
    rows: list[Row] = []

    def add(name_nb: str, name_en: str, vals: np.ndarray, kind: str = "",
            indent: int = 0) -> None:
        rows.append(Row([t(name_nb, name_en, lang), *(_k(v, lang) for v in vals)], kind,
                        indent))

    s = {k: series_at(proj, k, years) for k in proj.series}
    z = np.zeros(len(years))
    for k in ("income_tax", "income_block_grant", "income_property_tax", "income_fees",
              "income_other"):
        if k in s:
            add(label(k, "nb"), label(k, "en"), s[k], indent=1)
    add("Sum driftsinntekter", "Total operating income", s["operating_income"], "total")
    # each sector's gross expenses as the engine emits them: frames with cost growth,
    # demography, operating consequences and measures (the same figures 1B nets)
    for sector in plan.sectors:
        add(sector.name, sector.name, s.get(f"gross_sector_{sector.id}", z), indent=1)
    rest = s.get("unallocated_expenses", z)
    if np.any(np.abs(rest) >= 500):
        add(label("unallocated_expenses", "nb"), label("unallocated_expenses", "en"), rest,
            indent=1)
    add("Avskrivninger", "Depreciation", s["depreciation"], indent=1)
    add("Sum driftsutgifter", "Total operating expenses", s["operating_expenses"], "total")
    add("Brutto driftsresultat", "Gross operating result", s["gross_operating_result"], "total")
    add("Finansinntekter", "Financial income", s["financial_income"], indent=1)
    add("Renteutgifter", "Interest", -s["interest"], indent=1)
    add("Avdrag på lån", "Instalments", -s["instalments"], indent=1)
    net_fin = s["financial_income"] - s["interest"] - s["instalments"]
    add("Netto finansutgifter", "Net financial expenses", net_fin, "total")
    add("Motpost avskrivninger", "Depreciation offset", s["depreciation"], indent=1)
    add("Netto driftsresultat", "Net operating result", s["net_operating_result"], "total")
    add("Overføring til investering", "Transfer to investment",
        -s["transfer_to_investment"], indent=1)
    # the disposition of the result, as the engine books it (its flows add up to the
    # net operating result: transfer + allocations − use + covered − deficit)
    add("Avsetninger til fond", "Allocations to funds", -s["fund_allocations"], indent=1)
    add("Bruk av fond", "Use of funds", s["fund_use"], indent=1)
    for k, sign, nb, en in (("deficit_covered", -1, "Dekning av tidligere års merforbruk",
                             "Covering earlier years' deficit"),
                            ("deficit", 1, "Merforbruk til inndekning senere år",
                             "Deficit to be covered in later years")):
        if np.any(np.abs(s[k]) >= 500):
            add(nb, en, sign * s[k], indent=1)
    rows.append(Row([t("Netto driftsresultat i % av driftsinntekter",
                       "Net operating result, % of income", lang),
                     *(percent(v, 1, lang) for v in s["net_operating_result_ratio"])]))
    return Table(id="hovedoversikt", caption=t("Hovedoversikt drift", "Main overview, "
                                                 "operations", lang),
                 columns=["", *map(str, years)], rows=rows, unit=unit_nominal(lang),
                 notes=[ROUNDING_NOTE[lang]])


def key_figures(plan: Plan, proj: Projection, years: Sequence[int], lang: str) -> Table:
    """Nøkkeltall: the indicators of sound finances, per year."""
    s = {k: series_at(proj, k, years) for k in proj.series}
    rows = [
        Row([t("Netto driftsresultat i % av driftsinntekter", "Net operating result, % of "
               "income", lang), *(percent(v, 1, lang) for v in s["net_operating_result_ratio"])]),
        Row([t("Netto driftsresultat (1000 kr)", "Net operating result (NOK 1000)", lang),
             *(_k(v, lang) for v in s["net_operating_result"])]),
        Row([t("Lånegjeld 31.12. (1000 kr)", "Debt 31 Dec (NOK 1000)", lang),
             *(_k(v, lang) for v in s["debt"])]),
        Row([t("Gjeldsgrad (lånegjeld i % av driftsinntekter)", "Debt ratio (% of income)",
               lang), *(percent(v, 1, lang) for v in s["debt_ratio"])]),
        Row([t("Egenfinansiering av ikke-rentable investeringer",
               "Self-financing of non-rentable investments", lang),
             *(percent(v, 0, lang) for v in s["self_financing_share"])]),
        Row([t("Disposisjonsfond i alt 31.12. (1000 kr)", "Reserve funds 31 Dec (NOK 1000)",
               lang), *(_k(v, lang) for v in s["reserve_fund"])]),
        Row([t("herav bufferfond", "of which buffer fund", lang),
             *(_k(v, lang) for v in s["buffer_fund"])], indent=1),
        Row([t("herav likviditetsreserve", "of which liquidity reserve", lang),
             *(_k(v, lang) for v in s["liquidity_reserve"])], indent=1),
        Row([t("Investeringer (1000 kr)", "Investments (NOK 1000)", lang),
             *(_k(v, lang) for v in s["investments"])]),
        Row([t("Innsparingsbehov (1000 kr)", "Savings need (NOK 1000)", lang),
             *(_k(proj.savings_need[proj.year_index(y)], lang) for y in years)]),
    ]
    return Table(id="nokkeltall", caption=t("Nøkkeltall", "Key figures", lang),
                 columns=["", *map(str, years)], rows=rows, unit=unit_nominal(lang),
                 notes=[ROUNDING_NOTE[lang]])


def frame_changes(plan: Plan, lang: str) -> Table:
    """Endringer i sektorenes rammer: frames per sector and year, with the change from the
    first plan year."""
    years = list(plan.period.years)
    rows = []
    total = {y: 0 for y in years}
    for s in plan.sectors:
        f = s.operating_frame()
        for y in years:
            total[y] += f.get(y, 0)
        rows.append(Row([s.name, *(_k(f.get(y, 0), lang) for y in years),
                         _k(f.get(years[-1], 0) - f.get(years[0], 0), lang)]))
    rows.append(Row([t("Sum driftsrammer", "Total operating frames", lang),
                     *(_k(total[y], lang) for y in years),
                     _k(total[years[-1]] - total[years[0]], lang)], "total"))
    return Table(id="rammeendringer",
                 caption=t("Sektorenes driftsrammer og endringer", "Sector frames and changes",
                           lang),
                 columns=[t("Sektor", "Sector", lang), *map(str, years),
                          t(f"Endring {years[0]}–{years[-1]}", f"Change {years[0]}–{years[-1]}",
                            lang)],
                 rows=rows, unit=unit_fixed(plan, lang), notes=[ROUNDING_NOTE[lang]])


def investment_overview(plan: Plan, lang: str) -> Table:
    """C.6 Investeringer – samlet prosjektoversikt: every project, its cost per year, total
    and completion year, grouped by category."""
    years = sorted({y for i in plan.investments for y in i.cost})
    rows: list[Row] = []
    grand = {y: 0 for y in years}
    for cat, cat_label in CATEGORY_LABELS.items():
        items = [i for i in plan.investments if i.category == cat]
        if not items:
            continue
        rows.append(Row([cat_label, "", *([""] * len(years)), ""], "heading"))
        for i in items:
            for y in years:
                grand[y] += i.cost.get(y, 0)
            rows.append(Row([i.name, str(i.completion_year),
                             *(_k(i.cost.get(y, 0), lang) for y in years),
                             _k(i.total_cost, lang)], indent=1))
    rows.append(Row([t("Sum investeringer", "Total investments", lang), "",
                     *(_k(grand[y], lang) for y in years), _k(sum(grand.values()), lang)],
                    "total"))
    return Table(id="prosjektoversikt",
                 caption=t("Investeringer – samlet prosjektoversikt",
                           "Investments – all projects", lang),
                 columns=[t("Prosjekt", "Project", lang), t("Ferdig", "Completed", lang),
                          *map(str, years), t("Sum", "Total", lang)],
                 rows=rows, unit=unit_fixed(plan, lang),
                 notes=[ROUNDING_NOTE[lang], *row_notes(plan.investments, lang)],
                 numeric_from=1, small=True)


def program_area_frames(plan: Plan, sector_id: str | None, lang: str) -> Table:
    """C.11 Driftsbudsjettet fordelt på sektor og programområde (one sector, or all)."""
    years = list(plan.period.years)
    rows: list[Row] = []
    grand = {y: 0 for y in years}
    for s in plan.sectors:
        if sector_id and s.id != sector_id:
            continue
        f = s.operating_frame()
        rows.append(Row([s.name, "", *(_k(f.get(y, 0), lang) for y in years)], "heading"))
        for a in s.program_areas:
            for y in years:
                grand[y] += a.operating_frame.get(y, 0)
            rows.append(Row([a.name, a.number or "",
                             *(_k(a.operating_frame.get(y, 0), lang) for y in years)],
                            indent=1))
    if not sector_id:
        rows.append(Row([t("Sum driftsrammer", "Total operating frames", lang), "",
                         *(_k(grand[y], lang) for y in years)], "total"))
    return Table(id=f"rammer-{sector_id or 'alle'}",
                 caption=t("Driftsrammer per programområde", "Operating frames by programme "
                           "area", lang),
                 columns=[t("Programområde", "Programme area", lang), t("Nr.", "No.", lang),
                          *map(str, years)],
                 rows=rows, unit=unit_fixed(plan, lang),
                 notes=[ROUNDING_NOTE[lang], *row_notes(
                     [a for s in plan.sectors if not sector_id or s.id == sector_id
                      for a in s.program_areas], lang)])


def row_notes(items: Sequence[Any], lang: str) -> list[str]:
    """The notes a finance officer wrote beside rows (a kommentar column), under the
    table."""
    word = t("Merknad", "Note", lang)
    return [f"{word} – {i.name}: {i.note}" for i in items if getattr(i, "note", None)]


def simple(tid: str, caption: str, columns: list[str], rows: list[list[Any]],
           unit: str = "", notes: Sequence[str] = (), numeric_from: int = 99,
           small: bool = False) -> Table:
    return Table(id=tid, caption=caption, columns=columns,
                 rows=[Row([str(c) for c in r]) for r in rows], unit=unit, notes=list(notes),
                 numeric_from=numeric_from, small=small)
