"""The savings need (innsparingsbehov) of one year: the smallest cut in that year's operating
expenses that brings every rule a cut can help back within its limit.

A cut ``s`` (nominal kroner) raises the net operating result by ``s``. What the result
leaves after the transfer to investment goes to the funds (``_dispose`` in
:mod:`muniplan.engine.finance`); both steps are piecewise linear and non-decreasing in
``s``, with kinks the solver can list: where operations start and stop carrying the
transfer (when the plan limits it to what operations can carry), where the surplus has
covered earlier years' deficit, and where a deficit has emptied each fund in turn. Every
rule on the net operating result ratio or on a fund level with a lower limit (``>=``,
``>``) is therefore monotone piecewise linear in ``s``: the solver evaluates the year's
disposal at every kink (and once beyond the last, for the slope there), all draws at once,
and reads the smallest ``s`` off the segment where the rule's indicator crosses its limit
(:func:`closed_form`). That is exact, not an approximation, whatever the kinks.

An upper limit (on a fund) cannot be helped by a cut: it is checked at the cut the lower
limits need. The solver falls back on bisection (:func:`bisection`) only for a draw where
the closed-form answer does not check out (a strict limit exactly at a kink). A year needs
no more than half its operating income in cuts: beyond that the need is NaN, "cannot be
computed", with the reason in :data:`REASONS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from muniplan.engine.rules import holds, indicator, threshold
from muniplan.plan.model import Rule

Dispose = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, int],
                   tuple[np.ndarray, np.ndarray, np.ndarray]]
"""``(funds, accumulated deficit, surplus, roles, reserve index) → (funds, deficit, acc)``."""

MAX_SHARE = 0.5
"""The largest cut tried, as a share of the year's operating income."""

FEASIBLE, BEYOND_HALF, NOT_BY_CUTS = 0, 1, 2
REASONS = {
    BEYOND_HALF: ("det ville kreve kutt på mer enn halvparten av driftsinntektene",
                  "it would take cuts of more than half the operating income"),
    NOT_BY_CUTS: ("en regel gjelder et fond eller en grense som kutt i driften ikke kan nå",
                  "a rule concerns a fund or limit that cuts in operations cannot reach"),
}
"""Why a year's savings need cannot be computed (bokmål, English)."""


@cache
def _weights(roles: tuple[str, ...]) -> dict[str, np.ndarray]:
    r = np.array(roles)
    return {"buffer_fund": (r == "buffer").astype(float),
            "liquidity_reserve": (r == "reserve").astype(float),
            "reserve_fund": np.ones(len(r))}


def drain_order(roles: Sequence[str], reserve_index: int) -> tuple[int, ...]:
    """The funds a deficit draws on after the reserve fund, in order: the other funds, the
    buffer fund last; a forvaltningsfond's capital (role ``managed``) is never drawn."""
    return _drain_order(tuple(roles), reserve_index)


@cache
def _drain_order(roles: tuple[str, ...], reserve_index: int) -> tuple[int, ...]:
    rest = [j for j in range(len(roles)) if j != reserve_index]
    return (*(j for j in rest if roles[j] not in ("buffer", "managed")),
            *(j for j in rest if roles[j] == "buffer"))


@cache
def disposition_weights(roles: tuple[str, ...]) -> np.ndarray:
    """1 for each fund operations may draw on for the transfer (not the buffer fund, not a
    forvaltningsfond's capital), else 0."""
    return np.array([r not in ("buffer", "managed") for r in roles], dtype=float)


class YearState:
    """What a cut in one year acts on, ``(D,)`` arrays unless named otherwise.

    This base form disposes the surplus straight over the funds (``dispose``); a year whose
    result first pays a limited transfer to investment (:mod:`muniplan.engine.finance`)
    overrides :meth:`disposal` and :meth:`cut_for_surplus`."""

    def __init__(self, surplus0: np.ndarray, ndr0: np.ndarray, income: np.ndarray,
                 funds_prev: np.ndarray, acc_prev: np.ndarray, roles: np.ndarray,
                 reserve_index: int, dispose: Dispose) -> None:
        self.surplus0, self.ndr0, self.income = surplus0, ndr0, income
        self.funds_prev, self.acc_prev = funds_prev, acc_prev  # (D, F), (D,)
        self.roles, self.reserve_index, self.dispose = roles, reserve_index, dispose
        self.weights = _weights(tuple(roles))
        """Which funds each fund indicator sums."""

    def subset(self, rows: np.ndarray) -> YearState:
        return YearState(self.surplus0[rows], self.ndr0[rows], self.income[rows],
                         self.funds_prev[rows], self.acc_prev[rows], self.roles,
                         self.reserve_index, self.dispose)

    def funds_at(self, surplus: np.ndarray) -> np.ndarray:
        return self.dispose(self.funds_prev, self.acc_prev, surplus, self.roles,
                            self.reserve_index)[0]

    def disposal(self) -> tuple[np.ndarray, np.ndarray]:
        """The funds ``(D, F)`` and the accumulated deficit ``(D,)`` the surplus meets."""
        return self.funds_prev, self.acc_prev

    def cut_for_surplus(self, x: np.ndarray) -> np.ndarray:
        """The smallest cut that brings the surplus to ``x`` (±inf stay as they are)."""
        return x - self.surplus0

    def series(self, s: np.ndarray) -> Callable[[str], np.ndarray]:
        """The year's series after a cut ``s``, as :func:`indicator` reads them."""
        funds = self.funds_at(self.surplus0 + s)
        return self.series_of(self.ndr0 + s, funds)

    def series_of(self, ndr: np.ndarray, funds: np.ndarray) -> Callable[[str], np.ndarray]:
        def get(name: str) -> np.ndarray:
            if name == "net_operating_result":
                return ndr
            if name == "operating_income":
                return self.income
            return funds @ self.weights[name]
        return get

    def ok(self, rules: Sequence[Rule], s: np.ndarray) -> np.ndarray:
        """Where every rule holds after the cut ``s``."""
        return self.holding(rules, s).all(axis=0)

    def holding(self, rules: Sequence[Rule], s: np.ndarray) -> np.ndarray:
        """``(rule, draw)``: where each rule holds after the cut ``s``."""
        get = self.series(s)
        out = np.ones((len(rules), len(s)), dtype=bool)
        for k, r in enumerate(rules):
            out[k] = holds(r, indicator(r.indicator, get))
        return out


def savings_for_year(rules: Sequence[Rule], state: YearState, *, method: str = "auto"
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Smallest ``s ≥ 0`` per draw with every rule holding, and why not where none does.

    Returns ``(need, reason)``: ``need`` NaN where no cut up to half the income will do,
    ``reason`` a code of :data:`REASONS` (``FEASIBLE`` where the need is a number).
    ``method``: ``"auto"`` (closed form, bisection where it does not check out), or
    ``"bisection"`` (the fallback alone, for tests and the benchmark).

    Every indicator a cut helps rises with the cut, so the smallest cut is set by the
    lower limits alone; an upper limit either holds there or cannot be held by cuts.
    """
    if method == "bisection":
        return bisection(rules, state)
    zero = np.zeros_like(state.ndr0)
    enough = state.ok(rules, zero)  # no cut needed: the need is 0, not a rounding above it
    if enough.all():  # the usual case
        return zero, np.full(len(zero), FEASIBLE)
    lower = [r if r.operator != "=" else r.model_copy(update={"operator": ">="})
             for r in rules if r.operator in (">=", ">", "=")]
    need, reason = closed_form(lower, state)
    # up to the next øre, a tenth of an øre clear of the limit (a need exactly at the limit
    # could break it again on a path recomputed in another order of additions)
    need = np.where(need > 0, np.ceil((need + 1e-3) * 100.0) / 100.0, need)
    feasible = reason == FEASIBLE
    held = state.holding(rules, np.where(feasible, need, 0.0))  # (rule, draw)
    is_lower = np.array([r.operator in (">=", ">", "=") for r in rules])
    unsure = feasible & ~held[is_lower].all(axis=0)
    if unsure.any():  # a strict limit at a kink: bisect those draws
        rows = np.flatnonzero(unsure)
        need[rows], reason[rows] = bisection(lower, state.subset(rows))
        feasible = reason == FEASIBLE
        held[:, rows] = state.subset(rows).holding(rules, np.nan_to_num(need[rows]))
    if len(lower) < len(rules):
        broken = feasible & ~held.all(axis=0)
        reason = np.where(broken, NOT_BY_CUTS, reason)
        need = np.where(broken, np.nan, need)
    return np.where(enough, 0.0, need), np.where(enough, FEASIBLE, reason)


def closed_form(rules: Sequence[Rule], state: YearState) -> tuple[np.ndarray, np.ndarray]:
    """The smallest cut, exactly, for lower limits only: the surplus each fund rule needs,
    read off the disposal's kinks, then the cut that brings the surplus there."""
    d = len(state.surplus0)
    need = np.zeros(d)
    blocked = np.zeros(d, dtype=bool)
    if any(r.indicator != "net_operating_result_ratio" for r in rules):
        kinks, funds = _kinks(state)
    for r in rules:
        level = threshold(r)
        if r.indicator == "net_operating_result_ratio":
            s_r = level * state.income - state.ndr0
            s_r = np.where(state.income > 0, s_r, np.inf)
        else:
            s_r = state.cut_for_surplus(_smallest_surplus(r, state, kinks, funds, level))
        blocked |= s_r == np.inf
        need = np.maximum(need, np.where(np.isfinite(s_r), s_r, 0.0))
    beyond = need > MAX_SHARE * np.abs(state.income)
    reason = np.where(blocked, NOT_BY_CUTS, np.where(beyond, BEYOND_HALF, FEASIBLE))
    return np.where(reason == FEASIBLE, need, np.nan), reason


def _kinks(state: YearState) -> tuple[np.ndarray, np.ndarray]:
    """``(D, K)`` surpluses, ascending, at which the disposal changes slope, and the funds
    there, ``(D, K, F)``, both exact (no arithmetic beyond the disposal's own sums).

    Below zero: where a deficit has emptied the reserve fund, then each fund in the order
    the disposal draws on them (:func:`drain_order`; a forvaltningsfond's capital is never
    drawn). Above zero: where the surplus has covered earlier years' deficit; beyond that
    it all goes to the reserve fund.
    """
    funds, acc = state.disposal()
    order = [state.reserve_index, *drain_order(state.roles, state.reserve_index)]
    m = len(order)
    drained = np.cumsum(funds[:, order], axis=1)  # the deficit that empties each in turn
    kept = np.ones((m + 2, funds.shape[1]))  # kink × fund: 0 where the fund is empty
    for q in range(m):  # kink q (ascending): the first m − q funds of the order are empty
        kept[q, order[:m - q]] = 0.0
    kinks = np.column_stack([-drained[:, ::-1], np.zeros(len(funds)), acc])
    return kinks, funds[:, None, :] * kept[None, :, :]


def _smallest_surplus(rule: Rule, state: YearState, kinks: np.ndarray, funds: np.ndarray,
                      level: float) -> np.ndarray:
    """The smallest surplus ``x`` with the fund indicator at ``level``: -inf if any will
    do, +inf if none will."""
    income = state.income[:, None]
    value = indicator(rule.indicator, _fund_series(state, funds, income))
    step = np.zeros(funds.shape[-1])
    step[state.reserve_index] = 1.0
    d = len(kinks)
    slope = np.broadcast_to(indicator(
        rule.indicator, _fund_series(state, step[None, None, :], income))[:, 0], (d,))
    x = np.full(d, np.inf)
    reached = value >= level
    first = np.argmax(reached, axis=1)
    anywhere = reached.any(axis=1)
    x[anywhere & (first == 0)] = -np.inf
    r = np.flatnonzero(anywhere & (first > 0))
    k = first[r]
    x0, x1 = kinks[r, k - 1], kinks[r, k]
    v0, v1 = value[r, k - 1], value[r, k]
    x[r] = x0 + (level - v0) * (x1 - x0) / (v1 - v0)
    above = ~anywhere & (slope > 0)
    x[above] = kinks[above, -1] + (level - value[above, -1]) / slope[above]
    return x


def _fund_series(state: YearState, funds: np.ndarray, income: np.ndarray
                 ) -> Callable[[str], np.ndarray]:
    """The fund series of ``(D, K, F)`` funds, as :func:`indicator` reads them."""
    return lambda name: income if name == "operating_income" else funds @ state.weights[name]


def bisection(rules: Sequence[Rule], state: YearState, iterations: int = 36
              ) -> tuple[np.ndarray, np.ndarray]:
    """The fallback: 36 halvings of half a year's income leave less than 1 kr of doubt."""
    zero = np.zeros_like(state.ndr0)
    done = state.ok(rules, zero)
    if done.all():
        return zero, np.zeros(len(zero), dtype=int)
    lo = zero.copy()
    hi = MAX_SHARE * np.abs(state.income)
    reachable = state.ok(rules, hi)
    hi = np.where(done, 0.0, hi)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        good = state.ok(rules, mid)
        hi = np.where(good, mid, hi)
        lo = np.where(good, lo, mid)
    reason = np.where(reachable, FEASIBLE, BEYOND_HALF)
    return np.where(reachable, hi, np.nan), reason
