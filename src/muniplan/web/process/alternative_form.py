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

import numpy as np
import yaml

from muniplan.engine.property_tax import CATEGORY_LABELS, rate_breach
from muniplan.plan.model import Override, Plan
from muniplan.plan.parameters import PlanIds, parameter_unit

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
    ovs += _income(plan, form, data, years)
    return data, ovs


INCOME_ROWS = (("fees", "income.fees", "Gebyrer og brukerbetalinger utenom selvkost, endring i "
                "prosent"),
               ("ptax-housing", "income.property_tax.housing_rate",
                "Eiendomsskatt på bolig og fritidsbolig, sats i promille"),
               ("ptax-other", "income.property_tax.other_rate",
                "Eiendomsskatt på annen eiendom, sats i promille"))
"""The income rows of the form: field prefix, parameter, label. Fees in percent change, the
eiendomsskatt rates in promille (as the kommunestyre writes them), per plan year."""
RATE_ROWS = {"income.property_tax.housing_rate": 0, "income.property_tax.other_rate": 1}


def income_rows(plan: Plan) -> tuple[tuple[str, str, str], ...]:
    """The income rows this plan can take: the eiendomsskatt rates only when the plan gives
    the tax bases (otherwise the lever cannot apply)."""
    known = plan.finance.property_tax is not None
    return tuple(r for r in INCOME_ROWS if known or not r[0].startswith("ptax"))


def _income(plan: Plan, form: dict[str, Any], data: FormData, years: list[int]
            ) -> list[Override]:
    """Fees per plan year (the last plan year's change holds to the horizon); a rate holds
    from its year until a later year gives another, as a kommunestyre's rate does. So the
    long-term consequence keeps the income the group chose."""
    ovs: list[Override] = []
    for prefix, param, label in income_rows(plan):
        for y in years:
            last = None if y == years[-1] else y
            key = f"{prefix}-{y}"
            data.values[key] = str(form.get(key, ""))
            unit = "prosent" if prefix == "fees" else "promille"
            value = _number(data.values[key], f"{label} {y}", data.errors, unit)
            if value is None:
                continue
            if prefix == "fees":
                if not -100 < value <= 200:
                    data.errors.append(f"{label} {y}: forventet mellom −100 og 200, "
                                       f"fikk {value:g}.")
                elif value:
                    ovs.append(Override(parameter=param, op="scale", value=1 + value / 100,
                                        first=y, last=last))
            elif not 0 <= value <= 7:
                data.errors.append(f"{label} {y}: forventet en sats fra 0 til 7 promille, "
                                   f"fikk {value:g}.")
            else:
                ovs.append(Override(parameter=param, value=value / 1000, first=y))
    _law(plan, ovs, data, years)
    return ovs


def _law(plan: Plan, ovs: list[Override], data: FormData, years: list[int]) -> None:
    """The eiendomsskatt rates against eigedomsskattelova § 11, said in the form's terms."""
    pt = plan.finance.property_tax
    if pt is None:
        return
    rates = np.array([[pt.housing_rate.value] * len(years), [pt.other_rate.value] * len(years)])
    for ov in ovs:
        if ov.parameter in RATE_ROWS:
            rates[RATE_ROWS[ov.parameter], years.index(int(ov.first or years[0])):] = ov.value
    breach = rate_breach(np.array(years), rates, pt.levied_since)
    if breach is not None:
        category, year, rate, cap = breach
        data.errors.append(
            f"Eiendomsskatt på {CATEGORY_LABELS[category]} {year}: høyst {cap * 1000:g} "
            f"promille etter eiendomsskatteloven § 11, fikk {rate * 1000:g}."
            .replace(".", ",").rstrip(",") + ".")


def _amount(text: str, what: str, errors: list[str], parameter: str, year: int
            ) -> list[Override]:
    value = _number(text, what, errors, "1000 kr")
    if value is None or value == 0:
        return []
    if abs(value) > MAX_THOUSANDS:
        most = f"{MAX_THOUSANDS:,}".replace(",", "\u00a0")  # not the comma before "fikk"
        errors.append(f"{what}: forventet høyst {most} (1000 kr), fikk {value:g}.")
        return []
    return [Override(parameter=parameter, op="add", value=value * 1000, first=year,
                     last=year)]


def changes_yaml(plan: Plan, title: str, group_name: str, overrides: list[Override]) -> str:
    """``changes.yaml`` for the alternative, amounts in the plan's scale like its files."""
    scale = plan.amount_scale
    ids = PlanIds.of(plan)
    rows = []
    for ov in overrides:
        row: dict[str, Any] = {"parameter": ov.parameter}
        if ov.op != "set":
            row["op"] = ov.op
        money = ov.op != "scale" and parameter_unit(ov.parameter, ids) == "kroner"
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
            elif ov.parameter == "income.fees":
                out[f"fees-{ov.first}"] = _show(100 * (value - 1))
            elif ov.parameter.startswith("income.property_tax."):
                prefix = "ptax-housing" if "housing" in ov.parameter else "ptax-other"
                out[f"{prefix}-{ov.first}"] = _show(1000 * value)
    return out


def _show(x: float) -> str:
    r = round(x, 6)
    return str(int(r)) if r == int(r) else f"{r:g}".replace(".", ",")
