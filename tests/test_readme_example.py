"""The README's short plan validates, projects, and its figures are plausible (a result ratio
of a few percent, not the 55 % that amounts in kroner instead of 1000 kr would give)."""

from __future__ import annotations

import re
from pathlib import Path

from muniplan.engine.projection import project
from muniplan.plan.load import load_plan

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_plan_example_projects_plausibly(tmp_path: Path) -> None:
    section = README.split("A short `plan.yaml`", 1)[1]
    blocks = re.findall(r"```(?:yaml)?\n(.*?)```", section, flags=re.DOTALL)
    plan_yaml, sectors, investments = blocks[0], blocks[1], blocks[2]
    (tmp_path / "plan.yaml").write_text(plan_yaml, encoding="utf-8")
    (tmp_path / "sectors.csv").write_text(sectors, encoding="utf-8")
    (tmp_path / "investments.csv").write_text(investments, encoding="utf-8")
    plan = load_plan(tmp_path)
    index = plan.assumptions.population_index
    assert index is not None and round(index.at(2027), 4) == 1.0105  # a path, not a step
    ratio = project(plan).series["net_operating_result_ratio"]
    assert 0.0 < ratio[0] < 0.10
