"""An alternative budget as a form: the fields a group fills in, read strictly, turned into
the overrides of a ``changes.yaml`` — and back, to open a saved alternative again.

Amounts are typed in 1000 kr (the unit of the budget documents), fixed prices, per plan year;
a percentage applies to every plan year. A field that cannot be read is refused with its
name, what was expected and what was found — never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from muniplan.plan.model import Override, Plan

MAX_THOUSANDS = 100_000_000  # 100 bn kr: far beyond any kommune's yearly budget
DELAYS = range(-2, 6)
_NUMBER = re.compile(r"^[+\-−]?\d{1,12}([.,]\d{1,6})?$")


@dataclass
class FormData:
    """What the group typed (strings, as sent back to the form) and what was wrong."""

    title: str = ""
    values: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, key: str) -> str:
        return self.values.get(key, "")


def _number(text: str, what: str, errors: list[str], unit: str) -> float | None:
    t = text.strip().replace("\u00a0", "").replace(" ", "")
    if not t:
        return None
    if not _NUMBER.match(t):
        errors.append(f"{what}: forventet et tall ({unit}), fikk «{text.strip()[:40]}».")
        return None
    value = float(t.replace("−", "-").replace(",", "."))
    return value


def read_form(plan: Plan, form: dict[str, Any]) -> tuple[FormData, list[Override]]:
    """The form's values and the overrides they mean (in kroner), or errors."""
    data = FormData(title=str(form.get("title", "")).strip()[:120])
    errors = data.errors
    if not data.title:
        errors.append("Navn på alternativet: skriv et navn, for eksempel «Arbeiderpartiets "
                      "alternative budsjett».")
    years = list(range(plan.period.first, plan.period.last + 1))
    ovs: list[Override] = []
    for s in plan.sectors:
        for a in s.program_areas:
            key = f"area-{a.id}-pct"
            data.values[key] = str(form.get(key, ""))
            pct = _number(data.values[key], f"{a.name}, endring i prosent", errors, "prosent")
            if pct is not None:
                if not -100 < pct <= 100:
                    errors.append(f"{a.name}, endring i prosent: forventet mellom −100 og 100, "
                                  f"fikk {pct:g}.")
                elif pct:
                    ovs.append(Override(parameter=f"program_areas.{a.id}.frame", op="scale",
                                        value=1 + pct / 100, first=years[0], last=years[-1]))
            for y in years:
                key = f"area-{a.id}-{y}"
                data.values[key] = str(form.get(key, ""))
                ovs += _amount(data.values[key], f"{a.name} {y}", errors,
                               f"program_areas.{a.id}.frame", y)
    for inv in plan.investments:
        for part in ("delay", "pct", "remove"):
            key = f"inv-{inv.id}-{part}"
            data.values[key] = str(form.get(key, ""))
        if data.get(f"inv-{inv.id}-remove") == "1":
            ovs.append(Override(parameter=f"investments.{inv.id}.remove", value=1))
            continue
        delay = _number(data.get(f"inv-{inv.id}-delay"), f"{inv.name}, utsettelse", errors,
                        "år")
        if delay is not None and delay:
            if delay not in DELAYS:
                errors.append(f"{inv.name}, utsettelse: forventet {DELAYS.start} til "
                              f"{DELAYS.stop - 1} år, fikk {delay:g}.")
            else:
                ovs.append(Override(parameter=f"investments.{inv.id}.delay", value=delay))
        pct = _number(data.get(f"inv-{inv.id}-pct"), f"{inv.name}, kostnad i prosent", errors,
                      "prosent")
        if pct:
            if not -100 <= pct <= 200:
                errors.append(f"{inv.name}, kostnad i prosent: forventet mellom −100 og 200, "
                              f"fikk {pct:g}.")
            else:
                ovs.append(Override(parameter=f"investments.{inv.id}.cost", op="scale",
                                    value=1 + pct / 100))
    for y in years:
        for key, param, what in ((f"measure-{y}", "expenses.adjustment", "Nye tiltak"),
                                 (f"newinv-{y}", "investments.additional",
                                  "Nye investeringer")):
            data.values[key] = str(form.get(key, ""))
            ovs += _amount(data.values[key], f"{what} {y}", errors, param, y)
    return data, ovs


def _amount(text: str, what: str, errors: list[str], parameter: str, year: int
            ) -> list[Override]:
    value = _number(text, what, errors, "1000 kr")
    if value is None or value == 0:
        return []
    if abs(value) > MAX_THOUSANDS:
        errors.append(f"{what}: forventet høyst {MAX_THOUSANDS:,} (1000 kr), fikk {value:g}."
                      .replace(",", " "))
        return []
    return [Override(parameter=parameter, op="add", value=value * 1000, first=year,
                     last=year)]


def changes_yaml(plan: Plan, title: str, group_name: str, overrides: list[Override]) -> str:
    """``changes.yaml`` for the alternative, amounts in the plan's scale like its files."""
    scale = plan.amount_scale
    rows = []
    for ov in overrides:
        row: dict[str, Any] = {"parameter": ov.parameter}
        if ov.op != "set":
            row["op"] = ov.op
        money = ov.op != "scale" and not ov.parameter.endswith((".delay", ".remove"))
        value = float(ov.value or 0.0)
        row["value"] = value / scale if money else value
        if ov.first is not None:
            row["first"] = ov.first
        if ov.last is not None:
            row["last"] = ov.last
        rows.append(row)
    doc = {"changes": [{"id": "alternativ", "name": title, "kind": "alternative",
                        "assumption": f"Alternativt budsjett fra {group_name}",
                        "overrides": rows}]}
    header = (f"# {title}: endringer mot kommunedirektørens forslag, skrevet av muniplan.\n"
              f"# Beløp i planens skala ({scale} kr), faste priser.\n")
    return header + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def form_of(plan: Plan) -> dict[str, str]:
    """The form's values for a saved alternative (its ``changes``), to edit it again."""
    out: dict[str, str] = {}
    for sc in plan.changes:
        for ov in sc.overrides:
            parts = ov.parameter.split(".")
            value = float(ov.value or 0.0)
            if parts[0] == "program_areas" and ov.op == "scale":
                out[f"area-{parts[1]}-pct"] = _show(100 * (value - 1))
            elif parts[0] == "program_areas":
                out[f"area-{parts[1]}-{ov.first}"] = _show(value / 1000)
            elif parts[0] == "investments" and len(parts) == 3:
                key = {"delay": "delay", "cost": "pct", "remove": "remove"}[parts[2]]
                out[f"inv-{parts[1]}-{key}"] = (_show(100 * (value - 1)) if key == "pct"
                                                else _show(value))
            elif ov.parameter == "expenses.adjustment":
                out[f"measure-{ov.first}"] = _show(value / 1000)
            elif ov.parameter == "investments.additional":
                out[f"newinv-{ov.first}"] = _show(value / 1000)
    return out


def _show(x: float) -> str:
    r = round(x, 6)
    return str(int(r)) if r == int(r) else f"{r:g}".replace(".", ",")
