"""The published questions and answers in the document's appendix: absent until published,
there after, and a new document (not the kept one) once a question is published."""

from __future__ import annotations

import pytest
from process_helpers import PLAN, PLAN_ID, client_for, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.engine.projection import project
from muniplan.report.answers import PublishedAnswer
from muniplan.report.document import build_html
from muniplan.store.accounts import Accounts
from muniplan.store.questions import Questions

QUESTION = "Hva koster en ny barnehageplass i 2019?"
ANSWER = "Om lag 250 000 kr i året i driftsutgifter."


@pytest.fixture(name="ready")
def ready_fixture(store):
    return proposal_store(store)


def _ask_and_answer(store) -> int:
    accounts = Accounts(store)
    kari, okonomi = accounts.user("kari"), accounts.user("okonomi")
    q = Questions(store).ask(PLAN_ID, kari, QUESTION, "program_area", "barnehager")
    q = Questions(store).update(q.id, okonomi, q.revision, action="answer", answer=ANSWER)
    return q.revision


def test_publishing_a_question_makes_a_new_document_with_it(ready, tmp_path):
    public = client_for(ready, tmp_path)
    rev = _ask_and_answer(ready)
    before = public.get(f"{PLAN}dokument.html")
    assert before.status_code == 200
    assert "Spørsmål og svar" in before.text and QUESTION not in before.text
    assert "Ingen spørsmål og svar er publisert ennå." in before.text
    Questions(ready).update(1, Accounts(ready).user("okonomi"), rev, action="publish")
    after = public.get(f"{PLAN}dokument.html")
    assert QUESTION in after.text and ANSWER in after.text
    assert "Arbeiderpartiets gruppe" in after.text and "programområde: Barnehager" in after.text
    english = public.get(f"{PLAN}dokument.html?lang=en")
    assert "Questions and answers" in english.text and QUESTION in english.text


def test_the_appendix_section_from_a_plan_folder(baerum):
    answers = (PublishedAnswer(1, "Høyres gruppe", "investment", "rud-svommehall",
                               "Kan svømmehallen utsettes?", "Ja, med ett år.", None),)
    html = build_html(baerum, project(baerum), "nb", answers)
    assert "Spørsmål 1" in html and "investering: " in html and "Ja, med ett år." in html
    # a plan folder alone (no store) has no such section
    assert "Spørsmål og svar" not in build_html(baerum, project(baerum), "nb")


def test_the_report_command_of_a_stored_version_has_them(ready, store_url, tmp_path,
                                                         monkeypatch, capsys):
    from muniplan.cli import main

    rev = _ask_and_answer(ready)
    Questions(ready).update(1, Accounts(ready).user("okonomi"), rev, action="publish")
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", store_url)
    with pytest.raises(SystemExit) as exc:
        main(["report", f"{PLAN_ID}@1", "--out", str(tmp_path / "dok")])
    assert exc.value.code == 0, capsys.readouterr().err
    html = (tmp_path / "dok" / "handlingsprogram.html").read_text(encoding="utf-8")
    assert "Spørsmål og svar" in html and QUESTION in html and ANSWER in html
    with pytest.raises(SystemExit) as exc:
        main(["report", f"{PLAN_ID}@x", "--out", str(tmp_path / "feil")])
    assert exc.value.code == 2 and "PLAN@N" in capsys.readouterr().err
