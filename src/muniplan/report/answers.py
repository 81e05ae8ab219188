"""The published questions and answers, as a section of the document's appendix.

A question the administration has answered and published is part of the budget's record
(issue: "part of the document's appendix"): the reader of the document sees what was asked,
by which group, about what, and the answer. The report layer does not read the store; the
caller hands the published questions over as :class:`PublishedAnswer` values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from muniplan.plan.model import Plan
from muniplan.report.tables import t

TOPIC_KINDS = {"sector": ("sektor", "sector"), "program_area": ("programområde", "programme area"),
               "investment": ("investering", "investment")}


@dataclass(frozen=True)
class PublishedAnswer:
    """One published question and its answer. ``group`` is the asking group's name."""

    number: int
    group: str | None
    topic_kind: str | None
    topic_id: str | None
    question: str
    answer: str
    published: date | None


def _topic(plan: Plan, kind: str | None, tid: str | None, lang: str) -> str | None:
    if not kind or not tid:
        return None
    names = {s.id: s.name for s in plan.sectors}
    names |= {a.id: a.name for s in plan.sectors for a in s.program_areas}
    names |= {i.id: i.name for i in plan.investments}
    label = TOPIC_KINDS.get(kind, (kind, kind))
    return f"{label[0] if lang == 'nb' else label[1]}: {names.get(tid, tid)}"


def answers_block(plan: Plan, answers: Sequence[PublishedAnswer], lang: str
                  ) -> dict[str, object]:
    """A ``qa`` block of the document: each question with who asked, about what, when it
    was published, and the answer; or a sentence saying none is published yet."""
    items = []
    for a in answers:
        about = [x for x in (a.group, _topic(plan, a.topic_kind, a.topic_id, lang),
                             a.published.isoformat() if a.published else None) if x]
        items.append({"label": t(f"Spørsmål {a.number}", f"Question {a.number}", lang),
                      "about": ", ".join(about), "question": a.question, "answer": a.answer})
    return {"type": "qa", "items": items,
            "answer_label": t("Svar", "Answer", lang),
            "empty": t("Ingen spørsmål og svar er publisert ennå.",
                       "No questions and answers have been published yet.", lang)}
