"""The engine: the plan projected — population, service demand, finances, rules, savings
need, scenarios and Monte Carlo. Pure numpy; it reads no files, database or settings.

    from muniplan.engine import project
    projection = project(plan, to_year=2040, scenarios=[...], draws=10_000, seed=1)
"""

from muniplan.engine.debt import minimum_instalment, minimum_instalment_1992, weighted_lifetime
from muniplan.engine.deflator import deflator, price_index
from muniplan.engine.projection import Projection, project

__all__ = [
    "Projection",
    "deflator",
    "minimum_instalment",
    "minimum_instalment_1992",
    "price_index",
    "project",
    "weighted_lifetime",
]
