"""The version a plan folder was made from, recorded in the folder itself.

Optimistic locking on the command line needs to know what the writer read. ``muniplan
checkout`` writes a version's files and ``.muniplan-base`` (the plan's id and the version);
``muniplan import`` reads it as the base (unless ``--base`` says otherwise) and, after
importing, records the version it made, so the next import from the same folder is checked
against it. The file has no plan-file suffix, so it is never part of the plan's files or
its digest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from muniplan.plan.errors import PlanError
from muniplan.plan.load import EXAMPLES_DIR

MARKER = ".muniplan-base"
_LINE = re.compile(r"^(plan|version):\s*(\S+)\s*$")


@dataclass(frozen=True)
class Base:
    plan_id: str
    version: int


def read_base(folder: Path) -> Base | None:
    """The folder's recorded base, or None if it has none; a PlanError naming the line if
    the file cannot be read as one."""
    path = Path(folder) / MARKER
    if not path.is_file():
        return None
    fields: dict[str, str] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _LINE.match(line.strip())
        if not m:
            raise PlanError("cannot read the recorded base version", file=str(path), line=n,
                            expected="'plan: ID' and 'version: N'", found=line.strip()[:60])
        fields[m.group(1)] = m.group(2)
    version = fields.get("version", "")
    if "plan" not in fields or not version.isdigit() or int(version) < 1:
        raise PlanError("incomplete recorded base version", file=str(path),
                        expected="'plan: ID' and 'version: N' (N from 1)",
                        found=", ".join(f"{k}: {v}" for k, v in fields.items()) or "nothing")
    return Base(fields["plan"], int(version))


def marker_text(plan_id: str, version: int) -> str:
    return (f"# Written by muniplan: the stored version these files were made from.\n"
            f"# `muniplan import` refuses them if the plan has a newer version.\n"
            f"plan: {plan_id}\nversion: {version}\n")


def writable(folder: Path) -> bool:
    """May the marker be written here? Not into the built-in examples (they ship with
    muniplan and are shared by every store)."""
    return not Path(folder).resolve().is_relative_to(EXAMPLES_DIR.resolve())


def record_base(folder: Path, plan_id: str, version: int) -> None:
    """Record ``version`` as the folder's base (atomically)."""
    from muniplan.report.output import write_file

    if writable(folder):
        write_file(Path(folder) / MARKER, marker_text(plan_id, version).encode("utf-8"))
