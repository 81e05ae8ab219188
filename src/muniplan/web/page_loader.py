"""The site's pages, added to a running app when a request first needs them.

Importing the page modules brings in the plan models (pydantic), the engine (numpy), the
charts and the document builders: most of a second of a server's start. ``/`` (a redirect
to the plan) needs none of it, so the app is built and answers ``/`` without them, and the
pages are added on the first request for anything else — or by the worker's background
warm-up (:func:`muniplan.web.serving.warm_worker`), whichever comes first.

Nobody sees a half-built app: every request other than the few quick routes waits, in a
worker thread, until the pages are all in (:class:`PageLoader`, one load whichever request
or thread starts it; the others wait for that one). A load that fails is tried again by the
next request, which then answers as the failure did.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send


class PageLoader:
    """Runs ``add`` once (single flight): concurrent callers wait for the same run."""

    def __init__(self, add: Callable[[], None]) -> None:
        self._add = add
        self._lock = threading.Lock()
        self.loaded = threading.Event()
        self.runs = 0
        """How many times ``add`` ran to the end: 1 once loaded, however many asked."""
        self.then: Callable[[], None] | None = None
        """Called once the pages are in (the server turns its garbage collector back on)."""
        self.in_flight = 0
        """Requests being answered now (counted by :class:`LoadPages`): the warm-up waits
        for none before it takes the interpreter for a while."""
        self._count_lock = threading.Lock()

    def count(self, step: int) -> None:
        with self._count_lock:
            self.in_flight += step

    def load(self) -> None:
        if self.loaded.is_set():
            return
        with self._lock:
            if not self.loaded.is_set():
                self._add()
                self.runs += 1
                self.loaded.set()
                if self.then is not None:
                    self.then()


class LoadPages:
    """ASGI middleware: a request not answered by one of the ``quick`` routes waits until
    ``loader`` has added the pages, then goes on to the router as usual."""

    def __init__(self, app: ASGIApp, loader: PageLoader, quick: Sequence[BaseRoute]) -> None:
        self.app = app
        self.loader = loader
        self.quick = tuple(quick)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self.loader.count(+1)
        try:
            if not self.loader.loaded.is_set() and not self._is_quick(scope):
                from anyio import to_thread

                await to_thread.run_sync(self.loader.load)
            await self.app(scope, receive, send)
        finally:
            self.loader.count(-1)

    def _is_quick(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is Match.FULL for route in self.quick)


def wait_until_idle(loader: PageLoader, at_most: float, poll: float = 0.05) -> bool:
    """Wait (up to ``at_most`` seconds) until no request is being answered; True if none is.
    A background job that holds the interpreter for a while then slows no reader."""
    deadline = time.monotonic() + at_most
    while loader.in_flight > 0:
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True


