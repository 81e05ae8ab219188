"""The ``muniplan`` command: a thin face over the layers (Typer + Rich).

Each group of commands lives in its own module with a ``register(app)`` and is named below
with the commands it registers and the first paragraph of each one's help: a command's module
is imported only when that command runs or its own help is shown (see ``lazy_group``), so that
every command starts without the others and ``muniplan --help`` without any of them. Every
command takes a PLAN (a plan folder, or the name of a built-in example; default the Bærum
2018–2021 example). Bad input is printed as one located message and exits with code 2, never
with a traceback.
"""

from __future__ import annotations

import os
import sys

import typer

from muniplan import __version__
from muniplan.cli.common import err_console, run_guarded
from muniplan.cli.lazy_group import lazy_group

# module under muniplan.cli: {command: the first paragraph of its help, as ``muniplan --help``
# lists it without importing the module}, in help order
COMMANDS = {
    "plan_commands": {
        "validate": (
            "Check a plan folder; print what it holds, or every problem found, with file and "
            "line."
        ),
        "show": "Show the plan: sectors with frames, investments, priority areas, rules.",
        "project": (
            "Project the plan's finances year by year to the horizon: income, expenses, debt, the"
            " net operating result, every rule checked, and the savings need; with --draws, the "
            "percentile fans and the probability that each rule breaks."
        ),
        "population": (
            "Project the population by age and sex (cohort-component), with 90 % intervals."
        ),
        "scenarios": (
            "The plan's scenarios side by side: each stress test and lever alone, against the "
            "plan as written — savings need, net operating result ratio, debt ratio, first "
            "breach."
        ),
    },
    "store_commands": {
        "db": "The database: create or migrate its tables.",
        "import": (
            "Import a plan folder into the store as the plan's next version, in one transaction."
        ),
        "plans": "List the plans in the store with their newest version.",
        "versions": "List a plan's versions in the store, oldest first.",
        "serve": "Serve the web pages and the JSON API (/api) from the store.",
    },
    "report_commands": {
        "report": (
            "Write the action programme as a document: HTML, and with --pdf a PDF. A stored "
            "version (PLAN@N) gets the plan's published questions and answers in its appendix."
        ),
        "export": "Export the budget and the projection as open data (Fiscal Data Package).",
        "excel": "Excel workbooks: export a plan to work in, import one back.",
    },
    "users": {
        "users": "Accounts and political groups: add, list, disable, set a password.",
    },
    "process_commands": {
        "compare": (
            "Put plans or versions side by side: per year the rules, the net operating result, "
            "the debt ratio and the savings need; what each changes per program area, investment "
            "and measure; and whether each is in balance in every plan year."
        ),
        "publish": (
            "Publish a stored version, so the public may read it (the proposal, the innstilling; "
            "an adopted version is public by itself)."
        ),
    },
    "followup_commands": {
        "followup": (
            "Budget against actual: deviation and year-end prognosis per programområde, sector "
            "and the kommune; investments, measures and targets."
        ),
        "import-accounts": (
            "Read an accounting export by KOSTRA art and funksjon into a report file, and show "
            "what could not be mapped."
        ),
        "roll-forward": (
            "Write the next plan: one year later, opening with the closed year's accounts."
        ),
        "followup-record": "Record a follow-up report in the store, as a draft.",
        "followup-reports": "List a plan's follow-up reports in the store.",
        "followup-publish": (
            "Publish a recorded follow-up report: the web site shows it from now on."
        ),
        "plan-vs-actual": (
            "The plan's projection for past years beside the accounts since recorded."
        ),
    },
    "init_commands": {
        "init": (
            "Write a plan folder for any kommune that validates and projects at once: its "
            "population, Norway's mortality and fertility, the TBU services and rules, a KOSTRA "
            "skeleton of sectors, and economic assumptions — every default marked, with its "
            "source."
        ),
        "data": "Statistics for a plan: import SSB's downloads.",
    },
    "citizens": {
        "citizens": "Citizens' budgets and comments: the summary, and purging old ones.",
    },
    "warm_command": {
        "warm": "Compute and keep the pages' projections and Monte Carlo runs in the store.",
    },
    "national_commands": {
        "national": (
            "Project every kommune's population (cohort-component), one row per kommune and year."
        ),
        "national-backtest": (
            "Backtest every kommune from 2008, 2010, 2012 and 2013 and print the markdown tables "
            "of ``docs/population.md``: MAPE by horizon and size class against the naive "
            "baseline, and the coverage of calibrated 90 % intervals on held-out base years and "
            "kommuner."
        ),
    },
    "checkout_command": {
        "checkout": (
            "Write a stored version as a plan folder that remembers which version it came from."
        ),
    },
}

app = typer.Typer(
    name="muniplan",
    cls=lazy_group(COMMANDS),
    help="Handlingsprogram med økonomiplan: write, project, check and publish a "
    "municipality's action programme. The built-in example is Bærum kommune's "
    "Handlingsprogram 2018–2021.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def _version(value: bool) -> None:
    if value:
        print(f"muniplan {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
    lang: str = typer.Option("nb", "--lang", metavar="nb|en",
                             help="Language of messages and help: nb (bokmål, the default) or "
                             "en; also from LANG/LC_ALL=en_*. May be given after the command "
                             "too."),
) -> None:
    """muniplan."""


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning known errors into exit code 2."""
    # pydantic would otherwise look through every installed package's entry points for
    # plugins (muniplan uses none) before building its first model
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    code = run_guarded(app, argv if argv is not None else sys.argv[1:])
    if code:
        err_console.file.flush()
    raise SystemExit(code)
