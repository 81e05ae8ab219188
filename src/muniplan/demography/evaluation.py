"""The national backtest tables: errors by horizon and size class, and interval coverage.

Why one module: ``docs/population.md`` prints exactly what these functions return
(``muniplan national-backtest``), so the document and the tests cannot drift apart.

* **MAPE**: mean over kommuner (and base years) of ``|P / A − 1|`` in percent, for the
  method and the naive baseline, by horizon and size class (size on 1 January of the base
  year).
* **Coverage on held-out data**: the calibration (:mod:`.calibration`) is fitted without the
  data it is tested on — once leaving out each base year in turn (the others calibrate), once
  leaving out half of the kommuner (by their position in the list, alternating) — and the
  share of actual values inside the calibrated 90 % interval is reported.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from muniplan.demography.calibration import Calibration, coverage, fit
from muniplan.demography.national import (
    LABELS,
    SIZE_LABELS,
    BacktestRecord,
    backtest_records,
)


def calibrate(records: Sequence[BacktestRecord], horizons: int) -> Calibration:
    """The calibration fitted on every record's out-of-sample errors."""
    size, horizon, actual, pred = backtest_records(records)
    keep = horizon <= horizons
    return fit(size[keep], horizon[keep], actual[keep], pred[keep], horizons)


def ape(records: Sequence[BacktestRecord], which: str
        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(size[n], horizon[n], ape[n, label])`` in percent."""
    size, horizon, actual, pred = backtest_records(records, which)
    return size, horizon, np.abs(pred / np.maximum(actual, 1.0) - 1.0) * 100.0


def mape_table(records: Sequence[BacktestRecord], label: str, horizons: int) -> str:
    """One markdown table: rows horizons, columns size classes (method, naive) and all."""
    g = LABELS.index(label)
    size, horizon, method = ape(records, "method")
    _, _, naive = ape(records, "naive")
    head = ("| horizon | " + " | ".join(f"{s}: method | naive" for s in SIZE_LABELS)
            + " | all: method | naive | median: method | naive | n |")
    lines = [head, "|---:|" + "---:|" * (2 * len(SIZE_LABELS) + 5)]
    for h in range(1, horizons + 1):
        cells = []
        for s in range(len(SIZE_LABELS)):
            rows = (horizon == h) & (size == s)
            cells += [_f(method[rows, g].mean()), _f(naive[rows, g].mean())] if rows.any() \
                else ["–", "–"]
        rows = horizon == h
        cells += [_f(method[rows, g].mean()), _f(naive[rows, g].mean()),
                  _f(np.median(method[rows, g])), _f(np.median(naive[rows, g])),
                  str(int(rows.sum()))]
        lines.append(f"| {h} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _f(x: float) -> str:
    return f"{x:.2f}"


def held_out_hits(records: Sequence[BacktestRecord], horizons: int
                  ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Coverage of calibrated 90 % intervals on data the calibration did not see.

    ``{"base years": ..., "kommuner": ...}``, each ``(size[n], horizon[n], hits[n, label])``.
    """
    out: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    bases = sorted({r.base_year for r in records})
    numbers = sorted({r.number for r in records})
    half = {n: i % 2 for i, n in enumerate(numbers)}
    splits = {
        "base years": [([r for r in records if r.base_year != b],
                        [r for r in records if r.base_year == b]) for b in bases],
        "kommuner": [([r for r in records if half[r.number] != k],
                      [r for r in records if half[r.number] == k]) for k in (0, 1)],
    }
    for name, folds in splits.items():
        parts = []
        for train, test in folds:
            cal = calibrate(train, horizons)
            size, horizon, actual, pred = backtest_records(test)
            keep = horizon <= horizons
            parts.append((size[keep], horizon[keep],
                          coverage(cal, size[keep], horizon[keep], actual[keep], pred[keep])))
        out[name] = tuple(np.concatenate([p[i] for p in parts]) for i in range(3))  # type: ignore[assignment]
    return out


def coverage_table(hits: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> str:
    """Markdown: share of actual values inside the 90 % interval, per label and held-out
    scheme, overall and by size class."""
    head = "| held out | size class | " + " | ".join(LABELS) + " | n |"
    lines = [head, "|---|---|" + "---:|" * (len(LABELS) + 1)]
    for name, (size, _horizon, hit) in hits.items():
        for s, label in [(None, "all"), *enumerate(SIZE_LABELS)]:
            rows = np.ones(size.size, bool) if s is None else size == s
            cells = " | ".join(f"{hit[rows, g].mean() * 100:.1f} %"
                               for g in range(len(LABELS)))
            lines.append(f"| {name} | {label} | {cells} | {int(rows.sum())} |")
    return "\n".join(lines)


def coverage_by_horizon(hits: tuple[np.ndarray, np.ndarray, np.ndarray], horizons: int) -> str:
    """Markdown: coverage of the total and the groups by horizon (one held-out scheme)."""
    size, horizon, hit = hits
    lines = ["| horizon | " + " | ".join(LABELS) + " | n |",
             "|---:|" + "---:|" * (len(LABELS) + 1)]
    for h in range(1, horizons + 1):
        rows = horizon == h
        if rows.any():
            cells = " | ".join(f"{hit[rows, g].mean() * 100:.1f} %" for g in range(len(LABELS)))
            lines.append(f"| {h} | {cells} | {int(rows.sum())} |")
    del size
    return "\n".join(lines)


def share_within(records: Sequence[BacktestRecord], which: str, horizon: int = 5,
                 limit: float = 5.0) -> float:
    """Share of kommuner whose total is within ``limit`` percent at ``horizon`` years (SSB's
    own yardstick for its kommune projections)."""
    _size, h, errors = ape(records, which)
    rows = h == horizon
    return float((errors[rows, -1] < limit).mean())
