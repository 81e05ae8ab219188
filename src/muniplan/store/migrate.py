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

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text

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


def head() -> str | None:
    """The newest migrations this code ships, as one comparable string.

    Parts of the store (plans, accounts, follow-up, citizens) each have their own line of
    migrations from ``0001``, so there may be several heads; they are upgraded together."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(config()).get_heads()
    return ",".join(sorted(heads)) or None


def current(engine: Engine) -> str | None:
    """The migrations the database is at (None: empty, never upgraded)."""
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
