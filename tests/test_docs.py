"""The docs stay true: every plan field is documented, every command is in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from muniplan.cli import app
from muniplan.plan import model

ROOT = Path(__file__).resolve().parents[1]
PLAN_FORMAT = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")

MODELS = [model.Plan, model.Assumptions, model.IncomeItem, model.Fund, model.OpeningBalances,
          model.FinancePolicy, model.LongTermInvestment, model.Rule, model.Service,
          model.AgeCoverage, model.Measure, model.Target, model.PriorityArea, model.Strategy,
          model.Series, model.Source, model.Override, model.Scenario, model.Investment,
          model.PropertyTax, model.SimulatorLimits]
INTERNAL = {"population", "digest", "sectors", "investments", "priority_areas", "scenarios",
            "program_areas", "operating_frame", "cost"}


def _fields(cls: type[BaseModel]) -> list[str]:
    return [f for f in cls.model_fields if f not in INTERNAL]


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_every_plan_field_is_documented(cls: type[BaseModel]) -> None:
    missing = [f for f in _fields(cls) if not re.search(rf"`{f}`|\b{f}\b", PLAN_FORMAT)]
    assert not missing, f"{cls.__name__}: document {missing} in docs/plan-format.md"


def test_every_command_is_in_the_readme() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"muniplan {name}" in README, f"README lacks `muniplan {name}`"
        if hasattr(command, "commands"):
            for sub in command.commands:
                assert f"muniplan {name} {sub}" in README, f"README lacks muniplan {name} {sub}"
