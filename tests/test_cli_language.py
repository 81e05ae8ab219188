"""Every command's messages in the language asked for: a table of commands, each run on a
valid and on broken input, in bokmål (the default) and in English (``--lang en``).

The check is a small word list: words only English writes ("should", "not", "found",
"expected", "file") must not appear in bokmål output, and words only bokmål writes ("ikke",
"fant", "forventet", "feil", "og") not in English output. What a user wrote is left out
before looking — paths, quoted values, field and file names, commands, and the plan's own
names (sector, programme area and investment names are the kommune's official Norwegian
names, shown as they are in both languages).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from muniplan.cli import common, main
from muniplan.plan.load import EXAMPLES_DIR, load_plan

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"
FOLLOWUP = Path(__file__).parent / "followup"

ENGLISH_WORDS = """
a an the is are be should must not no found expected file error warning missing required
unknown invalid cannot already imported unchanged version wrote upgraded schema
nothing with from of and or in has have value number field whole text permitted input
user users added password group groups disabled written read only than more less least most
empty does do there this that which was were been as list mapping unique duplicate
did you mean
"""
BOKMAL_WORDS = """
ikke fant forventet feil advarsel mangler manglende skal må og er av med på til som har den
det de ingen finnes allerede versjon versjoner skrev lest bruker brukere passord gruppe
ukjent ugyldig tall heltall verdi fil filen mappen planmappen står igjen standardverdi
standardverdier driftsrammene sjekk beløp inntektene andeler skrives brøk eller fra ble
databasen oppgradert uendret importert enn minst høyst nye ny
"""
ENGLISH, BOKMAL = (frozenset(words.split()) for words in (ENGLISH_WORDS, BOKMAL_WORDS))

WORD = re.compile(r"[A-Za-zÆØÅæøåÉé']+")
QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"|`[^`\n]*`|«[^»\n]*»")
TECHNICAL = re.compile(r"\S*[/_\\.@=]\S*|--?[a-z][\w-]*|\S*\d\S*|\S+-\S+")
COMMAND = re.compile(r"muniplan(?: [a-z-]+)+")


def plan_names() -> list[str]:
    """The plan's own names (official, Norwegian in both languages), longest first."""
    plan = load_plan(EXAMPLE)
    names = {plan.title, plan.municipality.name, "Utsira kommune", "Handlingsprogram",
             "Bærum kommune", "[standardverdi]", "Human Mortality Database",
             "Human Fertility Database", "Statistisk sentralbyrå"}
    names.update(r.name for r in plan.rules)
    names.update(s.name for s in plan.scenarios)
    names.update(s.description for s in plan.scenarios if s.description)
    for area in plan.priority_areas:
        names.add(area.name)
        names.update(m.name for m in area.measures)
        names.update(t.name for t in area.targets)
    for s in plan.sectors:
        names.add(s.name)
        names.update(a.name for a in s.program_areas)
    names.update(i.name for i in plan.investments)
    return sorted(names, key=len, reverse=True)


NAMES = plan_names()


def foreign_words(text: str, lang: str) -> set[str]:
    """The words of the other language in ``text``, what the user wrote left out."""
    # a follow-up report's assumptions are the report file's own text
    text = "\n".join(line for line in text.splitlines()
                      if not line.startswith(("Forutsetning:", "Assumption:")))
    text = " ".join(text.replace("│", " ").split())
    for name in NAMES:
        text = text.replace(name, " ")
    text = COMMAND.sub(" ", QUOTED.sub(" ", text))
    text = TECHNICAL.sub(" ", text)
    words = {w.lower().strip("'") for w in WORD.findall(text)}
    return words & (ENGLISH if lang == "nb" else BOKMAL)


def run(argv: list[str], lang: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, stdin: str | None = None) -> tuple[int, str]:
    if stdin is not None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        main([*argv, "--lang", lang])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    else:  # pragma: no cover - main always exits
        code = 0
    out = capsys.readouterr()
    return code, out.out + out.err


# --- the cases: each makes its input in a folder and gives the command line ---------------

def copy(tmp: Path, name: str = "plan") -> Path:
    target = tmp / name
    if not target.exists():
        shutil.copytree(EXAMPLE, target)
    return target


def patched(file: str, old: str, new: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        folder = copy(tmp, f"p-{abs(hash((file, old, new)))}")
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (file, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return folder
    return make


BROKEN = {
    "literal": patched("sectors.csv", ",brutto,", ",bruto,"),
    "whole-number": patched("plan.yaml", "horizon: 2040", "horizon: tjue"),
    "extra-field": patched("plan.yaml", "amount_scale: 1000\n", "amount_scale: 1000\nfarge: 1\n"),
    "missing": patched("plan.yaml", "horizon: 2040\n", ""),
    "number": patched("plan.yaml", "limit: 0.04", "limit: fire"),
    "decimal-comma": patched("plan.yaml", "limit: 0.04", "limit: 0,04"),
    "negative-frame": patched("sectors.csv", ",2292660,", ",-5,"),
    "dot-thousands": patched("sectors.csv", ",2292660,", ",2.292.660,"),
    "bad-yaml": patched("plan.yaml", "horizon: 2040", "horizon: [2040"),
    "unknown-sector": patched("investments.csv", ",barn-og-unge,", ",barn-og-ung,"),
    "duplicate-id": patched("investments.csv", "storoya-skole,", "emma-hjorth-barneskole,"),
    "short-number": patched("plan.yaml", 'number: "0219"', 'number: "219"'),
    "missing-file": lambda tmp: (lambda f: ((f / "investments.csv").unlink(), f)[1])(
        copy(tmp, "nofile")),
    "rule-limit-percent": patched("plan.yaml", "limit: 0.04", "limit: 4"),
    "cost-after-horizon": patched("investments.csv", ",2020,2021,cost_recovery",
                                  ",2020,2045,cost_recovery"),
    "duplicate-key": patched("plan.yaml", "horizon: 2040\n", "horizon: 2040\nhorizon: 2050\n"),
    "csv-not-text": lambda tmp: (lambda f: ((f / "sectors.csv").write_bytes(
        (f / "sectors.csv").read_text(encoding="utf-8").encode("utf-16-le")), f)[1])(
        copy(tmp, "utf16")),
}


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_plan_in_one_language(case: str, lang: str, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    folder = BROKEN[case](tmp_path)
    _code, text = run(["validate", str(folder)], lang, capsys, monkeypatch)
    assert text.strip(), case
    assert foreign_words(text, lang) == set(), text


PLAN_COMMANDS = [
    ["validate"],
    ["show"],
    ["project", "--summary"],
    ["project", "--format", "csv", "--sep", "|"],
    ["project", "--draws", "mange"],
    ["project", "--scenario", "finnes-ikke"],
    ["population", "--to", "2022"],
    ["scenarios"],
    ["validate", "finnes-ikke"],
    ["plan-vs-actual", "--actuals", str(FOLLOWUP / "baerum" / "actuals")],
    ["followup", "--year", "2018", "--period", "T1", "--actuals",
     str(FOLLOWUP / "baerum" / "actuals")],
    ["followup", "--year", "2030", "--period", "T1", "--actuals",
     str(FOLLOWUP / "baerum" / "actuals")],
    ["compare", "baerum-2018-2021", "baerum-2018-2021"],
    ["compare", "baerum-2018-2021"],
]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("argv", PLAN_COMMANDS, ids=lambda a: "-".join(a[:2]))
def test_a_plan_command_in_one_language(argv: list[str], lang: str,
                                        capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # the plan's names on one line, to be left out (the consoles read COLUMNS when the CLI
    # is first imported, so their width is set directly)
    monkeypatch.setenv("COLUMNS", "200")
    for console in (common.console, common.err_console):
        monkeypatch.setattr(console, "_width", 200)
    _code, text = run(argv, lang, capsys, monkeypatch)
    assert text.strip()
    assert foreign_words(text, lang) == set(), text


def _files_commands(tmp: Path) -> list[tuple[list[str], str | None]]:
    full = copy(tmp, "full")
    return [
        (["init", str(tmp / "utsira"), "--municipality", "Utsira", "--first-year", "2026"],
         None),
        (["validate", str(tmp / "utsira")], None),
        (["init", str(full), "--municipality", "Utsira", "--first-year", "2026"], None),
        (["init", str(tmp / "x"), "--municipality", "Atlantis", "--first-year", "2026"], None),
        (["excel", "export", str(tmp / "plan.xlsx")], None),
        (["excel", "import", str(tmp / "plan.xlsx"), str(full)], None),
        (["excel", "import", str(tmp / "plan.xlsx"), str(tmp / "from-excel")], None),
        (["excel", "import", str(tmp / "finnes-ikke.xlsx"), str(tmp / "y")], None),
        (["data", "import-population", str(FOLLOWUP / "funksjon-programomrade.csv"),
          "--municipality", "0219", "--plan", str(tmp / "utsira")], None),
        (["import-accounts", str(FOLLOWUP / "hovedbok-2018-T1.csv"), "--mapping",
          str(FOLLOWUP / "funksjon-programomrade.csv"), "--year", "2018", "--period", "T1",
          "--out", str(tmp / "actuals")], None),
        (["import-accounts", str(FOLLOWUP / "hovedbok-2018-T1.csv"), "--mapping",
          str(FOLLOWUP / "funksjon-programomrade.csv"), "--year", "2018", "--period", "T1",
          "--out", str(tmp / "actuals")], None),
    ]


def _store_commands(tmp: Path) -> list[tuple[list[str], str | None]]:
    return [
        (["db", "current"], None),
        (["plans"], None),
        (["db", "upgrade"], None),
        (["db", "upgrade"], None),
        (["db", "current"], None),
        (["plans"], None),
        (["import", "--status", "proposal"], None),
        (["import"], None),
        (["import", "--if-missing"], None),
        (["plans"], None),
        (["versions"], None),
        (["versions", "finnes-ikke"], None),
        (["publish", "baerum-2018-2021", "1", "--stage", "recommendation"], None),
        (["publish", "baerum-2018-2021", "7"], None),
        (["checkout", "baerum-2018-2021", str(tmp / "ut")], None),
        (["checkout", "baerum-2018-2021", str(tmp / "ut")], None),
        (["checkout", "baerum-2018-2021@9", str(tmp / "ut2")], None),
        (["users", "add", "kari", "--role", "finance", "--name", "Kari Nordmann",
          "--password-stdin"], "et-langt-passord-2026\n"),
        (["users", "add", "kari", "--role", "finance", "--password-stdin"],
         "et-langt-passord-2026\n"),
        (["users", "add", "ola", "--role", "finance", "--password-stdin"], "kort\n"),
        (["users", "add-group", "Partiet"], None),
        (["users", "groups"], None),
        (["users", "list"], None),
        (["users", "disable", "kari"], None),
        (["users", "disable", "ingen"], None),
        (["users", "audit"], None),
        (["followup-record", "--year", "2018", "--period", "year", "--actuals",
          str(FOLLOWUP / "baerum" / "actuals")], None),
        (["followup-record", "--year", "2018", "--period", "year", "--actuals",
          str(FOLLOWUP / "baerum" / "actuals")], None),
        (["followup-publish", "baerum-2018-2021", "--year", "2018", "--period", "year"], None),
        (["followup-reports", "baerum-2018-2021", "--all"], None),
        (["roll-forward", "baerum-2018-2021", "--to-first-year", "2019", str(tmp / "neste"),
          "--actuals", str(FOLLOWUP / "baerum" / "actuals")], None),
        (["roll-forward", "baerum-2018-2021", "--to-first-year", "2019", str(tmp / "ut"),
          "--actuals", str(FOLLOWUP / "baerum" / "actuals")], None),
        (["citizens", "summary", "baerum-2018-2021"], None),
        (["citizens", "purge", "--older-than", "30"], None),
        (["followup-reports"], None),
    ]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("script", [_files_commands, _store_commands],
                         ids=["files", "store"])
def test_the_commands_that_write_in_one_language(
        script: Callable[[Path], list[tuple[list[str], str | None]]], lang: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'muniplan.db'}")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(tmp_path)
    problems = []
    for argv, stdin in script(tmp_path):
        _code, text = run(argv, lang, capsys, monkeypatch, stdin)
        found = foreign_words(text, lang)
        wide = [line for line in text.splitlines() if TABLE.search(line) and len(line) > 80]
        if not text.strip() or found or wide:
            problems.append(f"muniplan {' '.join(argv[:3])}: {sorted(found)}\n{text}")
    assert problems == [], "\n".join(problems)


TABLE = re.compile("[│┃─━]")
"""A line of a table: at 80 columns it fits (a message is one line, for grep, and may not)."""


def test_the_detector_sees_both_languages() -> None:
    assert foreign_words("feil: plan.yaml:3: horizon: Field required", "nb") == {
        "field", "required"}
    assert foreign_words("error: plan.yaml:3: horizon: mangler (fant 'x')", "en") == {
        "mangler", "fant"}
    assert foreign_words("Barn og unge: 12 mill. kr", "en") == set()
    assert foreign_words("feil: 'the file' `muniplan db upgrade` /tmp/the/file", "nb") == set()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_translation_keeps_the_places_of_its_values(lang: str) -> None:
    # a value lost or invented in a translation would print a wrong message or none
    from muniplan.translation import PLACEHOLDER, catalogue

    wrong = {key: text for key, text in catalogue(lang).items()
             if set(PLACEHOLDER.findall(key)) != set(PLACEHOLDER.findall(text))}
    assert wrong == {}
