"""`muniplan compare` and `muniplan publish`, and the English of the process pages."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.web.i18n import gettext_for

ALT = """changes:
  - id: ap
    name: Ap
    kind: alternative
    assumption: test
    overrides:
      - {parameter: program_areas.barnevern.frame, op: add, value: 5000, first: 2019, last: 2021}
      - {parameter: investments.rud-svommehall.delay, value: 2}
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        lang: str = "en") -> tuple[int, str, str]:
    """Run a command; in English unless ``lang`` says otherwise (the messages as the code
    writes them; tests/test_cli_language.py checks both languages)."""
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *argv])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture
def alternative(tmp_path: Path, example_dir: Path) -> Path:
    folder = tmp_path / "ap"
    shutil.copytree(example_dir, folder)
    (folder / "changes.yaml").write_text(ALT, encoding="utf-8")
    return folder


def test_compare_json_has_the_changes_and_the_balance(capsys, alternative):
    code, out, err = run(["compare", "baerum-2018-2021", str(alternative), "-f", "json"],
                         capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert [p["balanced"] for p in data["plans"]] == [True, True]
    area = next(a for a in data["program_areas"] if a["id"] == "barnevern")
    assert area["change"] == [[0, 0, 0, 0], [0, 5_000_000, 5_000_000, 5_000_000]]
    rud = next(i for i in data["investments"] if i["id"] == "rud-svommehall")
    assert rud["completion_year"][1] - rud["completion_year"][0] == 2
    assert set(data["indicators"]) >= {"net_operating_result_ratio", "debt_ratio",
                                       "savings_need"}
    assert len(data["indicators"]["debt_ratio"][0]) == len(data["years"])
    assert "balanse" in data["rules"]


def test_compare_table_fits_80_columns(capsys, alternative, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(["compare", "baerum-2018-2021", str(alternative)], capsys)
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "Barnevern" in out and "Svømmehall på Rud (ferdig" in out


@pytest.mark.parametrize("argv, fragment", [
    (["compare", "baerum-2018-2021"], "two plans"),
    (["compare", "baerum-2018-2021", "x@y"], "PLAN@N"),
    (["compare", "baerum-2018-2021", "ingen-slik-plan"], "ingen-slik-plan"),
])
def test_compare_bad_input(capsys, argv, fragment):
    code, _, err = run(argv, capsys)
    assert code == 2 and fragment in err and "Traceback" not in err


def test_publish_from_the_command_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["import", "--status", "proposal"], capsys)[0] == 0
    code, out, _ = run(["publish", "baerum-2018-2021", "1", "--stage", "recommendation"],
                       capsys)
    assert code == 0 and "recommendation" in out
    code, _, err = run(["publish", "baerum-2018-2021", "7"], capsys)
    assert code == 2 and "no version 7" in err


@pytest.mark.parametrize("lang, said", [
    ("nb", "versjon 1 er lagret som et forslag; fasen 'adopted' krever en vedtatt versjon"),
    ("en", "version 1 is stored as a proposal; the stage 'adopted' needs an adopted version")])
def test_a_stage_the_version_cannot_take_is_refused_in_words(capsys, tmp_path, monkeypatch,
                                                             lang, said):
    """The refusal says what the version is in words, not the database's 'proposal'."""
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["import", "--status", "proposal"], capsys)[0] == 0
    code, _, err = run(["publish", "baerum-2018-2021", "1", "--stage", "adopted"], capsys, lang)
    assert code == 2 and said in " ".join(err.split()), err
    assert "'proposal'" not in err


def test_every_process_message_has_english():
    web = Path(__file__).resolve().parents[1] / "src" / "muniplan" / "web"
    files = [*(web / "templates" / "process").glob("*.html"), *(web / "auth").glob("*.py"),
             *(web / "process").glob("*.py"), web / "pages" / "process.py",
             web / "pages" / "admin.py"]
    en = gettext_for("en")
    missing = []
    for path in files:
        for m in re.finditer(r'_\("((?:[^"\\]|\\.)+)"\)', path.read_text(encoding="utf-8")):
            if en(m.group(1)) == m.group(1):
                missing.append(m.group(1))
    assert not missing, missing


def test_import_with_a_stale_base_is_refused(capsys, tmp_path, monkeypatch, example_dir):
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path / "db"))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["import", "--status", "proposal"], capsys)[0] == 0
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    for folder, note in ((mine, "# min endring\n"), (theirs, "# deres endring\n")):
        shutil.copytree(example_dir, folder)
        with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
            f.write("\n" + note)
    assert run(["import", str(theirs), "--base", "1"], capsys)[0] == 0  # version 2
    code, _, err = run(["import", str(mine), "--base", "1"], capsys)
    assert code == 2 and "newest version is 2" in err and "Traceback" not in err
    from muniplan.store import Settings, Store

    with Store.from_settings(Settings()) as store:
        assert [v.number for v in store.versions("baerum-2018-2021")] == [1, 2]


@pytest.mark.parametrize("lang, argv, said", [
    ("nb", ["users", "add", "Kari", "--role", "admin", "--password-stdin"],
     "feil: brukernavn: forventet små bokstaver, sifre, '.', '_' eller '-', 1–64 tegn, "
     "fant 'Kari'"),
    ("en", ["users", "add", "Kari", "--role", "admin", "--password-stdin"],
     "error: username: expected lowercase letters, digits, '.', '_' or '-', 1–64 characters, "
     "found 'Kari'"),
    ("nb", ["users", "add-group", "Partiet", "--name", "Partiets gruppe"],
     "feil: gruppens kortnavn: forventet små bokstaver, sifre"),
])
def test_a_bad_account_name_is_refused_whole_in_one_language(capsys, tmp_path, monkeypatch,
                                                              lang, argv, said):
    """What a name may hold is said in the language asked for, not left in English."""
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO("et langt nok passord\n"))
    assert run(["db", "upgrade"], capsys)[0] == 0
    code, _, err = run(argv, capsys, lang)
    assert code == 2 and said in " ".join(err.split()), err
