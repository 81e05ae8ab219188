"""Plausibility warnings: valid figures that are probably typed in the wrong unit."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.plan.advice import plausibility_warnings
from muniplan.plan.load import EXAMPLES_DIR, load_plan

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_example_is_plausible() -> None:
    assert plausibility_warnings(load_plan(EXAMPLE)) == []


def test_frames_in_kroner_instead_of_1000_kr(tmp_path: Path, capsys) -> None:
    folder = _copy(tmp_path)
    path = folder / "sectors.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    years = [i for i, name in enumerate(rows[0]) if name.isdigit()]
    for row in rows[1:]:
        for i in years:
            row[i] = str(int(row[i]) * 1000)  # the frames only: fees and refunds still add up
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    warnings = [str(w) for w in plausibility_warnings(load_plan(folder))]
    assert any("per innbygger" in w and "sjekk amount_scale: beløp i 1000 kr" in w
               for w in warnings), warnings
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(folder)])
    assert exc.value.code == 0  # a warning, not an error
    assert "sjekk amount_scale" in capsys.readouterr().err


def test_income_far_above_frames(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "plan.yaml", "amount: 5791500\n", "amount: 9791500\n")
    warnings = [str(w) for w in plausibility_warnings(load_plan(folder))]
    assert any("netto driftsresultat blir trolig over 15 %" in w for w in warnings), warnings


def test_rule_limit_and_growth_in_percent(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "plan.yaml", "    limit: 0.04\n", "    limit: 4\n")
    _edit(folder / "plan.yaml", "values: {2018: 0.005}", "values: {2018: 0.3}")
    warnings = [str(w) for w in plausibility_warnings(load_plan(folder))]
    assert any(w.startswith("plan.yaml: rules.R1: grensen 4 er 400 %") for w in warnings)
    assert any("assumptions.cost_growth: 0.3 i 2018 er 30 % i året" in w for w in warnings)
