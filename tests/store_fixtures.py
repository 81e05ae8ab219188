"""Store fixtures shared by the store, CLI and API tests: every store test runs twice.

``store_url`` is parametrised over ``sqlite`` (a file in the test's tmp_path) and
``postgres`` (a fresh database, created for the test and dropped after it, on the server at
``MUNIPLAN_TEST_POSTGRES_URL``). Without that URL the postgres case is skipped — unless
``MUNIPLAN_REQUIRE_POSTGRES=1`` (CI), where a missing server is a failure, not a skip.

Test modules import the fixtures they use::

    from store_fixtures import baerum_files_fixture, store_fixture  # noqa: F401

(each fixture is defined under a ``_fixture`` name and registered with ``name=``, so that a
test's ``store`` parameter does not shadow an import.)
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from muniplan.plan.load import read_folder, resolve
from muniplan.store import Store

POSTGRES_URL_ENV = "MUNIPLAN_TEST_POSTGRES_URL"
REQUIRE_POSTGRES_ENV = "MUNIPLAN_REQUIRE_POSTGRES"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def postgres_server_url() -> str:
    """The test server's URL; skips (or fails, when it is required) without one."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if not url:
        if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
            pytest.fail(f"{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_URL_ENV} is not set")
        pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return url


@pytest.fixture(name="fresh_postgres")
def fresh_postgres_fixture() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    server = make_url(postgres_server_url())
    name = f"muniplan_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(name="store_url", params=BACKENDS)
def store_url_fixture(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database (no tables): a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'data' / 'muniplan.db').as_posix()}"
    return request.getfixturevalue("fresh_postgres")


@pytest.fixture(name="store")
def store_fixture(store_url: str) -> Iterator[Store]:
    """An upgraded, empty store on each backend."""
    s = Store(store_url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture(name="baerum_files", scope="session")
def baerum_files_fixture() -> dict[str, str]:
    """The built-in Bærum example's files (treat as read-only; copy before changing)."""
    return read_folder(resolve(None))
