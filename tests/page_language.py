"""What a reader sees on a page, by the language each piece is marked with, for the tests
that no English shows on a bokmål page, no Norwegian on an English one (official names
marked with ``lang`` excepted), and no internal ids or document names at all.

The words are the small, frequent ones of each language that the other does not share, so a
sentence in the wrong language is caught without a dictionary; one word alone is not a
sentence, so a hit needs two of them in one text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

NORWEGIAN = frozenset({
    "av", "barn", "blir", "budsjett", "både", "det", "driftsresultat", "eldre", "eller", "enn",
    "er", "etter", "faste", "fra", "gjeld", "har", "hva", "hvor", "ikke", "innbyggere", "innen",
    "innsparing", "innsparingsbehov", "kan", "kommune", "kommunen", "kroner", "løpende", "med",
    "mellom", "må", "når", "og", "også", "planen", "prosent", "på", "sektor", "sektorer",
    "skal", "som", "tall", "til", "tjenester", "uten", "vil", "være", "å", "år"
})
ENGLISH = frozenset({
    "and", "are", "be", "been", "between", "both", "budget", "by", "can", "debt", "each",
    "expenses", "from", "has", "have", "income", "into", "is", "its", "municipality", "not",
    "of", "savings", "should", "than", "that", "the", "their", "these", "this",
    "those", "when", "which", "will", "with", "without", "would", "year", "years"
})
SKIP_TAGS = {"script", "style", "template", "svg", "code", "pre", "kbd", "samp", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
INTERNAL = [
    (re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"), "snake_case id"),
    (re.compile(r"\b[\w-]+\.(?:md|py|yaml|yml|toml)\b"), "file or document name"),
    (re.compile(r"\b(?:TODO|FIXME|XXX)\b|\bissue \d+|\bDESIGN\b|domain\.md"), "developer note"),
]


class _Reader(HTMLParser):
    """Text by language: ``pieces`` is a list of (lang, text), ``lang`` inherited."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.pieces: list[tuple[str, str]] = []
        self.root = "nb"

    def _lang(self) -> str:
        for _tag, lang, _skip in reversed(self.stack):
            if lang:
                return lang
        return self.root

    def _skipping(self) -> bool:
        return any(skip for _t, _l, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.root = (a.get("lang") or "nb").split("-")[0]
            return
        hidden = "hidden" in a or tag in SKIP_TAGS
        lang = (a.get("lang") or "").split("-")[0] or None
        for name in ("alt", "title", "aria-label", "placeholder"):
            if a.get(name) and not self._skipping() and not hidden:
                self.pieces.append((lang or self._lang(), a[name] or ""))
        if tag in VOID:
            return
        self.stack.append((tag, lang, hidden))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skipping():
            self.pieces.append((self._lang(), data))


def pieces(html: str) -> tuple[str, list[tuple[str, str]]]:
    """The page's language and its visible text pieces with their languages."""
    reader = _Reader()
    reader.feed(html)
    return reader.root, reader.pieces


URL = re.compile(r"\bhttps?://\S+")


def words(text: str) -> list[str]:
    """The lower-case words of ``text`` (an acronym such as "CC BY" is no sentence; an
    address is no language)."""
    return re.findall(r"\b[a-zæøåé]+\b", URL.sub(" ", text))


def wrong_language(html: str) -> list[str]:
    """Texts in the other language than the one they are marked with (page or element)."""
    _root, found = pieces(html)
    out = []
    for lang, text in found:
        foreign = ENGLISH if lang == "nb" else NORWEGIAN if lang == "en" else frozenset()
        own = NORWEGIAN if lang == "nb" else ENGLISH
        ws = words(text)
        hits = [w for w in ws if w in foreign]
        if len(hits) >= 2 and len(hits) > sum(1 for w in ws if w in own):
            out.append(f"[{lang}] {' '.join(text.split())[:120]}")
    return out


def internal_names(html: str) -> list[str]:
    """Visible texts that show an internal id, a file name or a developer note."""
    _root, found = pieces(html)
    out = []
    for _lang, text in found:
        for pattern, what in INTERNAL:
            m = pattern.search(text)
            if m:
                out.append(f"{what}: {m.group(0)!r} in {' '.join(text.split())[:100]!r}")
    return out
