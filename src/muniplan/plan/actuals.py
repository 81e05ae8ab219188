"""Actual results as data: the plan folder's ``actuals/`` CSV files, one per report.

A report is the 1. tertial (``T1``, January–April), the 2. tertial (``T2``, January–August)
or the year's accounts (``year``). Each is one file named ``YYYY-PERIOD.csv``
(``2018-T1.csv``) with the columns::

    kind,id,year,period,field,value,comment,source

``kind`` and ``field`` say what a row records (see :data:`FIELDS`); amounts are in the plan's
``amount_scale`` (usually 1000 kr), nominal kroner (løpende), to date for the year: a T1
``actual`` is what was spent from 1 January to 30 April. Fractions are fractions (0.45, not
45). Every row names its ``source`` ("regnskap 2018", "økonomisjefens prognose"). A row whose
``year`` or ``period`` differs from its file's name is refused: it would be read as another
report. Any problem raises :class:`PlanError` naming the file, the line, the field, what was
expected and what was found.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from muniplan.plan import csvio
from muniplan.plan.errors import PlanError
from muniplan.plan.model import MEASURE_STATUSES, Plan
from muniplan.plan.money import MoneyError, to_kroner

PERIODS = ("T1", "T2", "year")
"""1. tertial (to 30 April), 2. tertial (to 31 August), the year's accounts (årsregnskap)."""

PERIOD_MONTHS = {"T1": 4, "T2": 8, "year": 12}
PERIOD_LABELS = {"T1": "1. tertial", "T2": "2. tertial", "year": "årsregnskap"}
COLUMNS = ("kind", "id", "year", "period", "field", "value", "comment", "source")
REQUIRED = ("kind", "id", "year", "period", "field", "value", "source")
FILE_NAME = re.compile(r"^(\d{4})-(T1|T2|year)\.csv$")

MONEY, FRACTION, YEAR, STATUS, NUMBER = "money", "fraction", "year", "status", "number"
FIELDS: dict[str, dict[str, str]] = {
    "program_area": {"actual": MONEY, "revised_budget": MONEY, "prognosis": MONEY},
    "income": {"actual": MONEY, "revised_budget": MONEY, "prognosis": MONEY},
    "investment": {"spent": MONEY, "revised_budget": MONEY, "prognosis_total": MONEY,
                   "percent_complete": FRACTION, "expected_completion": YEAR,
                   "status": STATUS},
    "measure": {"status": STATUS},
    "target": {"value": NUMBER},
    "indicator": {"value": MONEY},
}
"""What each kind of row may record, and how its value is read."""

MONEY_INDICATORS = ("net_operating_result", "operating_income", "debt", "depreciable_assets",
                    "depreciation", "investments")
"""Balances and results from the accounts; funds are ``fund_<id>`` of the plan's funds."""
COUNT_INDICATORS = ("population",)
"""Population on 1 January of the year after the report (31 December), persons."""

Value = int | float | str


@dataclass(frozen=True)
class Entry:
    """One recorded figure: ``value`` is whole kroner, a fraction, a year or a status."""

    kind: str
    id: str
    field: str
    value: Value
    comment: str | None
    source: str
    line: int


@dataclass(frozen=True)
class Report:
    """One follow-up report: the figures recorded for ``year`` up to the end of ``period``."""

    year: int
    period: str
    file: str
    entries: tuple[Entry, ...]

    def get(self, kind: str, id_: str, field: str) -> Entry | None:
        for e in self.entries:
            if e.kind == kind and e.id == id_ and e.field == field:
                return e
        return None

    def value(self, kind: str, id_: str, field: str) -> Value | None:
        e = self.get(kind, id_, field)
        return None if e is None else e.value

    def values(self, kind: str, field: str) -> dict[str, Value]:
        return {e.id: e.value for e in self.entries if e.kind == kind and e.field == field}

    @property
    def key(self) -> tuple[int, int]:
        return self.year, PERIODS.index(self.period)


@dataclass(frozen=True)
class Actuals:
    """Every report of a plan folder, oldest first."""

    reports: tuple[Report, ...] = ()

    def report(self, year: int, period: str) -> Report | None:
        for r in self.reports:
            if r.year == year and r.period == period:
                return r
        return None

    def latest(self, year: int) -> Report | None:
        """The newest report of ``year`` (the accounts, else T2, else T1)."""
        found = [r for r in self.reports if r.year == year]
        return max(found, key=lambda r: r.key) if found else None

    def years(self) -> list[int]:
        return sorted({r.year for r in self.reports})


def read_actuals(folder: Path, plan: Plan) -> Actuals:
    """The reports in ``folder`` (a plan's ``actuals/``), checked against ``plan``.

    A missing folder is no reports. A CSV whose name is not ``YYYY-PERIOD.csv`` is refused,
    not skipped: it would otherwise be silently ignored."""
    if not folder.exists():
        return Actuals()
    if not folder.is_dir():
        raise PlanError("the actuals are a folder of CSV files, not a file", file=str(folder))
    texts = {}
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        texts[str(path)] = csvio.decode(path.read_bytes(), str(path)).replace("\r\n", "\n")
    return parse_actuals(texts, plan)


def parse_actuals(texts: dict[str, str], plan: Plan) -> Actuals:
    """Reports from CSV texts keyed by file path (from disk or the store)."""
    reports = [parse_report(name, text, plan) for name, text in sorted(texts.items())]
    return Actuals(tuple(sorted(reports, key=lambda r: r.key)))


def report_name(name: str) -> tuple[int, str]:
    """``(year, period)`` from a report file's name, or a located error."""
    m = FILE_NAME.match(Path(name).name)
    if not m:
        raise PlanError("a report file is named by its year and period", file=name,
                        expected="YYYY-T1.csv, YYYY-T2.csv or YYYY-year.csv",
                        found=Path(name).name)
    return int(m.group(1)), m.group(2)


def parse_report(name: str, text: str, plan: Plan) -> Report:
    """One report file, every row checked against the plan."""
    year, period = report_name(name)
    rows = _rows(name, text)
    known = _known_ids(plan)
    seen: dict[tuple[str, str, str], int] = {}
    entries = []
    for line, row in rows:
        entry = _entry(name, line, row, year, period, plan, known)
        key = (entry.kind, entry.id, entry.field)
        if key in seen:
            raise PlanError(f"the same figure twice (first on line {seen[key]})", file=name,
                            line=line, field="field", expected="each kind, id and field once",
                            found=f"{entry.kind},{entry.id},{entry.field}")
        seen[key] = line
        entries.append(entry)
    return Report(year, period, name, tuple(entries))


def _rows(name: str, text: str) -> list[tuple[int, dict[str, str]]]:
    delimiter, reader = csvio.reader(text)
    try:
        header = [h.strip().lower() for h in next(reader)]  # type: ignore[call-overload]
    except StopIteration:
        raise PlanError("empty file", file=name, line=1, field="header",
                        expected=",".join(COLUMNS)) from None
    for col in REQUIRED:
        if col not in header:
            raise PlanError(f"missing column {col!r}", file=name, line=1, field=col,
                            expected=",".join(COLUMNS), found=delimiter.join(header))
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise PlanError(f"unknown column {unknown[0]!r}", file=name, line=1, field=unknown[0],
                        expected=",".join(COLUMNS))
    rows = []
    for values in reader:
        line = reader.line_num  # type: ignore[attr-defined]  # a csv.reader
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            raise PlanError(f"row has {len(values)} fields, the header has {len(header)}",
                            file=name, line=line, field=header[min(
                                len(values), len(header) - 1)],
                            expected=f"{len(header)} fields (a text with a {delimiter!r} "
                            "needs quotes)", found=len(values))
        rows.append((line, {h: v.strip() for h, v in zip(header, values, strict=True)}))
    return rows


def _known_ids(plan: Plan) -> dict[str, set[str]]:
    funds = {f"fund_{f.id}" for f in plan.opening.funds}
    return {
        "program_area": plan.program_area_ids(),
        "income": {i.id for i in plan.income},
        "investment": {i.id for i in plan.investments},
        "measure": {m.id for a in plan.priority_areas for m in a.measures},
        "target": {t.id for a in plan.priority_areas for t in a.targets},
        "indicator": set(MONEY_INDICATORS) | set(COUNT_INDICATORS) | funds,
    }


def _entry(name: str, line: int, row: dict[str, str], year: int, period: str, plan: Plan,
           known: dict[str, set[str]]) -> Entry:
    kind = row["kind"]
    if kind not in FIELDS:
        raise PlanError("unknown kind", file=name, line=line, field="kind",
                        expected=" | ".join(FIELDS), found=kind)
    if row["year"] != str(year):
        raise PlanError("the row's year is not the file's", file=name, line=line,
                        field="year", expected=str(year), found=row["year"])
    if row["period"] != period:
        raise PlanError("the row's period is not the file's", file=name, line=line,
                        field="period", expected=period, found=row["period"])
    id_ = row["id"]
    if id_ not in known[kind]:
        raise PlanError(f"no {kind} with this id in the plan", file=name, line=line,
                        field="id", expected=_some(known[kind]), found=id_)
    field = row["field"]
    if field not in FIELDS[kind]:
        raise PlanError(f"a {kind} row cannot record this field", file=name, line=line,
                        field="field", expected=" | ".join(FIELDS[kind]), found=field)
    if not row["source"]:
        raise PlanError("a figure without a source", file=name, line=line, field="source",
                        expected="where the figure comes from, e.g. «regnskap 2018»",
                        found="")
    how = NUMBER if kind == "indicator" and id_ in COUNT_INDICATORS else FIELDS[kind][field]
    value = _value(name, line, row["value"], how, plan.amount_scale)
    return Entry(kind, id_, field, value, row.get("comment") or None, row["source"], line)


def _value(name: str, line: int, text: str, how: str, scale: int) -> Value:
    def bad(expected: str) -> PlanError:
        return PlanError("not a valid value", file=name, line=line, field="value",
                         expected=expected, found=text)

    if how == MONEY:
        csvio.check_amount(text, name, line, "value")
        try:
            return to_kroner(text, scale)
        except MoneyError:
            raise bad(f"an amount in units of {scale} kr") from None
    if how == STATUS:
        if text not in MEASURE_STATUSES:
            raise bad(" | ".join(MEASURE_STATUSES))
        return text
    if how == YEAR:
        if not re.fullmatch(r"(19|20|21)\d\d", text):
            raise bad("a year such as 2021")
        return int(text)
    try:
        number = float(text.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
    except ValueError:
        raise bad("a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise bad("a finite number")
    if how == FRACTION and not 0 <= number <= 1:
        raise bad("a fraction from 0 to 1 (0.45 for 45 %)")
    return number


def _some(ids: Iterable[str]) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:6]) + (f" … ({len(ids)} in all)" if len(ids) > 6 else "") \
        if ids else "(the plan has none)"


def write_report(rows: Iterable[tuple[str, str, str, object, str, str]], year: int,
                 period: str) -> str:
    """A report file's text from ``(kind, id, field, value, comment, source)`` rows."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    for kind, id_, field, value, comment, source in rows:
        w.writerow([kind, id_, year, period, field, value, comment, source])
    return out.getvalue()
