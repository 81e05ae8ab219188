"""Prediction intervals calibrated on the method's own out-of-sample errors.

Why: spreads estimated from one kommune's year-to-year variation say how noisy its past
was, not how wrong the projection method turns out to be. Backtests over every kommune and
several base years give thousands of real forecast errors; their distribution, by horizon,
size class and age group, is the honest spread.

The error of a projection ``P`` against the actual ``A`` is ``e = log((A + ½) / (P + ½))``
(the ½ keeps groups of zero or a handful of people finite). For each size class ``s``,
horizon ``h`` (years after the base year) and label ``g`` (five age groups and the total),
:func:`fit` stores the empirical quantiles ``Q_{s,h,g}(p)`` of ``e`` at the probabilities
:data:`PROBS`. The calibrated interval of a projection ``P`` is then
``(P + ½)·exp(Q(p)) − ½`` for ``p`` = 0.05 and 0.95; between the stored probabilities the
quantile function is linear, outside them flat. A horizon beyond the longest backtested one
``H`` uses ``Q_{s,H,g} · h / H`` (errors grow about linearly with the horizon in the
backtests; an assumption beyond them). The spread (distance of each quantile from the
median) never shrinks with the horizon: it is carried forward as a running maximum.

Draws (:meth:`Calibration.apply`) keep the model's own dependence over years, ages and
groups, and take their margins from the calibration: within a year each draw's group total
is ranked among the draws (``u = (rank + ½) / draws``) and moved to ``(P + ½)·exp(Q(u)) − ½``
by scaling the group's ages; then the whole population of the draw is scaled the same way
to the total's calibrated value. The totals are then exactly calibrated; the groups, after
the second scaling, very nearly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from muniplan.demography.cohort import DEFAULT_GROUPS, THREADS, parse_groups

PROBS = np.array([0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9,
                  0.95, 0.975, 0.99, 0.995])
SIZE_BOUNDS: tuple[int, ...] = (2_000, 10_000, 50_000)
MIN_ERRORS = 20
TABLE_BYTES = 64 * 2**20
"""At most this much memory for the kept :meth:`Calibration.rank_table` tables (about
five runs' worth at 10 000 draws); beyond it the tables kept so far are dropped."""
_TABLES_LOCK = threading.Lock()
COMPILED_FROM = 50_000
"""Draws × years from which the factors run compiled and on the thread pool; below it
numpy on one thread is as quick (and a command need not import numba)."""
"""Fewer errors than this in a cell: the size classes of that horizon and label are pooled."""


def size_class(total: float) -> int:
    """0..3: under 2 000, 2 000–10 000, 10 000–50 000, over 50 000 inhabitants."""
    return int(np.searchsorted(SIZE_BOUNDS, total, side="right"))


def log_errors(actual: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    return np.log((np.asarray(actual) + 0.5) / (np.asarray(predicted) + 0.5))


@dataclass(frozen=True, eq=False)
class Calibration:
    """``log_q[size, horizon - 1, label, p]``: quantiles of the log error at :data:`PROBS`.

    Labels are the five default age groups and ``"total"`` (last); ``counts`` holds the
    number of errors behind each cell.
    """

    probs: np.ndarray
    log_q: np.ndarray
    counts: np.ndarray
    _tables: dict[tuple[int, int, int], np.ndarray] = field(
        default_factory=dict, init=False, repr=False)
    """:meth:`rank_table`'s tables kept, by size class, horizon and number of draws."""

    @property
    def horizons(self) -> int:
        return int(self.log_q.shape[1])

    def quantiles(self, size: int, horizon: int) -> np.ndarray:
        """``[label, p]`` log-error quantiles at ``horizon`` (0: no error)."""
        if horizon <= 0:
            return np.zeros(self.log_q.shape[2:])
        if horizon <= self.horizons:
            return self.log_q[size, horizon - 1]
        return self.log_q[size, -1] * (horizon / self.horizons)

    def bounds(self, central: np.ndarray, size: int, probs: tuple[float, ...] = (0.05, 0.95)
               ) -> np.ndarray:
        """``[p, year, label]`` calibrated quantiles around ``central[year, label]``.

        Year 0 is the base year (no error).
        """
        out = np.empty((len(probs), *central.shape))
        for j in range(central.shape[0]):
            q = self.quantiles(size, j)
            for g in range(central.shape[1]):
                logs = np.interp(probs, self.probs, q[g]) if j else np.zeros(len(probs))
                out[:, j, g] = np.maximum((central[j, g] + 0.5) * np.exp(logs) - 0.5, 0.0)
        return out

    def scaled(self, factor: float) -> Calibration:
        """Every log error times ``factor`` (0: no error, the draws become the central run)."""
        return Calibration(self.probs, self.log_q * factor, self.counts)

    def apply(self, fan: np.ndarray, central: np.ndarray, copy: bool = True) -> np.ndarray:
        """Draws ``fan[draw, year, sex, age]`` moved onto the calibrated margins.

        ``central[year, sex, age]`` is the deterministic projection the errors refer to,
        from the base year (year 0). ``copy=False`` moves ``fan`` itself (float64).
        """
        out = np.array(fan, dtype=np.float64, copy=True) if copy else fan
        spans = list(parse_groups(DEFAULT_GROUPS).values())
        values = np.stack([out[..., lo:hi + 1].sum(axis=(-2, -1)) for lo, hi in spans], -1)
        centre = np.stack([central[..., lo:hi + 1].sum(axis=(-2, -1)) for lo, hi in spans], -1)
        factors = self.factors(values, centre, np.arange(out.shape[1]),
                               size_class(float(central[0].sum())))
        for g, (lo, hi) in enumerate(spans):
            out[..., lo:hi + 1] *= factors[:, :, g, None, None]
        return out

    def factors(self, values: np.ndarray, central: np.ndarray, horizons: np.ndarray,
                size: int) -> np.ndarray:
        """Per draw, year and age group the factor that moves the draws onto the margins.

        ``values[draw, year, group]`` are the draws' totals of the five default age groups
        (which together cover every age), ``central[year, group]`` the deterministic ones,
        ``horizons[year]`` the years since the base year. Each group is first moved to the
        calibrated quantile of its rank, then all groups of a draw by the factor that moves
        its total to the total's; the product of the two is returned ``[draw, year, group]``.
        Used on full populations (:meth:`apply`) and on reduced sums alike, so both give the
        same numbers.
        """
        years = [j for j, h in enumerate(np.asarray(horizons)) if h > 0]
        draws, groups = values.shape[0], values.shape[2]
        kernel = _kernel() if draws * len(years) >= COMPILED_FROM else None
        if kernel is None:
            return self._factors_numpy(values, central, horizons, size)
        values = np.ascontiguousarray(values, dtype=np.float64)
        out = np.ones((values.shape[1], groups, draws))

        def year(j: int) -> None:
            kernel.year_factors(values, j, groups, self.rank_table(size, int(horizons[j]), draws),
                                centres(central[j]), out[j])

        each_year(year, years, draws)
        return np.ascontiguousarray(out.transpose(2, 0, 1))

    def rank_table(self, size: int, horizon: int, draws: int) -> np.ndarray:
        """``exp(Q(u))`` per label (groups, then the total) for the draw ranked ``i`` of
        ``draws`` (``u = (i + ½) / draws``): what the factors move a draw to, relative to
        the central value. It depends on no draw, only on their number, so it is kept
        (up to :data:`TABLE_BYTES`) for the next run: a run of 10 000 draws over 23 years
        would otherwise spend more time on its 1.4 million ``exp`` than on its sorts."""
        key = (size, horizon, draws)
        table = self._tables.get(key)
        if table is None:
            u = (np.arange(draws) + 0.5) / draws
            q = self.quantiles(size, horizon)
            table = np.stack([np.exp(np.interp(u, self.probs, q[g]))
                              for g in range(q.shape[0])])
            with _TABLES_LOCK:  # the years of a run ask from several threads
                if sum(t.nbytes for t in self._tables.values()) + table.nbytes > TABLE_BYTES:
                    self._tables.clear()
                self._tables[key] = table
        return table

    def _factors_numpy(self, values: np.ndarray, central: np.ndarray, horizons: np.ndarray,
                       size: int) -> np.ndarray:
        """:meth:`factors` in numpy passes (without numba): the same numbers."""
        draws = values.shape[0]
        u = (np.arange(draws) + 0.5) / draws
        # laid out (year, group, draw): each group's draws side by side in memory
        rows = np.ascontiguousarray(values.transpose(1, 2, 0))
        out = np.ones(rows.shape)

        def year(j: int) -> None:
            q = self.quantiles(size, int(horizons[j]))
            order = _order(rows[j])
            for g in range(rows.shape[1]):
                target = _target(order[g], float(central[j, g]), q[g], u, self.probs)
                out[j, g] = _ratio(target, rows[j, g])
            moved = (rows[j] * out[j]).sum(axis=0)
            target = _target(_order(moved[None])[0], float(central[j].sum()), q[-1], u,
                             self.probs)
            out[j] *= _ratio(target, moved)

        each_year(year, [j for j, h in enumerate(np.asarray(horizons)) if h > 0], draws)
        return np.ascontiguousarray(out.transpose(2, 0, 1))


def centres(central: np.ndarray) -> np.ndarray:
    """A year's deterministic group totals and, last, their sum: the central values the
    groups and the total are calibrated around."""
    return np.array([*(float(c) for c in central), float(central.sum())])


def each_year(year: Callable[[int], None], years: Sequence[int], draws: int) -> None:
    """Years are independent: on the thread pool when there is enough work (numpy's sorts
    and the compiled kernel run without the GIL)."""
    if THREADS > 1 and draws * len(years) >= COMPILED_FROM:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(year, years))
    else:
        for j in years:
            year(j)


def _kernel():
    """The compiled calibration when numba is installed (imported on first use: numba
    takes a while to import, worth it only for a Monte Carlo's draws), else None."""
    try:
        from muniplan.demography import calibrated_kernel
    except ImportError:
        return None
    return calibrated_kernel


def _order(rows: np.ndarray) -> np.ndarray:
    """The stable ascending order of each row: a row with no two equal values has only one
    order, which the faster unstable sort finds too; a row with ties (or NaN) is sorted
    again stably, so tied draws keep their draw order whichever sort ran."""
    order = np.argsort(rows, axis=-1)
    for r in range(rows.shape[0]):
        ranked = rows[r][order[r]]
        if not (ranked[1:] > ranked[:-1]).all():
            order[r] = np.argsort(rows[r], kind="stable")
    return order


def _target(order: np.ndarray, central: float, q: np.ndarray, u: np.ndarray,
            probs: np.ndarray) -> np.ndarray:
    """The calibrated value of each draw from its rank: the draw ranked ``i`` (``order[i]``)
    takes the quantile at ``u[i]``."""
    target = np.empty(order.size)
    target[order] = np.maximum((central + 0.5) * np.exp(np.interp(u, probs, q)) - 0.5, 0.0)
    return target


def _ratio(target: np.ndarray, values: np.ndarray) -> np.ndarray:
    safe = np.where(values > 0, values, 1.0)
    return np.where(values > 0, target / safe, 1.0)


def fit(size: np.ndarray, horizon: np.ndarray, actual: np.ndarray, predicted: np.ndarray,
        horizons: int, sizes: int = 4, probs: np.ndarray = PROBS) -> Calibration:
    """Quantiles of the log errors per size class, horizon ``1..horizons`` and label.

    ``size[n]``, ``horizon[n]``, ``actual[n, label]``, ``predicted[n, label]``: one row per
    kommune, base year and horizon.
    """
    errors = log_errors(actual, predicted)
    labels = errors.shape[1]
    log_q = np.zeros((sizes, horizons, labels, probs.size))
    counts = np.zeros((sizes, horizons, labels), dtype=np.int64)
    for h in range(1, horizons + 1):
        at_h = horizon == h
        for s in range(sizes):
            cell = at_h & (size == s)
            n = int(cell.sum())
            rows = cell if n >= MIN_ERRORS else at_h
            counts[s, h - 1] = int(rows.sum())
            if rows.any():
                log_q[s, h - 1] = np.quantile(errors[rows], probs, axis=0).T
    return Calibration(probs, _widening(log_q, probs), counts)


def _widening(log_q: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Distances from the median as running maxima over the horizon (spreads never shrink)."""
    mid = int(np.searchsorted(probs, 0.5))
    median = log_q[..., mid:mid + 1]
    dev = log_q - median
    upper = np.maximum.accumulate(np.maximum(dev, 0.0), axis=1)
    lower = np.minimum.accumulate(np.minimum(dev, 0.0), axis=1)
    return median + np.where(dev >= 0, upper, lower)


def coverage(cal: Calibration, size: np.ndarray, horizon: np.ndarray, actual: np.ndarray,
             predicted: np.ndarray, probs: tuple[float, float] = (0.05, 0.95)) -> np.ndarray:
    """``hits[n, label]``: whether the actual value lies in the calibrated interval."""
    hits = np.zeros(actual.shape, dtype=bool)
    for s in np.unique(size):
        for h in np.unique(horizon):
            rows = (size == s) & (horizon == h)
            if not rows.any():
                continue
            q = cal.quantiles(int(s), int(h))
            lo = np.array([np.interp(probs[0], cal.probs, qg) for qg in q])
            hi = np.array([np.interp(probs[1], cal.probs, qg) for qg in q])
            c = predicted[rows] + 0.5
            a = actual[rows]
            hits[rows] = (c * np.exp(lo) - 0.5 <= a) & (a <= c * np.exp(hi) - 0.5)
    return hits
