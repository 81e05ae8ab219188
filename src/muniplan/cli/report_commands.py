"""Commands of the report layer: the document, Excel in and out, open data.

    muniplan report [PLAN] --out DIR [--pdf] [--lang nb|en]
    muniplan excel export [PLAN] FILE.xlsx
    muniplan excel import FILE.xlsx DIR
    muniplan export [PLAN] --format fdp DIR

Each builds its output in memory and writes it atomically (muniplan.report.output), so a
bad input exits 2 with a located message and leaves nothing half-written.
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path

import typer

from muniplan.cli.common import console, fail, plan_argument, print_wrapped, working
from muniplan.cli.i18n import _, decimal, size


class Lang(str, Enum):
    nb = "nb"
    en = "en"


class LawRegime(str, Enum):
    law_1992 = "1992"
    law_2018 = "2018"


class ExportFormat(str, Enum):
    fdp = "fdp"


excel_app = typer.Typer(help="Excel workbooks: export a plan to work in, import one back.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("report")(report)
    app.command("export")(export)
    app.add_typer(excel_app, name="excel")
    excel_app.command("export")(excel_export)
    excel_app.command("import")(excel_import)


def report(
    plan: str = plan_argument(),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write handlingsprogram.html "
                             "(and .pdf) into."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write handlingsprogram.pdf (A4)."),
    lang: Lang = typer.Option(Lang.nb, "--lang", help="nb (bokmål) or en."),
    law: LawRegime = typer.Option(None, "--law", help="Render under the 1992 or the 2018 "
                                  "kommunelov (its minimum instalment and mandatory "
                                  "overviews) instead of the plan's own regime."),
) -> None:
    """Write the action programme as a document: HTML, and with --pdf a PDF. A stored
    version (PLAN@N) gets the plan's published questions and answers in its appendix."""
    from muniplan.cli.stored import load_ref
    from muniplan.engine.projection import project
    from muniplan.report.document import build_html, build_pdf
    from muniplan.report.output import write_files

    p, answers = load_ref(plan, with_answers=True)
    if law is not None and law.value != p.law_regime:
        # the same plan re-rendered under the other law (domain.md §1.1): Bærum's 2018 plan
        # under the 2019 regulation's § 5-4, § 5-5 and § 5-6
        p = p.model_copy(update={"law_regime": law.value})
    proj = project(p)
    t0 = time.perf_counter()
    with working("Skriver handlingsprogrammet …"):
        files: dict[str, bytes | str] = {"handlingsprogram.html": build_html(
            p, proj, lang.value, answers)}
        if pdf:
            files["handlingsprogram.pdf"] = build_pdf(p, proj, lang.value, answers)
    written = write_files(out, files)
    for path in written:
        console.print(_("[green]wrote[/] {0} ({1} bytes)").format(
            path, size(path.stat().st_size)))
    console.print(_("built in {0} s").format(decimal(time.perf_counter() - t0)))


def _plan_and_target(args: list[str], what: str) -> tuple[str | None, Path]:
    """``[PLAN] TARGET``: an optional plan before a required target (click cannot express
    an optional positional before a required one)."""
    if len(args) == 1:
        return None, Path(args[0])
    if len(args) == 2:
        return args[0], Path(args[1])
    fail(f"expected [PLAN] {what}, found {len(args)} arguments")
    raise AssertionError  # fail() exits


def export(
    args: list[str] = typer.Argument(..., metavar="[PLAN] DIR",
                                     help="A plan (default: the Bærum example) and the folder "
                                     "for the data package."),
    format: ExportFormat = typer.Option(ExportFormat.fdp, "--format", "-f",
                                        help="fdp: Fiscal Data Package (datapackage.json + "
                                        "CSV)."),
) -> None:
    """Export the budget and the projection as open data (Fiscal Data Package)."""
    from muniplan.engine.projection import project
    from muniplan.plan.load import load_plan
    from muniplan.report.fdp import export_package

    plan, out = _plan_and_target(args, "DIR")
    p = load_plan(plan)
    path = export_package(p, project(p), out)
    console.print(_("[green]wrote[/] {0}").format(path))


def excel_export(
    args: list[str] = typer.Argument(..., metavar="[PLAN] FILE.xlsx",
                                     help="A plan (default: the Bærum example) and the "
                                     "workbook to write."),
) -> None:
    """Write the plan and its projection as an Excel workbook."""
    from muniplan.engine.projection import project
    from muniplan.plan.load import load_plan, read_folder, resolve
    from muniplan.report.excel import export_workbook
    from muniplan.report.output import write_file

    plan, file = _plan_and_target(args, "FILE.xlsx")
    if file.suffix.lower() != ".xlsx":
        fail(f"{file}: the workbook must end in .xlsx")
    p = load_plan(plan)
    # the folder's own files, so the workbook keeps their amount scale (1000 kr)
    write_file(file, export_workbook(p, project(p), read_folder(resolve(plan))))
    console.print(_("[green]wrote[/] {0}").format(file))


def excel_import(
    file: Path = typer.Argument(..., help="A workbook written by 'muniplan excel export'."),
    out: Path = typer.Argument(..., help="The plan folder to write."),
    force: bool = typer.Option(False, "--force", help="Write over a folder that is not "
                               "empty."),
) -> None:
    """Read a workbook back into a plan folder (validated before anything is written)."""
    from muniplan.report.excel import import_workbook
    from muniplan.report.output import check_empty, write_files

    if not file.is_file():
        fail(f"{file}: no such workbook")
    check_empty(out, force)
    files = import_workbook(file.read_bytes(), origin=str(file))
    written = write_files(out, files)
    print_wrapped(_(f"[green]wrote[/] {out} ({len(written)} files); "
          f"check it with: muniplan validate {out}"))
