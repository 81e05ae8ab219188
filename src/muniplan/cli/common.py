"""What every command shares: the consoles, the PLAN argument, the language, and error
handling."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from muniplan.cli import i18n
from muniplan.cli.i18n import _
from muniplan.cli.wrap import break_points, hanging
from muniplan.plan.errors import MuniplanError, PlanError, each

if TYPE_CHECKING:
    from typer._click import Command

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

DEFAULT_PLAN = "baerum-2018-2021"  # the loader's default too, without importing the loader


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


def _labelled(style: str, label: str, text: str) -> None:
    """``label text`` on stderr: wrapped at the terminal's width with a hanging indent when
    stderr is a terminal; one line a message when it is a pipe, file or log, so that scripts,
    ``grep`` and the tests read one message a line."""
    if err_console.is_terminal:
        text = hanging(label, text, err_console.width)[len(label) + 1:]
    err_console.print(f"[{style}]{label}[/] {escape(text)}", markup=True, soft_wrap=True)


def print_wrapped(markup: str) -> None:
    """A line of output (a note, what was written) on stdout: at a terminal, wrapped at its
    width between words like an error, a line that opens with a coloured word (``ok``,
    ``skrev``) indented under the text after it; piped, one line, for scripts and ``grep``."""
    if not console.is_terminal:
        console.print(markup, soft_wrap=True)
        return
    from rich.text import Text

    text = console.render_str(markup)
    head = next((span.end for span in text.spans if span.start == 0), 0)
    indent = head + 1 if head and text.plain[head:head + 1] == " " else 0
    cuts = break_points(text.plain, console.width, indent)
    pieces = text.divide(cuts)
    lines = [pieces[0], *(piece[1:] for piece in pieces[1:])]
    console.print(Text("\n" + " " * indent).join(lines), soft_wrap=True)


def error(message: str, translate: bool = True) -> None:
    """One error on stderr, in the current language."""
    _labelled("bold red", _("error:"), _(message) if translate else message)


def warn(message: str) -> None:
    """One warning on stderr, in the current language."""
    _labelled("yellow", _("advarsel:"), _(message))


def fail(message: str, code: int = 2) -> None:
    """Print a located error and stop with ``code`` (2 for bad input)."""
    error(message)
    raise typer.Exit(code)


def located(exc: PlanError) -> str:
    """A located error in the current language where the catalogue has its message (and
    then the words around the location, expected and found, too); else as written, so that
    one message is never half in one language and half in the other."""
    message = _(exc.message)
    if message == exc.message:
        return PlanError.__str__(exc)
    expected = _(exc.expected) if exc.expected is not None else None
    return _(str(PlanError(message, exc.file, exc.line, exc.field, expected, exc.found,
                           exc.cell, exc.sheet)))


def _command_of(command: Command, argv: list[str]) -> Command:
    """The (sub)command that ``argv`` names: ``excel export …`` → the export command."""
    for word in argv:
        children = getattr(command, "commands", None)
        if children is None or word not in children:
            break
        command = children[word]
    return command


def _without_lang(command: Command, argv: list[str]) -> list[str]:
    """``argv`` without ``--lang X`` (read by :func:`i18n.language_from`) unless the command
    has a ``--lang`` of its own (``report``: the document's language); a value other than
    nb or en is refused rather than ignored."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else (
            arg.partition("=")[2] if arg.startswith("--lang=") else None)
        if value is not None and value not in i18n.LANGUAGES:
            fail(f"--lang: expected nb or en, found {value!r}")
    out: list[str] = []
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True
        elif not arg.startswith("--lang="):
            out.append(arg)
    leaf = _command_of(command, argv)
    own = any("--lang" in getattr(p, "opts", ()) for p in getattr(leaf, "params", ()))
    # `muniplan --lang en` alone names no command: the help, as `muniplan` shows it
    return argv if own and out else out


def _wants_help(command: Command, argv: list[str]) -> bool:
    leaf = _command_of(command, argv)
    return "--help" in argv or (hasattr(leaf, "commands") and argv[-1:] != ["--version"])


def _usage_error(exc: typer.TyperException) -> None:
    """A usage error (a bad option, a missing argument) as one line and a hint."""
    from typer._click.exceptions import NoArgsIsHelpError

    if isinstance(exc, NoArgsIsHelpError):  # `muniplan db`: the group's help, on stderr
        exc.show()
        return
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    error(message)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        hint = _("Try '{0} --help' for help.").replace("{0}", ctx.command_path)
        err_console.print(hanging("", hint, err_console.width)[1:]
                          if err_console.is_terminal else hint, markup=False, soft_wrap=True)


def run_guarded(app: typer.Typer, argv: list[str]) -> int:
    """Run the Typer app in the language asked for; bad input exits 2 with one message, no
    traceback."""
    import typer.main

    i18n.set_language(i18n.language_from(argv))
    try:
        command = typer.main.get_command(app)
        i18n.localise(command, deep=False)  # the commands in use, as they are loaded:
        command.on_load = i18n.localise  # type: ignore[attr-defined]
        argv = _without_lang(command, argv)
        if _wants_help(command, argv):
            i18n.localise_library()
        rv = command.main(args=argv, prog_name="muniplan", standalone_mode=False)
    except PlanError as exc:
        for one in each(exc):  # validate lists every error it found, one a line
            error(located(one), translate=False)
        return 2
    except MuniplanError as exc:
        error(str(exc))  # the store writes English; the catalogue has its bokmål
        return 2
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err_console.print(_("aborted"))
        return 130
    except typer.TyperException as exc:
        # typer vendors its own click: its usage errors (a bad option value, an unknown
        # option) are not click's classes and would otherwise end in a traceback
        _usage_error(exc)
        code = getattr(exc, "exit_code", 2)
        return code if isinstance(code, int) and code else 2
    except BrokenPipeError:  # `muniplan project | head`
        return 0
    return rv if isinstance(rv, int) else 0


@contextmanager
def working(message: str) -> Iterator[None]:
    """A spinner with ``message`` on stderr while slow work runs (a national run, a
    document, a Monte Carlo run) — only when stderr is a terminal, so pipes, logs and
    scripts see nothing of it. It disappears when the work is done."""
    if not err_console.is_terminal:
        yield
        return
    with err_console.status(escape(_(message)), spinner="dots"):
        yield


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
