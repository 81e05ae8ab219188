"""Choosing and calling the compiled finance year loop (:mod:`muniplan.engine.finance_kernel`).

The numpy loop in :func:`muniplan.engine.finance.project_finances` is the reference; the
compiled loop does the same arithmetic per draw and is the one long-lived processes and
Monte Carlo runs use. Importing numba costs about a third of a second, more than a whole
deterministic projection on the numpy path, so a one-off command does not pay it: the
compiled loop is taken by default only for many draws, or once numba is already loaded in
the process (the Monte Carlo's population kernel loads it; the web server and the simulator
warm it up with :func:`warm_up`). Without numba loaded, a projection of a few draws runs the
compiled loop's source as plain Python (:func:`plain_kernel`): the compiled loop's figures,
about twice as fast as the numpy loop for a deterministic projection's two rows.
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
from pathlib import Path
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


PLAIN_DRAWS = 2
"""Up to this many draws, without numba loaded, the loop runs as plain Python
(:func:`plain_kernel`): a deterministic projection's two rows (measured by
``benchmarks/bench_montecarlo.py``)."""


@cache
def plain_kernel() -> ModuleType:
    """:mod:`muniplan.engine.finance_kernel`'s source run as plain Python, without numba."""
    name = "muniplan.engine.finance_kernel_plain"
    spec = importlib.util.spec_from_file_location(
        name, Path(__file__).with_name("finance_kernel.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


def rule_arrays(rules: Sequence[Rule], inp: FinanceInputs,
                kernel: ModuleType | None = None) -> RuleArrays:
    """Encode the rules a cut can help (:data:`rules.SAVINGS_INDICATORS`) and the years each
    is checked (:func:`rules.rule_applies`), in the codes of ``kernel`` (None: the compiled
    loop's module)."""
    k = kernel or _kernel()
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


def _rows(a: np.ndarray) -> np.ndarray:
    """``(D|1, Y)`` as C-contiguous, writable float64 (one compiled signature for every
    caller); an input one row long is read by every draw, so it is not broadcast (a copy of
    a row per draw was a fifth of the finance stage)."""
    return np.require(np.atleast_2d(np.asarray(a, dtype=float)), float, ["C", "W"])


def _f(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """C-contiguous, writable float64 of ``shape``."""
    return np.require(np.broadcast_to(np.asarray(a, dtype=float), shape), float, ["C", "W"])


INPUTS = ("income", "opex", "depreciation", "assets_end", "w_life_end", "rate", "cpi",
          "deviation")
"""The loop's inputs by draw, ``(D|1, Y)``, in the kernel's order."""
OUTPUTS = ("debt", "instal", "min_instal", "interest", "ndr", "funds", "deficit",
           "accumulated", "fund_return", "return_budgeted", "loans_for_transfer", "savings",
           "reason")


Pass = tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]
"""One pass of the year loop: which draws solve the savings need, the inputs by name
(:data:`INPUTS`, and ``new_loans`` and ``transfer`` ``(D, Y)``, changed in place), the
output arrays by name (:data:`OUTPUTS`)."""


def run_loop(inp: FinanceInputs, rules: Sequence[Rule], passes: Sequence[Pass],
             threads: int | None = None, kernel: ModuleType | None = None) -> None:
    """Run the year loop compiled, every pass of ``passes`` over the same draws. The
    draws are cut into slices and each thread runs every pass on its slice, so a slice's
    inputs are read from cache by the second pass. ``threads``: how many slices run at
    once (None: :data:`THREADS`); ``kernel``: the loop's module (None: the compiled one;
    :func:`plain_kernel` runs it as plain Python)."""
    k = kernel or _kernel()
    d, y = passes[0][2]["debt"].shape
    roles = np.array([k.ROLE_CODES[r] for r in inp.fund_roles], dtype=np.int64)
    order = np.array([inp.reserve_fund_index, *drain_order(inp.fund_roles,
                                                           inp.reserve_fund_index)],
                     dtype=np.int64)
    disp_w = np.array([r not in ("buffer", "managed") for r in inp.fund_roles], dtype=float)
    solving = any(rows.any() for rows, _, _ in passes)
    ra = rule_arrays(rules, inp, k) if solving else _no_rules(y)
    managed = inp.managed_fund_index
    yearly = [_f(inp.financial_income, (y,)),
              _f(inp.expected_real_return if managed >= 0 else np.zeros(y), (y,))]
    shared = [inp.law_regime == "2018", float(inp.extra_instalments), float(inp.opening_debt),
              float(inp.opening_assets), float(inp.opening_useful_life),
              np.asarray(inp.fund_opening, dtype=float).copy(), int(managed),
              int(inp.return_buffer_index), roles, int(inp.reserve_fund_index), order[1:],
              order, disp_w, k.LIMIT_CODES[inp.transfer_limit]]
    rule_args = [ra.indicator, ra.operator, ra.lower_operator, ra.limit, ra.tolerance,
                 ra.lower_limit, ra.applies, ra.lower]
    prepared = []
    for rows, flows, out in passes:
        inputs = {n: _rows(flows[n]) for n in INPUTS}
        prepared.append(([inputs[n] for n in INPUTS[:6]], [inputs[n] for n in INPUTS[6:]],
                         [flows["new_loans"], flows["transfer"]],
                         np.require(rows, bool, ["C", "W"]), [out[n] for n in OUTPUTS]))

    def run(s: slice) -> None:
        # each slice its own copy of the shared arrays: the loop's calls count references
        # to them, and two cores counting on one array's counter stall each other (4× slower)
        own_yearly, own_shared, own_rules = _own(yearly), _own(shared), _own(rule_args)
        for first, second, changed, rows, outputs in prepared:
            k.year_loop(*(_part(a, s) for a in first), *own_yearly,
                        *(_part(a, s) for a in second), *(a[s] for a in changed),
                        *own_shared, rows[s], *own_rules, *(a[s] for a in outputs))

    for_each_slice(run, d, THREADS if threads is None else threads)


def spend_priced(rate: np.ndarray, budgets: np.ndarray, price: np.ndarray) -> np.ndarray:
    """``(K, D, Y)``: each budget path of ``budgets`` ``(K, Y)`` as spent under the
    execution rates ``rate`` ``(D, Y)``, times the price index ``(D|1, Y)`` — the compiled
    :func:`execution.spend_many` and the product after it, the same figures."""
    return _kernel().spend_priced(_rows(rate), _rows(budgets), _rows(price))


def _part(a: np.ndarray, s: slice) -> np.ndarray:
    """The draws ``s`` of an input by draw; a single row is every draw's."""
    return a[s] if a.shape[0] > 1 else a


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
