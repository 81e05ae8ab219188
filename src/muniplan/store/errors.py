"""The store's errors: each says what went wrong and what to do, for a person at a prompt.

    MuniplanError
    └── StoreError          the database cannot answer (unreachable, not upgraded), exit 2
        └── NotFoundError   no such plan or version (the web API's 404)
"""

from __future__ import annotations

from muniplan.plan.errors import MuniplanError


class StoreError(MuniplanError):
    """The store cannot do what was asked; the message says why and what to do."""


class NotFoundError(StoreError, LookupError):
    """No plan or version by that id or number. A ``LookupError`` too, like ``KeyError``."""

    def __init__(self, message: str, *, plan_id: str, number: int | None = None) -> None:
        super().__init__(message)
        self.plan_id = plan_id
        self.number = number
