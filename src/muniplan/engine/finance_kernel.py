"""The finance year loop compiled with numba: debt, instalments, interest, the net operating
result, the transfer to investment, the funds and the savings need, one draw at a time.

Why: the numpy loop of :func:`muniplan.engine.finance.project_finances` makes some hundred
small array calls per year (the disposal, the transfer limit, the savings need's kinks and
checks), and with one or two draws numpy's fixed cost per call is nearly all the time; with
10 000 draws it passes over memory a hundred times a year. Here the whole recursion of one
draw runs in one compiled loop whose state (a handful of funds) stays in registers.

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
compiles (about 25 s of CPU); ``nogil=True`` as the population kernel. The small helpers
and the rule check are inlined at numba's level (``inline="always"``): a call that passes
arrays costs reference counting, and these run several times a draw and year; inlining the
savings solver as well saved little more and made the compilation half as long again (a
third without any inlining, and the loop 1.5× slower). This module imports numba, so
:mod:`muniplan.engine.finance` imports it only when the compiled path is chosen.

The same source also runs as plain Python, without numba (:func:`finance_fast.plain_kernel`
loads it under another name, where ``njit`` does nothing): for the two rows of a
deterministic projection in a fresh process, one draw at a time in Python floats is about
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
def _row(a, d):
    """The row of draw ``d`` in an input by draw (a single row is every draw's)."""
    return d if a.shape[0] > 1 else 0


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
    limits, an "=" taken as ">=")."""
    n_d, n_y = debt.shape
    n_f = fund_opening.shape[0]
    funds_prev = np.empty(n_f)
    funds_h = np.empty(n_f)
    new_funds = np.empty(n_f)
    scratch = np.empty(n_f)
    funds0 = np.empty(n_f)
    kinks = np.empty(order.shape[0] + 2)
    any_rule = np.zeros(n_y, dtype=np.bool_)
    for i in range(n_y):
        any_rule[i] = applies[i].any()
    for d in range(n_d):
        d_inc, d_opex, d_dep = _row(income, d), _row(opex, d), _row(depreciation, d)
        d_assets, d_life, d_rate = _row(assets_end, d), _row(w_life_end, d), _row(rate, d)
        d_cpi, d_dev = _row(cpi, d), _row(deviation, d)
        debt_prev = opening_debt
        assets_prev = opening_assets
        life_prev = opening_life
        acc_prev = 0.0
        for f in range(n_f):
            funds_prev[f] = fund_opening[f]
        for i in range(n_y):
            if law2018:
                m = debt_prev * depreciation[d_dep, i] / assets_prev if assets_prev > 0 \
                    else math.nan
                if m != m:
                    m = debt_prev / _max(life_prev, 1.0)
            else:
                m = debt_prev / _max(life_prev, 1.0)
            min_instal[d, i] = m
            inst = _min(debt_prev, m + extra)
            instal[d, i] = inst
            debt_i = debt_prev + new_loans[d, i] - inst
            interest[d, i] = rate[d_rate, i] * (debt_prev + debt_i) / 2.0
            for f in range(n_f):
                funds_h[f] = 0.0
            fin = other_financial[i]
            if managed >= 0:
                balance = funds_prev[managed]
                return_budgeted[d, i] = balance * (expected_real[i] + cpi[d_cpi, i])
                fund_return[d, i] = return_budgeted[d, i] + balance * deviation[d_dev, i]
                fin = fin + fund_return[d, i]
                funds_h[managed] = balance * cpi[d_cpi, i]
                funds_h[return_buffer] += balance * deviation[d_dev, i]
            held_sum = 0.0
            for f in range(n_f):
                held_sum += funds_h[f]
                funds_h[f] = funds_prev[f] + funds_h[f]
            ndr0 = income[d_inc, i] + fin - opex[d_opex, i] - interest[d, i] - inst
            planned = transfer[d, i]
            s = 0.0
            why = _FEASIBLE
            if solve_rows[d] and any_rule[i]:
                s, why = _savings(ndr0, income[d_inc, i], funds_h, acc_prev, planned, limit,
                                  held_sum, disp_w, reserve, drain, order, roles, r_ind, r_op,
                                  r_lop, r_thr, r_tol, r_lthr, applies[i], lower[i], scratch,
                                  funds0, kinks)
            savings[d, i] = s
            reason[d, i] = why
            if s != s:
                s = 0.0
            ndr[d, i] = ndr0 + s
            dfc, acc, moved = _year_dispose(funds_h, acc_prev, planned, limit, held_sum,
                                            disp_w, reserve, drain, ndr[d, i], new_funds)
            short = planned - moved
            loans_for_transfer[d, i] = short
            transfer[d, i] = moved
            new_loans[d, i] += short
            debt[d, i] = debt_i + short
            for f in range(n_f):
                funds[d, f, i] = new_funds[f]
                funds_prev[f] = new_funds[f]
            deficit[d, i] = dfc
            accumulated[d, i] = acc
            debt_prev = debt[d, i]
            assets_prev = assets_end[d_assets, i]
            life_prev = w_life_end[d_life, i]
            acc_prev = acc
