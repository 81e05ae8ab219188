"""The Monte Carlo fans against Bærum's accounts 2018–2020: the actual netto driftsresultat
and investments lie inside the 90 % fans of the example projected from the plan as adopted.

The spreads are not fitted to these figures: each is set from its own documented history
(docs/montecarlo.md, "The fans against the accounts"); this test says whether together
they are wide enough."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from muniplan.engine.projection import project
from muniplan.plan.load import load_plan, resolve

ACTUALS = yaml.safe_load((Path(__file__).parent / "actuals" / "baerum_2018_2020.yaml")
                         .read_text(encoding="utf-8"))
DRAWS, SEED = 1000, 20171206  # the day the council adopted the plan


@pytest.fixture(scope="module")
def fans() -> dict[str, np.ndarray]:
    proj = project(load_plan(resolve(None)), to_year=2021, draws=DRAWS, seed=SEED)
    assert proj.samples is not None
    return {k: np.quantile(proj.samples[k], [0.05, 0.95], axis=0) / 1e6
            for k in ("net_operating_result", "investments")} | {"years": np.array(proj.years)}


@pytest.mark.parametrize("actual", ACTUALS, ids=lambda a: str(a["year"]))
@pytest.mark.parametrize("series", ["net_operating_result", "investments"])
def test_the_actual_lies_inside_the_90_percent_fan(fans, actual, series) -> None:
    i = int(np.flatnonzero(fans["years"] == actual["year"])[0])
    low, high = fans[series][:, i]
    assert low <= actual[series] <= high, (series, actual["year"], low, actual[series], high)
