"""The store's tables, as SQLAlchemy 2 ORM classes.

The Alembic migrations in ``migrations/versions`` create exactly these; a test compares the
two, so a column added here without a migration fails the suite. A plan version is
immutable: nothing in the store updates or deletes a ``plan_versions`` or
``plan_version_files`` row. Its files live in a child table, one row per file, so that a
later feature (comments on a line of ``sectors.csv``) can point at one file.

Room is left for what people write (comments, questions, proposals): new tables that refer
to ``plan_versions.id``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

STATUSES = ("draft", "proposal", "alternative", "adopted")
"""Version statuses: utkast, forslag (rådmannens), alternativt budsjett, vedtatt."""

PLAN_ID_LENGTH = 64
PATH_LENGTH = 255

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names fixed by convention, so migrations can name what they alter."""


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PlanRow(Base):
    """One plan (handlingsprogram), identified by the ``id`` slug of its plan.yaml."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(PLAN_ID_LENGTH), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    municipality_name: Mapped[str] = mapped_column(String(200))
    municipality_number: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    versions: Mapped[list[PlanVersionRow]] = relationship(
        back_populates="plan", order_by="PlanVersionRow.number"
    )


class PlanVersionRow(Base):
    """One immutable version of a plan: its files, who made it, why, and its status."""

    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_id_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint(
            "status IN ('draft', 'proposal', 'alternative', 'adopted')", name="status_known"
        ),
        CheckConstraint("parent IS NULL OR parent < number", name="parent_before"),
        ForeignKeyConstraint(
            ["plan_id", "parent"],
            ["plan_versions.plan_id", "plan_versions.number"],
            name="fk_plan_versions_parent",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(
        String(PLAN_ID_LENGTH), ForeignKey("plans.id"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    parent: Mapped[int | None] = mapped_column(Integer, nullable=True)
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    digest: Mapped[str] = mapped_column(String(64))

    plan: Mapped[PlanRow] = relationship(back_populates="versions")
    files: Mapped[list[PlanVersionFileRow]] = relationship(order_by="PlanVersionFileRow.path")


class PlanVersionFileRow(Base):
    """One file of a version's plan folder (``plan.yaml``, ``population/mortality.csv``)."""

    __tablename__ = "plan_version_files"

    version_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("plan_versions.id"), primary_key=True
    )
    path: Mapped[str] = mapped_column(String(PATH_LENGTH), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ComputedResultRow(Base):
    """A costly result computed from one immutable plan version (the Bærekraft page's Monte
    Carlo run), kept so a restart or another worker does not compute it again. ``key`` says
    everything the result depends on besides the version (horizon, draws, seed, engine);
    ``payload`` is a numpy ``.npz`` archive (no pickles)."""

    __tablename__ = "computed_results"
    __table_args__ = (
        UniqueConstraint("version_id", "kind", "key", name="uq_computed_results_version_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(Integer, ForeignKey("plan_versions.id"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


# Each part of the store keeps its tables in its own module, on this Base (imported here so
# that Base.metadata — and the test comparing it with the migrations — sees every table).
from muniplan.store import citizen_schema, process_schema  # noqa: E402,F401
