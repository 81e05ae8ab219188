"""The plan folder's format, described once: files, columns, kinds, units, references.

Why one description: the loader reads it, the writers (``init``, roll-forward, the Excel
workbook) write it, and ``docs/plan-format.md`` lists it. Were each to keep its own list of
columns and money fields they would drift apart (a column the loader knows and Excel drops, a
money field read in 1000 kr by one and in kroner by the other). Here a table is a tuple of
:class:`Column`; a money field in a YAML file is a :class:`MoneyPath`; a reference between
entities is a :class:`Reference`. Nothing here reads a file.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from muniplan.plan import simulator_limits
from muniplan.plan.model import INVESTMENT_CATEGORIES, MEASURE_STATUSES, Plan

Kind = Literal["id", "text", "money", "whole", "fraction", "bool", "choice", "number", "ids"]

KIND_TEXT = {
    "id": "id (text without spaces)",
    "text": "text",
    "money": "amount in the folder's `amount_scale`",
    "whole": "whole number",
    "fraction": "fraction (0.2, never 20)",
    "bool": "`true` or `false` (also `ja`/`nei`, `SANN`/`USANN`)",
    "choice": "one of the listed values",
    "number": "number",
    "ids": "ids separated by `;`",
}
"""How each kind is written, for the reference page."""


@dataclass(frozen=True)
class Column:
    """One column of a table: its name in the file, its Norwegian label in a workbook."""

    name: str
    label: str
    kind: Kind
    meaning: str
    required: bool = False
    refers_to: str | None = None
    choices: tuple[str, ...] = ()
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    """A CSV file of the plan folder: fixed columns, then one column per year."""

    file: str
    sheet: str
    entity: str
    id_column: str
    meaning: str
    columns: tuple[Column, ...]
    year_label: str
    year_meaning: str

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required
                     and c.name not in PROVENANCE_NAMES)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@dataclass(frozen=True)
class MoneyPath:
    """Where a YAML file holds amounts in the folder's scale (``*``: any key or item)."""

    file: str
    path: tuple[str, ...]
    meaning: str


@dataclass(frozen=True)
class Reference:
    """A field of one entity that names the id of another."""

    entity: str
    field: str
    target: str
    where: str


ENTITY_TEXT = {
    "sector": "sector (`sector_id` in sectors.csv)",
    "program_area": "programområde (`program_area_id` in sectors.csv)",
    "source": "source (`sources` in plan.yaml)",
}

PROVENANCE = (
    Column("source", "kilde", "ids", "where the figures come from: an id, a URL, or several "
           "ids separated by `;`", refers_to="source"),
    Column("assumption", "forutsetning", "text", "the assumption behind the figures and its "
           "reason, where there is no source"),
)
PROVENANCE_NAMES = frozenset(c.name for c in PROVENANCE)
"""Every table has ``source`` and/or ``assumption``: a figure with neither is an error."""

NOTE_COLUMNS = ("kommentar", "merknad", "note", "notat", "comment", "comments")
"""Columns a person adds for notes: never read as figures, their text kept as the row's
``note`` (case does not matter)."""

SECTORS = Table(
    file="sectors.csv", sheet="Sektorer", entity="program_area", id_column="program_area_id",
    meaning="one row per programområde, grouped in sectors by `sector_id`",
    columns=(
        Column("sector_id", "sektor-id", "id", "the sector (a political committee's area); "
               "rows with the same id form one sector", required=True),
        Column("sector_name", "sektor", "text", "the sector's name, the same on each of its "
               "rows", required=True),
        Column("program_area_id", "programområde-id", "id", "the programområde, unique",
               required=True),
        Column("program_area_number", "nr.", "text", "the programområde's number in the "
               "budget document"),
        Column("program_area_name", "programområde", "text", "the programområde's name",
               required=True),
        Column("frame_basis", "brutto/netto", "choice", "whether the frame is the area's "
               "operating expenses (`brutto`) or expenses less its own fees and refunds "
               "(`netto`); required in every row when the plan has `fees` or `other` income",
               choices=("brutto", "netto")),
        Column("fees", "gebyrer", "money", "the area's part of the plan's income `fees` "
               "in the base year (fixed kroner); the areas add up to it"),
        Column("refunds", "refusjoner", "money", "the area's part of the plan's income "
               "`other` (refunds and transfers) in the base year; the areas add up to it"),
        *PROVENANCE,
    ),
    year_label="ramme", year_meaning="the operating frame (driftsramme) of each plan year; "
    "every plan year needs one and no other year may have one",
)

INVESTMENTS = Table(
    file="investments.csv", sheet="Investeringer", entity="investment", id_column="id",
    meaning="one row per investment project",
    columns=(
        Column("id", "id", "id", "the project, unique", required=True),
        Column("name", "prosjekt", "text", "the project's name", required=True),
        Column("category", "kategori", "choice", "what is built",
               required=True, choices=INVESTMENT_CATEGORIES),
        Column("sector", "sektor", "id", "the sector that owns it", required=True,
               refers_to="sector"),
        Column("program_area", "programområde", "id", "the programområde, if one",
               refers_to="program_area"),
        Column("completion_year", "ferdig år", "whole", "the year it is finished, not "
               "before its first cost, not after the horizon", required=True),
        Column("useful_life", "levetid", "whole", "years of depreciation (1–100)",
               required=True),
        Column("vat_compensation", "momskomp.", "fraction", "momskompensasjon, a share of "
               "the cost (0.2 of a cost with 25 % VAT)", maximum=0.2),
        Column("grants", "tilskudd", "fraction", "grants, a share of the cost", maximum=1),
        Column("sales", "salg", "fraction", "sales of assets, a share of the cost",
               maximum=1),
        Column("loan", "lån", "fraction", "a fixed loan share; empty: the plan's "
               "self-financing rule decides", maximum=1),
        Column("rentable", "rentabel", "bool", "whether it pays for itself (rents, fees)"),
        Column("operating_consequences", "driftskonsekvens", "money", "the yearly change in "
               "operating expenses from the year after completion (fixed base-year kroner)"),
        Column("cost_recovery", "kostnadsdekning", "choice", "how a rentable project "
               "recovers its capital cost: `selvkost` (VAR fees) or `rent`",
               choices=("none", "selvkost", "rent")),
        *PROVENANCE,
    ),
    year_label="kostnad", year_meaning="the cost in each year it has one (from the first "
    "plan year to the horizon); at least one year",
)

TABLES = (SECTORS, INVESTMENTS)

MEASURE_STATUS_CHOICES = MEASURE_STATUSES

MONEY = (
    MoneyPath("plan.yaml", ("income", "*", "amount"), "base-year income by kind"),
    MoneyPath("plan.yaml", ("opening", "debt", "value"), "lånegjeld at 31 December"),
    MoneyPath("plan.yaml", ("opening", "depreciable_assets", "value"),
              "depreciable assets at 31 December"),
    MoneyPath("plan.yaml", ("opening", "depreciation", "value"), "the year's depreciation"),
    MoneyPath("plan.yaml", ("opening", "funds", "*", "amount"), "each fund's balance"),
    MoneyPath("plan.yaml", ("services", "*", "unit_cost"), "a service's cost per user"),
    MoneyPath("plan.yaml", ("finance", "extra_instalments", "value"),
              "instalments above the minimum, a year"),
    MoneyPath("plan.yaml", ("assumptions", "financial_income", "values", "*"),
              "financial income other than a managed fund's return"),
    MoneyPath("plan.yaml", ("long_term_investments", "*", "amount"),
              "the yearly investment level after the plan period"),
    MoneyPath("plan.yaml", ("finance", "property_tax", "housing_base", "value"),
              "the eiendomsskatt base of homes and holiday homes"),
    MoneyPath("plan.yaml", ("finance", "property_tax", "other_base", "value"),
              "the eiendomsskatt base of other property"),
    MoneyPath("plan.yaml", ("rules", "*", "limit"),
              "a rule's limit when its indicator is an amount (a fund); a fraction otherwise"),
    MoneyPath("priorities.yaml", ("priority_areas", "*", "measures", "*", "cost", "*"),
              "a measure's cost by year"),
    MoneyPath("scenarios.yaml", ("scenarios", "*", "overrides", "*", "value"),
              "an override's value when its parameter is in kroner and its op is not `scale`"),
    MoneyPath("scenarios.yaml", ("scenarios", "*", "overrides", "*", "ramp", "*"),
              "the same, for a ramp"),
    MoneyPath("changes.yaml", ("changes", "*", "overrides", "*", "value"), "as in scenarios"),
    MoneyPath("changes.yaml", ("changes", "*", "overrides", "*", "ramp", "*"),
              "as in scenarios"),
)
"""Every amount a YAML file holds. Rules and overrides are amounts only for some indicators
and parameters; the loader decides those per item (see ``plan.load``)."""

REFERENCES = (
    Reference("investment", "sector", "sector", "investments.csv"),
    Reference("investment", "program_area", "program_area", "investments.csv"),
    Reference("measure", "sector", "sector", "priorities.yaml"),
    Reference("service", "program_areas", "program_area", "plan.yaml"),
    Reference("service", "strategy", "strategy", "plan.yaml"),
    Reference("finance", "reserve_fund", "fund", "plan.yaml"),
    Reference("fund_return", "fund", "fund (role `managed`)", "plan.yaml"),
    Reference("fund_return", "buffer_fund", "fund", "plan.yaml"),
    Reference("override", "parameter", "service, sector, programområde or investment",
              "scenarios.yaml, changes.yaml"),
    Reference("any figure", "source", "source", "every file"),
)

FILES = (
    ("plan.yaml", True, "municipality, period, base year, horizon, law regime, amount scale, "
     "price basis, sources, assumptions, income, opening balances, finance policy, "
     "long-term investment level, strategies, rules, services, the budget simulator's "
     "limits"),
    ("sectors.csv", True, SECTORS.meaning + ": operating frame per plan year"),
    ("investments.csv", True, INVESTMENTS.meaning + ": category, sector, financing, cost "
     "per year"),
    ("priorities.yaml", False, "priority areas with measures (cost per year, status) and "
     "targets"),
    ("scenarios.yaml", False, "stress tests and levers: overrides by parameter and year"),
    ("changes.yaml", False, "the changes a version (an alternative budget) makes, applied "
     "before any scenario"),
    ("population/", False, "population.csv, mortality.csv, fertility.csv, population.yaml"),
    ("SOURCES.md", False, "what every figure rests on, for people"),
)
"""The files of a plan folder: name, required, what it holds."""

REQUIRED_FILES = tuple(name for name, required, _ in FILES if required)


@dataclass(frozen=True)
class Key:
    """A key of plan.yaml. Whether it is required and the fields it holds are read from the
    model (``Plan``), so the page cannot drift from what the loader accepts; ``form``
    overrides that where the file writes the value otherwise (``price_basis``)."""

    name: str
    meaning: str
    form: str | None = None


PLAN_KEYS = (
    Key("schema_version", "the format's version"),
    Key("id", "the plan's id, a slug such as `baerum-2018-2021`"),
    Key("title", "the plan's title"),
    Key("municipality", "the kommune: its name and kommunenummer (four digits, quoted: "
        "`\"0301\"`)"),
    Key("period", "the økonomiplan years, at least four (kommuneloven § 14-4)"),
    Key("base_year", "the first plan year or the year before; the population starts on its "
        "1 January"),
    Key("horizon", "the last projected year (LDIP: 20 years)"),
    Key("law_regime", "the minimum-instalment rule and the mandatory overviews: kommuneloven "
        "1992 or 2018 (quoted)"),
    Key("amount_scale", "kroner per unit written in the folder's amounts"),
    Key("price_basis", "faste kroner of a year or løpende (nominal) kroner",
        form="`fixed YEAR` or `nominal`"),
    Key("status", "where the plan stands"),
    Key("adopted", "the decision text, when adopted"),
    Key("sources", "what the figures come from; every `source` in the folder names one of "
        "these ids (or is a URL)"),
    Key("assumptions", "series by year (below); `population_index` is the fallback without "
        "population data, `financial_income` kroner (nominal) of financial income other than "
        "a forvaltningsfond's return, `cost_growth` the underlying real growth of operating "
        "expenses, `investment_execution_rate` the gjennomføringsgrad (share of the year's "
        "budget plus last year's carry-forward spent, above 0 and at most 1)"),
    Key("income", "base-year income; `id` one of `tax`, `block_grant`, `property_tax`, "
        "`fees`, `other`"),
    Key("opening", "balances at 31 December before the plan, each `{value, source, "
        "assumption}`; `weighted_useful_life` (the assets' useful life weighted by book "
        "value) is what the 1992 minimum instalment uses, else `weighted_remaining_life`; "
        "`funds` a list of `{id, name, amount, role}`, role `buffer`, `reserve`, `managed` "
        "(a forvaltningsfond, see `fund_return`) or `other`"),
    Key("finance", "the finance policy: `self_financing_share` (share of non-rentable "
        "investments financed from operations), `reserve_fund` (the fund that takes each "
        "year's surplus or deficit), `extra_instalments` (kroner a year above the minimum), "
        "`demography_in_frames` (true if the frames already hold the period's demographic "
        "growth), `transfer_limit` (`result_and_funds`, the default, `result` or `none`: how "
        "much of the planned transfer to investment operations must carry; the rest is "
        "borrowed), `fund_return` (`{fund, buffer_fund, expected_real_return: series, "
        "spread}`: the managed fund, the fund that takes the return's deviation, the expected "
        "real return the budget counts on, the standard deviation of the yearly return), "
        "`income_equalisation` (`{tax_ratio, compensation, extra_compensation, threshold}`: "
        "inntektsutjevning, tax per inhabitant over the national average in the base year "
        "and the 0.60 / 0.35 / 0.90 parameters; the block grant is then read as including "
        "the base year's equalisation), `property_tax` (`{housing_base, other_base, "
        "housing_rate, other_rate, levied_since}`: eiendomsskatt, the tax bases in the "
        "file's scale after reduksjonsfaktor and bunnfradrag, the rates as fractions "
        "(0.002 = 2 ‰, at most 0.007) and the first year it was written out, needed for a "
        "rate above zero; `docs/income-levers.md`); see `docs/finance.md`"),
    Key("long_term_investments", "the yearly investment level after the plan period; "
        "`rentable_cost_recovery` (`none`, `selvkost` or `rent`) is how the rentable part "
        "recovers its capital cost, `program_area` the programområde its fees or rents "
        "belong to"),
    Key("strategies", "the plan's main levers"),
    Key("rules", "handlingsregler (below)"),
    Key("services", "services whose users grow with the population (below)"),
    Key("simulator", "how far the citizens' budget simulator lets each lever move; defaults "
        "and bounds in \"plan.yaml: `simulator`\" below"),
)
"""The keys of plan.yaml, in the order a plan writes them."""

IN_OTHER_FILES = frozenset({"sectors", "investments", "priority_areas", "scenarios",
                            "changes", "population", "digest"})
"""Fields of ``Plan`` that plan.yaml does not hold: the other files fill them."""


def key_form(key: Key) -> str:
    """How the key's value is written, read from its annotation in the model."""
    if key.form is not None:
        return key.form
    return _form(Plan.model_fields[key.name].annotation)


def _form(annotation: Any) -> str:
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        return " or ".join(_form(a) for a in args if a is not type(None))
    if origin is Literal:
        return ", ".join(f'`"{a}"`' if isinstance(a, str) else f"`{a}`" for a in args)
    if origin is tuple and args:
        return f"a list of {_form(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        fields = [f"{n}{'' if f.is_required() else '?'}"
                  for n, f in annotation.model_fields.items()]
        return "`{" + ", ".join(fields) + "}`"
    return {int: "whole number", str: "text", float: "number", bool: "`true` or `false`"
            }.get(annotation, str(annotation))


def table(file: str) -> Table:
    """The description of ``file`` (``sectors.csv`` or ``investments.csv``)."""
    return next(t for t in TABLES if t.file == file)


def money_paths(file: str) -> tuple[tuple[str, ...], ...]:
    """The money paths of one YAML file, except those decided per item (rule limits,
    overrides)."""
    return tuple(m.path for m in MONEY if m.file == file
                 and m.path[-1] != "limit" and "overrides" not in m.path)


def labels(tab: Table) -> dict[str, str]:
    """Column name → Norwegian label, for a workbook's header row."""
    return {c.name: c.label for c in tab.columns}


# --- the reference page ------------------------------------------------------------------

BEGIN = "<!-- begin generated: muniplan.plan.format (python -m muniplan.plan.format) -->"
END = "<!-- end generated -->"


def markdown() -> str:
    """The generated part of ``docs/plan-format.md``: files, tables, money, references."""
    out = ["## Files", "", "| file | required | holds |", "|---|---|---|"]
    out += [f"| `{n}` | {'yes' if r else 'no'} | {m} |" for n, r, m in FILES]
    out += ["", "## plan.yaml", "",
            "Its keys, with the form each is written in (a `?` marks an optional field; a "
            "series, `{values, extend, unit, source, assumption}`, is described below):", "",
            "| key | required | form | meaning |", "|---|---|---|---|"]
    for key in PLAN_KEYS:
        required = Plan.model_fields[key.name].is_required()
        out.append(f"| `{key.name}` | {'yes' if required else 'no'} | {key_form(key)} | "
                   f"{key.meaning} |")
    for tab in TABLES:
        out += ["", f"## {tab.file}", "", f"{tab.meaning[0].upper()}{tab.meaning[1:]}. "
                f"Excel sheet *{tab.sheet}*.", "",
                "| column | Excel header | kind | required | meaning |",
                "|---|---|---|---|---|"]
        for c in tab.columns:
            kind = KIND_TEXT[c.kind]
            if c.choices:
                kind = "one of " + ", ".join(f"`{x}`" for x in c.choices)
            if c.maximum is not None:
                kind += f", at most {c.maximum:g}"
            ref = f" Names a {ENTITY_TEXT[c.refers_to]}." if c.refers_to else ""
            out.append(f"| `{c.name}` | {c.label} | {kind} | {'yes' if c.required else 'no'}"
                       f" | {c.meaning}.{ref} |")
        out.append(f"| `YYYY` (one per year) | YYYY | {KIND_TEXT['money']} | — | "
                   f"{tab.year_meaning}. |")
        out += ["", "`source` or `assumption` (or both) on every row. Note columns ("
                + ", ".join(f"`{n}`" for n in NOTE_COLUMNS) + ") are never read as "
                "figures: their text is kept as the row's note and shown beside it on the web "
                "pages and under the document's tables. Any other column is a warning naming "
                "the nearest known one."]
    out += ["", "## Amounts in YAML files", "",
            "Written in the folder's `amount_scale` and converted to whole kroner exactly:", "",
            "| file | where | what |", "|---|---|---|"]
    out += [f"| `{m.file}` | `{'.'.join(m.path)}` | {m.meaning} |" for m in MONEY]
    out += ["", "## References between entities", "",
            "Each is checked on loading; an unknown id is an error naming the nearest known "
            "one (\"did you mean\").", "", "| entity | field | names a | in |",
            "|---|---|---|---|"]
    out += [f"| {r.entity} | `{r.field}` | {r.target} | `{r.where}` |" for r in REFERENCES]
    out += ["", *simulator_limits.markdown()]
    return "\n".join(out) + "\n"


def regenerate(text: str) -> str:
    """``text`` (the reference page) with its generated part replaced by :func:`markdown`."""
    head, sep, rest = text.partition(BEGIN)
    if not sep:
        raise ValueError(f"the page has no line {BEGIN!r}")
    _, sep2, tail = rest.partition(END)
    if not sep2:
        raise ValueError(f"the page has no line {END!r}")
    return f"{head}{BEGIN}\n{markdown()}{END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    import sys
    from pathlib import Path

    page = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/plan-format.md")
    page.write_text(regenerate(page.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {page}")
