"""Questions from the political groups and the administration's answers.

A group member asks (optionally about a sector, program area or investment); finance staff
assign, answer and publish; published questions and answers are public and go into the
document's appendix. Statuses: ``asked`` → ``assigned`` → ``answered`` → ``published``
(or ``withdrawn``). Every change raises ``revision``; a change made from an older revision
than the store holds is a :class:`~muniplan.store.process.Conflict`, so two people answering
at once never overwrite each other. Each write is one transaction with its audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from muniplan.store.accounts import UserRecord, audit
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.process import Conflict, NotAllowed
from muniplan.store.process_schema import TOPIC_KINDS, QuestionRow, UserRow

MAX_TEXT = 5000
STATUS_LABELS = {"asked": "stilt", "assigned": "tildelt", "answered": "besvart",
                 "published": "publisert", "withdrawn": "trukket"}
# A refusal names the action and the status in words, in English as the store's messages
# are (the catalogues say them in bokmål): a reader never sees ``publish`` or ``answered``.
ACTION_WORDS = {"assign": "taking the case", "answer": "answering", "publish": "publishing",
                "withdraw": "withdrawing"}
STATUS_WORDS = {"asked": "asked", "assigned": "assigned to someone",
                "answered": "answered", "published": "published", "withdrawn": "withdrawn"}


@dataclass(frozen=True)
class Question:
    id: int
    plan_id: str
    group_id: str | None
    asked_by: str
    topic_kind: str | None
    topic_id: str | None
    text: str
    status: str
    assigned_to: str | None
    due: date | None
    answer: str | None
    answered_by: str | None
    created_at: datetime
    published_at: datetime | None
    revision: int


def _names(s, ids: set[int | None]) -> dict[int, str]:  # type: ignore[no-untyped-def]
    found = [i for i in ids if i is not None]
    if not found:
        return {}
    return {u.id: u.display_name for u in s.scalars(select(UserRow).where(UserRow.id.in_(found)))}


def _utc(m: datetime | None) -> datetime | None:
    if m is None:
        return None
    return m.replace(tzinfo=UTC) if m.tzinfo is None else m.astimezone(UTC)


def _question(q: QuestionRow, names: dict[int, str]) -> Question:
    return Question(q.id, q.plan_id, q.group_id, names.get(q.asked_by, "?"), q.topic_kind,
                    q.topic_id, q.text, q.status, names.get(q.assigned_to or 0),
                    q.due, q.answer, names.get(q.answered_by or 0),
                    _utc(q.created_at) or datetime.now(UTC), _utc(q.published_at), q.revision)


def may_read(user: UserRecord | None, q: Question) -> bool:
    if q.status == "published":
        return True
    if user is None:
        return False
    return user.role in ("finance", "admin") or (q.group_id is not None
                                                 and q.group_id == user.group_id)


class Questions:
    def __init__(self, store: object) -> None:
        self.store = store

    def ask(self, plan_id: str, user: UserRecord, text: str, topic_kind: str | None = None,
            topic_id: str | None = None) -> Question:
        text = (text or "").strip()
        if user.role != "group":
            raise NotAllowed("questions are asked by the political groups")
        if not text or len(text) > MAX_TEXT:
            raise StoreError(f"the question: expected 1 to {MAX_TEXT} characters, found "
                             f"{len(text)}")
        if topic_kind is not None and topic_kind not in TOPIC_KINDS:
            raise StoreError(f"topic: expected one of {', '.join(TOPIC_KINDS)}")
        with self.store._write() as s:  # type: ignore[attr-defined]
            now = datetime.now(UTC)
            row = QuestionRow(plan_id=plan_id, asked_by=user.id, group_id=user.group_id,
                              topic_kind=topic_kind, topic_id=topic_id, text=text,
                              status="asked", created_at=now, revision=1)
            s.add(row)
            s.flush()
            audit(s, user, "question.ask", f"question:{row.id}", plan=plan_id)
            return _question(row, _names(s, {row.asked_by}))

    def list(self, plan_id: str, user: UserRecord | None) -> list[Question]:
        with self.store._read() as s:  # type: ignore[attr-defined]
            rows = list(s.scalars(select(QuestionRow).where(QuestionRow.plan_id == plan_id)
                                  .order_by(QuestionRow.id)))
            names = _names(s, {r.asked_by for r in rows} | {r.assigned_to for r in rows}
                           | {r.answered_by for r in rows})
        return [q for q in (_question(r, names) for r in rows) if may_read(user, q)]

    def published(self, plan_id: str) -> list[Question]:
        """The plan's published questions and answers, oldest first: what the public and
        the document's appendix show."""
        return self.list(plan_id, None)

    def update(self, question_id: int, user: UserRecord, revision: int, *,
               action: str, answer: str | None = None, due: date | None = None) -> Question:
        """``assign`` (to the acting finance officer, with a due date), ``answer``,
        ``publish`` or ``withdraw``; refused if the question changed since ``revision``."""
        with self.store._write() as s:  # type: ignore[attr-defined]
            row = s.get(QuestionRow, question_id, with_for_update=True)
            if row is None or not may_read(user, _question(row, {})):
                raise NotFoundError(f"no question {question_id}", plan_id="")
            if row.revision != revision:
                raise Conflict("the question was changed by someone else since you opened it; "
                               "nothing was saved — reload to see the change")
            _apply(row, user, action, answer, due)
            row.revision += 1
            audit(s, user, f"question.{action}", f"question:{row.id}", status=row.status)
            s.flush()
            return _question(row, _names(s, {row.asked_by, row.assigned_to, row.answered_by}))


def _apply(row: QuestionRow, user: UserRecord, action: str, answer: str | None,
           due: date | None) -> None:
    staff = user.role in ("finance", "admin")
    now = datetime.now(UTC)
    if action == "withdraw" and (staff or row.group_id == user.group_id) \
            and row.status != "published":
        row.status = "withdrawn"
    elif action == "assign" and staff and row.status in ("asked", "assigned"):
        row.assigned_to, row.status, row.due = user.id, "assigned", due
    elif action == "answer" and staff and row.status in ("asked", "assigned", "answered"):
        text = (answer or "").strip()
        if not text or len(text) > MAX_TEXT:
            raise StoreError(f"the answer: expected 1 to {MAX_TEXT} characters")
        row.answer, row.answered_by, row.answered_at, row.status = text, user.id, now, "answered"
    elif action == "publish" and staff and row.status == "answered":
        row.status, row.published_at = "published", now
    elif action not in ACTION_WORDS:
        raise StoreError("what to do with the question: expected taking the case, answering, "
                         "publishing or withdrawing")
    else:
        raise NotAllowed(f"{ACTION_WORDS[action]} is not possible for a question that is "
                         f"{STATUS_WORDS[row.status]}, in your role")
