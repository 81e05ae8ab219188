"""Commands on a plan: validate, show, project, population."""

from __future__ import annotations

import numpy as np
import typer
from rich import box
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from muniplan.cli.common import (
    DataFormat,
    TableFormat,
    console,
    err_console,
    fail,
    plan_argument,
    print_json,
)
from muniplan.cli.tables import column_blocks, write_csv
from muniplan.engine.compare import compare
from muniplan.engine.montecarlo import STAGES as MC_STAGES
from muniplan.engine.projection import MAX_DRAWS, Projection, project
from muniplan.plan.advice import plan_warnings
from muniplan.plan.load import load_plan, resolve, unknown_columns
from muniplan.plan.model import CATEGORY_LABELS, Plan, Scenario
from muniplan.plan.parameters import PlanIds, parse_set
from muniplan.report.data import (
    plan_to_dict,
    projection_rows,
    projection_to_dict,
    series_list,
    value,
)
from muniplan.report.formatting import (
    SUMMARY_SERIES,
    figure,
    millions,
    percent,
    short_label,
)

Format = DataFormat
ShowFormat = TableFormat


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("show")(show)
    app.command("project")(project_command)
    app.command("population")(population_command)
    app.command("scenarios")(scenarios_command)


def validate(plan: str = plan_argument()) -> None:
    """Check a plan folder; print what it holds, or the first problem with its file and line.

    Exit code 0 when the plan is valid, 2 when it is not.
    """
    p = load_plan(plan)
    total = sum(i.total_cost for i in p.investments)
    console.print(
        f"[green]ok[/] {resolve(plan)}: {p.title} — {p.municipality.name}, "
        f"{p.period.first}–{p.period.last} (horizon {p.horizon}), "
        f"{len(p.sectors)} sectors, {sum(len(s.program_areas) for s in p.sectors)} "
        f"programområder, {len(p.investments)} investments ({millions(total, 0)} mill. kr), "
        f"{len(p.priority_areas)} priority areas, {len(p.rules)} rules, "
        f"{len(p.services)} services, "
        + ("population data" if p.population is not None else "no population data")
    )
    for warning in [*unknown_columns(plan), *map(str, plan_warnings(p))]:
        err_console.print(f"[yellow]advarsel:[/] {escape(warning)}", soft_wrap=True)


def show(plan: str = plan_argument(),
         format: ShowFormat = typer.Option(ShowFormat.table, "--format", "-f",
                                           help="table or json (whole kroner)")) -> None:
    """Show the plan: sectors with frames, investments, priority areas, rules."""
    p = load_plan(plan)
    if format is ShowFormat.json:
        print_json(plan_to_dict(p))
        return
    years = list(p.period.years)
    t = Table(title=f"{p.title} — driftsrammer (mill. kr, {p.price_basis.label()})")
    t.add_column("Sektor")
    for y in years:
        t.add_column(str(y), justify="right")
    for s in p.sectors:
        frame = s.operating_frame()
        t.add_row(s.name, *(millions(frame.get(y), 1) for y in years))
    console.print(t)
    t = Table(title="Investeringer (mill. kr)")
    for col in ("Prosjekt", "Kategori", "Ferdig", "Sum"):
        t.add_column(col, justify="right" if col in ("Ferdig", "Sum") else "left")
    for i in p.investments:
        t.add_row(i.name, CATEGORY_LABELS.get(i.category, i.category), str(i.completion_year),
                  millions(i.total_cost, 1))
    t.add_row("[b]Sum[/]", "", "", f"[b]{millions(sum(i.total_cost for i in p.investments), 1)}[/]")
    console.print(t)
    for a in p.priority_areas:
        console.print(f"[b]{a.name}[/]: " + "; ".join(m.name for m in a.measures))
    for r in p.rules:
        console.print(f"[b]{r.id}[/] {r.name}")


def _scenarios(p: Plan, names: list[str] | None, sets: list[str] | None) -> list[Scenario]:
    """The named scenarios of the plan, then the command line's overrides, in order."""
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
         show_progress: bool = False) -> Projection:
    p = load_plan(plan)
    if to is not None and not (p.period.last <= to <= 2100):
        fail(f"--to: expected a year from the end of the plan period ({p.period.last}) "
             f"to 2100, found {to}")
    if not 1 <= draws <= MAX_DRAWS:
        fail(f"--draws: expected 1 to {MAX_DRAWS}, found {draws}")
    chosen = _scenarios(p, scenarios, sets)
    if draws > 1 and show_progress:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True) as bar:
            task = bar.add_task(f"{draws} trekninger", total=len(MC_STAGES))

            def step(stage: str) -> None:
                bar.update(task, description=f"{draws} trekninger: {stage}", advance=1)

            return project(p, to_year=to, draws=draws, seed=seed, scenarios=chosen,
                           progress=step)
    return project(p, to_year=to, draws=draws, seed=seed, scenarios=chosen)


def project_command(
    plan: str = plan_argument(),
    to: int = typer.Option(None, "--to", help="Last year to project (default: the plan's "
                           "horizon)."),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv"),
    summary: bool = typer.Option(False, "--summary", help="Only the key series and the "
                                 "rule checks."),
    scenario: list[str] = typer.Option(None, "--scenario", "-s", help="A scenario of the "
                                       "plan's scenarios.yaml; repeat to compose them."),
    set_: list[str] = typer.Option(None, "--set", help="An override PARAM=VALUE, "
                                   "PARAM+=VALUE or PARAM*=VALUE, optionally @FIRST-LAST, e.g. "
                                   "assumptions.interest_rate+=0.02@2019-2040; repeatable."),
    years: str = typer.Option("", "--years", help="'all' for every year to the horizon "
                              "(in blocks that fit the width); default: the plan years, then "
                              "every tenth."),
    sep: str = typer.Option(",", "--sep", help="CSV separator: ',' or ';' (for Norwegian "
                            "Excel: decimal comma, BOM, CRLF)."),
    draws: int = typer.Option(1, "--draws", help=f"Monte Carlo draws (1 = deterministic; at "
                              f"most {MAX_DRAWS})."),
    seed: int = typer.Option(None, "--seed", help="Seed of a Monte Carlo run (required with "
                             "--draws > 1)."),
) -> None:
    """Project the plan's finances year by year to the horizon: income, expenses, debt,
    the net operating result, every rule checked, and the savings need; with --draws, the
    percentile fans and the probability that each rule breaks."""
    if draws > 1 and seed is None:
        fail("--seed: a Monte Carlo run (--draws > 1) needs a seed so it can be repeated")
    if years not in ("", "all"):
        fail(f"--years: expected 'all', found {years!r}")
    if sep not in (",", ";"):
        fail(f"--sep: expected ',' or ';', found {sep!r}")
    proj = _run(plan, to, draws, seed, scenario, set_, show_progress=format is Format.table)
    if format is Format.json:
        print_json(projection_to_dict(proj))
        return
    if format is Format.csv:
        _write_csv(proj, sep)
        return
    _print_table(proj, SUMMARY_SERIES if summary else tuple(proj.series), years == "all")
    _print_checks(proj)
    if proj.samples is not None:
        _print_fans(proj)


def _print_fans(proj: Projection) -> None:
    years = list(proj.years)
    shown = _shown_years(proj)
    idx = [years.index(y) for y in shown]
    q = proj.quantiles(["net_operating_result_ratio", "debt_ratio", "reserve_fund"])
    t = Table(title=f"Usikkerhet: {proj.provenance['draws']} trekninger, frø "
              f"{proj.provenance['seed']} (persentiler; mill. kr)", box=box.SIMPLE_HEAD)
    t.add_column("", no_wrap=True)
    for y in shown:
        t.add_column(str(y), justify="right", no_wrap=True)
    for name in ("net_operating_result_ratio", "debt_ratio", "reserve_fund", "savings_need"):
        for k in ("0.05", "0.5", "0.95"):
            t.add_row(f"{short_label(name)} p{round(float(k) * 100)}",
                      *(figure(name, q[k][name][i], decimals=0) for i in idx))
    console.print(t)
    t = Table(title="Sannsynlighet for brudd på handlingsreglene", box=box.SIMPLE_HEAD)
    t.add_column("Regel", no_wrap=True)
    for y in shown:
        t.add_column(str(y), justify="right")
    for rule, p in (proj.breach_probability or {}).items():
        t.add_row(rule, *(percent(float(p[i]), 0) for i in idx))
    console.print(t)
    for prob in (0.8, 0.95):
        need = proj.savings_need_at(prob)
        console.print(
            f"Innsparingsbehov som holder alle regler med {round(prob * 100)} % "
            "sannsynlighet (mill. kr): "
            + ", ".join(f"{y}: {millions(float(need[years.index(y)]), 0)}" for y in shown)
        )


def _write_csv(proj: Projection, sep: str = ",") -> None:
    write_csv([["series", "label", "unit", "price_basis", *proj.years],
               *([name, text, unit, basis or "", *values]
                 for name, text, unit, basis, values in projection_rows(proj))], sep)


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
    years = list(proj.years)
    shown = years if all_years else _shown_years(proj)
    idx = [years.index(y) for y in shown]
    rows = [(short_label(n), [figure(n, float(proj.series[n][i]), decimals=0) for i in idx])
            for n in names if n in proj.series]
    rows.append(("Innsparingsbehov", [_need(proj, i) for i in idx]))
    label_width = max(len(label) for label, _ in rows)
    widths = [max(len(str(y)), *(len(cells[j]) for _, cells in rows))
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
        t = Table(title=f"{proj.municipality['name']}: framskrivning {span} "
                  "(mill. løpende kr)", box=box.SIMPLE_HEAD)
        t.add_column("", no_wrap=True, min_width=label_width)
        for j in block:
            t.add_column(str(shown[j]), justify="right", no_wrap=True)
        for label, cells in rows:
            t.add_row(label, *(cells[j] for j in block))
        console.print(t)


def _need(proj: Projection, i: int) -> str:
    """The need in a table cell: a number, or "kan ikke" where it cannot be computed."""
    if proj.savings_reason_text(i) is not None:
        return "kan ikke"
    return millions(float(proj.savings_need[i]), 0)


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
            console.print(f"[dim]–[/] {names[rule]}: ikke framskrevet (oppfølgingsindikator)")
        elif years:
            console.print(f"[red]✗[/] {names[rule]}: brutt i {_spans(years)}")
        else:
            console.print(f"[green]✓[/] {names[rule]}: holdes i alle år")
    console.print(savings_summary(proj))


def savings_summary(proj: Projection) -> str:
    """The savings need in words: when it cannot be computed, why; else its level and the
    new savings in the last year, fixed and nominal, and what it rests on."""
    need = proj.savings_need
    years = list(proj.years)
    blocked = [i for i in range(len(years)) if proj.savings_reason_text(i) is not None]
    if blocked:
        i = blocked[0]
        return (f"Innsparingsbehov: kan ikke beregnes i {_spans([years[j] for j in blocked])}"
                f": reglene kan ikke holdes med kutt i driften — {proj.savings_reason_text(i)}"
                f" (første gang {years[i]}).")
    if not np.any(need > 0):
        return "Innsparingsbehov: ingen — alle handlingsregler holdes i alle år."
    first = years[int(np.argmax(need > 0))]
    s = proj.series
    last = years[-1]
    lines = [
        f"Innsparingsbehov fra {first}. I {last} må innsparinger på "
        f"{millions(float(s['savings_need_fixed'][-1]), 0)} mill. {proj.base_year}-kr "
        f"({millions(float(need[-1]), 0)} mill. løpende kr, "
        f"{percent(float(need[-1] / s['operating_expenses'][-1]))} av driftsutgiftene) "
        f"være på plass; {millions(float(s['savings_new_fixed'][-1]), 0)} mill. "
        f"{proj.base_year}-kr av dem er nye det året.",
        f"Det hviler på (endring fra {years[0]}, mill. {proj.base_year}-kr): "
        + "; ".join(f"{proj.label(k).removeprefix('Drivere: ')} "
                    f"{millions(float(s[k][-1]), 0)}" for k in DRIVERS) + ".",
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
    p = load_plan(plan)
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
    t = Table(title=f"Scenarier for {p.title} (innsparingsbehov i mill. løpende kr)")
    t.add_column("Scenario", no_wrap=True)
    for y in marks:
        t.add_column(f"Innsparing {y}", justify="right")
    t.add_column(f"NDR % {years[-1]}", justify="right")
    t.add_column(f"Gjeldsgrad {years[-1]}", justify="right")
    t.add_column("Første brudd", justify="right")
    base = results[0].projection.savings_need
    for r in results:
        need = r.projection.savings_need
        cells = []
        for y in marks:
            i = years.index(y)
            diff = need[i] - base[i]
            cells.append(millions(float(need[i]), 0)
                         + ("" if r.id == "plan" else f" ({'+' if diff >= 0 else ''}"
                            f"{millions(float(diff), 0)})"))
        first = r.first_breach()
        t.add_row(r.id, *cells,
                  percent(float(r.projection.series["net_operating_result_ratio"][-1])),
                  percent(float(r.projection.series["debt_ratio"][-1]), 0),
                  str(first) if first else "–")
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
