"""A plan folder as a workbook a finance officer can work in (read back by ``excel_read``).

The workbook mirrors the *folder* (the canonical format), one table per sheet, amounts in
the folder's own scale (usually 1000 kr): Plan (the scalars of plan.yaml), Forutsetninger
(the assumptions by year, named in Norwegian; the plan.yaml key in a hidden last column),
one sheet per list in plan.yaml (Kilder, Inntekter, Fond, Strategier, Handlingsregler,
Tjenester with Aldersgrupper), Sektorer and Investeringer (the CSV files, headers from
``plan.format``), Satsingsområder, Tiltak and Mål (priorities.yaml) and Framskrivning (the
projection, read only, in the folder's unit). Headers are Norwegian, fields with a fixed set
of values have drop-downs, numbers show as ``2 292 660`` and ``3,0 %`` in a Norwegian Excel
or LibreOffice, and no cell holds YAML. Files the sheets do not model (population
statistics, scenarios.yaml, SOURCES.md) travel as text in hidden sheets; a hidden
``_layout`` sheet says which sheet holds what.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from muniplan.plan.assumption_labels import ASSUMPTION_LABELS
from muniplan.plan.excel_layout import (
    CHILD_SHEETS,
    CHOICES,
    COUNT_FORMAT,
    CSV_SHEETS,
    INDEX_FORMAT,
    LAYOUT_SHEET,
    LAYOUT_VERSION,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    RECORD_SHEETS,
    REFERENCES,
    YEAR,
    Unflattenable,
    flatten,
    header_labels,
    money_or_fraction,
    series_format,
)
from muniplan.plan.format import Table

ProjectionRow = tuple[str, str, str, str | None, Sequence[float | int | None]]
"""A labelled engine series: id, label, unit, price basis, values by year."""

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
VALIDATION_ROWS = 1000
"""Drop-downs reach this row, so rows a person adds get them too."""
BASIS_NB = {"nominal": "løpende kr", "fixed": "faste kr"}
UNIT_NB = {1: "kr", 1000: "1000 kr", 1_000_000: "mill. kr"}


def write_workbook(files: Mapping[str, str], years: Sequence[int],
                   projection: Sequence[ProjectionRow]) -> bytes:
    """The folder's ``files`` and the labelled projection series as .xlsx."""
    book = _Book()
    raw = yaml.safe_load(files["plan.yaml"]) or {}
    scale = int(raw.get("amount_scale") or 1)
    kv, records = _split_plan(raw)
    book.kv(kv)
    book.assumptions(raw.get("assumptions") or {})
    for key, items in records.items():
        book.records(RECORD_SHEETS.get(key, key[:31]), "plan.yaml", key, items)
    for name, table in CSV_SHEETS.items():
        if name in files:
            book.csv_table(table, files[name])
    if "priorities.yaml" in files:
        book.priorities(yaml.safe_load(files["priorities.yaml"]) or {})
    book.projection(years, projection, scale)
    mapped = {"plan.yaml", "priorities.yaml", *CSV_SHEETS}
    for n, name in enumerate(sorted(f for f in files if f not in mapped), start=1):
        book.text(f"_fil{n}", name, files[name])
    return book.save()


def write_projection(years: Sequence[int], projection: Sequence[ProjectionRow],
                     scale: int) -> bytes:
    """The labelled projection series alone, as the workbook's Framskrivning sheet (same
    headers, unit and number formats): what ``muniplan project --format xlsx`` writes."""
    book = _Book()
    book.projection(years, projection, scale)
    return book.save()


def _split_plan(raw: dict[str, Any]) -> tuple[list[list[Any]], dict[str, list[Any]]]:
    """plan.yaml's scalars (as Plan rows) and its lists of records (a sheet each)."""
    kv: list[list[Any]] = []
    records: dict[str, list[Any]] = {}
    for key, value in raw.items():
        if key == "assumptions":
            continue
        if key == "opening" and isinstance(value, dict):
            for k2, v2 in value.items():
                if k2 == "funds":
                    records["opening.funds"] = v2
                else:
                    _kv_rows(f"opening.{k2}", v2, kv)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            records[key] = value
        else:
            _kv_rows(key, value, kv)
    return kv, records


def _kv_rows(path: str, value: Any, out: list[list[Any]]) -> None:
    cells: dict[str, Any] = {}
    lists: set[str] = set()
    try:
        flatten(value, path, cells, lists)
    except Unflattenable:
        # no key of today's plan.yaml is a list of records below the top level; should one
        # come, it travels as YAML text rather than being lost
        out.append([path, yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                                         width=10_000).strip(), "yaml"])
        return
    for p in lists - set(cells):
        out.append([p, None, "liste"])
    for p, v in cells.items():
        kind = ("liste" if p in lists else "bool" if isinstance(v, bool)
                else "tall" if isinstance(v, int | float) else "tekst")
        out.append([p, v, kind])


class _Book:
    def __init__(self) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.layout: list[list[Any]] = []
        self.columns: dict[str, list[str]] = {}

    # --- sheets --------------------------------------------------------------------------
    def kv(self, rows: list[list[Any]]) -> None:
        ws = self.sheet("Plan", ["felt", "verdi", "type"], rows)
        for r, (path, _, kind) in enumerate(rows, start=2):
            if kind == "tall":
                fmt = money_or_fraction(path, {})
                if fmt:
                    ws.cell(row=r, column=2).number_format = fmt
        self.layout.append(["Plan", "kv", "plan.yaml", "", ""])

    def assumptions(self, assumptions: dict[str, Any]) -> None:
        years = sorted({y for s in assumptions.values() if isinstance(s, dict)
                        for y in (s.get("values") or {})})
        rows: list[dict[str, Any]] = []
        lists: set[str] = set()
        for key, s in assumptions.items():
            cells: dict[str, Any] = {"navn": ASSUMPTION_LABELS.get(key, (key,))[0], "id": key}
            flatten({k: v for k, v in s.items() if k != "values"}, "", cells, lists)
            cells.update({str(y): v for y, v in (s.get("values") or {}).items()})
            rows.append(cells)
        fixed = ["navn", "unit", "extend"]
        extra = sorted({k for r in rows for k in r} - set(fixed) - {str(y) for y in years}
                       - {"source", "assumption", "id"})
        fields = [*fixed, *map(str, years), "source", "assumption", *extra, "id"]
        ws = self.sheet("Forutsetninger", [header_labels("")
                                           .get(f, f) for f in fields],
                        [[r.get(f) for f in fields] for r in rows])
        # the key the import reads back: kept, but out of the finance officer's sight
        ws.column_dimensions[get_column_letter(len(fields))].hidden = True
        for i, r in enumerate(rows, start=2):
            fmt = series_format(r.get("unit"))
            for j, f in enumerate(fields, start=1):
                if YEAR.match(f):
                    ws.cell(row=i, column=j).number_format = fmt
        self.choices(ws, fields)
        self.layout.append(["Forutsetninger", "assumptions", "plan.yaml", "assumptions",
                            ";".join(sorted(lists))])

    def records(self, sheet: str, file: str, key: str, items: list[dict[str, Any]],
                year_field: str | None = None, owner: str | None = None) -> None:
        """One row per record; a list of records inside (a service's age groups) its own
        sheet after this one."""
        rows: list[dict[str, Any]] = []
        lists: set[str] = set()
        children: dict[str, list[dict[str, Any]]] = {}
        for it in items:
            cells: dict[str, Any] = {}
            for k, v in it.items():
                if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
                    children.setdefault(k, []).extend({"__owner": it.get("id"), **x}
                                                      for x in v)
                elif k == year_field and isinstance(v, dict):
                    cells.update({str(y): x for y, x in v.items()})
                else:
                    flatten(v, k, cells, lists)
            rows.append(cells)
        fields: list[str] = []
        if owner:
            fields.append(owner)
        for r in rows:
            fields += [f for f in r if f not in fields and not YEAR.match(f)]
        if year_field:
            fields += sorted({f for r in rows for f in r if YEAR.match(f)})
        table = [[r.get(f) for f in fields] for r in rows]
        ws = self.sheet(sheet, [header_labels(sheet).get(f, f) for f in fields], table)
        for i, r in enumerate(rows, start=2):
            for j, f in enumerate(fields, start=1):
                fmt = MONEY_FORMAT if year_field == "cost" and YEAR.match(f) else \
                    money_or_fraction(f"{key}.*.{f}", r)
                if fmt:
                    ws.cell(row=i, column=j).number_format = fmt
        self.choices(ws, fields)
        self.layout.append([sheet, "records", file, key, ";".join(sorted(lists))])
        for k, kids in children.items():
            path = f"{key}.{k}"
            for kid in kids:
                kid["service" if key == "services" else "owner"] = kid.pop("__owner")
            self.records(CHILD_SHEETS.get(path, f"{sheet} {k}"[:31]), file, path, kids,
                         owner="service" if key == "services" else "owner")
            self.layout[-1][1] = "children"

    def csv_table(self, table: Table, text: str) -> None:
        rows = list(csv.reader(io.StringIO(text)))
        fields = rows[0]
        labels = header_labels(table.sheet)
        kinds = {c.name: c.kind for c in table.columns}
        body = [[_csv_value(kinds.get(h, "money" if YEAR.match(h) else "text"), c)
                 for h, c in zip(fields, r, strict=False)] for r in rows[1:]]
        ws = self.sheet(table.sheet, [labels.get(h, h) for h in fields], body)
        self.columns[table.sheet] = fields
        for j, h in enumerate(fields, start=1):
            kind = kinds.get(h, "money" if YEAR.match(h) else None)
            col = table.column(h)
            fmt = {"money": MONEY_FORMAT, "fraction": PERCENT_FORMAT}.get(kind or "")
            if fmt:
                for cell in ws.iter_rows(min_row=2, max_row=max(ws.max_row, 2), min_col=j,
                                         max_col=j):
                    cell[0].number_format = fmt
            if col is not None and col.kind == "fraction":
                self.validate(ws, j, DataValidation(
                    type="decimal", operator="between", formula1="0",
                    formula2=str(col.maximum if col.maximum is not None else 1),
                    allow_blank=True, showErrorMessage=True, errorTitle="Andel",
                    error=f"En andel mellom 0 og {col.maximum or 1:g} "
                    f"({(col.maximum or 1) * 100:g} %)."))
        self.choices(ws, fields)
        self.layout.append([table.sheet, "csv", table.file, "", ""])

    def priorities(self, raw: dict[str, Any]) -> None:
        areas = raw.get("priority_areas") or []
        self.records("Satsingsområder", "priorities.yaml", "",
                     [{k: v for k, v in a.items() if k not in ("measures", "targets")}
                      for a in areas])
        self.layout[-1][1] = "priority_areas"
        for sheet, key, year_field in (("Tiltak", "measures", "cost"),
                                       ("Mål", "targets", "values")):
            items = [{"priority_area": a["id"], **m} for a in areas for m in a.get(key) or []]
            if items:
                self.records(sheet, "priorities.yaml", year_field, items,
                             year_field=year_field)
            else:
                self.sheet(sheet, [header_labels(sheet)["priority_area"]], [])
                self.layout.append([sheet, "records", "priorities.yaml", year_field, ""])
            self.layout[-1][1] = key

    def projection(self, years: Sequence[int], rows: Sequence[ProjectionRow],
                   scale: int) -> None:
        """The engine's labelled series; amounts in the folder's unit, as every other
        sheet."""
        head = ["serie", "navn", "enhet", "prisgrunnlag", *map(str, years)]
        # fixed kroner are the first projection year's: the cell says which year
        bases = {**BASIS_NB, "fixed": f"faste {years[0]}-kr"}
        body = []
        for name, text, unit, basis, values in rows:
            if unit == "kr" and scale != 1:
                values = [None if v is None else v / scale for v in values]
            body.append([name, text, UNIT_NB[scale] if unit == "kr" else _unit_nb(unit),
                         bases.get(basis or "", ""), *values])
        ws = self.sheet("Framskrivning", head, body)
        for i, (_, _, unit, _, _) in enumerate(rows, start=2):
            fmt = {"kr": MONEY_FORMAT, "ratio": PERCENT_FORMAT, "persons": COUNT_FORMAT,
                   "index": INDEX_FORMAT}.get(unit)
            if fmt:
                for j in range(5, 5 + len(years)):
                    ws.cell(row=i, column=j).number_format = fmt
        ws.protection.sheet = True
        ws.cell(row=len(body) + 3, column=1,
                value=f"Framskrivningen er beregnet av muniplan. Beløp i "
                f"{UNIT_NB[scale]} som resten av arbeidsboken (prisgrunnlag per rad), andeler "
                "i prosent. Arket er til informasjon og leses ikke inn igjen.")
        self.layout.append(["Framskrivning", "info", "", "", ""])

    def text(self, sheet: str, file: str, text: str) -> None:
        ws = self.wb.create_sheet(sheet)
        ws.sheet_state = "hidden"
        for line in text.split("\n"):
            ws.append([line])
        self.layout.append([sheet, "text", file, "", ""])

    # --- pieces --------------------------------------------------------------------------
    def sheet(self, name: str, head: list[str], rows: list[list[Any]]) -> Worksheet:
        ws = self.wb.create_sheet(name)
        ws.append(head)
        for r in rows:
            ws.append(r)
        for cell in ws[1]:
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
        ws.freeze_panes = "A2"
        if rows:
            ws.auto_filter.ref = ws.dimensions
        for j, h in enumerate(head, start=1):
            width = max([len(str(h))] + [len(str(r[j - 1])) for r in rows[:200]
                                         if j - 1 < len(r) and r[j - 1] is not None])
            ws.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)
        return ws

    def choices(self, ws: Worksheet, fields: list[str]) -> None:
        """Drop-downs: fixed lists by sheet and field, ids from the sheet that defines
        them."""
        fixed = CHOICES.get(ws.title, {})
        for j, f in enumerate(fields, start=1):
            if f in fixed:
                self.validate(ws, j, DataValidation(
                    type="list", formula1='"' + ",".join(fixed[f]) + '"', allow_blank=True,
                    showErrorMessage=True, errorTitle="Ukjent verdi",
                    error="Velg en verdi fra listen."))
            elif f in REFERENCES and REFERENCES[f][1] in self.columns.get(REFERENCES[f][0], ()):
                self.validate(ws, j, self._id_list(*REFERENCES[f]))

    def _id_list(self, sheet: str, field: str) -> DataValidation:
        col = get_column_letter(self.columns[sheet].index(field) + 1)
        return DataValidation(
            type="list", formula1=f"{quote_sheetname(sheet)}!${col}$2:${col}$"
            f"{VALIDATION_ROWS}", allow_blank=True, showErrorMessage=True,
            errorTitle="Ukjent id", error=f"Velg en id fra arket {sheet}.")

    def validate(self, ws: Worksheet, column: int, dv: DataValidation) -> None:
        ws.add_data_validation(dv)
        col = get_column_letter(column)
        dv.add(f"{col}2:{col}{VALIDATION_ROWS}")

    def save(self) -> bytes:
        ws = self.wb.create_sheet(LAYOUT_SHEET)
        ws.sheet_state = "hidden"
        ws.append(["muniplan workbook", LAYOUT_VERSION, "", "", ""])
        ws.append(["sheet", "kind", "file", "key", "lists"])
        for row in self.layout:
            ws.append(row)
        buf = io.BytesIO()
        self.wb.save(buf)
        return buf.getvalue()


def _unit_nb(unit: str) -> str:
    return {"persons": "personer", "ratio": "andel", "index": "indeks", "years": "år",
            "code": "kode"}.get(unit, unit)


def _csv_value(kind: str, text: str) -> Any:
    if text == "":
        return None
    if kind in ("money", "whole", "fraction", "number"):
        try:
            f = float(text.replace(",", "."))
        except ValueError:
            return text
        return int(f) if f.is_integer() and "." not in text and "," not in text else f
    if kind == "bool" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text
