"""Follow-up reports in the store: record a report, publish it, read what may be shown.

    record_report(store, plan_id, year, period, files, author=..., message=...)
    publish_report(store, plan_id, year, period, by=...)     # the newest revision
    reports(store, plan_id, published_only=True)              # what the public sees

Recording checks the files against the plan version first (a :class:`PlanError` propagates
and nothing is written); each write is one transaction. Recording the same files again for
the same year and period writes nothing and returns the existing revision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from muniplan.plan.actuals import parse_actuals, report_name
from muniplan.plan.errors import PlanError
from muniplan.plan.load import digest
from muniplan.store.accounts import UserRecord, audit
from muniplan.store.errors import NotFoundError
from muniplan.store.followup_schema import FollowupReportFileRow, FollowupReportRow
from muniplan.store.store import Store

PERIOD_WORDS = {"T1": "first four-month report", "T2": "second four-month report",
                "year": "annual report"}
"""A report's period in words for messages (English, as the store's are; bokmål in the
catalogue): ``year`` alone reads as a word of the sentence, not as the period."""


@dataclass(frozen=True)
class ReportRecord:
    """One recorded revision of a follow-up report (detached from the database)."""

    id: int
    plan_id: str
    plan_version: int
    year: int
    period: str
    number: int
    status: str
    author: str | None
    message: str | None
    created_at: datetime
    published_at: datetime | None
    published_by: str | None


def record_report(store: Store, plan_id: str, year: int, period: str,
                  files: Mapping[str, str], *, version: int | None = None,
                  author: UserRecord | str = "cli", message: str | None = None
                  ) -> tuple[ReportRecord, bool]:
    """Store ``files`` (report file name → text) as a new draft revision of the report of
    ``year`` and ``period``, measured against plan ``version`` (default: the public one).
    The audit log gets a row in the same transaction."""
    name = author.username if isinstance(author, UserRecord) else author
    record = store.version(plan_id, version)
    plan = store.load(plan_id, record.number)
    if year not in plan.period.years:
        raise PlanError("a report follows up a year of the plan period", field="--year",
                        expected=f"{plan.period.first}–{plan.period.last}", found=str(year))
    files = {name.rsplit("/", 1)[-1]: text for name, text in files.items()}
    for name in files:
        report_name(name)
    actuals = parse_actuals(files, plan)
    if actuals.report(year, period) is None:
        raise PlanError(f"no report for {year} {period} among the files",
                        expected=f"{year}-{period}.csv", found=", ".join(sorted(files)))
    stamp = digest(files)
    with store._write() as session:
        latest = session.scalars(_of(plan_id, year, period)
                                 .order_by(FollowupReportRow.number.desc()).limit(1)).first()
        if latest is not None and latest.digest == stamp \
                and latest.plan_version == record.number:
            return _record(latest), False
        row = FollowupReportRow(
            plan_id=plan_id, plan_version=record.number, year=year, period=period,
            number=(latest.number + 1) if latest is not None else 1, status="draft",
            author=name, message=message, created_at=datetime.now(UTC), digest=stamp)
        session.add(row)
        session.flush()
        audit(session, author, "followup.record", f"followup:{plan_id}:{year}:{period}",
              revision=row.number, plan_version=record.number, files=sorted(files))
        session.add_all(FollowupReportFileRow(report_id=row.id, path=name, text=text)
                        for name, text in sorted(files.items()))
        session.flush()
        return _record(row), True


def publish_report(store: Store, plan_id: str, year: int, period: str,
                   number: int | None = None, *, by: UserRecord | str = "cli"
                   ) -> ReportRecord:
    """Publish a revision (default: the newest) of the report; the public sees it now.
    The audit log gets a row in the same transaction."""
    with store._write() as session:
        stmt = _of(plan_id, year, period)
        if number is not None:
            stmt = stmt.where(FollowupReportRow.number == number)
        row = session.scalars(stmt.order_by(FollowupReportRow.number.desc()).limit(1)
                              .with_for_update()).first()
        if row is None:
            raise NotFoundError(f"no report for {year} ({PERIOD_WORDS.get(period, period)}) "
                                f"recorded for plan {plan_id!r}"
                                + (f" with revision {number}" if number else "")
                                + " (record it with `muniplan followup-record`)",
                                plan_id=plan_id, number=number)
        if row.status != "published":
            row.status = "published"
            row.published_at = datetime.now(UTC)
            row.published_by = by.username if isinstance(by, UserRecord) else by
            audit(session, by, "followup.publish", f"followup:{plan_id}:{year}:{period}",
                  revision=row.number)
        session.flush()
        return _record(row)


def reports(store: Store, plan_id: str, *, published_only: bool = True) -> list[ReportRecord]:
    """The newest revision of each report (the newest *published* one by default), by
    year and period."""
    with store._read() as session:
        stmt = select(FollowupReportRow).where(FollowupReportRow.plan_id == plan_id)
        if published_only:
            stmt = stmt.where(FollowupReportRow.status == "published")
        newest: dict[tuple[int, str], FollowupReportRow] = {}
        for row in session.scalars(stmt.order_by(FollowupReportRow.number)):
            newest[(row.year, row.period)] = row
        order = {"T1": 0, "T2": 1, "year": 2}
        return [_record(r) for _, r in sorted(newest.items(),
                                              key=lambda kv: (kv[0][0], order[kv[0][1]]))]


def report_files(store: Store, report_id: int) -> dict[str, str]:
    with store._read() as session:
        row = session.get(FollowupReportRow, report_id)
        if row is None:
            raise NotFoundError(f"no report {report_id}", plan_id="")
        return {f.path: f.text for f in row.files}


def report_count(store: Store) -> int:
    with store._read() as session:
        return int(session.scalar(select(func.count()).select_from(FollowupReportRow)) or 0)


def _of(plan_id: str, year: int, period: str):
    return select(FollowupReportRow).where(FollowupReportRow.plan_id == plan_id,
                                           FollowupReportRow.year == year,
                                           FollowupReportRow.period == period)


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(row: FollowupReportRow) -> ReportRecord:
    return ReportRecord(id=row.id, plan_id=row.plan_id, plan_version=row.plan_version,
                        year=row.year, period=row.period, number=row.number,
                        status=row.status, author=row.author, message=row.message,
                        created_at=_utc(row.created_at),  # type: ignore[arg-type]
                        published_at=_utc(row.published_at), published_by=row.published_by)
