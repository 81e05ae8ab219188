"""What does not change between projections of the same plan, computed once per plan.

A plan is frozen, so its arrays (finance inputs before scenarios, the fitted demographic
model, the deterministic population path) are functions of the plan alone. A web page, the
simulator or a CLI command that projects one plan under several scenarios or horizons would
otherwise recompute them each time — more than half of a deterministic projection.

The cache is pure: it is keyed on the plan object itself (held, so its identity cannot be
reused while cached) and the call's other arguments, it keeps the few most recent plans,
and what it returns is made read-only, so no caller can change a cached value for the next.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import numpy as np

P = ParamSpec("P")
R = TypeVar("R")

PLANS_KEPT = 8
"""Plans (with their arguments) kept per cached function: a server shows a few versions."""


def per_plan(fn: Callable[P, R]) -> Callable[P, R]:
    """Cache ``fn(plan, *args)`` by the plan's identity and the other (hashable) arguments."""
    entries: OrderedDict[tuple[Any, ...], tuple[object, R]] = OrderedDict()
    lock = threading.Lock()

    @wraps(fn)
    def cached(*args: P.args, **kwargs: P.kwargs) -> R:
        plan, rest = args[0], args[1:]
        key = (id(plan), rest, tuple(sorted(kwargs.items())))
        with lock:
            hit = entries.get(key)
            if hit is not None and hit[0] is plan:
                entries.move_to_end(key)
                return hit[1]
        value = frozen(fn(*args, **kwargs))
        with lock:
            entries[key] = (plan, value)
            entries.move_to_end(key)
            while len(entries) > PLANS_KEPT:
                entries.popitem(last=False)
        return value

    cached.cache_clear = entries.clear  # type: ignore[attr-defined]
    return cached


def frozen(value: R) -> R:
    """``value`` with every array in it (in tuples, dicts, dataclasses) made read-only."""
    _freeze(value, set())
    return value


def _freeze(value: object, seen: set[int]) -> None:
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, tuple | list):
        for v in value:
            _freeze(v, seen)
    elif isinstance(value, dict):
        for v in value.values():
            _freeze(v, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _freeze(getattr(value, f.name), seen)
