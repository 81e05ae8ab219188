"""Results computed from a plan version, kept in the store: written once, read many times.

A plan version never changes, so a result computed from it (with the same horizon, draws,
seed and engine) never does either. The first process to compute it stores it; a restart, or
another worker of the same site, reads it instead of computing it again. Two writers racing
for the same key both succeed: the second finds the first's row and keeps it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from muniplan.store.schema import ComputedResultRow, PlanVersionRow
from muniplan.store.store import Store


class ComputedResults:
    """``get`` and ``put`` of byte payloads by (plan, version, kind, key) in ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _version_id(self, session: object, plan_id: str, number: int) -> int | None:
        return session.scalar(select(PlanVersionRow.id).where(  # type: ignore[attr-defined]
            PlanVersionRow.plan_id == plan_id, PlanVersionRow.number == number))

    def get(self, plan_id: str, number: int, kind: str, key: str) -> bytes | None:
        with self.store._read() as session:
            vid = self._version_id(session, plan_id, number)
            if vid is None:
                return None
            return session.scalar(select(ComputedResultRow.payload).where(
                ComputedResultRow.version_id == vid, ComputedResultRow.kind == kind,
                ComputedResultRow.key == key))

    def put(self, plan_id: str, number: int, kind: str, key: str, payload: bytes) -> bool:
        """Store ``payload``; False if the version is gone or the key was already there."""
        try:
            with self.store._write() as session:
                vid = self._version_id(session, plan_id, number)
                if vid is None:
                    return False
                exists = session.scalar(select(ComputedResultRow.id).where(
                    ComputedResultRow.version_id == vid, ComputedResultRow.kind == kind,
                    ComputedResultRow.key == key))
                if exists is not None:
                    return False
                session.add(ComputedResultRow(version_id=vid, kind=kind, key=key,
                                              created_at=datetime.now(UTC), payload=payload))
            return True
        except IntegrityError:
            return False
