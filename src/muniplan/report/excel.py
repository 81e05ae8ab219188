"""The workbook of a plan and its projection: the plan layer's Excel with the engine's series.

Why so thin: the workbook's sheets, headers and formats live beside the loader
(``plan.excel_write``, ``plan.excel_read``) and follow the plan format's description; here
the projection's labelled series are handed over as they are, never recomputed.
"""

from __future__ import annotations

from collections.abc import Mapping

from muniplan.engine.projection import Projection
from muniplan.plan.excel_read import read_workbook
from muniplan.plan.excel_write import write_projection, write_workbook
from muniplan.plan.model import Plan
from muniplan.plan.write import plan_files
from muniplan.report.data import projection_rows

__all__ = ["export_projection", "export_workbook", "import_workbook", "plan_files"]


def export_workbook(plan: Plan, projection: Projection,
                    files: Mapping[str, str] | None = None) -> bytes:
    """The plan (its folder's ``files``, or the plan itself in whole kroner) and its
    projection as .xlsx."""
    files = dict(files) if files is not None else plan_files(plan)
    return write_workbook(files, list(projection.years), projection_rows(projection))


def export_projection(plan: Plan, projection: Projection) -> bytes:
    """The projection's labelled series alone as .xlsx, amounts in the plan's unit."""
    return write_projection(list(projection.years), projection_rows(projection),
                            plan.amount_scale)


def import_workbook(data: bytes, origin: str = "workbook.xlsx") -> dict[str, str]:
    """A plan folder's files from a workbook, validated (``plan.excel_read``)."""
    return read_workbook(data, origin)
