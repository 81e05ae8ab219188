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
Catalogues are gettext ``.po`` files (every file under ``locale/LANG/LC_MESSAGES``, merged in
name order, so parts can be translated side by side as on the web site), read by the small
reader below rather than Babel, so that a command starts without importing Babel.

A message id with ``{0}``, ``{1}`` … is a pattern: the command line library's own messages are
built with the names and values in them (``No such option: --bogus``), so they are matched
against the pattern and the parts put into the translation, themselves translated.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("nb", "en")
DEFAULT_LANGUAGE = "nb"
LOCALE_DIR = Path(__file__).parent / "locale"
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


def read_po(text: str) -> dict[str, str]:
    """The translated, non-fuzzy entries of a ``.po`` file: ``{msgid: msgstr}``.

    Entries are separated by blank lines; a string continues on lines that start with a
    quote; the header (the empty msgid) is skipped. PO escapes are JSON's.
    """
    entries: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    field = ""
    fuzzy = False
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            msgid, msgstr = "".join(entry.get("msgid", [])), "".join(entry.get("msgstr", []))
            if msgid and msgstr and not fuzzy:
                entries[msgid] = msgstr
            entry, field, fuzzy = {}, "", False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith(("msgid ", "msgstr ")):
            field, _sep, literal = line.partition(" ")
            entry[field] = [json.loads(literal)]
        elif line.startswith('"') and field:
            entry[field].append(json.loads(line))
    return entries


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every ``.po`` file of ``lang`` merged in name order (the first file's entry wins)."""
    merged: dict[str, str] = {}
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        for key, text in read_po(po.read_text(encoding="utf-8")).items():
            merged.setdefault(key, text)
    return merged


PLACEHOLDER = re.compile(r"\{(\d+)\}")


@cache
def _patterns(lang: str) -> list[tuple[tuple[str, ...], str, str]]:
    """The catalogue's ids with ``{0}``, ``{1}`` …: each with its literal parts (a text can
    match only if it holds them all), the id and the translation, the most specific first
    ("--sep: expected … found {0}" before "{0} (expected {1})"). The regular expressions are
    compiled only for an id whose parts a text holds: compiling them all cost a help page
    more than the rest of its work."""
    out = [(tuple(part for part in PLACEHOLDER.split(key)[::2] if part), key, text)
           for key, text in catalogue(lang).items() if "{0}" in key]
    out.sort(key=lambda entry: -len(PLACEHOLDER.sub("", entry[1])))
    return out


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """``key`` as a regular expression: a placeholder's first place captures, a repeat must
    be the same text."""
    regex, end, seen = "", 0, set()
    for m in PLACEHOLDER.finditer(key):
        regex += re.escape(key[end:m.start()])
        n = m.group(1)
        regex += f"(?P=p{n})" if n in seen else f"(?P<p{n}>.+?)"
        seen.add(n)
        end = m.end()
    return re.compile(regex + re.escape(key[end:]) + r"\Z", re.DOTALL)


def _fill(template: str, values: list[str]) -> str:
    """``template`` with its numbered places filled: only those, for a text may hold braces
    of its own (``{ }``)."""
    return PLACEHOLDER.sub(lambda m: values[int(m.group(1))], template)


def _(text: str) -> str:
    """``text`` in the current language (as written when the catalogue lacks it)."""
    table = catalogue(_state["lang"])
    if text in table:
        return table[text]
    for parts, key, template in _patterns(_state["lang"]):
        match = _pattern(key).match(text) if all(p in text for p in parts) else None
        if match:
            groups = match.groupdict()
            values = [_(groups[f"p{n}"]) for n in range(len(groups))]
            return _fill(template, values)
    return text


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
