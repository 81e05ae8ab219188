"""A plan named on the command line: a folder or built-in example, or a stored version
``PLAN@N`` — and, for a stored one, the plan's published questions and answers (the
document's appendix shows them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from muniplan.cli.common import fail

if TYPE_CHECKING:  # the models load inside the commands that use them (quick start)
    from muniplan.plan.model import Plan


def is_stored(ref: str | None) -> bool:
    return ref is not None and "@" in ref


def load_ref(ref: str | None, with_answers: bool = False) -> tuple[Plan, Any]:
    """The plan ``ref`` names, and (``with_answers``, stored versions only) its published
    questions and answers; None for a folder, which has none."""
    from muniplan.plan.load import load_plan

    if ref is None or not is_stored(ref):
        return load_plan(ref), None
    from muniplan.cli.store_commands import open_store

    plan_id, _, number = ref.rpartition("@")
    if not number.isdigit():
        fail(f"{ref}: expected PLAN@N with a version number N, found {number!r}")
    with open_store() as store:
        plan = store.load(plan_id, int(number))
        if not with_answers:
            return plan, None
        from muniplan.web.answers import published_answers

        return plan, published_answers(store, plan_id)
