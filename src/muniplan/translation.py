"""Messages in the reader's language, for the command line and the web site alike.

The store, the plan reader and the command line write their messages for finance staff as
the code has them: the store's and the plan reader's mostly in English, the command line's
tables and summaries in bokmål. A message id is the text as the code has it, so
``locale/nb`` translates the English texts into bokmål and ``locale/en`` the bokmål texts
into English; a text missing from the chosen language's catalogue is shown as written, never
as a key. Both the command line and the web site show these messages (a store's "changed by
someone else" on the alternatives page), so the catalogues and the reader live here, below
both, and neither needs the other.

Catalogues are gettext ``.po`` files (every file under ``locale/LANG/LC_MESSAGES``, merged in
name order, so parts can be translated side by side), read by the small reader below rather
than Babel, so that a command starts without importing Babel.

A message id with ``{0}``, ``{1}`` … is a pattern: a message built with names and values in
it (``No such option: --bogus``, ``Question 3 was changed by someone else``) is matched
against the pattern and the parts put into the translation, themselves translated.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


def read_po(text: str) -> dict[str, str]:
    """The translated, non-fuzzy entries of a ``.po`` file: ``{msgid: msgstr}``.

    Entries are separated by blank lines; a string continues on lines that start with a
    quote; the header (the empty msgid) is skipped. PO escapes are JSON's.
    """
    entries: dict[str, str] = {}
    entry: dict[str, list[str]] = {}
    field = ""
    fuzzy = False
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            msgid, msgstr = "".join(entry.get("msgid", [])), "".join(entry.get("msgstr", []))
            if msgid and msgstr and not fuzzy:
                entries[msgid] = msgstr
            entry, field, fuzzy = {}, "", False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith(("msgid ", "msgstr ")):
            field, _sep, literal = line.partition(" ")
            entry[field] = [json.loads(literal)]
        elif line.startswith('"') and field:
            entry[field].append(json.loads(line))
    return entries


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every ``.po`` file of ``lang`` merged in name order (the first file's entry wins)."""
    merged: dict[str, str] = {}
    for po in sorted((LOCALE_DIR / lang / "LC_MESSAGES").glob("*.po")):
        for key, text in read_po(po.read_text(encoding="utf-8")).items():
            merged.setdefault(key, text)
    return merged


PLACEHOLDER = re.compile(r"\{(\d+)\}")


@cache
def _patterns(lang: str) -> list[tuple[tuple[str, ...], str, str]]:
    """The catalogue's ids with ``{0}``, ``{1}`` …: each with its literal parts (a text can
    match only if it holds them all), the id and the translation, the most specific first
    ("--sep: expected … found {0}" before "{0} (expected {1})"). The regular expressions are
    compiled only for an id whose parts a text holds: compiling them all cost a help page
    more than the rest of its work."""
    out = [(tuple(part for part in PLACEHOLDER.split(key)[::2] if part), key, text)
           for key, text in catalogue(lang).items() if "{0}" in key]
    out.sort(key=lambda entry: -len(PLACEHOLDER.sub("", entry[1])))
    return out


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """``key`` as a regular expression: a placeholder's first place captures, a repeat must
    be the same text."""
    regex, end, seen = "", 0, set()
    for m in PLACEHOLDER.finditer(key):
        regex += re.escape(key[end:m.start()])
        n = m.group(1)
        regex += f"(?P=p{n})" if n in seen else f"(?P<p{n}>.+?)"
        seen.add(n)
        end = m.end()
    return re.compile(regex + re.escape(key[end:]) + r"\Z", re.DOTALL)


def _fill(template: str, values: list[str]) -> str:
    """``template`` with its numbered places filled: only those, for a text may hold braces
    of its own (``{ }``)."""
    return PLACEHOLDER.sub(lambda m: values[int(m.group(1))], template)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang`` (as written when the catalogue lacks it)."""
    table = catalogue(lang)
    if text in table:
        return table[text]
    for parts, key, template in _patterns(lang):
        match = _pattern(key).match(text) if all(p in text for p in parts) else None
        if match:
            groups = match.groupdict()
            values = [translate(groups[f"p{n}"], lang) for n in range(len(groups))]
            return _fill(template, values)
    return text
