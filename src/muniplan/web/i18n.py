"""Languages of the web site: bokmål first, English from a Babel message catalogue.

Templates are written in bokmål and the bokmål text is the message id, so a missing English
string falls back to readable Norwegian rather than to a key. The catalogue is every ``.po`` file
under ``locale/LANG/LC_MESSAGES`` (committed, reviewed like code; one file a part of the site, so
parts can be translated side by side), merged in name order and compiled in memory at start-up
with ``babel.messages`` so a fresh clone needs no build step.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from muniplan.translation import translate

LANGUAGES = ("nb", "en")
LANGUAGE_COOKIE = "lang"
DEFAULT_LANGUAGE = "nb"
LOCALE_DIR = Path(__file__).parent / "locale"
HTML_LANG = {"nb": "nb", "en": "en"}


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (bokmål, the source language, needs none). Babel
    is imported here, by the first English page, not by every server's start."""
    if lang == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = None
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as f:
            part = read_po(f, locale=lang)
        if catalog is None:
            catalog = part
            continue
        for message in part:
            if message.id and message.id not in catalog:
                catalog[message.id] = message
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def gettext_for(lang: str) -> Callable[[str], str]:
    return translations(lang).gettext


def message_in(text: str, lang: str) -> str:
    """A message in the page's language, wherever it was written: the site's own (bokmål,
    through the site's catalogue) or one from below — the store's and the plan reader's,
    mostly English, and the forms' checks, bokmål with values in them — through the
    catalogues the command line shows them with (:mod:`muniplan.translation`)."""
    own = translations(lang).gettext(text)
    said = own if own != text else translate(text, lang)
    return said[:1].upper() + said[1:]  # the store's begin in lower case, after "error: "


def page_language(query_lang: str | None) -> str:
    """Bokmål, unless the reader chose English (``?lang=en``, which every link then carries).

    Not the browser's ``Accept-Language``: the site is the kommune's, in bokmål first for
    everyone, and a browser's setting is not a reader's choice (most browsers, headless ones
    included, say English by default); the switch at the top of every page is. One language
    per URL also lets any cache keep a page by its address alone.
    """
    return query_lang if query_lang in LANGUAGES else DEFAULT_LANGUAGE


def request_language(request: Any) -> str:
    """The language of the page a request asks for: its ``?lang=``, else the reader's
    earlier choice (the ``lang`` cookie, :mod:`muniplan.web.language_choice`), else bokmål."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    return page_language(request.cookies.get(LANGUAGE_COOKIE))
