"""Commands of the political process: compare plans or versions side by side, publish a
version, give a version its stage (innstilling, revidert).

A PLAN_OR_VERSION is a plan folder or built-in example (``baerum-2018-2021``), or a stored
version written ``PLAN@N`` (``baerum-2018-2021@3``). These commands run at the server, by
staff: they read every version, published or not, and publishing writes the audit log as
``cli:<the operating-system user>``.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from muniplan.cli.common import TableFormat, console, fail, print_json
from muniplan.cli.i18n import _, current, decimal
from muniplan.cli.store_commands import open_store, say
from muniplan.cli.stored import load_ref
from muniplan.cli.users import _actor

if TYPE_CHECKING:  # the engine and the models load inside the commands that use them
    from muniplan.plan.model import Plan
    from muniplan.report.comparison import TableData

CompareFormat = TableFormat


class Stage(str, Enum):
    proposal = "proposal"
    recommendation = "recommendation"
    adopted = "adopted"
    revised = "revised"


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)
    app.command("publish")(publish)


def _load(ref: str) -> tuple[str, Plan]:
    return ref, load_ref(ref)[0]


def _print(t: TableData) -> None:
    table = Table(title=t.caption, title_justify="left")
    for name, numeric in zip(t.columns, t.numeric, strict=True):
        table.add_column(name, justify="right" if numeric else "left", overflow="fold")
    for row in t.rows:
        table.add_row(*row)
    console.print(table)


def compare(
    plans: list[str] = typer.Argument(..., help="Two or more plan folders, built-in "
                                      "examples or stored versions (PLAN@N); the first is "
                                      "the reference."),
    fmt: CompareFormat = typer.Option(CompareFormat.table, "--format", "-f",
                                      help="table or json"),
    to: int | None = typer.Option(None, "--to", help="Last year (default: the horizon)."),
) -> None:
    """Put plans or versions side by side: per year the rules, the net operating result,
    the debt ratio and the savings need; what each changes per program area, investment and
    measure; and whether each is in balance in every plan year."""
    from muniplan.engine.plan_compare import compare_plans
    from muniplan.report.comparison import (
        change_tables,
        comparison_to_dict,
        key_table,
        rule_table,
    )

    if len(plans) < 2:
        fail("compare: expected two plans or versions, or more")
    loaded = [_load(ref) for ref in plans]
    try:
        c = compare_plans(loaded, to_year=to)
    except ValueError as exc:
        fail(f"compare: {exc}")
    if fmt is CompareFormat.json:
        print_json(comparison_to_dict(c))
        return
    lang = current()
    for t in (key_table(c, lang), rule_table(c, lang), *change_tables(c, lang)):
        _print(t)
    for col in c.columns:
        if col.imbalances:
            worst = ", ".join(_("{0} (merforbruk {1} mill. kr)").format(
                i.year, decimal(i.deficit / 1e6)) for i in col.imbalances)
            say(_("[red]{0} er ikke i balanse:[/] {1}").format(col.label, worst))


def publish(
    plan_id: str = typer.Argument(..., help="The plan's id."),
    number: int = typer.Argument(..., help="The version to publish."),
    stage: Stage | None = typer.Option(None, "--stage",
                                       help="Give the version this stage first: proposal, "
                                       "recommendation (innstilling), adopted or revised."),
) -> None:
    """Publish a stored version, so the public may read it (the proposal, the innstilling;
    an adopted version is public by itself)."""
    from muniplan.store.process import STAGE_LABELS, Process  # here: others start without it

    with open_store() as store:
        process = Process(store)
        if stage is not None:
            process.set_stage(plan_id, number, stage.value, _actor())
        v = process.publish(plan_id, number, _actor())
    say(f"[green]published[/] {plan_id} version {v.number} ({_(STAGE_LABELS[v.stage])})")
