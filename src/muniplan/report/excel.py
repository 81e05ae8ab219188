"""Excel in and out: a plan folder as a workbook a finance officer can work in, and back.

The workbook mirrors the plan *folder* (the canonical format), one table per sheet, amounts
in the folder's own scale (usually 1000 kr): Plan (the scalars of plan.yaml), Forutsetninger
(the assumptions by year), one sheet per list in plan.yaml (Kilder, Inntekter, Fond,
Strategier, Handlingsregler, Tjenester), Sektorer and Investeringer (the CSV files),
Satsingsområder, Tiltak and Mål (priorities.yaml) and Framskrivning (the projection, read
only). Files the sheets do not model (population statistics, scenarios.yaml, SOURCES.md)
travel as text in hidden sheets, and a hidden ``_layout`` sheet says which sheet holds what,
so the round trip is complete: export → import → ``load_plan`` gives the same plan.

Import is strict: a bad cell raises :class:`PlanError` naming the sheet and cell
(``Investeringer!F7``), and the folder is validated with the plan loader before anything is
written; an error the loader finds in a CSV row is mapped back to its sheet and cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from muniplan.engine.projection import Projection
from muniplan.plan.errors import PlanError
from muniplan.plan.load import load_files
from muniplan.plan.model import Plan
from muniplan.report.data import projection_rows

LAYOUT_SHEET = "_layout"
LAYOUT_VERSION = 1
YEAR = re.compile(r"^(19|20|21)\d\d$")
YAML_SUFFIX = " [yaml]"
MONEY_FORMAT = "# ##0"
RECORD_SHEETS = {"sources": "Kilder", "income": "Inntekter", "opening.funds": "Fond",
                 "strategies": "Strategier", "rules": "Handlingsregler",
                 "services": "Tjenester"}
CSV_SHEETS = {"sectors.csv": "Sektorer", "investments.csv": "Investeringer"}
NUMERIC_CSV = {"completion_year", "useful_life", "vat_compensation", "grants", "sales", "loan",
               "operating_consequences", "fees", "refunds"}
REQUIRED_CSV = {"sectors.csv": ("sector_id", "sector_name", "program_area_id",
                                "program_area_name"),
                "investments.csv": ("id", "name", "category", "sector", "completion_year",
                                    "useful_life")}
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")


# --- export ------------------------------------------------------------------------------

def plan_files(plan: Plan) -> dict[str, str]:
    """A plan folder written from the model, amounts in whole kroner (``amount_scale: 1``).

    Used when the caller has the plan but not its folder (the web, the store); the CLI
    passes the folder's own files so the workbook keeps their scale.
    """
    data = _plain(plan.model_dump(mode="python", exclude_none=True,
                                  exclude={"population", "digest", "sectors", "investments",
                                           "priority_areas"}))
    data["amount_scale"] = 1
    pb = plan.price_basis
    data["price_basis"] = f"fixed {pb.year}" if pb.kind == "fixed" else "nominal"
    for r in data.get("rules", []):
        if isinstance(r.get("limit"), float) and r["limit"].is_integer() and abs(r["limit"]) > 1:
            r["limit"] = int(r["limit"])
    scenarios = data.pop("scenarios", None)
    files = {"plan.yaml": yaml.safe_dump(data, allow_unicode=True, sort_keys=False)}
    if scenarios:
        files["scenarios.yaml"] = yaml.safe_dump({"scenarios": scenarios}, allow_unicode=True,
                                                 sort_keys=False)
    years = list(plan.period.years)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["sector_id", "sector_name", "program_area_id", "program_area_number",
                "program_area_name", "frame_basis", "fees", "refunds", *years, "source",
                "assumption"])
    for s in plan.sectors:
        for a in s.program_areas:
            w.writerow([s.id, s.name, a.id, a.number or "", a.name, a.frame_basis or "",
                        a.fees or "", a.refunds or "",
                        *(a.operating_frame.get(y, "") for y in years), a.source or "",
                        a.assumption or ""])
    files["sectors.csv"] = out.getvalue()
    iy = sorted({y for i in plan.investments for y in i.cost})
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "name", "category", "sector", "program_area", "completion_year",
                "useful_life", "vat_compensation", "grants", "sales", "loan", "rentable",
                "operating_consequences", "cost_recovery", *iy, "source", "assumption"])
    for i in plan.investments:
        w.writerow([i.id, i.name, i.category, i.sector, i.program_area or "", i.completion_year,
                    i.useful_life, i.vat_compensation, i.grants, i.sales,
                    "" if i.loan is None else i.loan, str(i.rentable).lower(),
                    i.operating_consequences, i.cost_recovery, *(i.cost.get(y, "") for y in iy),
                    i.source or "", i.assumption or ""])
    files["investments.csv"] = out.getvalue()
    prio = _plain(plan.model_dump(mode="python", exclude_none=True,
                                  include={"priority_areas"}))
    files["priorities.yaml"] = yaml.safe_dump(prio, allow_unicode=True, sort_keys=False)
    return files


def _plain(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    return x


def export_workbook(plan: Plan, projection: Projection,
                    files: Mapping[str, str] | None = None) -> bytes:
    """The plan (its folder's ``files``, or the plan itself) and its projection as .xlsx."""
    files = dict(files) if files is not None else plan_files(plan)
    wb = Workbook()
    wb.remove(wb.active)
    layout: list[list[Any]] = []
    raw = yaml.safe_load(files["plan.yaml"]) or {}
    # Plan: scalars; lists of records get their own sheets; assumptions by year
    kv: list[list[Any]] = []
    records: dict[str, list[dict[str, Any]]] = {}
    for key, value in raw.items():
        if key == "assumptions":
            continue
        if key == "opening" and isinstance(value, dict):
            for k2, v2 in value.items():
                if k2 == "funds":
                    records["opening.funds"] = v2
                else:
                    _flatten(f"opening.{k2}", v2, kv)
            continue
        if _is_records(value):
            records[key] = value
        else:
            _flatten(key, value, kv)
    ws = _sheet(wb, "Plan", ["felt", "verdi", "type"], kv)
    layout.append(["Plan", "kv", "plan.yaml", ""])
    a_rows, a_head = _assumption_rows(raw.get("assumptions") or {})
    _sheet(wb, "Forutsetninger", a_head, a_rows, money_from=3)
    layout.append(["Forutsetninger", "assumptions", "plan.yaml", "assumptions"])
    for key, items in records.items():
        name = RECORD_SHEETS.get(key, key[:31])
        head, rows = _record_rows(items)
        _sheet(wb, name, head, rows)
        layout.append([name, "records", "plan.yaml", key])
    for fname, sname in CSV_SHEETS.items():
        if fname in files:
            rows = list(csv.reader(io.StringIO(files[fname])))
            head = rows[0]
            body = [[_csv_value(h, c) for h, c in zip(head, r, strict=False)] for r in rows[1:]]
            ws = _sheet(wb, sname, head, body)
            for j, h in enumerate(head, start=1):
                if YEAR.match(h) or h == "operating_consequences":
                    for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        row[0].number_format = MONEY_FORMAT
            layout.append([sname, "csv", fname, ""])
    if "priorities.yaml" in files:
        _priority_sheets(wb, yaml.safe_load(files["priorities.yaml"]) or {}, layout)
    _projection_sheet(wb, projection)
    layout.append(["Framskrivning", "info", "", ""])
    mapped = {"plan.yaml", "priorities.yaml", *CSV_SHEETS}
    for n, fname in enumerate(sorted(f for f in files if f not in mapped), start=1):
        sname = f"_fil{n}"
        ws = wb.create_sheet(sname)
        ws.sheet_state = "hidden"
        for line in files[fname].split("\n"):
            ws.append([line])
        layout.append([sname, "text", fname, ""])
    ws = wb.create_sheet(LAYOUT_SHEET)
    ws.sheet_state = "hidden"
    ws.append(["muniplan workbook", LAYOUT_VERSION, "", ""])
    ws.append(["sheet", "kind", "file", "key"])
    for row in layout:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _flatten(path: str, value: Any, out: list[list[Any]]) -> None:
    if isinstance(value, dict) and value and not _year_dict(value):
        for k, v in value.items():
            _flatten(f"{path}.{k}", v, out)
        return
    if isinstance(value, dict | list):
        out.append([path, yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                                         width=10_000).strip(), "yaml"])
    elif isinstance(value, bool):
        out.append([path, value, "bool"])
    elif isinstance(value, int | float):
        out.append([path, value, "tall"])
    else:
        out.append([path, value, "tekst"])


def _year_dict(d: dict[Any, Any]) -> bool:
    return all(isinstance(k, int) for k in d)


def _assumption_rows(assumptions: dict[str, Any]) -> tuple[list[list[Any]], list[str]]:
    years = sorted({y for s in assumptions.values() if isinstance(s, dict)
                    for y in (s.get("values") or {})})
    extra_keys = sorted({k for s in assumptions.values() if isinstance(s, dict) for k in s}
                        - {"values", "unit", "extend", "source", "assumption"})
    head = ["navn", "unit", "extend", *map(str, years), "source", "assumption",
            *(k + YAML_SUFFIX for k in extra_keys)]
    rows = []
    for name, s in assumptions.items():
        vals = s.get("values") or {}
        rows.append([name, s.get("unit"), s.get("extend"), *(vals.get(y) for y in years),
                     s.get("source"), s.get("assumption"),
                     *(_yaml_cell(s[k]) if k in s else None for k in extra_keys)])
    return rows, head


def _yaml_cell(v: Any) -> str:
    return yaml.safe_dump(v, default_flow_style=True, allow_unicode=True, width=10_000).strip()


def _record_rows(items: list[dict[str, Any]], year_field: str | None = None,
                 prefix: list[tuple[str, Any]] | None = None
                 ) -> tuple[list[str], list[list[Any]]]:
    keys: list[str] = []
    complex_keys: set[str] = set()
    years: set[int] = set()
    for it in items:
        for k, v in it.items():
            if k == year_field and isinstance(v, dict):
                years |= set(v)
                continue
            if k not in keys:
                keys.append(k)
            if isinstance(v, dict | list):
                complex_keys.add(k)
    ys = sorted(years)
    head = [k + YAML_SUFFIX if k in complex_keys else k for k in keys]
    if year_field:
        head += [str(y) for y in ys]
    rows = []
    for it in items:
        row = [(_yaml_cell(it[k]) if k in complex_keys else it[k]) if k in it else None
               for k in keys]
        if year_field:
            row += [(it.get(year_field) or {}).get(y) for y in ys]
        rows.append(row)
    return head, rows


def _priority_sheets(wb: Workbook, raw: dict[str, Any], layout: list[list[Any]]) -> None:
    areas = raw.get("priority_areas") or []
    head, rows = _record_rows([{k: v for k, v in a.items() if k not in ("measures", "targets")}
                               for a in areas])
    _sheet(wb, "Satsingsområder", head, rows)
    layout.append(["Satsingsområder", "priority_areas", "priorities.yaml", ""])
    for sheet, key, field in (("Tiltak", "measures", "cost"), ("Mål", "targets", "values")):
        items = [{"priority_area": a["id"], **m} for a in areas for m in a.get(key) or []]
        head, rows = _record_rows(items, year_field=field) if items else (["priority_area"], [])
        ws = _sheet(wb, sheet, head, rows)
        if sheet == "Tiltak":
            for j, h in enumerate(head, start=1):
                if YEAR.match(h):
                    for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        row[0].number_format = MONEY_FORMAT
        layout.append([sheet, key, "priorities.yaml", field])


BASIS_NB = {"nominal": "løpende kr", "fixed": "faste kr"}


def _projection_sheet(wb: Workbook, proj: Projection) -> None:
    head = ["serie", "navn", "enhet", "prisgrunnlag", *map(str, proj.years)]
    rows = [[name, text, unit, BASIS_NB.get(basis or "", ""), *values]
            for name, text, unit, basis, values in projection_rows(proj)]
    ws = _sheet(wb, "Framskrivning", head, rows, money_from=5)
    ws.protection.sheet = True
    ws.cell(row=len(rows) + 3, column=1,
            value="Framskrivningen er beregnet av muniplan (enhet og prisgrunnlag per rad; "
            "brøker for andeler). Arket er til informasjon og leses ikke inn igjen.")


def _sheet(wb: Workbook, name: str, head: list[str], rows: list[list[Any]],
           money_from: int | None = None) -> Worksheet:
    ws = wb.create_sheet(name)
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
        if money_from is not None and j >= money_from and YEAR.match(h):
            for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                row[0].number_format = MONEY_FORMAT
    return ws


def _csv_value(head: str, text: str) -> Any:
    if text == "":
        return None
    if YEAR.match(head) or head in NUMERIC_CSV:
        try:
            f = float(text)
        except ValueError:
            return text
        return int(f) if f.is_integer() and "." not in text else f
    if head == "rentable" and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


# --- import ------------------------------------------------------------------------------

class _Reader:
    def __init__(self, data: bytes, origin: str) -> None:
        self.origin = origin
        try:
            self.wb = load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a non-workbook
            raise PlanError("not an Excel workbook (.xlsx)", file=origin,
                            found=type(exc).__name__) from None

    def err(self, msg: str, sheet: str, row: int | None = None, col: int | None = None,
            **kw: Any) -> PlanError:
        cell = f"{get_column_letter(col)}{row}" if row and col else None
        return PlanError(msg, file=self.origin, sheet=sheet, cell=cell, **kw)

    def table(self, sheet: str) -> tuple[list[str], list[tuple[int, list[Any]]]]:
        if sheet not in self.wb.sheetnames:
            raise PlanError("sheet missing", file=self.origin, sheet=sheet,
                            expected="the sheets written by 'muniplan excel export'")
        ws = self.wb[sheet]
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            raise self.err("empty sheet", sheet, 1, 1, expected="a header row")
        head = [("" if h is None else str(h)).strip() for h in rows[0]]
        while head and head[-1] == "":
            head.pop()
        body = []
        for i, r in enumerate(rows[1:], start=2):
            vals = list(r[:len(head)]) + [None] * (len(head) - len(r))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
                continue
            body.append((i, vals))
        return head, body

    def value(self, sheet: str, row: int, col: int, head: str, v: Any) -> Any:
        """One cell as a YAML value: ``[yaml]`` columns parsed, numbers kept."""
        if isinstance(v, str):
            v = v.strip()
            if v == "":
                return None
        if head.endswith(YAML_SUFFIX) and v is not None:
            try:
                return yaml.safe_load(str(v))
            except yaml.YAMLError:
                raise self.err("not valid YAML", sheet, row, col, field=head,
                               expected="a value such as [a, b] or {k: v}", found=v) from None
        return v

    def number(self, sheet: str, row: int, col: int, head: str, v: Any) -> Any:
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, bool) or not isinstance(v, int | float):
            try:
                return _num(float(str(v).replace("\u00a0", "").replace(" ", "")
                                  .replace(",", ".")))
            except ValueError:
                raise self.err("not a number", sheet, row, col, field=head,
                               expected="a number", found=v) from None
        return _num(v)


def _num(v: float | int) -> float | int:
    return int(v) if isinstance(v, float) and v.is_integer() else v


def import_workbook(data: bytes, origin: str = "workbook.xlsx") -> dict[str, str]:
    """A plan folder's files from a workbook of the export layout, validated by the plan
    loader. Raises :class:`PlanError` with the sheet and cell of the first problem."""
    r = _Reader(data, origin)
    if LAYOUT_SHEET not in r.wb.sheetnames:
        raise PlanError("unknown sheet layout: no _layout sheet", file=origin,
                        expected="a workbook written by 'muniplan excel export'",
                        found=", ".join(r.wb.sheetnames))
    lay = list(r.wb[LAYOUT_SHEET].iter_rows(values_only=True))
    if not lay or lay[0][0] != "muniplan workbook" or lay[0][1] != LAYOUT_VERSION:
        raise PlanError("unknown sheet layout", file=origin, sheet=LAYOUT_SHEET, cell="A1",
                        expected=f"muniplan workbook version {LAYOUT_VERSION}",
                        found=str(lay[0][:2]) if lay else "an empty sheet")
    plan: dict[str, Any] = {}
    prio: dict[str, Any] = {"priority_areas": []}
    files: dict[str, str] = {}
    for sheet, kind, fname, key in (tuple(x[:4]) for x in lay[2:] if x and x[0]):
        if kind == "kv":
            _read_kv(r, sheet, plan)
        elif kind == "assumptions":
            plan["assumptions"] = _read_assumptions(r, sheet)
        elif kind == "records":
            items = _read_records(r, sheet)
            if key == "opening.funds":
                plan.setdefault("opening", {})["funds"] = items
            else:
                plan[key] = items
        elif kind == "csv":
            files[fname] = _read_csv(r, sheet, fname)
        elif kind == "priority_areas":
            prio["priority_areas"] = _read_records(r, sheet)
        elif kind in ("measures", "targets"):
            items = _read_records(r, sheet, year_field=key)
            areas = {a.get("id"): a for a in prio["priority_areas"]}
            for row, it in items_with_rows(r, sheet, items):
                pa = it.pop("priority_area", None)
                if pa not in areas:
                    raise r.err("unknown priority area", sheet, row, 1, field="priority_area",
                                expected="an id from the sheet Satsingsområder", found=pa)
                areas[pa].setdefault(kind, []).append(it)
        elif kind == "text":
            ws = r.wb[sheet]
            files[fname] = "\n".join("" if v[0] is None else str(v[0])
                                     for v in ws.iter_rows(values_only=True))
        elif kind != "info":
            raise PlanError("unknown sheet layout", file=origin, sheet=LAYOUT_SHEET,
                            expected="kv, assumptions, records, csv, text or info", found=kind)
    files["plan.yaml"] = yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)
    files["priorities.yaml"] = yaml.safe_dump(prio, allow_unicode=True, sort_keys=False)
    try:
        load_files(files, origin=origin)
    except PlanError as exc:
        raise _locate(r, exc) from None
    return files


def items_with_rows(r: _Reader, sheet: str, items: list[dict[str, Any]]
                    ) -> list[tuple[int, dict[str, Any]]]:
    _, body = r.table(sheet)
    return [(row, it) for (row, _), it in zip(body, items, strict=True)]


def _read_kv(r: _Reader, sheet: str, out: dict[str, Any]) -> None:
    head, body = r.table(sheet)
    if head[:3] != ["felt", "verdi", "type"]:
        raise r.err("unknown sheet layout", sheet, 1, 1, expected="felt, verdi, type",
                    found=", ".join(head))
    for row, (path, value, kind) in body:
        if not path:
            raise r.err("missing required cell", sheet, row, 1, field="felt")
        if kind == "yaml":
            value = r.value(sheet, row, 2, "verdi" + YAML_SUFFIX, value)
        elif kind == "tall":
            value = r.number(sheet, row, 2, "verdi", value)
        elif kind == "bool" and not isinstance(value, bool):
            if str(value).lower() not in ("true", "false", "sann", "usann"):
                raise r.err("not true or false", sheet, row, 2, expected="TRUE or FALSE",
                            found=value)
            value = str(value).lower() in ("true", "sann")
        elif isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        node = out
        parts = str(path).split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value


def _read_assumptions(r: _Reader, sheet: str) -> dict[str, Any]:
    head, body = r.table(sheet)
    out: dict[str, Any] = {}
    for row, vals in body:
        name = vals[0]
        if not name:
            raise r.err("missing required cell", sheet, row, 1, field="navn")
        s: dict[str, Any] = {"values": {}}
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            if j == 1:
                continue
            if YEAR.match(h):
                n = r.number(sheet, row, j, h, v)
                if n is not None:
                    s["values"][int(h)] = n
            else:
                v = r.value(sheet, row, j, h, v)
                if v is not None:
                    s[h.removesuffix(YAML_SUFFIX)] = v
        if not s["values"]:
            raise r.err("an assumption without any value", sheet, row, 4,
                        expected="a value in at least one year column")
        out[str(name)] = s
    return out


def _read_records(r: _Reader, sheet: str, year_field: str | None = None
                  ) -> list[dict[str, Any]]:
    head, body = r.table(sheet)
    items = []
    for row, vals in body:
        it: dict[str, Any] = {}
        years: dict[int, Any] = {}
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            if year_field and YEAR.match(h):
                n = r.number(sheet, row, j, h, v)
                if n is not None:
                    years[int(h)] = n
                continue
            v = r.value(sheet, row, j, h, v)
            if v is not None:
                it[h.removesuffix(YAML_SUFFIX)] = v
        if "id" in head and not it.get("id"):
            raise r.err("missing required cell", sheet, row, head.index("id") + 1, field="id")
        if year_field and years:
            it[year_field] = years
        items.append(it)
    return items


def _read_csv(r: _Reader, sheet: str, fname: str) -> str:
    head, body = r.table(sheet)
    for col in REQUIRED_CSV.get(fname, ()):
        if col not in head:
            raise r.err(f"missing column {col!r}", sheet, 1, len(head) + 1,
                        expected=", ".join(REQUIRED_CSV[fname]))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for row, vals in body:
        cells = []
        for j, (h, v) in enumerate(zip(head, vals, strict=True), start=1):
            if h in REQUIRED_CSV.get(fname, ()) and (v is None or str(v).strip() == ""):
                raise r.err("missing required cell", sheet, row, j, field=h)
            if YEAR.match(h) or h in NUMERIC_CSV:
                v = r.number(sheet, row, j, h, v)
            cells.append(_csv_text(v))
        w.writerow(cells)
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
    """Map a loader error in a CSV file back to its sheet and cell."""
    name = (exc.file or "").rsplit("/", 1)[-1]
    sheet = CSV_SHEETS.get(name)
    if sheet and exc.line:
        head, _ = r.table(sheet)
        col = head.index(exc.field) + 1 if exc.field in head else 1
        return PlanError(exc.message, file=r.origin, sheet=sheet,
                         cell=f"{get_column_letter(col)}{exc.line}", field=exc.field,
                         expected=exc.expected, found=exc.found)
    sheet = {"plan.yaml": "Plan", "priorities.yaml": "Satsingsområder"}.get(name)
    return PlanError(exc.message, file=r.origin, sheet=sheet, field=exc.field,
                     expected=exc.expected, found=exc.found)
