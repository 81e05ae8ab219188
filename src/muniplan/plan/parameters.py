"""The parameters a scenario may change, and the ``--set`` syntax of the command line.

Scenarios are data (DESIGN.md, "The engine" 5): an override names one of these parameters,
years and a value. Knowing the list here, in the plan layer, lets the loader reject an
unknown parameter with the line it stands on, and convert money values from the file's
amount scale like every other amount.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from muniplan.plan.csvio import did_you_mean
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override

Unit = Literal["ratio", "kroner", "years", "factor", "flag"]

PARAMETERS: dict[str, tuple[Unit, str]] = {
    "assumptions.wage_growth": ("ratio", "Årslønnsvekst"),
    "assumptions.price_growth": ("ratio", "Prisvekst"),
    "assumptions.interest_rate": ("ratio", "Rentenivå på lånegjelden"),
    "assumptions.tax_growth": ("ratio", "Realvekst i skatt per innbygger"),
    "assumptions.block_grant_growth": ("ratio", "Realvekst i rammetilskudd per innbygger"),
    "assumptions.fee_growth": ("ratio", "Realvekst i brukerbetalinger per innbygger"),
    "assumptions.other_income_growth": ("ratio", "Realvekst i andre inntekter per innbygger"),
    "assumptions.cost_growth": ("ratio", "Underliggende utgiftsvekst"),
    "assumptions.investment_execution_rate": ("ratio", "Gjennomføringsgrad for investeringer"),
    "assumptions.fund_return_deviation": ("ratio", "Avvik i avkastningen på forvaltningsfondet "
                                          "fra forventet"),
    "income.shortfall": ("ratio", "Inntektssvikt, andel av driftsinntektene"),
    "income.fees": ("factor", "Brukerbetalinger og gebyrer utenom selvkost, faktor (bare *=)"),
    "income.property_tax.housing_rate": ("ratio", "Eiendomsskattesats for bolig og "
                                         "fritidsbolig (0.002 = 2 ‰)"),
    "income.property_tax.other_rate": ("ratio", "Eiendomsskattesats for annen eiendom "
                                       "(0.002 = 2 ‰)"),
    "investments.long_term": ("kroner", "Langsiktig investeringsnivå per år (faste kroner)"),
    "investments.additional": ("kroner", "Tilleggsinvesteringer per år (faste kroner)"),
    "investments.delay": ("years", "Utsettelse av periodens prosjekter, år"),
    "expenses.adjustment": ("kroner", "Endring i driftsutgiftene per år (faste kroner); "
                            "med *= en faktor på alle driftsrammene"),
}
"""Fixed parameters: name → (unit, Norwegian label)."""

SERVICE_PARAMETER = re.compile(r"^services\.([a-z0-9-]+|all)\.(coverage|unit_cost)$")
SERVICE_LABELS = {"coverage": "Dekningsgrad (faktor)", "unit_cost": "Enhetskostnad (faktor)"}
SECTOR_PARAMETER = re.compile(r"^sectors\.([a-z0-9-]+|all)\.frame$")
AREA_PARAMETER = re.compile(r"^program_areas\.([a-z0-9-]+)\.frame$")
INVESTMENT_PARAMETER = re.compile(r"^investments\.([a-z0-9-]+)\.(delay|cost|remove)$")
INVESTMENT_UNITS: dict[str, Unit] = {"delay": "years", "cost": "kroner", "remove": "flag"}

PATTERNS = ("services.<id>.coverage", "services.<id>.unit_cost", "sectors.<id>.frame",
            "program_areas.<id>.frame", "investments.<id>.delay", "investments.<id>.cost",
            "investments.<id>.remove")


@dataclass(frozen=True)
class PlanIds:
    """The ids an override may name, so a misspelt one is refused before any projection."""

    services: frozenset[str] = frozenset()
    sectors: frozenset[str] = frozenset()
    program_areas: frozenset[str] = frozenset()
    investments: frozenset[str] = frozenset()

    @classmethod
    def of(cls, plan: object) -> PlanIds:
        """The ids of a loaded :class:`~muniplan.plan.model.Plan`."""
        return cls(frozenset(s.id for s in plan.services),  # type: ignore[attr-defined]
                   frozenset(s.id for s in plan.sectors),  # type: ignore[attr-defined]
                   frozenset(plan.program_area_ids()),  # type: ignore[attr-defined]
                   frozenset(i.id for i in plan.investments))  # type: ignore[attr-defined]


def _check_id(kind: str, found: str, known: frozenset[str], name: str,
              allow_all: bool = False) -> None:
    if found in known or (allow_all and found == "all"):
        return
    raise ScenarioError(
        f"unknown {kind} {found!r}" + did_you_mean(found, known), field="parameter",
        expected=f"one of {', '.join(sorted(known)) or '(none in this plan)'}"
        + (" or 'all'" if allow_all else ""), found=name,
    )


def parameter_unit(name: str, ids: PlanIds | set[str]) -> Unit:
    """The unit of ``name``; ScenarioError naming the known parameters or ids if unknown.

    ``ids`` may be a bare set of service ids (the levers before sectors and projects had
    their own)."""
    if not isinstance(ids, PlanIds):
        ids = PlanIds(services=frozenset(ids))
    if name in PARAMETERS:
        return PARAMETERS[name][0]
    if m := SERVICE_PARAMETER.match(name):
        _check_id("service", m.group(1), ids.services, name, allow_all=True)
        return "factor"
    if m := SECTOR_PARAMETER.match(name):
        _check_id("sector", m.group(1), ids.sectors, name, allow_all=True)
        return "kroner"
    if m := AREA_PARAMETER.match(name):
        _check_id("program area", m.group(1), ids.program_areas, name)
        return "kroner"
    if m := INVESTMENT_PARAMETER.match(name):
        _check_id("investment", m.group(1), ids.investments, name)
        return INVESTMENT_UNITS[m.group(2)]
    known = ", ".join(list(PARAMETERS) + list(PATTERNS))
    raise ScenarioError("unknown parameter" + did_you_mean(name, PARAMETERS), field="parameter",
                        expected=known, found=name)


SET_SYNTAX = re.compile(
    r"^(?P<param>[a-z_.0-9-]+)\s*(?P<op>\+=|\*=|=)\s*(?P<value>[-+0-9.eE_]+)"
    r"(?:@(?P<first>\d{4})(?:-(?P<last>\d{4}))?)?$"
)


def parse_set(text: str, service_ids: PlanIds | set[str], scale: int) -> Override:
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
