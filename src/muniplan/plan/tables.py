"""The plan's CSV tables read by their description (``plan.format``): header, rows, cells.

Why apart from ``plan.load``: a table is read the same way whatever it holds — the header
checked against the description's required columns, each cell parsed by its column's kind,
year columns as amounts, sum rows checked and skipped, note columns kept. An error in one
row does not stop the next: each is collected, so ``validate`` reports every bad row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from muniplan.plan import csvio
from muniplan.plan.errors import PlanError, Problems
from muniplan.plan.format import PROVENANCE_NAMES, Table
from muniplan.plan.money import MoneyError, to_kroner

YEAR_COLUMN = re.compile(r"^(19|20|21)\d\d$")

Row = tuple[int, dict[str, str]]


class BadRow(Exception):
    """A row whose cells had errors (already collected): the row is left out."""


class TableReader:
    """Reads one CSV table of a plan folder in the folder's ``scale``."""

    def __init__(self, table: Table, text: str, file: str, scale: int,
                 problems: Problems) -> None:
        self.table, self.text, self.file, self.scale = table, text, file, scale
        self.problems = problems
        self.unknown: list[str] = []
        self.years: list[int] = []
        self.unread: list[dict[str, str]] = []
        """Rows of the wrong width, by column as far as they go (their ids, perhaps)."""

    # --- the whole table -------------------------------------------------------------------
    def rows(self) -> list[Row]:
        """The data rows (line, cells by column), sum rows checked and left out."""
        sep, reader = csvio.reader(self.text)
        header = self._header(reader)
        ident = self.table.id_column
        texts = [c for c in self.table.required if c != ident and not c.endswith("_year")]
        rows: list[Row] = []
        sums: list[Row] = []
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                # too few: the first column without a value; too many: after the last one
                field = header[len(values)] if len(values) < len(header) else header[-1]
                self.problems.add(PlanError(
                    f"row has {len(values)} fields, the header has {len(header)}",
                    file=self.file, line=line, field=field,
                    expected=f"{len(header)} fields separated by {csvio.SEP_NAMES[sep]} (a "
                    f"text with {csvio.SEP_NAMES[sep]} needs quotes)", found=len(values)))
                self.unread.append(dict(zip(header, (v.strip() for v in values),
                                            strict=False)))
                continue
            row = {h: v.strip() for h, v in zip(header, values, strict=True)}
            (sums if csvio.is_sum_row(row, ident, texts) else rows).append((line, row))
        for line, row in sums:
            with self.problems.guard():
                self._check_sum(line, row, rows)
        return rows

    def _header(self, reader: Any) -> list[str]:
        required = self.table.required
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise PlanError("empty file", file=self.file, line=1, field="header",
                            expected=f"a header with {', '.join(required)}") from None
        known = {c.name for c in self.table.columns}
        for col in required:
            if col not in header:
                raise PlanError(
                    f"missing column {col!r}" + self._misnamed(col, header, known),
                    file=self.file, line=1, field=col, expected=", ".join(required),
                    found=",".join(header))
        if not PROVENANCE_NAMES & set(header):
            raise PlanError("missing provenance columns", file=self.file, line=1,
                            field="source", expected="a 'source' and/or 'assumption' column",
                            found=",".join(header))
        dupes = {h for h in header if header.count(h) > 1}
        if dupes:
            raise PlanError("duplicate column", file=self.file, line=1,
                            field=sorted(dupes)[0], expected="each column once")
        for h in header:
            if YEAR_COLUMN.match(h):
                self.years.append(int(h))
            elif h not in known and h.lower() not in csvio.COMMENT_COLUMNS:
                # kept in the file, unread; validate warns (see load.unknown_columns)
                self.unknown.append(f"{self.file}:1: unknown column {h!r}, not read"
                                    + csvio.did_you_mean(h, known))
        return header

    def _misnamed(self, col: str, header: list[str], known: set[str]) -> str:
        """The header that is most likely ``col`` misnamed: its Norwegian label (a sheet of
        the workbook saved as CSV), or the nearest header that is no known column."""
        label = self.table.column(col).label  # type: ignore[union-attr]
        if label in header:
            return (f" (the header {label!r} is its label in the workbook; a CSV file names "
                    f"it {col})")
        return csvio.did_you_mean(col, [h for h in header if h not in known])

    def _check_sum(self, line: int, total: dict[str, str], rows: list[Row]) -> None:
        """A sum row is skipped, but only if it sums the rows: otherwise a row is missing,
        doubled or misread."""
        for y in self.years:
            given = total.get(str(y), "")
            if given == "":
                continue
            want = sum(self.amount(r_line, str(y), r[str(y)]) for r_line, r in rows
                       if r.get(str(y), "") != "")
            got = self.amount(line, str(y), given)
            if abs(got - want) > len(rows) * self.scale:  # rounding of each row at most
                raise PlanError(
                    "sum row does not match the rows above it", file=self.file,
                    line=line, field=str(y), expected=f"{want / self.scale:.0f} (the sum of "
                    f"{len(rows)} rows), or no sum row", found=given)

    # --- one row ---------------------------------------------------------------------------
    def cells(self, line: int, row: dict[str, str]) -> dict[str, Any]:
        """The row's described columns parsed by kind (empty optional cells left out), its
        year columns under ``"years"`` (empty cells left out) and its note columns' text
        under ``"note"``."""
        out: dict[str, Any] = {"years": {}}
        before = len(self.problems.found)
        for col in self.table.columns:
            text = row.get(col.name, "")
            if text == "" and col.name not in PROVENANCE_NAMES:
                continue
            parse = self.PARSERS.get(col.kind)
            with self.problems.guard():
                out[col.name] = parse(self, line, col.name, text) if parse else (text or None)
        for y in self.years:
            if row[str(y)] != "":
                with self.problems.guard():
                    # a net frame may be negative (an area whose fees exceed its costs)
                    floor = None if row.get("frame_basis", "").strip() == "netto" else 0
                    out["years"][y] = self.amount(line, str(y), row[str(y)], minimum=floor)
        if len(self.problems.found) > before:
            raise BadRow
        notes = [v for h, v in row.items() if h.lower() in csvio.COMMENT_COLUMNS and v]
        out["note"] = " — ".join(notes) or None
        return out

    def amount(self, line: int, field: str, text: str, minimum: int | None = None) -> int:
        csvio.check_amount(text, self.file, line, field)
        try:
            value = to_kroner(text, self.scale)
        except MoneyError:
            raise PlanError("not an amount", file=self.file, line=line, field=field,
                            expected=f"a number in units of {self.scale} kr",
                            found=text) from None
        if minimum is not None and value < minimum:
            raise PlanError("negative amount", file=self.file, line=line, field=field,
                            expected=f"an amount ≥ {minimum}", found=text)
        return value

    def whole(self, line: int, field: str, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise PlanError("not a whole number", file=self.file, line=line,
                            field=field, expected="a whole number", found=text) from None

    def fraction(self, line: int, field: str, text: str) -> float:
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise PlanError("not a number", file=self.file, line=line, field=field,
                            expected="a fraction such as 0.2", found=text) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise PlanError("not a finite number", file=self.file, line=line,
                            field=field, expected="a fraction such as 0.2", found=text)
        return value

    def boolean(self, line: int, field: str, text: str) -> bool:
        # SANN/USANN: a Norwegian Excel writes TRUE and FALSE so in the CSV it saves (the
        # workbook import reads them too)
        t = text.strip().lower()
        if t in ("true", "yes", "ja", "sann", "1"):
            return True
        if t in ("false", "no", "nei", "usann", "0"):
            return False
        raise PlanError("not true or false", file=self.file, line=line, field=field,
                        expected="true or false (also ja/nei, SANN/USANN)", found=text)

    PARSERS: dict[str, Callable[[TableReader, int, str, str], Any]] = {
        "money": amount, "whole": whole, "fraction": fraction, "bool": boolean,
    }
