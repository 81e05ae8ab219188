"""The store's commands through ``muniplan.cli.main``: db upgrade/current, import, plans,
versions, serve — exit codes, messages, and what lands in the store, on both backends."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.cli import main
from muniplan.plan.load import resolve
from muniplan.store import Store
from muniplan.store.migrate import head

PLAN_ID = "baerum-2018-2021"


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        lang: str = "en") -> tuple[int, str, str]:
    """Run a command; in English unless ``lang`` says otherwise (the messages as the code
    writes them; tests/test_cli_language.py checks both languages)."""
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *argv])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture(name="env")
def env_fixture(store_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The commands' store is ``store_url`` (an empty database on each backend)."""
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", store_url)
    monkeypatch.chdir(tmp_path)
    return store_url


@pytest.fixture(name="upgraded")
def upgraded_fixture(env: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert run(["db", "upgrade"], capsys)[0] == 0
    return env


def stored(url: str) -> list[tuple[int, str, int | None]]:
    with Store(url) as s:
        return [(v.number, v.status, v.parent) for v in s.versions(PLAN_ID)]


def plan_copy(tmp_path: Path, name: str = "plan") -> Path:
    target = tmp_path / name
    shutil.copytree(resolve(None), target)
    return target


def test_db_upgrade_then_current(env, capsys):
    code, out, _ = run(["db", "current"], capsys)
    assert code == 1 and "muniplan db upgrade" in out
    code, out, _ = run(["db", "upgrade"], capsys)
    newest = head()
    assert code == 0 and "upgraded" in out and newest in out
    code, out, _ = run(["db", "upgrade"], capsys)
    assert code == 0 and f"already at schema {newest}" in out
    code, out, _ = run(["db", "current"], capsys)
    assert code == 0 and f"{newest} (current)" in out


def test_commands_before_upgrade_say_what_to_do(env, capsys):
    for argv in (["versions"], ["plans"], ["import"]):
        code, out, err = run(argv, capsys)
        assert code == 2, argv
        assert "run `muniplan db upgrade`" in err and "Traceback" not in err + out


def test_import_twice_makes_one_version_and_says_so(upgraded, capsys):
    code, out, _ = run(["import", "--status", "adopted", "--author", "Kari"], capsys)
    assert code == 0 and f"imported {PLAN_ID} version 1 (adopted" in out
    code, out, _ = run(["import"], capsys)
    assert code == 0 and "unchanged" in out and "no new version" in out
    assert stored(upgraded) == [(1, "adopted", None)]


def test_import_changed_folder_makes_version_two(upgraded, capsys, tmp_path):
    assert run(["import", "-s", "adopted"], capsys)[0] == 0
    folder = plan_copy(tmp_path)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# endret\n")
    code, out, _ = run(["import", str(folder), "-s", "proposal", "-m", "Rådmannens forslag",
                        "--base", "1"], capsys)
    assert code == 0 and "version 2 (proposal, parent 1" in out
    assert stored(upgraded) == [(1, "adopted", None), (2, "proposal", 1)]


def test_import_if_missing(upgraded, capsys, tmp_path):
    code, out, _ = run(["import", "--if-missing", "--status", "adopted"], capsys)
    assert code == 0 and "imported" in out
    folder = plan_copy(tmp_path)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("\n# endret\n")
    code, out, _ = run(["import", str(folder), "--if-missing"], capsys)
    assert code == 0 and "already in the store (version 1); nothing imported" in out
    assert stored(upgraded) == [(1, "adopted", None)]


def test_import_of_a_bad_plan_is_exit_2_and_writes_nothing(upgraded, capsys, tmp_path):
    folder = plan_copy(tmp_path)
    text = (folder / "plan.yaml").read_text(encoding="utf-8")
    (folder / "plan.yaml").write_text(text.replace("horizon: 2040", "horizon: tjue"),
                                      encoding="utf-8")
    code, _, err = run(["import", str(folder)], capsys)
    assert code == 2
    assert "plan.yaml" in err and "horizon" in err and "Traceback" not in err
    code, _, err = run(["versions"], capsys)
    assert code == 2 and f"no plan '{PLAN_ID}'" in err


def test_import_unknown_status_is_a_usage_error(upgraded, capsys):
    code, _, err = run(["import", "--status", "final"], capsys)
    assert code == 2 and "final" in err


def test_versions_table_and_json(upgraded, capsys):
    run(["import", "-s", "adopted", "--author", "Kommunestyret"], capsys)
    code, out, _ = run(["versions"], capsys)
    assert code == 0
    assert "adopted" in out and "1*" in out
    code, out, _ = run(["versions", PLAN_ID, "--format", "json"], capsys)
    data = json.loads(out)
    assert code == 0 and len(data) == 1
    assert data[0]["number"] == 1 and data[0]["status"] == "adopted"
    assert data[0]["author"] == "Kommunestyret" and data[0]["parent"] is None
    assert data[0]["created_at"].endswith("+00:00") and len(data[0]["digest"]) == 64
    code, _, err = run(["versions", "nope"], capsys)
    assert code == 2 and "no plan 'nope'" in err


def test_plans_table_and_json(upgraded, capsys):
    code, out, _ = run(["plans"], capsys)
    assert code == 0 and "no plans" in out
    run(["import"], capsys)
    code, out, _ = run(["plans", "-f", "json"], capsys)
    assert code == 0 and json.loads(out) == [{
        "id": PLAN_ID,
        "title": "Handlingsprogram 2018–2021: Rigge kommunen for langsiktig bærekraft",
        "municipality": {"name": "Bærum kommune", "number": "0219"},
        "latest_version": 1, "latest_status": "draft"}]
    code, out, _ = run(["plans"], capsys)
    assert code == 0 and "Bærum kommune" in out


def test_data_dir_is_the_default_location(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path / "lager"))
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert run(["import"], capsys)[0] == 0
    assert (tmp_path / "lager" / "muniplan.db").is_file()
    monkeypatch.delenv("MUNIPLAN_DATA_DIR")
    monkeypatch.chdir(tmp_path)
    assert run(["db", "upgrade"], capsys)[0] == 0
    assert (tmp_path / "data" / "muniplan.db").is_file()


def test_unreachable_database_is_exit_2_without_traceback(monkeypatch, capsys):
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL",
                       "postgresql+psycopg://u:hemmelig@127.0.0.1:1/x?connect_timeout=2")
    for argv in (["db", "upgrade"], ["db", "current"], ["versions"]):
        code, out, err = run(argv, capsys)
        assert code == 2, argv
        assert "cannot reach the database" in err
        assert "hemmelig" not in err + out and "Traceback" not in err + out
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", "ikke en url")
    code, _, err = run(["plans"], capsys)
    assert code == 2 and "not a database URL" in err


def test_serve_runs_uvicorn_on_the_app_factory(upgraded, capsys, monkeypatch):
    from muniplan.web import serving

    seen: dict[str, Any] = {}

    class Warming:
        def __init__(self, host: str, port: int) -> None:
            seen["warm_for"] = (host, port)

        def stop(self) -> None:
            seen["warm_stopped"] = True

    monkeypatch.setattr(serving, "Warming", Warming)
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: seen.update(app=app, **kw))
    code, _, err = run(["serve", "--port", "8123", "--host", "0.0.0.0", "--workers", "3"],
                       capsys)
    assert code == 0, err
    assert seen["app"] == "muniplan.web.serving:app_from_environment" and seen["factory"]
    assert (seen["host"], seen["port"], seen["workers"]) == ("0.0.0.0", 8123, 3)
    assert seen["warm_stopped"]  # the warm-up ends with the server
    assert seen["warm_for"] == ("0.0.0.0", 8123)  # and starts when it answers there
    app = serving.app_from_environment()  # what each worker builds, from the environment
    assert isinstance(app.state.store, Store) and app.state.settings.database_url == upgraded
    app.state.store.dispose()


def test_serve_refuses_a_database_that_is_not_upgraded(env, capsys):
    code, _, err = run(["serve"], capsys)
    assert code == 2 and "muniplan db upgrade" in err


def test_serve_rejects_a_bad_port(env, capsys):
    code, _, err = run(["serve", "--port", "70000"], capsys)
    assert code == 2 and "--port" in err
