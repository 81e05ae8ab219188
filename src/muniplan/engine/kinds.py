"""Operating expenses and income by kind (art), for § 5-6 (økonomisk oversikt etter art –
drift, budsjett- og regnskapsforskriften 2019) and the 1992 økonomisk oversikt drift.

The projection follows frames, services and income kinds, not accounting kinds, so the
split by kind is a set of shares with their source or reason (:data:`SHARES`), applied here
once; the overviews lay the resulting series out and compute nothing. Shares are fractions:
expense shares of ``operating_expenses`` (driftsutgifter including depreciation, which
comes from the projection itself), income shares of the plan's ``fees`` and ``other``
income.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Share:
    """One share: what it splits, its value, and where it comes from (source or reason)."""

    key: str
    share: float
    nb: str
    en: str
    source: str = ""
    reason: str = ""


SHARES: tuple[Share, ...] = (
    Share("wages_and_social", 0.66, "Lønn og sosiale utgifter, andel av driftsutgiftene",
          "Wages and social costs, share of operating expenses",
          source="https://www.baerum.kommune.no/styringsdokumenter/arsrapport-2016/arsberetning/",
          reason="Årsrapport 2016 (Bærum): lønn og sosiale utgifter om lag 66 % av "
          "driftsutgiftene."),
    Share("social_of_wages_and_social", 0.20, "Sosiale utgifter, andel av lønn og sosiale",
          "Social costs, share of wages and social costs",
          reason="Arbeidsgiveravgift (14,1 %) og pensjonspremie (om lag 11 % av lønn) er om "
          "lag 25 % av lønnen, altså om lag 20 % av lønn og sosiale utgifter til sammen."),
    Share("purchases_of_rest", 0.75, "Kjøp av varer og tjenester, andel av resten",
          "Purchases of goods and services, share of the rest",
          reason="Det som er igjen etter lønn, sosiale utgifter og avskrivninger, er fordelt "
          "med 75 % til kjøp av varer og tjenester og 25 % til overføringer og tilskudd, om "
          "lag fordelingen i KOSTRA for store kommuner; Bærums egen fordeling er ikke i "
          "planens kilder."),
    Share("fees_user_charges", 0.5, "Brukerbetalinger, andel av gebyrer, salg og leie",
          "User charges, share of fees, sales and rents",
          reason="Planen har gebyrer, salgs- og leieinntekter som én inntektsart; halvparten "
          "er vist som brukerbetalinger og halvparten som salgs- og leieinntekter, fordi "
          "kildene ikke gir fordelingen."),
    Share("other_from_state", 0.5, "Overføringer fra staten, andel av refusjoner",
          "Transfers from the state, share of refunds and transfers",
          reason="Planen har refusjoner og andre overføringer som én inntektsart; halvparten "
          "er vist som overføringer fra staten og halvparten fra andre, fordi kildene ikke "
          "gir fordelingen."),
)
SHARE = {s.key: s.share for s in SHARES}


def by_kind(series: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The ``kind_*`` series (nominal kroner) from a projection's 1-D series."""
    zero = np.zeros_like(series["operating_expenses"])
    opex, dep = series["operating_expenses"], series["depreciation"]
    fees, other = series.get("income_fees", zero), series.get("income_other", zero)
    wages_social = opex * SHARE["wages_and_social"]
    social = wages_social * SHARE["social_of_wages_and_social"]
    rest = opex - wages_social - dep
    purchases = rest * SHARE["purchases_of_rest"]
    charges = fees * SHARE["fees_user_charges"]
    state = other * SHARE["other_from_state"]
    return {"kind_wages": wages_social - social, "kind_social": social,
            "kind_purchases": purchases, "kind_transfers": rest - purchases,
            "kind_user_charges": charges, "kind_sales_rents": fees - charges,
            "kind_refunds_state": state, "kind_refunds_other": other - state}
