"""The Monte Carlo's finance stage: every draw's finances and savings need, in parts of
draws that run side by side on threads.

Why parts: the stage is about half arithmetic on whole ``(draw, year)`` arrays (income,
expenses, investments, depreciation) and half the compiled year loop. Run on all 10 000
draws at once, the arrays of the first half are made on fresh memory — some 28 000 page
faults, which two threads take in turn — and only the loop used the second core. In parts
of :data:`PART` draws, each thread makes one part's arrays at a time, the next part reuses
the memory the last one freed (:mod:`muniplan.engine.heap`), and the whole stage, not only
the loop, runs on both cores. The kept series are written into one block, where the pages
are few and large.

A draw's figures do not depend on the part it is in: every step is by draw, except the
asset register, which follows the mean execution path of *all* draws and is given to each
part (``mean_execution``); the figures are the same to the last bit as one projection
over all the draws (``tests/test_finance_stage.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numpy as np

from muniplan.engine import finance_fast
from muniplan.engine.execution import Execution
from muniplan.engine.finance import project_finances
from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.model import Rule

PART = 1250
"""Draws a part has: small enough that a part's arrays (about 15 kB a draw) are reused by
the next part from memory already mapped, large enough that the Python steps around the
arithmetic (some 2 ms a part) stay small against it."""

ALIGN = 64
"""Parts start at a multiple of this many draws: a matrix product gives a row the same
bits whatever rows come before it only when the rows fall into its blocks alike."""

BY_DRAW = ("wage_growth", "price_growth", "interest_rate", "income_shock", "cost_growth",
           "return_deviation", "execution_rate")
"""The fields of :class:`FinanceInputs` that may have a row per draw (and
``income_real_growth``, by kind)."""


def parts(draws: int, size: int | None = None) -> list[slice]:
    """Consecutive slices of about ``size`` (None: :data:`PART`) draws, starting at
    multiples of :data:`ALIGN`, covering every draw once (one slice if there are fewer).
    Never fewer than :data:`Execution.MANY <muniplan.engine.execution.Execution.MANY>`
    draws: a part spends its investment budget by the same recursion as the whole run."""
    n = max(1, draws // max(size or PART, Execution.MANY + ALIGN))
    bounds = [ALIGN * round(draws * i / n / ALIGN) for i in range(n)] + [draws]
    return [slice(a, b) for a, b in pairwise(bounds)]


def _rows(a: np.ndarray, s: slice, draws: int) -> np.ndarray:
    """The draws ``s`` of an array by draw; one row is every draw's."""
    return a[s] if a.ndim == 2 and a.shape[0] == draws and draws > 1 else a


def part_inputs(inp: FinanceInputs, s: slice, draws: int) -> FinanceInputs:
    """``inp`` for the draws ``s`` of a run of ``draws``."""
    changes: dict[str, object] = {
        name: _rows(getattr(inp, name), s, draws) for name in BY_DRAW
        if getattr(inp, name) is not None}
    changes["income_real_growth"] = {k: _rows(v, s, draws)
                                     for k, v in inp.income_real_growth.items()}
    return inp.with_changes(**changes)


def project_parts(inp: FinanceInputs, pop_ratio: np.ndarray, service_change: np.ndarray,
                  rules: Sequence[Rule], *, draws: int, kept: Collection[str],
                  threads: int | None = None
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The series ``kept`` of the path without savings, ``(D, Y)`` each, and every draw's
    savings need — :func:`finance.project_finances` with ``alongside`` — computed part by
    part on ``threads`` threads (None: :data:`finance_fast.THREADS`)."""
    mean_execution = (None if inp.execution_rate is None
                      else np.atleast_2d(inp.execution_rate).mean(axis=0, keepdims=True))
    y = len(inp.years)
    # one block for every kept series and the savings need; the year loop writes its
    # series there itself, the rest are copied in (a series the plan has not is left out:
    # its untouched pages cost nothing)
    names = [*kept, ""]
    block = dict(zip(names, np.empty((len(names), draws, y)), strict=True))
    made: set[str] = set()

    def run(s: slice) -> None:
        into = {k: v[s] for k, v in block.items()}
        res = project_finances(part_inputs(inp, s, draws), _rows(pop_ratio, s, draws),
                               _rows(service_change, s, draws), rules,
                               draws=s.stop - s.start, alongside=True, kept=kept,
                               mean_execution=mean_execution, threads=1, into=into)
        for k in kept:
            if k in res.series:
                made.add(k)
                if res.series[k] is not into[k]:  # not written there by the loop
                    into[k][...] = res.series[k]
        if res.savings_need is not into[""]:
            into[""][...] = res.savings_need

    pieces = parts(draws)
    n = min(len(pieces), finance_fast.THREADS if threads is None else threads)
    if n <= 1:
        for s in pieces:
            run(s)
    else:
        with ThreadPoolExecutor(max_workers=n) as pool:
            list(pool.map(run, pieces))
    savings = block.pop("")
    return {k: v for k, v in block.items() if k in made}, savings
