"""Alembic, run from code: the migrations ship inside the package, no alembic.ini needed.

``muniplan db upgrade`` calls :func:`upgrade`; :func:`current` and :func:`head` tell whether
a database is at the schema this code expects. To write a new migration after changing
:mod:`muniplan.store.schema`::

    from alembic import command
    from muniplan.store.migrate import config
    cfg = config()
    cfg.set_main_option("sqlalchemy.url", "sqlite:///data/muniplan.db")  # an upgraded db
    command.revision(cfg, message="what changed", autogenerate=True)

then read and edit the generated file in ``migrations/versions`` (name it ``NNNN_what.py``).
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

from muniplan.store.database import WRITE

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported where it is used: a web worker that only reads never needs it, and
# importing it is a tenth of the server's start.

MIGRATIONS = Path(__file__).parent / "migrations"
PG_LOCK = 0x6D756E69  # "muni": one upgrade at a time on a PostgreSQL server


def config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the package's migrations (and at ``connection``)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


_HEAD_LOCK = threading.Lock()
_HEAD: list[str | None] = []


def head() -> str | None:
    """The newest migrations this code ships, as one comparable string: read once a
    process, under a lock. The files do not change while it runs, and ``ast.parse`` from
    several threads at once fails in CPython 3.11 ("AST constructor recursion depth
    mismatch"), which is what a server's first readers arriving together did."""
    with _HEAD_LOCK:
        if not _HEAD:
            _HEAD.append(_read_head())
        return _HEAD[0]


def _read_head() -> str | None:
    """The newest migrations this code ships, as one comparable string.

    Parts of the store (plans, accounts, follow-up, citizens) each have their own line of
    migrations from ``0001``, so there may be several heads; they are upgraded together.
    Read from each migration file's own ``revision`` and ``down_revision`` rather than by
    Alembic, whose import (every dialect's DDL) would otherwise be paid by the first page a
    server answers; a migration with branch labels or dependencies is left to Alembic.
    ``tests/test_server_start.py`` checks that both give the same heads."""
    declared = [_declarations(path) for path in sorted((MIGRATIONS / "versions").glob("*.py"))]
    if any(d.get("branch_labels") or d.get("depends_on") for d in declared):
        return alembic_head()
    revisions = {d["revision"] for d in declared}
    parents = {p for d in declared for p in _as_tuple(d.get("down_revision"))}
    return ",".join(sorted(revisions - parents)) or None


def alembic_head() -> str | None:
    """:func:`head` as Alembic reads it."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(config()).get_heads()
    return ",".join(sorted(heads)) or None


DECLARED = ("revision", "down_revision", "branch_labels", "depends_on")


def _declarations(path: Path) -> dict[str, Any]:
    """A migration file's ``revision = …``-style module constants."""
    out: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 \
            else node.target if isinstance(node, ast.AnnAssign) else None
        if isinstance(target, ast.Name) and target.id in DECLARED and node.value is not None:
            out[target.id] = ast.literal_eval(node.value)
    return out


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def current(engine: Engine) -> str | None:
    """The migrations the database is at (None: empty, never upgraded): Alembic's version
    table, read as Alembic reads it, without importing Alembic."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        heads = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        return ",".join(sorted(heads)) or None


VERSION_TABLE = "alembic_version"


def alembic_current(engine: Engine) -> str | None:
    """:func:`current` as Alembic reads it."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def upgrade(engine: Engine) -> None:
    """Bring the database to :func:`head`, in one transaction (PostgreSQL and SQLite both
    run DDL transactionally), serialised against a concurrent upgrade."""
    from alembic import command

    with engine.connect().execution_options(**{WRITE: True}) as connection, connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_LOCK})
        command.upgrade(config(connection), "heads")
