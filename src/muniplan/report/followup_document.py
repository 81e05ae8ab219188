"""A follow-up report (tertial report, accounts) as a document: HTML and PDF with the plan
document's typography — the same template, stylesheet and PDF engine as
:mod:`muniplan.report.document`, filled with the report's sections."""

from __future__ import annotations

from typing import Any

from muniplan import __version__
from muniplan.engine.followup import FollowUp
from muniplan.plan.model import Plan
from muniplan.report import charts
from muniplan.report.document import TEMPLATES, Part, Section, _env, pdf_engine
from muniplan.report.followup import (
    BASIS_LABELS,
    investment_cells,
    line_cells,
    period_label,
    sector_chart_encoding,
    sector_chart_values,
    status_label,
)
from muniplan.report.formatting import number, percent
from muniplan.report.plan_texts import mark_bokmaal, plan_texts
from muniplan.report.tables import Row, Table, simple, t
from muniplan.translation import translate


def build_followup_document(plan: Plan, f: FollowUp, lang: str = "nb") -> dict[str, Any]:
    title = t(f"{period_label(f.period).capitalize()} {f.year}",
              f"{period_label(f.period, 'en').capitalize()} {f.year}", lang)
    parts = [Part("rapport", title, [_status(f, lang), _investments(f, lang),
                                     _statuses(f, lang), _assumptions(f, lang)])]
    return {
        "lang": lang, "title": title, "municipality": plan.municipality.name,
        # the page header: the plan on one side, the report (the part's title) on the other
        "running_title": t(f"Handlingsprogram {plan.period.first}–{plan.period.last}",
                           f"Action programme {plan.period.first}–{plan.period.last}", lang),
        "period": f"{plan.period.first}–{plan.period.last}",
        "status": t("Oppfølgingsrapport", "Follow-up report", lang), "adopted": None,
        "regime": t(f"Kommuneloven {plan.law_regime}", f"Local Government Act "
                    f"{plan.law_regime}", lang),
        "price_basis": t(f.price_basis, f"current {f.year} kroner", lang),
        "generated": t(f"Laget med muniplan {__version__}; plan {plan.digest[:12]}",
                       f"Made with muniplan {__version__}; plan {plan.digest[:12]}", lang),
        "parts": parts, "toc_title": t("Innhold", "Contents", lang),
    }


def _status(f: FollowUp, lang: str) -> Section:
    sec = Section("status", "1", t("Status per sektor og programområde",
                                   "Status by sector and programme area", lang))
    sec.p(t("Avvik = prognose − revidert budsjett: positivt er merforbruk, negativt "
            "mindreforbruk. «!» markerer avvik som skal rapporteres.",
            "Deviation = prognosis − revised budget: positive is overspending. «!» marks a "
            "deviation to be reported.", lang))
    rows = [Row([ln.name, *line_cells(ln, lang), "!" if ln.flagged else ""],
                kind="" if ln.level == "program_area" else "sum",
                indent=1 if ln.level == "program_area" else 0) for ln in f.lines]
    sec.table(Table("t-status", t("Budsjett, regnskap hittil, prognose og avvik",
                                  "Budget, actual to date, prognosis and deviation", lang),
                    [t("Sektor / programområde", "Sector / programme area", lang),
                     t("Budsjett", "Budget", lang), t("Hittil", "To date", lang),
                     t("Prognose", "Prognosis", lang), t("Avvik", "Deviation", lang), "%", ""],
                    rows, unit=t("mill. kr", "NOK million", lang), small=True))
    labels = (t("Budsjett", "Budget", lang), t("Prognose", "Prognosis", lang),
              t("Regnskap hittil", "Actual to date", lang))
    n = sum(1 for ln in f.lines if ln.level == "sector")
    spec = {"width": 440, "height": 70 * n,
            "data": {"values": sector_chart_values(f, labels)},
            **sector_chart_encoding(labels, t("Mill. kr", "NOK million", lang))}
    sec.chart(charts.render(spec, lang), t("Budsjett mot prognose per sektor",
                                           "Budget against prognosis by sector", lang))
    return sec


def _investments(f: FollowUp, lang: str) -> Section:
    sec = Section("investeringer", "2", t("Investeringer", "Investments", lang))
    rows = [[i.name + (" !" if i.flagged else ""), *investment_cells(i, lang),
             status_label(i.status) if lang == "nb" else (i.status or "–")]
            for i in (*f.investments, f.investment_total)]
    sec.table(simple("t-inv", t("Årets budsjett, brukt, gjennomføringsgrad, overskridelse",
                                "Budget of the year, spent, execution rate, overrun", lang),
                     [t("Prosjekt", "Project", lang), t("Budsjett", "Budget", lang),
                      t("Brukt", "Spent", lang), t("Gj.grad", "Rate", lang),
                      t("Overskr.", "Overrun", lang), t("Ferdig", "Done", lang), "Status"],
                     rows, unit=t("mill. kr", "NOK million", lang), numeric_from=1,
                     small=True))
    for c in f.checks:
        sec.p(f"{c['name']}: {percent(c['value'], 1, lang)} – "
              + (t("holder", "holds", lang) if c["holds"] else t("brutt", "broken", lang)))
    return sec


def _statuses(f: FollowUp, lang: str) -> Section:
    sec = Section("tiltak", "3", t("Tiltak og mål", "Measures and targets", lang))
    rows = []
    for s in f.statuses:
        if s.kind == "measure":
            value = status_label(s.reported) if s.reported else "–"
        elif s.measured is not None:
            value = f"{number(s.measured, 1, lang)} {s.unit or ''}".strip()
            if s.target_value is not None:
                value += f" / {number(s.target_value, 1, lang)} ({s.target_year})"
        else:
            value = "–"
        rows.append([s.name, s.priority_area, value, s.comment or ""])
    sec.table(simple("t-status-tiltak", t("Rapportert status og målt verdi",
                                          "Reported status and measured value", lang),
                     [t("Tiltak / mål", "Measure / target", lang),
                      t("Satsingsområde", "Priority area", lang),
                      t("Rapportert", "Reported", lang), t("Merknad", "Comment", lang)],
                     rows, small=True))
    return sec


def _assumptions(f: FollowUp, lang: str) -> Section:
    sec = Section("forutsetninger", "4", t("Forutsetninger og kilder",
                                           "Assumptions and sources", lang))
    bases = sorted({ln.prognosis_basis for ln in f.lines if ln.level == "program_area"})
    # the follow-up's own words are bokmål; an English report gives them from the catalogue
    sec.p(t("Prognosegrunnlag: ", "Basis of the forecast: ", lang)
          + ", ".join(translate(BASIS_LABELS.get(b, b), lang) for b in bases))
    sec.items([*(translate(a, lang) for a in f.assumptions),
               *(t("Kilde: ", "Source: ", lang) + s for s in f.sources)])
    return sec


def build_followup_html(plan: Plan, f: FollowUp, lang: str = "nb") -> str:
    doc = build_followup_document(plan, f, lang)
    css = (TEMPLATES / "handlingsprogram.css").read_text(encoding="utf-8")
    html = _env().get_template("handlingsprogram.html.j2").render(doc=doc, css=css)
    return html if lang == "nb" else mark_bokmaal(html, plan_texts(plan))


def build_followup_pdf(plan: Plan, f: FollowUp, lang: str = "nb") -> bytes:
    HTML = pdf_engine()
    pdf: bytes = HTML(string=build_followup_html(plan, f, lang),
                      base_url=str(TEMPLATES)).write_pdf()
    return pdf
