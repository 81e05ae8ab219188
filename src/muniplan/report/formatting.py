"""Numbers and labels for people: Norwegian number format and the series' names.

One place for how figures look (``1 234,5 mill. kr``, ``4,0 %``) and what they are called,
used by the CLI, the web pages and the documents alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from muniplan.engine.registry import spec
from muniplan.plan.money import round_kroner

if TYPE_CHECKING:
    from muniplan.engine.projection import Projection

NBSP = "\u00a0"

SHORT_LABELS: dict[str, str] = {
    "operating_income": "Driftsinntekter",
    "operating_expenses": "Driftsutgifter",
    "depreciation": "Avskrivninger",
    "gross_operating_result": "Brutto driftsres.",
    "interest": "Renteutgifter",
    "instalments": "Avdrag",
    "net_operating_result": "Netto driftsres.",
    "net_operating_result_ratio": "Netto driftsres. %",
    "demographic_cost": "Demografikostn.",
    "investments": "Investeringer",
    "new_loans": "Bruk av lån",
    "debt": "Lånegjeld",
    "debt_ratio": "Gjeldsgrad",
    "reserve_fund": "Disposisjonsfond",
    "savings_need": "Innsparingsbehov",
}
"""Labels short enough for an 80-column terminal table."""


def short_label(name: str, proj: Projection | None = None, lang: str = "nb") -> str:
    """A table's short label; a family member (a sector's expenses, a project) is named by
    the projection, which knows its entity's name."""
    if name in SHORT_LABELS:
        return SHORT_LABELS[name]
    return proj.label(name, lang) if proj is not None else label(name, lang)


SUMMARY_SERIES = (
    "operating_income", "operating_expenses", "depreciation", "gross_operating_result",
    "interest", "instalments", "net_operating_result", "net_operating_result_ratio",
    "demographic_cost", "investments", "new_loans", "debt", "debt_ratio", "reserve_fund",
)

ROLE_SERIES = {"buffer": "buffer_fund", "reserve": "liquidity_reserve"}
"""The engine's series of a fund role: the sum of the plan's funds holding it."""


def distinct_series(names: Sequence[str], funds: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """``names`` without a fund's own series (``fund_<id>``) where that fund alone holds the
    buffer or reserve role: then it is the role's series, the same figure, and a reader
    would see it twice under two names (``Bufferfond`` and ``Fond, Bufferfond``).
    ``funds`` are the plan's funds as (id, role)."""
    roles = [role for _, role in funds]
    same = {f"fund_{fid}" for fid, role in funds
            if role in ROLE_SERIES and roles.count(role) == 1 and ROLE_SERIES[role] in names}
    return tuple(n for n in names if n not in same)


def label(name: str, lang: str = "nb") -> str:
    """The Norwegian (or English) label of a series, from the engine's registry; a family
    member without its entity's name shows its id. Outputs that hold the projection use
    ``Projection.label``, which knows the names."""
    try:
        return spec(name).label(lang)
    except KeyError:
        return name


def group_digits(text: str, sep: str = NBSP) -> str:
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + sep.join(groups)


def number(x: float | None, decimals: int = 0, lang: str = "nb") -> str:
    """``1234.5`` → ``1 234,5`` (nb, with no-break spaces) or ``1,234.5`` (en)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    q = round(float(x), decimals)
    if q == 0:
        q = 0.0  # no "-0"
    text = f"{abs(q):.{decimals}f}"
    whole, _, frac = text.partition(".")
    whole = group_digits(whole, NBSP if lang == "nb" else ",")
    out = whole + ((("," if lang == "nb" else ".") + frac) if frac else "")
    return ("−" if q < 0 else "") + out


def plain(x: float | None, lang: str = "nb") -> str:
    """A figure as written, with no fixed decimals (a target: ``16 000``, ``2,5``), but in
    the language's digit groups and decimal mark, as every other number of the page."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    _, _, frac = f"{float(x):.6f}".rstrip("0").partition(".")
    return number(x, min(len(frac), 6), lang)


def millions(kroner: float | None, decimals: int = 1, lang: str = "nb") -> str:
    """Kroner shown in millions: ``1 234,5``."""
    if kroner is None or (isinstance(kroner, float) and math.isnan(kroner)):
        return "–"
    return number(kroner / 1e6, decimals, lang)


def thousands(kroner: float | None, lang: str = "nb") -> str:
    """Kroner shown in 1000 kr, rounded half away from zero (the documents' unit)."""
    if kroner is None or (isinstance(kroner, float) and math.isnan(kroner)):
        return "–"
    return number(round_kroner(kroner, 1000), 0, lang)


def percent(fraction: float | None, decimals: int = 1, lang: str = "nb") -> str:
    if fraction is None or (isinstance(fraction, float) and math.isnan(fraction)):
        return "–"
    return number(100 * fraction, decimals, lang) + (NBSP + "%")


def figure(name: str, x: float | None, lang: str = "nb", decimals: int = 1) -> str:
    """A series value in its natural unit: percent, index, years, persons, a code, or
    million kroner. A code (``robek_status``: 1 = yes) is shown as it is: in millions it
    would read 0 in the very years the engine says 1."""
    unit = spec(name).unit
    if unit == "ratio":
        return percent(x, 1, lang)
    if unit == "index":
        return number(x, 3, lang)
    if unit == "years":
        return number(x, 1, lang)
    if unit in ("persons", "code"):
        return number(x, 0, lang)
    return millions(x, decimals, lang)


UNIT_SUFFIXES = {"persons": (" (personer)", " (persons)"), "years": (" (år)", " (years)"),
                 "index": (" (indeks)", " (index)")}
"""What a table row says of its unit when the table's title (mill. kr) does not hold it."""


def unit_suffix(name: str, lang: str = "nb") -> str:
    """`` (personer)`` for a series counted in persons, and so on; empty for kroner, a
    ratio (its cells carry %), or a code (its label says what 1 means)."""
    nb, en = UNIT_SUFFIXES.get(spec(name).unit, ("", ""))
    return nb if lang == "nb" else en
