"""Commands of follow-up: actual results against the plan, and rolling the plan forward.

    muniplan followup [PLAN] --year YYYY [--period T1|T2|year] [--format table|json|csv]
    muniplan import-accounts EXPORT.csv --mapping MAP.csv --year YYYY --period T1 [PLAN]
    muniplan roll-forward PLAN --to-first-year YYYY DIR
    muniplan plan-vs-actual [PLAN] [--format table|json|csv]

The reports are read from the plan folder's ``actuals/`` (or ``--actuals DIR``); see
docs/followup.md for their layout.
"""

from __future__ import annotations

import csv
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from muniplan.cli import i18n
from muniplan.cli.common import DataFormat, console, plan_argument, print_json, print_wrapped
from muniplan.cli.i18n import _
from muniplan.plan.errors import Described, PlanError


class Period(str, Enum):
    T1 = "T1"
    T2 = "T2"
    year = "year"


Format = DataFormat


ACTUALS_HELP = "The folder of report files (default: the plan folder's actuals/)."
PERIOD_HELP = "T1 (to 30 April), T2 (to 31 August) or year."
REPORT_YEAR_HELP = "The budget year of the report."


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("followup")(followup_command)
    app.command("import-accounts")(import_accounts)
    app.command("roll-forward")(roll_forward_command)
    app.command("plan-vs-actual")(plan_vs_actual)
    from muniplan.cli import followup_store_commands

    followup_store_commands.register(app)


def load_with_actuals(plan: str | None, actuals: Path | None):
    """The plan, its projection and its reports."""
    from muniplan.engine.projection import project
    from muniplan.plan.actuals import read_actuals
    from muniplan.plan.load import load_plan, resolve

    p = load_plan(plan)
    folder = actuals if actuals is not None else resolve(plan) / "actuals"
    if actuals is not None and not actuals.is_dir():
        raise PlanError("no such folder", file=str(actuals), field="--actuals",
                        expected="a folder of YYYY-PERIOD.csv report files")
    acts = read_actuals(folder, p)
    return p, project(p), acts, folder


def followup_command(
    plan: str = plan_argument(),
    year: int = typer.Option(..., "--year", help="The budget year followed up."),
    period: Period = typer.Option(Period.year, "--period", help=PERIOD_HELP),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
    actuals: Path = typer.Option(None, "--actuals", help=ACTUALS_HELP, show_default=False),
    # the defaults shown as whole numbers: '1.0' would be English in the bokmål help
    threshold_percent: float = typer.Option(1, "--threshold-percent", min=0, max=100,
                                            help="Flag deviations of at least this % of "
                                            "the budget."),
    threshold_amount: float = typer.Option(10, "--threshold-mill", min=0, max=1_000_000,
                                           help="… or of at least this many million kroner."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the report as a document "
                             "into this folder instead."),
    pdf: bool = typer.Option(False, "--pdf", help="With --out: also the PDF (A4)."),
    lang: str = typer.Option("nb", "--lang", metavar="nb|en",
                             help="nb (bokmål) or en, for --out."),
) -> None:
    """Budget against actual: deviation and year-end prognosis per programområde, sector
    and the kommune; investments, measures and targets.

    With --out the report is written as a document, oppfolging-YYYY-PERIOD.html (and .pdf
    with --pdf)."""
    from muniplan.engine.followup import follow_up
    from muniplan.report.followup import followup_to_dict

    p, proj, acts, folder = load_with_actuals(plan, actuals)
    if not p.period.first <= year <= p.period.last:
        raise PlanError("not a year of the plan period", field="--year",
                        expected=f"{p.period.first}–{p.period.last}", found=str(year))
    if acts.report(year, period.value) is None:
        raise PlanError(f"no report for {year} {period.value}", file=str(folder),
                        field="--period", expected=f"{year}-{period.value}.csv",
                        found=_reports_found(acts))
    f = follow_up(p, proj, acts, year, period.value, threshold_share=threshold_percent / 100,
                  threshold_amount=threshold_amount * 1e6)
    if out is not None:
        _write_document(p, f, out, pdf, lang)
    elif fmt is Format.json:
        print_json(followup_to_dict(f))
    elif fmt is Format.csv:
        _followup_csv(f)
    else:
        _followup_table(p, f)


def _write_document(p, f, out: Path, pdf: bool, lang: str) -> None:
    from muniplan.report.followup_document import build_followup_html, build_followup_pdf
    from muniplan.report.output import write_files

    if lang not in ("nb", "en"):
        raise PlanError("unknown language", field="--lang", expected="nb | en", found=lang)
    stem = f"oppfolging-{f.year}-{f.period}"
    files: dict[str, bytes | str] = {f"{stem}.html": build_followup_html(p, f, lang)}
    if pdf:
        files[f"{stem}.pdf"] = build_followup_pdf(p, f, lang)
    for path in write_files(out, files):
        console.print(_("[green]wrote[/] {0} ({1} bytes)").format(
            path, i18n.size(path.stat().st_size)))


def _followup_csv(f) -> None:
    from muniplan.report.followup import followup_to_dict

    data = followup_to_dict(f)
    w = csv.writer(sys.stdout, lineterminator="\n")
    cols = ["level", "id", "name", "budget_adopted", "budget_revised", "actual", "prognosis",
            "prognosis_basis", "deviation", "deviation_share", "flagged"]
    w.writerow(cols)
    for row in (*data["lines"], *data["income"]):
        w.writerow([row[c] if row[c] is not None else "" for c in cols])


def _followup_table(p, f) -> None:
    from muniplan.report.followup import (
        BASIS_LABELS,
        indicator_rows,
        investment_cells,
        line_cells,
        report_title,
        status_label,
    )
    from muniplan.report.formatting import percent

    lang = i18n.current()
    t = Table(title=f"{report_title(p.municipality.name, f.year, f.period, lang)} "
              f"({_('mill. kr')}, {_(f.price_basis)})", box=box.SIMPLE_HEAD,
              title_justify="left")
    for col, just in (("Programområde", "left"), ("Budsjett", "right"), ("Hittil", "right"),
                      ("Prognose", "right"), ("Avvik", "right"), ("%", "right"),
                      ("", "left")):
        t.add_column(_(col) if col else col, justify=just,  # type: ignore[arg-type]
                     overflow="fold")
    for line in f.lines:
        name = line.name if line.level == "program_area" else f"[bold]{line.name}[/]"
        t.add_row(name, *line_cells(line, lang), "!" if line.flagged else "")
    console.print(t)
    bases = {ln.prognosis_basis for ln in f.lines if ln.level == "program_area"}
    print_wrapped(_("Prognose: {0}. ! = avvik som skal rapporteres.").format(
        ", ".join(_(BASIS_LABELS[b]) for b in sorted(bases))))
    t = Table(title=_("Investeringer (mill. kr)"), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("Prosjekt", "Budsjett", "Brukt", "Gj.grad", "Overskr.", "Ferdig"):
        t.add_column(_(col), justify="left" if col == "Prosjekt" else "right",
                     overflow="fold")
    for inv in (*f.investments, f.investment_total):
        t.add_row(_(inv.name) + (" !" if inv.flagged else ""), *investment_cells(inv, lang))
    console.print(t)
    if f.indicators:
        t = Table(title=_("Nøkkeltall fra regnskapet (mill. kr; folketall)"),
                  box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("Størrelse", "Planlagt", "Faktisk", "Forskjell"):
            t.add_column(_(col), justify="left" if col == "Størrelse" else "right")
        for name, *cells in indicator_rows(f, lang):
            t.add_row(_(name), *cells)
        console.print(t)
    for c in f.checks:
        print_wrapped(f"{c['rule']} {c['name']}: {percent(c['value'], 1, lang)} — "
            f"{_('holder') if c['holds'] else _('brutt')}")
    reported = [s for s in f.statuses if s.reported or s.measured is not None]
    if reported:
        t = Table(title=_("Tiltak og mål"), box=box.SIMPLE_HEAD, title_justify="left")
        t.add_column(_("Navn"), overflow="fold")
        t.add_column(_("Status / målt"), justify="right")
        for s in reported:
            value = _(status_label(s.reported)) if s.kind == "measure" else \
                _("{0} av {1} {2} ({3})").format(f"{s.measured:g}", f"{s.target_value:g}",
                                                  s.unit or "", s.target_year) \
                if s.target_value is not None else f"{s.measured:g}"
            t.add_row(s.name, value)
        console.print(t)
    for a in f.assumptions:
        print_wrapped(f"[dim]{_('Forutsetning:')}[/] [dim]{escape(_(a))}[/]")


def import_accounts(
    export: Path = typer.Argument(..., help="The accounting export (CSV: art, funksjon, "
                                  "beløp; ; or , separated)."),
    mapping: Path = typer.Option(..., "--mapping", help="CSV funksjon,program_area."),
    year: int = typer.Option(..., "--year", help="The year of the accounts."),
    period: Period = typer.Option(..., "--period", help=PERIOD_HELP),
    plan: str = typer.Option(None, "--plan", help="The plan folder or example (default: "
                             "baerum-2018-2021)."),
    out: Path = typer.Option(None, "--out", help="Folder to write YYYY-PERIOD.csv into "
                             "(default: the plan folder's actuals/)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing report file."),
) -> None:
    """Read an accounting export by KOSTRA art and funksjon into a report file, and show
    what could not be mapped."""
    from muniplan.plan import csvio
    from muniplan.plan.accounts import read_export, read_mapping
    from muniplan.plan.actuals import parse_report
    from muniplan.plan.load import load_plan, resolve
    from muniplan.report.formatting import millions
    from muniplan.report.output import write_files

    p = load_plan(plan)
    texts = {}
    for path in (export, mapping):
        if not path.is_file():
            raise PlanError("no such file", file=str(path))
        texts[path] = csvio.decode(path.read_bytes(), str(path))
    result = read_export(str(export), texts[export],
                         read_mapping(str(mapping), texts[mapping], p))
    name = f"{year}-{period.value}.csv"
    text = result.report_text(year, period.value, p.amount_scale,
                              f"regnskapsuttrekk {export.name}")
    parse_report(name, text, p)  # what is written reads back
    folder = out if out is not None else resolve(plan) / "actuals"
    if (folder / name).exists() and not force:
        raise PlanError("a report for this period exists", file=str(folder / name),
                        expected="--force to replace it")
    write_files(folder, {name: text})
    print_wrapped(_("[green]wrote[/] {0}: {1} lines, {2} programområder, {3} income lines")
        .format(folder / name, result.lines, len(result.program_areas),
                len(result.income)))
    lang = i18n.current()
    for title, first, rows in (
            ("Ikke fordelt (funksjon uten programområde i mappingen)", "Funksjon",
             result.unmapped),
            ("Utelatt (finans, interne og mva-arter)", "Art", result.left_out)):
        if not rows:
            continue
        t = Table(title=_(title), box=box.SIMPLE_HEAD, title_justify="left")
        for col in (first, "Mill. kr", "Linjer"):
            t.add_column(_(col), justify="left" if col == first else "right")
        for key, (kr, n) in sorted(rows.items()):
            t.add_row(_(key), millions(kr, 2, lang), str(n))
        console.print(t)


def roll_forward_command(
    plan: str = typer.Argument(..., help="The plan folder (or example) to roll forward."),
    to_first_year: int = typer.Option(..., "--to-first-year",
                                      help="The first year of the next plan."),
    out: Path = typer.Argument(..., help="The folder to write the next plan into (new)."),
    actuals: Path = typer.Option(None, "--actuals", help=ACTUALS_HELP, show_default=False),
) -> None:
    """Write the next plan: one year later, opening with the closed year's accounts."""
    from muniplan.engine.followup import rollforward_inputs
    from muniplan.plan.load import load_files, read_folder, resolve
    from muniplan.plan.rollforward import roll_forward
    from muniplan.report.excel import plan_files
    from muniplan.report.formatting import millions
    from muniplan.report.output import write_files

    if out.exists() and any(out.iterdir()):
        raise PlanError("the folder exists and is not empty", file=str(out),
                        expected="a new folder for the next plan")
    p, proj, acts, folder = load_with_actuals(plan, actuals)
    closed = to_first_year - 1
    accounts = acts.report(closed, "year")
    if accounts is None:
        raise PlanError(f"rolling forward needs the accounts of {closed}", file=str(folder),
                        field="--to-first-year", expected=f"{closed}-year.csv in the folder",
                        found=_reports_found(acts))
    if to_first_year not in proj.years:
        raise PlanError("beyond the plan's horizon", field="--to-first-year",
                        expected=str(p.period.first + 1), found=str(to_first_year))
    uprate, income = rollforward_inputs(proj, to_first_year)
    new, carried = roll_forward(p, accounts, to_first_year, uprate, income)
    files = plan_files(new)
    old = read_folder(resolve(plan))
    for name, text in old.items():
        if name.startswith("population/") or name == "SOURCES.md":
            files[name] = text
    load_files(files, origin=str(out))  # the next plan loads, or nothing is written
    write_files(out, files)
    lang = i18n.current()
    t = Table(title=_("{0}: carried figures (NOK million)").format(new.title),
              box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("Figure", "Was", "Now", "Source"):
        t.add_column(_(col), justify="right" if col in ("Was", "Now") else "left",
                     overflow="fold")
    for c in carried:
        t.add_row(_(c.what), millions(c.old, 1, lang), millions(c.new, 1, lang), c.source)
    console.print(t)
    print_wrapped(_("[green]wrote[/] {0} (plan {1}, {2}–{3}, status draft)").format(
        out, new.id, new.period.first, new.period.last))


def plan_vs_actual(
    plan: str = plan_argument(),
    actuals: Path = typer.Option(None, "--actuals", help=ACTUALS_HELP, show_default=False),
    fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
) -> None:
    """The plan's projection for past years beside the accounts since recorded."""
    from muniplan.engine.followup import plan_against_actuals
    from muniplan.report.followup import REALITY_LABELS, reality_cells, reality_to_dict

    p, proj, acts, folder = load_with_actuals(plan, actuals)
    rows = plan_against_actuals(p, proj, acts)
    if not rows:
        raise PlanError("no year's accounts inside the plan's projection", file=str(folder),
                        expected=f"a YYYY-year.csv for a year from {p.period.first}")
    if fmt is Format.json:
        print_json({"plan_id": p.id, "rows": reality_to_dict(rows)})
        return
    if fmt is Format.csv:
        data = reality_to_dict(rows)
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(list(data[0]))
        for r in data:
            w.writerow(["" if v is None else v for v in r.values()])
        return
    lang = i18n.current()
    t = Table(title=_("{0}: plan mot virkelighet (mill. kr; folketall i personer)").format(
        p.title), box=box.SIMPLE_HEAD, title_justify="left")
    for col in ("År", "Størrelse", "Planlagt", "Faktisk", "Forskjell", "%"):
        t.add_column(_(col), justify="left" if col in ("År", "Størrelse") else "right",
                     overflow="fold")
    for r in rows:
        t.add_row(str(r.year), _(REALITY_LABELS.get(r.indicator, r.indicator)),
                  *reality_cells(r, lang))
    console.print(t)


def _reports_found(acts: Any) -> Described:
    """The reports a folder holds, for an error's ``found``: ``2018-T1, 2018-T2``, or ``no
    reports`` in words (translated, not quoted as if the folder held that text)."""
    return Described(", ".join(f"{r.year}-{r.period}" for r in acts.reports) or "no reports")
