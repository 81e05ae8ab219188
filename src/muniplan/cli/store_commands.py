"""Commands of the store layer: db upgrade/current, import, plans, versions, serve.

The store is found through :class:`muniplan.store.Settings` (``MUNIPLAN_DATABASE_URL``, else
``$MUNIPLAN_DATA_DIR/muniplan.db``, else ``./data/muniplan.db``). Store errors — unreachable,
not upgraded, unknown plan — are :class:`muniplan.plan.errors.MuniplanError` and end the
command with one message and exit code 2 (see :func:`muniplan.cli.common.run_guarded`).
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from muniplan.cli import common
from muniplan.cli.common import (
    DEFAULT_PLAN,
    TableFormat,
    console,
    fail,
    plan_argument,
    print_json,
)
from muniplan.cli.i18n import _

if TYPE_CHECKING:  # the store (SQLAlchemy, Alembic) is imported only by the commands using it
    from pathlib import Path

    from muniplan.cli.version_marker import Base
    from muniplan.store import Store, VersionRecord


class Status(str, Enum):
    draft = "draft"
    proposal = "proposal"
    alternative = "alternative"
    adopted = "adopted"


STATUS_LABELS = {  # the Norwegian words for a version's status
    "draft": "utkast",
    "proposal": "forslag",
    "alternative": "alternativt budsjett",
    "adopted": "vedtatt",
}


ListFormat = TableFormat


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    db = typer.Typer(name="db", help="The database: create or migrate its tables.",
                     no_args_is_help=True)
    db.command("upgrade")(db_upgrade)
    db.command("current")(db_current)
    app.add_typer(db)
    app.command("import")(import_command)
    app.command("plans")(plans_command)
    app.command("versions")(versions_command)
    app.command("serve")(serve)


def say(message: str) -> None:
    """One line of output in the current language: wrapped between words at a terminal,
    one line when piped, so scripts can grep it."""
    common.print_wrapped(_(message))


def open_store() -> Store:
    from muniplan.store import Settings, Store

    return Store.from_settings(Settings())


def db_upgrade() -> None:
    """Create the store's tables, or migrate them to this version of muniplan."""
    with open_store() as store:
        before, head = store.revisions()
        store.upgrade()
    if before == head:
        say(f"database already at schema {head}: {store.location}")
    else:
        say(f"[green]upgraded[/] {before or _('empty database')} → {head}: {store.location}")


def db_current() -> None:
    """Show the database's schema revision. Exit code 0 when it is current, 1 when it
    needs `muniplan db upgrade`."""
    with open_store() as store:
        current, head = store.revisions()
    if current == head:
        say(f"schema {current} (current): {store.location}")
        return
    found = current or _("none (empty database)")
    say(f"schema {found}, expected {head}: {store.location}")
    say("run `muniplan db upgrade`")
    raise typer.Exit(1)


def import_command(
    plan: str = plan_argument(),
    status: Status = typer.Option(Status.draft, "--status", "-s",
                                  help="draft (utkast), proposal (forslag), alternative "
                                  "(alternativt budsjett) or adopted (vedtatt)."),
    author: str = typer.Option(None, "--author", help="Who made this version."),
    message: str = typer.Option(None, "--message", "-m", help="What changed, and why."),
    if_missing: bool = typer.Option(False, "--if-missing",
                                    help="Import only if the store has no version of this "
                                    "plan yet (for scripts such as `make run`)."),
    base: int | None = typer.Option(None, "--base", min=1,
                                    help="The version your files were made from: the import "
                                    "is refused if the plan has a newer version (someone "
                                    "else saved meanwhile)."),
) -> None:
    """Import a plan folder into the store as the plan's next version, in one transaction.

    The plan is validated first; a plan with errors is not imported. Importing the same
    files again makes no new version.
    """
    from muniplan.cli.version_marker import read_base, record_base
    from muniplan.plan.load import load_files, read_folder, resolve
    from muniplan.store import NotFoundError

    folder = resolve(plan)
    files = read_folder(folder)
    loaded = load_files(files, origin=str(folder))
    recorded = read_base(folder)
    with open_store() as store:
        try:
            existing = store.versions(loaded.id)
        except NotFoundError:
            existing = []
        if if_missing and existing:
            say(f"{loaded.id} is already in the store (version {existing[-1].number}); "
                "nothing imported")
            return
        base = base if base is not None else _recorded_base(recorded, loaded.id, folder)
        if base is None and existing and existing[-1].digest != loaded.digest:
            fail(f"{folder}: {loaded.id} already has version {existing[-1].number} in the "
                 "store, and these files do not say which version they were made from, so "
                 "an import could overwrite someone's work. Get the newest with `muniplan "
                 f"checkout {loaded.id} DIR` and make your changes there, or say which "
                 "version you started from with --base N")
        version, created = store.import_files(
            files, status=status.value, author=author, message=message, origin=str(folder),
            base=base)
    record_base(folder, version.plan_id, version.number)
    if created:
        parent = f", parent {version.parent}" if version.parent is not None else ""
        say(f"[green]imported[/] {version.plan_id} version {version.number} "
            f"({_(STATUS_LABELS[version.status])}{parent}, {version.digest[:12]})")
    else:
        say(f"unchanged: {version.plan_id} version {version.number} "
            f"({_(STATUS_LABELS[version.status])}) has the same files; no new version made")


def _recorded_base(recorded: Base | None, plan_id: str, folder: Path) -> int | None:
    """The version recorded in the folder, if it is of this plan."""
    if recorded is None:
        return None
    if recorded.plan_id != plan_id:
        fail(f"{folder}: the folder was checked out from plan {recorded.plan_id!r}, but its "
             f"plan.yaml is {plan_id!r}; remove .muniplan-base or check out the right plan")
    return recorded.version


def plans_command(
    format: ListFormat = typer.Option(ListFormat.table, "--format", "-f",
                                      help="table or json"),
) -> None:
    """List the plans in the store with their newest version."""
    with open_store() as store:
        plans = store.plans()
    if format is ListFormat.json:
        print_json([{"id": p.id, "title": p.title,
                     "municipality": {"name": p.municipality, "number": p.number},
                     "latest_version": p.latest_version, "latest_status": p.latest_status}
                    for p in plans])
        return
    if not plans:
        say("no plans in the store yet (import one with `muniplan import`)")
        return
    t = Table(title=_("Handlingsprogram i databasen"))
    for col in ("Plan", "Tittel", "Kommune", "Siste versjon", "Status"):
        t.add_column(_(col), justify="right" if col == "Siste versjon" else "left")
    for p in plans:
        t.add_row(p.id, p.title, f"{p.municipality} ({p.number})", str(p.latest_version),
                  _(STATUS_LABELS[p.latest_status]))
    console.print(t)


def version_dict(v: VersionRecord) -> dict[str, object]:
    return {"plan_id": v.plan_id, "number": v.number, "status": v.status, "parent": v.parent,
            "author": v.author, "message": v.message,
            "created_at": v.created_at.isoformat(), "digest": v.digest}


def versions_command(
    plan_id: str = typer.Argument(DEFAULT_PLAN, help="The plan's id (its plan.yaml `id`)."),
    format: ListFormat = typer.Option(ListFormat.table, "--format", "-f",
                                      help="table or json"),
) -> None:
    """List a plan's versions in the store, oldest first."""
    with open_store() as store:
        versions = store.versions(plan_id)
        default = store.version(plan_id).number
    if format is ListFormat.json:
        print_json([version_dict(v) for v in versions])
        return
    t = Table(title=_("Versjoner av {0} (* = den som vises som gjeldende)").format(plan_id))
    for col in ("Versjon", "Status", "Forrige", "Laget (UTC)", "Av", "Melding", "Innhold"):
        t.add_column(_(col), justify="right" if col in ("Versjon", "Forrige") else "left")
    for v in versions:
        t.add_row(f"{v.number}{'*' if v.number == default else ''}",
                  _(STATUS_LABELS[v.status]), "" if v.parent is None else str(v.parent),
                  v.created_at.strftime("%Y-%m-%d %H:%M"), v.author or "", v.message or "",
                  v.digest[:12])
    console.print(t)


HEALTHCHECK_SECONDS = 60
"""How long a worker may take to answer the supervisor's ping before it is restarted: a
worker warming up on a loaded 2-core machine can hold its interpreter for seconds."""


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, "--workers", min=1, max=64,
                                help="Worker processes (each answers requests; they share "
                                "the store and its computed results)."),
) -> None:
    """Serve the web pages and the JSON API (/api) from the store."""
    try:
        from muniplan.web import serving
    except ImportError as exc:
        fail(f"the web app cannot be loaded ({exc})")
    if workers == 1:  # this process serves: no collector until its pages are loaded
        serving.hold_collector()
    try:
        _serve(serving, host, port, workers)
    finally:
        serving.release_collector()


def _serve(serving: Any, host: str, port: int, workers: int) -> None:
    import uvicorn

    from muniplan.store import Settings, Store

    store = Store.from_settings(Settings())
    try:
        if not store.is_current():
            fail(f"the database {store.location} is not at the current schema: "
                 "run `muniplan db upgrade`")
    finally:
        store.dispose()
    warming = serving.Warming(host, port)  # once the server answers
    try:
        uvicorn.run(f"{serving.__name__}:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, log_level="info",
                    timeout_worker_healthcheck=HEALTHCHECK_SECONDS)
    finally:
        warming.stop()
