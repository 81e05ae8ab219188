"""The finances year by year: income, expenses, investments and their financing, debt,
instalments, interest, the net operating result and the funds (DESIGN.md, "The engine" 3–4).

Everything that does not depend on last year's balances is computed for all years at once;
only debt, interest, instalments and funds go through the yearly loop, vectorised over
draws. Conventions of the Norwegian accounts (domain.md §2–3):

* ``operating_expenses`` are driftsutgifter *including* depreciation, so
  ``gross_operating_result = operating_income − operating_expenses`` (brutto driftsresultat);
* ``net_operating_result = gross + financial income − interest − instalments + depreciation``
  (depreciation is shown and neutralised by its motpost; instalments hit the result);
* investments are financed by VAT compensation, grants, sales, a transfer from operations
  (self-financing by the plan's rule, for non-rentable projects) and new loans;
* the year's surplus after the transfer goes to the plan's reserve fund; a deficit is drawn
  from the reserve fund, then from other funds, then from the buffer fund; what no fund
  covers is merforbruk (a breach of the balance requirement), covered by later surpluses.

Savings need (innsparingsbehov): for each year, in order, the smallest cut ``s`` in that
year's operating expenses (nominal kroner, against the projection) that brings every rule
the cut can help — the net operating result ratio and the fund levels — within its limit,
given the cuts of earlier years (which have built up the funds).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine.debt import minimum_instalment, minimum_instalment_1992
from muniplan.engine.inputs import INCOME_KINDS, FinanceInputs
from muniplan.engine.rules import SAVINGS_INDICATORS, rule_applies
from muniplan.engine.savings import FEASIBLE, YearState, savings_for_year
from muniplan.plan.model import Rule


@dataclass(frozen=True)
class FinanceResult:
    """Series ``(draw, year)`` in nominal kroner (ratios as fractions)."""

    years: np.ndarray
    series: dict[str, np.ndarray]
    savings_need: np.ndarray | None
    savings_reason: np.ndarray | None = None
    """Why the savings need is NaN, ``(draw, year)`` codes of ``savings.REASONS``."""


def _real_index(growth: np.ndarray) -> np.ndarray:
    g = np.asarray(growth, dtype=float)
    first = np.ones((*g.shape[:-1], 1))
    return np.cumprod(np.concatenate([first, 1.0 + g[..., 1:]], axis=-1), axis=-1)


def _b(x: np.ndarray, draws: int) -> np.ndarray:
    """Broadcast ``(1|D, Y)`` to ``(D, Y)``."""
    return np.broadcast_to(np.asarray(x, dtype=float), (draws, x.shape[-1]))


def project_finances(inp: FinanceInputs, pop_ratio: np.ndarray, service_change_fixed: np.ndarray,
                     rules: Sequence[Rule] = (), *, solve_savings: bool = False,
                     draws: int | None = None) -> FinanceResult:
    """Project the finances.

    ``pop_ratio`` ``(D|1, Y)``: total population over the base year's (income per
    inhabitant follows it). ``service_change_fixed`` ``(D|1, Y)``: the change in the cost of
    the age-driven services against the base year, fixed kroner (demographic cost and
    levers). With ``solve_savings`` the yearly savings need is found and applied to the
    balances of later years; the series then describe the path *with* those savings.
    """
    y_count = len(inp.years)
    shapes = [pop_ratio.shape[0], service_change_fixed.shape[0], inp.wage_growth.shape[0],
              inp.cost_growth.shape[0],
              inp.price_growth.shape[0], inp.interest_rate.shape[0], inp.income_shock.shape[0],
              *(g.shape[0] for g in inp.income_real_growth.values())]
    d = draws or max(shapes)
    price = _b(inp.price_index, d)

    # --- income --------------------------------------------------------------------------
    pop = _b(pop_ratio, d)
    shock = _b(inp.income_shock, d)
    income_by_kind = {}
    for k in INCOME_KINDS:
        base = inp.income_base[k]
        real = _b(_real_index(inp.income_real_growth[k]), d)
        income_by_kind[k] = base * real * (pop if inp.income_per_inhabitant[k] else 1.0) \
            * price * shock
    income = sum(income_by_kind.values())

    # --- operating expenses (excluding depreciation) -------------------------------------
    real_cost = _b(_real_index(inp.cost_growth), d)
    sector_nominal = inp.sector_frames_fixed[None, :, :] * (price * real_cost)[:, None, :]
    services = _b(service_change_fixed, d) * price * real_cost
    other_fixed = (inp.operating_consequences_fixed + inp.measures_fixed
                   + inp.expense_adjustment_fixed)
    other = other_fixed[None, :] * price
    opex = sector_nominal.sum(axis=1) + services + other

    # --- investments and financing ------------------------------------------------------
    # Financing is linear in each project's cost with per-project shares, and the price
    # index is common to all projects, so every aggregate is a (D, Y) array: no
    # (draw, project, year) tensors, which would not fit 10 000 draws in memory.
    c = inp.investment_cost_fixed  # (P, Y) fixed kroner
    fixed_loan = ~np.isnan(inp.loan_share)
    self_share = np.where(inp.rentable, 0.0, inp.self_financing_share)
    net_share = 1.0 - inp.vat_share - inp.grant_share - inp.sale_share
    loan_share = np.where(fixed_loan, np.nan_to_num(inp.loan_share), net_share * (1 - self_share))
    cost = price * c.sum(axis=0)
    vat = price * (inp.vat_share @ c)
    grants = price * (inp.grant_share @ c)
    sales = price * (inp.sale_share @ c)
    new_loans = price * (loan_share @ c)
    transfer = cost - vat - grants - sales - new_loans
    nonrent = ~inp.rentable
    net_nonrent = (net_share * nonrent) @ c
    self_nonrent = ((net_share - loan_share) * nonrent) @ c
    with np.errstate(invalid="ignore", divide="ignore"):
        sf_share = np.broadcast_to(
            np.where(net_nonrent > 0, self_nonrent / net_nonrent, np.nan), (d, y_count))

    # --- depreciation and depreciable assets ---------------------------------------------
    k = c * (1.0 - inp.vat_share)[:, None]  # booked without the compensated VAT, (P, Y)
    total_cap = price @ k.T  # (D, P) nominal capital of each project
    idx = np.arange(y_count)
    comp = inp.completion_index[:, None]
    life = inp.useful_life[:, None]
    active = (idx[None, :] > comp) & (idx[None, :] <= comp + life)  # (P, Y) depreciating
    rate_p = active / life  # share of the capital depreciated each year
    cum_rate = np.cumsum(rate_p, axis=1)
    completed = (idx[None, :] >= comp).astype(float)  # (P, Y): in service at year end
    useful = np.broadcast_to(life, completed.shape)  # (P, Y): each asset's useful life
    upto = np.triu(np.ones((y_count, y_count)))  # [y, t]: spent in year y <= t

    def book(weight: np.ndarray) -> np.ndarray:
        """Σ_p weight[p, t] × book value of project p at the end of year t, (D, Y)."""
        spent = price @ ((k.T @ weight) * upto)
        written_off = total_cap @ (weight * cum_rate)
        return spent - written_off

    dep_new = total_cap @ rate_p
    book_new_completed = book(completed)
    book_new_all = book(np.ones_like(completed))
    book_new_life = book(useful)

    dep_old = np.zeros(y_count)
    book_old = np.zeros(y_count)
    bv = inp.opening_assets
    for i in range(y_count):
        dep_old[i] = min(inp.opening_depreciation, bv)
        bv -= dep_old[i]
        book_old[i] = bv
    depreciation = dep_old[None, :] + dep_new
    assets_end = book_old[None, :] + book_new_completed  # depreciable assets at year end
    # § 50 nr. 7 a (regnearkmodellen): each asset group's *useful* life weighted by its
    # book value at the year end; the lives do not age, the weights shift as book values
    # are written down and new assets come in
    with np.errstate(invalid="ignore", divide="ignore"):
        w_life_end = (book_old * inp.opening_useful_life)[None, :] + book_new_life
        w_life_end = w_life_end / (book_old[None, :] + book_new_all)
    w_life_end = np.where(np.isfinite(w_life_end), w_life_end, inp.opening_useful_life)

    financial_income = np.broadcast_to(inp.financial_income[None, :], (d, y_count))
    rate = _b(inp.interest_rate, d)

    # --- the yearly loop: debt, instalments, interest, result, funds -------------------
    debt = np.empty((d, y_count))
    instal = np.empty((d, y_count))
    min_instal = np.empty((d, y_count))
    interest = np.empty((d, y_count))
    ndr = np.empty((d, y_count))
    funds = np.empty((d, len(inp.fund_ids), y_count))
    deficit = np.empty((d, y_count))
    accumulated_deficit = np.empty((d, y_count))
    savings = np.zeros((d, y_count))
    savings_reason = np.full((d, y_count), FEASIBLE)
    debt_prev = np.full(d, float(inp.opening_debt))
    assets_prev = np.full(d, float(inp.opening_assets))
    life_prev = np.full(d, float(inp.opening_useful_life))
    funds_prev = np.broadcast_to(inp.fund_opening, (d, len(inp.fund_ids))).copy()
    acc_prev = np.zeros(d)
    roles = np.array(inp.fund_roles)
    for i in range(y_count):
        if inp.law_regime == "2018":
            safe_assets = np.where(assets_prev > 0, assets_prev, np.nan)
            m = minimum_instalment(debt_prev, depreciation[:, i], safe_assets)
            m = np.where(np.isnan(m), debt_prev / np.maximum(life_prev, 1.0), m)
        else:
            m = minimum_instalment_1992(debt_prev, np.maximum(life_prev, 1.0))
        min_instal[:, i] = m
        instal[:, i] = np.minimum(debt_prev, m + inp.extra_instalments)
        debt[:, i] = debt_prev + new_loans[:, i] - instal[:, i]
        interest[:, i] = rate[:, i] * (debt_prev + debt[:, i]) / 2.0
        ndr0 = income[:, i] + financial_income[:, i] - opex[:, i] - interest[:, i] - instal[:, i]
        surplus0 = ndr0 - transfer[:, i]

        s = np.zeros(d)
        if solve_savings:
            applicable = [r for r in rules if r.indicator in SAVINGS_INDICATORS
                          and rule_applies(r, inp, i)]
            if applicable:
                s, savings_reason[:, i] = savings_for_year(applicable, YearState(
                    surplus0, ndr0, income[:, i], funds_prev, acc_prev, roles,
                    inp.reserve_fund_index, _dispose))
        savings[:, i] = s
        # a year no cut of up to half the income can rescue has no savings need (NaN); it
        # is carried on uncut, so its deficit shows in the balances of the years after it
        s = np.nan_to_num(s, nan=0.0)
        ndr[:, i] = ndr0 + s
        new_funds, dfc, acc = _dispose(funds_prev, acc_prev, surplus0 + s, roles,
                                       inp.reserve_fund_index)
        funds[:, :, i] = new_funds
        deficit[:, i] = dfc
        accumulated_deficit[:, i] = acc
        debt_prev = debt[:, i]
        assets_prev = assets_end[:, i]
        life_prev = w_life_end[:, i]
        funds_prev = new_funds
        acc_prev = acc

    buffer = funds[:, roles == "buffer", :].sum(axis=1)
    reserve = funds[:, roles == "reserve", :].sum(axis=1)
    all_funds = funds.sum(axis=1)
    operating_expenses = opex + depreciation
    gross = income - operating_expenses
    series: dict[str, np.ndarray] = {
        "operating_income": income,
        **{f"income_{k}": v for k, v in income_by_kind.items() if inp.income_base[k]},
        "operating_expenses": operating_expenses,
        **{f"expenses_{sid}": sector_nominal[:, s, :] for s, sid in enumerate(inp.sector_ids)},
        "service_cost_change": services,
        "operating_consequences": inp.operating_consequences_fixed[None, :] * price,
        "measures_outside_frames": inp.measures_fixed[None, :] * price,
        "depreciation": depreciation,
        "gross_operating_result": gross,
        "financial_income": np.array(financial_income),
        "interest": interest,
        "minimum_instalment": min_instal,
        "instalments": instal,
        "net_operating_result": ndr,
        "net_operating_result_ratio": ndr / income,
        "investments": cost,
        "vat_compensation": vat,
        "grants": grants,
        "sales": sales,
        "transfer_to_investment": transfer,
        "new_loans": new_loans,
        "self_financing_share": sf_share,
        "debt": debt,
        "debt_ratio": debt / income,
        "depreciable_assets": assets_end,
        "weighted_useful_life": w_life_end,
        "reserve_fund": all_funds,
        "buffer_fund": buffer,
        "liquidity_reserve": reserve,
        **{f"fund_{fid}": funds[:, f, :] for f, fid in enumerate(inp.fund_ids)},
        "deficit": deficit,
        "accumulated_deficit": accumulated_deficit,
        "price_index": price,
        "cost_index": real_cost,
        "population_ratio": pop,
    }
    if solve_savings:
        series["savings"] = savings
    return FinanceResult(inp.years, series, savings if solve_savings else None,
                         savings_reason if solve_savings else None)


def _dispose(funds: np.ndarray, acc: np.ndarray, surplus: np.ndarray, roles: np.ndarray,
             reserve_index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allocate the year's surplus (or cover its deficit) over the funds.

    Returns the funds at year end, the year's uncovered deficit and the accumulated
    uncovered deficit. A surplus first covers earlier years' deficit.
    """
    funds = funds.copy()
    x = surplus.copy()
    cover = np.minimum(np.maximum(x, 0.0), acc)
    acc = acc - cover
    x = x - cover
    funds[:, reserve_index] += x
    short = np.maximum(-funds[:, reserve_index], 0.0)
    funds[:, reserve_index] += short
    order = [j for j in range(funds.shape[1]) if j != reserve_index and roles[j] != "buffer"]
    order += [j for j in range(funds.shape[1]) if j != reserve_index and roles[j] == "buffer"]
    for j in order:
        take = np.minimum(short, funds[:, j])
        funds[:, j] -= take
        short = short - take
    return funds, short, acc + short
