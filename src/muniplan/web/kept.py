"""Results computed from a plan version, kept in the store's ``computed_results`` table.

A version never changes, so neither does a projection or a Monte Carlo run computed from it
with the same horizon, draws, seed and engine. The first process to compute one writes it;
a restart, or another worker of the same site, reads it back (a few milliseconds) instead of
computing it again (seconds). ``key`` names everything besides the version that the result
depends on, including a digest of the engine's code, so a changed engine never serves what
the old one computed.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import muniplan
from muniplan.web import snapshot


@cache
def engine_fingerprint() -> str:
    """A digest of the code a kept result depends on (engine, demography)."""
    root = Path(muniplan.__file__).parent
    h = hashlib.sha256()
    for folder in ("engine", "demography"):
        for path in sorted((root / folder).glob("*.py")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:16]


def kept_classes() -> tuple[type, ...]:
    """The classes a kept result may be made of (nothing else is rebuilt on reading)."""
    from muniplan.engine.compare import ScenarioResult
    from muniplan.engine.demand import ServiceDemand
    from muniplan.engine.projection import Projection
    from muniplan.engine.rules import Check
    from muniplan.web.risk import Risk

    return (Risk, Projection, ScenarioResult, Check, ServiceDemand)


def kept(store: Any, plan_id: str, number: int, kind: str, key: str,
         make: Callable[[], Any]) -> Any:
    """``make()``'s result for this plan version: read from the store if it is there, else
    computed and written there. A store that is not a database just computes."""
    from muniplan.store import Store
    from muniplan.store.computed import ComputedResults

    if not isinstance(store, Store):
        return make()
    results = ComputedResults(store)
    full_key = f"{key};engine={engine_fingerprint()}"
    payload = results.get(plan_id, number, kind, full_key)
    if payload is None:
        with exclusive(f"{store.location}|{plan_id}|{number}|{kind}|{full_key}"):
            payload = results.get(plan_id, number, kind, full_key)
            if payload is None:
                value = make()
                results.put(plan_id, number, kind, full_key,
                            snapshot.dumps(value, kept_classes()))
                return value
    return snapshot.loads(payload, kept_classes())


@contextmanager
def exclusive(name: str) -> Iterator[None]:
    """One holder at a time of ``name`` across the processes of this machine (the workers
    of one site): the others wait, then find the result the first one stored."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: single flight within a process only
        yield
        return
    folder = Path(tempfile.gettempdir()) / "muniplan-locks"
    folder.mkdir(exist_ok=True)
    path = folder / (hashlib.sha256(name.encode()).hexdigest()[:32] + ".lock")
    with open(path, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
