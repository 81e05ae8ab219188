"""The workbook's layout, shared by its writer and reader: sheets, Norwegian headers,
number formats, drop-downs, and how nested plan data lies flat in cells.

Why flat and never YAML: a finance officer edits cells, not YAML inside them. A nested value
becomes dotted columns (``coverage_change.values.2027``), a list of numbers indexed columns
(``ages.0``, ``ages.1``), a list of ids one cell (``barnehager; grunnskole``) and a list of
records a sheet of its own with the owner's id in the first column (Tjenester →
Aldersgrupper). :func:`flatten` and :func:`unflatten` are each other's inverse.
"""

from __future__ import annotations

import re
from typing import Any

from muniplan.plan.format import INVESTMENTS, MONEY, SECTORS, labels
from muniplan.plan.model import (
    INVESTMENT_CATEGORIES,
    MEASURE_STATUSES,
    RATIO_INDICATORS,
    RULE_INDICATORS,
)

LAYOUT_SHEET = "_layout"
LAYOUT_VERSION = 2
YEAR = re.compile(r"^(19|20|21)\d\d$")
LIST_SEP = "; "

MONEY_FORMAT = "#,##0"
"""Whole units with the reader's thousands separator: ``2 292 660`` in a Norwegian Excel or
LibreOffice (the file stores the format in its neutral form; ``# ##0`` would be a literal
space, not a separator)."""
PERCENT_FORMAT = "0.0## %"
"""A fraction as per cent with the reader's decimal comma: 0.03 shows ``3,0 %``, 0.0425
``4,25 %`` (no digit hidden)."""
COUNT_FORMAT = "#,##0"
INDEX_FORMAT = "0.000"

RECORD_SHEETS = {"sources": "Kilder", "income": "Inntekter", "opening.funds": "Fond",
                 "strategies": "Strategier", "rules": "Handlingsregler",
                 "services": "Tjenester", "long_term_investments": "Langsiktige investeringer"}
CHILD_SHEETS = {"services.groups": "Aldersgrupper"}
CSV_SHEETS = {SECTORS.file: SECTORS, INVESTMENTS.file: INVESTMENTS}

FIELD_LABELS = {
    "id": "id", "name": "navn", "title": "tittel", "publisher": "utgiver", "url": "lenke",
    "note": "merknad", "amount": "beløp", "per_inhabitant": "per innbygger",
    "source": "kilde", "assumption": "forutsetning", "role": "rolle",
    "description": "beskrivelse", "indicator": "indikator", "operator": "operator",
    "limit": "grense", "applies": "gjelder", "tolerance": "toleranse",
    "projected": "framskrives", "program_areas": "programområder", "strategy": "strategi",
    "unit": "enhet", "extend": "forlengelse", "kind": "art", "status": "status",
    "sector": "sektor", "in_frames": "i rammene", "priority_area": "satsingsområde",
    "first": "første år", "last": "siste år", "useful_life": "levetid",
    "vat_compensation": "momskomp.", "grants": "tilskudd", "rentable_share": "rentabel andel",
    "rentable_cost_recovery": "kostnadsdekning", "category": "kategori",
    "unit_cost": "enhetskostnad", "share_of_frame": "andel av rammen", "groups": "grupper",
    "coverage": "dekning", "ages.0": "fra alder", "ages.1": "til alder",
    "baseline": "utgangsverdi", "baseline_year": "utgangsår", "service": "tjeneste",
    "program_area": "programområde",
}
"""Norwegian headers of the record sheets; a field not listed keeps its name."""

FRACTION_FIELDS = {"vat_compensation", "grants", "sales", "loan", "rentable_share",
                   "share_of_frame", "coverage", "tolerance"}

CHOICES: dict[str, dict[str, tuple[str, ...]]] = {
    "Tiltak": {"status": MEASURE_STATUSES, "kind": ("operating", "investment")},
    "Fond": {"role": ("buffer", "reserve", "managed", "other")},
    "Inntekter": {"id": ("tax", "block_grant", "property_tax", "fees", "other")},
    "Handlingsregler": {"indicator": tuple(RULE_INDICATORS),
                        "operator": (">=", "<=", "=", ">", "<"),
                        "applies": ("annual", "period_end")},
    "Langsiktige investeringer": {"category": INVESTMENT_CATEGORIES,
                                  "rentable_cost_recovery": ("none", "selvkost", "rent")},
    "Forutsetninger": {"extend": ("none", "hold", "interpolate"),
                       "unit": ("ratio", "kroner", "index", "years")},
}
"""Drop-down lists (data validation) by sheet and field, where a field has a fixed set."""
for _tab in CSV_SHEETS.values():  # the tables' own, from the format description
    CHOICES[_tab.sheet] = {c.name: c.choices for c in _tab.columns if c.choices}

REFERENCES = {"sector": (SECTORS.sheet, "sector_id"),
              "program_area": (SECTORS.sheet, "program_area_id")}
"""Drop-downs read from another sheet's column: the ids a field may name."""


def header_labels(sheet: str) -> dict[str, str]:
    """Field name → header of ``sheet``."""
    for tab in CSV_SHEETS.values():
        if tab.sheet == sheet:
            return labels(tab)
    return FIELD_LABELS


def field_names(sheet: str) -> dict[str, str]:
    """Header → field name (a header that is already a field name maps to itself)."""
    return {label: name for name, label in header_labels(sheet).items()}


def money_or_fraction(path: str, row: dict[str, Any]) -> str | None:
    """The number format of the value at a dotted plan.yaml ``path`` (``income.*.amount``
    for a record sheet's column): money where the format description says so."""
    if path.endswith("rules.*.limit"):
        return PERCENT_FORMAT if row.get("indicator") in RATIO_INDICATORS else MONEY_FORMAT
    parts = path.split(".")
    for m in MONEY:
        if m.file == "plan.yaml" and len(m.path) == len(parts) and all(
                a in ("*", b) or (b.isdigit() and a == "*") for a, b in zip(m.path, parts,
                                                                          strict=True)):
            return MONEY_FORMAT
    if parts[-1] in FRACTION_FIELDS:
        return PERCENT_FORMAT
    return None


def series_format(unit: str | None) -> str:
    """The number format of an assumption's values by its unit."""
    return {"kroner": MONEY_FORMAT, "index": INDEX_FORMAT, "years": "0"}.get(
        unit or "ratio", PERCENT_FORMAT)


# --- nested data in flat cells -----------------------------------------------------------

class Unflattenable(ValueError):
    """A value with no flat form (a list of records inside a list of records)."""


def flatten(value: Any, prefix: str, out: dict[str, Any], lists: set[str]) -> None:
    """``value`` as cells keyed by dotted path; the paths of id lists added to ``lists``."""
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{prefix}.{k}" if prefix else str(k), out, lists)
    elif isinstance(value, list | tuple):
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in value) \
                and value:
            for i, v in enumerate(value):
                out[f"{prefix}.{i}"] = v
        elif all(isinstance(v, str) for v in value):
            if value:
                out[prefix] = LIST_SEP.join(value)
            lists.add(prefix)
        else:
            raise Unflattenable(prefix)
    else:
        out[prefix] = value


def unflatten(cells: dict[str, Any], lists: set[str]) -> dict[str, Any]:
    """The inverse of :func:`flatten`: dotted paths to nested data (small integer parts are
    list positions, four-digit ones years)."""
    out: dict[str, Any] = {}
    for path, value in cells.items():
        if value is None:
            continue
        if path in lists:
            value = [x.strip() for x in str(value).split(";") if x.strip()]
        parts = [_key(p) for p in path.split(".")]
        node = out
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = value
    return _lists(out)


def _key(part: str) -> Any:
    return int(part) if part.isdigit() else part


def _lists(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    keys = list(node)
    if keys and all(isinstance(k, int) and k < 1000 for k in keys) \
            and sorted(keys) == list(range(len(keys))):
        return [node[i] for i in range(len(keys))]
    return node
