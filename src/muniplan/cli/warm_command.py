"""``muniplan warm``: compute and keep what the public pages need, before readers ask.

For every plan's current version: the plan, its projection and the Bærekraft page's Monte
Carlo run and scenarios, each read from the store's computed results or computed once and
written there. ``muniplan serve`` starts it in the background (at low priority, in its own
process so it never holds a worker's interpreter); run it yourself after importing or
adopting a version so the first reader finds everything done.
"""

from __future__ import annotations

import time

import typer

from muniplan.cli.common import fail, print_wrapped
from muniplan.cli.i18n import _, decimal


def register(app: typer.Typer) -> None:
    app.command("warm")(warm)


def warm() -> None:
    """Compute and keep the pages' projections and Monte Carlo runs in the store."""
    from muniplan.store import Settings, Store  # here, so other commands start without it
    from muniplan.web.app import create_app

    settings = Settings()
    store = Store.from_settings(settings)
    try:
        if not store.is_current():
            fail(f"the database {store.location} is not at the current schema: "
                 "run `muniplan db upgrade`")
        web = create_app(settings, store).state.web
        for record in web.source.records():
            t = time.perf_counter()
            loaded = web.source.load(record.id)
            web.risk(loaded)
            print_wrapped(_("{0} versjon {1}: klar ({2} s)").format(
      record.id, loaded.version.number, decimal(time.perf_counter() - t)))
    finally:
        store.dispose()
