"""A new plan folder for any kommune: every file written from the kommune's population and
the marked defaults of :mod:`muniplan.plan.defaults`.

Why a builder of texts: the folder is what finance staff then edit, so it is written once,
readable, in the same format ``validate`` reads; the CLI puts it on disk whole or not at all
(:func:`muniplan.report.output.write_files`). The population history comes in already
carried forward to the base year (the CLI calls :mod:`muniplan.demography.carry`, which
the plan layer may not import).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import yaml

from muniplan.plan import defaults as d
from muniplan.plan.advice import MODELLED_PREFIX
from muniplan.plan.format import INVESTMENTS, SECTORS
from muniplan.plan.national import ATTRIBUTION, Kommune
from muniplan.plan.population import MAX_AGE, N_AGES, SEXES
from muniplan.plan.write import table_csv

BAERUM_YEAR = 2018
PERIOD_YEARS = 4      # kommuneloven § 14-4: at least four years
HORIZON_YEARS = 20    # the LDIP's twenty years


@dataclass(frozen=True, eq=False)
class InitData:
    """What a new plan is built from. Arrays as :class:`PopulationData` holds them; years
    after ``observed_population`` (population) and ``observed_rates`` (rates) are modelled,
    not observed."""

    kommune: Kommune
    first_year: int
    pop_years: np.ndarray
    population: np.ndarray
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray
    observed_population: int
    observed_rates: int
    population_files: tuple[str, ...] = ()
    baerum: Mapping[str, float] = field(default_factory=dict)
    """Bærum example's 2018 frame per user, by skeleton programområde (kroner)."""


def slug(text: str) -> str:
    t = text.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", "á": "a",
                                              "š": "s", "č": "c", "ŋ": "n", "đ": "d"}))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def users(population: np.ndarray, groups: list[dict]) -> float:
    """Users of a service: ``population[sex, age]`` × coverage, summed over its age groups."""
    return float(sum(g["coverage"] * population[:, g["ages"][0]:g["ages"][1] + 1].sum()
                     for g in groups))


def baerum_per_user(frames: Mapping[str, int], population_2018: np.ndarray) -> dict[str, float]:
    """The Bærum example's 2018 frame per user of its service, for each skeleton area."""
    services = {s["id"]: s for s in d.SERVICES}
    return {a.id: sum(frames[b] for b in a.baerum)
            / users(population_2018, services[a.service]["groups"]) for a in d.AREAS}


def build_files(data: InitData) -> dict[str, str]:
    """The plan folder's files (relative path → text)."""
    first = data.first_year
    last = first + PERIOD_YEARS - 1
    base = data.population[list(data.pop_years).index(first)]
    uprate = (1 + d.UPRATING) ** (first - BAERUM_YEAR)
    services = {s["id"]: s for s in d.SERVICES}
    frames = {a.id: round(data.baerum[a.id] * users(base, services[a.service]["groups"])
                          * uprate / 1000) for a in d.AREAS}
    income = sum(frames.values()) * 1000 / d.FRAME_SHARE
    files = {
        "plan.yaml": _plan_yaml(data, last, income),
        "sectors.csv": _sectors_csv(data, last, frames),
        "investments.csv": _investments_csv(data, last, income),
        "priorities.yaml": "# Satsingsområder med tiltak og mål; se docs/plan-format.md.\n"
                           "priority_areas: []\n",
        "population/population.csv": _population_csv(data),
        "population/mortality.csv": _mortality_csv(data),
        "population/fertility.csv": _fertility_csv(data),
        "population/population.yaml": _population_yaml(data),
        "SOURCES.md": _sources_md(data, last),
    }
    return files


# --- plan.yaml ---------------------------------------------------------------------------


def _k(kroner: float) -> int:
    """Kroner to whole 1000 kr, the folder's amount scale."""
    return round(kroner / 1000)


def _series(value: float, text: str, source: str | None = None) -> dict:
    out: dict = {"values": {0: value}, "extend": "hold"}
    if source:
        out["source"] = source
    out["assumption"] = d.mark(text)
    return out


def _plan_yaml(data: InitData, last: int, income: float) -> str:
    first = data.first_year
    k = data.kommune
    assumptions = {
        "wage_growth": _series(0.035, "Årslønnsvekst 3.5 % a year; replace with the national "
                               f"budget's (nasjonalbudsjettet {first}) estimate"),
        "price_growth": _series(0.02, "Prisvekst at Norges Bank's 2 % inflation target; "
                                "replace with the national budget's estimate"),
        "deflator_wage_weight": _series(0.59, "Wage share of the kommunal deflator, about 59 %",
                                        "ks-deflator"),
        "interest_rate": _series(0.04, "Average interest on the kommune's debt, 4 %; replace "
                                 "with the rate on its own loans"),
        "tax_growth": _series(0.0, "No real growth in tax per inhabitant"),
        "block_grant_growth": _series(0.0, "No real growth in rammetilskudd per inhabitant"),
        "fee_growth": _series(0.0, "Fees follow prices and users: no real growth per "
                              "inhabitant"),
        "other_income_growth": _series(0.0, "No real growth per inhabitant"),
        "cost_growth": _series(0.0, "No underlying real cost growth beyond demography"),
    }
    for series in assumptions.values():
        series["values"] = {first: series["values"][0]}
    from_baerum = ("scaled from the Bærum example's 2018 income per krone of frame "
                   f"(frames {d.FRAME_SHARE:.0%} of income) and uprated "
                   f"{d.UPRATING:.0%} a year to {first}-kroner")
    income_items = [
        {"id": key, "name": d.INCOME_NAMES[key], "amount": _k(income * share),
         "source": "baerum-eksempel",
         "assumption": d.mark(f"{share:.0%} of operating income; income {from_baerum}. "
                              "Replace with the kommune's budget (skatt and rammetilskudd "
                              "from the statsbudsjett's grønt hefte)")}
        for key, share in d.INCOME_SHARES.items()
    ]
    depreciation = income * d.DEPRECIATION_RATIO
    plan = {
        "schema_version": 1,
        "id": f"{slug(k.short_name)}-{first}-{last}",
        "title": f"Handlingsprogram {first}–{last}",
        "municipality": {"name": k.display_name, "number": k.number},
        "period": {"first": first, "last": last},
        "base_year": first,
        "horizon": first + HORIZON_YEARS - 1,
        "law_regime": "2018" if first >= 2020 else "1992",
        "amount_scale": 1000,
        "price_basis": f"fixed {first}",
        "status": "draft",
        "sources": [dict(s) for s in d.SOURCES],
        "assumptions": assumptions,
        "income": income_items,
        "long_term_investments": [{
            "id": "investeringsniva", "name": "Investeringsnivå etter planperioden",
            "first": last + 1, "last": first + HORIZON_YEARS - 1,
            "amount": _k(depreciation), "vat_compensation": 0.16, "rentable_share": 0.2,
            "useful_life": 40, "category": "other", "source": "baerum-eksempel",
            "assumption": d.mark("Investments equal to depreciation (the capital is kept "
                                 "up); 20 % rentable, VAT compensation 0.2 on the rest; "
                                 "40-year life"),
        }],
        "opening": {
            "debt": {"value": _k(income * d.DEBT_RATIO), "source": "prop-88-s-2017-2018",
                     "assumption": d.mark("Net debt 47.5 % of operating income, the sector's "
                                          "level at the end of 2017; replace with the "
                                          "balance sheet")},
            "depreciable_assets": {
                "value": _k(depreciation * d.ASSET_LIFE), "source": "baerum-eksempel",
                "assumption": d.mark(f"Depreciation × {d.ASSET_LIFE} years' average life")},
            "depreciation": {
                "value": _k(depreciation), "source": "baerum-eksempel",
                "assumption": d.mark("Depreciation at the Bærum example's share of income "
                                     f"({d.DEPRECIATION_RATIO:.1%})")},
            "weighted_remaining_life": {
                "value": 28, "assumption": d.mark("Weighted remaining life of the assets; "
                                                  "used only under the 1992 law")},
            "funds": [{
                "id": "disposisjonsfond", "name": "Disposisjonsfond",
                "amount": _k(income * d.FUND_RATIO), "role": "reserve", "source": "tbu-ndr",
                "assumption": d.mark("12.2 % of operating income, the sector's level in "
                                     "2018; replace with the balance sheet")}],
        },
        "finance": {
            "self_financing_share": {
                "value": 0.2, "assumption": d.mark("20 % of non-rentable investments paid "
                                                   "from operations")},
            "reserve_fund": "disposisjonsfond",
        },
        "rules": [
            {"id": "ndr", "name": "Netto driftsresultat minst 2 % av driftsinntektene",
             "indicator": "net_operating_result_ratio", "operator": ">=", "limit": 0.02,
             "source": "tbu-ndr", "assumption": d.mark("TBU's recommended level")},
            {"id": "disposisjonsfond", "name": "Disposisjonsfond minst 5 % av driftsinntektene",
             "indicator": "reserve_fund_ratio", "operator": ">=", "limit": 0.05,
             "assumption": d.mark("A common rule of thumb (5–10 %); no national norm")},
            {"id": "gjeldsgrad", "name": "Gjeldsgrad høyst 100 % av driftsinntektene",
             "indicator": "debt_ratio", "operator": "<=", "limit": 1.0,
             "assumption": d.mark("A common rule of thumb (75–100 %); no national norm")},
        ],
        "services": [
            {"id": s["id"], "name": s["name"], "groups": s["groups"],
             "program_areas": [a.id for a in d.AREAS if a.service == s["id"]],
             "source": "tbu-demografi", "assumption": d.mark(s["assumption"])}
            for s in d.SERVICES
        ],
    }
    header = (
        f"# {k.display_name} ({k.number}), handlingsprogram {first}–{last}: written by "
        "`muniplan init`.\n"
        f"# Every figure marked {d.DEFAULT_MARK} is a starting point, not the kommune's own: "
        "replace it and\n# remove the mark; `muniplan validate` lists those left. Amounts in "
        f"1000 kr, ratios as fractions,\n# fixed {first}-kroner. See SOURCES.md.\n"
    )
    return header + yaml.safe_dump(plan, sort_keys=False, allow_unicode=True, width=96)


# --- CSV files ---------------------------------------------------------------------------


def _csv(rows: list[list[object]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _sectors_csv(data: InitData, last: int, frames: Mapping[str, int]) -> str:
    years = list(range(data.first_year, last + 1))
    rows = []
    for a in d.AREAS:
        note = d.mark(
            f"KOSTRA functions {a.functions}. The Bærum example's 2018 frame per user "
            f"({', '.join(a.baerum)}) × this kommune's users in {data.first_year}, uprated "
            f"{d.UPRATING:.0%} a year; held in fixed prices. Replace with the kommune's budget")
        # brutto, as the Bærum example whose frames the defaults are taken from
        rows.append({"sector_id": a.sector, "sector_name": d.SECTORS[a.sector],
                     "program_area_id": a.id, "program_area_number": a.functions,
                     "program_area_name": a.name, "frame_basis": "brutto",
                     **dict.fromkeys(years, frames[a.id]),
                     "source": "baerum-eksempel; kostra-kontoplan", "assumption": note})
    return table_csv(SECTORS, years, rows)


def _investments_csv(data: InitData, last: int, income: float) -> str:
    years = list(range(data.first_year, last + 1))
    amount = _k(income * d.DEPRECIATION_RATIO)
    return table_csv(INVESTMENTS, years, [{
        "id": "ufordelte-investeringer", "name": "Investeringer, ikke fordelt på prosjekter",
        "category": "other", "sector": "administrasjon", "completion_year": last,
        "useful_life": 40, "vat_compensation": 0.2, "rentable": False,
        **dict.fromkeys(years, amount), "source": "baerum-eksempel",
        "assumption": d.mark("One placeholder as large as depreciation each year; replace "
                             "with the kommune's projects")}])


def _population_csv(data: InitData) -> str:
    rows: list[list[object]] = [["year", "sex", "age", "population"]]
    for i, year in enumerate(data.pop_years):
        for s, sex in enumerate(SEXES):
            rows.extend([int(year), sex, age, int(data.population[i, s, age])]
                        for age in range(N_AGES))
    return _csv(rows)


def _mortality_csv(data: InitData) -> str:
    rows: list[list[object]] = [["year", "sex", "age", "mx"]]
    for i, year in enumerate(data.mortality_years):
        for s, sex in enumerate(SEXES):
            rows.extend([int(year), sex, age, f"{data.mx[i, s, age]:.6g}"]
                        for age in range(N_AGES))
    return _csv(rows)


def _fertility_csv(data: InitData) -> str:
    ages = [a for a in range(MAX_AGE + 1) if data.asfr[:, a].any()]
    rows: list[list[object]] = [["year", "age", "asfr"]]
    for i, year in enumerate(data.fertility_years):
        rows.extend([int(year), a, f"{data.asfr[i, a]:.6g}"]
                    for a in range(ages[0], ages[-1] + 1))
    return _csv(rows)


def modelled_note(data: InitData) -> str | None:
    """What in the population folder is modelled, not observed (None: nothing)."""
    parts = []
    if data.observed_population < int(data.pop_years[-1]):
        parts.append(f"population {data.observed_population + 1}–{int(data.pop_years[-1])} "
                     f"carried forward by the model from {data.observed_population}")
    last_rates = int(max(data.mortality_years[-1], data.fertility_years[-1]))
    if data.observed_rates < last_rates:
        parts.append(f"rates {data.observed_rates + 1}–{last_rates} extrapolated "
                     "(mortality by its Lee–Carter trend, fertility held at "
                     f"{data.observed_rates})")
    if not parts:
        return None
    return (f"{MODELLED_PREFIX} " + "; ".join(parts) + ". Replace with SSB's figures "
            "(muniplan data import-population) when you have them.")


def _population_yaml(data: InitData) -> str:
    source = (", ".join(data.population_files) if data.population_files else
              "muniplan's shipped statistics (SSB 07459, 2024 borders)")
    doc = {
        "attribution": ATTRIBUTION,
        "note": modelled_note(data) or "All figures observed.",
        "files": {
            "population.csv": {
                "content": f"{data.kommune.display_name} ({data.kommune.number}), population "
                           f"on 1 January by sex and single year of age 0-105, "
                           f"{int(data.pop_years[0])}-{data.observed_population} from "
                           f"{source}"
                           + (f"; {data.observed_population + 1}-{int(data.pop_years[-1])} "
                              "carried forward by the model" if
                              data.observed_population < int(data.pop_years[-1]) else ""),
                "publisher": "Statistisk sentralbyrå (SSB)", "table": "07459",
                "licence": "NLOD 2.0", "url": "https://www.ssb.no/statbank/table/07459"},
            "mortality.csv": {
                "content": f"Norway, central death rates mx by sex and age 0-105, "
                           f"{int(data.mortality_years[0])}-{data.observed_rates}"
                           + (f"; {data.observed_rates + 1}-{int(data.mortality_years[-1])} "
                              "extrapolated by the Lee-Carter trend" if
                              data.observed_rates < int(data.mortality_years[-1]) else ""),
                "publisher": "Human Mortality Database (mortality.org)",
                "licence": "CC BY 4.0", "url": "https://www.mortality.org"},
            "fertility.csv": {
                "content": f"Norway, age-specific fertility rates, "
                           f"{int(data.fertility_years[0])}-{data.observed_rates}"
                           + (f"; {data.observed_rates + 1}-{int(data.fertility_years[-1])} "
                              f"held at {data.observed_rates}" if
                              data.observed_rates < int(data.fertility_years[-1]) else ""),
                "publisher": "Human Fertility Database (humanfertility.org)",
                "licence": "CC BY 4.0", "url": "https://www.humanfertility.org"},
        },
    }
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=96)


def _sources_md(data: InitData, last: int) -> str:
    k = data.kommune
    note = modelled_note(data)
    lines = [
        f"# {k.display_name}: handlingsprogram {data.first_year}–{last} — sources",
        "",
        "Written by `muniplan init`. Every figure in `plan.yaml`, `sectors.csv` and "
        f"`investments.csv` marked `{d.DEFAULT_MARK}` is a default: a starting point of the "
        "right size, not the kommune's own figure. `muniplan validate` lists those left.",
        "",
        "## Population",
        "",
        f"- {ATTRIBUTION}",
        "- Population: " + (", ".join(data.population_files) if data.population_files else
                            "the statistics shipped with muniplan (SSB table 07459, "
                            "2005–2018, redistricted to the 2024 borders)") + ".",
    ]
    if note:
        lines += [f"- **{note}**"]
    lines += [
        "",
        "## Defaults",
        "",
        "- Sectors and programområder: a skeleton by KOSTRA function (kostra-kontoplan).",
        "- Frames: the Bærum example's 2018 frame per user of each TBU service, times this "
        f"kommune's users in {data.first_year}, uprated {d.UPRATING:.0%} a year.",
        f"- Income: frames are {d.FRAME_SHARE:.0%} of operating income; split 40 % tax, 34 % "
        "rammetilskudd, 13 % fees, 13 % other.",
        "- Debt 47.5 % of income (Prop. 88 S (2017–2018)); disposisjonsfond 12.2 % (TBU "
        "figure 3.14A); depreciation at the Bærum example's share of income.",
        "- Rules: netto driftsresultat ≥ 2 % (TBU), disposisjonsfond ≥ 5 %, gjeldsgrad ≤ 100 % "
        "(rules of thumb).",
        "- Assumptions: wage growth 3.5 %, price growth 2 % (Norges Bank's target), deflator "
        "wage weight 0.59 (KS), interest 4 %, no real growth in income per inhabitant.",
        "",
    ]
    return "\n".join(lines)
