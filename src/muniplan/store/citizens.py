"""What citizens send, in the store: simulator submissions and comments, and their moderation.

Each write is one transaction. What is stored is checked here too (lengths, known states,
known age groups, a four-digit postcode), so a bad value is refused before it reaches a
column, whichever page or command sent it.

    citizens = CitizenStore(store)
    sid = citizens.add_submission("baerum-2018-2021", 1, {"ramme-barn-og-unge": -2.0},
                                  comment="Mer til skolen", postcode="1337", age_group="30-49")
    citizens.moderate_submission(sid, "published", by="ola")
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from muniplan.store.accounts import audit
from muniplan.store.citizen_schema import (
    AGE_GROUPS,
    COMMENT_LENGTH,
    MODERATION,
    TARGET_ID_LENGTH,
    TARGET_KINDS,
    CitizenCommentRow,
    CitizenSubmissionRow,
)
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.schema import PlanRow

POSTCODE = re.compile(r"^\d{4}$")
CITIZEN = "innbygger"
"""The audit log's actor for an anonymous citizen (no address or other trace is logged)."""
MAX_CHOICES = 200
"""Levers one submission may hold (a plan with every program area and project as a lever
stays far below)."""


@dataclass(frozen=True)
class Submission:
    id: int
    plan_id: str
    version_number: int
    created_at: datetime
    choices: dict[str, float]
    comment: str | None
    postcode: str | None
    age_group: str | None
    status: str
    moderated_by: str | None


@dataclass(frozen=True)
class Comment:
    id: int
    plan_id: str
    version_number: int
    target_kind: str
    target_id: str
    text: str
    created_at: datetime
    status: str
    moderated_by: str | None


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value: str | None, field: str, required: bool = False) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise StoreError(f"{field}: expected some text, found nothing")
        return None
    if len(text) > COMMENT_LENGTH:
        raise StoreError(f"{field}: expected at most {COMMENT_LENGTH} characters, "
                         f"found {len(text)}")
    if "\x00" in text:
        raise StoreError(f"{field}: expected plain text, found a NUL character")
    return text


def _choices(choices: Mapping[str, float]) -> str:
    if len(choices) > MAX_CHOICES:
        raise StoreError(f"choices: expected at most {MAX_CHOICES}, found {len(choices)}")
    clean = {}
    for key, value in choices.items():
        if not isinstance(key, str) or not 0 < len(key) <= TARGET_ID_LENGTH + 8:
            raise StoreError(f"choices: expected lever ids, found {key!r}")
        v = float(value)
        if v != v or v in (float("inf"), float("-inf")):
            raise StoreError(f"choices: {key}: expected a number, found {value!r}")
        clean[key] = v
    return json.dumps(clean, sort_keys=True)


class CitizenStore:
    """Submissions and comments of a :class:`~muniplan.store.Store`."""

    def __init__(self, store: Any) -> None:
        self.store = store

    # --- writing --------------------------------------------------------------------------
    def add_submission(self, plan_id: str, version_number: int, choices: Mapping[str, float],
                       *, comment: str | None = None, postcode: str | None = None,
                       age_group: str | None = None) -> int:
        """Store one citizen's budget; returns its id. The comment waits for moderation."""
        text = _text(comment, "comment")
        code = (postcode or "").strip() or None
        if code is not None and not POSTCODE.match(code):
            raise StoreError(f"postcode: expected four digits, found {code[:10]!r}")
        group = (age_group or "").strip() or None
        if group is not None and group not in AGE_GROUPS:
            raise StoreError(f"age group: expected one of {', '.join(AGE_GROUPS)}, "
                             f"found {group[:10]!r}")
        data = _choices(choices)
        with self.store._write() as session:
            self._plan(session, plan_id)
            row = CitizenSubmissionRow(
                plan_id=plan_id, version_number=version_number, created_at=datetime.now(UTC),
                choices=data, comment=text, postcode=code, age_group=group,
                status="pending")
            session.add(row)
            session.flush()
            audit(session, CITIZEN, "citizen.submission", f"submission:{row.id}",
                  plan=plan_id, version=version_number)
            return int(row.id)

    def add_comment(self, plan_id: str, version_number: int, target_kind: str,
                    target_id: str, text: str) -> int:
        """Store a comment on the plan or one of its parts; it waits for moderation."""
        if target_kind not in TARGET_KINDS:
            raise StoreError(f"target: expected one of {', '.join(TARGET_KINDS)}, "
                             f"found {target_kind[:20]!r}")
        if not 0 < len(target_id) <= TARGET_ID_LENGTH:
            raise StoreError(f"target id: expected 1–{TARGET_ID_LENGTH} characters")
        body = _text(text, "comment", required=True)
        with self.store._write() as session:
            self._plan(session, plan_id)
            row = CitizenCommentRow(
                plan_id=plan_id, version_number=version_number, target_kind=target_kind,
                target_id=target_id, text=body, created_at=datetime.now(UTC),
                status="pending")
            session.add(row)
            session.flush()
            audit(session, CITIZEN, "citizen.comment", f"comment:{row.id}",
                  plan=plan_id, about=f"{target_kind}:{target_id}")
            return int(row.id)

    def moderate_submission(self, submission_id: int, status: str, by: Any) -> None:
        """Publish or reject a submission's comment (a rejected submission also leaves the
        summary); ``by`` is the staff user (or a name), written to the audit log."""
        self._moderate(CitizenSubmissionRow, "submission", submission_id, status, by)

    def moderate_comment(self, comment_id: int, status: str, by: Any) -> None:
        self._moderate(CitizenCommentRow, "comment", comment_id, status, by)

    def purge(self, older_than_days: int) -> int:
        """Delete submissions and comments older than ``older_than_days``; how many."""
        if older_than_days < 0:
            raise StoreError(f"days: expected 0 or more, found {older_than_days}")
        before = datetime.now(UTC) - timedelta(days=older_than_days)
        with self.store._write() as session:
            n = 0
            for table in (CitizenSubmissionRow, CitizenCommentRow):
                result = session.execute(delete(table).where(table.created_at < before))
                n += int(result.rowcount or 0)  # type: ignore[attr-defined]
            audit(session, "muniplan", "citizen.purge", "citizens", days=older_than_days,
                  deleted=n)
            return n

    # --- reading --------------------------------------------------------------------------
    def submissions(self, plan_id: str, status: str | None = None) -> list[Submission]:
        stmt = select(CitizenSubmissionRow).where(CitizenSubmissionRow.plan_id == plan_id)
        if status is not None:
            stmt = stmt.where(CitizenSubmissionRow.status == status)
        with self.store._read() as session:
            rows = session.scalars(stmt.order_by(CitizenSubmissionRow.id)).all()
            return [Submission(r.id, r.plan_id, r.version_number, _utc(r.created_at),
                               json.loads(r.choices), r.comment, r.postcode, r.age_group,
                               r.status, r.moderated_by) for r in rows]

    def comments(self, plan_id: str, status: str | None = None) -> list[Comment]:
        stmt = select(CitizenCommentRow).where(CitizenCommentRow.plan_id == plan_id)
        if status is not None:
            stmt = stmt.where(CitizenCommentRow.status == status)
        with self.store._read() as session:
            rows = session.scalars(stmt.order_by(CitizenCommentRow.id)).all()
            return [Comment(r.id, r.plan_id, r.version_number, r.target_kind, r.target_id,
                            r.text, _utc(r.created_at), r.status, r.moderated_by)
                    for r in rows]

    # --- helpers --------------------------------------------------------------------------
    @staticmethod
    def _plan(session: Any, plan_id: str) -> None:
        if session.get(PlanRow, plan_id) is None:
            raise NotFoundError(f"no plan {plan_id!r} in the store", plan_id=plan_id)

    def _moderate(self, table: Any, kind: str, row_id: int, status: str, by: Any) -> None:
        if status not in MODERATION:
            raise StoreError(f"status: expected one of {', '.join(MODERATION)}, "
                             f"found {status[:20]!r}")
        with self.store._write() as session:
            row = session.get(table, row_id, with_for_update=True)
            if row is None:
                raise NotFoundError(f"nothing to moderate with id {row_id}", plan_id="")
            row.status = status
            row.moderated_at = datetime.now(UTC)
            row.moderated_by = getattr(by, "username", by)
            audit(session, by, "citizen.moderate", f"{kind}:{row_id}", status=status)


@dataclass(frozen=True)
class LeverSummary:
    """How the citizens moved one lever: over every counted submission (0 where a citizen
    left it), the median, the quartiles and the range, and how many moved it at all."""

    lever: str
    moved: int
    median: float
    p25: float
    p75: float
    low: float
    high: float


@dataclass(frozen=True)
class Summary:
    count: int
    with_comment: int
    levers: tuple[LeverSummary, ...]
    published_comments: tuple[Submission, ...]


def summarise(submissions: list[Submission], lever_ids: list[str]) -> Summary:
    """The summary staff publish: rejected submissions are left out; comments only when
    published."""
    import numpy as np

    counted = [s for s in submissions if s.status != "rejected"]
    out = []
    for lever in lever_ids:
        values = np.array([s.choices.get(lever, 0.0) for s in counted], dtype=float)
        if not len(values):
            continue
        q25, q50, q75 = np.quantile(values, [0.25, 0.5, 0.75])
        out.append(LeverSummary(lever, int((values != 0).sum()), float(q50), float(q25),
                                float(q75), float(values.min()), float(values.max())))
    return Summary(len(counted), sum(1 for s in counted if s.comment),
                   tuple(out), tuple(s for s in counted
                                     if s.status == "published" and s.comment))
