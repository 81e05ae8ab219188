"""From a plan and its projection to the line inputs of the mandatory overviews.

The overview functions (:mod:`muniplan.report.overviews`) know the layouts; this module
knows where each line's amount comes from in the projection, and says so in the notes
printed under each overview. Amounts are nominal kroner (løpende kroner), as the projection
gives them: the programme areas of 1B and § 5-4 andre ledd are the engine's ``area_*``
series (frames with the price index and the underlying cost growth), the same figures the
main overview sums by sector; the projects of 2B and § 5-5 andre ledd are its
``project_*`` series, and the fund flows are the engine's.

§ 5-6 and the 1992 økonomisk oversikt drift show the engine's split by kind (``kind_*``,
``engine/kinds.py``), whose shares, source and assumptions are printed with the overview.
"""

from __future__ import annotations

import numpy as np

from muniplan.engine.kinds import SHARE, SHARES
from muniplan.engine.projection import Projection
from muniplan.engine.registry import spec as series_spec
from muniplan.plan.model import Plan
from muniplan.report.overviews import (
    AllocationRow,
    Overview,
    allocation,
    bevilgningsoversikt_drift,
    bevilgningsoversikt_investering,
    budsjettskjema_1a,
    budsjettskjema_2a,
    okonomisk_oversikt_art,
    okonomisk_oversikt_drift_1992,
)

NOTE_UNIT = ("Løpende kroner: planens faste priser er prisjustert med kommunal deflator og "
             "underliggende kostnadsvekst.")
NOTE_NET = ("Netto driftsbevilgning per programområde: rammen med underliggende kostnadsvekst, "
            "demografikostnader og driftskonsekvenser av investeringer, minus områdets egne "
            "brukerbetalinger (med selvkostgebyrer) og refusjoner. Summen er netto driftsutgifter "
            "i hovedoversikten.")
NOTE_FUNDS = ("Overskudd etter overføring til investering settes av til disposisjonsfond "
              "(planens fond for årsresultat); underskudd dekkes av fondene.")


def kinds_note() -> str:
    """The shares behind the split by kind, printed under the overviews that show it."""
    return ("Fordeling på art er ikke en del av framskrivingen: lønn og sosiale utgifter er "
            f"satt til {SHARE['wages_and_social']:.0%} av driftsutgiftene (kilde: "
            f"{SHARES[0].reason}). Forutsetninger: "
            + " ".join(sh.reason for sh in SHARES[1:])).replace("%", " %")


def _idx(proj: Projection, years: list[int]) -> list[int]:
    return [proj.year_index(y) for y in years]


class _Series:
    """The projection's series on the chosen years (0 where the projection has none)."""

    def __init__(self, proj: Projection, years: list[int]) -> None:
        self.proj = proj
        self.i = _idx(proj, years)
        self.n = len(years)

    def __call__(self, name: str) -> np.ndarray:
        s = self.proj.series.get(name)
        if s is None:
            return np.zeros(self.n)
        return np.nan_to_num(np.asarray(s, dtype=float)[self.i])


def plan_years(plan: Plan, proj: Projection) -> list[int]:
    return [y for y in plan.period.years if y in proj.years]


def operating_parts(plan: Plan, proj: Projection, years: list[int]) -> dict[str, np.ndarray]:
    """The pieces every drift overview shares: income by kind, net appropriations, the
    disposition of the result (funds, coverage of deficits)."""
    s = _Series(proj, years)
    opex_total = s("operating_expenses")
    dep = s("depreciation")
    fees, other = s("income_fees"), s("income_other")
    return {
        "tax": s("income_tax"), "block_grant": s("income_block_grant"),
        "property_tax": s("income_property_tax"), "fees": fees, "other": other,
        "opex_total": opex_total, "opex": opex_total - dep, "depreciation": dep,
        "net_appropriations": opex_total - dep - fees - other,
        "financial_income": s("financial_income"), "interest": s("interest"),
        "instalments": s("instalments"), "transfer": s("transfer_to_investment"),
        "to_funds": s("fund_allocations"), "from_funds": s("fund_use"),
        "cover": s("deficit_covered"), "ndr": s("net_operating_result"),
    }


def allocation_rows(plan: Plan, proj: Projection, years: list[int]) -> list[AllocationRow]:
    """Net appropriations by sector and programområde, nominal, as the engine emits them
    (``net_sector_*``, ``net_area_*``: the frame with cost growth, demography, operating
    consequences and measures, less the area's fees and refunds); their sum is the net
    appropriation of 1A/§ 5-4. What the plan places in no area has its own line, shown
    only when it is not zero, with the reason in its label."""
    s = _Series(proj, years)
    rows: list[AllocationRow] = []
    for sector in plan.sectors:
        rows.append(AllocationRow("", sector.name, s(f"net_sector_{sector.id}"),
                                  heading=True))
        for a in sector.program_areas:
            rows.append(AllocationRow(a.number or "", a.name, s(f"net_area_{a.id}"), indent=1))
    for name, sign in UNALLOCATED:
        v = sign * s(name)
        if np.any(np.abs(v) >= 0.5):
            spec = series_spec(name)
            rows.append(AllocationRow("", spec.nb, v, en=spec.en))
    return rows


UNALLOCATED = (("unallocated_expenses", 1.0), ("unallocated_fees", -1.0),
               ("unallocated_refunds", -1.0))
"""Lines the plan leaves outside the programområder (a service without areas, a measure
without a sector, a scenario's change to all expenses, fees not split on areas)."""


def project_rows(plan: Plan, proj: Projection, years: list[int]) -> list[AllocationRow]:
    """One row per investment project, nominal cost per year, as the engine projects it."""
    s = _Series(proj, years)
    return [AllocationRow("", inv.name, s(f"project_{inv.id}")) for inv in plan.investments]


def inputs_5_4(parts: dict[str, np.ndarray]) -> dict[int, np.ndarray]:
    return {
        1: parts["block_grant"], 2: parts["tax"], 3: parts["property_tax"],
        6: parts["net_appropriations"], 7: parts["depreciation"],
        10: parts["financial_income"], 13: parts["interest"], 14: parts["instalments"],
        18: parts["transfer"], 21: parts["to_funds"], 22: -parts["from_funds"],
        23: parts["cover"],
    }


def inputs_5_5(proj: Projection, years: list[int]) -> dict[int, np.ndarray]:
    s = _Series(proj, years)
    return {1: s("investments"), 7: s("vat_compensation"), 8: s("grants"), 9: s("sales"),
            13: s("new_loans"), 20: s("transfer_to_investment")}


def _kind_split(proj: Projection, years: list[int]) -> dict[str, np.ndarray]:
    """The engine's split by kind (``kind_*``, see ``engine/kinds.py``)."""
    s = _Series(proj, years)
    return {k: s(f"kind_{v}") for k, v in (
        ("wages", "wages"), ("social", "social"), ("purchases", "purchases"),
        ("transfers", "transfers"), ("charges", "user_charges"), ("sales", "sales_rents"),
        ("state", "refunds_state"), ("others", "refunds_other"))}


def inputs_5_6(parts: dict[str, np.ndarray], k: dict[str, np.ndarray]
                ) -> dict[int, np.ndarray]:
    return {
        1: parts["block_grant"], 2: parts["tax"], 3: parts["property_tax"],
        5: k["state"], 6: k["others"], 7: k["charges"], 8: k["sales"],
        10: k["wages"], 11: k["social"], 12: k["purchases"], 13: k["transfers"],
        14: parts["depreciation"], 17: parts["financial_income"], 20: parts["interest"],
        21: parts["instalments"], 25: parts["transfer"],
        27: parts["to_funds"] - parts["from_funds"], 28: parts["cover"],
    }


def inputs_1a(parts: dict[str, np.ndarray], allocated: np.ndarray) -> dict[int, np.ndarray]:
    return {
        1: parts["tax"], 2: parts["block_grant"], 3: parts["property_tax"],
        7: parts["financial_income"], 9: parts["interest"], 11: parts["instalments"],
        13: parts["cover"], 14: parts["to_funds"], 17: parts["from_funds"],
        20: parts["transfer"], 22: allocated,
    }


def inputs_2a(proj: Projection, years: list[int]) -> dict[int, np.ndarray]:
    s = _Series(proj, years)
    return {1: s("investments"), 8: s("new_loans"), 9: s("sales"), 10: s("grants"),
            11: s("vat_compensation"), 15: s("transfer_to_investment")}


def inputs_oko_1992(parts: dict[str, np.ndarray], k: dict[str, np.ndarray]
                    ) -> dict[int, np.ndarray]:
    return {
        1: k["charges"], 2: k["sales"], 3: k["others"], 4: parts["block_grant"],
        5: k["state"], 7: parts["tax"], 8: parts["property_tax"],
        11: k["wages"], 12: k["social"], 13: k["purchases"], 15: k["transfers"],
        16: parts["depreciation"], 20: parts["financial_income"], 21: parts["interest"],
        22: parts["instalments"], 27: parts["from_funds"], 30: parts["transfer"],
        31: parts["cover"], 32: parts["to_funds"],
    }


def overviews(plan: Plan, proj: Projection, years: list[int] | None = None
              ) -> list[Overview]:
    """The mandatory overviews of the plan's law regime, for the plan years (or ``years``)."""
    ys = years if years is not None else plan_years(plan, proj)
    parts = operating_parts(plan, proj, ys)
    kinds = kinds_note()
    fin = ("Finansinntekter (avkastning på plasserte midler) er vist som renteinntekter.")
    if plan.law_regime == "2018":
        second_drift = allocation(
            allocation_rows(plan, proj, ys), ys, overview_id="5-4-2",
            title_nb="Bevilgningsoversikt drift (§ 5-4 andre ledd)",
            title_en="Operating appropriations (§ 5-4 second paragraph)",
            total_nb="Sum bevilgninger drift, netto",
            total_en="Total operating appropriations, net", notes=(NOTE_UNIT, NOTE_NET))
        second_inv = allocation(
            project_rows(plan, proj, ys), ys, overview_id="5-5-2",
            title_nb="Bevilgningsoversikt investering (§ 5-5 andre ledd)",
            title_en="Investment appropriations (§ 5-5 second paragraph)",
            total_nb="Sum investeringer i varige driftsmidler",
            total_en="Total investments in fixed assets", notes=(NOTE_UNIT,))
        return [
            bevilgningsoversikt_drift(inputs_5_4(parts), ys, notes=(NOTE_UNIT, NOTE_FUNDS, fin)),
            second_drift,
            bevilgningsoversikt_investering(inputs_5_5(proj, ys), ys, notes=(NOTE_UNIT,)),
            second_inv,
            okonomisk_oversikt_art(inputs_5_6(parts, _kind_split(proj, ys)), ys,
                                   notes=(NOTE_UNIT, kinds)),
        ]
    one_b = allocation(
        allocation_rows(plan, proj, ys), ys, overview_id="1B",
        title_nb="Budsjettskjema 1B – driftsbudsjettet fordelt på sektorer og programområder",
        title_en="Budget schedule 1B – operating budget by sector and programme area",
        total_nb="Sum fordelt til drift (til skjema 1A)",
        total_en="Total allocated to operations (to schedule 1A)",
        notes=(NOTE_UNIT, NOTE_NET))
    two_b = allocation(
        project_rows(plan, proj, ys), ys, overview_id="2B",
        title_nb="Budsjettskjema 2B – investeringsprosjekter",
        title_en="Budget schedule 2B – investment projects",
        total_nb="Sum investeringer i anleggsmidler (til skjema 2A)",
        total_en="Total investments in fixed assets (to schedule 2A)", notes=(NOTE_UNIT,))
    return [
        budsjettskjema_1a(inputs_1a(parts, one_b.total()), ys,
                          notes=(NOTE_UNIT, NOTE_FUNDS, fin)),
        one_b,
        budsjettskjema_2a(inputs_2a(proj, ys), ys, notes=(NOTE_UNIT,)),
        two_b,
        okonomisk_oversikt_drift_1992(inputs_oko_1992(parts, _kind_split(proj, ys)), ys,
                                      notes=(NOTE_UNIT, kinds)),
    ]
