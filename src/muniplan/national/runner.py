"""Run :mod:`muniplan.demography.national` on Dask, a local cluster or a scheduler's.

Why Dask: 357 independent projections (and four times as many backtests) fill every core
of one machine with a local cluster, and a larger run goes to an existing cluster by its
scheduler's address with no change. Each task takes a chunk of kommuner and returns their
small summaries; the national rates travel once to every worker (``scatter``).

No oversubscription: a local cluster has one single-threaded worker process per core it is
given, and inside a task numpy's BLAS and the projection's own draw threads are held to one
(the ``*_NUM_THREADS`` variables are set before a worker starts, and the projection is
called with ``threads=1``). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from muniplan.demography.calibration import Calibration
from muniplan.demography.national import (
    BacktestRecord,
    History,
    KommuneRun,
    Method,
    backtest_kommune,
    run_kommune,
)
from muniplan.plan.kommuner import NationalData

THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
TASKS_PER_WORKER = 4


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None,
                port: int = 0) -> Iterator[Any]:
    """A ``distributed.Client``: to ``scheduler`` if given, else to a new local cluster.

    The local cluster has ``workers`` single-threaded worker processes on 127.0.0.1; its
    scheduler listens on ``port`` (0: any free port) and serves its HTTP status on the next,
    the workers on the eight ports after that and their nannies on the ten after those (so
    at most eight workers with a fixed port; the workers' own HTTP status pages take free
    ports, on 127.0.0.1 too).
    """
    from dask.distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="10s") as client:
            yield client
        return
    n = workers or default_workers()
    ports: dict[str, Any] = {}
    if port:
        ports = {"worker_port": f"{port + 2}:{port + 9}", "port": f"{port + 10}:{port + 19}"}
    with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, host="127.0.0.1",
                      scheduler_port=port,
                      dashboard_address=f"127.0.0.1:{port + 1 if port else 0}",
                      silence_logs=logging.ERROR, env={v: "1" for v in THREAD_VARS},
                      **ports) as cluster, Client(cluster) as client:
        yield client


@dataclass(frozen=True)
class Rates:
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray


Item = tuple[str, np.ndarray, np.ndarray]
"""A kommune in a task: number, its population years, ``population[year, sex, age]``."""


def _items(data: NationalData, indices: Sequence[int] | None) -> list[Item]:
    out = []
    for i in range(len(data.kommuner)) if indices is None else indices:
        keep = data.years >= data.first_year[i]
        out.append((data.kommuner[i].number, data.years[keep], data.population[i, keep]))
    return out


def _chunks(items: list[Item], workers: int) -> list[list[Item]]:
    n = max(1, min(len(items), workers * TASKS_PER_WORKER))
    return [items[i::n] for i in range(n)]


def _history(item: Item, rates: Rates) -> History:
    return History(item[1], item[2], rates.mortality_years, rates.mx, rates.fertility_years,
                   rates.asfr)


def project_chunk(items: list[Item], rates: Rates, base_year: int, to_year: int, draws: int,
                  root_seed: int, calibration: Calibration | None,
                  method: Method | None) -> list[KommuneRun]:
    """A task: project each kommune of the chunk (see :func:`run_kommune`)."""
    return [run_kommune(item[0], _history(item, rates), base_year, to_year, draws=draws,
                        root_seed=root_seed, calibration=calibration, method=method,
                        threads=1)
            for item in items]


def backtest_chunk(items: list[Item], rates: Rates, base_years: Sequence[int], horizon: int,
                   method: Method | None) -> list[BacktestRecord]:
    """A task: backtest each kommune of the chunk from every base year it has data for.

    A base year needs at least two earlier population years (one transition) of its own.
    """
    out = []
    for item in items:
        history = _history(item, rates)
        last = int(item[1][-1])
        for base in base_years:
            if base - int(item[1][0]) >= 1 and base < last:
                out.append(backtest_kommune(item[0], history, base,
                                            min(base + horizon, last), method, threads=1))
    return out


def _map(client: Any, task: Any, data: NationalData, indices: Sequence[int] | None
         ) -> list[Any]:
    """Run ``task(chunk, rates)`` over chunks of kommuner; the results, flattened."""
    rates = Rates(data.mortality_years, data.mx, data.fertility_years, data.asfr)
    workers = max(1, len(client.scheduler_info(n_workers=-1)["workers"]))
    [shared] = client.scatter([rates], broadcast=True)
    futures = client.map(task, _chunks(_items(data, indices), workers), rates=shared,
                         pure=False)
    return [r for chunk in client.gather(futures) for r in chunk]


def run_national(client: Any, data: NationalData, base_year: int, to_year: int, *,
                 draws: int = 0, root_seed: int = 0, calibration: Calibration | None = None,
                 method: Method | None = None, indices: Sequence[int] | None = None
                 ) -> list[KommuneRun]:
    """Every kommune (or those at ``indices``), in the order of ``data.kommuner``."""
    task = partial(project_chunk, base_year=base_year, to_year=to_year, draws=draws,
                   root_seed=root_seed, calibration=calibration, method=method)
    runs = _map(client, task, data, indices)
    order = {k.number: i for i, k in enumerate(data.kommuner)}
    return sorted(runs, key=lambda r: order[r.number])


def run_backtests(client: Any, data: NationalData, base_years: Sequence[int], horizon: int,
                  method: Method | None = None, indices: Sequence[int] | None = None
                  ) -> list[BacktestRecord]:
    """Backtests of every kommune from each base year, ``horizon`` years ahead at most."""
    task = partial(backtest_chunk, base_years=tuple(base_years), horizon=horizon, method=method)
    records = _map(client, task, data, indices)
    order = {k.number: i for i, k in enumerate(data.kommuner)}
    return sorted(records, key=lambda r: (r.base_year, order[r.number]))
