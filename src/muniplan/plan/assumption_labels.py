"""The assumptions' names for a reader, by plan.yaml key.

Kept in the plan layer because both the plan's workbook (a finance officer's Forutsetninger
sheet, read back by name) and the report's appendix (politicians, auditors) name the
assumptions, and neither should show the plan file's keys.
"""

from __future__ import annotations

ASSUMPTION_LABELS: dict[str, tuple[str, str]] = {
    "wage_growth": ("Årslønnsvekst", "Annual wage growth"),
    "price_growth": ("Prisvekst", "Price growth"),
    "deflator_wage_weight": ("Lønnsandel i den kommunale deflatoren",
                             "Wage share of the municipal deflator"),
    "interest_rate": ("Rentenivå på lånegjelden", "Interest rate on the debt"),
    "tax_growth": ("Realvekst i skatt per innbygger", "Real growth in tax per inhabitant"),
    "block_grant_growth": ("Realvekst i rammetilskudd per innbygger",
                           "Real growth in block grant per inhabitant"),
    "fee_growth": ("Realvekst i brukerbetalinger per innbygger",
                   "Real growth in fees per inhabitant"),
    "other_income_growth": ("Realvekst i andre inntekter per innbygger",
                            "Real growth in other income per inhabitant"),
    "population_index": ("Befolkningsindeks", "Population index"),
    "financial_income": ("Andre finansinntekter", "Other financial income"),
    "cost_growth": ("Underliggende utgiftsvekst", "Underlying cost growth"),
    "investment_execution_rate": ("Gjennomføringsgrad for investeringer",
                                  "Execution rate of investments"),
}
"""Key → (bokmål, English)."""

KEYS_BY_NAME = {name.casefold(): key for key, names in ASSUMPTION_LABELS.items()
                for name in names}
"""A name a person may type back (either language, any case) → its key."""


def assumption_key(name: str) -> str:
    """The plan.yaml key of an assumption named by its key or its Norwegian or English
    name; an unknown name is returned as it is, for the plan loader to reject."""
    return KEYS_BY_NAME.get(name.strip().casefold(), name.strip())
