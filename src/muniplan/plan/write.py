"""A plan folder written from the model: the inverse of ``plan.load``.

Why from the format description: the CSV tables are written column by column from
``plan.format``, so a column the loader reads is a column the writers (roll-forward, the
workbook of a stored version) write, in the same order and spelling.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import yaml

from muniplan.plan.format import INVESTMENTS, SECTORS, Table
from muniplan.plan.model import Investment, Plan, ProgramArea, Sector

YAML_EXCLUDE = {"population", "digest", "sectors", "investments", "priority_areas"}


def plan_files(plan: Plan) -> dict[str, str]:
    """The plan's folder, amounts in whole kroner (``amount_scale: 1``) so that nothing is
    rounded. Used when the caller has the plan but not its folder (the web, the store,
    roll-forward)."""
    data = plain(plan.model_dump(mode="python", exclude_none=True, exclude=YAML_EXCLUDE))
    data["amount_scale"] = 1
    pb = plan.price_basis
    data["price_basis"] = f"fixed {pb.year}" if pb.kind == "fixed" else "nominal"
    for r in data.get("rules", []):
        if isinstance(r.get("limit"), float) and r["limit"].is_integer() and abs(r["limit"]) > 1:
            r["limit"] = int(r["limit"])
    files = {"plan.yaml": _yaml({k: v for k, v in data.items()
                                 if k not in ("scenarios", "changes")})}
    for key in ("scenarios", "changes"):
        if data.get(key):
            files[f"{key}.yaml"] = _yaml({key: data[key]})
    areas = [(s, a) for s in plan.sectors for a in s.program_areas]
    files[SECTORS.file] = table_csv(SECTORS, list(plan.period.years),
                                    [_area_row(s, a) for s, a in areas])
    years = sorted({y for i in plan.investments for y in i.cost})
    files[INVESTMENTS.file] = table_csv(INVESTMENTS, years,
                                        [_investment_row(i) for i in plan.investments])
    files["priorities.yaml"] = _yaml(plain(plan.model_dump(
        mode="python", exclude_none=True, include={"priority_areas"})))
    return files


def table_csv(table: Table, years: list[int], rows: list[dict[str, Any]]) -> str:
    """A CSV table of the description's columns, the years before the provenance columns
    and a ``merknad`` column if a row has a note; each row a mapping of column name (and
    year) to value."""
    names = [c.name for c in table.columns if c.name not in ("source", "assumption")]
    notes = ["merknad"] if any(r.get("merknad") for r in rows) else []
    head: list[Any] = [*names, *years, "source", "assumption", *notes]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(head)
    for row in rows:
        w.writerow([_cell(row.get(h)) for h in head])
    return out.getvalue()


def _area_row(s: Sector, a: ProgramArea) -> dict[Any, Any]:
    return {"sector_id": s.id, "sector_name": s.name, "program_area_id": a.id,
            "program_area_number": a.number, "program_area_name": a.name,
            "frame_basis": a.frame_basis, "fees": a.fees or None, "refunds": a.refunds or None,
            **a.operating_frame, "source": a.source, "assumption": a.assumption,
            "merknad": a.note}


def _investment_row(i: Investment) -> dict[Any, Any]:
    row: dict[Any, Any] = {c.name: getattr(i, c.name) for c in INVESTMENTS.columns}
    row.update(i.cost)
    row["merknad"] = i.note
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def plain(x: Any) -> Any:
    """Tuples as lists, for YAML."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [plain(v) for v in x]
    return x
