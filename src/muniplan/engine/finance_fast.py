"""Choosing and calling the compiled finance year loop (:mod:`muniplan.engine.finance_kernel`).

The numpy loop in :func:`muniplan.engine.finance.project_finances` is the reference; the
compiled loop does the same arithmetic per draw and is the one long-lived processes and
Monte Carlo runs use. Importing numba costs about a third of a second, more than a whole
deterministic projection on the numpy path, so a one-off command does not pay it: the
compiled loop is taken by default only for many draws, or once numba is already loaded in
the process (the Monte Carlo's population kernel loads it; the web server and the simulator
warm it up with :func:`warm_up`).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from types import ModuleType

import numpy as np

from muniplan.engine.inputs import FinanceInputs
from muniplan.engine.rules import SAVINGS_INDICATORS, rule_applies, threshold
from muniplan.engine.savings import drain_order
from muniplan.plan.model import Rule

MIN_DRAWS = 64
"""From this many draws the compiled loop pays for numba's import even in a fresh process
(measured by ``benchmarks/bench_savings.py``)."""

THREADS = max(1, min(4, os.cpu_count() or 1))
"""Slices of draws the compiled loop runs side by side (as the population stage's threads)."""

MIN_SLICE = 512
"""Draws a slice has at least: below that a thread costs more than it saves."""


@cache
def available() -> bool:
    """Whether numba is installed (without importing it)."""
    return importlib.util.find_spec("numba") is not None


def use_compiled(compiled: bool | None, draws: int) -> bool:
    """The loop to run: ``compiled`` if given, else the compiled one where it pays."""
    if compiled is not None:
        if compiled and not available():
            raise RuntimeError("the compiled finance loop needs numba, which is not installed")
        return compiled
    return available() and (draws >= MIN_DRAWS or "numba" in sys.modules)


def _kernel() -> ModuleType:
    from muniplan.engine import finance_kernel

    return finance_kernel


def warm_up() -> None:
    """Load numba and the compiled loop now (a long-lived process, before its first
    request), so later projections take the compiled path without a wait."""
    if available():
        _kernel()


@dataclass(frozen=True)
class RuleArrays:
    """The savings rules as the kernel reads them, one entry per rule, ``(Y, R)`` masks."""

    indicator: np.ndarray
    operator: np.ndarray
    lower_operator: np.ndarray
    limit: np.ndarray
    tolerance: np.ndarray
    lower_limit: np.ndarray
    applies: np.ndarray
    lower: np.ndarray


def rule_arrays(rules: Sequence[Rule], inp: FinanceInputs) -> RuleArrays:
    """Encode the rules a cut can help (:data:`rules.SAVINGS_INDICATORS`) and the years each
    is checked (:func:`rules.rule_applies`)."""
    k = _kernel()
    chosen = [r for r in rules if r.indicator in SAVINGS_INDICATORS]
    y = len(inp.years)
    applies = np.zeros((y, len(chosen)), dtype=bool)
    for j, r in enumerate(chosen):
        applies[:, j] = [rule_applies(r, inp, i) for i in range(y)]
    is_lower = np.array([r.operator in (">=", ">", "=") for r in chosen], dtype=bool)
    lower_ops = [">=" if r.operator == "=" else r.operator for r in chosen]
    lower_limits = [threshold(r.model_copy(update={"operator": op}))
                    for r, op in zip(chosen, lower_ops, strict=True)]
    return RuleArrays(
        indicator=np.array([k.INDICATOR_CODES[r.indicator] for r in chosen], dtype=np.int64),
        operator=np.array([k.OPERATOR_CODES[r.operator] for r in chosen], dtype=np.int64),
        lower_operator=np.array([k.OPERATOR_CODES[o] for o in lower_ops], dtype=np.int64),
        limit=np.array([threshold(r) for r in chosen], dtype=float),
        tolerance=np.array([r.tolerance for r in chosen], dtype=float),
        lower_limit=np.array(lower_limits, dtype=float),
        applies=applies,
        lower=applies & is_lower[None, :],
    )


def _f(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """C-contiguous, writable float64 (one compiled signature for every caller)."""
    return np.require(np.broadcast_to(np.asarray(a, dtype=float), shape), float, ["C", "W"])


def run_loop(inp: FinanceInputs, rules: Sequence[Rule], solve_rows: np.ndarray,
             flows: dict[str, np.ndarray], out: dict[str, np.ndarray],
             threads: int | None = None) -> None:
    """Run the year loop compiled. ``flows``: the loop's ``(D, Y)`` inputs by name
    (``new_loans`` and ``transfer`` are changed in place); ``out``: its output arrays.
    ``threads``: how many slices of draws run at once (None: :data:`THREADS`)."""
    k = _kernel()
    d, y = out["debt"].shape
    shape = (d, y)
    roles = np.array([k.ROLE_CODES[r] for r in inp.fund_roles], dtype=np.int64)
    order = np.array([inp.reserve_fund_index, *drain_order(inp.fund_roles,
                                                           inp.reserve_fund_index)],
                     dtype=np.int64)
    disp_w = np.array([r not in ("buffer", "managed") for r in inp.fund_roles], dtype=float)
    ra = rule_arrays(rules, inp) if solve_rows.any() else _no_rules(y)
    managed = inp.managed_fund_index
    per_draw = [_f(flows[n], shape) for n in ("income", "opex", "depreciation", "assets_end",
                                                "w_life_end", "rate")]
    yearly = [_f(inp.financial_income, (y,)),
              _f(inp.expected_real_return if managed >= 0 else np.zeros(y), (y,))]
    per_draw2 = [_f(flows["cpi"], shape), _f(flows["deviation"], shape), flows["new_loans"],
                 flows["transfer"]]
    shared = [inp.law_regime == "2018", float(inp.extra_instalments), float(inp.opening_debt),
              float(inp.opening_assets), float(inp.opening_useful_life),
              np.asarray(inp.fund_opening, dtype=float).copy(), int(managed),
              int(inp.return_buffer_index), roles, int(inp.reserve_fund_index), order[1:],
              order, disp_w, k.LIMIT_CODES[inp.transfer_limit]]
    rule_args = [ra.indicator, ra.operator, ra.lower_operator, ra.limit, ra.tolerance,
                 ra.lower_limit, ra.applies, ra.lower]
    outputs = [out[n] for n in ("debt", "instal", "min_instal", "interest", "ndr", "funds",
                                "deficit", "accumulated", "fund_return", "return_budgeted",
                                "loans_for_transfer", "savings", "reason")]
    rows = np.require(solve_rows, bool, ["C", "W"])

    def run(s: slice) -> None:
        # each slice its own copy of the shared arrays: the loop's calls count references
        # to them, and two cores counting on one array's counter stall each other (4× slower)
        k.year_loop(*(a[s] for a in per_draw), *_own(yearly), *(a[s] for a in per_draw2),
                    *_own(shared), rows[s], *_own(rule_args), *(a[s] for a in outputs))

    for_each_slice(run, d, THREADS if threads is None else threads)


def _own(args: list) -> list:
    """``args`` with every array copied."""
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def slices(draws: int, threads: int) -> list[slice]:
    """The slices of draws the loop runs at once: one per thread, each of at least
    :data:`MIN_SLICE` draws (a draw's figures do not depend on the slice it is in)."""
    n = max(1, min(threads, draws // MIN_SLICE))
    bounds = [draws * i // n for i in range(n + 1)]
    return [slice(a, b) for a, b in pairwise(bounds)]


def for_each_slice(run: Callable[[slice], None], draws: int, threads: int) -> None:
    """``run`` on each of :func:`slices`, on a thread pool when there are several (the
    compiled loop releases the GIL, so the slices use the cores side by side)."""
    parts = slices(draws, threads)
    if len(parts) == 1:
        run(parts[0])
        return
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        list(pool.map(run, parts))


def _no_rules(y: int) -> RuleArrays:
    none = np.zeros(0)
    ints = np.zeros(0, dtype=np.int64)
    mask = np.zeros((y, 0), dtype=bool)
    return RuleArrays(ints, ints, ints, none, none, none, mask, mask)
