"""The action programme as a document: HTML (self-contained) and PDF (WeasyPrint).

The skeleton follows Bærum's Handlingsprogram 2018–2021 (docs/domain.md §6.1): part 1 with
the main overviews, key figures, frame changes, the investment project overview and the
mandatory overviews of the plan's law regime; part 2 with the economy, the priority areas,
the sectors, the investments and the long-term sustainability; an appendix with the source
of every figure. The document is built as data (sections of paragraphs, tables and charts)
and rendered by one Jinja2 template, with the CSS inline and the charts as inline SVG, so
the HTML file stands alone and the PDF is the same page printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, FileSystemLoader, select_autoescape

from muniplan import __version__
from muniplan.engine.kinds import SHARES
from muniplan.engine.projection import Projection
from muniplan.engine.rules import BALANCE_RULE, ROBEK_RULE
from muniplan.plan.errors import MuniplanError
from muniplan.plan.model import CATEGORY_LABELS, RATIO_INDICATORS, Plan
from muniplan.report import charts
from muniplan.report.answers import PublishedAnswer, answers_block
from muniplan.report.formatting import label, millions, percent, plain, thousands
from muniplan.report.overview_inputs import overviews, plan_years
from muniplan.report.plan_texts import mark_bokmaal, plan_texts
from muniplan.report.provenance import appendix_tables
from muniplan.report.tables import (
    ROUNDING_NOTE,
    Table,
    frame_changes,
    investment_overview,
    key_figures,
    main_overview,
    overview_table,
    program_area_frames,
    series_at,
    series_table,
    simple,
    t,
    unit_fixed,
    unit_nominal,
)
from muniplan.translation import translate

TEMPLATES = Path(__file__).with_name("templates")
STATUS = {"planned": ("Planlagt", "Planned"), "started": ("Startet", "Started"),
          "ongoing": ("Pågår", "Ongoing"), "completed": ("Fullført", "Completed"),
          "postponed": ("Utsatt", "Postponed"), "cancelled": ("Avlyst", "Cancelled")}
PLAN_STATUS = {"draft": ("Utkast", "Draft"), "proposal": ("Rådmannens forslag", "Proposal"),
               "alternative": ("Alternativt budsjett", "Alternative budget"),
               "adopted": ("Vedtatt", "Adopted")}


@dataclass
class Section:
    id: str
    number: str
    title: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    level: int = 2

    def p(self, text: str) -> Section:
        self.blocks.append({"type": "p", "text": text})
        return self

    def table(self, table: Table) -> Section:
        self.blocks.append({"type": "table", "table": table})
        return self

    def chart(self, svg: str, caption: str) -> Section:
        self.blocks.append({"type": "chart", "svg": svg, "caption": caption})
        return self

    def items(self, items: list[str]) -> Section:
        self.blocks.append({"type": "list", "items": items})
        return self


@dataclass
class Part:
    id: str
    title: str
    sections: list[Section]


def _years_long(plan: Plan, proj: Projection) -> list[int]:
    """Years shown in the long-term tables: the plan years, then every fifth year and the
    horizon."""
    ys = [y for y in plan.period.years]
    for y in proj.years:
        if y > plan.period.last and (y % 5 == 0 or y == proj.years[-1]):
            ys.append(y)
    return ys


def _ratio_chart(proj: Projection, name: str, title: str, lang: str,
                 rule: float | None = None, rule_label: str | None = None) -> str:
    rows = [{"år": str(y), "v": float(v) * 100}
            for y, v in zip(proj.years, proj.series[name], strict=True) if v == v]
    spec = charts.line_chart(rows, x="år", y="v", series=None, y_title=title,
                             x_title=t("År", "Year", lang), y_format=",.1f", rule=rule,
                             rule_label=rule_label)
    return charts.render(spec, lang)


def _part1(plan: Plan, proj: Projection, lang: str) -> Part:
    years = plan_years(plan, proj)
    secs = [
        Section("c1", "C.1", t("Hovedoversikt drift", "Main overview, operations", lang))
        .p(t("Hovedoversikten viser planens driftsinntekter, driftsutgifter og resultat per "
             "år i løpende kroner, slik framskrivingen beregner dem.",
             "The main overview shows the plan's operating income, expenses and result per "
             "year in current prices, as projected.", lang))
        .table(main_overview(plan, proj, years, lang)),
        Section("c2", "C.2", t("Nøkkeltall", "Key figures", lang))
        .table(key_figures(plan, proj, years, lang)),
        Section("c3", "C.3", t("Endringer i sektorenes rammer", "Changes in sector frames",
                               lang))
        .table(frame_changes(plan, lang)),
        Section("c4", "C.4", t("Investeringer – samlet prosjektoversikt",
                               "Investments – project overview", lang))
        .table(investment_overview(plan, lang)),
    ]
    for n, ov in enumerate(overviews(plan, proj, years), start=5):
        secs.append(Section(f"c{n}", f"C.{n}", ov.title(lang))
                    .table(overview_table(ov, lang)))
    secs.append(Section(f"c{n + 1}", f"C.{n + 1}",
                        t("Driftsbudsjettet fordelt på sektor og programområde",
                          "Operating budget by sector and programme area", lang))
                .table(program_area_frames(plan, None, lang)))
    return Part("del1", t("Del 1 – Hovedoversikter", "Part 1 – Main overviews", lang), secs)


def _economy(plan: Plan, proj: Projection, lang: str) -> Section:
    years = plan_years(plan, proj)
    sec = Section("okonomi", "2", t("Økonomi", "Economy", lang), level=2)
    income = [(k, "") for k in ("income_tax", "income_block_grant", "income_property_tax",
                                "income_fees", "income_other") if k in proj.series]
    sec.p(t("Inntektene følger befolkningen og planens forutsetninger om realvekst; utgiftene "
            "følger rammene, demografien, driftskonsekvensene av investeringene og pris- og "
            "lønnsveksten (kommunal deflator).",
            "Income follows the population and the plan's real growth assumptions; expenses "
            "follow the frames, demography, the operating consequences of investments and the "
            "municipal deflator.", lang))
    sec.table(series_table(proj, "inntekter", t("Driftsinntekter", "Operating income", lang),
                           [*income, ("operating_income", "total")], years, lang))
    sec.table(series_table(proj, "utgifter", t("Driftsutgifter", "Operating expenses", lang),
                           [*((f"gross_sector_{s.id}", "") for s in plan.sectors),
                            ("depreciation", ""), ("operating_expenses", "total")],
                           years, lang))
    sec.table(series_table(proj, "gjeld", t("Lånegjeld og finansiering", "Debt and financing",
                                            lang),
                           [("new_loans", ""), ("instalments", ""), ("interest", ""),
                            ("debt", "total"), ("debt_ratio", "pct")], years, lang))
    sec.chart(_ratio_chart(proj, "debt_ratio", t("Gjeldsgrad, %", "Debt ratio, %", lang), lang),
              t("Gjeldsgrad (lånegjeld i % av driftsinntektene) til "
                f"{proj.years[-1]}", f"Debt ratio (debt in % of income) to {proj.years[-1]}",
                lang))
    sec.table(_rules_table(plan, proj, lang))
    return sec


def _rules_table(plan: Plan, proj: Projection, lang: str) -> Table:
    years = plan_years(plan, proj)
    rows = []
    for r in plan.rules:
        cells = [r.name]
        for y in years:
            c = next((c for c in proj.checks if c.rule == r.id and c.year == y), None)
            if c is None or c.ok is None:
                cells.append(t("ikke framskrevet", "not projected", lang) if not r.projected
                             else "–")
                continue
            v = percent(c.value, 1, lang) if r.indicator in RATIO_INDICATORS else \
                thousands(c.value, lang)
            cells.append(f"{v} {'✓' if c.ok else '✗'}")
        later = [c for c in proj.checks if c.rule == r.id and c.year > plan.period.last
                 and c.ok is False]
        cells.append(str(later[0].year) if later else t("holder", "holds", lang)
                     if r.projected else "–")
        rows.append(cells)
    for rule in (BALANCE_RULE, ROBEK_RULE):
        mine = [c for c in proj.checks if c.rule == rule]
        cells = [translate(mine[0].name, lang)]  # the engine's words, not the plan's
        for y in years:
            c = next(c for c in mine if c.year == y)
            v = percent(c.value, 1, lang) if c.unit == "ratio" else thousands(c.value, lang)
            cells.append(f"{v} {'✓' if c.ok else '✗'}")
        later = [c for c in mine if c.year > plan.period.last and c.ok is False]
        cells.append(str(later[0].year) if later else t("holder", "holds", lang))
        rows.append(cells)
    return simple("handlingsregler", t("Handlingsregler – kontroll per år",
                                       "Fiscal rules – checked per year", lang),
                  [t("Regel", "Rule", lang), *map(str, years),
                   t(f"Første brudd til {plan.horizon}", f"First breach to {plan.horizon}",
                     lang)],
                  rows, unit=t("✓ holder, ✗ brytes; beløp i 1000 kr",
                               "✓ holds, ✗ breached; amounts in NOK 1000", lang),
                  numeric_from=1)


def _priorities(plan: Plan, lang: str) -> list[Section]:
    years = list(plan.period.years)
    sectors = {s.id: s.name for s in plan.sectors}
    out = []
    for n, a in enumerate(plan.priority_areas, start=1):
        sec = Section(f"satsing-{a.id}", f"3.{n}", a.name, level=3)
        if a.description:
            sec.p(a.description)
        if a.measures:
            rows = []
            for m in a.measures:
                st = STATUS.get(m.status, (m.status, m.status))
                rows.append([m.name, sectors.get(m.sector or "", ""),
                             st[0] if lang == "nb" else st[1],
                             *(thousands(m.cost[y], lang) if y in m.cost else "" for y in years)])
            sec.table(simple(f"tiltak-{a.id}", t("Tiltak", "Measures", lang),
                             [t("Tiltak", "Measure", lang), t("Sektor", "Sector", lang),
                              t("Status", "Status", lang), *map(str, years)], rows,
                             unit=unit_fixed(plan, lang), numeric_from=3))
        if a.targets:
            ty = sorted({y for tg in a.targets for y in tg.values})
            rows = [[tg.name, tg.unit,
                     "" if tg.baseline is None else
                     f"{plain(tg.baseline, lang)} ({tg.baseline_year})",
                     *(plain(tg.values[y], lang) if y in tg.values else ""
                       for y in ty)] for tg in a.targets]
            sec.table(simple(f"mal-{a.id}", t("Mål", "Targets", lang),
                             [t("Mål", "Target", lang), t("Enhet", "Unit", lang),
                              t("Utgangspunkt", "Baseline", lang), *map(str, ty)], rows,
                             numeric_from=2))
        out.append(sec)
    return out


def _million_kroner(kroner: float, lang: str) -> str:
    """``350 mill. kr`` in bokmål, ``NOK 350 million`` in English."""
    amount = millions(kroner, 0, lang)
    return t(f"{amount} mill. kr", f"NOK {amount} million", lang)


def _shared_services(plan: Plan, sector: str, services: list[Any], lang: str) -> list[str]:
    """A service that spans several sectors is shown whole under each of them (the
    projection does not split it by sector), so the reader is told, lest the sectors' tables
    be added up and the service counted twice."""
    home = {a.id: s.name for s in plan.sectors for a in s.program_areas}
    own = next(s.name for s in plan.sectors if s.id == sector)
    notes = []
    for v in services:
        others = sorted({home[a] for a in v.program_areas if a in home} - {own})
        if others:
            names = ", ".join(others)
            notes.append(t(f"{v.name} gjelder også {names}; beløpet er hele tjenestens "
                           "demografikostnad og står under hver av sektorene (ikke summer dem).",
                           f"{v.name} also covers {names}; the amount is the whole "
                           "service's demographic cost and is shown under each of the "
                           "sectors (do not add them up).", lang))
    return notes


def _sectors(plan: Plan, proj: Projection, lang: str) -> list[Section]:
    out = []
    long_years = _years_long(plan, proj)
    for n, s in enumerate(plan.sectors, start=1):
        sec = Section(f"sektor-{s.id}", f"4.{n}", t(f"Sektor {s.name.lower()}",
                                                    f"Sector: {s.name}", lang), level=3)
        sec.table(program_area_frames(plan, s.id, lang))
        areas = {a.id for a in s.program_areas}
        svc = [v for v in plan.services if set(v.program_areas) & areas]
        if svc and proj.demand is not None:
            rows = [[v.name, *(thousands(series_at(proj, f"demographic_cost_{v.id}", [y])[0],
                                         lang) for y in long_years)] for v in svc]
            sec.table(simple(f"demografi-{s.id}",
                             t("Demografikostnader (endring fra første planår)",
                               "Demographic cost (change from the first plan year)", lang),
                             [t("Tjeneste", "Service", lang), *map(str, long_years)], rows,
                             unit=unit_nominal(lang), numeric_from=1,
                             notes=[*_shared_services(plan, s.id, svc, lang),
                                    ROUNDING_NOTE[lang]]))
        inv = [i for i in plan.investments if i.sector == s.id]
        if inv:
            sec.p(t("Investeringer i sektoren: ", "Investments in the sector: ", lang)
                  + "; ".join(f"{i.name} ({_million_kroner(i.total_cost, lang)}, "
                              f"{t('ferdig', 'completed', lang)} {i.completion_year})"
                              for i in inv) + ".")
        out.append(sec)
    return out


def _investments(plan: Plan, proj: Projection, lang: str) -> Section:
    years = sorted({y for i in plan.investments for y in i.cost})
    sec = Section("investeringer", "5", t("Investeringer", "Investments", lang))
    total = sum(i.total_cost for i in plan.investments)
    sec.p(t(f"Investeringsprogrammet er på {millions(total, 0, lang)} mill. kr i "
            f"{years[0]}–{years[-1]} ({plan.price_basis.label()}).",
            f"The investment programme is NOK {millions(total, 0, lang)} million in "
            f"{years[0]}–{years[-1]} ({plan.price_basis.label('en')}).", lang))
    rows, chart_rows = [], []
    for cat, cat_label in CATEGORY_LABELS.items():
        items = [i for i in plan.investments if i.category == cat]
        if not items:
            continue
        per = [sum(i.cost.get(y, 0) for i in items) for y in years]
        rows.append([cat_label, *(thousands(v, lang) for v in per), thousands(sum(per), lang)])
        chart_rows += [{"år": str(y), "mill": v / 1e6, "kategori": cat_label}
                       for y, v in zip(years, per, strict=True)]
    rows.append([t("Sum", "Total", lang), *(thousands(sum(i.cost.get(y, 0) for i in
                                                          plan.investments), lang)
                                            for y in years), thousands(total, lang)])
    tb = simple("investeringer-kategori", t("Investeringer etter formål", "Investments by "
                                             "purpose", lang),
                [t("Formål", "Purpose", lang), *map(str, years), t("Sum", "Total", lang)], rows,
                unit=unit_fixed(plan, lang), numeric_from=1, notes=[ROUNDING_NOTE[lang]])
    tb.rows[-1].kind = "total"
    sec.table(tb)
    sec.chart(charts.render(charts.bar_chart(chart_rows, x="år", y="mill", color="kategori",
                                             y_title=t("mill. kr", "NOK million", lang),
                                             x_title=t("År", "Year", lang)), lang),
              t("Investeringer etter formål, mill. kr", "Investments by purpose, NOK million",
                lang))
    py = plan_years(plan, proj)
    sec.table(series_table(proj, "finansiering", t("Finansiering av investeringene",
                                                   "Financing of the investments", lang),
                           [("vat_compensation", ""), ("grants", ""), ("sales", ""),
                            ("transfer_to_investment", ""), ("new_loans", ""),
                            ("investments", "total")], py, lang))
    return sec


def _long_term(plan: Plan, proj: Projection, lang: str) -> Section:
    ys = _years_long(plan, proj)
    sec = Section("bærekraft", "6", t("Langsiktig bærekraft", "Long-term sustainability", lang))
    last = proj.years[-1]
    sec.p(t(f"Framskrivingen viderefører planen til {last} med befolkningsframskrivingen, "
            "demografikostnadene og planens forutsetninger. Den viser om kommunen kan bære "
            "tjenestene og investeringene når befolkningen vokser og eldes.",
            f"The projection continues the plan to {last} with the population projection, "
            "the demographic cost and the plan's assumptions: can the municipality afford its "
            "services and investments as its population grows and ages?", lang))
    sec.table(series_table(proj, "framskriving", t(f"Framskriving til {last}",
                                                   f"Projection to {last}", lang),
                           [("operating_income", ""), ("operating_expenses", ""),
                            ("demographic_cost", ""), ("net_operating_result", "total"),
                            ("net_operating_result_ratio", "pct"), ("debt", ""),
                            ("debt_ratio", "pct"), ("reserve_fund", "")], ys, lang))
    sec.p(savings_text(proj, lang))
    sec.table(series_table(
        proj, "innsparingsbehov", t("Innsparingsbehov og det det hviler på",
                                    "Savings need and what it rests on", lang),
        [("savings_need", "total"), ("savings_need_fixed", ""), ("savings_new_fixed", ""),
         *((k, "") for k in SAVINGS_DRIVERS)], ys, lang,
        unit=t(f"1000 kr; faste kr er {proj.base_year}-kroner",
               f"NOK 1000; fixed kroner are {proj.base_year} kroner", lang)))
    r1 = next((r for r in plan.rules if r.indicator == "net_operating_result_ratio"), None)
    sec.chart(_ratio_chart(proj, "net_operating_result_ratio",
                           t("Netto driftsresultat, %", "Net operating result, %", lang), lang,
                           rule=r1.limit * 100 if r1 else None,
                           rule_label=(t("Handlingsregel", "Fiscal rule", lang)
                                       + f" {percent(r1.limit, 0, lang)}") if r1 else None),
              t(f"Netto driftsresultat i % av driftsinntektene, {proj.years[0]}–{last}",
                f"Net operating result in % of income, {proj.years[0]}–{last}", lang))
    if proj.demand is not None:
        rows = []
        names = {v.id: v.name for v in plan.services}
        for sid in proj.demand.service_ids:
            for y, v in zip(proj.years, proj.series[f"demographic_cost_{sid}"], strict=True):
                rows.append({"år": str(y), "mill": float(v) / 1e6, "tjeneste": names[sid]})
        sec.chart(charts.render(charts.bar_chart(rows, x="år", y="mill", color="tjeneste",
                                                 y_title=t("mill. kr", "NOK million", lang),
                                                 x_title=t("År", "Year", lang)), lang),
                  t("Demografikostnader per tjeneste (endring fra første planår), mill. "
                    "løpende kr", "Demographic cost by service (change from the first plan "
                    "year), NOK million, current prices", lang))
        sec.table(simple("demografikostnader", t("Demografikostnader per tjeneste",
                                                 "Demographic cost by service", lang),
                         [t("Tjeneste", "Service", lang), *map(str, ys)],
                         [[names[sid], *(thousands(series_at(proj, f"demographic_cost_{sid}",
                                                             [y])[0], lang) for y in ys)]
                          for sid in proj.demand.service_ids],
                         unit=unit_nominal(lang), numeric_from=1, notes=[ROUNDING_NOTE[lang]]))
    return sec


SAVINGS_DRIVERS = ("driver_demography", "driver_cost_growth", "driver_capital", "driver_income",
                   "driver_other")


def savings_text(proj: Projection, lang: str) -> str:
    """The savings need in words: from when, how much by the last year (level and new that
    year), or why it cannot be computed."""
    years = list(proj.years)
    blocked = [y for i, y in enumerate(years) if proj.savings_reason_text(i) is not None]
    if blocked:
        i = years.index(blocked[0])
        return t(f"Innsparingsbehov: kan ikke beregnes fra {blocked[0]} – reglene kan ikke "
                 f"holdes med kutt i driften: {proj.savings_reason_text(i, 'nb')}.",
                 f"Savings need: cannot be computed from {blocked[0]} – the rules cannot be "
                 f"held by cuts in operations: {proj.savings_reason_text(i, 'en')}.", lang)
    need = proj.savings_need
    if not np.any(need > 0):
        return t("Innsparingsbehov: handlingsreglene holder i hele perioden uten nye "
                 "innsparinger.", "Savings need: the fiscal rules hold throughout without new "
                 "savings.", lang)
    first = years[int(np.argmax(need > 0))]
    level = millions(proj.series["savings_need_fixed"][-1], 0, lang)
    return t(f"Innsparingsbehov: for å holde handlingsreglene må driftsutgiftene reduseres fra "
             f"{first}. Tabellen viser nivået på innsparingene som må være på plass hvert år "
             f"(i {years[-1]}: {level} mill. {proj.base_year}-kroner), de nye innsparingene "
             f"det året, og hva behovet hviler på: endringen fra {years[0]} i "
             "demografikostnader, underliggende kostnadsvekst, kapitalkostnader og inntekter "
             "(faste kroner).",
             f"Savings need: to keep the fiscal rules, operating expenses must be cut from "
             f"{first}. The table shows the level of savings that must be in place each year "
             f"(in {years[-1]}: NOK {level} million at {proj.base_year} prices), the new "
             f"savings that year, and what the need rests on: the change since {years[0]} in "
             "demographic cost, underlying cost growth, capital costs and income (fixed "
             "kroner).", lang)


def _intro(plan: Plan, proj: Projection, lang: str) -> Section:
    sec = Section("innledning", "1", t("Tenke langt og handle nå", "Think long, act now", lang))
    y0 = plan.period.first
    frames = sum(s.operating_frame().get(y0, 0) for s in plan.sectors)
    total_inv = sum(i.total_cost for i in plan.investments)
    sec.p(t(f"{plan.title}. Samlet driftsramme {y0}: {millions(frames, 0, lang)} mill. kr. "
            f"Investeringer i perioden: {millions(total_inv, 0, lang)} mill. kr.",
            f"{plan.title}. Total operating frame {y0}: NOK {millions(frames, 0, lang)} "
            f"million. Investments in the period: NOK {millions(total_inv, 0, lang)} million.",
            lang))
    if plan.strategies:
        sec.p(t("Planens hovedgrep:", "The plan's main levers:", lang))
        sec.items([f"{s.name}: {s.description}" if s.description else s.name
                   for s in plan.strategies])
    return sec


def build_document(plan: Plan, projection: Projection, lang: str = "nb",
                   answers: Sequence[PublishedAnswer] | None = None) -> dict[str, Any]:
    """The document as data: parts of sections of blocks, plus the title page.

    ``answers``: the published questions and answers of the plan (from the store), shown as
    the appendix's last section; None where there is no store (a plan folder alone)."""
    if lang not in ("nb", "en"):
        raise ValueError(f"unknown language {lang!r}; nb or en")
    part2 = Part("del2", t("Del 2 – Rådmannens forslag", "Part 2 – The chief executive's "
                           "proposal", lang),
                 [_intro(plan, projection, lang), _economy(plan, projection, lang),
                  Section("satsingsomrader", "3", t("Satsingsområder", "Priority areas", lang)),
                  *_priorities(plan, lang),
                  Section("sektorer", "4", t("Sektorene", "The sectors", lang)),
                  *_sectors(plan, projection, lang),
                  _investments(plan, projection, lang), _long_term(plan, projection, lang)])
    appendix = Part("vedlegg", t("Vedlegg – kilder og forutsetninger",
                                 "Appendix – sources and assumptions", lang),
                    [Section(tb.id, f"V.{n}", tb.caption).table(tb)
                     for n, tb in enumerate(appendix_tables(plan, lang),
                                            start=1)])
    if answers is not None:
        qa = Section("sporsmal-og-svar", f"V.{len(appendix.sections) + 1}",
                     t("Spørsmål og svar", "Questions and answers", lang))
        qa.blocks.append(answers_block(plan, answers, lang))
        appendix.sections.append(qa)
    status = PLAN_STATUS.get(plan.status, (plan.status, plan.status))
    return {
        "lang": lang,
        "title": plan.title,
        "municipality": plan.municipality.name,
        "period": f"{plan.period.first}–{plan.period.last}",
        "status": status[0] if lang == "nb" else status[1],
        "adopted": plan.adopted,
        "regime": t(f"Kommuneloven {plan.law_regime}", f"Local Government Act {plan.law_regime}",
                    lang),
        "price_basis": plan.price_basis.label(lang),
        "generated": t(f"Laget med muniplan {__version__}; plan {plan.digest[:12]}",
                       f"Made with muniplan {__version__}; plan {plan.digest[:12]}", lang),
        "parts": [_part1(plan, projection, lang), part2, appendix],
        "toc_title": t("Innhold", "Contents", lang),
        "page": t("Side", "Page", lang),
        "unit_label": t("Beløp i", "Amounts in", lang),
        "rounding": ROUNDING_NOTE[lang],
        "units": {"fixed": unit_fixed(plan, lang), "nominal": unit_nominal(lang)},
        "label": label,
    }


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES),
                       autoescape=select_autoescape(["html", "j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def build_html(plan: Plan, projection: Projection, lang: str = "nb",
               answers: Sequence[PublishedAnswer] | None = None) -> str:
    """The document as one self-contained HTML page (CSS inline, charts as inline SVG)."""
    doc = build_document(plan, projection, lang, answers)
    css = (TEMPLATES / "handlingsprogram.css").read_text(encoding="utf-8")
    html = _env().get_template("handlingsprogram.html.j2").render(doc=doc, css=css)
    if lang == "nb":
        return html
    # the plan's words and the reasons behind the split by kind are quoted as written
    return mark_bokmaal(html, [*plan_texts(plan), *(sh.reason for sh in SHARES)])


class PdfUnavailable(MuniplanError):
    """WeasyPrint cannot load the system libraries it draws text with (pango)."""


def pdf_engine() -> Any:
    """WeasyPrint's ``HTML`` class, or :class:`PdfUnavailable` saying what to install.

    WeasyPrint is a Python package but draws text with the system's pango; a machine with
    only Python and pip lacks it, and the import then fails with an ``OSError``.
    """
    try:
        from weasyprint import HTML  # heavy import, only when a PDF is wanted
    except (OSError, ImportError) as exc:
        raise PdfUnavailable(
            "a PDF needs the pango text library (Debian: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0 fonts-dejavu-core); WeasyPrint could not load it: {exc}"
        ) from None
    return HTML


def build_pdf(plan: Plan, projection: Projection, lang: str = "nb",
              answers: Sequence[PublishedAnswer] | None = None) -> bytes:
    """The document as an A4 PDF with page numbers and a table of contents (WeasyPrint)."""
    pdf: bytes = laid_out_pdf(plan, projection, lang, answers).write_pdf()
    return pdf


def laid_out_pdf(plan: Plan, projection: Projection, lang: str = "nb",
                 answers: Sequence[PublishedAnswer] | None = None) -> Any:
    """The document laid out in pages (a WeasyPrint ``Document``), before it is written:
    its ``pages`` say how long it is without a PDF reader (the benchmark prints them)."""
    HTML = pdf_engine()
    html = build_html(plan, projection, lang, answers)
    return HTML(string=html, base_url=str(TEMPLATES)).render()
