"""The app as ``muniplan serve`` runs it: built from the environment in each worker, with
the slow work done beforehand in a separate low-priority process.

With ``--workers N`` uvicorn starts N processes, each calling :func:`app_from_environment`
(the settings come from ``MUNIPLAN_DATABASE_URL`` / ``MUNIPLAN_DATA_DIR``), so a worker is
ready as soon as it has imported the code. The warm-up (``muniplan warm``) runs once for
the whole site in its own process at low priority: it fills the store's computed results,
which every worker reads; a reader who arrives first waits for that same computation (see
:func:`muniplan.web.kept.exclusive`) instead of starting another. It starts once the server
accepts connections (:class:`Warming`), so that its own start — importing the same code —
does not take the cores from the server's.
"""

from __future__ import annotations

import gc
import os
import socket
import subprocess
import sys
import threading
from typing import Any

WARM_NICENESS = 10
FRESH_SECONDS = 1.0
"""How long a worker reuses "which version is current" for anonymous readers."""
WARM_DELAY = 3.0
"""Seconds after a worker is built before it warms up (:func:`warm_worker`): after its first
answers, so that the warm-up does not hold the interpreter while the first reader waits."""
IDLE_WAIT = 10.0
"""Seconds the warm-up waits at most for the requests being answered to finish before it
loads numba and compiles the templates (holding the interpreter for about half a second)."""


def hold_collector() -> None:
    """No cyclic garbage collection while the server starts (``muniplan serve`` calls this
    first). Start-up builds hundreds of thousands of long-lived objects (modules, classes,
    the ORM's mappings), and the collector walks them again and again for nothing: about a
    tenth of a second of the start. :func:`release_collector` turns it back on once the
    pages are loaded."""
    gc.disable()


def release_collector() -> None:
    """The collector back on if :func:`hold_collector` turned it off, with what start-up
    built set aside for good (``gc.freeze``: later collections no longer walk it)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def app_from_environment() -> Any:
    """The app for one uvicorn worker, from the environment's settings. It answers ``/`` at
    once; the pages are added by the first request for one, or by :func:`warm_worker`."""
    from muniplan.store import Settings, Store
    from muniplan.web.app import create_app

    settings = Settings()
    app = create_app(settings, Store.from_settings(settings), pages_on_first_use=True)
    app.state.web.source.fresh_seconds = FRESH_SECONDS
    app.state.pages.then = release_collector
    timer = threading.Timer(WARM_DELAY, warm_worker, args=(app,))
    timer.daemon = True  # a server stopped before it warmed up does not wait to warm up
    timer.start()
    return app


def warm_worker(app: Any) -> None:
    """Make this worker's first answers as quick as its later ones, in the background:

    * the pages added to the app (:mod:`muniplan.web.page_loader`), if no reader has asked
      for one yet;
    * every template compiled (a second of CPU on a cold cache), so the first reader of a
      page does not wait for it;
    * numba and the compiled finance loop loaded: from then on a simulator request or a
      projection of one path takes the compiled loop (a third of the numpy loop's time),
      which a process only leaves once numba is loaded. The machine code comes from numba's
      cache (``make setup`` fills it)."""
    from muniplan.web.page_loader import wait_until_idle

    try:
        app.state.pages.load()
    finally:
        release_collector()
    wait_until_idle(app.state.pages, at_most=IDLE_WAIT)  # a first reader's page goes first
    from muniplan.engine.compiled import compile_kernels
    from muniplan.plan.load import load_plan

    templates = app.state.web.templates
    for name in templates.list_templates():
        templates.get_template(name)
    compile_kernels(load_plan(), monte_carlo=False)  # Monte Carlo results come from the store


def start_warming() -> subprocess.Popen[bytes]:
    """``muniplan warm`` in the background, niced, its output discarded."""
    return subprocess.Popen(
        [sys.executable, "-c", "from muniplan.cli import main; main(['warm'])"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(WARM_NICENESS),
    )


class Warming:
    """:func:`start_warming` once something accepts connections on ``host:port`` (the
    server this process is starting); :meth:`stop` ends the wait or the warm-up."""

    POLL_SECONDS = 0.1

    def __init__(self, host: str, port: int) -> None:
        self._address = ({"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host),
                         port)
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        threading.Thread(target=self._start_when_up, name="muniplan-warm", daemon=True).start()

    def _start_when_up(self) -> None:
        while not self._stopped.wait(self.POLL_SECONDS):
            try:
                socket.create_connection(self._address, timeout=1).close()
            except OSError:
                continue
            with self._lock:
                if not self._stopped.is_set():
                    self._process = start_warming()
            return

    @property
    def process(self) -> subprocess.Popen[bytes] | None:
        return self._process

    def stop(self, timeout: float = 10) -> None:
        with self._lock:
            self._stopped.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=timeout)
