"""docs/population.md holds exactly what ``muniplan national-backtest`` prints, and the packaged
calibration is what it fits (the full grid: slow, run with ``-m slow``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from muniplan.cli.national_view import backtest_report
from muniplan.plan.kommuner import CALIBRATION_FILE, load_calibration

DOC = Path(__file__).resolve().parents[1] / "docs" / "population.md"
BEGIN, END = "<!-- national-backtest: begin -->", "<!-- national-backtest: end -->"


def documented() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_the_document_has_the_tables_and_the_calibration_is_complete() -> None:
    tables = documented()
    assert "**Total**" in tables and "**Coverage of calibrated 90 % intervals" in tables
    probs, log_q, counts = load_calibration(CALIBRATION_FILE)
    assert log_q.shape == (4, 8, 6, probs.size)
    assert counts.min() >= 20
    # spreads widen with the horizon, and the 5 %-95 % band holds zero error at horizon 1
    p05, p95 = int(np.searchsorted(probs, 0.05)), int(np.searchsorted(probs, 0.95))
    width = log_q[..., p95] - log_q[..., p05]
    assert (np.diff(width, axis=1) >= -1e-12).all()
    assert (log_q[:, 0, :, p05] < 0).all() and (log_q[:, 0, :, p95] > 0).all()


@pytest.mark.slow
def test_the_document_and_the_calibration_are_reproduced(tmp_path: Path) -> None:
    out = tmp_path / "calibration.csv"
    assert backtest_report(None, 2, 8440, out).strip() == documented()
    assert out.read_text() == CALIBRATION_FILE.read_text()
