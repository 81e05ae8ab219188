"""Languages: bokmål by default, English from the committed catalogue, and every message the
pages use has its English translation (a missing one would show Norwegian on an English page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from muniplan.web.i18n import gettext_for, page_language

WEB = Path(__file__).resolve().parents[1] / "src" / "muniplan" / "web"
SAME_IN_ENGLISH = {"Start", "Status", "Data:", "for", "Median", "Scenario"}


def message_ids() -> set[str]:
    """The ``_("…")`` calls in the templates and the page code (adjacent literals joined)."""
    ids: set[str] = set()
    files = [*(WEB / "templates").glob("*.html"), *(WEB / "pages").glob("*.py"),
             *WEB.glob("*.py")]
    for path in files:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"""_\(((?:\s*(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))+)\s*[),]""",
                             text):
            parts = re.findall(r""""((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'""", m.group(1))
            ids.add("".join(a or b for a, b in parts))
    return {i for i in ids if i}


def test_every_message_has_an_english_translation() -> None:
    en = gettext_for("en")
    ids = message_ids()
    assert len(ids) > 100
    missing = sorted(i for i in ids if en(i) == i and i not in SAME_IN_ENGLISH)
    assert not missing, missing


def test_bokmaal_is_the_source_language() -> None:
    assert gettext_for("nb")("Oversikt") == "Oversikt"
    assert gettext_for("en")("Oversikt") == "Overview"


@pytest.mark.parametrize("query, expected", [
    (None, "nb"), ("en", "en"), ("nb", "nb"), ("de", "nb"), ("", "nb"), ("EN", "nb"),
])
def test_the_page_is_bokmal_unless_english_is_chosen(query: str | None, expected: str) -> None:
    assert page_language(query) == expected
