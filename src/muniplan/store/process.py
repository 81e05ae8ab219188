"""Where each plan version stands in the political process, and who may see it.

The process (DESIGN.md, "The plan's life"): the administration's proposal, alternatives from
the party groups (siblings of the proposal, each owned by one group), the innstilling, the
adopted plan, revisions during the year. A version's stage and publication are kept beside
the immutable version (``version_process``); a version stored before this table existed, or
imported without a stage, takes its stage from its status.

What the public sees as *the* plan is the newest adopted (or revised) version, else the
newest published proposal or innstilling — never an alternative and never a draft.
Published alternatives are listed beside it. Unpublished work is seen only by finance staff,
administrators and, for an alternative, the members of the group that owns it; to anyone
else it does not exist (the same "no such version" as a number never used).

Writes check what the writer read (optimistic locking): saving a version names the version
it was made from (``base``), and the newest version it replaces (``replaces``); if either
is no longer what the store holds, :class:`Conflict` says so and nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from muniplan.store.accounts import UserRecord, audit
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.process_schema import STAGES, VersionProcessRow
from muniplan.store.records import VersionRecord
from muniplan.store.schema import PlanVersionRow
from muniplan.store.store import _check_storable, _import, _record

STAGE_STATUS = {"draft": "draft", "proposal": "proposal", "alternative": "alternative",
                "recommendation": "proposal", "adopted": "adopted", "revised": "adopted"}
"""The coarse status each stage is stored under in ``plan_versions``."""

STAGE_LABELS = {"draft": "utkast", "proposal": "forslag", "alternative": "alternativt budsjett",
                "recommendation": "innstilling", "adopted": "vedtatt",
                "revised": "revidert (budsjettendring)"}
PUBLIC_BY_STAGE = ("adopted", "revised")
STATUS_WORDS = {"draft": "a draft", "proposal": "a proposal",
                "alternative": "an alternative budget", "adopted": "an adopted version"}
"""A stored status in words, for messages (in English as the store's are; bokmål in the
catalogue), so a refusal does not show the database's ``'proposal'``."""

CURRENT_STAGES = ("adopted", "revised")
FALLBACK_STAGES = ("recommendation", "proposal")


class Conflict(StoreError):
    """What the writer read has changed since: the message says what, nothing was written."""


class NotAllowed(StoreError):
    """The user's role does not allow this write."""


@dataclass(frozen=True)
class ProcessVersion(VersionRecord):
    """A version with its place in the process."""

    stage: str = "draft"
    group_id: str | None = None
    title: str | None = None
    published_at: datetime | None = None
    published_by: str | None = None

    @property
    def published(self) -> bool:
        return self.published_at is not None or self.stage in PUBLIC_BY_STAGE

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]


def can_see(user: UserRecord | None, v: ProcessVersion) -> bool:
    """May ``user`` (None: the public) read version ``v``?"""
    if v.published and v.stage != "draft":
        return True
    if user is None:
        return False
    if user.role in ("finance", "admin"):
        return True
    return v.stage == "alternative" and v.group_id is not None and user.group_id == v.group_id


def current(versions: list[ProcessVersion]) -> ProcessVersion | None:
    """The plan the public sees: the newest adopted or revised version, else the newest
    published innstilling or proposal."""
    for stages in (CURRENT_STAGES, FALLBACK_STAGES):
        found = [v for v in versions if v.stage in stages and v.published]
        if found:
            return max(found, key=lambda v: v.number)
    return None


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _process_version(row: PlanVersionRow, p: VersionProcessRow | None) -> ProcessVersion:
    base = _record(row)
    if p is None:
        return ProcessVersion(**base.__dict__, stage=row.status)
    return ProcessVersion(**base.__dict__, stage=p.stage, group_id=p.group_id, title=p.title,
                          published_at=_utc(p.published_at), published_by=p.published_by)


class Process:
    """The process view of a :class:`~muniplan.store.Store`."""

    def __init__(self, store: object) -> None:
        self.store = store

    # --- reading --------------------------------------------------------------------------
    def versions(self, plan_id: str) -> list[ProcessVersion]:
        """Every version, oldest first (unfiltered: for staff and for checks)."""
        with self.store._read() as s:  # type: ignore[attr-defined]
            return _versions(s, plan_id)

    def visible(self, plan_id: str, user: UserRecord | None) -> list[ProcessVersion]:
        """The versions ``user`` may read; NotFoundError if none (or no such plan)."""
        seen = [v for v in self.versions(plan_id) if can_see(user, v)]
        if not seen:
            raise NotFoundError(f"no plan {plan_id!r} in the store", plan_id=plan_id)
        return seen

    def resolve(self, plan_id: str, number: int | None,
                user: UserRecord | None) -> tuple[ProcessVersion, list[ProcessVersion]]:
        """Version ``number`` if ``user`` may read it, else the current one (no number);
        NotFoundError alike for a version that does not exist and one not to be seen."""
        seen = self.visible(plan_id, user)
        if number is not None:
            for v in seen:
                if v.number == number:
                    return v, seen
            raise NotFoundError(f"plan {plan_id!r} has no version {number}",
                                plan_id=plan_id, number=number)
        chosen = current(seen)
        if chosen is None:
            staff = [v for v in seen if v.stage != "alternative"] or seen
            if user is None:
                raise NotFoundError(f"plan {plan_id!r} has no published version yet",
                                    plan_id=plan_id)
            chosen = staff[-1]
        return chosen, seen

    # --- writing --------------------------------------------------------------------------
    def save(self, files: Mapping[str, str], *, stage: str, actor: UserRecord | str,
             base: int | None, replaces: int | None = None, group_id: str | None = None,
             title: str | None = None, message: str | None = None,
             publish: bool = False) -> ProcessVersion:
        """Store ``files`` as a new version at ``stage``, in one transaction with its audit
        row. ``base`` is the version the writer started from (its parent); for an
        alternative, ``replaces`` is the group's newest version of it that the writer saw.
        A version whose plan has moved past ``base`` (a proposal, innstilling, adoption) or
        an alternative saved by someone else meanwhile is a :class:`Conflict`."""
        if stage not in STAGES:
            raise StoreError(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
        from muniplan.plan.load import load_files  # the plan models: not for every reader

        files = dict(files)
        plan = load_files(files, origin=f"({title or stage})")
        _check_storable(plan, files, "(web)")
        author = actor.username if isinstance(actor, UserRecord) else actor
        with self.store._write() as s:  # type: ignore[attr-defined]
            versions = _versions(s, plan.id, lock=True)
            _check_base(versions, stage, base, replaces, group_id, title)
            record, created = _import(s, plan, files, STAGE_STATUS[stage], author, message)
            if not created:
                raise Conflict(f"nothing to save: the files are those of version "
                               f"{record.number}")
            row = s.scalar(select(PlanVersionRow).where(
                PlanVersionRow.plan_id == plan.id, PlanVersionRow.number == record.number))
            assert row is not None
            if base is not None and stage in ("alternative", "recommendation", "revised",
                                              "adopted"):
                row.parent = base
            now = datetime.now(UTC)
            p = VersionProcessRow(version_id=row.id, stage=stage, group_id=group_id,
                                  title=title, published_at=now if publish else None,
                                  published_by=author if publish else None)
            s.add(p)
            s.flush()
            audit(s, actor, f"version.{stage}", f"plan:{plan.id}@{record.number}",
                  title=title, group=group_id, published=publish)
            return _process_version(row, p)

    def publish(self, plan_id: str, number: int, actor: UserRecord | str) -> ProcessVersion:
        """Publish a version (idempotent). A group member may publish only their group's
        alternative; finance staff any version but a draft."""
        with self.store._write() as s:  # type: ignore[attr-defined]
            row = s.scalar(select(PlanVersionRow).where(
                PlanVersionRow.plan_id == plan_id, PlanVersionRow.number == number)
                .with_for_update())
            if row is None:
                raise NotFoundError(f"plan {plan_id!r} has no version {number}",
                                    plan_id=plan_id, number=number)
            p = s.get(VersionProcessRow, row.id)
            if p is None:
                p = VersionProcessRow(version_id=row.id, stage=row.status)
                s.add(p)
            v = _process_version(row, p)
            if isinstance(actor, UserRecord):
                _may_publish(actor, v)
            if v.stage == "draft":
                raise NotAllowed(f"version {number} is a draft: import it as a proposal, "
                                 "innstilling or adopted version to publish it")
            if p.published_at is None:
                p.published_at = datetime.now(UTC)
                p.published_by = actor.username if isinstance(actor, UserRecord) else actor
                audit(s, actor, "version.publish", f"plan:{plan_id}@{number}",
                      stage=v.stage)
            s.flush()
            return _process_version(row, p)

    def set_stage(self, plan_id: str, number: int, stage: str, actor: str) -> None:
        """Give a version imported on the command line its stage (e.g. innstilling)."""
        if stage not in STAGES:
            raise StoreError(f"unknown stage {stage!r} (expected one of {', '.join(STAGES)})")
        with self.store._write() as s:  # type: ignore[attr-defined]
            row = s.scalar(select(PlanVersionRow).where(
                PlanVersionRow.plan_id == plan_id, PlanVersionRow.number == number))
            if row is None:
                raise NotFoundError(f"plan {plan_id!r} has no version {number}",
                                    plan_id=plan_id, number=number)
            if STAGE_STATUS[stage] != row.status:
                raise StoreError(f"version {number} is stored as {STATUS_WORDS[row.status]}; "
                                 f"the stage {stage!r} needs "
                                 f"{STATUS_WORDS[STAGE_STATUS[stage]]}")
            p = s.get(VersionProcessRow, row.id)
            if p is None:
                s.add(VersionProcessRow(version_id=row.id, stage=stage))
            else:
                p.stage = stage
            audit(s, actor, "version.stage", f"plan:{plan_id}@{number}", stage=stage)


def _may_publish(user: UserRecord, v: ProcessVersion) -> None:
    if user.role in ("finance", "admin"):
        return
    if v.stage == "alternative" and v.group_id is not None and v.group_id == user.group_id:
        return
    raise NotAllowed("only finance staff publish the administration's versions, and a "
                     "group only its own alternatives")


def _versions(s: Session, plan_id: str, lock: bool = False) -> list[ProcessVersion]:
    stmt = (select(PlanVersionRow, VersionProcessRow)
            .outerjoin(VersionProcessRow, VersionProcessRow.version_id == PlanVersionRow.id)
            .where(PlanVersionRow.plan_id == plan_id).order_by(PlanVersionRow.number))
    if lock:
        # serialise writers of one plan (SQLite: BEGIN IMMEDIATE already does)
        s.execute(select(func.count()).select_from(PlanVersionRow)
                  .where(PlanVersionRow.plan_id == plan_id))
    return [_process_version(r, p) for r, p in s.execute(stmt)]


def _check_base(versions: list[ProcessVersion], stage: str, base: int | None,
                replaces: int | None, group_id: str | None, title: str | None) -> None:
    if not versions:
        return
    official = [v for v in versions if v.stage != "alternative"]
    if stage == "alternative":
        # an alternative is built on what the administration has published
        official = [v for v in official if v.stage != "draft" and v.published]
        if base is None or base not in {v.number for v in official}:
            raise Conflict("an alternative is made from a published version of the proposal: "
                           f"version {base} is not one")
        newest_official = official[-1].number
        if newest_official != base:
            raise Conflict(f"the proposal has changed since you started (you worked from "
                           f"version {base}, the newest is {newest_official}); nothing was "
                           "saved — open the alternative again to see the new figures")
        mine = [v for v in versions if v.stage == "alternative" and v.group_id == group_id
                and v.title == title]
        newest_mine = mine[-1].number if mine else None
        if newest_mine != replaces:
            raise Conflict(f"«{title}» was saved by someone else meanwhile (as version "
                           f"{newest_mine}); nothing was saved — reload to see their changes")
        return
    newest = official[-1].number if official else None
    if base != newest:
        raise Conflict(f"the plan has changed since you read it (you read version {base}, the "
                       f"newest is {newest}); nothing was saved")


__all__ = ["Conflict", "NotAllowed", "Process", "ProcessVersion", "can_see", "current"]
