"""The store's schema and concurrency, on SQLite and PostgreSQL: the migrations build exactly
the ORM's tables, they run both ways, and concurrent writers never make a duplicate or a
half-written version."""

from __future__ import annotations

import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.store import Store
from muniplan.store.migrate import config, head
from muniplan.store.schema import Base

PLAN_ID = "baerum-2018-2021"
TABLES = {"alembic_version", "plans", "plan_versions", "plan_version_files",
          "groups", "users", "sessions", "login_failures", "audit_log", "version_process",
          "questions", "citizen_submissions", "citizen_comments",
          "followup_reports", "followup_report_files",
          "computed_results"}


def test_migrations_build_exactly_the_models(store):
    """A column or constraint added to schema.py without a migration fails here."""
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []
        assert set(inspect(conn).get_table_names()) == TABLES


def test_downgrade_to_base_and_up_again(store, baerum_files):
    with store.engine.begin() as conn:
        command.downgrade(config(conn), "base")
    with store.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    assert not store.is_current()
    store.upgrade()
    assert store.revisions() == (head(), head())
    v, created = store.import_files(baerum_files)
    assert created and v.number == 1


def test_two_stores_upgrading_at_once(store_url):
    stores = [Store(store_url) for _ in range(2)]
    errors: list[BaseException] = []

    def upgrade(s: Store) -> None:
        try:
            s.upgrade()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=upgrade, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert all(s.is_current() for s in stores)
    finally:
        for s in stores:
            s.dispose()


@pytest.mark.parametrize("same_content", [True, False], ids=["same", "different"])
def test_concurrent_imports_number_versions_without_gaps(store, baerum_files, same_content):
    """Four writers at once: the same files make one version; different files make four,
    numbered 1–4 with each parent the one before."""
    writers = 4
    contents = [dict(baerum_files) for _ in range(writers)]
    if not same_content:
        for i, files in enumerate(contents):
            files["plan.yaml"] = files["plan.yaml"] + f"\n# skribent {i}\n"
    barrier = threading.Barrier(writers)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def write(files: dict[str, str]) -> None:
        try:
            barrier.wait(timeout=30)
            v, created = store.import_files(files)
            with lock:
                results.append((v.number, created))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(files,)) for files in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = store.versions(PLAN_ID)
    if same_content:
        assert [v.number for v in versions] == [1]
        assert sorted(created for _, created in results) == [False] * (writers - 1) + [True]
    else:
        assert [(v.number, v.parent) for v in versions] == [(1, None), (2, 1), (3, 2), (4, 3)]
        assert sorted(n for n, _ in results) == [1, 2, 3, 4]
        assert all(created for _, created in results)
        assert len({v.digest for v in versions}) == writers
