"""Work longer than a second shows its progress on stderr — on a terminal only, so that a
pipe, a log or a script sees nothing but the result."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

MUNIPLAN = str(Path(sys.executable).parent / "muniplan")
ARGV = [MUNIPLAN, "project", "--draws", "400", "--seed", "1", "--to", "2030", "--format",
        "json"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}


def _read_all(fd: int) -> bytes:
    out = b""
    while select.select([fd], [], [], 0.2)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        out += chunk
    return out


def test_a_monte_carlo_run_shows_progress_on_a_terminal() -> None:
    master, slave = pty.openpty()
    try:
        done = subprocess.run(ARGV, stdout=subprocess.PIPE, stderr=slave, env=ENV,
                              timeout=300, check=False)
        os.close(slave)
        shown = _read_all(master).decode("utf-8", "replace")
    finally:
        os.close(master)
    assert done.returncode == 0
    assert done.stdout.startswith(b"{")  # stdout holds the JSON alone
    assert "400 trekninger" in shown


def test_no_progress_without_a_terminal() -> None:
    done = subprocess.run(ARGV, capture_output=True, env=ENV, timeout=300, check=False)
    assert done.returncode == 0 and done.stderr == b""
