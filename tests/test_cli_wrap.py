"""Errors at the terminal's width: wrapped on word boundaries with a hanging indent, never
inside a location, a grouped number or a quoted value; one line a message when stderr is not
a terminal (scripts, ``grep`` and tests/test_broken_plans.py read one error a line)."""

from __future__ import annotations

import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from muniplan.cli.wrap import hanging
from muniplan.plan.load import EXAMPLES_DIR

MUNIPLAN = str(Path(sys.executable).parent / "muniplan")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

LONG = ("/tmp/plan/sectors.csv:3: 2018: '.' between groups of three digits: thousands or a "
        "decimal? (expected thousands written with a space or nothing (300 000 or 300000); "
        "found '1.615.860')")


@pytest.mark.parametrize("width", [40, 60, 80])
def test_a_long_message_is_wrapped_under_its_text(width: int) -> None:
    text = hanging("error:", LONG, width)
    lines = text.split("\n")
    assert len(lines) > 1
    assert all(len(line) <= width for line in lines)
    assert all(line.startswith(" " * 7) and line[7] != " " for line in lines[1:])
    assert " ".join(text.split()) == f"error: {LONG}"
    assert "300 000" in text and "(300 000 or" in " ".join(text.split())
    assert not any(line.rstrip().endswith("300") for line in lines)


def test_the_location_and_a_quoted_value_are_never_split() -> None:
    message = "hp.xlsx, Forutsetninger!E2: 2019: not a number (expected a number, found '9,4 mrd')"
    for width in range(30, 90):
        text = hanging("feil:", message, width)
        assert "hp.xlsx, Forutsetninger!E2:" in text, width
        assert "'9,4 mrd'" in text, width


def test_a_short_message_stays_on_one_line() -> None:
    assert hanging("advarsel:", "sjekk amount_scale", 80) == "advarsel: sjekk amount_scale"


def _broken(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLES_DIR / "baerum-2018-2021", folder)
    sectors = folder / "sectors.csv"
    text = sectors.read_text(encoding="utf-8")
    assert ",219671,1615860," in text
    sectors.write_text(text.replace(",219671,1615860,", ",219671,1.615.860,"), encoding="utf-8")
    return folder


def _on_a_terminal(argv: list[str], cwd: Path) -> tuple[int, str]:
    """``argv`` run in ``cwd`` with its output on a pseudo-terminal 80 columns wide."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower,
                            env={**os.environ, "COLUMNS": "80"}, close_fds=True, cwd=cwd)
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(leader)
    return proc.wait(), ANSI.sub("", out.decode().replace("\r\n", "\n"))


@pytest.mark.parametrize(("lang", "label"), [("nb", "feil:"), ("en", "error:")])
def test_validate_on_a_terminal_80_columns_wide(tmp_path: Path, lang: str, label: str) -> None:
    _broken(tmp_path)
    argv = [MUNIPLAN, "validate", "plan", "--lang", lang]
    code, shown = _on_a_terminal(argv, tmp_path)
    piped = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path,
                           env={**os.environ, "COLUMNS": "80"})
    assert code == piped.returncode == 2
    lines = shown.rstrip("\n").split("\n")
    assert len(lines) > 1 and all(len(line) <= 80 for line in lines), shown
    assert lines[0].startswith(f"{label} plan/sectors.csv:3: 2018: ")
    indent = " " * (len(label) + 1)
    assert all(line.startswith(indent) for line in lines[1:]), shown
    assert "'1.615.860'" in shown
    # piped, the same message on one line
    assert piped.stderr.count("\n") == 1
    assert " ".join(shown.split()) == " ".join(piped.stderr.split())


@pytest.mark.parametrize(("lang", "label"), [("nb", "advarsel:"), ("en", "warning:")])
def test_warnings_on_a_terminal_80_columns_wide(tmp_path: Path, lang: str, label: str) -> None:
    """A plan just written by ``init`` carries long warnings (the defaults still in place)."""
    subprocess.run([MUNIPLAN, "init", "plan", "-m", "1101", "--first-year", "2026"],
                   cwd=tmp_path, check=True, capture_output=True)
    code, shown = _on_a_terminal([MUNIPLAN, "validate", "plan", "--lang", lang], tmp_path)
    assert code == 0
    lines = shown.rstrip("\n").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith(label))
    warnings = lines[first:]
    assert len(warnings) > 4 and all(len(line) <= 80 for line in warnings), shown
    indent = " " * (len(label) + 1)
    assert all(line.startswith((label + " ", indent)) for line in warnings), shown


def test_an_amount_and_its_unit_stay_together() -> None:
    from muniplan.cli.wrap import break_points

    note = ("Forutsetning: Avvik rapporteres når prognosen avviker minst 1 % eller 10 mill. kr "
            "fra revidert budsjett (muniplans standard; kommunen fastsetter egne terskler)")
    for width in range(30, 100):
        cuts = break_points(note, width, 14)
        assert all(note[c] == " " for c in cuts), width
        lines = [note[a + 1 if a else 0:b] for a, b in zip([0, *cuts], [*cuts, len(note)],
                                                         strict=True)]
        assert all(len(line) + (14 if n else 0) <= max(width, 34) for n, line in
                   enumerate(lines) if " " in line), (width, lines)
        assert not any(line.endswith(("1", "10", "mill.")) for line in lines), (width, lines)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_notes_of_init_on_a_terminal_80_columns_wide(tmp_path: Path, lang: str) -> None:
    """``init`` ends with a line of what it wrote and the next step: at a terminal they wrap
    between words like errors do, the first under the text after its ``ok``."""
    argv = [MUNIPLAN, "--lang", lang, "init", "plan", "-m", "1101", "--first-year", "2026"]
    code, shown = _on_a_terminal(argv, tmp_path)
    piped = subprocess.run([*argv[:4], "piped", *argv[5:]], capture_output=True, text=True,
                           cwd=tmp_path, env={**os.environ, "COLUMNS": "80"})
    assert code == piped.returncode == 0
    shown = shown[shown.index("ok plan: "):]  # after the spinner, which ends with it
    notes = shown.rstrip("\n").split("\n")
    assert all(len(line) <= 80 for line in notes), shown
    assert notes[1].startswith("   ") and notes[1][3] != " ", shown  # under the text after ok
    out = piped.stdout.replace("piped", "plan").splitlines()
    assert len(out) == 2 and all(len(line) > 80 for line in out)  # piped: one line each
    assert _words(out[0]) in _words(shown) and _words(out[1]) in _words(shown)
    assert _words(out[1]).startswith("Neste steg:" if lang == "nb" else "Next:")


def test_the_assumptions_of_a_followup_on_a_terminal_80_columns_wide(tmp_path: Path) -> None:
    actuals = Path(__file__).parent / "followup" / "baerum" / "actuals"
    code, shown = _on_a_terminal([MUNIPLAN, "followup", "--year", "2018", "--period", "T2",
                                  "--actuals", str(actuals)], tmp_path)
    assert code == 0
    lines = shown.rstrip("\n").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("Forutsetning: "))
    notes = lines[first:]
    assert len(notes) > 2 and all(len(line) <= 80 for line in notes), shown
    assert all(line.startswith(("Forutsetning: ", " " * 14)) for line in notes), shown
    assert "10 mill. kr" in shown
