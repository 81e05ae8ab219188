"""Alembic environment for the store's migrations.

:mod:`muniplan.store.migrate` passes an open connection in ``config.attributes``; without one
(Alembic's own command line with ``sqlalchemy.url`` set) an engine is opened here.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from muniplan.store.schema import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from muniplan.store.database import WRITE, open_engine
    from muniplan.store.settings import Settings

    engine = open_engine(context.config.get_main_option("sqlalchemy.url") or Settings().url)
    try:
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
