"""The appendix: the source of every figure.

Every figure of a plan carries a ``source`` or an ``assumption`` with its reason (DESIGN.md,
"The plan"). This module lists them for a reader who wants to check a number: the plan's
sources, then each figure with its value, source and assumption, then the shares the report
layer itself adds (the split of operating expenses by kind).
"""

from __future__ import annotations

from typing import Any

from muniplan.engine.kinds import SHARES
from muniplan.plan.assumption_labels import ASSUMPTION_LABELS
from muniplan.plan.model import RATIO_INDICATORS, Plan
from muniplan.report.formatting import number, percent, plain, thousands
from muniplan.report.tables import Row, Table, t

OPERATORS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


def _assumption_label(name: str, unit: str, lang: str) -> str:
    nb, en = ASSUMPTION_LABELS.get(name, (name.replace("_", " "),) * 2)
    return t(nb, en, lang) + (t(" (1000 kr)", " (NOK 1000)", lang) if unit == "kroner" else "")


def _series_value(values: dict[int, float], unit: str, lang: str) -> str:
    def one(v: float) -> str:
        if unit == "ratio":
            return percent(v, 1, lang)
        if unit == "kroner":
            return thousands(v, lang)
        return number(v, 3, lang)

    items = sorted(values.items())
    if len(items) > 6:
        items = [*items[:3], *items[-2:]]
    return "; ".join(f"{y}: {one(v)}" for y, v in items)


def _breakable(url: str) -> str:
    """A URL that may wrap after its slashes (a zero-width space after each), so a long
    address does not push the table off the page."""
    return url.replace("/", "/\u200b")


def figure_rows(plan: Plan, lang: str) -> list[Row]:
    """(group heading | figure, value, source, assumption) for every figure of the plan."""
    rows: list[Row] = []

    def group(nb: str, en: str) -> None:
        rows.append(Row([t(nb, en, lang), "", "", ""], "heading"))

    def add(name: str, value: str, obj: Any) -> None:
        rows.append(Row([name, value, getattr(obj, "source", None) or "",
                         getattr(obj, "assumption", None) or ""], indent=1))

    group("Forutsetninger", "Assumptions")
    for name, series in plan.assumptions:
        if series is not None:
            add(_assumption_label(name, series.unit, lang),
                _series_value(series.values, series.unit, lang), series)
    group("Inntekter i basisåret (1000 kr)", "Income in the base year (NOK 1000)")
    for item in plan.income:
        add(item.name, thousands(item.amount, lang), item)
    group("Inngående balanse", "Opening balances")
    o = plan.opening
    add(t("Lånegjeld (1000 kr)", "Debt (NOK 1000)", lang), thousands(o.debt.value, lang), o.debt)
    add(t("Avskrivbare anleggsmidler (1000 kr)", "Depreciable assets (NOK 1000)", lang),
        thousands(o.depreciable_assets.value, lang), o.depreciable_assets)
    add(t("Avskrivninger (1000 kr)", "Depreciation (NOK 1000)", lang),
        thousands(o.depreciation.value, lang), o.depreciation)
    add(t("Veid gjenværende levetid (år)", "Weighted remaining life (years)", lang),
        number(o.weighted_remaining_life.value, 0, lang), o.weighted_remaining_life)
    if o.weighted_useful_life is not None:
        add(t("Veid levetid (år, § 50 nr. 7 a)", "Weighted useful life (years)", lang),
            number(o.weighted_useful_life.value, 1, lang), o.weighted_useful_life)
    for f in o.funds:
        add(f"{f.name} (1000 kr)", thousands(f.amount, lang), f)
    add(t("Egenfinansiering", "Self-financing share", lang),
        percent(plan.finance.self_financing_share.value, 0, lang),
        plan.finance.self_financing_share)
    group("Driftsrammer per programområde (1000 kr, første planår)",
          "Operating frames by programme area (NOK 1000, first plan year)")
    for s in plan.sectors:
        for a in s.program_areas:
            add(f"{s.name}: {a.name}", thousands(a.operating_frame.get(plan.period.first), lang),
                a)
    group("Investeringer (1000 kr, sum)", "Investments (NOK 1000, total)")
    for i in plan.investments:
        add(i.name, thousands(i.total_cost, lang), i)
    measures = [(a, m) for a in plan.priority_areas for m in a.measures]
    if measures:
        group("Tiltak", "Measures")
        for _, m in measures:
            add(m.name, thousands(sum(m.cost.values()), lang) if m.cost else "", m)
    targets = [tg for a in plan.priority_areas for tg in a.targets]
    if targets:
        group("Mål", "Targets")
        for tg in targets:
            add(f"{tg.name} ({tg.unit})" if tg.unit else tg.name,
                "; ".join(f"{y}: {plain(v, lang)}" for y, v in sorted(tg.values.items())), tg)
    if plan.rules:
        group("Handlingsregler", "Fiscal rules")
        for r in plan.rules:
            lim = percent(r.limit, 1, lang) if r.indicator in RATIO_INDICATORS else \
                thousands(r.limit, lang)
            add(r.name, f"{OPERATORS[r.operator]} {lim}", r)
    if plan.services:
        group("Tjenester (demografikostnader)", "Services (demographic cost)")
        for v in plan.services:
            cov = "; ".join(f"{g.ages[0]}–{g.ages[1]}: {percent(g.coverage, 1, lang)}"
                            for g in v.groups)
            add(v.name, cov, v)
    return rows


def appendix_tables(plan: Plan, lang: str) -> list[Table]:
    sources = Table(
        id="kilder", caption=t("Kilder", "Sources", lang),
        columns=["Id", t("Tittel", "Title", lang), t("Utgiver", "Publisher", lang), "URL"],
        rows=[Row([s.id, s.title, s.publisher or "", _breakable(s.url or "")])
              for s in plan.sources],
        numeric_from=99, small=True, widths=["18%", "34%", "16%", "32%"])
    figures = Table(
        id="opphav", caption=t("Tallenes opphav", "Where each figure comes from", lang),
        columns=[t("Tall", "Figure", lang), t("Verdi", "Value", lang),
                 t("Kilde", "Source", lang), t("Forutsetning og begrunnelse",
                                               "Assumption and reason", lang)],
        rows=figure_rows(plan, lang), numeric_from=99, small=True,
        widths=["22%", "13%", "19%", "46%"],
        notes=[t("Kilde er id-en til en kilde i tabellen over eller en URL. Et tall uten "
                 "kilde er en forutsetning, med begrunnelse.",
                 "A source is the id of an entry in the table above, or a URL. A figure with "
                 "no source is an assumption, with its reason.", lang)])
    kind_rows = [Row([t(sh.nb, sh.en, lang), percent(sh.share, 0, lang), sh.source,
                      sh.reason]) for sh in SHARES]
    kinds_table = Table(
        id="art", caption=t("Fordeling på art i de obligatoriske oversiktene",
                            "Split by kind in the mandatory overviews", lang),
        columns=[t("Andel", "Share", lang), t("Verdi", "Value", lang), t("Kilde", "Source", lang),
                 t("Begrunnelse", "Reason", lang)],
        rows=kind_rows, numeric_from=99, small=True,
        widths=["20%", "8%", "22%", "50%"],
        notes=[t("Framskrivingen følger rammer og inntektsarter, ikke art i regnskapet; "
                 "fordelingen på art gjøres med disse andelene.",
                 "The projection follows frames and income kinds, not accounting kinds; the "
                 "split by kind uses these shares.", lang)])
    return [sources, figures, kinds_table]
