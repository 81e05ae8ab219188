"""Follow-up reports in the store, on SQLite and PostgreSQL: recorded as their own records
(never plan versions), drafts until published, revisions, one transaction each; the CLI
commands; and the tertial report document (HTML and PDF)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pdf_helpers import require_pdf_engine
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.cli import main
from muniplan.plan.errors import PlanError
from muniplan.store import NotFoundError
from muniplan.store.followup import publish_report, record_report, report_files, reports

PLAN_ID = "baerum-2018-2021"
ACTUALS = Path(__file__).parent / "followup" / "baerum" / "actuals"


def files() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(ACTUALS.glob("*.csv"))}


def test_record_publish_and_revise(store, baerum_files) -> None:
    store.import_files(baerum_files, status="adopted")
    rec, created = record_report(store, PLAN_ID, 2018, "T1", files(), author="økonomi")
    assert created and (rec.number, rec.status, rec.plan_version) == (1, "draft", 1)
    again, created = record_report(store, PLAN_ID, 2018, "T1", files())
    assert not created and again.id == rec.id  # the same files: nothing new
    assert reports(store, PLAN_ID) == []  # nothing published yet
    pub = publish_report(store, PLAN_ID, 2018, "T1", by="økonomisjef")
    assert pub.status == "published" and pub.published_by == "økonomisjef"
    assert [(r.year, r.period) for r in reports(store, PLAN_ID)] == [(2018, "T1")]
    changed = files()
    changed["2018-T1.csv"] = changed["2018-T1.csv"].replace(
        "program_area,grunnskole,2018,T1,actual,", "program_area,grunnskole,2018,T1,actual,1")
    rev, created = record_report(store, PLAN_ID, 2018, "T1", changed)
    assert created and rev.number == 2 and rev.status == "draft"
    assert reports(store, PLAN_ID)[0].number == 1  # the public still sees revision 1
    assert report_files(store, rev.id)["2018-T1.csv"] == changed["2018-T1.csv"]
    assert len(store.versions(PLAN_ID)) == 1  # a report is not a plan version


def test_bad_report_writes_nothing(store, baerum_files) -> None:
    store.import_files(baerum_files, status="adopted")
    bad = files()
    bad["2018-T2.csv"] += "program_area,finnes-ikke,2018,T2,actual,1,,x\n"
    with pytest.raises(PlanError, match=r"2018-T2.csv:.*: id"):
        record_report(store, PLAN_ID, 2018, "T2", bad)
    with pytest.raises(PlanError, match="no report for 2019 T1"):
        record_report(store, PLAN_ID, 2019, "T1", files())
    with pytest.raises(PlanError, match="a year of the plan period"):
        record_report(store, PLAN_ID, 2017, "year", files())
    with pytest.raises(NotFoundError):
        publish_report(store, PLAN_ID, 2018, "T2")
    assert reports(store, PLAN_ID, published_only=False) == []


def test_cli_record_and_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", f"sqlite:///{tmp_path}/m.db")

    def run(*argv: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exc:
            main(["--lang", "en", *argv])  # the messages as the code writes them
        out = capsys.readouterr()
        return exc.value.code, out.out + out.err

    assert run("db", "upgrade")[0] == 0
    assert run("import", "--status", "adopted")[0] == 0
    code, out = run("followup-record", "--year", "2018", "--period", "year", "--actuals",
                    str(ACTUALS))
    assert code == 0 and "revision 1" in out
    code, out = run("followup-reports", PLAN_ID, "--all")
    assert code == 0 and "draft" in out
    assert run("followup-publish", PLAN_ID, "--year", "2018", "--period", "year")[0] == 0
    code, out = run("followup-reports", PLAN_ID)
    assert code == 0 and "published" in out and "annual" in out
    code, out = run("followup-publish", PLAN_ID, "--year", "2018", "--period", "T1")
    assert code == 2 and "no report for 2018 (first four-month report)" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("lang, said", [
    ("nb", "feil: ingen rapport for 2018 (årsrapport) er registrert for planen "
     "'baerum-2018-2021' (registrer den med `muniplan followup-record`)"),
    ("en", "error: no report for 2018 (annual report) recorded for plan 'baerum-2018-2021' "
     "(record it with `muniplan followup-record`)")])
def test_a_report_not_recorded_is_said_whole_in_one_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        lang: str, said: str) -> None:
    """The period in words ("annual report", not ``year``), and the whole message in the
    language asked for, not its first words alone."""
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)
    for argv in (["db", "upgrade"], ["import", "--status", "adopted"],
                 ["followup-publish", PLAN_ID, "--year", "2018", "--period", "year"]):
        with pytest.raises(SystemExit) as exc:
            main(["--lang", lang, *argv])
    assert exc.value.code == 2
    assert said in " ".join(capsys.readouterr().err.split())


def test_tertial_report_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_pdf_engine()
    with pytest.raises(SystemExit) as exc:
        main(["followup", "--year", "2018", "--period", "T2", "--actuals", str(ACTUALS),
              "--out", str(tmp_path), "--pdf"])
    assert exc.value.code == 0, capsys.readouterr().err
    html = (tmp_path / "oppfolging-2018-T2.html").read_text(encoding="utf-8")
    assert "2. tertial 2018" in html and "<svg" in html and "Barnevern" in html
    assert "http://" not in html.split("<body>", 1)[1].replace("http://www.w3.org", "")
    text = subprocess.run(["pdftotext", str(tmp_path / "oppfolging-2018-T2.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "2. tertial 2018" in text and "Status per sektor og programområde" in text


@pytest.mark.parametrize(("lang", "report", "plan"), [
    ("nb", "2. tertial 2018", "Handlingsprogram 2018–2021"),
    ("en", "2nd four-month report 2018", "Action programme 2018–2021")])
def test_the_report_pages_are_headed_by_the_report_and_the_plan(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, report: str,
        plan: str) -> None:
    """A page's header names the report on one side and the plan it follows up on the
    other, never the report's title twice."""
    require_pdf_engine()
    with pytest.raises(SystemExit) as exc:
        main(["followup", "--year", "2018", "--period", "T2", "--actuals", str(ACTUALS),
              "--out", str(tmp_path), "--pdf", "--lang", lang])
    assert exc.value.code == 0, capsys.readouterr().err
    text = subprocess.run(["pdftotext", "-layout", "-f", "3", "-l", "3",
                           str(tmp_path / "oppfolging-2018-T2.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    header = next(line for line in text.splitlines() if line.strip())
    assert header.split() == [*report.split(), *plan.split()], header
