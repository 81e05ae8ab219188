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

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine import finance_fast
from muniplan.engine.debt import minimum_instalment, minimum_instalment_1992
from muniplan.engine.equalisation import equalised_block_grant
from muniplan.engine.execution import Execution, execution_matrix, spend_many
from muniplan.engine.finance_fast import run_loop, use_compiled
from muniplan.engine.inputs import INCOME_KINDS, FinanceInputs
from muniplan.engine.property_tax import CATEGORIES, income_change_fixed
from muniplan.engine.rules import SAVINGS_INDICATORS, robek, rule_applies
from muniplan.engine.savings import (
    FEASIBLE,
    YearState,
    disposition_weights,
    drain_order,
    savings_for_year,
)
from muniplan.plan.model import Rule


@dataclass(frozen=True)
class FinanceResult:
    """Series ``(draw, year)`` in nominal kroner (ratios as fractions)."""

    years: np.ndarray
    series: dict[str, np.ndarray]
    savings_need: np.ndarray | None
    savings_reason: np.ndarray | None = None
    """Why the savings need is NaN, ``(draw, year)`` codes of ``savings.REASONS``."""
    recovered_by_place: dict[int, np.ndarray] | None = None
    """The fees and rents covering capital cost, ``(draw, year)``, by the projects' place
    (``FinanceInputs.project_place``), so the programområder can hold them."""


def _real_index(growth: np.ndarray) -> np.ndarray:
    g = np.asarray(growth, dtype=float)
    first = np.ones((*g.shape[:-1], 1))
    return np.cumprod(np.concatenate([first, 1.0 + g[..., 1:]], axis=-1), axis=-1)


def _b(x: np.ndarray, draws: int) -> np.ndarray:
    """Broadcast ``(1|D, Y)`` to ``(D, Y)``."""
    return np.broadcast_to(np.asarray(x, dtype=float), (draws, x.shape[-1]))


def project_finances(inp: FinanceInputs, pop_ratio: np.ndarray, service_change_fixed: np.ndarray,
                     rules: Sequence[Rule] = (), *, solve_savings: bool | np.ndarray = False,
                     draws: int | None = None, compiled: bool | None = None,
                     alongside: bool = False, kept: Collection[str] | None = None,
                     mean_execution: np.ndarray | None = None, threads: int | None = None,
                     into: dict[str, np.ndarray] | None = None) -> FinanceResult:
    """Project the finances.

    ``pop_ratio`` ``(D|1, Y)``: total population over the base year's (income per
    inhabitant follows it). ``service_change_fixed`` ``(D|1, Y)``: the change in the cost of
    the age-driven services against the base year, fixed kroner (demographic cost and
    levers). With ``solve_savings`` the yearly savings need is found and applied to the
    balances of later years; the series then describe the path *with* those savings.
    ``solve_savings`` may also be one boolean per draw: a projection then gets the path
    without savings (False) and with them (True) from one pass of the yearly loop.
    With ``alongside`` the series describe the path without savings and the savings need
    of every draw comes from a second pass of the yearly loop over the same inputs (a Monte
    Carlo run needs both; the years' inputs are made once).
    ``kept``: the series the caller reads (a Monte Carlo keeps a few); the projects'
    spending paths are made only when asked for. ``compiled``: run the yearly loop compiled
    (:mod:`muniplan.engine.finance_kernel`) or as the numpy reference below; None chooses by
    :func:`finance_fast.use_compiled`, and where that says no, a projection of at most
    :data:`finance_fast.PLAIN_DRAWS` draws runs the compiled loop's source as plain Python;
    ``threads``: the compiled loop's threads.
    ``mean_execution`` ``(1, Y)``: the execution rate whose path the asset register follows,
    if not the mean of ``inp``'s (a caller projecting some of a run's draws gives the mean
    of all of them).
    ``into``: C-contiguous ``(D, Y)`` arrays by series name (and ``""`` for the savings
    need) where the year loop writes those series itself, so a caller collecting the
    series of many parts copies them once less (:func:`finance_stage.project_parts`).
    """
    y_count = len(inp.years)
    shapes = [pop_ratio.shape[0], service_change_fixed.shape[0], inp.wage_growth.shape[0],
              inp.cost_growth.shape[0],
              inp.price_growth.shape[0], inp.interest_rate.shape[0], inp.income_shock.shape[0],
              *(g.shape[0] for g in inp.income_real_growth.values()),
              inp.return_deviation.shape[0],
              1 if inp.execution_rate is None else inp.execution_rate.shape[0]]
    d = draws or max(shapes)
    solve_rows = np.broadcast_to(np.asarray(solve_savings, dtype=bool), (d,))
    solving = bool(solve_rows.any())
    price_index = inp.price_index
    price = _b(price_index, d)

    # --- income --------------------------------------------------------------------------
    pop = _b(pop_ratio, d)
    shock = _b(inp.income_shock, d)
    income_by_kind = {}
    extra = {"property_tax": income_change_fixed(inp.property_tax_base, inp.property_tax_rates,
                                                 inp.property_tax_plan_rates)
             if inp.property_tax_known else 0.0}
    for k in INCOME_KINDS:
        # base × real growth (× population) × price, in that order; a factor that is one
        # row or 1.0 for every draw is not spread over the draws first (same figures)
        base = inp.income_base[k] + extra.get(k, 0.0)
        per_head = base * _real_index(inp.income_real_growth[k])
        if inp.income_per_inhabitant[k]:
            per_head = per_head * pop
        income_by_kind[k] = per_head * price
    equalisation, expected_equalisation = _equalisation(inp, income_by_kind, pop, price)
    income_by_kind["block_grant"] = (income_by_kind["block_grant"] + equalisation
                                     - expected_equalisation)
    # a netto frame holds its area's own fees and refunds; the budgeted ones (before a
    # stress test's shortfall and a lever on fees) are added back so expenses are gross
    netted = {k: share * income_by_kind[k] for k, share in inp.netted_share.items() if share}
    if inp.fee_factor.size:
        income_by_kind["fees"] = income_by_kind["fees"] * inp.fee_factor
    if not np.all(inp.income_shock == 1.0):  # a stress test's shortfall on all income
        income_by_kind = {k: v * shock for k, v in income_by_kind.items()}
        equalisation = equalisation * shock

    # --- operating expenses (excluding depreciation) -------------------------------------
    real_cost = _b(_real_index(inp.cost_growth), d)
    sector_nominal = inp.sector_frames_fixed[None, :, :] * (price * real_cost)[:, None, :]
    services = _b(service_change_fixed, d) * price * real_cost
    other_fixed = (inp.operating_consequences_fixed + inp.measures_fixed
                   + inp.expense_adjustment_fixed)
    other = other_fixed[None, :] * price
    opex = sector_nominal.sum(axis=1) + services + other + sum(netted.values(), 0.0)

    # --- investments and financing ------------------------------------------------------
    # Financing is linear in each project's cost with per-project shares, and the price
    # index and the execution rate are common to all projects, so every aggregate is a
    # (D, Y) array: no (draw, project, year) tensors, which would not fit 10 000 draws.
    c_budget = inp.investment_cost_fixed  # (P, Y) fixed kroner, as budgeted
    # one row of rates (not drawn) is spent once for every draw
    exe = None if inp.execution_rate is None else Execution(inp.execution_rate)
    fixed_loan = ~np.isnan(inp.loan_share)
    self_share = np.where(inp.rentable, 0.0, inp.self_financing_share)
    net_share = 1.0 - inp.vat_share - inp.grant_share - inp.sale_share
    loan_share = np.where(fixed_loan, np.nan_to_num(inp.loan_share), net_share * (1 - self_share))

    # nominal spending (D, Y) on Σ_p weights[p] × cost[p], as executed, for each weighting
    nonrent = ~inp.rentable
    weights = (np.ones(len(c_budget)), inp.vat_share, inp.grant_share, inp.sale_share,
               loan_share, net_share * nonrent, (net_share - loan_share) * nonrent)
    budgets = np.stack([w @ c_budget for w in weights])
    if exe is not None and exe.matrix is None and use_compiled(compiled, d):
        # the same recursion and products compiled, in one pass (numpy's went through a
        # (year, path, draw) array read back crosswise)
        spent = list(finance_fast.spend_priced(exe.rate, budgets, price_index))
    else:
        spent = [price * s for s in spend_many(exe, budgets)]
    cost, vat, grants, sales, loans, net_nonrent, self_nonrent = spent
    into = into or {}
    new_loans = _filled(into.get("new_loans"), loans, (d, y_count))
    transfer = _filled(into.get("transfer_to_investment"),
                       cost - vat - grants - sales - new_loans, (d, y_count))
    net_nonrent = np.broadcast_to(net_nonrent, (d, y_count))
    self_nonrent = np.broadcast_to(self_nonrent, (d, y_count))
    budget_cost = price * c_budget.sum(axis=0)

    # --- depreciation and depreciable assets ---------------------------------------------
    # the asset register follows the spending on the mean execution path
    if exe is not None and mean_execution is None:
        mean_execution = exe.rate.mean(axis=0, keepdims=True)
    c = c_budget if exe is None else c_budget @ (
        exe.matrix[0] if exe.matrix is not None and len(exe.rate) == 1
        else execution_matrix(mean_execution)[0]).T
    k = c * (1.0 - inp.vat_share)[:, None]  # booked without the compensated VAT, (P, Y)
    # a project's nominal capital is price @ k[p]; every sum over projects below is taken
    # on the (Y, Y) side first, so no (draw, project) array is made
    idx = np.arange(y_count)
    comp = inp.completion_index[:, None]
    life = inp.useful_life[:, None]
    active = (idx[None, :] > comp) & (idx[None, :] <= comp + life)  # (P, Y) depreciating
    rate_p = active / life  # share of the capital depreciated each year
    cum_rate = np.cumsum(rate_p, axis=1)
    completed = (idx[None, :] >= comp).astype(float)  # (P, Y): in service at year end
    useful = np.broadcast_to(life, completed.shape)  # (P, Y): each asset's useful life
    upto = np.triu(np.ones((y_count, y_count)))  # [y, t]: spent in year y <= t

    def capital(weight: np.ndarray) -> np.ndarray:
        """Σ_p weight[p, t] × nominal capital of project p, (D, Y)."""
        return price @ (k.T @ weight)

    def book(weight: np.ndarray) -> np.ndarray:
        """Σ_p weight[p, t] × book value of project p at the end of year t, (D, Y): what
        was spent up to t, less what has been written off."""
        return price @ ((k.T @ weight) * upto - k.T @ (weight * cum_rate))

    dep_new = capital(rate_p)
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

    rate = _b(inp.interest_rate, d)
    # selvkost and cost-covering rents: fees (rents) that cover the capital cost of the
    # projects that recover it — depreciation plus kalkulatorisk rente on last year-end's
    # book value of the assets in service (retningslinjer for selvkost, H-3/14)
    recovered: dict[str, np.ndarray] = {}
    by_place: dict[int, np.ndarray] = {}
    place = np.full(len(inp.cost_recovery), -1)
    place[:len(inp.project_place)] = inp.project_place[:len(place)]
    for code, name in ((1, "selvkost"), (2, "rent")):
        for where in np.unique(place[inp.cost_recovery == code]) if len(place) else ():
            mask = ((inp.cost_recovery == code) & (place == where))[:, None]
            book_prev = np.concatenate([np.zeros((d, 1)), book(completed * mask)[:, :-1]],
                                       axis=1)
            part = (capital(rate_p * mask) + rate * book_prev) * shock
            recovered[name] = recovered.get(name, 0.0) + part
            by_place[int(where)] = by_place.get(int(where), 0.0) + part
            income_by_kind["fees"] = income_by_kind["fees"] + part
    income = sum(income_by_kind.values())

    other_financial = np.broadcast_to(inp.financial_income[None, :], (d, y_count))
    managed = inp.managed_fund_index
    # the inputs by draw as they are, ``(D|1, Y)``: the loops read a single row for all
    flows = {"income": income, "opex": opex, "depreciation": depreciation,
             "assets_end": assets_end, "w_life_end": w_life_end, "rate": inp.interest_rate,
             "cpi": inp.price_growth,
             "deviation": inp.return_deviation if managed >= 0 else np.zeros((1, y_count)),
             "new_loans": new_loans, "transfer": transfer}
    out = _loop_outputs(d, y_count, len(inp.fund_ids), {
        k: into[name] for k, name in LOOP_SERIES.items() if name in into})
    if alongside:
        # the savings need from a second pass of the loop over the same inputs; the
        # series describe the path without it
        solved = _loop_outputs(d, y_count, len(inp.fund_ids),
                               {"savings": into[""]} if "" in into else {})
        passes = [(np.ones(d, dtype=bool), {**flows, "new_loans": new_loans.copy(),
                                            "transfer": transfer.copy()}, solved),
                  (np.zeros(d, dtype=bool), flows, out)]
        savings, savings_reason = solved["savings"], solved["reason"]
    else:
        passes = [(solve_rows, flows, out)]
        savings, savings_reason = out["savings"], out["reason"]
    if use_compiled(compiled, d):
        run_loop(inp, rules, passes, threads)
    elif compiled is None and d <= finance_fast.PLAIN_DRAWS:
        run_loop(inp, rules, passes, 1, kernel=finance_fast.plain_kernel())
    else:
        for rows, pass_flows, pass_out in passes:
            _numpy_loop(inp, rules, rows, pass_flows, pass_out)
    debt, instal, min_instal = out["debt"], out["instal"], out["min_instal"]
    interest, ndr, funds, deficit = out["interest"], out["ndr"], out["funds"], out["deficit"]
    accumulated_deficit, fund_return = out["accumulated"], out["fund_return"]
    return_budgeted, loans_for_transfer = out["return_budgeted"], out["loans_for_transfer"]
    roles = np.array(inp.fund_roles)

    # what follows from the loop's balances, for all years at once
    with np.errstate(invalid="ignore", divide="ignore"):
        sf_share = np.where(net_nonrent > 0,
                            (self_nonrent - loans_for_transfer) / net_nonrent, np.nan)
    moved = (_movements(inp, funds, deficit, accumulated_deficit)
             if kept is None or not set(MOVEMENTS).isdisjoint(kept) else {})
    buffer, reserve = _role_sum(funds, roles == "buffer"), _role_sum(funds, roles == "reserve")
    all_funds = funds.sum(axis=1)
    operating_expenses = opex + depreciation
    gross = income - operating_expenses
    financial_income = other_financial + fund_return
    series: dict[str, np.ndarray] = {
        "operating_income": income,
        **{f"income_{k}": v for k, v in income_by_kind.items()
           if inp.income_base[k] or np.any(v != 0)},
        "operating_expenses": operating_expenses,
        **{f"expenses_{sid}": sector_nominal[:, s, :] for s, sid in enumerate(inp.sector_ids)},
        "service_cost_change": services,
        **_made({"operating_consequences":
                 lambda: inp.operating_consequences_fixed[None, :] * price,
                 "measures_outside_frames": lambda: inp.measures_fixed[None, :] * price}, kept),
        "depreciation": depreciation,
        "gross_operating_result": gross,
        "financial_income": financial_income,
        "interest": interest,
        "minimum_instalment": min_instal,
        "instalments": instal,
        "net_operating_result": ndr,
        "net_operating_result_ratio": ndr / income,
        "investments": cost,
        "investment_budget": np.broadcast_to(budget_cost, (d, y_count)),
        **_made({"investment_carried_forward": lambda: np.broadcast_to(
            np.cumsum(budget_cost - cost, axis=-1), (d, y_count))}, kept),
        "vat_compensation": vat,
        "grants": grants,
        "sales": sales,
        "transfer_to_investment": transfer,
        "transfer_shortfall_loans": loans_for_transfer,
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
        **{k: v for k, v in moved.items() if k != "deficit_covered"},
        "deficit": deficit,
        **{k: v for k, v in moved.items() if k == "deficit_covered"},
        "accumulated_deficit": accumulated_deficit,
        "price_index": price,
        "cost_index": real_cost,
        "population_ratio": pop,
    }
    series["robek_status"] = robek(inp, series)[1].astype(float)
    # each plan project as spent (the execution rate's mean path), for budsjettskjema 2B /
    # § 5-5 andre ledd: they sum to ``investments`` in the plan years
    long_term = inp.long_term_rows or (False,) * len(inp.investment_ids)
    for p_i, (pid, lt) in enumerate(zip(inp.investment_ids, long_term, strict=True)):
        if not lt and (kept is None or f"project_{pid}" in kept):
            series[f"project_{pid}"] = price * c[p_i]
    if inp.tax_ratio:
        series["income_equalisation"] = equalisation
    if inp.property_tax_known:
        for c, category in enumerate(CATEGORIES):
            series[f"property_tax_rate_{category}"] = np.broadcast_to(
                inp.property_tax_rates[c], (d, y_count))
    for name, v in recovered.items():
        series[f"capital_cost_recovered_{name}"] = v
    for kind, v in netted.items():
        series[f"netted_{kind}"] = v
    if managed >= 0:
        series["fund_return"] = fund_return
        series["fund_return_budgeted"] = return_budgeted
        series.update(_made({"fund_return_deviation": lambda: fund_return - return_budgeted},
                            kept))
    if solving and not alongside:
        series["savings"] = savings
    solving = solving or alongside
    return FinanceResult(inp.years, series, savings if solving else None,
                         savings_reason if solving else None, by_place)


def _made(makers: dict[str, Callable[[], np.ndarray]], kept: Collection[str] | None
          ) -> dict[str, np.ndarray]:
    """The series of ``makers`` that the caller keeps (all when ``kept`` is None): these are
    read by no rule, and a Monte Carlo keeps none of them."""
    return {k: make() for k, make in makers.items() if kept is None or k in kept}


def _role_sum(funds: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The sum of the ``chosen`` funds, ``(D, Y)``. One fund is its own sum: its series is
    returned as it is, without copying every draw's funds to add nothing to it."""
    picked = np.flatnonzero(chosen)
    if len(picked) == 1:
        return funds[:, picked[0], :]
    return funds[:, picked, :].sum(axis=1)


MOVEMENTS = ("fund_allocations", "fund_use", "deficit_covered")


def _movements(inp: FinanceInputs, funds: np.ndarray, deficit: np.ndarray,
               accumulated: np.ndarray) -> dict[str, np.ndarray]:
    """What went into and out of the funds each year and the deficit covered: three passes
    over every fund of every draw, made only for a caller that keeps them (a Monte Carlo
    does not)."""
    d = funds.shape[0]
    opening = np.broadcast_to(inp.fund_opening, (d, len(inp.fund_ids)))[:, :, None]
    change = funds - np.concatenate([opening, funds[:, :, :-1]], axis=2)
    acc_before = np.concatenate([np.zeros((d, 1)), accumulated[:, :-1]], axis=1)
    return dict(zip(MOVEMENTS, (np.maximum(change, 0.0).sum(axis=1),
                                np.maximum(-change, 0.0).sum(axis=1),
                                acc_before + deficit - accumulated), strict=True))


LOOP_SERIES = {"debt": "debt", "instal": "instalments", "interest": "interest",
               "ndr": "net_operating_result", "deficit": "deficit",
               "accumulated": "accumulated_deficit", "fund_return": "fund_return"}
"""The year loop's outputs that are series of their own, by the series' names."""


def _filled(into: np.ndarray | None, value: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """``value`` spread to ``shape`` in a new array, or written into ``into``."""
    if into is None:
        return np.array(np.broadcast_to(value, shape))
    np.copyto(into, value)
    return into


def _loop_outputs(d: int, y: int, f: int, into: dict[str, np.ndarray] | None = None
                  ) -> dict[str, np.ndarray]:
    """The arrays the yearly loop fills, ``(D, Y)`` (``funds`` ``(D, F, Y)``); those in
    ``into`` are written there (and zeroed where the loop may leave them)."""
    out = {k: np.empty((d, y)) for k in ("debt", "instal", "min_instal", "interest", "ndr",
                                          "deficit", "accumulated")}
    out.update({k: np.zeros((d, y)) for k in ("fund_return", "return_budgeted",
                                              "loans_for_transfer", "savings")})
    for k, a in (into or {}).items():
        if k in ("fund_return", "savings"):
            a.fill(0.0)
        out[k] = a
    out["funds"] = np.empty((d, f, y))
    out["reason"] = np.full((d, y), FEASIBLE)
    return out


def _numpy_loop(inp: FinanceInputs, rules: Sequence[Rule], solve_rows: np.ndarray,
                flows: dict[str, np.ndarray], out: dict[str, np.ndarray]) -> None:
    """The yearly loop, vectorised over draws: the reference the compiled loop
    (:mod:`muniplan.engine.finance_kernel`) is tested against. ``new_loans`` and
    ``transfer`` in ``flows`` change in place (the transfer operations could not carry is
    borrowed)."""
    d, y_count = out["debt"].shape
    income, opex, depreciation, assets_end, w_life_end, rate, cpi, deviation = (
        _b(flows[n], d) for n in ("income", "opex", "depreciation", "assets_end",
                                  "w_life_end", "rate", "cpi", "deviation"))
    new_loans, transfer = flows["new_loans"], flows["transfer"]
    managed = inp.managed_fund_index
    other_financial = np.broadcast_to(inp.financial_income[None, :], (d, y_count))
    if managed >= 0:
        expected_real = np.broadcast_to(inp.expected_real_return[None, :], (d, y_count))
    debt, instal, min_instal = out["debt"], out["instal"], out["min_instal"]
    interest, ndr, funds, deficit = out["interest"], out["ndr"], out["funds"], out["deficit"]
    accumulated_deficit, fund_return = out["accumulated"], out["fund_return"]
    return_budgeted, loans_for_transfer = out["return_budgeted"], out["loans_for_transfer"]
    savings, savings_reason = out["savings"], out["reason"]
    solving = bool(solve_rows.any())
    debt_prev = np.full(d, float(inp.opening_debt))
    assets_prev = np.full(d, float(inp.opening_assets))
    life_prev = np.full(d, float(inp.opening_useful_life))
    funds_prev = np.broadcast_to(inp.fund_opening, (d, len(inp.fund_ids))).copy()
    acc_prev = np.zeros(d)
    for i in range(y_count):
        if inp.law_regime == "2018":
            safe_assets = np.where(assets_prev > 0, assets_prev, np.nan)
            m = minimum_instalment(debt_prev, depreciation[:, i], safe_assets)
            m = np.where(np.isnan(m), debt_prev / np.maximum(life_prev, 1.0), m)
        else:
            m = minimum_instalment_1992(debt_prev, np.maximum(life_prev, 1.0))
        min_instal[:, i] = m
        instal[:, i] = np.minimum(debt_prev, m + inp.extra_instalments)
        debt_i = debt_prev + new_loans[:, i] - instal[:, i]
        interest[:, i] = rate[:, i] * (debt_prev + debt_i) / 2.0
        held = np.zeros((d, len(inp.fund_ids)))  # the fund return's own dispositions
        fin = other_financial[:, i].copy()
        if managed >= 0:
            balance = funds_prev[:, managed]
            return_budgeted[:, i] = balance * (expected_real[:, i] + cpi[:, i])
            fund_return[:, i] = return_budgeted[:, i] + balance * deviation[:, i]
            fin = fin + fund_return[:, i]
            held[:, managed] = balance * cpi[:, i]  # keeps the fund's real value
            held[:, inp.return_buffer_index] += balance * deviation[:, i]
        ndr0 = income[:, i] + fin - opex[:, i] - interest[:, i] - instal[:, i]
        year = _Year(funds_prev + held, acc_prev, inp.fund_roles, inp.reserve_fund_index,
                     transfer[:, i], inp.transfer_limit, held.sum(axis=1))

        s = np.zeros(d)
        if solving:
            applicable = [r for r in rules if r.indicator in SAVINGS_INDICATORS
                          and rule_applies(r, inp, i)]
            if applicable:
                s, savings_reason[:, i] = savings_for_year(applicable, _year_state(
                    year, ndr0, income[:, i], funds_prev, acc_prev, inp.fund_roles,
                    inp.reserve_fund_index))
        if not solve_rows.all():
            s = np.where(solve_rows, s, 0.0)
            savings_reason[~solve_rows, i] = FEASIBLE
        savings[:, i] = s
        # a year no cut of up to half the income can rescue has no savings need (NaN); it
        # is carried on uncut, so its deficit shows in the balances of the years after it
        s = np.where(np.isnan(s), 0.0, s)
        ndr[:, i] = ndr0 + s
        new_funds, dfc, acc, moved = year.dispose(ndr[:, i])
        # the transfer operations could not carry is borrowed at the year end
        short = transfer[:, i] - moved
        loans_for_transfer[:, i] = short
        transfer[:, i] = moved
        new_loans[:, i] += short
        debt[:, i] = debt_i + short
        funds[:, :, i] = new_funds
        deficit[:, i] = dfc
        accumulated_deficit[:, i] = acc
        debt_prev = debt[:, i]
        assets_prev = assets_end[:, i]
        life_prev = w_life_end[:, i]
        funds_prev = new_funds
        acc_prev = acc


def _equalisation(inp: FinanceInputs, income: dict[str, np.ndarray], pop: np.ndarray,
                  price: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inntektsutjevning on the tax as projected, and on the tax of the national path.

    The plan's block grant includes the base year's equalisation and grows with it on the
    national path; what the municipality's own tax deviates from that path is equalised
    (60 %) in the same year, in the deterministic run as in every Monte Carlo draw."""
    if not inp.tax_ratio:
        zero = np.zeros_like(income["tax"])
        return zero, zero
    national = inp.income_base["tax"] * _real_index(inp.national_tax_growth) * price
    if inp.income_per_inhabitant["tax"]:
        national = national * pop
    national = np.broadcast_to(national, income["tax"].shape)
    actual = equalised_block_grant(income["tax"], national, inp.tax_ratio, inp.equalisation,
                                   pop)
    expected = equalised_block_grant(national, national, inp.tax_ratio, inp.equalisation, pop)
    return actual, expected


@dataclass(frozen=True)
class _Year:
    """One year's disposition of the net operating result (the 1A/§ 5-4 disposition block).

    ``funds``: the funds at the start of the year after the fund return's own dispositions
    (``held``: the inflation part kept in the forvaltningsfond, the return's deviation to or
    from the bufferfond). The rest of the result pays the transfer to investment — no more
    than operations can carry under the plan's ``limit`` — and then goes to (or is drawn
    from) the funds."""

    funds: np.ndarray
    acc: np.ndarray
    roles: Sequence[str]
    reserve_index: int
    planned_transfer: np.ndarray
    limit: str
    held: np.ndarray

    def _flows(self, ndr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The funds after a return loss beyond the bufferfond, what the result leaves to
        dispose, and the transfer paid."""
        below = np.minimum(self.funds, 0.0)  # a return loss larger than the bufferfond
        funds = self.funds - below
        free = ndr - self.held + below.sum(axis=1)
        if self.limit == "none":
            return funds, free, self.planned_transfer
        moved = np.minimum(np.maximum(free + self.usable(funds), 0.0), self.planned_transfer)
        return funds, free, moved

    def usable(self, funds: np.ndarray) -> np.ndarray:
        """What operations may use for the transfer beyond the year's result: nothing, or
        under ``result_and_funds`` the disposition funds less the uncovered deficit."""
        if self.limit != "result_and_funds":
            return np.zeros(len(funds))
        return funds @ disposition_weights(tuple(self.roles)) - self.acc

    def rows(self, index: np.ndarray) -> _Year:
        """The year of some draws (an index array may repeat a draw)."""
        return _Year(self.funds[index], self.acc[index], self.roles, self.reserve_index,
                     self.planned_transfer[index], self.limit, self.held[index])

    def surplus(self, ndr: np.ndarray) -> np.ndarray:
        """What goes to (or is drawn from) the funds after the transfer."""
        _, free, moved = self._flows(ndr)
        return free - moved

    def dispose(self, ndr: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Funds at year end, the uncovered deficit, the accumulated deficit, the transfer."""
        funds, free, moved = self._flows(ndr)
        new_funds, dfc, acc = _dispose(funds, self.acc, free - moved, self.roles,
                                       self.reserve_index)
        return new_funds, dfc, acc, moved


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
    # the forvaltningsfond's capital is kept: it never covers a deficit
    for j in drain_order(roles, reserve_index):
        take = np.minimum(short, funds[:, j])
        funds[:, j] -= take
        short = short - take
    return funds, short, acc + short


def _year_state(year: _Year, ndr0: np.ndarray, income: np.ndarray, funds_prev: np.ndarray,
                acc_prev: np.ndarray, roles: Sequence[str], reserve_index: int) -> YearState:
    """The savings solver's view of a year whose disposition :class:`_Year` makes."""
    return _LimitedYear(year, ndr0, income, funds_prev, acc_prev, roles, reserve_index)


class _LimitedYear(YearState):
    """A year for the savings solver: its surplus at no cut, and a disposal that takes the
    surplus back to the net operating result and lets :class:`_Year` dispose it.

    With a transfer limit, a cut first goes to the transfer operations could not carry:
    the surplus after the transfer rises one for one with the cut until the result reaches
    what operations may use, stays flat while the transfer takes the rest, and rises one
    for one again once the transfer is paid in full. The closed form finds the surplus a
    rule needs, then the cut that reaches it through that curve."""

    def __init__(self, year: _Year, ndr0: np.ndarray, income: np.ndarray,
                 funds_prev: np.ndarray, acc_prev: np.ndarray, roles: np.ndarray,
                 reserve_index: int) -> None:
        self.flows0 = year._flows(ndr0)  # at no cut: funds, free result, transfer paid
        surplus0 = self.flows0[1] - self.flows0[2]

        def dispose(_funds: np.ndarray, _acc: np.ndarray, surplus: np.ndarray,
                    _roles: np.ndarray, _reserve: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            f, dfc, acc, _ = year.dispose(surplus - surplus0 + ndr0)
            return f, dfc, acc

        super().__init__(surplus0, ndr0, income, funds_prev, acc_prev, roles, reserve_index,
                         dispose)
        self.year = year

    def subset(self, rows: np.ndarray) -> YearState:
        return _LimitedYear(self.year.rows(rows), self.ndr0[rows], self.income[rows],
                            self.funds_prev[rows], self.acc_prev[rows], self.roles,
                            self.reserve_index)

    def disposal(self) -> tuple[np.ndarray, np.ndarray]:
        return self.flows0[0], self.year.acc

    def cut_for_surplus(self, x: np.ndarray) -> np.ndarray:
        y = self.year
        funds, free0, _ = self.flows0
        planned = y.planned_transfer
        if y.limit == "none":
            return x + planned - free0
        # the free result f leaves the surplus f while f + usable < 0, then −usable while
        # the transfer takes the rest, then f − planned: the smallest f for a surplus x is
        # x up to −usable, x + planned beyond (a transfer planned negative is always paid)
        f = np.where((x <= -y.usable(funds)) & (planned > 0), x, x + planned)
        return f - free0
