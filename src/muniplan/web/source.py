"""Plans for the pages: which version a URL means, and a cache of loaded plans.

A plan version in the store is immutable, so a version loaded and projected once can be kept:
the cache key is (plan id, version number, digest, horizon). Only "which version is current"
asks the store on every request, so a newly adopted version shows at once. The cache belongs to
one app (no module globals) and is bounded.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from muniplan.store.errors import NotFoundError
from muniplan.store.process import Process

if TYPE_CHECKING:
    from muniplan.engine.projection import Projection
    from muniplan.plan.model import Plan

# The engine (numpy) and the stored results are imported where a plan is projected: the app
# is built, and answers its first request, without them.


class Translatable(Exception):
    """An error whose message is a bokmål template (the catalogue's message id) and its
    fields, so the error page can show it in the reader's language."""

    def __init__(self, template: str, **fields: Any) -> None:
        super().__init__(template.format(**fields) if fields else template)
        self.template = template
        self.fields = fields

    def message(self, _: Callable[[str], str]) -> str:
        return _(self.template).format(**self.fields) if self.fields else _(self.template)


class NotFound(Translatable, LookupError):
    """What the URL names does not exist; the message says what was missing."""


class OutOfRange(Translatable, ValueError):
    """A parameter of the right type outside what the plan allows (a year past its horizon)."""


class BadParameter(ValueError):
    """A parameter that passed its type but not the plan (e.g. a year past the horizon); the
    message is already in the page's language."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name


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


class _Flight:
    """One computation under way, which later callers of the same key wait for."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class BoundedCache:
    """A small thread-safe LRU with single flight: values are computed outside the lock, and
    callers asking for a key while it is being computed wait for that one computation
    instead of starting their own (50 readers arriving at once cost one run, not 50)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._lock = threading.Lock()
        self.computed = 0
        """How many values were computed (not found or waited for): what tests count."""

    def get(self, key: Hashable, make: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            flight = self._flights.get(key)
            owner = flight is None
            if owner:
                flight = self._flights[key] = _Flight()
                self.computed += 1
        assert flight is not None
        if not owner:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.value
        try:
            value = make()
        except BaseException as exc:
            flight.error = exc
            with self._lock:
                del self._flights[key]
            flight.done.set()
            raise
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)
            del self._flights[key]
        flight.value = value
        flight.done.set()
        return value


class PlanSource:
    """Reads plans from a store (``plans``, ``versions``, ``version``, ``load``)."""

    def __init__(self, store: Any, cache_size: int = 32, fresh_seconds: float = 0.0) -> None:
        self.store = store
        self._plans = BoundedCache(cache_size)
        self._projections = BoundedCache(cache_size)
        self.fresh_seconds = fresh_seconds
        """How long an anonymous reader's answer to "which version is current" may be
        reused. 0 (the default): the store is asked on every request. ``muniplan serve``
        uses 1 s: under a crowd that takes the database off almost every request, and a new
        adoption still shows within a second."""
        self._recent: dict[Hashable, tuple[float, Any]] = {}

    def _fresh(self, key: Hashable, make: Callable[[], Any]) -> Any:
        if self.fresh_seconds <= 0:
            return make()
        now = time.monotonic()
        hit = self._recent.get(key)
        if hit is not None and now - hit[0] < self.fresh_seconds:
            return hit[1]
        value = make()
        if len(self._recent) > 1024:
            self._recent.clear()
        self._recent[key] = (now, value)
        return value

    def forget(self) -> None:
        """Ask the store again on the next request (a write through the site changed it)."""
        self._recent = {}

    def records(self) -> list[Any]:
        return self._fresh(("records",), lambda: list(self.store.plans()))

    def default_plan_id(self) -> str | None:
        records = self.records()
        return records[0].id if records else None

    def record(self, plan_id: str) -> Any:
        for rec in self.records():
            if rec.id == plan_id:
                return rec
        raise NotFound("Fant ingen plan med id «{id}».", id=plan_id)

    def choose_version(self, plan_id: str, number: int | None, viewer: Any = None
                       ) -> tuple[Any, tuple[Any, ...]]:
        """The version asked for if ``viewer`` may read it, else the current one: the
        newest adopted, else the published proposal (:mod:`muniplan.store.process`). A
        version the viewer may not read is "not found", like one that does not exist."""
        try:
            if viewer is None:
                version, seen = self._fresh(("version", plan_id, number), lambda: Process(
                    self.store).resolve(plan_id, number, viewer))
            else:
                version, seen = Process(self.store).resolve(plan_id, number, viewer)
        except NotFoundError:
            if number is None:
                raise NotFound("Planen «{id}» har ingen publisert versjon.", id=plan_id) from None
            raise NotFound("Planen «{id}» har ingen versjon {number}.", id=plan_id,
                           number=number) from None
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
            raise OutOfRange("«to» må være et år fra {first} til {last}, fikk {found}.",
                             first=plan.period.last, last=plan.horizon, found=to_year)
        from muniplan.engine.projection import project
        from muniplan.web.kept import kept

        to = to_year or plan.horizon
        proj = self._projections.get(
            (plan_id, version.number, plan.digest, to),
            lambda: kept(self.store, plan_id, version.number, "projection", f"to={to}",
                         lambda: project(plan, to_year=to)),
        )
        return Loaded(plan, rec, version, versions, proj, to)
