"""The tables of what citizens send: simulator submissions and comments on the plan.

A submission stores the choices (lever → value), never a free-form budget, so that the
summary can count and compare them. Nothing identifies a person: no name, no e-mail, no
address (not even the IP address; the rate limit keeps that in memory only). The optional
postcode and age group are coarse on purpose. Comments and a submission's comment are shown
only after staff publish them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from muniplan.store.schema import PLAN_ID_LENGTH, Base

MODERATION = ("pending", "published", "rejected")
"""A comment's state: venter på moderering, publisert, avvist."""
TARGET_KINDS = ("plan", "priority", "measure", "investment")
"""What a comment is about: the plan, a priority area, a measure, an investment."""
AGE_GROUPS = ("0-17", "18-29", "30-49", "50-66", "67-79", "80+")
COMMENT_LENGTH = 1000
TARGET_ID_LENGTH = 64


class CitizenSubmissionRow(Base):
    """One citizen's budget from the simulator, with an optional short comment."""

    __tablename__ = "citizen_submissions"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'published', 'rejected')", name="status_known"),
        CheckConstraint("version_number >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(PLAN_ID_LENGTH), ForeignKey("plans.id"),
                                         index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    choices: Mapped[str] = mapped_column(Text)  # JSON: {"lever id": value}, sorted
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    postcode: Mapped[str | None] = mapped_column(String(4), nullable=True)
    age_group: Mapped[str | None] = mapped_column(String(8), nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    moderated_by: Mapped[str | None] = mapped_column(Text, nullable=True)


class CitizenCommentRow(Base):
    """A comment on the plan, a priority area, a measure or an investment."""

    __tablename__ = "citizen_comments"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'published', 'rejected')", name="status_known"),
        CheckConstraint("target_kind IN ('plan', 'priority', 'measure', 'investment')",
                        name="target_known"),
        CheckConstraint("version_number >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(PLAN_ID_LENGTH), ForeignKey("plans.id"),
                                         index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[str] = mapped_column(String(TARGET_ID_LENGTH))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    moderated_by: Mapped[str | None] = mapped_column(Text, nullable=True)
