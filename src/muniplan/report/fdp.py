"""Open data: the plan and its projection as a Fiscal Data Package (datapackage.json + CSV).

The Fiscal Data Package (Open Knowledge; docs/product-anchors.md §4a) is a Tabular Data
Package with a ``model`` mapping columns to fiscal concepts. It has no phase for a
projection and no scenario or plan-year dimension, so every row here carries them as
columns: ``plan`` (the plan's period, e.g. 2018-2021), ``scenario``, ``phase`` (``adopted``
or ``proposed`` for the plan's budget years, ``projected`` after them, ``actual`` for a
figure that is an actual) and ``year``. Amounts are NOK (whole kroner). The package lists the
plan's sources and its licence, so a reader can trace every figure.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from muniplan import __version__
from muniplan.engine.projection import Projection
from muniplan.plan.model import CATEGORY_LABELS, Plan
from muniplan.report.data import projection_rows
from muniplan.report.output import write_files

LICENSE = {"name": "NLOD-2.0", "path": "https://data.norge.no/nlod/no/2.0",
           "title": "Norsk lisens for offentlige data (NLOD) 2.0"}
COMMON = ("plan", "scenario", "phase", "year")


def _phase(plan: Plan, year: int) -> str:
    if plan.period.first <= year <= plan.period.last:
        return "adopted" if plan.status == "adopted" else "proposed"
    return "projected"


def _price_basis(plan: Plan) -> tuple[str, str]:
    """The plan's price basis as the projection's word (``fixed``/``nominal``) and a text."""
    if plan.price_basis.kind == "fixed":
        return "fixed", f"fixed: kroner of {plan.price_basis.year}"
    return "nominal", "nominal: current kroner"


def _field(name: str, type_: str, description: str) -> dict[str, Any]:
    return {"name": name, "type": type_, "description": description}


def _common_fields() -> list[dict[str, Any]]:
    return [
        _field("plan", "string", "The plan's period (handlingsprogram), e.g. 2018-2021"),
        _field("scenario", "string", "Scenario name; 'basis' for the plan as written"),
        _field("phase", "string", "adopted | proposed (the plan's budget years), projected "
               "(after them), actual"),
        _field("year", "integer", "Budget year (calendar year)"),
    ]


def _csv(rows: list[list[Any]], header: list[str]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def package_files(plan: Plan, projection: Projection, scenario: str = "basis"
                  ) -> dict[str, str]:
    """The package's files in memory: datapackage.json and three CSV resources."""
    period = f"{plan.period.first}-{plan.period.last}"
    # one vocabulary for the price basis in every file of the package (the projection's
    # nominal | fixed), the year said in the field's description
    price, price_text = _price_basis(plan)
    frames = []
    for s in plan.sectors:
        for a in s.program_areas:
            gross = "net" if a.frame_basis == "netto" else "gross"
            for y, v in sorted(a.operating_frame.items()):
                frames.append([period, scenario, _phase(plan, y), y, s.id, s.name, a.id,
                               a.number or "", a.name, v, gross, price])
    frame_head = [*COMMON, "sector_id", "sector", "program_area_id", "program_area_number",
                  "program_area", "amount", "frame_basis", "price_basis"]
    inv = []
    for i in plan.investments:
        for y, v in sorted(i.cost.items()):
            inv.append([period, scenario, _phase(plan, y), y, i.id, i.name, i.category,
                        CATEGORY_LABELS.get(i.category, i.category), i.sector,
                        i.completion_year, v, price])
    inv_head = [*COMMON, "project_id", "project", "category", "category_label", "sector_id",
                "completion_year", "amount", "price_basis"]
    proj_rows = []
    units = {"kr": "NOK", "persons": "persons"}
    for n, text, unit, basis, values in projection_rows(projection):
        for y, v in zip(projection.years, values, strict=True):
            if v is None:
                continue
            proj_rows.append([period, scenario, _phase(plan, y), y, n, text, v,
                              units.get(unit, unit), basis or ""])
    proj_head = [*COMMON, "series", "label", "value", "unit", "price_basis"]

    def resource(name: str, path: str, title: str, fields: list[dict[str, Any]],
                 measure: str | None, direction: str | None, dims: dict[str, Any]
                 ) -> dict[str, Any]:
        r: dict[str, Any] = {
            "name": name, "path": path, "title": title, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": fields},
        }
        if measure:
            r["model"] = {
                "measures": {"amount": {"source": measure, "currency": "NOK", "factor": 1,
                                        **({"direction": direction} if direction else {})}},
                "dimensions": dims,
            }
        return r

    c = _common_fields()
    time_dims = {"date": {"attributes": {"year": {"source": "year"}}, "primaryKey": ["year"],
                          "dimensionType": "datetime"},
                 "phase": {"attributes": {"phase": {"source": "phase"}},
                           "primaryKey": ["phase"], "dimensionType": "other"},
                 "scenario": {"attributes": {"scenario": {"source": "scenario"}},
                              "primaryKey": ["scenario"], "dimensionType": "other"}}
    resources = [
        resource("operating-frames", "operating-frames.csv",
                 "Driftsrammer per sektor og programområde (budsjett)",
                 [*c, _field("sector_id", "string", "Sector id"),
                  _field("sector", "string", "Sector (sektor), its name in the plan"),
                  _field("program_area_id", "string", "Programme area id"),
                  _field("program_area_number", "string",
                         "Programme area number (programområde nr.) in the plan"),
                  _field("program_area", "string",
                         "Programme area (programområde), its name in the plan"),
                  _field("amount", "integer", f"Operating frame, NOK ({price_text}); gross "
                         "or net of the area's own fees and refunds as frame_basis says"),
                  _field("frame_basis", "string", "gross (brutto: the area's operating "
                         "expenses) or net (netto: less its own fees and refunds)"),
                  _field("price_basis", "string", f"Price basis of the amount: {price_text}")],
                 "amount", "expenditure",
                 {**time_dims,
                  "administrative": {"attributes": {
                      "sector": {"source": "sector_id"},
                      "program_area": {"source": "program_area_id", "parent": "sector"}},
                      "primaryKey": ["program_area"], "dimensionType": "classification",
                      "classificationType": "administrative"}}),
        resource("investments", "investments.csv", "Investeringsprosjekter per år (budsjett)",
                 [*c, _field("project_id", "string", "Project id"),
                  _field("project", "string", "Project (prosjekt), its name in the plan"),
                  _field("category", "string", "Category id"),
                  _field("category_label", "string", "Category (formål), Norwegian label"),
                  _field("sector_id", "string", "Sector id"),
                  _field("completion_year", "integer", "Year the project is completed"),
                  _field("amount", "integer", f"Investment cost, NOK ({price_text})"),
                  _field("price_basis", "string", f"Price basis of the amount: {price_text}")],
                 "amount", "expenditure",
                 {**time_dims,
                  "project": {"attributes": {"project": {"source": "project_id"}},
                              "primaryKey": ["project"], "dimensionType": "activity"},
                  "functional": {"attributes": {"category": {"source": "category"}},
                                 "primaryKey": ["category"], "dimensionType": "classification",
                                 "classificationType": "functional"}}),
        resource("projection", "projection.csv",
                 "Framskriving: inntekter, utgifter, resultat, gjeld og fond per år",
                 [*c, _field("series", "string", "Series name (see muniplan docs)"),
                  _field("label", "string", "Norwegian label"),
                  _field("value", "number", "Value: NOK, persons, a fraction or an index"),
                  _field("unit", "string", "NOK, persons, ratio, index, years or code"),
                  _field("price_basis", "string",
                         "nominal (current kroner) or fixed (base-year kroner); empty if not "
                         "NOK")],
                 None, None, {}),
    ]
    descriptor = {
        # a Tabular Data Package with the Fiscal Data Package's model on each resource; the
        # FDP profile URL is not resolvable offline, so validators check the tabular profile
        "profile": "tabular-data-package",
        "name": f"{plan.id}-fiscal-data",
        "title": f"{plan.municipality.name}: {plan.title}",
        "description": (f"Budget (frames, investments) and projection to "
                        f"{projection.years[-1]} of {plan.municipality.name}'s "
                        f"handlingsprogram {period}, made with muniplan {__version__}. "
                        f"Plan digest {plan.digest}."),
        "version": __version__,
        "countryCode": "NO",
        "fiscalPeriod": {"start": f"{plan.period.first}-01-01",
                         "end": f"{projection.years[-1]}-12-31"},
        "granularity": "aggregated",
        "licenses": [LICENSE],
        "sources": [{"title": s.title, **({"path": s.url} if s.url else {})}
                    for s in plan.sources],
        "resources": resources,
    }
    return {
        "datapackage.json": json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n",
        "operating-frames.csv": _csv(frames, frame_head),
        "investments.csv": _csv(inv, inv_head),
        "projection.csv": _csv(proj_rows, proj_head),
    }


def export_package(plan: Plan, projection: Projection, out_dir: Path) -> Path:
    """Write the package into ``out_dir`` (atomically); returns its datapackage.json."""
    write_files(Path(out_dir), package_files(plan, projection))
    return Path(out_dir) / "datapackage.json"


def fdp_zip(plan: Plan, projection: Projection) -> bytes:
    """The package as one zip file (for a download link)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in package_files(plan, projection).items():
            z.writestr(name, text)
    return buf.getvalue()
