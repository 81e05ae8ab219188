"""The plan's published questions and answers, read from the store for the document.

The document's appendix shows them (report/answers.py); the tuple returned here is also part
of the key the built document is kept under, so publishing, or a change to, a question
makes a new document instead of serving the old one.
"""

from __future__ import annotations

from typing import Any

from muniplan.report.answers import PublishedAnswer


def published_answers(store: Any, plan_id: str) -> tuple[PublishedAnswer, ...] | None:
    """The published questions and answers, numbered in the order asked; None for a store
    that keeps no questions (a plan folder served without a database)."""
    from muniplan.store import Store

    if not isinstance(store, Store):
        return None
    from muniplan.store.accounts import Accounts
    from muniplan.store.questions import Questions

    published = Questions(store).published(plan_id)
    if not published:
        return ()
    groups = {g.id: g.name for g in Accounts(store).groups()}
    return tuple(
        PublishedAnswer(number=n, group=groups.get(q.group_id or ""),
                        topic_kind=q.topic_kind, topic_id=q.topic_id, question=q.text,
                        answer=q.answer or "",
                        published=q.published_at.date() if q.published_at else None)
        for n, q in enumerate(published, start=1))
