"""The command line in the user's language: bokmål by default, English with ``--lang en`` or
an English LANG/LC_ALL — help, table headers, errors and the library's own words."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer.main

from muniplan import translation
from muniplan.cli import app, i18n, main
from muniplan.cli.common import _without_lang

LOCALE = Path(translation.__file__).parent / "locale"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, " ".join(out.out.split()), " ".join(out.err.split())


def _help_texts() -> list[str]:
    texts: list[str] = []

    def walk(command: object) -> None:
        texts.extend(t for t in (getattr(command, "help", None),) if t)
        texts.extend(p.help for p in getattr(command, "params", ()) if getattr(p, "help", None))
        for child in getattr(command, "commands", {}).values():
            walk(child)

    walk(typer.main.get_command(app))
    return texts


def test_every_help_text_has_its_bokmal_translation() -> None:
    missing = [t for t in _help_texts() if t not in translation.catalogue("nb")]
    assert missing == [], ("help without bokmål in src/muniplan/locale/nb/LC_MESSAGES: "
                           f"{missing}")


def test_help_is_bokmal_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["--help"], capsys)
    assert code == 0
    for word in ("Bruk: muniplan [VALG] KOMMANDO", "Valg", "Kommandoer",
                 "Vis denne hjelpen og avslutt.", "Kontroller en planmappe"):
        assert word in out
    for word in ("Usage", "Options", "Commands", "Show this message", "Check a plan folder"):
        assert word not in out


def test_help_in_english_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["--lang", "en", "--help"], capsys)
    assert code == 0
    for word in ("Usage: muniplan [OPTIONS] COMMAND", "Options", "Commands",
                 "Show this message and exit.", "Check a plan folder"):
        assert word in out
    assert "Kontroller en planmappe" not in out


@pytest.mark.parametrize("argv", [["project", "--help", "--lang", "en"],
                                  ["project", "--lang=en", "--help"]])
def test_lang_may_follow_the_command(argv: list[str], capsys: pytest.CaptureFixture[str]):
    code, out, _err = run(argv, capsys)
    assert code == 0 and "Project the plan's finances" in out and "Monte Carlo draws" in out


def test_a_commands_option_help_in_both_languages(capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # each help text on one line of the panel
    _code, nb, _err = run(["init", "--help"], capsys)
    assert "Kommunenummer fra 2024 (0301) eller navn (Utsira)." in nb and "[påkrevd]" in nb
    _code, en, _err = run(["init", "--help", "--lang", "en"], capsys)
    assert "Kommunenummer of 2024 (0301) or name (Utsira)." in en and "[required]" in en


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "feil: --sep: forventet ',' eller ';', fant '|'"),
    ("en", "error: --sep: expected ',' or ';', found '|'"),
])
def test_an_error_in_both_languages(lang: str, expected: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["project", "--format", "csv", "--sep", "|", "--lang", lang], capsys)
    assert (code, out, err) == (2, "", expected)


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "feil: ukjent valg: --zzzz Prøv 'muniplan project --help' for hjelp."),
    ("en", "error: No such option: --zzzz Try 'muniplan project --help' for help."),
])
def test_a_usage_error_in_both_languages(lang: str, expected: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["--lang", lang, "project", "--zzzz"], capsys)
    assert (code, err) == (2, expected)


def test_a_misspelt_option_names_the_close_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["project", "--outt"], capsys)
    assert code == 2 and err.startswith("feil: ukjent valg: --outt (mulige valg: --out, --to)")


def test_a_bad_option_value_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["project", "--draws", "mange"], capsys)
    assert code == 2 and err.startswith("feil: ugyldig verdi for '--draws': forventet et heltall")


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", "--lang", "de"], capsys)
    assert (code, out) == (2, "") and err == "feil: --lang: forventet nb eller en, fant 'de'"


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, "nb"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "C.UTF-8"}, "nb"),
    ({"LANG": "en_GB.UTF-8", "LC_ALL": "nb_NO.UTF-8"}, "nb"),
    ({"LANG": "nb_NO.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
    ({"LANGUAGE": "en:nb", "LANG": "nb_NO.UTF-8"}, "en"),
])
def test_the_environment_chooses_the_language(environ: dict[str, str], expected: str) -> None:
    assert i18n.language_from([], environ) == expected


def test_lang_on_the_command_line_beats_the_environment() -> None:
    assert i18n.language_from(["validate", "--lang", "nb"], {"LANG": "en_US.UTF-8"}) == "nb"
    assert i18n.language_from(["--lang=en"], {"LANG": "nb_NO.UTF-8"}) == "en"


def test_lang_from_the_environment_in_a_run(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, out, _err = run(["validate"], capsys)
    assert code == 0 and "18 investments" in out and "5 rules" in out
    monkeypatch.setenv("LC_ALL", "nb_NO.UTF-8")
    code, out, _err = run(["validate"], capsys)
    assert code == 0 and "18 investeringer" in out


def test_tables_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["project", "--summary", "--lang", "en"], capsys)
    assert code == 0
    assert "Bærum kommune: projection 2018–2040 (NOK million, current prices)" in out
    assert "Operating income 10,439 10,866" in out and "Savings need" in out
    assert "Driftsinntekter" not in out and "Innsparingsbehov" not in out
    code, out, _err = run(["project", "--summary"], capsys)
    assert "Driftsinntekter 10 439 10 866" in out.replace("\u00a0", " ")


def test_report_keeps_its_own_lang_option() -> None:
    command = typer.main.get_command(app)
    argv = ["report", "--out", "x", "--lang", "en"]
    assert _without_lang(command, argv) == argv
    assert _without_lang(command, ["validate", "--lang", "en", "p"]) == ["validate", "p"]
    # before the command it is the root's own option
    assert _without_lang(command, ["--lang=en", "validate"]) == ["--lang=en", "validate"]


def test_the_catalogue_reader_reads_what_babel_reads() -> None:
    from babel.messages.pofile import read_po

    files = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
    assert len(files) >= 3
    for po in files:
        with po.open("rb") as f:
            babel = {m.id: m.string for m in read_po(f) if m.id and m.string and not m.fuzzy}
        assert translation.read_po(po.read_text(encoding="utf-8")) == babel, po


def test_a_pattern_fills_in_the_names_and_a_missing_text_stays_as_written() -> None:
    i18n.set_language("nb")
    try:
        assert i18n._("No such option: --x") == "ukjent valg: --x"
        assert i18n._("Invalid value for '--to': Input should be a valid integer, unable to "
                      "parse string as an integer") == ("ugyldig verdi for '--to': forventet "
                                                        "et heltall")
        assert i18n._("A text nobody translated") == "A text nobody translated"
    finally:
        i18n.set_language("nb")
