"""Running the engine's compiled kernels once, so that their machine code is in numba's cache
before anyone waits for it.

Why: the first call of a numba kernel on a machine compiles it (up to a minute of CPU
for the finance loop and the population kernel together); every later process loads the
cached code in a fraction of a second. Doing that first call at install (``make setup``)
keeps the compilation out of the first Monte Carlo a reader asks for and out of the test
suite, and a web worker that runs it in the background after start (:mod:`muniplan.web.serving`)
answers its simulator requests on the compiled loop from then on.
"""

from __future__ import annotations

from muniplan.engine import finance_fast
from muniplan.engine.projection import project
from muniplan.plan.model import Plan

WARM_DRAWS = finance_fast.MIN_DRAWS
"""Enough draws that the Monte Carlo takes the compiled finance loop in any process."""


def compile_kernels(plan: Plan, *, monte_carlo: bool = True) -> bool:
    """Project ``plan`` through the compiled kernels: a small Monte Carlo (the population
    kernel and the compiled finance loop; left out with ``monte_carlo=False``, for a process
    that only projects single paths) and one deterministic projection (the finance loop for
    a single path, taken once numba is loaded). False where numba is not installed."""
    if not finance_fast.available():
        return False
    finance_fast.warm_up()
    if monte_carlo:
        project(plan, draws=WARM_DRAWS, seed=0)
    project(plan)
    return True
