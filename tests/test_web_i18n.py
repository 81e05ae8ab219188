"""Languages: bokmål by default, English from the committed catalogue, and every message the
pages use has its English translation (a missing one would show Norwegian on an English page)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from muniplan.web.i18n import gettext_for, negotiate

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


@pytest.mark.parametrize("query, header, expected", [
    (None, None, "nb"),
    ("en", "nb", "en"),
    ("nb", "en", "nb"),
    (None, "en-US,en;q=0.9", "en"),
    (None, "nn-NO,nn;q=0.9,en;q=0.5", "nb"),
    (None, "de-DE,en;q=0.3", "en"),
    (None, "de-DE", "nb"),
    (None, "en;q=0.2,no;q=0.8", "nb"),
    (None, "en;q=bogus", "nb"),
])
def test_negotiate(query: str | None, header: str | None, expected: str) -> None:
    assert negotiate(query, header) == expected
