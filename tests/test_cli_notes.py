"""Note columns (kommentar, merknad, note) are shown where the command line shows the rows:
under ``muniplan show``'s tables, one line a note, in the chosen language."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_row_notes import AREA_NOTE, NOTE, _plan

from muniplan.cli import main


def _show(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    return " ".join(capsys.readouterr().out.split())


def test_show_prints_the_notes_under_their_tables(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = _plan(tmp_path)
    out = _show(["show", str(folder)], capsys)
    assert f"Merknad – Barnehager: {AREA_NOTE}" in out
    assert f"Merknad – Storøya skole: {NOTE}" in out
    assert out.index(AREA_NOTE) < out.index("Investeringer (mill. kr)") < out.index(NOTE)
    out = _show(["show", str(folder), "--lang", "en"], capsys)
    assert f"Note – Storøya skole: {NOTE}" in out


def test_a_plan_without_notes_shows_none(capsys: pytest.CaptureFixture[str]) -> None:
    assert "Merknad" not in _show(["show"], capsys)
