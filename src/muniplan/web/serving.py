"""The app as ``muniplan serve`` runs it: built from the environment in each worker, with
the slow work done beforehand in a separate low-priority process.

With ``--workers N`` uvicorn starts N processes, each calling :func:`app_from_environment`
(the settings come from ``MUNIPLAN_DATABASE_URL`` / ``MUNIPLAN_DATA_DIR``), so a worker is
ready as soon as it has imported the code. The warm-up (``muniplan warm``) runs once for
the whole site in its own process at low priority: it fills the store's computed results,
which every worker reads; a reader who arrives first waits for that same computation (see
:func:`muniplan.web.kept.exclusive`) instead of starting another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

WARM_NICENESS = 10
FRESH_SECONDS = 1.0
"""How long a worker reuses "which version is current" for anonymous readers."""


def app_from_environment() -> Any:
    """The app for one uvicorn worker, from the environment's settings."""
    from muniplan.store import Settings, Store
    from muniplan.web.app import create_app

    settings = Settings()
    app = create_app(settings, Store.from_settings(settings))
    app.state.web.source.fresh_seconds = FRESH_SECONDS
    return app


def start_warming() -> subprocess.Popen[bytes]:
    """``muniplan warm`` in the background, niced, its output discarded."""
    return subprocess.Popen(
        [sys.executable, "-c", "from muniplan.cli import main; main(['warm'])"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.nice(WARM_NICENESS),
    )
