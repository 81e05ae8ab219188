"""What the store hands out: plain frozen records, detached from any database session.

The web pages and the CLI read these, never ORM rows, so that no caller can lazy-load
across a closed session or mutate an immutable version by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PlanRecord:
    """A plan in the store, with its newest version's number and status."""

    id: str
    title: str
    municipality: str
    number: str
    latest_version: int
    latest_status: str


@dataclass(frozen=True)
class VersionRecord:
    """One immutable version of a plan. ``created_at`` is timezone-aware UTC; ``digest`` is
    :func:`muniplan.plan.load.digest` of its files."""

    plan_id: str
    number: int
    status: str
    parent: int | None
    author: str | None
    message: str | None
    created_at: datetime
    digest: str
