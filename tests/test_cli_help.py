"""Every command's help at 80 columns, in bokmål and English, as a user reads it: flags
without a type, values in words rather than Python's type names, nothing cut."""

from __future__ import annotations

import re

import pytest
import typer.main

from muniplan.cli import app, main

TYPE_NAMES = re.compile(r"<(bool|str|int|float|list\[\w+\]|\w+ range)>")
CUT = re.compile(r"\S…\s*│$")  # a word the column ended with an ellipsis


def _commands() -> list[tuple[list[str], object]]:
    """Every command and group as its words on the command line, with its command."""
    found: list[tuple[list[str], object]] = []

    def walk(command: object, words: list[str]) -> None:
        found.append((words, command))
        if hasattr(command, "list_commands"):
            for name in command.list_commands(None):
                walk(command.get_command(None, name), [*words, name])

    walk(typer.main.get_command(app), [])
    return found


COMMANDS = _commands()
DECIMALS = re.compile(r"(\[(standard|default): |<=)\d+\.\d+(?=[\]\s])")


def _help(words: list[str], lang: str, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *words, "--help"])
    assert exc.value.code == 0, words
    return capsys.readouterr().out


def test_every_command_is_walked() -> None:
    leaves = [words for words, command in COMMANDS if not hasattr(command, "list_commands")]
    assert len(COMMANDS) - 1 >= 41  # the commands and groups under `muniplan`
    assert ["report"] in leaves and ["users", "add"] in leaves and ["db"] not in leaves


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_help_page_reads_well_at_80_columns(lang: str,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    problems = []
    for words, command in COMMANDS:
        text = _help(words, lang, capsys, monkeypatch)
        name = " ".join(["muniplan", *words])
        lines = text.splitlines()
        problems += [f"{name}: {m.group(0)}" for m in TYPE_NAMES.finditer(text)]
        problems += [f"{name}: wider than 80: {ln!r}" for ln in lines if len(ln) > 80]
        problems += [f"{name}: cut: {ln.strip()!r}" for ln in lines if CUT.search(ln)]
        # a number in a default or a range in the other language's decimals ('1.0' in
        # bokmål), or a float's '.0' where a whole number is meant
        problems += [f"{name}: number {m.group(0)!r}" for m in DECIMALS.finditer(text)]
        for param in getattr(command, "params", ()):
            descriptor = getattr(param, "type_descriptor", None)
            for choice in (descriptor.choices or ()) if descriptor and descriptor.is_choice \
                    else ():
                value = getattr(choice, "value", choice)
                if not re.search(rf"(?<![\w-]){re.escape(str(value))}(?![\w-])", text):
                    problems.append(f"{name}: the choice {value!r} is not shown whole")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("lang", "words"), [
    ("nb", ["<tekst>", "<heltall>", "<sti>"]), ("en", ["<text>", "<integer>", "<path>"])])
def test_a_flag_is_plain_and_a_value_is_named_in_words(lang: str, words: list[str],
                                                       capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch):
    report = _help(["report"], lang, capsys, monkeypatch)
    assert re.search(r"│\s+--pdf\s{2,}\S", report)  # the flag, then straight to its help
    assert "<bool>" not in report
    project = _help(["project"], lang, capsys, monkeypatch)
    for word in words:
        assert word in project, word
    assert ("<tekst>..." if lang == "nb" else "<text>...") in project  # --scenario, repeatable


def test_a_long_list_of_choices_breaks_between_values() -> None:
    from muniplan.cli.i18n import type_label

    assert type_label("<draft|proposal|alternative|adopted>") == (
        "<draft|proposal|\nalternative|\nadopted>")
    assert type_label("<nb|en>") == "<nb|en>"
    assert type_label("PLAN_ID[@N]") == "PLAN_ID[@N]"


def test_every_option_and_argument_says_what_it_is() -> None:
    bare = [f"muniplan {' '.join(words)} {param.opts[0]}" for words, command in COMMANDS
            for param in getattr(command, "params", ()) if not getattr(param, "help", None)]
    assert bare == []


@pytest.mark.parametrize(("lang", "names", "missing"), [
    ("nb", "{PLAN_ID} {NUMMER}", "mangler argumentet 'NUMMER'"),
    ("en", "{PLAN_ID} {NUMBER}", "Missing argument 'NUMBER'")])
def test_an_argument_is_named_in_the_language_of_the_help(lang: str, names: str, missing: str,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch):
    text = _help(["publish"], lang, capsys, monkeypatch)
    assert names in text and "plan_id" not in text and "number" not in text
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, "publish", "baerum-2018-2021"])
    assert exc.value.code == 2 and missing in capsys.readouterr().err
