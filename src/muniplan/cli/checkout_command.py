"""``muniplan checkout``: a stored version's files as a plan folder to work in.

    muniplan checkout PLAN_ID[@N] DIR [--force]

Without ``@N`` the newest version that is not a group's alternative (the one an import is
checked against). The folder records the version (``.muniplan-base``), so ``muniplan
import DIR`` later refuses the files if someone has stored a newer version meanwhile.
"""

from __future__ import annotations

from pathlib import Path

import typer

from muniplan.cli.common import fail, print_wrapped
from muniplan.cli.i18n import _


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("checkout")(checkout)


def _target(text: str) -> tuple[str, int | None]:
    plan_id, _, number = text.partition("@")
    if number and not number.isdigit():
        fail(f"{text}: expected PLAN_ID or PLAN_ID@N (N a version number), found {number!r}")
    return plan_id, int(number) if number else None


def checkout(
    target: str = typer.Argument(..., metavar="PLAN_ID[@N]",
                                 help="The plan's id, and optionally a version number."),
    out: Path = typer.Argument(..., help="The folder to write the plan into."),
    force: bool = typer.Option(False, "--force", help="Write into a folder that is not "
                               "empty."),
) -> None:
    """Write a stored version as a plan folder that remembers which version it came from."""
    from muniplan.cli.store_commands import open_store
    from muniplan.cli.version_marker import MARKER, marker_text
    from muniplan.report.output import check_empty, write_files

    plan_id, number = _target(target)
    check_empty(out, force)
    with open_store() as store:
        if number is None:
            official = [v for v in store.versions(plan_id) if v.status != "alternative"]
            if not official:
                fail(f"{plan_id} has only alternatives in the store; name one: {plan_id}@N")
            number = official[-1].number
        files: dict[str, str | bytes] = dict(store.files(plan_id, number))
    files[MARKER] = marker_text(plan_id, number)
    write_files(out, files)
    print_wrapped(_(f"[green]wrote[/] {out}: {plan_id} version {number} ({len(files) - 1} "
          f"files); import your changes with: muniplan import {out}"))
