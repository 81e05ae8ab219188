"""Optimistic locking on the command line: a folder records the version it was made from
(``muniplan checkout``, and every ``muniplan import``), and an import is refused when the
plan has a newer version than that — not only with ``--base``. On SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_url_fixture,
)
from test_store_cli import run

from muniplan.cli.version_marker import MARKER
from muniplan.plan.load import EXAMPLES_DIR
from muniplan.store import Store

PLAN_ID = "baerum-2018-2021"


@pytest.fixture(name="stored")
def stored_fixture(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys):
    """A store with the example as version 1 (proposal)."""
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", store_url)
    monkeypatch.chdir(tmp_path)
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["import", "--status", "proposal"], capsys)[0] == 0
    return store_url


def _edit(folder: Path, note: str) -> None:
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write(f"\n# {note}\n")


def _numbers(url: str) -> list[int]:
    with Store(url) as s:
        return [v.number for v in s.versions(PLAN_ID)]


def test_two_checkouts_the_second_import_is_refused(stored, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        code, out, _ = run(["checkout", PLAN_ID, str(folder)], capsys)
        assert code == 0 and "version 1" in out
        assert (folder / MARKER).read_text(encoding="utf-8").endswith(
            f"plan: {PLAN_ID}\nversion: 1\n")
    _edit(a, "Aases endring")
    _edit(b, "Bjørns endring")
    code, out, _ = run(["import", str(a), "-m", "Aases endring"], capsys)
    assert code == 0 and "version 2" in out
    assert "version: 2" in (a / MARKER).read_text(encoding="utf-8")
    code, out, err = run(["import", str(b)], capsys)
    assert code == 2 and "has changed since version 1" in err and "newest version is 2" in err
    assert f"muniplan checkout {PLAN_ID}@2" in err and "Traceback" not in err + out
    assert _numbers(stored) == [1, 2]
    # the first writer goes on from the version it made
    _edit(a, "Aases andre endring")
    assert run(["import", str(a)], capsys)[0] == 0
    assert _numbers(stored) == [1, 2, 3]


def test_a_folder_without_a_recorded_version_is_refused(stored, tmp_path, capsys):
    folder = tmp_path / "kopi"
    import shutil

    shutil.copytree(EXAMPLES_DIR / PLAN_ID, folder)
    _edit(folder, "uten base")
    code, _, err = run(["import", str(folder)], capsys)
    assert code == 2 and "do not say which version they were made from" in err
    assert "muniplan checkout" in err and "--base N" in err
    assert _numbers(stored) == [1]
    assert run(["import", str(folder), "--base", "1"], capsys)[0] == 0
    assert "version: 2" in (folder / MARKER).read_text(encoding="utf-8")


def test_an_unchanged_import_and_the_example_need_no_base(stored, capsys):
    code, out, _ = run(["import"], capsys)  # the built-in example again: nothing to write
    assert code == 0 and "unchanged" in out
    assert not (EXAMPLES_DIR / PLAN_ID / MARKER).exists()


def test_a_groups_alternative_does_not_block_the_administration(stored, tmp_path, capsys):
    work, alt = tmp_path / "work", tmp_path / "alt"
    assert run(["checkout", PLAN_ID, str(work)], capsys)[0] == 0
    assert run(["checkout", PLAN_ID, str(alt)], capsys)[0] == 0
    _edit(alt, "alternativ")
    assert run(["import", str(alt), "--status", "alternative"], capsys)[0] == 0  # version 2
    _edit(work, "ny versjon av forslaget")
    code, _, err = run(["import", str(work), "--status", "proposal"], capsys)
    assert code == 0, err
    assert _numbers(stored) == [1, 2, 3]


@pytest.mark.parametrize("marker, fragment", [
    ("plan: baerum-2018-2021\nversion: to\n", "incomplete recorded base version"),
    ("plan baerum\n", "cannot read the recorded base version"),
    ("plan: en-annen-plan\nversion: 1\n", "checked out from plan 'en-annen-plan'"),
])
def test_a_bad_marker_is_a_located_error(stored, tmp_path, capsys, marker, fragment):
    folder = tmp_path / "f"
    assert run(["checkout", PLAN_ID, str(folder)], capsys)[0] == 0
    (folder / MARKER).write_text(marker, encoding="utf-8")
    _edit(folder, "x")
    code, out, err = run(["import", str(folder)], capsys)
    assert code == 2 and fragment in err and "Traceback" not in err + out
    assert _numbers(stored) == [1]


def test_checkout_bad_input(stored, tmp_path, capsys):
    code, _, err = run(["checkout", f"{PLAN_ID}@x", str(tmp_path / "x")], capsys)
    assert code == 2 and "PLAN_ID@N" in err
    code, _, err = run(["checkout", f"{PLAN_ID}@7", str(tmp_path / "y")], capsys)
    assert code == 2 and "no version 7" in err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notat.txt").write_text("mitt", encoding="utf-8")
    code, _, err = run(["checkout", PLAN_ID, str(tmp_path / "full")], capsys)
    assert code == 2 and "Traceback" not in err
