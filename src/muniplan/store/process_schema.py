"""The tables of the political process: people, groups, sessions, the audit log, where each
plan version stands in the process, and questions with their answers.

They share :class:`~muniplan.store.schema.Base` (one metadata, one schema test) but have
their own migration line (``0002``). A version's place in the process lives beside the
version, not in it: a plan version stays immutable, while its publication is an event.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from muniplan.store.schema import PLAN_ID_LENGTH, Base

ROLES = ("finance", "group", "admin")
"""Roles of an account: økonomistab, politisk gruppe, administrator. Readers without an
account are the public."""

STAGES = ("draft", "proposal", "alternative", "recommendation", "adopted", "revised")
"""Where a version stands: utkast, forslag (kommunedirektørens), alternativt budsjett
(a group's), innstilling, vedtatt, revidert (budsjettendring)."""

QUESTION_STATUSES = ("asked", "assigned", "answered", "published", "withdrawn")
TOPIC_KINDS = ("sector", "program_area", "investment")

NAME_LENGTH = 64


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class GroupRow(Base):
    """A political group (partigruppe) that writes alternatives and asks questions."""

    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    """An account. The password is kept only as an argon2id hash."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role_known"),
        CheckConstraint("role <> 'group' OR group_id IS NOT NULL", name="group_member"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[str | None] = mapped_column(
        String(NAME_LENGTH), ForeignKey("groups.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionRow(Base):
    """A login. ``id`` is the SHA-256 of the cookie's token, so a copy of the database does
    not hold usable sessions."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailureRow(Base):
    """A failed login, counted to slow down password guessing."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class AuditRow(Base):
    """One write: who, what, when, on what (never a password or token)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"), nullable=True)
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)


class VersionProcessRow(Base):
    """A version's stage in the process, its owning group (alternatives) and publication."""

    __tablename__ = "version_process"
    __table_args__ = (CheckConstraint(_in("stage", STAGES), name="stage_known"),)

    version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_versions.id"), primary_key=True)
    stage: Mapped[str] = mapped_column(String(16))
    group_id: Mapped[str | None] = mapped_column(
        String(NAME_LENGTH), ForeignKey("groups.id"), nullable=True, index=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    published_by: Mapped[str | None] = mapped_column(Text, nullable=True)


class QuestionRow(Base):
    """A politician's question on a plan, and the administration's answer.

    ``revision`` grows with every change, so two people answering at once cannot overwrite
    each other (the second is refused)."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(_in("status", QUESTION_STATUSES), name="status_known"),
        CheckConstraint("topic_kind IS NULL OR " + _in("topic_kind", TOPIC_KINDS),
                        name="topic_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(PLAN_ID_LENGTH), ForeignKey("plans.id"),
                                         index=True)
    version_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    asked_by: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))
    group_id: Mapped[str | None] = mapped_column(
        String(NAME_LENGTH), ForeignKey("groups.id"), nullable=True)
    topic_kind: Mapped[str | None] = mapped_column(String(16), nullable=True)
    topic_id: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    assigned_to: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"),
                                                    nullable=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answered_by: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id"),
                                                    nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                         nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revision: Mapped[int] = mapped_column(Integer)
