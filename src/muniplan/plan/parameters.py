"""The parameters a scenario may change, and the ``--set`` syntax of the command line.

Scenarios are data (DESIGN.md, "The engine" 5): an override names one of these parameters,
years and a value. Knowing the list here, in the plan layer, lets the loader reject an
unknown parameter with the line it stands on, and convert money values from the file's
amount scale like every other amount.
"""

from __future__ import annotations

import re
from typing import Literal

from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override

Unit = Literal["ratio", "kroner", "years", "factor"]

PARAMETERS: dict[str, tuple[Unit, str]] = {
    "assumptions.wage_growth": ("ratio", "Årslønnsvekst"),
    "assumptions.price_growth": ("ratio", "Prisvekst"),
    "assumptions.interest_rate": ("ratio", "Rentenivå på lånegjelden"),
    "assumptions.tax_growth": ("ratio", "Realvekst i skatt per innbygger"),
    "assumptions.block_grant_growth": ("ratio", "Realvekst i rammetilskudd per innbygger"),
    "assumptions.fee_growth": ("ratio", "Realvekst i brukerbetalinger per innbygger"),
    "assumptions.other_income_growth": ("ratio", "Realvekst i andre inntekter per innbygger"),
    "assumptions.cost_growth": ("ratio", "Underliggende utgiftsvekst"),
    "income.shortfall": ("ratio", "Inntektssvikt, andel av driftsinntektene"),
    "investments.long_term": ("kroner", "Langsiktig investeringsnivå per år (faste kroner)"),
    "investments.additional": ("kroner", "Tilleggsinvesteringer per år (faste kroner)"),
    "investments.delay": ("years", "Utsettelse av periodens prosjekter, år"),
    "expenses.adjustment": ("kroner", "Endring i driftsutgiftene per år (faste kroner)"),
}
"""Fixed parameters: name → (unit, Norwegian label)."""

SERVICE_PARAMETER = re.compile(r"^services\.([a-z0-9-]+|all)\.(coverage|unit_cost)$")
SERVICE_LABELS = {"coverage": "Dekningsgrad (faktor)", "unit_cost": "Enhetskostnad (faktor)"}


def parameter_unit(name: str, service_ids: set[str]) -> Unit:
    """The unit of ``name``; ScenarioError naming the known parameters if unknown."""
    if name in PARAMETERS:
        return PARAMETERS[name][0]
    m = SERVICE_PARAMETER.match(name)
    if m and (m.group(1) == "all" or m.group(1) in service_ids):
        return "factor"
    known = ", ".join(list(PARAMETERS) + ["services.<id>.coverage", "services.<id>.unit_cost"])
    if m:
        raise ScenarioError(
            f"unknown service {m.group(1)!r}", field="parameter",
            expected=f"services.<id>.… with one of {', '.join(sorted(service_ids))} or 'all'",
            found=name,
        )
    raise ScenarioError("unknown parameter", field="parameter", expected=known, found=name)


SET_SYNTAX = re.compile(
    r"^(?P<param>[a-z_.0-9-]+)\s*(?P<op>\+=|\*=|=)\s*(?P<value>[-+0-9.eE_]+)"
    r"(?:@(?P<first>\d{4})(?:-(?P<last>\d{4}))?)?$"
)


def parse_set(text: str, service_ids: set[str], scale: int) -> Override:
    """``PARAM=VALUE``, ``PARAM+=VALUE`` or ``PARAM*=VALUE``, optionally ``@FIRST[-LAST]``
    (``@FIRST`` alone: from FIRST to the horizon).

    Money values are in the plan's amount scale, as in its files.

    >>> parse_set("assumptions.interest_rate+=0.02@2019-2040", set(), 1000).op
    'add'
    """
    m = SET_SYNTAX.match(text.strip())
    if not m:
        raise ScenarioError(
            "cannot read the override", field="--set",
            expected="PARAM=VALUE, PARAM+=VALUE or PARAM*=VALUE, optionally @FIRST-LAST "
            "(e.g. assumptions.interest_rate+=0.02@2019-2040)", found=text,
        )
    param = m.group("param")
    unit = parameter_unit(param, service_ids)
    try:
        value = float(m.group("value").replace("_", ""))
    except ValueError:
        raise ScenarioError("not a number", field="--set", expected="a number",
                            found=m.group("value")) from None
    op = {"=": "set", "+=": "add", "*=": "scale"}[m.group("op")]
    if unit == "kroner" and op != "scale":
        value *= scale
    first = int(m.group("first")) if m.group("first") else None
    last = int(m.group("last")) if m.group("last") else None
    return Override(parameter=param, op=op, value=value, first=first, last=last)
