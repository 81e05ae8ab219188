"""The workbook of a plan and its projection: the plan layer's Excel with the engine's series.

Why so thin: the workbook's sheets, headers and formats live beside the loader
(``plan.excel_write``, ``plan.excel_read``) and follow the plan format's description; here
the projection's labelled series are handed over as they are, never recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping

from muniplan.engine.projection import Projection
from muniplan.plan.excel_read import read_workbook
from muniplan.plan.excel_write import write_workbook
from muniplan.plan.model import Plan
from muniplan.plan.write import plan_files
from muniplan.report.data import projection_rows

<<<<<<< HEAD
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
=======
__all__ = ["export_workbook", "import_workbook", "plan_files"]
>>>>>>> main


def export_workbook(plan: Plan, projection: Projection,
                    files: Mapping[str, str] | None = None) -> bytes:
    """The plan (its folder's ``files``, or the plan itself in whole kroner) and its
    projection as .xlsx."""
    files = dict(files) if files is not None else plan_files(plan)
    return write_workbook(files, list(projection.years), projection_rows(projection))


def import_workbook(data: bytes, origin: str = "workbook.xlsx") -> dict[str, str]:
    """A plan folder's files from a workbook, validated (``plan.excel_read``)."""
    return read_workbook(data, origin)
