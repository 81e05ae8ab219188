"""The ``muniplan`` command: a thin face over the layers (Typer + Rich).

Each group of commands lives in its own module and registers itself here. Every command
takes a PLAN (a plan folder, or the name of a built-in example; default the Bærum
2018–2021 example). Bad input is printed as one located message and exits with code 2,
never with a traceback.
"""

from __future__ import annotations

import sys

import typer

from muniplan import __version__
from muniplan.cli import (
    checkout_command,
    citizens,
    followup_commands,
    init_commands,
    national_commands,
    plan_commands,
    process_commands,
    report_commands,
    store_commands,
    users,
    warm_command,
)
from muniplan.cli.common import err_console, run_guarded

app = typer.Typer(
    name="muniplan",
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


plan_commands.register(app)
store_commands.register(app)
report_commands.register(app)
users.register(app)
process_commands.register(app)
followup_commands.register(app)
init_commands.register(app)
citizens.register(app)
warm_command.register(app)
national_commands.register(app)
checkout_command.register(app)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: run the app, turning known errors into exit code 2."""
    code = run_guarded(app, argv if argv is not None else sys.argv[1:])
    if code:
        err_console.file.flush()
    raise SystemExit(code)
