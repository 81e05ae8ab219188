"""Charts as Vega-Lite specs, each with the table of its data and a text alternative.

One builder gives all three, so the picture, the table beside it and the ``alt`` text can never
disagree. The server draws each spec to SVG with vl-convert (so the pages need no JavaScript);
the same spec, fetched as JSON by ``static/charts.js``, becomes an interactive vega-embed view
when scripts run. Specs carry their data inline and the Norwegian number format in
``config.locale`` so both renderers format alike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from muniplan.engine.projection import Projection
from muniplan.plan.model import CATEGORY_LABELS, Plan
from muniplan.report.formatting import label, millions, number, percent

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = 640
PALETTE = ["#1f5c99", "#c0581b", "#2e7d32", "#a4262c", "#6b4c9a", "#7a5c12", "#00707a",
           "#4d4d4d", "#b0306b", "#3b6e8f", "#5c7a1f", "#8a4f2a"]
LOCALES = {
    "nb": {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"]},
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["NOK ", ""]},
}

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    alt: str
    spec: dict[str, Any]
    table: Table


def _mill(x: float) -> float:
    return round(float(x) / 1e6, 1)


def _base(values: list[dict[str, Any]], lang: str, height: int = 260) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "width": WIDTH,
        "height": height,
        "data": {"values": values},
        "config": {
            "locale": {"number": LOCALES[lang]},
            "font": "DejaVu Sans, Verdana, sans-serif",
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#222",
                     "titleColor": "#222"},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 320},
            "view": {"stroke": None},
            "background": "#ffffff",
        },
    }


def _year_axis(_: Gettext, title: bool = False) -> dict[str, Any]:
    return {"field": "year", "type": "quantitative", "title": _("År") if title else None,
            "scale": {"zero": False, "nice": False},
            "axis": {"format": "d", "tickMinStep": 1, "labelOverlap": True}}


def _horizontal_bars(values: list[dict[str, Any]], lang: str, _: Gettext, part: str,
                     part_title: str, color: str) -> dict[str, Any]:
    """One bar per ``part`` (sector, category) in million kroner, largest first."""
    spec = _base(values, lang, height=34 * len(values))
    spec.update({
        "mark": {"type": "bar", "color": color},
        "encoding": {
            "y": {"field": part, "type": "nominal", "sort": "-x", "title": None,
                  "axis": {"labelLimit": 260}},
            "x": {"field": "value", "type": "quantitative", "title": _("Mill. kr"),
                  "axis": {"format": ",.0f"}},
            "tooltip": [{"field": part, "title": part_title},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.1f"}],
        },
    })
    return spec


def _stacked_bars(values: list[dict[str, Any]], lang: str, _: Gettext, part: str,
                  part_title: str) -> dict[str, Any]:
    """Bars per year in million kroner, stacked by ``part`` (category, program area)."""
    spec = _base(values, lang)
    spec.update({
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("År"),
                  "axis": {"labelAngle": 0}},
            "y": {"field": "value", "type": "quantitative", "stack": True,
                  "title": _("Mill. kr"), "axis": {"format": ",.0f"}},
            "color": {"field": part, "type": "nominal", "title": part_title},
            "tooltip": [{"field": "year", "title": _("År")},
                        {"field": part, "title": part_title},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.1f"}],
        },
    })
    return spec


def category_label(cat: str, _: Gettext) -> str:
    return _(CATEGORY_LABELS.get(cat, cat))


def frames_by_sector(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    year = plan.period.first
    rows = [(s.name, s.operating_frame().get(year, 0)) for s in plan.sectors]
    total = sum(v for _n, v in rows)
    values = [{"sector": n, "value": _mill(v)} for n, v in rows]
    spec = _horizontal_bars(values, lang, _, "sector", _("Sektor"), PALETTE[0])
    biggest = max(rows, key=lambda r: r[1])
    alt = _("Stolpediagram: driftsramme per sektor i {year}, i alt {total} mill. kr. "
            "Størst er {name} med {value} mill. kr.").format(
        year=year, total=millions(total, 1, lang), name=biggest[0],
        value=millions(biggest[1], 1, lang))
    table = Table(_("Driftsramme per sektor {year}, mill. kr").format(year=year),
                  [_("Sektor"), _("Mill. kr"), _("Andel")],
                  [[n, millions(v, 1, lang), percent(v / total if total else 0, 1, lang)]
                   for n, v in rows]
                  + [[_("Sum"), millions(total, 1, lang), percent(1.0, 1, lang)]],
                  [False, True, True])
    return Chart("frames-by-sector", _("Hvor pengene går: driftsramme per sektor {year}").format(
        year=year), alt, spec, table)


def _investment_years(plan: Plan) -> list[int]:
    return sorted({y for i in plan.investments for y in i.cost})


def investments_by_year(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    years = _investment_years(plan)
    cats = sorted({i.category for i in plan.investments}, key=lambda c: category_label(c, _))
    sums = {(c, y): 0 for c in cats for y in years}
    for i in plan.investments:
        for y, v in i.cost.items():
            sums[(i.category, y)] += v
    values = [{"year": str(y), "category": category_label(c, _), "value": _mill(sums[(c, y)])}
              for c in cats for y in years]
    spec = _stacked_bars(values, lang, _, "category", _("Kategori"))
    per_year = {y: sum(sums[(c, y)] for c in cats) for y in years}
    total = sum(per_year.values())
    alt = _("Stablet stolpediagram: investeringer per år og kategori, i alt {total} mill. kr "
            "i {first}–{last}; {peak} er året med mest, {value} mill. kr.").format(
        total=millions(total, 1, lang), first=years[0], last=years[-1],
        peak=max(per_year, key=per_year.__getitem__),
        value=millions(max(per_year.values()), 1, lang))
    table = Table(_("Investeringer per kategori og år, mill. kr"),
                  [_("Kategori"), *[str(y) for y in years], _("Sum")],
                  [[category_label(c, _), *[millions(sums[(c, y)], 1, lang) for y in years],
                    millions(sum(sums[(c, y)] for y in years), 1, lang)] for c in cats]
                  + [[_("Sum"), *[millions(per_year[y], 1, lang) for y in years],
                      millions(total, 1, lang)]],
                  [False, *[True] * (len(years) + 1)])
    return Chart("investments-by-year", _("Investeringer per år"), alt, spec, table)


def investments_by_category(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for i in plan.investments:
        sums[i.category] = sums.get(i.category, 0) + i.total_cost
        counts[i.category] = counts.get(i.category, 0) + 1
    total = sum(sums.values())
    order = sorted(sums, key=lambda c: -sums[c])
    values = [{"category": category_label(c, _), "value": _mill(sums[c])} for c in order]
    spec = _horizontal_bars(values, lang, _, "category", _("Kategori"), PALETTE[1])
    alt = _("Stolpediagram: investeringer per kategori i planperioden, i alt {total} mill. kr; "
            "størst er {name} med {value} mill. kr.").format(
        total=millions(total, 1, lang), name=category_label(order[0], _),
        value=millions(sums[order[0]], 1, lang))
    table = Table(_("Investeringer per kategori, mill. kr"),
                  [_("Kategori"), _("Prosjekter"), _("Mill. kr"), _("Andel")],
                  [[category_label(c, _), str(counts[c]), millions(sums[c], 1, lang),
                    percent(sums[c] / total, 1, lang)] for c in order]
                  + [[_("Sum"), str(len(plan.investments)), millions(total, 1, lang),
                      percent(1.0, 1, lang)]],
                  [False, True, True, True])
    return Chart("investments-by-category", _("Investeringer per kategori"), alt, spec, table)


def investment_timeline(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    values = []
    rows = []
    for i in sorted(plan.investments, key=lambda i: (min(i.cost), i.completion_year, i.name)):
        start = min(y for y, v in i.cost.items() if v) if any(i.cost.values()) else min(i.cost)
        values.append({"project": i.name, "start": start, "end": i.completion_year + 1,
                       "category": category_label(i.category, _),
                       "completion": i.completion_year, "value": _mill(i.total_cost)})
        rows.append([i.name, category_label(i.category, _), str(start),
                     str(i.completion_year), millions(i.total_cost, 1, lang)])
    spec = _base(values, lang, height=22 * len(values))
    spec.update({
        "mark": {"type": "bar", "cornerRadius": 2},
        "encoding": {
            "y": {"field": "project", "type": "nominal", "sort": None, "title": None,
                  "axis": {"labelLimit": 380}},
            "x": {"field": "start", "type": "quantitative", "title": _("År"),
                  "scale": {"zero": False, "nice": False},
                  "axis": {"format": "d", "tickMinStep": 1}},
            "x2": {"field": "end"},
            "color": {"field": "category", "type": "nominal", "title": _("Kategori")},
            "tooltip": [{"field": "project", "title": _("Prosjekt")},
                        {"field": "start", "title": _("Start"), "format": "d"},
                        {"field": "completion", "title": _("Ferdig"), "format": "d"},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.1f"}],
        },
    })
    last = max(i.completion_year for i in plan.investments)
    alt = _("Tidslinje: {n} investeringsprosjekter fra første bevilgning til ferdigstillelse; "
            "det siste blir ferdig i {last}.").format(n=len(values), last=last)
    table = Table(_("Tidslinje for investeringsprosjektene"),
                  [_("Prosjekt"), _("Kategori"), _("Start"), _("Ferdig"), _("Mill. kr")],
                  rows, [False, False, True, True, True])
    return Chart("investment-timeline", _("Tidslinje for prosjektene"), alt, spec, table)


def _rule_limit(plan: Plan, indicator: str) -> float | None:
    for r in plan.rules:
        if r.indicator == indicator and r.projected:
            return r.limit
    return None


def _ratio_line(name: str, plan: Plan, proj: Projection, lang: str, _: Gettext,
                title: str) -> Chart:
    years = list(proj.years)
    series = proj.series[name]
    values = [{"year": y, "value": round(float(v) * 100, 2)} for y, v in zip(years, series,
                                                                           strict=True)]
    limit = _rule_limit(plan, name)
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "line", "point": True, "color": PALETTE[0]},
        "encoding": {
            "x": _year_axis(_),
            "y": {"field": "value", "type": "quantitative", "title": _("Prosent"),
                  "axis": {"format": ",.0f"}},
            "tooltip": [{"field": "year", "title": _("År"), "format": "d"},
                        {"field": "value", "title": _("Prosent"), "format": ",.1f"}],
        },
    }]
    if limit is not None:
        layers.append({
            "data": {"values": [{"limit": limit * 100}]},
            "mark": {"type": "rule", "color": PALETTE[3], "strokeDash": [6, 4],
                     "strokeWidth": 2},
            "encoding": {"y": {"field": "limit", "type": "quantitative"}},
        })
    spec = _base(values, lang)
    spec["layer"] = layers
    lo, hi = int(np.argmin(series)), int(np.argmax(series))
    alt = _("Linjediagram: {label} fra {first} til {last}. Lavest {low} i {low_year}, høyest "
            "{high} i {high_year}; {end} i {last}.").format(
        label=label(name, lang), first=years[0], last=years[-1],
        low=percent(series[lo], 1, lang), low_year=years[lo],
        high=percent(series[hi], 1, lang), high_year=years[hi],
        end=percent(series[-1], 1, lang))
    if limit is not None:
        alt += " " + _("Den stiplede linjen er handlingsregelen, {limit}.").format(
            limit=percent(limit, 1, lang))
    table = Table(label(name, lang), [_("År"), _("Prosent")],
                  [[str(y), percent(v, 1, lang)] for y, v in zip(years, series, strict=True)],
                  [False, True])
    return Chart(name.replace("_", "-"), title, alt, spec, table)


def net_result(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    return _ratio_line("net_operating_result_ratio", plan, proj, lang, _,
                       _("Netto driftsresultat i prosent av driftsinntektene"))


def debt_ratio(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    return _ratio_line("debt_ratio", plan, proj, lang, _,
                       _("Gjeldsgrad: lånegjeld i prosent av driftsinntektene"))


def _service_names(plan: Plan) -> dict[str, str]:
    return {s.id: s.name for s in plan.services}


def _demography(name: str, title: str, plan: Plan, proj: Projection, lang: str, _: Gettext,
                services: list[str]) -> Chart:
    years = list(proj.years)
    names = _service_names(plan)
    present = [s for s in services if f"demographic_cost_{s}" in proj.series]
    values = [{"year": y, "service": names.get(s, s),
               "value": _mill(proj.series[f"demographic_cost_{s}"][i])}
              for s in present for i, y in enumerate(years)]
    spec = _base(values, lang)
    spec.update({
        # lines, not a stacked area: a service's cost can fall below the first year's
        "mark": {"type": "line", "point": {"size": 16}},
        "encoding": {
            "x": _year_axis(_),
            "y": {"field": "value", "type": "quantitative",
                  "title": _("Mill. kr (løpende)"), "axis": {"format": ",.0f"}},
            "color": {"field": "service", "type": "nominal", "title": _("Tjeneste")},
            "tooltip": [{"field": "year", "title": _("År"), "format": "d"},
                        {"field": "service", "title": _("Tjeneste")},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.1f"}],
        },
    })
    total = sum(proj.series[f"demographic_cost_{s}"] for s in present) if present else np.zeros(
        len(years))
    alt = _("Linjediagram: demografikostnader per tjeneste fra {first} til {last}, "
            "til sammen {end} mill. kr i {last}.").format(
        first=years[0], last=years[-1], end=millions(total[-1], 1, lang))
    step_years = [y for y in years if (y - years[0]) % 2 == 0 or y == years[-1]]
    table = Table(_("Demografikostnader per tjeneste, mill. kr (løpende)"),
                  [_("Tjeneste"), *[str(y) for y in step_years]],
                  [[names.get(s, s), *[millions(proj.series[f"demographic_cost_{s}"][
                      years.index(y)], 1, lang) for y in step_years]] for s in present]
                  + [[_("Sum"), *[millions(total[years.index(y)], 1, lang)
                                  for y in step_years]]],
                  [False, *[True] * len(step_years)])
    return Chart(name, title, alt, spec, table)


def demographic_cost(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    return _demography("demographic-cost", _("Demografikostnader fram mot {year}").format(
        year=proj.years[-1]), plan, proj, lang, _, [s.id for s in plan.services])


def savings_need(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart:
    years = list(proj.years)
    values = [{"year": y, "value": _mill(v)} for y, v in zip(years, proj.savings_need,
                                                              strict=True) if v == v]
    spec = _base(values, lang, height=200)
    spec.update({
        "mark": {"type": "bar", "color": PALETTE[3]},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": _("År"),
                  "axis": {"labelAngle": -45}},
            "y": {"field": "value", "type": "quantitative", "title": _("Mill. kr"),
                  "scale": {"domainMin": 0}, "axis": {"format": ",.0f"}},
            "tooltip": [{"field": "year", "title": _("År")},
                        {"field": "value", "title": _("Mill. kr"), "format": ",.1f"}],
        },
    })
    need = proj.savings_need
    blocked = [y for i, y in enumerate(years) if proj.savings_reason_text(i) is not None]
    if blocked:
        alt = _("Stolpediagram: innsparingsbehov per år. Fra {year} kan behovet ikke "
                "beregnes: reglene kan ikke holdes med kutt i driften.").format(year=blocked[0])
    elif not np.any(need > 0):
        alt = _("Stolpediagram: innsparingsbehov per år fra {first} til {last}. "
                "Planen holder alle handlingsreglene, så behovet er null hvert år.").format(
            first=years[0], last=years[-1])
    else:
        first_need = years[int(np.argmax(need > 0))]
        alt = _("Stolpediagram: innsparingsbehov per år. Behovet starter i {year} og er "
                "{end} mill. kr i {last}.").format(
            year=first_need, end=millions(need[-1], 1, lang), last=years[-1])
    table = Table(_("Innsparingsbehov per år, mill. kr"), [_("År"), _("Mill. kr")],
                  [[str(y), millions(v, 1, lang)] for y, v in zip(years, need, strict=True)],
                  [False, True])
    return Chart("savings-need", _("Innsparingsbehov per år"), alt, spec, table)


def sector_frames(plan: Plan, sector_id: str, lang: str, _: Gettext) -> Chart:
    sector = next(s for s in plan.sectors if s.id == sector_id)
    years = list(plan.period.years)
    values = [{"year": str(y), "area": a.name, "value": _mill(a.operating_frame.get(y, 0))}
              for a in sector.program_areas for y in years]
    spec = _stacked_bars(values, lang, _, "area", _("Programområde"))
    total = sector.operating_frame()
    alt = _("Stablet stolpediagram: driftsramme for {sector} per programområde og år, "
            "{first} mill. kr i {y0} og {last} mill. kr i {y1}.").format(
        sector=sector.name, first=millions(total.get(years[0], 0), 1, lang), y0=years[0],
        last=millions(total.get(years[-1], 0), 1, lang), y1=years[-1])
    table = Table(_("Driftsramme per programområde, mill. kr"),
                  [_("Programområde"), *[str(y) for y in years]],
                  [[a.name, *[millions(a.operating_frame.get(y, 0), 1, lang) for y in years]]
                   for a in sector.program_areas]
                  + [[_("Sum"), *[millions(total.get(y, 0), 1, lang) for y in years]]],
                  [False, *[True] * len(years)])
    return Chart(f"sector-{sector_id}", _("Driftsramme per programområde"), alt, spec, table)


def sector_services(plan: Plan, sector_id: str) -> list[str]:
    """The age-driven services that act on a sector's program areas."""
    sector = next(s for s in plan.sectors if s.id == sector_id)
    areas = {a.id for a in sector.program_areas}
    return [s.id for s in plan.services if areas & set(s.program_areas)]


def sector_demography(plan: Plan, proj: Projection, sector_id: str, lang: str,
                      _: Gettext) -> Chart:
    return _demography(f"sector-{sector_id}-demography",
                       _("Demografikostnader for sektorens tjenester"), plan, proj, lang, _,
                       sector_services(plan, sector_id))


def population(plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart | None:
    """Age groups as an index (first year = 100): who the growth is among."""
    if not proj.population:
        return None
    years = list(proj.years)
    groups = [g for g in proj.population if g != "total"]
    values = [{"year": y, "group": _("{g} år").format(g=g),
               "value": round(100 * float(proj.population[g][i]) / float(
                   proj.population[g][0]), 1)}
              for g in groups for i, y in enumerate(years)]
    spec = _base(values, lang)
    spec.update({
        "mark": {"type": "line", "point": {"size": 20}},
        "encoding": {
            "x": _year_axis(_),
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": False},
                  "title": _("Indeks, {year} = 100").format(year=years[0])},
            "color": {"field": "group", "type": "nominal", "title": _("Aldersgruppe"),
                      "sort": None},
            "tooltip": [{"field": "year", "title": _("År"), "format": "d"},
                        {"field": "group", "title": _("Aldersgruppe")},
                        {"field": "value", "title": _("Indeks"), "format": ",.1f"}],
        },
    })
    growth = {g: float(proj.population[g][-1]) / float(proj.population[g][0]) - 1
              for g in groups}
    fastest = max(growth, key=growth.__getitem__)
    alt = _("Linjediagram: befolkningen per aldersgruppe som indeks fra {first} til {last}. "
            "Raskest vokser gruppen {g} år, med {p}.").format(
        first=years[0], last=years[-1], g=fastest, p=percent(growth[fastest], 0, lang))
    step_years = [y for y in years if (y - years[0]) % 5 == 0 or y == years[-1]]
    table = Table(_("Innbyggere per aldersgruppe"),
                  [_("Aldersgruppe"), *[str(y) for y in step_years], _("Endring")],
                  [[_("{g} år").format(g=g), *[number(proj.population[g][years.index(y)], 0,
                                                      lang) for y in step_years],
                    percent(growth[g], 0, lang)] for g in groups]
                  + [[_("I alt"), *[number(proj.population["total"][years.index(y)], 0, lang)
                                    for y in step_years],
                      percent(float(proj.population["total"][-1]) / float(
                          proj.population["total"][0]) - 1, 0, lang)]]
                  if "total" in proj.population else [],
                  [False, *[True] * (len(step_years) + 1)])
    return Chart("population", _("Befolkningen fram mot {year}").format(year=years[-1]), alt,
                 spec, table)


PLAN_CHARTS: dict[str, Callable[[Plan, Projection, str, Gettext], Chart | None]] = {
    "population": population,
    "frames-by-sector": frames_by_sector,
    "investments-by-year": investments_by_year,
    "investments-by-category": investments_by_category,
    "investment-timeline": investment_timeline,
    "net-operating-result-ratio": net_result,
    "debt-ratio": debt_ratio,
    "demographic-cost": demographic_cost,
    "savings-need": savings_need,
}


def build(name: str, plan: Plan, proj: Projection, lang: str, _: Gettext) -> Chart | None:
    """The chart called ``name`` for this plan, or None if there is no such chart."""
    if name in PLAN_CHARTS:
        if name.startswith("investment") and not plan.investments:
            return None
        if name == "demographic-cost" and not plan.services:
            return None
        return PLAN_CHARTS[name](plan, proj, lang, _)
    for s in plan.sectors:
        if name == f"sector-{s.id}":
            return sector_frames(plan, s.id, lang, _)
        if name == f"sector-{s.id}-demography" and sector_services(plan, s.id):
            return sector_demography(plan, proj, s.id, lang, _)
    return None


def to_svg(chart: Chart, lang: str) -> str:
    """Draw on the server (vl-convert's embedded Vega): the page works without scripts."""
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.spec, format_locale=LOCALES[lang])

