"""Starting a plan for any kommune: ``muniplan init`` and ``muniplan data import-population``.

Thin: the kommune's population comes from the shipped statistics or SSB downloads
(:mod:`muniplan.plan.national`, :mod:`muniplan.plan.population_import`), is carried forward
to the base year by the model (:mod:`muniplan.demography.carry`), and the folder is written
by :mod:`muniplan.plan.init` — whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from muniplan.cli.common import fail, print_wrapped, warn, working
from muniplan.cli.i18n import _
from muniplan.plan.errors import PlanError

if TYPE_CHECKING:  # numpy, the models and the statistics load inside the commands
    from muniplan.plan.init import InitData
    from muniplan.plan.national import Kommune

FIRST_YEARS = range(2006, 2101)


def register(app: typer.Typer) -> None:
    app.command("init")(init_command)
    data = typer.Typer(name="data", help="Statistics for a plan: import SSB's downloads.",
                       no_args_is_help=True)
    data.command("import-population")(import_population)
    app.add_typer(data)


def init_command(
    folder: Path = typer.Argument(..., help="The new plan folder (must be new or empty)."),
    municipality: str = typer.Option(..., "--municipality", "-m",
                                     help="Kommunenummer of 2024 (0301) or name (Utsira)."),
    first_year: int = typer.Option(..., "--first-year", help="The plan's first year, also "
                                   "its base year; the period is four years."),
    population: list[Path] = typer.Option(None, "--population", help="SSB table 07459 "
                                          "downloads (CSV or JSON-stat); repeatable. Default: "
                                          "the statistics shipped with muniplan."),
    force: bool = typer.Option(False, "--force", help="Write over a folder that is not empty."),
) -> None:
    """Write a plan folder for any kommune that validates and projects at once: its
    population, Norway's mortality and fertility, the TBU services and rules, a KOSTRA
    skeleton of sectors, and economic assumptions — every default marked, with its source."""
    from muniplan.plan.init import build_files
    from muniplan.plan.national import find_municipality
    from muniplan.report.output import check_empty, write_files

    check_empty(folder, force)
    if first_year not in FIRST_YEARS:
        fail(f"--first-year: expected a year from {FIRST_YEARS.start} to "
             f"{FIRST_YEARS.stop - 1}, found {first_year}")
    kommune = find_municipality(municipality)
    with working(f"{kommune.display_name}: befolkning og standardverdier …"):
        data = _init_data(kommune, first_year, population)
        files = build_files(data)
    check_empty(folder, force)
    write_files(folder, files)
    _report(folder, kommune, data)


def _init_data(kommune: Kommune, first_year: int, population: list[Path] | None) -> InitData:
    """The kommune's population (shipped or from SSB files) carried forward to the base
    year, Norway's rates, and the Bærum example's costs per user."""
    from muniplan.demography.carry import History, carry_forward
    from muniplan.plan.init import InitData, baerum_per_user
    from muniplan.plan.load import DEFAULT_PLAN, load_plan
    from muniplan.plan.national import municipal_population, national_rates
    from muniplan.plan.population_import import read_population_files

    if population:
        years, pop = read_population_files(population, kommune.number)
    else:
        years, pop = municipal_population(kommune.number)
    m_years, mx, f_years, asfr = national_rates()
    keep = (years >= max(int(m_years[0]), int(f_years[0]))) & (years <= first_year)
    if keep.sum() < 2:
        raise PlanError("too few population years for the base year", field="--population",
                        expected=f"at least two years from {int(m_years[0])} up to "
                        f"{first_year}", found=f"years {years[0]}..{years[-1]}")
    years, pop = years[keep], pop[keep]
    history = carry_forward(History(years, pop, m_years, mx, f_years, asfr), first_year)
    example = load_plan(DEFAULT_PLAN)
    assert example.population is not None
    frames = {a.id: a.operating_frame[2018] for s in example.sectors for a in s.program_areas}
    base = example.population.population[list(example.population.pop_years).index(2018)]
    return InitData(
        kommune=kommune, first_year=first_year, pop_years=history.pop_years,
        population=history.population, mortality_years=history.mortality_years,
        mx=history.mx, fertility_years=history.fertility_years, asfr=history.asfr,
        observed_population=int(years[-1]), observed_rates=int(min(m_years[-1], f_years[-1])),
        population_files=tuple(str(p) for p in population or ()),
        baerum=baerum_per_user(frames, base),
    )


def _report(folder: Path, kommune: Kommune, data: InitData) -> None:
    from muniplan.plan.init import modelled_note

    first_year = data.first_year
    total = int(data.population[-1].sum())
    print_wrapped("[green]ok[/] " + _("{0}: {1} ({2}), handlingsprogram {3}–{4}, {5} "
                            "innbyggere 1. januar {3}").format(
        folder, kommune.display_name, kommune.number, first_year, first_year + 3,
        _count(total)))
    note = modelled_note(data)
    if note:
        warn(note)
    print_wrapped(_("Neste steg: erstatt standardverdiene (muniplan validate {0} viser dem), "
          "og kjør muniplan project {0}.").format(folder))


def import_population(
    files: list[Path] = typer.Argument(..., help="SSB table 07459 downloads (CSV or "
                                       "JSON-stat 2.0)."),
    municipality: str = typer.Option(..., "--municipality", "-m",
                                     help="Kommunenummer (as in the download) or name."),
    plan: Path = typer.Option(Path("."), "--plan", help="The plan folder to write "
                              "population/population.csv into (default: here)."),
) -> None:
    """Write the plan's population/population.csv from SSB's table 07459, as downloaded."""
    import numpy as np

    from muniplan.plan.national import find_municipality
    from muniplan.plan.population_import import (
        population_csv_text,
        read_population_files,
        replace_file,
    )

    if not (plan / "plan.yaml").is_file():
        fail(f"--plan: {plan} is not a plan folder (no plan.yaml)")
    region = municipality.strip()
    if not region.isdigit():
        region = find_municipality(region).number
    years, pop = read_population_files(files, region.zfill(4))
    target = plan / "population" / "population.csv"
    replace_file(target, population_csv_text(years, pop))
    total = int(np.asarray(pop[-1]).sum())
    print_wrapped("[green]ok[/] " + _("{0}: {1} år, {2}–{3}, {4} innbyggere 1. januar "
                            "{3}").format(target, len(years), int(years[0]),
                                          int(years[-1]), _count(total)))


def _count(n: int) -> str:
    """``15 110``: thousands apart by a space, as Norwegian writes them (``15,110`` in
    English)."""
    from muniplan.cli.i18n import current

    return f"{n:,}" if current() == "en" else f"{n:,}".replace(",", " ")
