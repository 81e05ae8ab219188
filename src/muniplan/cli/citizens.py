"""``muniplan citizens``: what citizens sent, from the command line — the summary of the
simulator's budgets, and deleting what is older than the privacy statement promises."""

from __future__ import annotations

import typer
from rich.table import Table

from muniplan.cli.common import console, fail, print_json
from muniplan.cli.i18n import _


def register(app: typer.Typer) -> None:
    group = typer.Typer(name="citizens", no_args_is_help=True,
                        help="Citizens' budgets and comments: the summary, and purging old "
                        "ones.")
    group.command("summary")(summary)
    group.command("purge")(purge)
    app.add_typer(group)


def summary(plan_id: str = typer.Argument(..., help="The plan's id in the store."),
            json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """How many budgets were sent, and the median, quartiles and range of each change."""
    from muniplan.store import Settings, Store  # here: other commands start without the store
    from muniplan.store.citizens import CitizenStore, summarise

    with Store.from_settings(Settings()) as store:
        known = [p.id for p in store.plans()]
        if plan_id not in known:
            fail(f"no plan {plan_id!r} in the store (expected one of "
                 f"{', '.join(known) or 'none: import a plan with `muniplan import`'})")
        rows = CitizenStore(store).submissions(plan_id)
    levers = sorted({k for s in rows for k in s.choices})
    result = summarise(rows, levers)
    if json:
        print_json({"plan": plan_id, "count": result.count,
                    "with_comment": result.with_comment,
                    "levers": [vars(x) for x in result.levers]})
        return
    console.print(_("{0} budsjetter, {1} med kommentar").format(result.count,
                                                                  result.with_comment))
    t = Table(*map(_, ("Endring", "Median", "Kvartiler", "Fra–til", "Endret av")))
    for x in result.levers:
        t.add_row(x.lever, f"{x.median:g}", f"{x.p25:g} – {x.p75:g}",
                  f"{x.low:g} – {x.high:g}", str(x.moved))
    console.print(t)


def purge(older_than: int = typer.Option(..., "--older-than", help="Delete what is older "
                                         "than this many days.")) -> None:
    """Delete citizens' budgets and comments older than --older-than days (one
    transaction, in the audit log)."""
    if older_than < 0:
        fail(f"--older-than: expected 0 or more days, found {older_than}")
    from muniplan.store import Settings, Store
    from muniplan.store.citizens import CitizenStore

    with Store.from_settings(Settings()) as store:
        n = CitizenStore(store).purge(older_than)
    console.print(_("Slettet {0} innspill eldre enn {1} dager.").format(n, older_than))
