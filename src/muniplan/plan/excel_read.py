"""A workbook written by ``excel_write`` (and edited by a person) back into a plan folder.

Import is strict: a bad cell is a :class:`PlanError` naming the sheet, the cell
(``Investeringer!F7``) and its column's header, and the folder is validated with the plan
loader before anything is written; an error the loader finds in a CSV row is mapped back to
its sheet and cell. Every bad cell of every sheet is collected and reported together (a
finance officer fixes them in one sitting); only a workbook without bad cells is handed to
the loader, whose errors are reported together in their turn. Headers may be the Norwegian
labels or the field names.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from muniplan.plan.assumption_labels import assumption_key
from muniplan.plan.errors import PlanError, PlanErrors, Problems, each
from muniplan.plan.excel_layout import (
    CSV_SHEETS,
    LAYOUT_SHEET,
    LAYOUT_VERSION,
    RECORD_SHEETS,
    YEAR,
    field_names,
    header_labels,
    unflatten,
)
from muniplan.plan.format import Table
from muniplan.plan.load import load_files

NUMBER_KINDS = ("money", "whole", "fraction", "number")


class _Reader:
    def __init__(self, data: bytes, origin: str) -> None:
        self.origin = origin
        self.problems = Problems()
        self.rows: dict[str, dict[int, int]] = {}
        """Per sheet written as a CSV file: the file's line that ends a record → its row on
        the sheet (blank rows are left out, a cell may hold several lines)."""
        try:
            self.wb = load_workbook(io.BytesIO(data), data_only=True)
        except Exception:  # openpyxl raises many kinds for a non-workbook
            raise PlanError("not an Excel workbook (.xlsx)", file=origin) from None

    def err(self, msg: str, sheet: str, row: int | None = None, col: int | None = None,
            **kw: Any) -> PlanError:
        cell = f"{get_column_letter(col)}{row}" if row and col else None
        return PlanError(msg, file=self.origin, sheet=sheet, cell=cell, **kw)

    def table(self, sheet: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
        """The sheet's header as field names and its non-empty rows."""
        if sheet not in self.wb.sheetnames:
            raise PlanError("sheet missing", file=self.origin, sheet=sheet,
                            expected="the sheets written by 'muniplan excel export'")
        rows = list(self.wb[sheet].iter_rows(values_only=True))
        if not rows:
            raise self.err("empty sheet", sheet, 1, 1, expected="a header row")
        names = field_names(sheet)
        head = [("" if h is None else str(h)).strip() for h in rows[0]]
        while head and head[-1] == "":
            head.pop()
        head = [names.get(h, h) for h in head]
        body = []
        for i, r in enumerate(rows[1:], start=2):
            vals = list(r[:len(head)]) + [None] * (len(head) - len(r))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
                continue
            body.append((i, [v.strip() or None if isinstance(v, str) else v for v in vals]))
        return head, body

    def number(self, sheet: str, row: int, col: int, head: str, v: Any) -> Any:
        """The cell's number; a cell that is not one is collected and read as empty."""
        if v is None:
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            try:
                return _num(float(str(v).replace("\u00a0", "").replace(" ", "")
                                  .replace(",", ".")))
            except ValueError:
                self.problems.add(self.err(
                    "not a number", sheet, row, col, field=header_labels(sheet).get(head, head),
                    expected="a number", found=v))
                return None
        return _num(v)

    def bad_since(self, count: int) -> bool:
        """Whether a cell error was collected since there were ``count``."""
        return len(self.problems.found) > count


def _num(v: float | int) -> float | int:
    return int(v) if isinstance(v, float) and v.is_integer() else v


@dataclass
class _Parts:
    """What the sheets hold, gathered sheet by sheet into the plan folder's files."""

    plan_cells: dict[str, Any] = field(default_factory=dict)
    plan_lists: set[str] = field(default_factory=set)
    records: dict[str, Any] = field(default_factory=dict)
    prio: dict[str, Any] = field(default_factory=lambda: {"priority_areas": []})
    files: dict[str, str] = field(default_factory=dict)


def read_workbook(data: bytes, origin: str = "workbook.xlsx") -> dict[str, str]:
    """A plan folder's files from a workbook of the export layout, validated by the plan
    loader. Raises :class:`PlanError` (several: :class:`PlanErrors`) with the sheet, cell
    and header of each problem."""
    r = _Reader(data, origin)
    parts = _Parts()
    for sheet, kind, fname, key, lists in _layout(r):
        with r.problems.guard():  # a sheet that cannot be read at all: the next one still is
            _read_sheet(r, parts, sheet, kind, fname, key, lists)
    r.problems.check()
    plan = unflatten(parts.plan_cells, parts.plan_lists)
    for key, items in parts.records.items():
        if key == "opening.funds":
            plan.setdefault("opening", {})["funds"] = items
        else:
            plan[key] = items
    files = parts.files
    files["plan.yaml"] = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    files["priorities.yaml"] = yaml.safe_dump(parts.prio, allow_unicode=True,
                                              sort_keys=False)
    try:
        load_files(files, origin=origin)
    except PlanError as exc:
        raise _locate(r, exc) from None
    return files


def _read_sheet(r: _Reader, parts: _Parts, sheet: str, kind: str, fname: str, key: str,
                lists: set[str]) -> None:
    """One sheet of the layout into ``parts``; its bad cells into ``r.problems``."""
    if kind == "kv":
        _read_kv(r, sheet, parts.plan_cells, parts.plan_lists)
    elif kind == "assumptions":
        parts.records["assumptions"] = _read_assumptions(r, sheet, lists)
    elif kind == "records":
        parts.records[key] = _read_records(r, sheet, lists)
    elif kind == "children":
        _attach(r, sheet, parts.records, key, _read_records(r, sheet, lists, keep_row=True))
    elif kind == "csv":
        parts.files[fname] = _read_csv(r, sheet, CSV_SHEETS[fname], r.problems)
    elif kind == "priority_areas":
        parts.prio["priority_areas"] = _read_records(r, sheet, lists)
    elif kind in ("measures", "targets"):
        _read_priority_items(r, sheet, kind, key, lists, parts.prio["priority_areas"])
    elif kind == "text":
        parts.files[fname] = "\n".join("" if v[0] is None else str(v[0])
                                       for v in r.wb[sheet].iter_rows(values_only=True))
    elif kind != "info":
        raise PlanError("unknown sheet layout", file=r.origin, sheet=LAYOUT_SHEET,
                        expected="kv, assumptions, records, csv, text or info", found=kind)


def _layout(r: _Reader) -> list[tuple[str, str, str, str, set[str]]]:
    if LAYOUT_SHEET not in r.wb.sheetnames:
        raise PlanError("unknown sheet layout: no _layout sheet", file=r.origin,
                        expected="a workbook written by 'muniplan excel export'",
                        found=", ".join(r.wb.sheetnames))
    lay = list(r.wb[LAYOUT_SHEET].iter_rows(values_only=True))
    if not lay or lay[0][0] != "muniplan workbook" or lay[0][1] != LAYOUT_VERSION:
        raise PlanError("unknown sheet layout", file=r.origin, sheet=LAYOUT_SHEET, cell="A1",
                        expected=f"muniplan workbook version {LAYOUT_VERSION}",
                        found=str(lay[0][:2]) if lay else "an empty sheet")
    out = []
    for x in lay[2:]:
        if x and x[0]:
            cells = [("" if v is None else str(v)) for v in (*x[:5], "", "", "", "")][:5]
            out.append((*cells[:4], {s for s in cells[4].split(";") if s}))
    return out  # type: ignore[return-value]


def _read_kv(r: _Reader, sheet: str, cells: dict[str, Any], lists: set[str]) -> None:
    head, body = r.table(sheet)
    if head[:3] != ["felt", "verdi", "type"]:
        raise r.err("unknown sheet layout", sheet, 1, 1, expected="felt, verdi, type",
                    found=", ".join(head))
    for row, (path, value, kind, *_) in body:
        if not path:
            r.problems.add(r.err("missing required cell", sheet, row, 1, field="felt",
                                 expected="the field's name, as exported"))
            continue
        with r.problems.guard():
            cells[str(path)] = _kv_value(r, sheet, row, str(path), value, kind, lists)


def _kv_value(r: _Reader, sheet: str, row: int, path: str, value: Any, kind: Any,
              lists: set[str]) -> Any:
    """The value of one field of a key-value sheet (column B) by its type (column C)."""
    if kind == "tall":
        return r.number(sheet, row, 2, path, value)
    if kind == "bool" and not isinstance(value, bool) and value is not None:
        if str(value).lower() not in ("true", "false", "sann", "usann", "ja", "nei"):
            raise r.err("not true or false", sheet, row, 2, field=path,
                        expected="TRUE or FALSE", found=value)
        return str(value).lower() in ("true", "sann", "ja")
    if kind == "liste":
        lists.add(path)
    elif kind == "yaml" and isinstance(value, str):
        try:
            return yaml.safe_load(value)
        except yaml.YAMLError:
            raise r.err("not valid YAML", sheet, row, 2, field=path,
                        expected="the value as written by the export", found=value) from None
    return value


def _read_assumptions(r: _Reader, sheet: str, lists: set[str]) -> dict[str, Any]:
    head, body = r.table(sheet)
    out: dict[str, Any] = {}
    for row, vals in body:
        name = vals[0]
        if not name:
            r.problems.add(r.err("missing required cell", sheet, row, 1, field="navn",
                                 expected="the assumption's name, as exported"))
            continue
        key = _assumption_key(head, vals)
        before = len(r.problems.found)
        cells: dict[str, Any] = {}
        values: dict[int, Any] = {}
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            if j == 1 or h == "id":
                continue
            if YEAR.match(h):
                n = r.number(sheet, row, j, h, v)
                if n is not None:
                    values[int(h)] = n
            else:
                cells[h] = v
        if not values and not r.bad_since(before):
            first = next((j for j, h in enumerate(head, start=1) if YEAR.match(h)), 2)
            r.problems.add(r.err("an assumption without any value", sheet, row, first,
                                 field=str(name),
                                 expected="a value in at least one year column"))
            continue
        out[key] = {**unflatten(cells, lists), "values": values}
    return out


def _assumption_key(head: list[str], vals: list[Any]) -> str:
    """The plan.yaml key of a Forutsetninger row: its (hidden) id cell, else its name read
    back as a key (a row a person added by name, or a workbook from before the id column,
    whose first column held the key)."""
    if "id" in head and vals[head.index("id")]:
        return str(vals[head.index("id")]).strip()
    return assumption_key(str(vals[0]))


def _read_records(r: _Reader, sheet: str, lists: set[str], year_field: str | None = None,
                  keep_row: bool = False) -> list[dict[str, Any]]:
    """The sheet's rows as records; with ``keep_row`` (or ``year_field``) each keeps its
    row number under ``__row``. A row without its id is collected as an error and left
    out."""
    head, body = r.table(sheet)
    items = []
    for row, vals in body:
        cells: dict[str, Any] = {}
        years: dict[int, Any] = {}
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            if year_field and YEAR.match(h):
                n = r.number(sheet, row, j, h, v)
                if n is not None:
                    years[int(h)] = n
            else:
                cells[h] = v
        if "id" in head and not cells.get("id"):
            r.problems.add(r.err("missing required cell", sheet, row, head.index("id") + 1,
                                 field="id", expected="an id, unique on the sheet"))
            continue
        it = unflatten(cells, lists)
        if year_field and years:
            it[year_field] = years
        it["__row"] = row
        items.append(it)
    if year_field or keep_row:
        return items
    return [{k: v for k, v in it.items() if k != "__row"} for it in items]


def _attach(r: _Reader, sheet: str, records: dict[str, list[dict[str, Any]]], key: str,
            kids: list[dict[str, Any]]) -> None:
    """A child sheet's rows (age groups) back into their owners (services)."""
    parent_key, fld = key.rsplit(".", 1)
    owners = {it.get("id"): it for it in records.get(parent_key, [])}
    owner_field = "service" if parent_key == "services" else "owner"
    for kid in kids:
        row = kid.pop("__row")
        owner = kid.pop(owner_field, None)
        if owner not in owners:
            r.problems.add(r.err(
                f"unknown {owner_field}", sheet, row, 1,
                field=header_labels(sheet).get(owner_field, owner_field),
                expected=f"an id from the sheet {RECORD_SHEETS.get(parent_key, parent_key)}",
                found=owner))
            continue
        owners[owner].setdefault(fld, []).append(kid)


def _read_priority_items(r: _Reader, sheet: str, kind: str, year_field: str,
                         lists: set[str], areas_list: list[dict[str, Any]]) -> None:
    areas = {a.get("id"): a for a in areas_list}
    for it in _read_records(r, sheet, lists, year_field=year_field):
        row = it.pop("__row")
        pa = it.pop("priority_area", None)
        if pa not in areas:
            r.problems.add(r.err(
                "unknown priority area", sheet, row, 1,
                field=header_labels(sheet).get("priority_area", "priority_area"),
                expected="an id from the sheet Satsingsområder", found=pa))
            continue
        areas[pa].setdefault(kind, []).append(it)


def _read_csv(r: _Reader, sheet: str, table: Table, problems: Problems) -> str:
    """The sheet as the CSV file; each bad cell collected, so that all are reported."""
    head, body = r.table(sheet)
    kinds = {c.name: c.kind for c in table.columns}
    labels = header_labels(sheet)
    for col in table.required:
        if col not in head:
            raise r.err(f"missing column {labels.get(col, col)!r}", sheet, 1,
                        len(head) + 1, expected=", ".join(table.required))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    ends = r.rows.setdefault(sheet, {1: 1})
    for row, vals in body:
        cells = []
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            with problems.guard():
                if h in table.required and v is None:
                    raise r.err("missing required cell", sheet, row, j, field=labels.get(h, h))
                if YEAR.match(h) or kinds.get(h) in NUMBER_KINDS:
                    v = r.number(sheet, row, j, labels.get(h, h), v)
            cells.append(_csv_text(v))
        w.writerow(cells)
        ends[out.getvalue().count("\n")] = row
    return out.getvalue()


def _csv_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def _locate(r: _Reader, exc: PlanError) -> PlanError:
    """Map the loader's errors in a CSV file back to sheets and cells."""
    located = [_locate_one(r, e) for e in each(exc)]
    return located[0] if len(located) == 1 else PlanErrors(located)


def _locate_one(r: _Reader, exc: PlanError) -> PlanError:
    name = (exc.file or "").rsplit("/", 1)[-1]
    table = CSV_SHEETS.get(name)
    if table and exc.line:
        head, _ = r.table(table.sheet)
        col = head.index(exc.field) + 1 if exc.field in head else 1
        row = r.rows.get(table.sheet, {}).get(exc.line, exc.line)
        return PlanError(exc.message, file=r.origin, sheet=table.sheet,
                         cell=f"{get_column_letter(col)}{row}",
                         field=header_labels(table.sheet).get(exc.field or "", exc.field),
                         expected=exc.expected, found=exc.found)
    sheet = {"plan.yaml": "Plan", "priorities.yaml": "Satsingsområder"}.get(name)
    cell = None
    if exc.field:
        find = {"plan.yaml": _plan_cell, "priorities.yaml": _priority_cell}.get(name)
        sheet, cell = (find(r, exc.field) if find else None) or (sheet, None)
    return PlanError(exc.message, file=r.origin, sheet=sheet, cell=cell, field=exc.field,
                     expected=exc.expected, found=exc.found)


PRIORITY_ITEM = re.compile(r"^priority_areas\[(?P<i>\d+)\](?:\.(?P<kind>measures|targets)"
                           r"\[(?P<j>\d+)\])?(?:\.(?P<rest>.+))?$")
ITEM_SHEETS = {"measures": "Tiltak", "targets": "Mål"}


def _priority_cell(r: _Reader, field: str) -> tuple[str, str] | None:
    """The sheet and cell of a priorities.yaml field: a priority area on Satsingsområder, a
    measure on Tiltak, a target on Mål (the j-th row of its area, as the export writes
    them)."""
    m = PRIORITY_ITEM.match(field)
    if m is None:
        return None
    with contextlib.suppress(PlanError, IndexError, ValueError):
        _, areas = r.table("Satsingsområder")
        area_row, area_vals = areas[int(m["i"])]
        sheet, rows = "Satsingsområder", [(area_row, area_vals)]
        if m["kind"]:
            sheet = ITEM_SHEETS[m["kind"]]
            _, body = r.table(sheet)
            rows = [x for x in body if x[1] and x[1][0] == area_vals[0]][int(m["j"]):]
        head, _ = r.table(sheet)
        rest = (m["rest"] or "").split(".")[0].split("[")[0]
        col = head.index(rest) + 1 if rest in head else 1
        return sheet, f"{get_column_letter(col)}{rows[0][0]}"
    return None


LISTED = re.compile(r"^(?P<key>[a-z_]+(?:\.funds)?)\[(?P<i>\d+)\](?:\.(?P<rest>.+))?$")


def _plan_cell(r: _Reader, field: str) -> tuple[str, str] | None:
    """The sheet and cell of a plan.yaml field (``services[2].program_areas`` →
    Tjenester, the third row's programområder column), where the workbook holds it."""
    with contextlib.suppress(PlanError):
        if m := LISTED.match(field):
            sheet = RECORD_SHEETS.get(m["key"])
            if sheet is None:
                return None
            head, body = r.table(sheet)
            i = int(m["i"])
            if i >= len(body):
                return None
            rest = (m["rest"] or "").split("[")[0]
            col = head.index(rest) + 1 if rest in head else 1
            return sheet, f"{get_column_letter(col)}{body[i][0]}"
        if field.startswith("assumptions."):
            _, name, *rest = field.split(".")
            head, body = r.table("Forutsetninger")
            row = next((n for n, vals in body if vals and _assumption_key(head, vals) == name),
                       None)
            want = rest[-1] if rest else ""
            col = head.index(want) + 1 if want in head else 1
            return ("Forutsetninger", f"{get_column_letter(col)}{row}") if row else None
        _, body = r.table("Plan")
        row = next((n for n, vals in body if vals and vals[0] is not None
                    and (str(vals[0]) == field or str(vals[0]).startswith(field + "."))),
                   None)
        return ("Plan", f"B{row}") if row else None
    return None
