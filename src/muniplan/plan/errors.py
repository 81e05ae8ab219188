"""Errors a person can act on.

Every error that bad input can cause is a ``PlanError``: it names the file, the line or row,
the field, what was expected and what was found. The CLI prints it and exits with code 2,
without a traceback; nothing is written when one is raised.

    MuniplanError
    └── PlanError            bad plan folder, statistics file or workbook (exit 2)
        ├── PlanErrors       several of them, found in one reading (``validate`` lists all)
        └── ScenarioError    a scenario that names an unknown parameter or year (exit 2)

    ValueError (never shown as they are: the loader turns each into a located PlanError)
    ├── FieldError           a model check about one field of an object (pydantic needs a
    │                        ValueError inside a validator)
    └── MoneyError           a text or number that is not whole kroner at the folder's scale

Why several: a finance officer who fixes one error and runs ``validate`` again only to meet
the next wastes an afternoon. Where the loader can go on after an error (the next row, the
next reference), it collects them in :class:`Problems` and raises :class:`PlanErrors` once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace


class MuniplanError(Exception):
    """Base of every error muniplan raises on purpose."""


def excel_sheet(name: str) -> str:
    """A sheet's name as Excel writes it in a reference (``Plan!B16``): quoted, with its own
    quotes doubled, when it holds anything but letters, digits and underscores
    (``'Mål og tiltak'!B3``)."""
    if re.fullmatch(r"\w+", name):
        return name
    return "'" + name.replace("'", "''") + "'"


class Described(str):
    """A found value told in words (``a list``) rather than quoted as the text found
    (``'list'``, a Python type's name a finance officer cannot read): its ``repr`` is the
    words themselves, so a message says ``found a list``, and the catalogue translates them."""

    def __repr__(self) -> str:
        return str(self)


KINDS = ((bool, "yes or no"), (dict, "a mapping"), (list, "a list"), (str, "a text"),
         (int, "a number"), (float, "a number"), (type(None), "nothing"))
"""What a YAML value is, in words, most specific first (``True`` is an ``int`` too)."""


def kind_of(value: object) -> Described:
    """What ``value`` is, in words, for the ``found`` of an error: where a file must hold a
    mapping and holds a list, ``found a list`` rather than ``found 'list'``."""
    return Described(next((words for kind, words in KINDS if isinstance(value, kind)),
                          "something else"))


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
                where += f", {excel_sheet(self.sheet)}"
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


class PlanErrors(PlanError):
    """Several located errors; the fields are those of the first, ``str`` lists them all,
    one a line."""

    def __init__(self, problems: Iterable[PlanError]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(first.message, file=first.file, line=first.line, field=first.field,
                         expected=first.expected, found=first.found, cell=first.cell,
                         sheet=first.sheet)

    def __str__(self) -> str:
        return "\n".join(PlanError.__str__(p) for p in self.problems)


class Problems:
    """Errors collected while reading on: ``with problems.guard(): ...`` records a
    :class:`PlanError` and goes on; :meth:`check` raises them together."""

    def __init__(self) -> None:
        self.found: list[PlanError] = []

    def add(self, error: PlanError) -> None:
        self.found.extend(getattr(error, "problems", (error,)))

    def extend(self, errors: Iterable[PlanError]) -> None:
        for error in errors:
            self.add(error)

    @contextmanager
    def guard(self) -> Iterator[None]:
        try:
            yield
        except PlanError as exc:
            self.add(exc)

    def check(self) -> None:
        """Raise what was collected: the one error itself, several as :class:`PlanErrors`.

        The same error on several lines (a year column outside the period on every row) is
        said once, naming the other lines, so that the list stays one a problem."""
        merged = _merge(self.found)
        if len(merged) == 1:
            raise merged[0]
        if merged:
            raise PlanErrors(merged)


def _merge(errors: list[PlanError]) -> list[PlanError]:
    groups: dict[tuple[object, ...], list[PlanError]] = {}
    for e in errors:
        key = (e.file, e.sheet, e.cell, e.field, e.message, e.expected, repr(e.found))
        groups.setdefault(key, []).append(e)
    out = []
    for same in groups.values():
        first = same[0]
        others = [str(e.line) for e in same[1:] if e.line is not None]
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} other lines"
                                             if len(others) > 5 else "")
            first = replace(first, message=f"{first.message} (also on line"
                            f"{'s' * (len(others) > 1)} {shown})")
        out.append(first)
    return out


def each(error: PlanError) -> tuple[PlanError, ...]:
    """The single errors inside ``error`` (itself, unless it holds several)."""
    return getattr(error, "problems", (error,))


class FieldError(ValueError):
    """A check of a whole object that is about one of its fields: the loader adds ``field``
    to the error's location (pydantic locates a model validator's error at the object)."""

    def __init__(self, message: str, field: str, found: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.found = found


class MoneyError(ValueError):
    """A text or number that is not a whole-kroner amount at the declared scale."""
