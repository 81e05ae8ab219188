"""The plan's own words marked bokmål in an English document.

A plan is written in bokmål: its title, the names of sectors, programme areas, projects and
priority areas, its sources and the reasons for its assumptions. An English document quotes
them as they are, and a screen reader must read them as Norwegian (WCAG 3.1.2), as the web
pages do with ``web.official``. The document composes these words into sentences and table
cells in many places; marking them once, in the finished HTML, catches every one of them and
leaves the document's own (English) words alone.
"""

from __future__ import annotations

import re
from typing import Any

import markupsafe

SKIPPED = ("style", "script", "svg", "title")
"""Elements whose text is no prose a screen reader reads as such (or cannot hold markup)."""
TAG = re.compile(r"(<[^>]*>)")
OPEN_OR_CLOSE = re.compile(r"^<(/?)([a-zA-Z][a-zA-Z0-9-]*)")


def plan_texts(plan: Any) -> list[str]:
    """Every text the plan gives a reader: its strings that are words, not codes (a code
    such as ``hold`` or ``buffer`` is lower case without a space or hyphen, and may be an
    English word too)."""
    found: set[str] = set()
    _strings(plan.model_dump(exclude={"population", "digest"}), found)
    return sorted((s for s in found if _is_text(s)), key=len, reverse=True)


def _strings(value: Any, out: set[str]) -> None:
    if isinstance(value, str):
        out.add(value.strip())
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            _strings(v, out)


def _is_text(s: str) -> bool:
    return (len(s) >= 4 and any(c.isalpha() for c in s)
            and (s[0].isupper() or " " in s or "-" in s or not s.isascii()))


def mark_bokmaal(html: str, texts: list[str]) -> str:
    """``html`` with each of ``texts`` in its visible text wrapped in ``<span lang="nb">``
    (longest first, whole words only; not inside styles, scripts, charts or the title)."""
    if not texts:
        return html
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(_pattern(s) for s in texts)
                         + r")(?![\w-])")
    out, skip = [], 0
    for part in TAG.split(html):
        if part.startswith("<"):
            m = OPEN_OR_CLOSE.match(part)
            if m and m[2].lower() in SKIPPED and not part.endswith("/>"):
                skip += -1 if m[1] else 1
            out.append(part)
        elif skip or not part.strip():
            out.append(part)
        else:
            out.append(pattern.sub(lambda x: f'<span lang="nb">{x[0]}</span>', part))
    return "".join(out)


def _pattern(text: str) -> str:
    """The text as the template escapes it; a line may break after a URL's slash."""
    return re.escape(str(markupsafe.escape(text))).replace("/", "/\u200b?")
