"""Plans for the pages: which version a URL means, and a cache of loaded plans.

A plan version in the store is immutable, so a version loaded and projected once can be kept:
the cache key is (plan id, version number, digest, horizon). Only "which version is current"
asks the store on every request, so a newly adopted version shows at once. The cache belongs to
one app (no module globals) and is bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from muniplan.engine.projection import Projection, project
from muniplan.plan.model import Plan
from muniplan.store.errors import NotFoundError
from muniplan.store.process import Process


class NotFound(LookupError):
    """What the URL names does not exist; the message says what was missing."""


@dataclass(frozen=True)
class Loaded:
    """One plan version ready for the pages."""

    plan: Plan
    record: Any
    version: Any
    versions: tuple[Any, ...]
    projection: Projection
    to_year: int

    @property
    def key(self) -> tuple[Hashable, ...]:
        return (self.plan.id, self.version.number, self.plan.digest, self.to_year)


class BoundedCache:
    """A small thread-safe LRU; values are computed outside the lock."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        value = make()
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
        return value


class PlanSource:
    """Reads plans from a store (``plans``, ``versions``, ``version``, ``load``)."""

    def __init__(self, store: Any, cache_size: int = 32) -> None:
        self.store = store
        self._plans = BoundedCache(cache_size)
        self._projections = BoundedCache(cache_size)

    def records(self) -> list[Any]:
        return list(self.store.plans())

    def default_plan_id(self) -> str | None:
        records = self.records()
        return records[0].id if records else None

    def record(self, plan_id: str) -> Any:
        for rec in self.records():
            if rec.id == plan_id:
                return rec
        raise NotFound(f"Fant ingen plan med id «{plan_id}».")

    def choose_version(self, plan_id: str, number: int | None, viewer: Any = None
                       ) -> tuple[Any, tuple[Any, ...]]:
        """The version asked for if ``viewer`` may read it, else the current one: the
        newest adopted, else the published proposal (:mod:`muniplan.store.process`). A
        version the viewer may not read is "not found", like one that does not exist."""
        try:
            version, seen = Process(self.store).resolve(plan_id, number, viewer)
        except NotFoundError:
            if number is None:
                raise NotFound(f"Planen «{plan_id}» har ingen publisert versjon.") from None
            raise NotFound(f"Planen «{plan_id}» har ingen versjon {number}.") from None
        return version, tuple(seen)

    def load(self, plan_id: str, number: int | None = None, to_year: int | None = None,
             viewer: Any = None) -> Loaded:
        rec = self.record(plan_id)
        version, versions = self.choose_version(plan_id, number, viewer)
        plan = self._plans.get(
            (plan_id, version.number, getattr(version, "digest", None)),
            lambda: self.store.load(plan_id, version.number),
        )
        if to_year is not None and not (plan.period.last <= to_year <= plan.horizon):
            raise ValueError(
                f"«to» må være et år fra {plan.period.last} til {plan.horizon}, fikk {to_year}."
            )
        to = to_year or plan.horizon
        proj = self._projections.get(
            (plan_id, version.number, plan.digest, to),
            lambda: project(plan, to_year=to),
        )
        return Loaded(plan, rec, version, versions, proj, to)
