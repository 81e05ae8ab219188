"""Errors a person can act on.

Every error that bad input can cause is a ``PlanError``: it names the file, the line or row,
the field, what was expected and what was found. The CLI prints it and exits with code 2,
without a traceback; nothing is written when one is raised.

    MuniplanError
    └── PlanError            bad plan folder, statistics file or workbook (exit 2)
        └── ScenarioError    a scenario that names an unknown parameter or year (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass


class MuniplanError(Exception):
    """Base of every error muniplan raises on purpose."""


@dataclass(eq=False)
class PlanError(MuniplanError):
    """Bad input, located: ``file:line: field: expected X, found Y``.

    ``line`` is a line number in a text file (1-based), ``row`` a data row of a CSV file
    (1-based, the header not counted; the message gives the file line too), ``cell`` a
    spreadsheet cell such as ``B7``.
    """

    message: str
    file: str | None = None
    line: int | None = None
    field: str | None = None
    expected: str | None = None
    found: str | None = None
    cell: str | None = None
    sheet: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.sheet:
                where += f" [{self.sheet}]"
            if self.cell:
                where += f"!{self.cell}"
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        text = where
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.expected is not None:
            text += f" (expected {self.expected}"
            if self.found is not None:
                text += f", found {self.found!r}"
            text += ")"
        elif self.found is not None:
            text += f" (found {self.found!r})"
        return text


class ScenarioError(PlanError):
    """A scenario override that does not fit the plan (unknown parameter, year off the horizon)."""
