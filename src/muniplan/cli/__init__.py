"""The ``muniplan`` command: a thin face over the layers (Typer + Rich).

Each group of commands lives in its own module with a ``register(app)`` and is named below,
one line a module with the commands it registers: a command's module is imported only when
that command runs or its help is shown (see ``lazy_group``), so that every command starts
without the others. Every command takes a PLAN (a plan folder, or the name of a built-in
example; default the Bærum 2018–2021 example). Bad input is printed as one located message
and exits with code 2, never with a traceback.
"""

from __future__ import annotations

import os
import sys

import typer

from muniplan import __version__
from muniplan.cli.common import err_console, run_guarded
from muniplan.cli.lazy_group import lazy_group

COMMANDS = {  # module under muniplan.cli: the commands its register(app) adds, in help order
    "plan_commands": ("validate", "show", "project", "population", "scenarios"),
    "store_commands": ("db", "import", "plans", "versions", "serve"),
    "report_commands": ("report", "export", "excel"),
    "users": ("users",),
    "process_commands": ("compare", "publish"),
    "followup_commands": ("followup", "import-accounts", "roll-forward", "followup-record",
                          "followup-reports", "followup-publish", "plan-vs-actual"),
    "init_commands": ("init", "data"),
    "citizens": ("citizens",),
    "warm_command": ("warm",),
    "national_commands": ("national", "national-backtest"),
    "checkout_command": ("checkout",),
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
