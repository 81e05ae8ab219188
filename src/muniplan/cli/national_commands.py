"""``muniplan national`` and ``muniplan national-backtest``: every kommune, on Dask."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from muniplan.cli.common import fail, print_json, working

MAX_DRAWS = 10_000
FIRST_BASE, LAST_BASE = 2006, 2018


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def register(app: typer.Typer) -> None:
    app.command("national")(national_command)
    app.command("national-backtest")(backtest_command)


SCHEDULER_HELP = ("Address of a running Dask scheduler (tcp://host:port); default: a local "
                  "cluster on 127.0.0.1.")
WORKERS_HELP = "Worker processes of the local cluster, one thread each (default: one a core)."
PORT_HELP = "Scheduler port of the local cluster (workers on the next ports); 0: any free."


def national_command(
    from_year: int = typer.Option(2018, "--from", help="Base year (1 January population; "
                                  f"{FIRST_BASE}–{LAST_BASE})."),
    to: int = typer.Option(2026, "--to", help="Last year."),
    draws: int = typer.Option(0, "--draws", help="Draws per kommune for calibrated 90 % "
                              f"intervals (0: deterministic only; at most {MAX_DRAWS})."),
    seed: int = typer.Option(1, "--seed", help="Root seed; each kommune's stream derives "
                             "from it and its number."),
    kommune: list[str] = typer.Option(None, "--kommune", "-k", help="Only this kommune "
                                      "(four-digit number; repeatable)."),
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    workers: int = typer.Option(None, "--workers", help=WORKERS_HELP),
    port: int = typer.Option(0, "--port", help=PORT_HELP),
    format: Format = typer.Option(Format.table, "--format", "-f", help="table, csv or json"),
) -> None:
    """Project every kommune's population (cohort-component), one row per kommune and year."""
    from muniplan.cli.national_view import national_data, print_csv, print_table

    if not FIRST_BASE <= from_year <= LAST_BASE:
        fail(f"--from: expected a base year {FIRST_BASE}–{LAST_BASE} (the shipped data), "
             f"found {from_year}")
    if not from_year < to <= from_year + 50:
        fail(f"--to: expected a year after {from_year} and at most {from_year + 50}, "
             f"found {to}")
    if not 0 <= draws <= MAX_DRAWS:
        fail(f"--draws: expected 0 to {MAX_DRAWS}, found {draws}")
    if workers is not None and not 1 <= workers <= 64:
        fail(f"--workers: expected 1 to 64, found {workers}")
    if not 0 <= port <= 65_000:
        fail(f"--port: expected 0 to 65000, found {port}")
    if port and (workers or 1) > 8:
        fail(f"--workers: at most 8 with a fixed --port (ports {port}–{port + 19}), "
             f"found {workers}")
    with working("Framskriver befolkningen i kommunene …"):
        data = national_data(from_year, to, draws, seed, kommune or None, scheduler, workers,
                             port)
    if format is Format.json:
        print_json(data)
    elif format is Format.csv:
        print_csv(data)
    else:
        print_table(data)


def backtest_command(
    scheduler: str = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    workers: int = typer.Option(None, "--workers", help=WORKERS_HELP),
    port: int = typer.Option(0, "--port", help=PORT_HELP),
    write_calibration: Path = typer.Option(None, "--write-calibration", help="Write the "
                                           "interval calibration fitted on all backtests "
                                           "to this CSV file."),
) -> None:
    """Backtest every kommune from 2008, 2010, 2012 and 2013 and print the markdown tables
    of ``docs/population.md``: MAPE by horizon and size class against the naive baseline,
    and the coverage of calibrated 90 % intervals on held-out base years and kommuner."""
    from muniplan.cli.national_view import backtest_report

    with working("Tilbaketester alle kommuner …"):
        report = backtest_report(scheduler, workers, port, write_calibration)
    print(report)

