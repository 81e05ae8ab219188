"""The engine: the plan projected — population, service demand, finances, rules, savings
need, scenarios and Monte Carlo. Pure numpy; it reads no files, database or settings.

    from muniplan.engine import project
    projection = project(plan, to_year=2040, scenarios=[...], draws=10_000, seed=1)

The names below load on first use: a module that needs only the registry of series
(``muniplan.engine.registry``: labels, units — the CLI's and the web's formatting) does not
pay for importing the whole projection.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from muniplan.engine.debt import (
        minimum_instalment,
        minimum_instalment_1992,
        weighted_lifetime,
    )
    from muniplan.engine.deflator import deflator, price_index
    from muniplan.engine.projection import Projection, project

_HOME = {
    "Projection": "muniplan.engine.projection",
    "project": "muniplan.engine.projection",
    "deflator": "muniplan.engine.deflator",
    "price_index": "muniplan.engine.deflator",
    "minimum_instalment": "muniplan.engine.debt",
    "minimum_instalment_1992": "muniplan.engine.debt",
    "weighted_lifetime": "muniplan.engine.debt",
}

__all__ = [
    "Projection",
    "deflator",
    "minimum_instalment",
    "minimum_instalment_1992",
    "price_index",
    "project",
    "weighted_lifetime",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'muniplan.engine' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
