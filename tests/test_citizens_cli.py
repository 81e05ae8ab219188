"""``muniplan citizens summary|purge`` on a real SQLite store: figures, JSON, located errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.plan.load import read_folder, resolve
from muniplan.store import Store
from muniplan.store.citizens import CitizenStore

PLAN = "baerum-2018-2021"


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        lang: str = "en") -> tuple[int, str, str]:
    """Run a command; in English unless ``lang`` says otherwise (the messages as the code
    writes them; tests/test_cli_language.py checks both languages)."""
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *argv])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture()
def seeded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CitizenStore:
    url = f"sqlite:///{tmp_path}/m.db"
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", url)
    store = Store(url)
    store.upgrade()
    store.import_files(read_folder(resolve(None)), status="adopted")
    citizens = CitizenStore(store)
    citizens.add_submission(PLAN, 1, {"ramme-barn-og-unge": -2, "utsettelse": 1})
    citizens.add_submission(PLAN, 1, {"ramme-barn-og-unge": -1, "gebyrer": 3}, comment="hei")
    return citizens


def test_summary(seeded: CitizenStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["citizens", "summary", PLAN], capsys, lang="nb")
    assert code == 0 and "2 budsjetter, 1 med kommentar" in out
    code, out, _ = run(["citizens", "summary", PLAN, "--json"], capsys)
    data = json.loads(out)
    [barn] = [x for x in data["levers"] if x["lever"] == "ramme-barn-og-unge"]
    assert (data["count"], barn["median"], barn["low"], barn["high"]) == (2, -1.5, -2.0, -1.0)


def test_bad_input_is_a_located_error(seeded: CitizenStore,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["citizens", "summary", "finnes-ikke"], capsys)
    assert code == 2 and "no plan 'finnes-ikke'" in err and "Traceback" not in err
    code, _, err = run(["citizens", "purge", "--older-than", "-1"], capsys)
    assert code == 2 and "--older-than" in err


def test_purge(seeded: CitizenStore, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["citizens", "purge", "--older-than", "30"], capsys, lang="nb")
    assert code == 0 and "Slettet 0" in out
    code, out, _ = run(["citizens", "purge", "--older-than", "0"], capsys, lang="nb")
    assert code == 0 and "Slettet 2" in out
    assert seeded.submissions(PLAN) == []
