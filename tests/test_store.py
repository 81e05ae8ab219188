"""The store: versions, their semantics, atomic writes, schema checks — on SQLite and
PostgreSQL alike (see store_fixtures)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.plan.errors import MuniplanError, PlanError
from muniplan.plan.load import digest
from muniplan.store import STATUSES, NotFoundError, PlanRecord, Store, StoreError
from muniplan.store.migrate import head
from muniplan.store.schema import PlanRow, PlanVersionFileRow, PlanVersionRow

PLAN_ID = "baerum-2018-2021"


def changed(files: dict[str, str], note: str = "endret") -> dict[str, str]:
    """The files with a harmless change (a comment at the end of plan.yaml)."""
    out = dict(files)
    out["plan.yaml"] = files["plan.yaml"] + f"\n# {note}\n"
    return out


def counts(s: Store) -> tuple[int, int, int]:
    with s.engine.connect() as conn:
        return tuple(  # type: ignore[return-value]
            conn.scalar(select(func.count()).select_from(t))
            for t in (PlanRow, PlanVersionRow, PlanVersionFileRow)
        )


def test_import_twice_makes_one_version(store, baerum_files):
    first, created = store.import_files(baerum_files, status="adopted", author="rådmannen")
    assert created
    assert (first.plan_id, first.number, first.parent, first.status) == (PLAN_ID, 1, None,
                                                                         "adopted")
    assert first.digest == digest(baerum_files)
    again, created_again = store.import_files(baerum_files)
    assert not created_again
    assert again == first
    assert [v.number for v in store.versions(PLAN_ID)] == [1]
    assert counts(store) == (1, 1, len(baerum_files))


def test_changed_file_makes_version_two_with_parent_one(store, baerum_files):
    store.import_files(baerum_files, status="adopted")
    v2, created = store.import_files(changed(baerum_files), author="Kari", message="Ny linje")
    assert created
    assert (v2.number, v2.parent, v2.status, v2.author, v2.message) == (
        2, 1, "draft", "Kari", "Ny linje")
    v3, _ = store.import_files(changed(baerum_files, "igjen"), status="proposal")
    assert (v3.number, v3.parent) == (3, 2)
    # back to version 1's content is a new version too: only the latest is compared
    v4, created = store.import_files(baerum_files)
    assert created and v4.number == 4 and v4.digest == store.version(PLAN_ID, 1).digest


def test_files_round_trip_exactly(store, baerum_files):
    tricky = changed(baerum_files, "æøå – «sitat» og emoji 🧾")
    tricky["NOTAT.md"] = "linje\r\nmed\ttab\n\n  og mellomrom  \n"
    v, _ = store.import_files(tricky)
    assert store.files(PLAN_ID, v.number) == tricky
    assert digest(store.files(PLAN_ID, v.number)) == v.digest


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_is_stored(store, baerum_files, status):
    v, _ = store.import_files(baerum_files, status=status)
    assert v.status == status
    assert store.versions(PLAN_ID)[0].status == status
    assert store.plans()[0].latest_status == status


def test_unknown_status_is_refused_and_nothing_written(store, baerum_files):
    with pytest.raises(StoreError, match="unknown status 'final'"):
        store.import_files(baerum_files, status="final")
    assert counts(store) == (0, 0, 0)


def test_bad_plan_raises_plan_error_and_writes_nothing(store, baerum_files):
    bad = dict(baerum_files)
    bad["plan.yaml"] = bad["plan.yaml"].replace("amount_scale: 1000", "amount_scale: 7")
    with pytest.raises(PlanError, match="amount scale"):
        store.import_files(bad, origin="mappe")
    missing = {k: v for k, v in baerum_files.items() if k != "sectors.csv"}
    with pytest.raises(PlanError, match=r"sectors\.csv"):
        store.import_files(missing)
    assert counts(store) == (0, 0, 0)
    assert store.plans() == []


def test_plan_id_too_long_for_the_column_is_a_plan_error(store, baerum_files):
    long_id = "a" * 65
    files = dict(baerum_files)
    files["plan.yaml"] = files["plan.yaml"].replace(f"id: {PLAN_ID}", f"id: {long_id}", 1)
    with pytest.raises(PlanError, match="at most 64"):
        store.import_files(files)
    assert counts(store) == (0, 0, 0)


def fail_on_file_insert(s: Store, after: int = 3):
    """Make the insert into plan_version_files fail after ``after`` rows (midway)."""
    seen = {"rows": 0}

    def before(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO PLAN_VERSION_FILES"):
            rows = len(parameters) if executemany else 1
            seen["rows"] += rows
            if seen["rows"] >= after:
                raise RuntimeError("disk full (simulated)")

    event.listen(s.engine, "before_cursor_execute", before)
    return lambda: event.remove(s.engine, "before_cursor_execute", before)


def test_failed_first_import_leaves_nothing(store, baerum_files):
    undo = fail_on_file_insert(store)
    with pytest.raises(RuntimeError, match="simulated"):
        store.import_files(baerum_files)
    undo()
    assert counts(store) == (0, 0, 0)
    assert store.plans() == []
    v, created = store.import_files(baerum_files)  # and the store still works
    assert created and v.number == 1


def test_failed_second_import_leaves_version_one_untouched(store, baerum_files):
    store.import_files(baerum_files, status="adopted")
    before = counts(store)
    renamed = changed(baerum_files)
    renamed["plan.yaml"] = renamed["plan.yaml"].replace("Rigge kommunen", "Omstille kommunen")
    undo = fail_on_file_insert(store, after=1)
    with pytest.raises(RuntimeError):
        store.import_files(renamed)
    undo()
    assert counts(store) == before
    assert [v.number for v in store.versions(PLAN_ID)] == [1]
    assert "Rigge kommunen" in store.plans()[0].title


def test_version_default_is_latest_adopted_else_latest(store, baerum_files):
    store.import_files(baerum_files, status="draft")
    assert store.version(PLAN_ID).number == 1
    store.import_files(changed(baerum_files, "a"), status="proposal")
    assert store.version(PLAN_ID).number == 2
    store.import_files(changed(baerum_files, "b"), status="adopted")
    store.import_files(changed(baerum_files, "c"), status="alternative")
    store.import_files(changed(baerum_files, "d"), status="draft")
    assert store.version(PLAN_ID).number == 3
    assert store.version(PLAN_ID, 5).status == "draft"
    assert store.plans()[0].latest_version == 5
    assert store.load(PLAN_ID).digest == store.version(PLAN_ID, 3).digest


def test_versions_are_ordered_and_timestamped_utc(store, baerum_files):
    start = datetime.now(UTC) - timedelta(seconds=5)
    for note in ("a", "b", "c"):
        store.import_files(changed(baerum_files, note))
    versions = store.versions(PLAN_ID)
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.parent for v in versions] == [None, 1, 2]
    for v in versions:
        assert v.created_at.tzinfo is not None and v.created_at.utcoffset() == timedelta(0)
        assert start <= v.created_at <= datetime.now(UTC) + timedelta(seconds=5)
    assert versions[0].created_at <= versions[1].created_at <= versions[2].created_at


def test_unknown_plan_and_version_are_not_found(store, baerum_files):
    with pytest.raises(NotFoundError, match="no plan 'nope'"):
        store.versions("nope")
    with pytest.raises(NotFoundError):
        store.version("nope")
    with pytest.raises(LookupError):
        store.files("nope", 1)
    store.import_files(baerum_files)
    with pytest.raises(NotFoundError, match="has no version 2"):
        store.version(PLAN_ID, 2)
    with pytest.raises(NotFoundError):
        store.load(PLAN_ID, 9)
    for number in (0, -1, 2**31, 10**20):
        with pytest.raises(NotFoundError, match="numbered from 1"):
            store.version(PLAN_ID, number)
    assert issubclass(NotFoundError, StoreError) and issubclass(StoreError, MuniplanError)


def test_plans_lists_every_plan_with_its_latest_version(store, baerum_files):
    assert store.plans() == []
    store.import_files(baerum_files, status="adopted")
    other = dict(baerum_files)
    other["plan.yaml"] = other["plan.yaml"].replace(f"id: {PLAN_ID}", "id: aaa-kopi", 1)
    store.import_files(other)
    store.import_files(changed(other))
    assert [(p.id, p.latest_version, p.latest_status) for p in store.plans()] == [
        ("aaa-kopi", 2, "draft"), (PLAN_ID, 1, "adopted")]
    p = store.plans()[1]
    assert p == PlanRecord(id=PLAN_ID, title=p.title, municipality="Bærum kommune",
                           number="0219", latest_version=1, latest_status="adopted")


def test_load_returns_the_validated_plan(store, baerum_files):
    v, _ = store.import_files(baerum_files, status="adopted")
    plan = store.load(PLAN_ID)
    assert plan.id == PLAN_ID and plan.digest == v.digest
    assert plan.population is not None


def test_not_upgraded_database_says_what_to_do(store_url):
    s = Store(store_url)
    try:
        assert not s.is_current()
        assert s.revisions() == (None, head())
        with pytest.raises(StoreError, match="muniplan db upgrade"):
            s.plans()
        s.upgrade()
        assert s.is_current()
        s.upgrade()  # idempotent
        assert s.plans() == []
    finally:
        s.dispose()


def test_unreachable_and_malformed_urls_are_store_errors(tmp_path):
    with pytest.raises(StoreError, match="not a database URL"):
        Store("not a url")
    s = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError, match="cannot reach the database"):
        s.plans()
    with pytest.raises(StoreError, match="cannot reach"):
        s.upgrade()
    s.dispose()
    pw = Store("postgresql+psycopg://u:secret@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreError) as info:
        pw.is_current()
    assert "secret" not in str(info.value)
    pw.dispose()


def test_sqlite_is_wal_with_foreign_keys(tmp_path, baerum_files):
    s = Store(f"sqlite:///{tmp_path}/nested/dir/m.db")  # the folder is created
    s.upgrade()
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    s.dispose()


def test_foreign_keys_hold(store, baerum_files):
    """A file row for no version is refused by the database itself, on both backends."""
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), store.engine.begin() as conn:
        conn.execute(PlanVersionFileRow.__table__.insert(),
                     {"version_id": 999, "path": "x", "text": "y"})
