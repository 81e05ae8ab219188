"""The law and practice fixtures of ``tests/law/*.yaml``: published figures and hand-checked
cases, each run against the engine's own functions or a whole projection."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from muniplan.engine import project
from muniplan.plan.load import load_files, read_folder
from muniplan.plan.model import Scenario
from muniplan.plan.parameters import parse_set

LAW = Path(__file__).parent / "law"


def _cases() -> list[Any]:
    out = []
    for path in sorted(LAW.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _merge(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _run_function(case: dict[str, Any]) -> dict[str, float]:
    module, name = case["function"].rsplit(".", 1)
    func = getattr(importlib.import_module(f"muniplan.engine.{module}"), name)
    return {"value": float(func(**case["input"]))}


def _run_plan(case: dict[str, Any]) -> dict[str, float]:
    files = dict(read_folder(LAW / "plans" / case["plan"]))
    plan_yaml = _merge(yaml.safe_load(files["plan.yaml"]), case.get("overrides", {}))
    files["plan.yaml"] = yaml.safe_dump(plan_yaml, allow_unicode=True, sort_keys=False)
    files.update(case.get("files", {}))
    plan = load_files(files, origin=case["plan"])
    scenarios = []
    if case.get("scenario"):
        ids = {s.id for s in plan.services}
        overrides = tuple(parse_set(s, ids, plan.amount_scale) for s in case["scenario"])
        scenarios = [Scenario(id="fixture", name="fixture", overrides=overrides,
                              assumption="test")]
    p = project(plan, scenarios=scenarios)
    i = p.year_index(case["year"])
    return {name: float(p.series[name][i]) for name in case["expected"]}


@pytest.mark.parametrize("case", _cases())
def test_law_fixture(case: dict[str, Any]) -> None:
    got = _run_function(case) if "function" in case else _run_plan(case)
    expected = case["expected"]
    if not isinstance(expected, dict):
        expected = {"value": expected}
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=case["margin"]), (name, case["source"])
