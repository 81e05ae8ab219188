"""What every command shares: the consoles, the PLAN argument, and error handling."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Any

import click
import typer
from rich.console import Console
from rich.markup import escape

from muniplan.plan.errors import MuniplanError, PlanError, each

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

class TableFormat(str, Enum):
    """``--format`` of a command that prints a table or JSON."""

    table = "table"
    json = "json"


class DataFormat(str, Enum):
    """``--format`` of a command that prints a table, JSON or CSV."""

    table = "table"
    json = "json"
    csv = "csv"


PLAN_HELP = (
    "A plan folder, or the name of a built-in example (default: baerum-2018-2021)."
)


def plan_argument() -> Any:
    return typer.Argument(None, help=PLAN_HELP, show_default=False)


def fail(message: str, code: int = 2) -> None:
    """Print a located error and stop with ``code`` (2 for bad input)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def run_guarded(app: typer.Typer, argv: list[str]) -> int:
    """Run the Typer app; bad input exits 2 with one message, no traceback."""
    try:
        rv = app(args=argv, prog_name="muniplan", standalone_mode=False)
    except PlanError as exc:
        for one in each(exc):  # validate lists every error it found, one a line
            err_console.print(f"[bold red]error:[/] {escape(PlanError.__str__(one))}",
                              markup=True, soft_wrap=True)
        return 2
    except MuniplanError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        return 2
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("aborted")
        return 130
    except click.ClickException as exc:
        exc.show()
        return 2
    except typer.Abort:
        err_console.print("aborted")
        return 130
    except typer.TyperException as exc:
        # typer vendors its own click: its usage errors (a bad option value, an unknown
        # option) are not click's classes and would otherwise end in a traceback
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", markup=True,
                              soft_wrap=True)
        code = getattr(exc, "exit_code", 2)
        return code if isinstance(code, int) and code else 2
    except BrokenPipeError:  # `muniplan project | head`
        return 0
    return rv if isinstance(rv, int) else 0


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
