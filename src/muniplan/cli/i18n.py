"""The command line's languages: bokmål by default, English on request.

The language is ``--lang nb|en`` (anywhere on the command line), else the first of the
environment's ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set: a value
starting with ``en`` means English, any other value (``nb_NO.UTF-8``, ``C.UTF-8``) bokmål.

Why two catalogues: the command line's code holds its help texts in English (written with the
code, like its docstrings) and its tables and messages for finance staff in bokmål. A message
id is the text as the code has it, so ``locale/nb`` translates the English texts into bokmål
and ``locale/en`` the bokmål texts into English; a text missing from the chosen language's
catalogue is shown as written, never as a key, and ``tests/test_cli_i18n.py`` (help) and
``tests/test_catalogues.py`` (every message, read from the source) list what is missing.
The catalogues, their reader and the pattern matching (the command line library's own
messages are built with names and values in them, ``No such option: --bogus``) are in
:mod:`muniplan.translation`, shared with the web site, which shows the store's messages too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from muniplan.translation import translate

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_state = {"lang": DEFAULT_LANGUAGE}


def current() -> str:
    return _state["lang"]


def set_language(lang: str) -> None:
    _state["lang"] = lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def language_from(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The language asked for: ``--lang`` on the command line wins over the environment."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    environ = os.environ if environ is None else environ
    for name in ENVIRONMENT:
        value = environ.get(name, "").split(":")[0].strip()
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _(text: str) -> str:
    """``text`` in the current language (as written when the catalogue lacks it)."""
    return translate(text, _state["lang"])


def size(n: int) -> str:
    """A count with its thousands apart as the language writes them: ``1 234 567`` (with
    no-break spaces) or ``1,234,567``."""
    text = f"{n:,}"
    return text if _state["lang"] == "en" else text.replace(",", "\u00a0")


def count(n: int, one: str, many: str) -> str:
    """``n`` and the noun for it, singular for exactly one: ``1 investering``, ``18
    investeringer`` (the nouns are bokmål, translated through the catalogue)."""
    return f"{size(n)} {_(one if n == 1 else many)}"


def decimal(x: float, places: int = 1) -> str:
    """``2,1`` in bokmål, ``2.1`` in English."""
    text = f"{x:.{places}f}"
    return text if _state["lang"] == "en" else text.replace(".", ",")


def localise(command: Any, deep: bool = True) -> None:
    """Put the help of ``command`` and (if ``deep``) every command under it in the current
    language."""
    for name in ("help", "short_help", "epilog"):
        if getattr(command, name, None):
            setattr(command, name, _(getattr(command, name)))
    if getattr(command, "options_metavar", None):
        command.options_metavar = _(command.options_metavar)
    if getattr(command, "subcommand_metavar", None):
        command.subcommand_metavar = _(command.subcommand_metavar)
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = _(param.help)
        _name_argument(param)
    for child in getattr(command, "commands", {}).values() if deep else ():
        localise(child)


TYPE_WORDS = {"str": "<text>", "int": "<integer>", "float": "<number>", "path": "<path>",
              "Path": "<path>", "datetime": "<date>"}
"""The value an option takes, in words rather than the Python type the library shows
(``<str>``, ``<list[Path]>``, ``<float range>``); the catalogue has their bokmål."""
_TYPE = re.compile(r"<(list\[)?(\w+)( range)?\]?>")


def type_label(shown: str) -> str:
    """A help page's type column in words: ``<int>`` → ``<heltall>``, ``<list[str]>`` →
    ``<tekst>...`` (one or more); anything else (``nb|en``, ``PLAN_ID[@N]``) as it is, a long
    list of choices on more than one line."""
    m = _TYPE.fullmatch(shown)
    if m is None or m.group(2) not in TYPE_WORDS:
        return _choices(shown)
    return _(TYPE_WORDS[m.group(2)]) + ("..." if m.group(1) else "")


def _choices(shown: str, width: int = 18) -> str:
    """A long list of choices on lines that break after a ``|``, so that the narrow type
    column never cuts a value in two (``alternativ`` / ``e``)."""
    lines = [""]
    for value in shown.split("|"):
        piece = value if lines[-1] == "" else "|" + value
        if lines[-1] and len(lines[-1]) + len(piece) > width:
            lines[-1] += "|"
            piece = value
            lines.append("")
        lines[-1] += piece
    return "\n".join(lines)


def _shown_type(original: Any) -> Any:
    """The library's type column, without a type for a flag (``--pdf``, not ``--pdf
    <bool>``: a flag takes no value) and with the others in words."""

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False):
            return None
        shown = original(self, ctx)
        return None if shown is None else type_label(shown)

    return display_type_rich


def _name_argument(param: Any) -> None:
    """An argument named in the current language, in capitals as a help page's usage line
    names what the user types (``NUMMER``, ``MAPPE``), not by the code's parameter name
    (``number``, ``folder``); one with a name of its own (``PLAN_ID[@N]``) keeps it."""
    if getattr(param, "param_type_name", "") != "argument" or not param.name:
        return
    if param.metavar is None or getattr(param, "named_by_language", False):
        param.metavar = _(param.name.upper())
        param.named_by_language = True


LIBRARY_TEXTS = ("ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE",
                 "ERRORS_PANEL_TITLE", "DEFAULT_STRING", "REQUIRED_LONG_STRING", "ABORTED_TEXT")
_originals: dict[str, str] = {}


def localise_library() -> None:
    """The command-line library's own words (panel titles, "Usage:", the help option) in the
    current language. Only for help pages: a command's run never imports the help renderer."""
    from typer import core as typer_core
    from typer import rich_utils
    from typer._click import core, formatting

    for name in LIBRARY_TEXTS:
        original = _originals.setdefault(name, getattr(rich_utils, name))
        setattr(rich_utils, name, _(original))
    if not _originals.setdefault("patched", ""):
        _originals["patched"] = "yes"
        write_usage = formatting.HelpFormatter.write_usage
        get_help_option = core.Command.get_help_option

        def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
            write_usage(self, prog, args, _("Usage: ") if prefix is None else prefix)

        def help_option(self: Any, ctx: Any) -> Any:
            option = get_help_option(self, ctx)
            if option is not None and option.help:
                option.help = _(option.help)
            return option

        for kind in (typer_core.TyperArgument, typer_core.TyperOption):
            kind.display_type_rich = _shown_type(kind.display_type_rich)  # type: ignore[method-assign]
        formatting.HelpFormatter.write_usage = usage  # type: ignore[method-assign]
        core.Command.get_help_option = help_option  # type: ignore[method-assign]
