"""The registry of every series the engine emits: what it is, in which unit and price basis.

Each series of a :class:`~muniplan.engine.projection.Projection` has one entry here (or
belongs to a family, such as ``area_{id}``, with one entry per family): its bokmål and
English label, its unit (kroner, a ratio, persons, an index, years), its price basis
(nominal — løpende kroner — or fixed base-year kroner; none for other units) and its level
(the municipality, a sector, a program area, a service, a fund, a rule). Outputs read
labels, units and price bases from here and never guess them from a series' name; the
one conversion between price bases is :func:`convert`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

Unit = Literal["kr", "ratio", "persons", "index", "years", "code"]
Basis = Literal["nominal", "fixed"]
Level = Literal["municipality", "sector", "program_area", "service", "project", "fund",
                "rule"]


@dataclass(frozen=True)
class SeriesSpec:
    """One series (or family of series): labels, unit, price basis, level."""

    id: str
    nb: str
    en: str
    unit: Unit = "kr"
    basis: Basis | None = "nominal"
    level: Level = "municipality"

    def label(self, lang: str = "nb") -> str:
        return self.nb if lang == "nb" else self.en

    @property
    def kroner(self) -> bool:
        return self.unit == "kr"


def _kr(id_: str, nb: str, en: str, basis: Basis = "nominal") -> SeriesSpec:
    return SeriesSpec(id_, nb, en, "kr", basis)


def _of(id_: str, nb: str, en: str, unit: Unit) -> SeriesSpec:
    return SeriesSpec(id_, nb, en, unit, None)


_FIXED_NB = " (faste kr)"
_FIXED_EN = " (fixed kroner)"

SERIES: dict[str, SeriesSpec] = {s.id: s for s in (
    _kr("operating_income", "Sum driftsinntekter", "Operating income"),
    _kr("operating_expenses", "Sum driftsutgifter", "Operating expenses"),
    _kr("operating_expenses_fixed", "Sum driftsutgifter" + _FIXED_NB,
        "Operating expenses" + _FIXED_EN, "fixed"),
    _kr("service_cost_change", "Endret kostnad i tjenestene (demografi og grep)",
        "Change in service cost (demography and levers)"),
    _kr("demographic_cost", "Demografikostnader", "Demographic cost"),
    _kr("lever_effect", "Effekt av hovedgrepene", "Effect of the levers"),
    _kr("operating_consequences", "Driftskonsekvenser av investeringer",
        "Operating consequences of investments"),
    _kr("measures_outside_frames", "Tiltak utenfor rammene", "Measures outside the frames"),
    _kr("depreciation", "Avskrivninger", "Depreciation"),
    _kr("kind_wages", "Lønnsutgifter", "Wages"),
    _kr("kind_social", "Sosiale utgifter", "Social costs"),
    _kr("kind_purchases", "Kjøp av varer og tjenester", "Purchases of goods and services"),
    _kr("kind_transfers", "Overføringer og tilskudd til andre", "Transfers and grants to others"),
    _kr("kind_user_charges", "Brukerbetalinger", "User charges"),
    _kr("kind_sales_rents", "Andre salgs- og leieinntekter", "Other sales and rents"),
    _kr("kind_refunds_state", "Overføringer med krav til motytelse fra staten",
        "Transfers with conditions from the state"),
    _kr("kind_refunds_other", "Andre overføringer og tilskudd", "Other transfers and grants"),
    _kr("netted_fees", "Brukerbetalinger i netto rammer (herav i driftsutgiftene)",
        "Fees held by net frames (included in operating expenses)"),
    _kr("netted_other", "Refusjoner i netto rammer (herav i driftsutgiftene)",
        "Refunds held by net frames (included in operating expenses)"),
    _kr("unallocated_expenses", "Driftsutgifter planen ikke plasserer i et programområde",
        "Operating expenses the plan places in no programme area"),
    _kr("unallocated_fees", "Brukerbetalinger planen ikke fordeler på programområder",
        "Fees the plan does not place in programme areas"),
    _kr("unallocated_refunds", "Refusjoner planen ikke fordeler på programområder",
        "Refunds the plan does not place in programme areas"),
    _kr("gross_operating_result", "Brutto driftsresultat", "Gross operating result"),
    _kr("financial_income", "Finansinntekter", "Financial income"),
    _kr("interest", "Renteutgifter", "Interest"),
    _kr("minimum_instalment", "Minimumsavdrag", "Minimum instalment"),
    _kr("instalments", "Avdrag på lån", "Instalments"),
    _kr("net_operating_result", "Netto driftsresultat", "Net operating result"),
    _of("net_operating_result_ratio", "Netto driftsresultat i % av driftsinntekter",
        "Net operating result, % of income", "ratio"),
    _kr("investments", "Investeringer", "Investments"),
    _kr("vat_compensation", "Momskompensasjon", "VAT compensation"),
    _kr("grants", "Tilskudd", "Grants"),
    _kr("sales", "Salg av anleggsmidler", "Sales of assets"),
    _kr("transfer_to_investment", "Overføring fra drift (egenfinansiering)",
        "Transfer from operations (self-financing)"),
    _kr("new_loans", "Bruk av lån", "New loans"),
    _of("self_financing_share", "Egenfinansiering, ikke-rentable investeringer",
        "Self-financing share, non-rentable investments", "ratio"),
    _kr("debt", "Lånegjeld", "Debt"),
    _of("debt_ratio", "Gjeldsgrad (lånegjeld i % av driftsinntekter)", "Debt ratio", "ratio"),
    _kr("depreciable_assets", "Avskrivbare anleggsmidler", "Depreciable assets"),
    _of("weighted_remaining_life", "Veid gjenværende levetid", "Weighted remaining life",
        "years"),
    _of("weighted_useful_life", "Veid levetid (§ 50 nr. 7 a)", "Weighted useful life",
        "years"),
    _kr("reserve_fund", "Disposisjonsfond i alt", "Reserve funds"),
    _kr("buffer_fund", "Bufferfond", "Buffer fund"),
    _kr("liquidity_reserve", "Likviditetsreserve", "Liquidity reserve"),
    _kr("deficit_covered", "Dekning av tidligere års merforbruk",
        "Coverage of earlier years' deficit"),
    _kr("deficit", "Merforbruk (udekket)", "Uncovered deficit"),
    _kr("accumulated_deficit", "Akkumulert merforbruk", "Accumulated deficit"),
    _kr("overdue_deficit", "Merforbruk eldre enn to år (udekket)",
        "Deficit older than two years (uncovered)"),
    _of("price_index", "Prisindeks (kommunal deflator)", "Price index (municipal deflator)",
        "index"),
    _of("cost_index", "Underliggende utgiftsvekst, indeks", "Underlying cost growth, index",
        "index"),
    _of("population_ratio", "Befolkning, indeks", "Population index", "index"),
    _kr("investment_budget", "Investeringsbudsjett", "Investment budget"),
    _kr("investment_carried_forward", "Ubrukte investeringsmidler overført til neste år",
        "Unspent investment carried forward"),
    _kr("transfer_shortfall_loans", "Lån i stedet for overføring fra drift",
        "Loans instead of the transfer from operations"),
    _kr("fund_allocations", "Avsetninger til fond", "Allocations to funds"),
    _kr("fund_use", "Bruk av fond", "Use of funds"),
    _kr("fund_return", "Avkastning på forvaltningsfondet", "Return on the managed fund"),
    _kr("fund_return_budgeted", "Budsjettert avkastning på forvaltningsfondet",
        "Budgeted return on the managed fund"),
    _kr("fund_return_deviation", "Avvik fra budsjettert avkastning (til/fra bufferfond)",
        "Deviation from the budgeted return (to/from the buffer fund)"),
    _kr("deficit_overdue", "Merforbruk eldre enn to år (udekket)",
        "Deficit older than two years (uncovered)"),
    _of("robek_status", "ROBEK-kriterium oppfylt (1 = ja)", "ROBEK criterion met (1 = yes)",
        "code"),
    _of("property_tax_rate_housing", "Eiendomsskattesats, bolig og fritidsbolig",
        "Property tax rate, homes and holiday homes", "ratio"),
    _of("property_tax_rate_other", "Eiendomsskattesats, annen eiendom",
        "Property tax rate, other property", "ratio"),
    _kr("savings", "Innsparing", "Savings"),
    _kr("savings_need", "Innsparingsbehov (nivå, løpende kr)",
        "Savings need (level, current kroner)"),
    _kr("savings_need_fixed", "Innsparingsbehov (nivå, faste kr)",
        "Savings need (level, fixed kroner)", "fixed"),
    _kr("savings_new", "Nye innsparinger i året (løpende kr)",
        "New savings that year (current kroner)"),
    _kr("savings_new_fixed", "Nye innsparinger i året (faste kr)",
        "New savings that year (fixed kroner)", "fixed"),
    _of("savings_reason", "Innsparingsbehov: årsak når det ikke kan beregnes",
        "Savings need: why it cannot be computed", "code"),
    _kr("driver_demography", "Drivere: demografikostnader", "Drivers: demographic cost",
        "fixed"),
    _kr("driver_cost_growth", "Drivere: underliggende kostnadsvekst",
        "Drivers: underlying cost growth", "fixed"),
    _kr("driver_capital", "Drivere: kapitalkostnader av investeringene",
        "Drivers: capital costs of the investments", "fixed"),
    _kr("driver_income", "Drivere: inntektsvekst (trekker fra)",
        "Drivers: income growth (subtracts)", "fixed"),
    _kr("driver_other", "Drivere: utgangspunkt, regelkrav og øvrige endringer",
        "Drivers: starting position, rule targets and other changes", "fixed"),
)}
"""Series with a fixed id (looked up before the families, so ``fund_use`` is a series of
its own, not the fund ``use``)."""

FAMILIES: dict[str, SeriesSpec] = {
    "income_": SeriesSpec("income_", "", "", "kr", "nominal"),
    "expenses_fixed_": SeriesSpec("expenses_fixed_", "Netto ramme (faste kr), ",
                                  "Net frame (fixed kroner), ", "kr", "fixed", "sector"),
    "expenses_": SeriesSpec("expenses_", "Driftsutgifter, ", "Operating expenses, ", "kr",
                            "nominal", "sector"),
    "area_fixed_": SeriesSpec("area_fixed_", "Programområde (faste kr), ",
                              "Programme area (fixed kroner), ", "kr", "fixed",
                              "program_area"),
    "area_": SeriesSpec("area_", "Programområde, ", "Programme area, ", "kr", "nominal",
                        "program_area"),
    "gross_sector_": SeriesSpec("gross_sector_", "Brutto driftsutgifter, ",
                                "Gross operating expenses, ", "kr", "nominal", "sector"),
    "net_sector_": SeriesSpec("net_sector_", "Netto driftsbevilgning, ",
                              "Net operating appropriation, ", "kr", "nominal", "sector"),
    "gross_area_": SeriesSpec("gross_area_", "Brutto driftsutgifter, ",
                              "Gross operating expenses, ", "kr", "nominal", "program_area"),
    "fees_area_": SeriesSpec("fees_area_", "Brukerbetalinger, salgs- og leieinntekter, ",
                             "Fees, sales and rents, ", "kr", "nominal", "program_area"),
    "refunds_area_": SeriesSpec("refunds_area_", "Refusjoner og andre overføringer, ",
                                "Refunds and other transfers, ", "kr", "nominal",
                                "program_area"),
    "net_area_": SeriesSpec("net_area_", "Netto driftsbevilgning, ",
                            "Net operating appropriation, ", "kr", "nominal", "program_area"),
    "demographic_cost_": SeriesSpec("demographic_cost_", "Demografikostnader, ",
                                    "Demographic cost, ", "kr", "nominal", "service"),
    "users_": SeriesSpec("users_", "Brukere, ", "Users, ", "persons", None, "service"),
    "fund_": SeriesSpec("fund_", "Fond, ", "Fund, ", "kr", "nominal", "fund"),
    "project_": SeriesSpec("project_", "Investeringsprosjekt, ", "Investment project, ", "kr",
                           "nominal", "project"),
    "capital_cost_recovered_": SeriesSpec(
        "capital_cost_recovered_", "Kapitalkostnader dekket av gebyrer og husleie, ",
        "Capital costs recovered by fees and rents, ", "kr", "nominal", "municipality"),
}
"""Families: the id is the prefix plus the plan's id of a sector, area, service or fund;
the label is the prefix's label plus that entity's name. Longer prefixes first."""

INCOME_LABELS = {
    "tax": ("Skatt på inntekt og formue", "Income and wealth tax"),
    "block_grant": ("Rammetilskudd", "Block grant"),
    "property_tax": ("Eiendomsskatt", "Property tax"),
    "fees": ("Brukerbetalinger, salgs- og leieinntekter", "Fees, sales and rents"),
    "other": ("Refusjoner og andre overføringer", "Refunds and other transfers"),
    "equalisation": ("Inntektsutjevning", "Income equalisation"),
}
"""The income lines, by the engine's income kind."""


def spec(name: str, names: dict[str, tuple[str, str]] | None = None) -> SeriesSpec:
    """The entry of series ``name``; ``names`` gives a family member's entity name
    (bokmål, English) by its full series id. KeyError if the series is not registered."""
    if name in SERIES:
        return SERIES[name]
    for prefix, family in FAMILIES.items():
        if name.startswith(prefix):
            key = name[len(prefix):]
            if prefix == "income_":
                nb, en = INCOME_LABELS[key]
                return replace(family, id=name, nb=nb, en=en)
            nb, en = (names or {}).get(name) or (key.replace("-", " "),) * 2
            return replace(family, id=name, nb=family.nb + nb, en=family.en + en)
    raise KeyError(f"series {name!r} is not in the registry")


def registered(name: str) -> bool:
    try:
        spec(name)
    except KeyError:
        return False
    return True


def convert(values: np.ndarray, price_index: np.ndarray, *, to: Basis,
            basis: Basis = "nominal") -> np.ndarray:
    """Kroner from one price basis to the other with the projection's price index (the
    kommunal deflator, 1 in the first year): fixed = nominal / index."""
    v = np.asarray(values, dtype=float)
    if basis == to:
        return v
    return v / price_index if to == "fixed" else v * price_index
