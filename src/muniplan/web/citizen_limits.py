"""Abuse limits of the citizens' pages: requests per address, form sizes, and a bound on the
simulator's computation, so that a flood of requests cannot exhaust the server.

Every limit lives in one :class:`Limits` (tests and the load benchmark set their own on
``app.state.citizens``). Nothing here is stored: an address is kept in memory for the length
of its window only, never written to the database or a log (docs/citizens.md, "Personvern").
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from muniplan.web.source import BoundedCache


@dataclass(frozen=True)
class Limits:
    """The citizens' limits; the defaults are for one municipality's public site."""

    computations_per_minute: int = 120
    """Recomputations one address may ask for per minute (a person moving sliders makes a
    few a second at most, and the page debounces them)."""
    submissions_per_hour: int = 5
    """Budgets and comments one address may send per hour."""
    concurrent_computations: int = 2
    """Projections computed at once (one per core of the 2-core reference machine); more
    requests wait in line."""
    queue_wait: float = 5.0
    """Seconds a request waits for its turn before the site answers 503 'busy'."""
    cached_outcomes: int = 4096
    """Results kept per app (each a few kilobytes): repeated choices are not recomputed."""
    cached_pages: int = 1024
    """Rendered simulator pages and result parts kept per app (5–60 kB each), so memory
    stays bounded however many different choices a flood sends."""
    max_addresses: int = 50_000
    """Addresses tracked at once; the oldest are forgotten first."""
    comment_chars: int = 1000
    form_bytes: int = 8192


class Busy(RuntimeError):
    """The server has no room for another computation within the wait."""


class Limited(RuntimeError):
    """An address went over its limit; ``retry_after`` seconds until it may try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class RateLimiter:
    """A sliding window of request times per key (address and kind)."""

    def __init__(self, max_keys: int) -> None:
        self.max_keys = max_keys
        self._hits: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: Hashable, limit: int, window: float,
            now: Callable[[], float] = time.monotonic) -> None:
        """Count one request of ``key``; :class:`Limited` if it is over ``limit``."""
        t = now()
        with self._lock:
            hits = self._hits.pop(key, None) or deque()
            while hits and hits[0] <= t - window:
                hits.popleft()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
            if len(hits) >= limit:
                raise Limited(max(1, int(hits[0] + window - t + 0.999)))
            hits.append(t)


@dataclass
class Citizens:
    """One app's citizen state: limits, the rate limiter, the computation gate and the
    bounded caches of results and rendered pages."""

    limits: Limits = field(default_factory=Limits)
    rate: RateLimiter = field(init=False)
    outcomes: BoundedCache = field(init=False)
    pages: BoundedCache = field(init=False)
    _gate: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self.rate = RateLimiter(self.limits.max_addresses)
        self.outcomes = BoundedCache(self.limits.cached_outcomes)
        self.pages = BoundedCache(self.limits.cached_pages)
        self._gate = threading.BoundedSemaphore(self.limits.concurrent_computations)

    def compute(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()`` once per key, at most ``concurrent_computations`` at a time."""
        def gated() -> Any:
            if not self._gate.acquire(timeout=self.limits.queue_wait):
                raise Busy("the simulator is busy")
            try:
                return make()
            finally:
                self._gate.release()

        return self.outcomes.get(key, gated)


_MAKING = threading.Lock()


def citizens(app_state: Any) -> Citizens:
    """The app's :class:`Citizens`, made with the default limits at first use."""
    with _MAKING:
        found = getattr(app_state, "citizens", None)
        if found is None:
            found = Citizens()
            app_state.citizens = found
        return found
