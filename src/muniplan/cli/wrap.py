"""Messages wrapped at the terminal's width, so that a long error reads as a paragraph rather
than as a line the terminal breaks mid-word.

A message is ``LABEL text`` (``feil: …``, ``advarsel: …``); its lines after the first are
indented under the text (a hanging indent). Lines break only between words, and never inside
what must be read whole: the location before the first ``": "`` (``plan/sectors.csv:3`` or
``hp.xlsx, Plan!B16``), a number written in groups (``2 292 660``), an amount and its
unit (``10 mill. kr``, ``4 %``), a quoted value (``'9,4 mrd'``). A word longer than the line
is left whole, for a cut path or number would be misread.
"""

from __future__ import annotations

import re
import textwrap

GLUE = "\x00"  # stands for a space that must not break while the text is wrapped
_GROUPED = re.compile(r"(?<=\d)[ \u00a0](?=\d{3}(?!\d))")
_QUOTED = re.compile(r"'[^'\n]{0,40}'")
_UNIT = re.compile(r"(?<=\d) (?=(?:%|kr|mill\.|mrd\.)(?!\w))|(?<=\bmill\.) (?=kr\b)"
                   r"|(?<=\bmrd\.) (?=kr\b)")


def _glued(text: str) -> str:
    """``text`` with the spaces that must not break made into :data:`GLUE`."""
    head, sep, rest = text.partition(": ")
    if sep and len(head) <= 60 and re.search(r"(:\d+|![A-Z]+\d+)$", head):
        text = head.replace(" ", GLUE) + sep + rest
    text = _GROUPED.sub(lambda m: GLUE if m.group(0) == " " else m.group(0), text)
    text = _UNIT.sub(GLUE, text)
    return _QUOTED.sub(lambda m: m.group(0).replace(" ", GLUE), text)


def hanging(label: str, text: str, width: int) -> str:
    """``text`` after ``label`` and a space, wrapped at ``width`` columns on word boundaries,
    its lines after the first indented under the first word of ``text``."""
    indent = " " * (len(label) + 1)
    lines = textwrap.wrap(_glued(text), width=max(width, len(indent) + 20),
                          initial_indent=indent, subsequent_indent=indent,
                          break_long_words=False, break_on_hyphens=False)
    body = "\n".join(lines)[len(indent):] if lines else ""
    return f"{label} {body}".replace(GLUE, " ")


def break_points(text: str, width: int, indent: int = 0) -> list[int]:
    """The offsets of the spaces in ``text`` where it breaks to fit ``width`` columns, its
    lines after the first indented by ``indent``; by the rules of :func:`hanging`. None when
    the text is not a run of words one space apart (then it is printed as it is)."""
    lines = textwrap.wrap(_glued(text), width=max(width, indent + 20),
                          subsequent_indent=" " * indent, break_long_words=False,
                          break_on_hyphens=False)
    cuts, at = [], 0
    for number, line in enumerate(lines[:-1]):
        at += len(line) - (indent if number else 0)
        if text[at:at + 1] != " ":
            return []
        cuts.append(at)
        at += 1
    return cuts
