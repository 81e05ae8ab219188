"""Numbers and labels for people: Norwegian number format and the series' names.

One place for how figures look (``1 234,5 mill. kr``, ``4,0 %``) and what they are called,
used by the CLI, the web pages and the documents alike.
"""

from __future__ import annotations

import math

from muniplan.plan.money import round_kroner

NBSP = "\u00a0"

SERIES_LABELS: dict[str, tuple[str, str]] = {
    "operating_income": ("Sum driftsinntekter", "Operating income"),
    "income_tax": ("Skatt på inntekt og formue", "Income and wealth tax"),
    "income_block_grant": ("Rammetilskudd", "Block grant"),
    "income_property_tax": ("Eiendomsskatt", "Property tax"),
    "income_fees": ("Brukerbetalinger, salgs- og leieinntekter", "Fees, sales and rents"),
    "income_other": ("Refusjoner og andre overføringer", "Refunds and other transfers"),
    "operating_expenses": ("Sum driftsutgifter", "Operating expenses"),
    "service_cost_change": ("Endret kostnad i tjenestene (demografi og grep)",
                            "Change in service cost (demography and levers)"),
    "demographic_cost": ("Demografikostnader", "Demographic cost"),
    "lever_effect": ("Effekt av hovedgrepene", "Effect of the levers"),
    "operating_consequences": ("Driftskonsekvenser av investeringer",
                               "Operating consequences of investments"),
    "measures_outside_frames": ("Tiltak utenfor rammene", "Measures outside the frames"),
    "depreciation": ("Avskrivninger", "Depreciation"),
    "gross_operating_result": ("Brutto driftsresultat", "Gross operating result"),
    "financial_income": ("Finansinntekter", "Financial income"),
    "interest": ("Renteutgifter", "Interest"),
    "minimum_instalment": ("Minimumsavdrag", "Minimum instalment"),
    "instalments": ("Avdrag på lån", "Instalments"),
    "net_operating_result": ("Netto driftsresultat", "Net operating result"),
    "net_operating_result_ratio": ("Netto driftsresultat i % av driftsinntekter",
                                   "Net operating result, % of income"),
    "investments": ("Investeringer", "Investments"),
    "vat_compensation": ("Momskompensasjon", "VAT compensation"),
    "grants": ("Tilskudd", "Grants"),
    "sales": ("Salg av anleggsmidler", "Sales of assets"),
    "transfer_to_investment": ("Overføring fra drift (egenfinansiering)",
                               "Transfer from operations (self-financing)"),
    "new_loans": ("Bruk av lån", "New loans"),
    "self_financing_share": ("Egenfinansiering, ikke-rentable investeringer",
                             "Self-financing share, non-rentable investments"),
    "debt": ("Lånegjeld", "Debt"),
    "debt_ratio": ("Gjeldsgrad (lånegjeld i % av driftsinntekter)", "Debt ratio"),
    "depreciable_assets": ("Avskrivbare anleggsmidler", "Depreciable assets"),
    "weighted_useful_life": ("Veid levetid (§ 50 nr. 7 a)", "Weighted useful life"),
    "weighted_remaining_life": ("Veid gjenværende levetid", "Weighted remaining life"),
    "reserve_fund": ("Disposisjonsfond i alt", "Reserve funds"),
    "buffer_fund": ("Bufferfond", "Buffer fund"),
    "liquidity_reserve": ("Likviditetsreserve", "Liquidity reserve"),
    "deficit": ("Merforbruk (udekket)", "Uncovered deficit"),
    "accumulated_deficit": ("Akkumulert merforbruk", "Accumulated deficit"),
    "price_index": ("Prisindeks (kommunal deflator)", "Price index (municipal deflator)"),
    "cost_index": ("Underliggende utgiftsvekst, indeks", "Underlying cost growth, index"),
    "population_ratio": ("Befolkning, indeks", "Population index"),
    "savings": ("Innsparing", "Savings"),
    "savings_need": ("Innsparingsbehov", "Savings need"),
}

SHORT_LABELS: dict[str, str] = {
    "operating_income": "Driftsinntekter",
    "operating_expenses": "Driftsutgifter",
    "depreciation": "Avskrivninger",
    "gross_operating_result": "Brutto driftsres.",
    "interest": "Renteutgifter",
    "instalments": "Avdrag",
    "net_operating_result": "Netto driftsres.",
    "net_operating_result_ratio": "Netto driftsres. %",
    "demographic_cost": "Demografikostn.",
    "investments": "Investeringer",
    "new_loans": "Bruk av lån",
    "debt": "Lånegjeld",
    "debt_ratio": "Gjeldsgrad",
    "reserve_fund": "Disposisjonsfond",
    "savings_need": "Innsparingsbehov",
}
"""Labels short enough for an 80-column terminal table."""


def short_label(name: str) -> str:
    return SHORT_LABELS.get(name) or label(name)


SUMMARY_SERIES = (
    "operating_income", "operating_expenses", "depreciation", "gross_operating_result",
    "interest", "instalments", "net_operating_result", "net_operating_result_ratio",
    "demographic_cost", "investments", "new_loans", "debt", "debt_ratio", "reserve_fund",
)

PERCENT_SERIES = {"net_operating_result_ratio", "debt_ratio", "self_financing_share"}
INDEX_SERIES = {"price_index", "population_ratio", "weighted_useful_life", "cost_index"}


def label(name: str, lang: str = "nb") -> str:
    """The Norwegian (or English) label of a series; unknown names are shown as they are."""
    pair = SERIES_LABELS.get(name)
    if pair is None:
        for prefix, (nb, en) in {
            "expenses_": ("Driftsutgifter, ", "Operating expenses, "),
            "demographic_cost_": ("Demografikostnader, ", "Demographic cost, "),
            "users_": ("Brukere, ", "Users, "),
            "fund_": ("Fond, ", "Fund, "),
        }.items():
            if name.startswith(prefix):
                return (nb if lang == "nb" else en) + name[len(prefix):].replace("-", " ")
        return name
    return pair[0] if lang == "nb" else pair[1]


def group_digits(text: str, sep: str = NBSP) -> str:
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + sep.join(groups)


def number(x: float | None, decimals: int = 0, lang: str = "nb") -> str:
    """``1234.5`` → ``1 234,5`` (nb, with no-break spaces) or ``1,234.5`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    q = round(float(x), decimals)
    if q == 0:
        q = 0.0  # no "-0"
    text = f"{abs(q):.{decimals}f}"
    whole, _, frac = text.partition(".")
    whole = group_digits(whole, NBSP if lang == "nb" else ",")
    out = whole + ((("," if lang == "nb" else ".") + frac) if frac else "")
    return ("−" if q < 0 else "") + out


def millions(kroner: float | None, decimals: int = 1, lang: str = "nb") -> str:
    """Kroner shown in millions: ``1 234,5``."""
    if kroner is None or (isinstance(kroner, float) and math.isnan(kroner)):
        return "–"
    return number(kroner / 1e6, decimals, lang)


def thousands(kroner: float | None, lang: str = "nb") -> str:
    """Kroner shown in 1000 kr, rounded half away from zero (the documents' unit)."""
    if kroner is None or (isinstance(kroner, float) and math.isnan(kroner)):
        return "–"
    return number(round_kroner(kroner, 1000), 0, lang)


def percent(fraction: float | None, decimals: int = 1, lang: str = "nb") -> str:
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    return number(100 * fraction, decimals, lang) + (NBSP + "%")


def figure(name: str, x: float | None, lang: str = "nb", decimals: int = 1) -> str:
    """A series value in its natural unit: percent, index, or million kroner."""
    if name in PERCENT_SERIES:
        return percent(x, 1, lang)
    if name in INDEX_SERIES:
        return number(x, 3, lang)
    if name.startswith("users_"):
        return number(x, 0, lang)
    return millions(x, decimals, lang)
