"""The templates' ``_()`` calls whose text is a variable (a stage, a status, a role, a row's
label, a document format, an uncertainty's reason) are translated on English pages too: a
text read from a table has no literal for the catalogue test to find, so each table is
checked against the English catalogue, and the pages are rendered in both languages."""

from __future__ import annotations

import re

import pytest
from auth_helpers import csrf_of
from page_language import wrong_language
from process_helpers import PLAN, client_for, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.report.followup import REALITY_LABELS
from muniplan.report.followup import STATUS_LABELS as INVESTMENT_STATUS
from muniplan.store.process import STAGE_LABELS
from muniplan.store.questions import STATUS_LABELS as QUESTION_STATUS
from muniplan.web.auth.render import ROLE_LABELS
from muniplan.web.i18n import gettext_for
from muniplan.web.pages.downloads import FORMATS
from muniplan.web.pages.priorities import STATUS_LABELS as MEASURE_STATUS
from muniplan.web.process.alternative_form import INCOME_ROWS

TABLES = {  # what the templates give to _() by variable, by where it comes from
    "process/overview.html: stage": list(STAGE_LABELS.values()),
    "process/questions.html: status": list(QUESTION_STATUS.values()),
    "process/admin_users.html: role": list(ROLE_LABELS.values()),
    "process/alternative.html: income row": [label for _p, _q, label in INCOME_ROWS],
    "overview.html: document format": [f.label for f in FORMATS],
    "priorities.html: measure status": list(MEASURE_STATUS.values()),
    "followup.html: investment status": list(INVESTMENT_STATUS.values()),
    "followup.html: indicator": list(REALITY_LABELS.values()),
}


SAME = {"Administrator"}  # written alike in both languages


@pytest.mark.parametrize("where", sorted(TABLES))
def test_every_text_a_template_translates_by_variable_has_its_english(where: str) -> None:
    en = gettext_for("en")
    missing = [text for text in TABLES[where] if en(text) == text and text not in SAME]
    assert missing == [], f"{where}: no English in src/muniplan/web/locale/en for {missing}"


def _cells(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture(name="ready")
def ready_fixture(store):
    return proposal_store(store)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_process_pages_show_their_labels_in_the_pages_language(ready, tmp_path, lang):
    t = gettext_for(lang)  # the bokmål page shows the table's text, the English its English
    query = "?lang=en" if lang == "en" else ""
    kari = client_for(ready, tmp_path, "kari")
    kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(kari.get(f"{PLAN}sporsmal").text),
                                       "text": "Hva koster barnevernet per barn?"})
    pages = {
        "/prosess": ("okonomi", [t(STAGE_LABELS["proposal"])]),
        f"{PLAN}sporsmal": ("okonomi", [t(QUESTION_STATUS["asked"])]),
        "/admin/brukere": ("admin", [t(ROLE_LABELS["finance"]), t(ROLE_LABELS["group"])]),
        f"{PLAN}alternativ": ("kari", [t(INCOME_ROWS[0][2])]),
    }
    for path, (who, labels) in pages.items():
        r = client_for(ready, tmp_path, who).get(path + query)
        assert r.status_code == 200, path
        text = _cells(r.text)
        assert [label for label in labels if label not in text] == [], path


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("page", ["", "satsingsomrader", "baerekraft"])
def test_the_public_pages_labels_are_in_the_pages_language(ready, tmp_path, lang, page):
    r = client_for(ready, tmp_path).get(f"{PLAN}{page}" + ("?lang=en" if lang == "en" else ""))
    assert r.status_code == 200
    assert wrong_language(r.text) == []
