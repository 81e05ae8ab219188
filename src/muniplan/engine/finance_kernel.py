"""The finance year loop compiled with numba: debt, instalments, interest, the net operating
result, the transfer to investment, the funds and the savings need of every draw.

Why: the numpy loop of :func:`muniplan.engine.finance.project_finances` makes some hundred
small array calls per year (the disposal, the transfer limit, the savings need's kinks and
checks), and with one or two draws numpy's fixed cost per call is nearly all the time; with
10 000 draws it passes over memory a hundred times a year. Here the recursion runs in one
compiled loop: a block of draws (:data:`BLOCK`) year by year, each year in a few passes over
the block's draws (the result before a cut, the savings need, the disposal), so a block's
rows of the inputs and outputs stay in the core's cache.

The arithmetic is the numpy path's, operation by operation and in the same order, so the
two agree to the last bit in the cases the tests compare (sums over funds are taken in fund
order on both paths). The laws behind each step are cited where the numpy path states them:

* minimumsavdrag: kommuneloven 2018 § 14-18 første ledd (``debt × depreciation / assets``)
  and kommuneloven 1992 § 50 nr. 7 a (``debt / weighted remaining life``), in
  :mod:`muniplan.engine.debt`;
* the net operating result and its disposition (budsjett- og regnskapsforskriften § 5-4,
  § 5-6; the transfer from operations to investment, § 5-5), a deficit drawn from the
  funds, then merforbruk covered by later surpluses (kommuneloven § 14-11), in
  :class:`muniplan.engine.finance._Year` and :func:`muniplan.engine.finance._dispose`;
* the savings need read off the disposal's kinks, with bisection where the closed form does
  not check out, in :mod:`muniplan.engine.savings`.

``cache=True`` keeps the machine code in ``__pycache__``, so only the first run on a machine
compiles (about 35–50 s of CPU); ``nogil=True`` as the population kernel. Helpers that take
arrays are written out in the loops that run per draw and year, not called: numba counts a
reference to every array it hands to a helper, inlined or not — an atomic update each, some
thirty per draw and year (the pass without savings over 1 280 draws: 10.4 ms with the
helpers inlined, 1.5 ms written out, 1 December 2026). Helpers of floats (:func:`_min`,
:func:`_holds`) cost nothing. The one-draw solver (:func:`_savings` and its inlined
helpers) is kept for a few draws and for the draws the many-draw solver does not settle.
This module imports numba, so :mod:`muniplan.engine.finance` imports it only when the
compiled path is chosen.

The same source also runs as plain Python, without numba (:func:`finance_fast.plain_kernel`
loads it under another name, where ``njit`` does nothing): for the two rows of a
deterministic projection in a fresh process, two draws in Python floats are about
twice as fast as the numpy loop's hundred small array calls a year, needs no numba import,
and gives the compiled loop's figures to the bit (the same operations in the same order).
"""

from __future__ import annotations

import math

import numpy as np

if __name__.endswith("_plain"):  # this source run as plain Python: finance_fast.plain_kernel

    def njit(**_options: object):
        return lambda function: function
else:
    from numba import njit

# codes shared with muniplan.engine.finance (the numpy path uses names)
ROLE_CODES = {"reserve": 0, "buffer": 1, "managed": 2, "other": 3}
LIMIT_CODES = {"none": 0, "result": 1, "result_and_funds": 2}
INDICATOR_CODES = {"net_operating_result_ratio": 0, "buffer_fund": 1,
                   "liquidity_reserve": 2, "reserve_fund": 3, "reserve_fund_ratio": 4}
OPERATOR_CODES = {">=": 0, ">": 1, "=": 2, "<=": 3, "<": 4}
_FEASIBLE, _BEYOND_HALF, _NOT_BY_CUTS = 0, 1, 2
_MAX_SHARE = 0.5
_JIT = {"cache": True, "nogil": True, "error_model": "numpy"}
_INLINE = {**_JIT, "inline": "always"}


@njit(**_INLINE)
def _min(a: float, b: float) -> float:
    """``numpy.minimum`` of two floats (NaN wins)."""
    if a != a or b != b:
        return math.nan
    return a if a < b else b


@njit(**_INLINE)
def _max(a: float, b: float) -> float:
    """``numpy.maximum`` of two floats (NaN wins)."""
    if a != a or b != b:
        return math.nan
    return a if a > b else b


@njit(**_INLINE)
def _flows(funds_h, acc, planned, limit, held_sum, disp_w, ndr, funds_out):
    """:meth:`finance._Year._flows`: writes the funds after a return loss beyond the
    bufferfond into ``funds_out``; returns the free result and the transfer paid."""
    below_sum = 0.0
    for f in range(funds_h.shape[0]):
        below = _min(funds_h[f], 0.0)
        funds_out[f] = funds_h[f] - below
        below_sum += below
    free = ndr - held_sum + below_sum
    if limit == 0:
        return free, planned
    usable = 0.0
    if limit == 2:
        usable = _usable(funds_out, disp_w, acc)
    return free, _min(_max(free + usable, 0.0), planned)


@njit(**_INLINE)
def _usable(funds, disp_w, acc):
    """:meth:`finance._Year.usable` under ``result_and_funds``."""
    s = 0.0
    for f in range(funds.shape[0]):
        s += funds[f] * disp_w[f]
    return s - acc


@njit(**_INLINE)
def _dispose(funds, acc, surplus, reserve, drain):
    """:func:`finance._dispose` in place on ``funds``; returns (deficit, accumulated)."""
    x = surplus
    cover = _min(_max(x, 0.0), acc)
    acc = acc - cover
    x = x - cover
    funds[reserve] += x
    short = _max(-funds[reserve], 0.0)
    funds[reserve] += short
    for j in drain:
        take = _min(short, funds[j])
        funds[j] -= take
        short = short - take
    return short, acc + short


@njit(**_INLINE)
def _year_dispose(funds_h, acc, planned, limit, held_sum, disp_w, reserve, drain, ndr,
                  funds_out):
    """:meth:`finance._Year.dispose`: funds into ``funds_out``; (deficit, acc, transfer)."""
    free, moved = _flows(funds_h, acc, planned, limit, held_sum, disp_w, ndr, funds_out)
    dfc, acc_new = _dispose(funds_out, acc, free - moved, reserve, drain)
    return dfc, acc_new, moved


@njit(**_INLINE)
def _fund_value(code, funds, roles, income):
    """The fund indicator ``code`` of ``funds`` (:data:`rules.INDICATOR_SERIES`)."""
    s = 0.0
    for f in range(funds.shape[0]):
        if code == 1:
            w = 1.0 if roles[f] == 1 else 0.0
        elif code == 2:
            w = 1.0 if roles[f] == 0 else 0.0
        else:
            w = 1.0
        s += funds[f] * w
    if code == 4:
        return s / income
    return s


@njit(**_INLINE)
def _holds(op, lim, tol, value):
    """:func:`rules.holds` for one value."""
    if value != value:
        return True
    if op == 0:
        return value >= lim
    if op == 1:
        return value > lim
    if op == 3:
        return value <= lim
    if op == 4:
        return value < lim
    return abs(value - lim) <= max(tol, 1e-9)


@njit(**_INLINE)
def _all_hold(s, surplus0, ndr0, income, funds_h, acc, planned, limit, held_sum, disp_w,
              reserve, drain, roles, r_ind, r_op, r_thr, r_tol, mask, scratch):
    """:meth:`savings.YearState.ok` after the cut ``s`` for the rules where ``mask``."""
    ndr_eval = surplus0 + s - surplus0 + ndr0
    _year_dispose(funds_h, acc, planned, limit, held_sum, disp_w, reserve, drain, ndr_eval,
                  scratch)
    ndr = ndr0 + s
    for r in range(mask.shape[0]):
        if not mask[r]:
            continue
        if r_ind[r] == 0:
            value = ndr / income
        else:
            value = _fund_value(r_ind[r], scratch, roles, income)
        if not _holds(r_op[r], r_thr[r], r_tol[r], value):
            return False
    return True


@njit(**_JIT)
def _smallest_surplus(code, level, funds0, acc, income, roles, reserve, order, scratch,
                      kinks):
    """:func:`savings._smallest_surplus` for one draw: the kinks of the disposal, the fund
    indicator at each, the surplus where it reaches ``level``."""
    m = order.shape[0]
    n_k = m + 2
    drained = 0.0
    for j in range(m):  # kink m − 1 − j: the first j + 1 funds of the order are empty
        drained += funds0[order[j]]
        kinks[m - 1 - j] = -drained
    kinks[m] = 0.0
    kinks[m + 1] = acc
    slope = 1.0
    if code == 1:
        slope = 1.0 if roles[reserve] == 1 else 0.0
    elif code == 2:
        slope = 1.0 if roles[reserve] == 0 else 0.0
    elif code == 4:
        slope = 1.0 / income
    v_prev = 0.0
    for q in range(n_k):
        for f in range(funds0.shape[0]):
            scratch[f] = funds0[f]
        if q < m:
            for j in range(m - q):
                scratch[order[j]] = 0.0
        v = _fund_value(code, scratch, roles, income)
        if v >= level:
            if q == 0:
                return -math.inf
            x0, x1 = kinks[q - 1], kinks[q]
            return x0 + (level - v_prev) * (x1 - x0) / (v - v_prev)
        v_prev = v
    if slope > 0:
        return kinks[n_k - 1] + (level - v_prev) / slope
    return math.inf


@njit(**_INLINE)
def _cut_for_surplus(x, free0, funds0, acc, planned, limit, disp_w):
    """:meth:`finance._LimitedYear.cut_for_surplus` for one draw."""
    if limit == 0:
        return x + planned - free0
    usable = _usable(funds0, disp_w, acc) if limit == 2 else 0.0
    f = x if (x <= -usable and planned > 0) else x + planned
    return f - free0


@njit(**_JIT)
def _savings(ndr0, income, funds_h, acc, planned, limit, held_sum, disp_w, reserve, drain,
             order, roles, r_ind, r_op, r_lop, r_thr, r_tol, r_lthr, rules, lower, scratch,
             funds0, kinks):
    """:func:`savings.savings_for_year` for one draw: (need, reason)."""
    free0, moved0 = _flows(funds_h, acc, planned, limit, held_sum, disp_w, ndr0, funds0)
    surplus0 = free0 - moved0
    if _all_hold(0.0, surplus0, ndr0, income, funds_h, acc, planned, limit, held_sum,
                 disp_w, reserve, drain, roles, r_ind, r_op, r_thr, r_tol, rules, scratch):
        return 0.0, _FEASIBLE
    # the closed form over the lower limits (an "=" taken as ">=")
    need = 0.0
    blocked = False
    for r in range(lower.shape[0]):
        if not lower[r]:
            continue
        level = r_lthr[r]
        if r_ind[r] == 0:
            s_r = level * income - ndr0 if income > 0 else math.inf
        else:
            x = _smallest_surplus(r_ind[r], level, funds0, acc, income, roles, reserve,
                                  order, scratch, kinks)
            s_r = _cut_for_surplus(x, free0, funds0, acc, planned, limit, disp_w)
        blocked |= s_r == math.inf
        need = _max(need, s_r if math.isfinite(s_r) else 0.0)
    if blocked:
        return math.nan, _NOT_BY_CUTS
    if need > _MAX_SHARE * abs(income):
        return math.nan, _BEYOND_HALF
    if need > 0:
        need = math.ceil((need + 1e-3) * 100.0) / 100.0
    reason = _FEASIBLE
    if not _all_hold(need, surplus0, ndr0, income, funds_h, acc, planned, limit, held_sum,
                     disp_w, reserve, drain, roles, r_ind, r_op, r_thr, r_tol, lower, scratch):
        # a strict limit at a kink: bisect
        need, reason = _bisection(surplus0, ndr0, income, funds_h, acc, planned, limit,
                                  held_sum, disp_w, reserve, drain, roles, r_ind, r_lop, r_lthr,
                                  r_tol, lower, scratch)
    if (reason == _FEASIBLE and lower.sum() < rules.sum()
            and not _all_hold(need, surplus0, ndr0, income, funds_h, acc, planned, limit,
                              held_sum, disp_w, reserve, drain, roles, r_ind, r_op, r_thr,
                              r_tol, rules, scratch)):
        return math.nan, _NOT_BY_CUTS
    return need, reason


@njit(**_JIT)
def _bisection(surplus0, ndr0, income, funds_h, acc, planned, limit, held_sum, disp_w,
               reserve, drain, roles, r_ind, r_op, r_thr, r_tol, rules, scratch):
    """:func:`savings.bisection` for one draw: no cut, the largest cut, then 36 halvings."""
    lo, hi = 0.0, _MAX_SHARE * abs(income)
    reachable = False
    for k in range(38):
        cut = 0.0 if k == 0 else hi if k == 1 else 0.5 * (lo + hi)
        ok = _all_hold(cut, surplus0, ndr0, income, funds_h, acc, planned, limit, held_sum,
                       disp_w, reserve, drain, roles, r_ind, r_op, r_thr, r_tol, rules, scratch)
        if k == 0 and ok:
            return 0.0, _FEASIBLE
        if k == 1:
            reachable = ok
        elif k > 1 and ok:
            hi = cut
        elif k > 1:
            lo = cut
    if reachable:
        return hi, _FEASIBLE
    return math.nan, _BEYOND_HALF


VECTOR_DRAWS = 16
BLOCK = 256
"""Draws the loop takes through all the years before the next ones: their rows of the
inputs and outputs (some 25 cache lines a draw) stay in the core's cache from year to year."""
"""From this many draws solving their savings need, a year's solver runs step by step over
all of them (:func:`_solve_many`) instead of one draw after the other (:func:`_savings`)."""


@njit(**_JIT)
def year_loop(income, opex, depreciation, assets_end, w_life_end, rate, other_financial,
              expected_real, cpi, deviation, new_loans, transfer,
              law2018, extra, opening_debt, opening_assets, opening_life, fund_opening,
              managed, return_buffer, roles, reserve, drain, order, disp_w, limit,
              solve_rows, r_ind, r_op, r_lop, r_thr, r_tol, r_lthr, applies, lower,
              debt, instal, min_instal, interest, ndr, funds, deficit, accumulated,
              fund_return, return_budgeted, loans_for_transfer, savings, reason):
    """The year loop of :func:`finance.project_finances` for every draw; arrays ``(D, Y)``
    (``funds`` ``(D, F, Y)``), the inputs from ``income`` to ``deviation`` ``(D|1, Y)`` (one
    row is every draw's); ``new_loans`` and ``transfer`` are updated in place.
    ``applies`` ``(Y, R)``: the savings rules checked each year; ``lower`` ``(Y, R)``: those
    of them with a lower limit (``r_lop``, ``r_lthr``: their operator and limit as lower
    limits, an "=" taken as ">=").

    The years are the outer loop and the draws the inner one: each year first brings every
    draw to its result before the cut, then solves the savings need of all draws that ask
    for it (:func:`_solve_many`: a handful of short passes over the draws, no branch a draw
    can mispredict, in place of one solver call per draw), then disposes the result."""
    n_d, n_y = debt.shape
    n_f = fund_opening.shape[0]
    funds_prev = np.empty((n_d, n_f))
    funds_h = np.empty((n_d, n_f))
    held = np.empty(n_d)
    ndr0 = np.empty(n_d)
    debt_i = np.empty(n_d)
    debt_prev = np.full(n_d, opening_debt)
    acc_prev = np.zeros(n_d)
    scratch = np.empty(n_f)
    funds0 = np.empty(n_f)
    kinks = np.empty(order.shape[0] + 2)
    # the row each input by draw is read from is d, or 0 for an input of one row; helpers
    # that take arrays are written out here, not called: numba counts references to every
    # array such a helper is given, an atomic update per array, draw and year
    by_inc, by_opex = income.shape[0] > 1, opex.shape[0] > 1
    by_dep, by_assets = depreciation.shape[0] > 1, assets_end.shape[0] > 1
    by_life, by_rate = w_life_end.shape[0] > 1, rate.shape[0] > 1
    by_cpi, by_dev = cpi.shape[0] > 1, deviation.shape[0] > 1
    solvers = np.flatnonzero(solve_rows)
    many = solvers.shape[0] >= VECTOR_DRAWS
    work = _work(min(BLOCK, n_d) if many else 0, n_f, order.shape[0])
    for d in range(n_d):
        for f in range(n_f):
            funds_prev[d, f] = fund_opening[f]
    for b0 in range(0, n_d, BLOCK):  # a block of draws through all years: rows stay in cache
        b1 = min(n_d, b0 + BLOCK)
        rows = solvers[(solvers >= b0) & (solvers < b1)]
        for i in range(n_y):
            for d in range(b0, b1):  # each draw's year up to its result before a cut
                if i == 0:
                    assets_prev, life_prev = opening_assets, opening_life
                else:
                    assets_prev = assets_end[d if by_assets else 0, i - 1]
                    life_prev = w_life_end[d if by_life else 0, i - 1]
                dp = debt_prev[d]
                if law2018:
                    m = dp * depreciation[d if by_dep else 0, i] / assets_prev \
                        if assets_prev > 0 else math.nan
                    if m != m:
                        m = dp / _max(life_prev, 1.0)
                else:
                    m = dp / _max(life_prev, 1.0)
                min_instal[d, i] = m
                inst = _min(dp, m + extra)
                instal[d, i] = inst
                debt_i[d] = dp + new_loans[d, i] - inst
                interest[d, i] = rate[d if by_rate else 0, i] * (dp + debt_i[d]) / 2.0
                for f in range(n_f):
                    funds_h[d, f] = 0.0
                fin = other_financial[i]
                if managed >= 0:
                    balance = funds_prev[d, managed]
                    c, dev = cpi[d if by_cpi else 0, i], deviation[d if by_dev else 0, i]
                    return_budgeted[d, i] = balance * (expected_real[i] + c)
                    fund_return[d, i] = return_budgeted[d, i] + balance * dev
                    fin = fin + fund_return[d, i]
                    funds_h[d, managed] = balance * c
                    funds_h[d, return_buffer] += balance * dev
                held_sum = 0.0
                for f in range(n_f):
                    held_sum += funds_h[d, f]
                    funds_h[d, f] = funds_prev[d, f] + funds_h[d, f]
                held[d] = held_sum
                ndr0[d] = (income[d if by_inc else 0, i] + fin - opex[d if by_opex else 0, i]
                           - interest[d, i] - inst)
            solving = rows.shape[0] > 0 and applies[i].any()
            if solving and many:
                _solve_many(i, rows, work, ndr0, income, funds_h, acc_prev, transfer, limit,
                            held, disp_w, reserve, drain, order, roles, r_ind, r_op, r_lop,
                            r_thr, r_tol, r_lthr, applies[i], lower[i], savings, reason,
                            scratch, funds0, kinks)
            elif solving:
                for d in rows:
                    savings[d, i], reason[d, i] = _savings(
                        ndr0[d], income[d if by_inc else 0, i], funds_h[d], acc_prev[d],
                        transfer[d, i], limit, held[d], disp_w, reserve, drain, order, roles,
                        r_ind, r_op, r_lop, r_thr, r_tol, r_lthr, applies[i], lower[i],
                        scratch, funds0, kinks)
            for d in range(b0, b1):  # the cut, the disposal (_year_dispose), the year end
                if not (solving and solve_rows[d]):
                    savings[d, i] = 0.0
                    reason[d, i] = _FEASIBLE
                s = savings[d, i]
                if s != s:
                    s = 0.0
                ndr[d, i] = ndr0[d] + s
                planned = transfer[d, i]
                acc = acc_prev[d]
                below_sum = 0.0  # _flows
                for f in range(n_f):
                    below = _min(funds_h[d, f], 0.0)
                    funds_prev[d, f] = funds_h[d, f] - below
                    below_sum += below
                free = ndr[d, i] - held[d] + below_sum
                moved = planned
                if limit != 0:
                    usable = 0.0
                    if limit == 2:
                        w = 0.0
                        for f in range(n_f):
                            w += funds_prev[d, f] * disp_w[f]
                        usable = w - acc
                    moved = _min(_max(free + usable, 0.0), planned)
                x = free - moved  # _dispose
                cover = _min(_max(x, 0.0), acc)
                acc = acc - cover
                x = x - cover
                funds_prev[d, reserve] += x
                short_f = _max(-funds_prev[d, reserve], 0.0)
                funds_prev[d, reserve] += short_f
                for jj in range(drain.shape[0]):
                    j = drain[jj]
                    take = _min(short_f, funds_prev[d, j])
                    funds_prev[d, j] -= take
                    short_f = short_f - take
                acc = acc + short_f
                short = planned - moved  # the transfer operations could not carry: borrowed
                loans_for_transfer[d, i] = short
                transfer[d, i] = moved
                new_loans[d, i] += short
                debt[d, i] = debt_i[d] + short
                for f in range(n_f):
                    funds[d, f, i] = funds_prev[d, f]
                deficit[d, i] = short_f
                accumulated[d, i] = acc
                debt_prev[d] = debt[d, i]
                acc_prev[d] = acc


@njit(**_JIT)
def _work(n, n_f, m):
    """Scratch arrays of :func:`_solve_many` for ``n`` draws, ``n_f`` funds and ``m`` funds
    in the drain order: seven values a draw (free result, transfer, surplus, usable funds,
    the return loss beyond the bufferfond, the need, the cut checked), the funds after the
    return (``(n, F)``) and after a cut, the disposal's kinks and three flags a draw."""
    return (np.empty((7, n)), np.empty((n, n_f)), np.empty((n, n_f)), np.empty((n, m + 2)),
            np.empty((3, n), dtype=np.bool_))


@njit(**_JIT)
def _solve_many(i, rows, work, ndr0, income, funds_h, acc_prev, transfer, limit, held,
                disp_w, reserve, drain, order, roles, r_ind, r_op, r_lop, r_thr, r_tol,
                r_lthr, rules, lower, savings, reason, scratch, funds0, kinks):
    """:func:`_savings` for the draws ``rows`` of year ``i`` at once, written into
    ``savings`` and ``reason``: the check at no cut, the closed form over the lower limits
    and the check of its need each in one pass over the draws, the same operations in the
    same order as :func:`_savings` does them for one draw. A draw the closed form does not
    settle (blocked, beyond half the income, a strict limit at a kink, an upper limit
    besides) is solved again by :func:`_savings` itself."""
    vals, f0, _, _, flags = work
    free0, moved0, surplus0, usable0, below0, need, cut = (
        vals[0], vals[1], vals[2], vals[3], vals[4], vals[5], vals[6])
    ok, ok_need, blocked = flags[0], flags[1], flags[2]
    n, n_f = rows.shape[0], f0.shape[1]
    by_inc = income.shape[0] > 1
    for k in range(n):  # the disposal at no cut (_flows)
        d = rows[k]
        b = 0.0
        for f in range(n_f):
            below = _min(funds_h[d, f], 0.0)
            f0[k, f] = funds_h[d, f] - below
            b += below
        below0[k] = b
        free0[k] = ndr0[d] - held[d] + b
        u = 0.0
        if limit == 2:
            w = 0.0
            for f in range(n_f):
                w += f0[k, f] * disp_w[f]
            u = w - acc_prev[d]
        usable0[k] = u
        planned = transfer[d, i]
        moved0[k] = planned if limit == 0 else _min(_max(free0[k] + u, 0.0), planned)
        surplus0[k] = free0[k] - moved0[k]
        cut[k] = 0.0
    _check_many(i, rows, work, ok, rules, ndr0, income, acc_prev, transfer, limit, held,
                reserve, drain, roles, r_ind, r_op, r_thr, r_tol)
    for k in range(n):
        need[k] = 0.0
        blocked[k] = False
    for r in range(lower.shape[0]):  # the closed form over the lower limits, rule by rule
        if lower[r]:
            _closed_form(i, r_ind[r], r_lthr[r], rows, work, ndr0, income, acc_prev,
                         transfer, limit, roles, reserve, order)
    n_low, n_all = 0, 0
    for r in range(lower.shape[0]):
        n_low += lower[r]
        n_all += rules[r]
    for k in range(n):
        inc = income[rows[k] if by_inc else 0, i]
        nd = need[k]
        if nd > 0 and not blocked[k] and not nd > _MAX_SHARE * abs(inc):
            nd = math.ceil((nd + 1e-3) * 100.0) / 100.0
        cut[k] = nd
    _check_many(i, rows, work, ok_need, lower, ndr0, income, acc_prev, transfer, limit,
                held, reserve, drain, roles, r_ind, r_op, r_thr, r_tol)
    for k in range(n):
        d = rows[k]
        inc = income[d if by_inc else 0, i]
        if ok[k]:
            savings[d, i], reason[d, i] = 0.0, _FEASIBLE
        elif blocked[k]:
            savings[d, i], reason[d, i] = math.nan, _NOT_BY_CUTS
        elif need[k] > _MAX_SHARE * abs(inc):
            savings[d, i], reason[d, i] = math.nan, _BEYOND_HALF
        elif ok_need[k] and n_low == n_all:
            savings[d, i], reason[d, i] = cut[k], _FEASIBLE
        else:
            savings[d, i], reason[d, i] = _savings(
                ndr0[d], inc, funds_h[d], acc_prev[d], transfer[d, i], limit, held[d],
                disp_w, reserve, drain, order, roles, r_ind, r_op, r_lop, r_thr, r_tol,
                r_lthr, rules, lower, scratch, funds0, kinks)


@njit(**_INLINE)
def _weight(code, role):
    """A fund's weight in the fund indicator ``code`` (:func:`_fund_value`)."""
    if code == 1:
        return 1.0 if role == 1 else 0.0
    if code == 2:
        return 1.0 if role == 0 else 0.0
    return 1.0


@njit(**_JIT)
def _check_many(i, rows, work, ok, mask, ndr0, income, acc_prev, transfer, limit, held,
                reserve, drain, roles, r_ind, r_op, r_thr, r_tol):
    """:func:`_all_hold` after the cut ``work``'s ``cut`` for each draw of ``rows``, into
    ``ok``: the disposal of every draw, then each rule of ``mask`` over every draw."""
    vals, f0, scr, _, _ = work
    surplus0, usable0, below0, cut = vals[2], vals[3], vals[4], vals[6]
    n, n_f = rows.shape[0], f0.shape[1]
    by_inc = income.shape[0] > 1
    for k in range(n):
        d = rows[k]
        ok[k] = True
        ndr_eval = surplus0[k] + cut[k] - surplus0[k] + ndr0[d]
        free = ndr_eval - held[d] + below0[k]
        planned = transfer[d, i]
        moved = planned if limit == 0 else _min(_max(free + usable0[k], 0.0), planned)
        for f in range(n_f):
            scr[k, f] = f0[k, f]
        x = free - moved  # _dispose
        cover = _min(_max(x, 0.0), acc_prev[d])
        x = x - cover
        scr[k, reserve] += x
        short = _max(-scr[k, reserve], 0.0)
        scr[k, reserve] += short
        for jj in range(drain.shape[0]):
            j = drain[jj]
            take = _min(short, scr[k, j])
            scr[k, j] -= take
            short = short - take
    for r in range(mask.shape[0]):
        if not mask[r]:
            continue
        code = r_ind[r]
        for k in range(n):
            d = rows[k]
            inc = income[d if by_inc else 0, i]
            if code == 0:
                value = (ndr0[d] + cut[k]) / inc
            else:
                s = 0.0
                for f in range(n_f):
                    s += scr[k, f] * _weight(code, roles[f])
                value = s / inc if code == 4 else s
            if not _holds(r_op[r], r_thr[r], r_tol[r], value):
                ok[k] = False


@njit(**_JIT)
def _closed_form(i, code, level, rows, work, ndr0, income, acc_prev, transfer, limit, roles,
                 reserve, order):
    """One lower limit's cut for each draw of ``rows`` (:func:`_savings`'s closed form,
    with :func:`_smallest_surplus` and :func:`_cut_for_surplus`), taken into ``work``'s
    need and blocked flag."""
    vals, f0, _, kk, flags = work
    free0, usable0, need = vals[0], vals[3], vals[5]
    blocked = flags[2]
    n, n_f = rows.shape[0], f0.shape[1]
    by_inc = income.shape[0] > 1
    m = order.shape[0]
    n_k = m + 2
    zero = np.zeros((n_k, n_f), dtype=np.bool_)  # at kink q the first m − q funds are empty
    for q in range(m):
        for j in range(m - q):
            zero[q, order[j]] = True
    weight = np.empty(n_f)
    for f in range(n_f):
        weight[f] = _weight(code, roles[f])
    slope_w = _weight(code, roles[reserve])
    for k in range(n):
        d = rows[k]
        inc = income[d if by_inc else 0, i]
        if code == 0:
            s_r = level * inc - ndr0[d] if inc > 0 else math.inf
        else:
            # _smallest_surplus: the kinks of the disposal, the indicator at each
            drained = 0.0
            for j in range(m):
                drained += f0[k, order[j]]
                kk[k, m - 1 - j] = -drained
            kk[k, m] = 0.0
            kk[k, m + 1] = acc_prev[d]
            v_prev = 0.0
            x = math.nan
            for q in range(n_k):
                v = 0.0
                for f in range(n_f):
                    v += (0.0 if zero[q, f] else f0[k, f]) * weight[f]
                if code == 4:
                    v = v / inc
                if v >= level:
                    x = -math.inf if q == 0 else kk[k, q - 1] + (level - v_prev) * (
                        kk[k, q] - kk[k, q - 1]) / (v - v_prev)
                    break
                v_prev = v
            else:
                slope = 1.0 / inc if code == 4 else slope_w
                x = kk[k, n_k - 1] + (level - v_prev) / slope if slope > 0 else math.inf
            planned = transfer[d, i]
            if limit == 0:
                s_r = x + planned - free0[k]
            else:
                u = usable0[k]
                s_r = (x if (x <= -u and planned > 0) else x + planned) - free0[k]
        blocked[k] |= s_r == math.inf
        need[k] = _max(need[k], s_r if math.isfinite(s_r) else 0.0)


@njit(**_JIT)
def spend_priced(rate, budgets, price):
    """:func:`execution.spend_many`'s recursion for every draw and budget path, times the
    price index, written ``(K, D, Y)``: the same operations in the same order, each draw's
    rates read once for every path (``rate`` ``(D, Y)``, ``price`` ``(D|1, Y)``)."""
    n_d, n_y = rate.shape
    n_k = budgets.shape[0]
    by_price = price.shape[0] > 1
    out = np.empty((n_k, n_d, n_y))
    for d in range(n_d):
        p = d if by_price else 0
        for k in range(n_k):
            carry = 0.0
            for t in range(n_y):
                available = carry + budgets[k, t]
                spent = rate[d, t] * available
                carry = available - spent
                out[k, d, t] = price[p, t] * spent
    return out
