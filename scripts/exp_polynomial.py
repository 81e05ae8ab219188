"""The float64 kernel's exp polynomial (:data:`muniplan.demography.kernel._EXP_POLY`):
``exp(r) ≈ 1 + r + r²·P(r)`` on ``|r| ≤ 0.3466`` (just over ln 2 / 2), ``P`` of degree 9
minimax for the relative error by Remez's exchange, in 50 digits.

Why a script: the coefficients are numbers nobody can check by eye; this makes them again
and prints the largest relative error (3.6e-18 at degree 9; 2.9e-16, above an ulp, at 8).
Needs ``mpmath`` (not a dependency of muniplan: ``uv run --with mpmath``).

Run: ``python scripts/exp_polynomial.py [degree of P]``.
"""

from __future__ import annotations

import sys

import mpmath as mp

mp.mp.dps = 50
A = mp.mpf("0.3466")
GRID = 4000


def _g(r: mp.mpf) -> mp.mpf:
    """``(exp(r) − 1 − r) / r²``, what ``P`` approximates."""
    if abs(r) < mp.mpf("1e-10"):
        return mp.mpf(1) / 2 + r / 6
    return (mp.exp(r) - 1 - r) / r**2


def _weight(r: mp.mpf) -> mp.mpf:
    """An error in ``P`` at ``r`` is ``r²/exp(r)`` of it in the relative error of exp."""
    return r**2 / mp.exp(r)


def remez(degree: int, rounds: int = 30) -> tuple[list[mp.mpf], mp.mpf]:
    n = degree + 2
    # Chebyshev points, moved off 0 where the weight vanishes
    xs = [A * mp.cos(mp.pi * (n - 1 - i) / (n - 1)) + mp.mpf("0.013") for i in range(n)]
    xs[-1] = A
    grid = [A * (2 * mp.mpf(k) / GRID - 1) for k in range(GRID + 1) if 2 * k != GRID]
    for _ in range(rounds):
        m = mp.matrix(n, n)
        rhs = mp.matrix(n, 1)
        for i, x in enumerate(xs):
            for j in range(degree + 1):
                m[i, j] = x**j
            m[i, degree + 1] = (-1) ** i / _weight(x)
            rhs[i] = _g(x)
        sol = mp.lu_solve(m, rhs)
        coef = [sol[j] for j in range(degree + 1)]
        errors = [(mp.polyval(coef[::-1], x) - _g(x)) * _weight(x) for x in grid]
        runs, run = [], [0]
        for i in range(1, len(grid)):
            if (errors[i] >= 0) == (errors[run[0]] >= 0):
                run.append(i)
            else:
                runs.append(run)
                run = [i]
        runs.append(run)
        if len(runs) == n:  # one extremum per sign run: the next reference points
            xs = [grid[max(r, key=lambda i: abs(errors[i]))] for r in runs]
    return coef, max(abs(e) for e in errors)


if __name__ == "__main__":
    coef, worst = remez(int(sys.argv[1]) if len(sys.argv) > 1 else 9)
    print("largest relative error", mp.nstr(worst, 3))
    print("(1.0, 1.0, " + ", ".join(repr(float(c)) for c in coef) + ")")
