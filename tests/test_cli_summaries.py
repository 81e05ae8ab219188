"""The command summaries in ``cli/__init__.py``: ``muniplan --help`` lists every command from
them without importing its module, so they must stay what the command's own help says, in
both languages, and the listing must look as it did when it loaded every command."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

from muniplan.cli import COMMANDS, i18n
from muniplan.cli.lazy_group import build_module


def _first_paragraph(text: str) -> str:
    """What the help panel shows of a command's help (Typer's rule): the first paragraph,
    its lines joined."""
    return inspect.cleandoc(text).split("\n\n")[0].replace("\n", " ").strip()


def _commands() -> list[tuple[str, str, str]]:
    out = []
    for module, summaries in COMMANDS.items():
        built = build_module(module, "markdown")
        for name, summary in summaries.items():
            command = built[name]
            out.append((name, summary, command.short_help or command.help or ""))
    return out


def test_every_command_has_a_summary() -> None:
    assert all(isinstance(summaries, dict) and all(summaries.values())
               for summaries in COMMANDS.values())


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_each_summary_is_the_first_paragraph_of_the_commands_help(lang: str) -> None:
    """In English the summary is the help's first paragraph as written; in bokmål the
    catalogue's translation of the summary is the first paragraph of the help's."""
    i18n.set_language(lang)
    try:
        drift = [name for name, summary, help_text in _commands()
                 if (lang == "en" and summary != _first_paragraph(help_text))
                 or i18n._(summary) != _first_paragraph(i18n._(help_text))]
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)
    assert drift == []


RENDER = """
import sys
from muniplan.cli import app, main
if sys.argv[1] == "loaded":  # the listing as it was: every command built to list it
    app.info.cls.summaries = {}
main(sys.argv[2:])
"""


def _render(mode: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run([sys.executable, "-c", RENDER, mode, *argv], capture_output=True,
                          text=True, env=env)


@pytest.mark.parametrize("argv", [["--help"], ["--help", "--lang", "en"], [],
                                  ["--lang", "en"]])
def test_the_listing_is_what_loading_every_command_showed(argv: list[str]) -> None:
    listed, loaded = _render("listed", argv), _render("loaded", argv)
    assert (listed.returncode, listed.stdout, listed.stderr) == (
        loaded.returncode, loaded.stdout, loaded.stderr)
    shown = listed.stdout + listed.stderr
    assert all(name in shown for summaries in COMMANDS.values() for name in summaries)
