"""The store: plan versions in a database, imported whole or not at all.

A version is the plan folder's files as they were imported, with who, why and a status; it
never changes afterwards, so anything computed from it (a projection, a page) can be cached
by ``(plan id, version number)``. Every write is one transaction: a failure anywhere rolls
the whole import back, and a plan row never exists without its first version.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from muniplan.plan.errors import PlanError
from muniplan.store import migrate
from muniplan.store.database import WRITE, open_engine, parse_url, readable_errors, shown
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.records import PlanRecord, VersionRecord
from muniplan.store.schema import (
    PATH_LENGTH,
    PLAN_ID_LENGTH,
    STATUSES,
    PlanRow,
    PlanVersionFileRow,
    PlanVersionRow,
)
from muniplan.store.settings import Settings

if TYPE_CHECKING:
    from muniplan.plan.model import Plan

# Plan loading (the pydantic models, numpy) is imported where a plan is read or written: a
# web server lists the store's plans for its first answer without it.

MAX_NUMBER = 2**31 - 1
"""The largest version number an INTEGER column holds on every backend."""

IMPORT_ATTEMPTS = 3
"""A concurrent import of the same new plan loses the race on the primary key; retrying
then finds the winner's version and returns it."""


class Store:
    """Plans and their versions in the database at ``url`` (a SQLAlchemy URL)."""

    def __init__(self, url: str) -> None:
        self.url = parse_url(url)
        self.engine = open_engine(url)
        self._schema_ok = False

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(settings.url)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: Any) -> None:
        self.dispose()

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    @property
    def location(self) -> str:
        """The database URL without its password, for messages."""
        return shown(self.url)

    def dispose(self) -> None:
        """Close the connection pool."""
        self.engine.dispose()

    # --- schema ---------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Create or migrate the tables to the newest schema (``muniplan db upgrade``)."""
        with readable_errors(self.url):
            migrate.upgrade(self.engine)
        self._schema_ok = True

    def revisions(self) -> tuple[str | None, str | None]:
        """(the database's migration, the newest this code ships)."""
        with readable_errors(self.url):
            return migrate.current(self.engine), migrate.head()

    def is_current(self) -> bool:
        """Is the database at the schema this code expects?"""
        current, head = self.revisions()
        return current == head

    def _ready(self) -> None:
        if self._schema_ok:
            return
        current, head = self.revisions()
        where = shown(self.url)
        if current is None:
            raise StoreError(f"the database {where} has no muniplan tables yet: "
                             "run `muniplan db upgrade`")
        if current != head:
            raise StoreError(f"the database {where} is at schema {current}, this muniplan "
                             f"expects {head}: run `muniplan db upgrade`")
        self._schema_ok = True

    @contextmanager
    def _read(self) -> Iterator[Session]:
        self._ready()
        with readable_errors(self.url), Session(self.engine) as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        self._ready()
        engine = self.engine.execution_options(**{WRITE: True})
        with readable_errors(self.url), Session(engine) as session, session.begin():
            yield session

    # --- writing --------------------------------------------------------------------------
    def import_files(self, files: Mapping[str, str], *, status: str = "draft",
                     author: str | None = None, message: str | None = None,
                     origin: str = "(import)", base: int | None = None
                     ) -> tuple[VersionRecord, bool]:
        """Store the plan folder ``files`` as the plan's next version.

        The files are validated first (a :class:`PlanError` propagates and nothing is
        written). If they are exactly the plan's latest version (same digest), nothing is
        written and that version is returned with ``False``; otherwise the new version,
        whose parent is the latest, with ``True``. ``origin`` names the folder in errors.
        With ``base`` (the version the files were made from), the import is refused when
        the plan's newest version is another one: someone saved meanwhile (optimistic
        locking; nothing is written).
        """
        if status not in STATUSES:
            raise StoreError(f"unknown status {status!r} (expected one of {', '.join(STATUSES)})")
        from muniplan.plan.load import load_files

        files = dict(files)
        plan = load_files(files, origin=origin)
        _check_storable(plan, files, origin)
        for attempt in range(IMPORT_ATTEMPTS):
            try:
                with self._write() as session:
                    return _import(session, plan, files, status, author, message, base)
            except IntegrityError:
                if attempt == IMPORT_ATTEMPTS - 1:
                    raise StoreError(f"could not import {plan.id}: other imports of it kept "
                                     "interfering; try again") from None
        raise AssertionError("unreachable")  # pragma: no cover

    # --- reading --------------------------------------------------------------------------
    def plans(self) -> list[PlanRecord]:
        """Every plan, by id, with its newest version's number and status."""
        latest = (select(PlanVersionRow.plan_id, func.max(PlanVersionRow.number).label("n"))
                  .group_by(PlanVersionRow.plan_id).subquery())
        stmt = (
            select(PlanRow, PlanVersionRow.number, PlanVersionRow.status)
            .join(latest, latest.c.plan_id == PlanRow.id)
            .join(PlanVersionRow, (PlanVersionRow.plan_id == PlanRow.id)
                  & (PlanVersionRow.number == latest.c.n))
            .order_by(PlanRow.id)
        )
        with self._read() as session:
            return [
                PlanRecord(id=p.id, title=p.title, municipality=p.municipality_name,
                           number=p.municipality_number, latest_version=n, latest_status=s)
                for p, n, s in session.execute(stmt)
            ]

    def versions(self, plan_id: str) -> list[VersionRecord]:
        """The plan's versions, oldest first; :class:`NotFoundError` for an unknown plan."""
        with self._read() as session:
            rows = session.scalars(select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
                                   .order_by(PlanVersionRow.number)).all()
            if not rows:
                raise _no_plan(plan_id)
            return [_record(r) for r in rows]

    def version(self, plan_id: str, number: int | None = None) -> VersionRecord:
        """Version ``number``; without one, the newest adopted version, or else the newest."""
        with self._read() as session:
            return _record(_version_row(session, plan_id, number))

    def files(self, plan_id: str, number: int) -> dict[str, str]:
        """The plan folder's files of that version, by relative path."""
        with self._read() as session:
            row = _version_row(session, plan_id, number)
            return {f.path: f.text for f in row.files}

    def load(self, plan_id: str, number: int | None = None) -> Plan:
        """The validated :class:`Plan` of that version (default as in :meth:`version`)."""
        from muniplan.plan.load import load_files

        if number is None:
            number = self.version(plan_id).number
        return load_files(self.files(plan_id, number), origin=f"{plan_id}@{number}")


def _check_storable(plan: Plan, files: Mapping[str, str], origin: str) -> None:
    """What the loader allows but a database column does not."""
    if len(plan.id) > PLAN_ID_LENGTH:
        raise PlanError("plan id too long to store", file=f"{origin}/plan.yaml", field="id",
                        expected=f"at most {PLAN_ID_LENGTH} characters", found=plan.id)
    for path, text in files.items():
        if len(path) > PATH_LENGTH:
            raise PlanError("file path too long to store", file=path,
                            expected=f"at most {PATH_LENGTH} characters")
        if "\x00" in path or "\x00" in text:
            raise PlanError("NUL character in a text file", file=f"{origin}/{path}",
                            expected="plain UTF-8 text")


def _import(session: Session, plan: Plan, files: dict[str, str], status: str,
            author: str | None, message: str | None, base: int | None = None
            ) -> tuple[VersionRecord, bool]:
    now = datetime.now(UTC)
    row = session.get(PlanRow, plan.id, with_for_update=True)
    latest: PlanVersionRow | None = None
    if row is None:
        row = PlanRow(id=plan.id, created_at=now)
        session.add(row)
    else:
        latest = session.scalars(
            select(PlanVersionRow).where(PlanVersionRow.plan_id == plan.id)
            .order_by(PlanVersionRow.number.desc()).limit(1)
        ).first()
        if latest is not None and latest.digest == plan.digest:
            return _record(latest), False
    # a group's alternative is a sibling of the proposal, not a change to it: the base is
    # checked against the newest version that is not an alternative
    newest = None if latest is None else session.scalars(
        select(PlanVersionRow.number).where(PlanVersionRow.plan_id == plan.id,
                                            PlanVersionRow.status != "alternative")
        .order_by(PlanVersionRow.number.desc()).limit(1)).first()
    if base is not None and newest != base:
        raise StoreError(f"{plan.id} has changed since version {base}: the newest version is "
                         f"{newest}. Nothing was imported; merge your changes into version "
                         f"{newest} (`muniplan checkout {plan.id}@{newest} DIR`) and import "
                         f"from there, or with --base {newest}")
    row.title = plan.title
    row.municipality_name = plan.municipality.name
    row.municipality_number = plan.municipality.number
    version = PlanVersionRow(
        plan_id=plan.id,
        number=latest.number + 1 if latest is not None else 1,
        status=status,
        parent=latest.number if latest is not None else None,
        author=author,
        message=message,
        created_at=now,
        digest=plan.digest,
    )
    session.add(version)
    session.flush()
    session.add_all(PlanVersionFileRow(version_id=version.id, path=path, text=text)
                    for path, text in sorted(files.items()))
    session.flush()
    return _record(version), True


def _version_row(session: Session, plan_id: str, number: int | None) -> PlanVersionRow:
    stmt = select(PlanVersionRow).where(PlanVersionRow.plan_id == plan_id)
    if number is not None:
        if not 1 <= number <= MAX_NUMBER:  # outside the column's range: asking would fail
            raise NotFoundError(f"plan {plan_id!r} has no version {number} (versions are "
                                "numbered from 1)", plan_id=plan_id, number=number)
        row = session.scalars(stmt.where(PlanVersionRow.number == number)).first()
        if row is None:
            count = session.scalar(select(func.max(PlanVersionRow.number))
                                   .where(PlanVersionRow.plan_id == plan_id))
            if count is None:
                raise _no_plan(plan_id)
            have = "only version 1" if count == 1 else f"versions 1–{count}"
            raise NotFoundError(f"plan {plan_id!r} has no version {number} (it has {have})",
                                plan_id=plan_id, number=number)
        return row
    by_number = PlanVersionRow.number.desc()
    row = session.scalars(stmt.where(PlanVersionRow.status == "adopted")
                          .order_by(by_number).limit(1)).first()
    if row is None:
        row = session.scalars(stmt.order_by(by_number).limit(1)).first()
    if row is None:
        raise _no_plan(plan_id)
    return row


def _no_plan(plan_id: str) -> NotFoundError:
    return NotFoundError(f"no plan {plan_id!r} in the store (import it with `muniplan import`)",
                         plan_id=plan_id)


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every moment the store writes is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(row: PlanVersionRow) -> VersionRecord:
    return VersionRecord(plan_id=row.plan_id, number=row.number, status=row.status,
                         parent=row.parent, author=row.author, message=row.message,
                         created_at=_utc(row.created_at), digest=row.digest)
