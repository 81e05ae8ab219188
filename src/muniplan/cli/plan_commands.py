"""Commands on a plan: validate, show, project, population."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from muniplan.cli.common import (
    DataFormat,
    TableFormat,
    console,
    err_console,
    fail,
    plan_argument,
    print_json,
    print_wrapped,
    warn,
    working,
)
from muniplan.cli.i18n import _, count, current
from muniplan.cli.tables import EDGES, PADDING, column_blocks, wrap_id, write_csv

if TYPE_CHECKING:  # the engine, the models and numpy load inside the commands that use them
    from muniplan.engine.projection import Projection
    from muniplan.plan.model import Plan, Scenario


Format = DataFormat
ShowFormat = TableFormat


class ProjectFormat(str, Enum):
    """``project --format``: also an Excel file of the projection (with ``--out``)."""

    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("show")(show)
    app.command("project")(project_command)
    app.command("population")(population_command)
    app.command("scenarios")(scenarios_command)


def validate(plan: str = plan_argument()) -> None:
    """Check a plan folder; print what it holds, or every problem found, with file and line.

    Exit code 0 when the plan is valid, 2 when it is not.
    """
    from muniplan.plan.advice import plan_warnings
    from muniplan.plan.load import load_plan, resolve, unknown_columns
    from muniplan.report.formatting import millions

    p = load_plan(plan)
    total = sum(i.total_cost for i in p.investments)
    holds = ", ".join([
        count(len(p.sectors), "sektor", "sektorer"),
        count(sum(len(s.program_areas) for s in p.sectors), "programområde", "programområder"),
        count(len(p.investments), "investering", "investeringer")
        + " " + _("({0} mill. kr)").replace("{0}", millions(total, 0, current())),
        count(len(p.priority_areas), "satsingsområde", "satsingsområder"),
        count(len(p.rules), "handlingsregel", "handlingsregler"),
        count(len(p.services), "tjeneste", "tjenester"),
    ])
    console.print(
        f"[green]ok[/] {escape(str(resolve(plan)))}: {escape(p.title)} — "
        f"{escape(p.municipality.name)}, {p.period.first}–{p.period.last} "
        f"({_('horisont')} {p.horizon}), {holds}, "
        + (_("befolkningsdata") if p.population is not None else _("ingen befolkningsdata"))
    )
    for warning in [*unknown_columns(plan),
                    *(f"{w.file}: {_(w.message)}" for w in plan_warnings(p))]:
        warn(warning)


def show(plan: str = plan_argument(),
         format: ShowFormat = typer.Option(ShowFormat.table, "--format", "-f",
                                           help="table or json (whole kroner)")) -> None:
    """Show the plan: sectors with frames, investments, priority areas, rules."""
    from muniplan.plan.load import load_plan
    from muniplan.plan.model import CATEGORY_LABELS
    from muniplan.report.data import plan_to_dict
    from muniplan.report.formatting import millions

    p = load_plan(plan)
    if format is ShowFormat.json:
        print_json(plan_to_dict(p))
        return
    lang = current()
    years = list(p.period.years)
    t = Table(title=_("{0} — driftsrammer (mill. kr, {1})").format(
        p.title, _(p.price_basis.label())))
    t.add_column(_("Sektor"))
    for y in years:
        t.add_column(str(y), justify="right")
    for s in p.sectors:
        frame = s.operating_frame()
        t.add_row(s.name, *(millions(frame.get(y), 1, lang) for y in years))
    console.print(t)
    _print_notes([a for s in p.sectors for a in s.program_areas])
    t = Table(title=_("Investeringer (mill. kr)"))
    for col in ("Prosjekt", "Kategori", "Ferdig", "Sum"):
        t.add_column(_(col), justify="right" if col in ("Ferdig", "Sum") else "left")
    for i in p.investments:
        t.add_row(i.name, _(CATEGORY_LABELS.get(i.category, i.category)),
                  str(i.completion_year), millions(i.total_cost, 1, lang))
    t.add_row(f"[b]{_('Sum')}[/]", "", "",
              f"[b]{millions(sum(i.total_cost for i in p.investments), 1, lang)}[/]")
    console.print(t)
    _print_notes(p.investments)
    for a in p.priority_areas:
        console.print(f"[b]{a.name}[/]: " + "; ".join(m.name for m in a.measures))
    for r in p.rules:
        console.print(f"[b]{r.id}[/] {r.name}")


def _print_notes(rows: Sequence[object]) -> None:
    """The rows' notes (the kommentar, merknad or note column of the plan's CSV files)
    under their table, one a line: a note column would squeeze the figures out of 80
    columns."""
    for row in rows:
        note = getattr(row, "note", None)
        if note:
            print_wrapped(f"[dim]{_('Merknad')}[/] – {escape(getattr(row, 'name', ''))}: "
                f"{escape(note)}")


def _scenarios(p: Plan, names: list[str] | None, sets: list[str] | None) -> list[Scenario]:
    """The named scenarios of the plan, then the command line's overrides, in order."""
    from muniplan.plan.model import Scenario
    from muniplan.plan.parameters import PlanIds, parse_set

    known = {s.id: s for s in p.scenarios}
    chosen: list[Scenario] = []
    for name in names or []:
        if name not in known:
            fail(f"--scenario: unknown scenario {name!r} (expected one of "
                 f"{', '.join(known) or 'none: the plan has no scenarios.yaml'})")
        chosen.append(known[name])
    if sets:
        overrides = tuple(parse_set(text, PlanIds.of(p), p.amount_scale) for text in sets)
        chosen.append(Scenario(id="kommandolinje", name="Endringer fra kommandolinjen",
                               kind="alternative", assumption="given on the command line",
                               overrides=overrides))
    return chosen


def _run(plan: str | None, to: int | None, draws: int = 1, seed: int | None = None,
         scenarios: list[str] | None = None, sets: list[str] | None = None,
         show_progress: bool = False) -> tuple[Plan, Projection]:
    from muniplan.engine.projection import MAX_DRAWS, project
    from muniplan.plan.load import load_plan

    p = load_plan(plan)
    if to is not None and not (p.period.last <= to <= 2100):
        fail(f"--to: expected a year from the end of the plan period ({p.period.last}) "
             f"to 2100, found {to}")
    if not 1 <= draws <= MAX_DRAWS:
        fail(f"--draws: expected 1 to {MAX_DRAWS}, found {draws}")
    chosen = _scenarios(p, scenarios, sets)
    if draws > 1 and show_progress and err_console.is_terminal:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from muniplan.engine.montecarlo import STAGES as MC_STAGES

        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task(_("{0} trekninger").format(draws), total=len(MC_STAGES))

            def step(stage: str) -> None:
                bar.update(task, description=_("{0} trekninger: {1}").format(draws, _(stage)),
                           advance=1)

            return p, project(p, to_year=to, draws=draws, seed=seed, scenarios=chosen,
                              progress=step)
    return p, project(p, to_year=to, draws=draws, seed=seed, scenarios=chosen)


def project_command(
    plan: str = plan_argument(),
    to: int = typer.Option(None, "--to", help="Last year to project (default: the plan's "
                           "horizon)."),
    format: ProjectFormat = typer.Option(ProjectFormat.table, "--format", "-f",
                                         help="table, json, csv or xlsx (with --out)."),
    out: Path = typer.Option(None, "--out", "-o", help="With --format xlsx: the Excel file "
                             "to write (the projection's series, Norwegian headers, amounts "
                             "in the plan's unit)."),
    summary: bool = typer.Option(False, "--summary", help="Only the key series and the "
                                 "rule checks."),
    scenario: list[str] = typer.Option(None, "--scenario", "-s", help="A scenario of the "
                                       "plan's scenarios.yaml; repeat to compose them."),
    set_: list[str] = typer.Option(None, "--set", help="An override PARAM=VALUE, "
                                   "PARAM+=VALUE or PARAM*=VALUE, optionally @FIRST-LAST; "
                                   "repeatable (an example above)."),
    years: str = typer.Option("", "--years", help="'all' for every year to the horizon "
                              "(in blocks that fit the width); default: the plan years, then "
                              "every tenth."),
    sep: str = typer.Option(",", "--sep", help="CSV separator: ',' or ';' (for Norwegian "
                            "Excel: decimal comma, BOM, CRLF)."),
    draws: int = typer.Option(1, "--draws", help="Monte Carlo draws (1 = deterministic; at "
                              "most 100 000)."),
    seed: int = typer.Option(None, "--seed", help="Seed of a Monte Carlo run (required with "
                             "--draws > 1)."),
) -> None:
    """Project the plan's finances year by year to the horizon: income, expenses, debt,
    the net operating result, every rule checked, and the savings need; with --draws, the
    percentile fans and the probability that each rule breaks.

    With --set assumptions.interest_rate+=0.02@2019-2040 the interest rate is 2 points
    higher from 2019 to 2040."""
    from muniplan.report.data import projection_to_dict

    if draws > 1 and seed is None:
        fail("--seed: a Monte Carlo run (--draws > 1) needs a seed so it can be repeated")
    if years not in ("", "all"):
        fail(f"--years: expected 'all', found {years!r}")
    if sep not in (",", ";"):
        fail(f"--sep: expected ',' or ';', found {sep!r}")
    if format is ProjectFormat.xlsx and out is None:
        fail("--format xlsx: expected --out FILE.xlsx")
    if out is not None and format is not ProjectFormat.xlsx:
        fail("--out: only with --format xlsx")
    if out is not None and out.suffix.lower() != ".xlsx":
        fail(f"--out: expected a file ending in .xlsx, found {str(out)!r}")
    p, proj = _run(plan, to, draws, seed, scenario, set_, show_progress=True)
    if format is ProjectFormat.json:
        print_json(projection_to_dict(proj))
        return
    if format is ProjectFormat.csv:
        _write_csv(proj, sep)
        return
    if format is ProjectFormat.xlsx:
        _write_xlsx(p, proj, out)
        return
    from muniplan.report.formatting import SUMMARY_SERIES, distinct_series

    names = SUMMARY_SERIES if summary else distinct_series(
        tuple(proj.series), [(f.id, f.role) for f in p.opening.funds])
    _print_table(proj, names, years == "all")
    _print_checks(proj)
    if proj.samples is not None:
        _print_fans(proj)


def _print_fans(proj: Projection) -> None:
    from muniplan.report.formatting import figure, millions, percent, short_label

    years = list(proj.years)
    shown = _shown_years(proj)
    idx = [years.index(y) for y in shown]
    q = proj.quantiles(["net_operating_result_ratio", "debt_ratio", "reserve_fund"])
    lang = current()
    rows = [(f"{_(short_label(name, proj, lang))} p{round(float(k) * 100)}",
             [figure(name, q[k][name][i], lang, decimals=0) for i in idx])
            for name in ("net_operating_result_ratio", "debt_ratio", "reserve_fund",
                         "savings_need") for k in ("0.05", "0.5", "0.95")]
    _print_years(proj, shown, rows, False, lambda span: _(
        "Usikkerhet: {0} trekninger, frø {1} (persentiler; mill. løpende kr)").format(
        proj.provenance["draws"], proj.provenance["seed"]))
    # a rule by its name, as the checks above give it, not by the plan file's id (R1)
    names = {c.rule: _(c.name) for c in proj.checks}
    rows = [(names.get(rule, rule), [percent(float(p[i]), 0, lang) for i in idx])
            for rule, p in (proj.breach_probability or {}).items()]
    _print_years(proj, shown, rows, False,
                 lambda span: _("Sannsynlighet for brudd på handlingsreglene"), _("Regel"))
    for prob in (0.8, 0.95):
        need = proj.savings_need_at(prob)
        console.print(
            _("Innsparingsbehov som holder alle regler med {0} % sannsynlighet (mill. løpende "
              "kr): {1}").format(round(prob * 100), "; ".join(
                f"{y}: {millions(float(need[years.index(y)]), 0, lang)}" for y in shown))
        )


def _write_csv(proj: Projection, sep: str = ",") -> None:
    from muniplan.report.data import projection_rows

    write_csv([["series", "label", "unit", "price_basis", *proj.years],
               *([name, text, unit, basis or "", *values]
                 for name, text, unit, basis, values in projection_rows(proj))], sep)


def _write_xlsx(p: Plan, proj: Projection, out: Path) -> None:
    """The workbook's Framskrivning sheet alone, written whole or not at all."""
    from muniplan.report.excel import export_projection
    from muniplan.report.output import write_file

    write_file(out, export_projection(p, proj))
    print_wrapped("[green]ok[/] " + _("skrev {0}").format(escape(str(out))))


def _shown_years(proj: Projection) -> list[int]:
    """The plan years, then every tenth year and the horizon: fits 80 columns."""
    years = list(proj.years)
    first, last = proj.period
    shown = [y for y in years if first <= y <= last or y % 5 == 0 or y == years[-1]]
    if len(shown) > 7:
        shown = [y for y in shown if y <= last or y == years[-1] or y % 10 == 0]
    return shown


def _print_table(proj: Projection, names: tuple[str, ...], all_years: bool = False) -> None:
    """The series by year, in as many blocks of years as the width needs: no number cut."""
    from muniplan.report.formatting import figure, short_label, unit_suffix

    years = list(proj.years)
    shown = years if all_years else _shown_years(proj)
    idx = [years.index(y) for y in shown]
    lang = current()
    rows = [(_(short_label(n, proj, lang)) + unit_suffix(n, lang),
             [figure(n, float(proj.series[n][i]), lang, decimals=0) for i in idx])
            for n in names if n in proj.series]
    rows.append((_("Innsparingsbehov"), [_need(proj, i) for i in idx]))
    _print_years(proj, shown, rows, all_years,
                 lambda span: _("{0}: framskrivning {1} (mill. løpende kr)").format(
                     proj.municipality["name"], span))


def _print_years(proj: Projection, shown: list[int], rows: list[tuple[str, list[str]]],
                 all_years: bool, title: Callable[[str], str], head: str = "") -> None:
    """Rows of cells by year, in as many blocks of years as the width needs: no number cut
    (rich would cut a cell that does not fit to "105,0…")."""
    years = list(proj.years)
    # a long label wraps onto a second line rather than pushing the years out of the width
    label_width = min(LABEL_WIDTH, max(len(label) for label, _cells in [(head, []), *rows]))
    widths = [max(len(str(y)), *(len(cells[j]) for _label, cells in rows))
              for j, y in enumerate(shown)]
    blocks = column_blocks(label_width, widths, console.width)
    last = proj.period[1]
    while not all_years and len(blocks) > 1:
        # fewer columns rather than a second table: drop the latest year between the plan
        # period and the horizon
        between = [j for j in blocks[-2] + blocks[-1] if last < shown[j] < years[-1]]
        if not between:
            break
        blocks = [[j for j in b if j != between[-1]] for b in blocks]
        keep = [j for b in blocks for j in b]
        blocks = column_blocks(label_width, [widths[j] for j in keep], console.width)
        blocks = [[keep[i] for i in b] for b in blocks]
    for block in blocks:
        span = f"{shown[block[0]]}–{shown[block[-1]]}" if len(block) > 1 else str(shown[block[0]])
        t = Table(title=title(span), box=box.SIMPLE_HEAD)
        t.add_column(head, min_width=label_width, max_width=label_width)
        for j in block:
            t.add_column(str(shown[j]), justify="right", no_wrap=True)
        for label, cells in rows:
            t.add_row(label, *(cells[j] for j in block))
        console.print(t)


LABEL_WIDTH = 26
"""The widest label column of the projection table: 80 columns then hold five years."""


def _need(proj: Projection, i: int) -> str:
    """The need in a table cell: a number, or "kan ikke" where it cannot be computed."""
    from muniplan.report.formatting import millions

    if proj.savings_reason_text(i) is not None:
        return _("kan ikke")
    return millions(float(proj.savings_need[i]), 0, current())


def _print_checks(proj: Projection) -> None:
    broken: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for c in proj.checks:
        names[c.rule] = c.name
        if c.ok is False:
            broken.setdefault(c.rule, []).append(c.year)
        else:
            broken.setdefault(c.rule, [])
    for rule, years in broken.items():
        not_projected = all(c.ok is None for c in proj.checks if c.rule == rule)
        if not_projected:
            console.print(f"[dim]–[/] {_(names[rule])}: "
                          + _("ikke framskrevet (oppfølgingsindikator)"))
        elif years:
            console.print(f"[red]✗[/] {_(names[rule])}: " + _("brutt i {0}").format(_spans(years)))
        else:
            console.print(f"[green]✓[/] {_(names[rule])}: " + _("holdes i alle år"))
    console.print(savings_summary(proj))


def savings_summary(proj: Projection) -> str:
    """The savings need in words: when it cannot be computed, why; else its level and the
    new savings in the last year, fixed and nominal, and what it rests on."""
    import numpy as np

    from muniplan.report.formatting import millions, percent

    lang = current()
    need = proj.savings_need
    years = list(proj.years)
    blocked = [i for i in range(len(years)) if proj.savings_reason_text(i) is not None]
    if blocked:
        i = blocked[0]
        return _("Innsparingsbehov: kan ikke beregnes i {0}: reglene kan ikke holdes med kutt "
                 "i driften — {1} (første gang {2}).").format(
            _spans([years[j] for j in blocked]), proj.savings_reason_text(i, lang), years[i])
    if not np.any(need > 0):
        return _("Innsparingsbehov: ingen — alle handlingsregler holdes i alle år.")
    s = proj.series
    lines = [
        _("Innsparingsbehov fra {0}. I {1} må innsparinger på {2} mill. {3}-kr ({4} mill. "
          "løpende kr, {5} av driftsutgiftene) være på plass; {6} mill. {3}-kr av dem er nye "
          "det året.").format(
            years[int(np.argmax(need > 0))], years[-1],
            millions(float(s["savings_need_fixed"][-1]), 0, lang), proj.base_year,
            millions(float(need[-1]), 0, lang),
            percent(float(need[-1] / s["operating_expenses"][-1]), 1, lang),
            millions(float(s["savings_new_fixed"][-1]), 0, lang)),
        _("Det hviler på (endring fra {0}, mill. {1}-kr): {2}.").format(
            years[0], proj.base_year, "; ".join(
                f"{proj.label(k, lang).removeprefix('Drivere: ').removeprefix('Drivers: ')} "
                f"{millions(float(s[k][-1]), 0, lang)}" for k in DRIVERS)),
    ]
    return "\n".join(lines)


DRIVERS = ("driver_demography", "driver_cost_growth", "driver_capital", "driver_income",
           "driver_other")


def _spans(years: list[int]) -> str:
    out, start, prev = [], years[0], years[0]
    for y in years[1:] + [None]:
        if y is not None and y == prev + 1:
            prev = y
            continue
        out.append(str(start) if start == prev else f"{start}–{prev}")
        if y is not None:
            start = prev = y
    return ", ".join(out)


def scenarios_command(
    plan: str = plan_argument(),
    to: int = typer.Option(None, "--to", help="Last year (default: the plan's horizon)."),
    format: ShowFormat = typer.Option(ShowFormat.table, "--format", "-f",
                                      help="table or json"),
) -> None:
    """The plan's scenarios side by side: each stress test and lever alone, against the plan
    as written — savings need, net operating result ratio, debt ratio, first breach."""
    from muniplan.engine.compare import compare
    from muniplan.plan.load import load_plan
    from muniplan.report.data import series_list, value
    from muniplan.report.formatting import millions, percent

    p = load_plan(plan)
    with working("Framskriver planen under hvert scenario …"):
        results = compare(p, to_year=to)
    years = list(results[0].projection.years)
    marks = [y for y in (p.period.last, 2030, years[-1]) if y in years]
    if format is ShowFormat.json:
        print_json([
            {"id": r.id, "name": r.name, "kind": r.kind, "first_breach": r.first_breach(),
             "savings_need": {str(y): value("savings_need", float(s)) for y, s in
                              zip(years, r.projection.savings_need, strict=True)},
             "net_operating_result_ratio": series_list(
                 "net_operating_result_ratio",
                 r.projection.series["net_operating_result_ratio"]),
             "debt_ratio": series_list("debt_ratio", r.projection.series["debt_ratio"])}
            for r in results
        ])
        return
    lang = current()
    t = Table(title=_("Scenarier for {0} (innsparingsbehov i mill. løpende kr)").format(p.title),
              box=box.SIMPLE_HEAD)
    heads = [*(_("Behov {0}").format(y) for y in marks),
             _("NDR % {0}").format(years[-1]), _("Gjeldsgrad {0}").format(years[-1]),
             _("Første brudd")]
    base = results[0].projection.savings_need
    rows = []
    for r in results:
        need = r.projection.savings_need
        cells = []
        for y in marks:
            i = years.index(y)
            diff = need[i] - base[i]
            cells.append(millions(float(need[i]), 0, lang)
                         + ("" if r.id == "plan" else f"\n({'+' if diff >= 0 else ''}"
                            f"{millions(float(diff), 0, lang)})"))
        first = r.first_breach()
        rows.append((r.id, [
            *cells, percent(float(r.projection.series["net_operating_result_ratio"][-1]), 1,
                            lang),
            percent(float(r.projection.series["debt_ratio"][-1]), 0, lang),
            str(first) if first else "–"]))
    # the scenario column gets what the figures leave; an id wraps at its hyphens
    # ('avtjerna-' over 'framskyndet'), not inside a word ('avtjerna-framsk' / 'yndet')
    widths = [max(*map(len, h.rsplit(" ", 1)), *(len(ln) for _id, c in rows
                                                 for ln in c[j].split("\n")))
              for j, h in enumerate(heads)]
    # each figure column and its divider, the edges and padding at both ends of the row
    id_width = max(12, console.width - sum(w + PADDING for w in widths) - 2 * EDGES)
    t.add_column(_("Scenario"), overflow="fold", min_width=12, max_width=id_width)
    for head in heads:
        # a figure never wraps; the heading takes two lines, its year (last word) the second
        t.add_column("\n".join(head.rsplit(" ", 1)), justify="right", no_wrap=True)
    for rid, cells in rows:
        t.add_row(wrap_id(rid, id_width), *cells)
    console.print(t)
    for r in results[1:]:
        console.print(f"[b]{r.id}[/]: {r.name}")


def population_command(
    plan: str = plan_argument(),
    from_year: int = typer.Option(None, "--from", help="Base year: its 1 January population "
                                  "is the start and no later data is used (default: the "
                                  "plan's base year)."),
    to: int = typer.Option(None, "--to", help="Last year (default: the plan's horizon)."),
    draws: int = typer.Option(1000, "--draws", help="Stochastic draws for the prediction "
                              "intervals (1 = deterministic only; at most 100 000)."),
    seed: int = typer.Option(1, "--seed", help="Seed of the random draws."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv"),
) -> None:
    """Project the population by age and sex (cohort-component), with 90 % intervals."""
    from muniplan.cli.population_view import population

    population(plan, from_year, to, draws, seed, format.value)
