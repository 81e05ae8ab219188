"""CSV as Norwegian Excel writes it: the encodings, separators and number forms of a plan's
tables, and the ones that would be misread and so are refused.

Why one module: a finance officer saves ``sectors.csv`` from Excel and gets semicolons, a
UTF-8 byte-order mark or Windows-1252, CRLF line ends, decimal commas and spaces (or no-break
spaces) between thousands. All of that is read. What cannot be read with certainty is refused
with a message: ``300.000`` in an amount column is 300 000 to a Norwegian and 300 to Python,
so a dot followed by groups of three digits is an error, never a guess.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable

from muniplan.plan.errors import PlanError
from muniplan.plan.format import NOTE_COLUMNS

COMMENT_COLUMNS = frozenset(NOTE_COLUMNS)
"""Columns a person adds for their own notes: kept in the file, never read as data."""

DELIMITERS = (";", ",", "\t")
SEP_NAMES = {";": "';'", ",": "','", "\t": "tabs"}
_GROUPED = re.compile(r"^[-−]?\d{1,3}([.,]\d{3})+$")
_SUM = re.compile(r"^\s*(sum|summer|totalt?|i alt)\b", re.IGNORECASE)


def decode(data: bytes, file: str) -> str:
    """Text from UTF-8 (with or without a byte-order mark) or, failing that, Windows-1252,
    the two encodings Excel saves CSV in on Norwegian machines; UTF-16 with its byte-order
    mark too (Excel's «Unicode-tekst»). A workbook or UTF-16 without a mark is refused by
    name: decoded as Windows-1252 it would give a header of stray bytes, not a clue."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if data[:4] == b"PK\x03\x04":
        raise PlanError("an Excel workbook (or another zip file), not CSV", file=file,
                        expected="a text file saved as CSV (UTF-8 or Windows-1252)")
    if b"\x00" in data[:4096]:
        raise PlanError("not a text file: it holds NUL bytes (UTF-16 without a byte-order "
                        "mark, or a binary file)", file=file,
                        expected="a text file saved as CSV (UTF-8 or Windows-1252)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise PlanError("neither UTF-8 nor Windows-1252 text", file=file,
                        expected="a text file saved as CSV (UTF-8 or Windows-1252)",
                        found=f"byte {data[exc.start]:#04x} at position {exc.start}") from None


def delimiter(text: str) -> str:
    """The separator of the header line: the one of ``; , tab`` that splits it most."""
    first = next((line for line in text.lstrip("\ufeff").splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def reader(text: str) -> tuple[str, Iterable[list[str]]]:
    """``(separator, csv reader)`` over ``text`` with its own separator."""
    sep = delimiter(text)
    return sep, csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=sep)


def check_amount(text: str, file: str, line: int, field: str) -> None:
    """Refuse an amount whose separators could be read two ways (``300.000``, ``1.250``,
    ``1,250,000``): thousands are written with a space or nothing, decimals with a comma or a
    point and fewer or more than three digits."""
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if _GROUPED.match(t):
        sep = "." if "." in t else ","
        raise PlanError(
            f"'{sep}' between groups of three digits: thousands or a decimal?", file=file,
            line=line, field=field,
            expected="thousands written with a space or nothing (300 000 or 300000); a "
            "decimal with fewer or more than three digits after the separator",
            found=text)


def is_sum_row(row: dict[str, str], id_column: str, text_columns: Iterable[str]) -> bool:
    """A row that sums the rows above it (``Sum``, ``Totalt``, ``I alt``), as Excel sheets
    often end: its id is empty or such a word, and one of its text cells is."""
    ident = row.get(id_column, "")
    if ident and not _SUM.match(ident):
        return False
    return any(_SUM.match(row.get(c, "") or "") for c in (id_column, *text_columns))


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the nearest of ``known``, or nothing."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""
