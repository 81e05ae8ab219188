"""Writing outputs whole or not at all.

Every command that writes files (the document, a plan folder from a workbook, a data
package) first builds everything in memory, then writes it to a temporary folder beside
the target and moves it into place. A failure — a bad cell, a full disk — leaves the target
as it was: never a half-written document or plan folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_files(out_dir: Path, files: Mapping[str, bytes | str]) -> list[Path]:
    """Write ``files`` (relative path → content) into ``out_dir`` atomically.

    A new ``out_dir`` appears in one rename; into an existing one each file is moved with
    an atomic replace, after all of them have been written to a temporary folder on the
    same file system.
    """
    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=parent))
    os.chmod(tmp, 0o755)  # mkdtemp makes it private; the result is an ordinary folder
    try:
        for name, content in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            else:
                target.write_bytes(content)
        if not out_dir.exists():
            os.replace(tmp, out_dir)
            return [out_dir / n for n in files]
        for name in files:
            dest = out_dir / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / name, dest)
        return [out_dir / n for n in files]
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def write_file(path: Path, content: bytes) -> Path:
    """Write one file atomically (a temporary file beside it, then a rename)."""
    path = Path(path)
    path.resolve().parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.resolve().parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def check_empty(out_dir: Path, force: bool) -> None:
    """Refuse to write a plan folder over one that holds files, unless ``force``: a
    workbook or ``init`` must not silently mix its files with someone's work."""
    from muniplan.plan.errors import PlanError

    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise PlanError("not a folder", file=str(out_dir), expected="a new or empty folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise PlanError("folder is not empty; nothing written", file=str(out_dir),
                        expected="a new or empty folder, or --force to write over it")
