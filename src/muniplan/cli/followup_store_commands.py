"""Follow-up reports in the store: record one, publish it, list them.

    muniplan followup-record [PLAN] --year YYYY --period T1|T2|year [--actuals DIR]
    muniplan followup-publish PLAN_ID --year YYYY --period T1|T2|year [--revision N]
    muniplan followup-reports PLAN_ID [--all]

A recorded report is a draft until it is published; the web site shows only published
reports. Recording is a report of its own, never a new version of the plan.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich import box
from rich.table import Table

from muniplan.cli import i18n
from muniplan.cli.common import console, plan_argument, print_wrapped
from muniplan.cli.followup_commands import ACTUALS_HELP, PERIOD_HELP, REPORT_YEAR_HELP, Period
from muniplan.cli.i18n import _
from muniplan.plan.errors import PlanError


def register(app: typer.Typer) -> None:
    app.command("followup-record")(record)
    app.command("followup-publish")(publish)
    app.command("followup-reports")(list_reports)


def _store():
    from muniplan.store import Settings, Store

    return Store.from_settings(Settings())


def _cli_user() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def record(
    plan: str = plan_argument(),
    year: int = typer.Option(..., "--year", help=REPORT_YEAR_HELP),
    period: Period = typer.Option(..., "--period", help=PERIOD_HELP),
    actuals: Path = typer.Option(None, "--actuals", help=ACTUALS_HELP, show_default=False),
    version: int = typer.Option(None, "--version", min=1,
                                help="The plan version it is measured against (default: "
                                "the public one: the newest adopted)."),
    author: str = typer.Option(None, "--author", help="Who recorded it (default: the "
                               "login name, as cli:NAME)."),
    message: str = typer.Option(None, "--message", "-m", help="What the report says."),
) -> None:
    """Record a follow-up report in the store, as a draft."""
    from muniplan.plan import csvio
    from muniplan.plan.load import load_plan, resolve
    from muniplan.store.followup import record_report

    p = load_plan(plan)
    folder = actuals if actuals is not None else resolve(plan) / "actuals"
    if not folder.is_dir():
        raise PlanError("no such folder", file=str(folder), field="--actuals",
                        expected="a folder of YYYY-PERIOD.csv report files")
    files = {f.name: csvio.decode(f.read_bytes(), str(f)) for f in sorted(folder.glob("*.csv"))}
    with _store() as store:
        rec, created = record_report(store, p.id, year, period.value, files, version=version,
                                     author=author or _cli_user(), message=message)
    what = "[green]recorded[/]" if created else "unchanged:"
    print_wrapped(_(f"{what} {rec.plan_id} {rec.year} {rec.period} revision {rec.number} "
          f"(against plan version {rec.plan_version}, {rec.status})"))


def publish(
    plan_id: str = typer.Argument(..., help="The plan's id in the store."),
    year: int = typer.Option(..., "--year", help=REPORT_YEAR_HELP),
    period: Period = typer.Option(..., "--period", help=PERIOD_HELP),
    revision: int = typer.Option(None, "--revision", min=1,
                                 help="The revision to publish (default: the newest)."),
    by: str = typer.Option(None, "--by", help="Who publishes it (default: the login name, "
                           "as cli:NAME)."),
) -> None:
    """Publish a recorded follow-up report: the web site shows it from now on."""
    from muniplan.store.followup import publish_report

    with _store() as store:
        rec = publish_report(store, plan_id, year, period.value, revision,
                             by=by or _cli_user())
    print_wrapped(_(f"[green]published[/] {rec.plan_id} {rec.year} {rec.period} revision "
          f"{rec.number}"))


def list_reports(
    plan_id: str = typer.Argument(..., help="The plan's id in the store."),
    all_: bool = typer.Option(False, "--all", help="Drafts too, not only published."),
) -> None:
    """List a plan's follow-up reports in the store."""
    from muniplan.report.followup import period_label
    from muniplan.store.followup import reports

    with _store() as store:
        found = reports(store, plan_id, published_only=not all_)
    t = Table(title=_("{0}: oppfølgingsrapporter").format(plan_id), box=box.SIMPLE_HEAD,
              title_justify="left")
    for col in ("År", "Periode", "Revisjon", "Status", "Planversjon", "Registrert"):
        t.add_column(_(col))
    for r in found:
        t.add_row(str(r.year), period_label(r.period, i18n.current()), str(r.number),
                  _("publisert") if r.status == "published" else _("utkast"),
                  str(r.plan_version),
                  r.created_at.strftime("%Y-%m-%d %H:%M"))
    console.print(t)
