"""The store's follow-up tables: tertial reports and accounts, their own kind of record.

A follow-up report is never a plan version: recording the 1. tertial does not say the plan
was adopted again. A report points at the plan version it was measured against and holds
the report files as they were recorded (the whole ``actuals/`` folder, so the seasonal
shares of past years come with it). Each recording of the same year and period is a new
revision (``number``); a revision is ``draft`` until a finance officer publishes it, and
the public sees only published revisions. Created by migration ``0003``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from muniplan.store.schema import PATH_LENGTH, PLAN_ID_LENGTH, Base

REPORT_STATUSES = ("draft", "published")


class FollowupReportRow(Base):
    """One revision of a follow-up report (T1, T2 or the year's accounts) of a plan."""

    __tablename__ = "followup_reports"
    __table_args__ = (
        UniqueConstraint("plan_id", "year", "period", "number",
                         name="uq_followup_reports_plan_id_year_period_number"),
        CheckConstraint("period IN ('T1', 'T2', 'year')", name="period_known"),
        CheckConstraint("status IN ('draft', 'published')", name="status_known"),
        CheckConstraint("number >= 1", name="number_positive"),
        ForeignKeyConstraint(["plan_id", "plan_version"],
                             ["plan_versions.plan_id", "plan_versions.number"],
                             name="fk_followup_reports_plan_version"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(PLAN_ID_LENGTH), ForeignKey("plans.id"),
                                         index=True)
    plan_version: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(8))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                          nullable=True)
    published_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    digest: Mapped[str] = mapped_column(String(64))

    files: Mapped[list[FollowupReportFileRow]] = relationship(
        order_by="FollowupReportFileRow.path")


class FollowupReportFileRow(Base):
    """One report file of a recorded report (``actuals/2018-T1.csv``)."""

    __tablename__ = "followup_report_files"

    report_id: Mapped[int] = mapped_column(Integer, ForeignKey("followup_reports.id"),
                                           primary_key=True)
    path: Mapped[str] = mapped_column(String(PATH_LENGTH), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
