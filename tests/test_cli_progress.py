"""Work longer than a second shows its progress on stderr — on a terminal only, so that a
pipe, a log or a script sees nothing but the result."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

MUNIPLAN = str(Path(sys.executable).parent / "muniplan")
ARGV = [MUNIPLAN, "project", "--draws", "400", "--seed", "1", "--to", "2030", "--format",
        "json"]
ENV = {k: v for k, v in os.environ.items() if not k.startswith(("LANG", "LC_"))}


def _run_on_a_terminal(argv: list[str], stdout: Path) -> tuple[int, bytes, str]:
    """Run ``argv`` with stderr on a pseudo-terminal, reading it while the command runs (a
    terminal nobody reads fills up and stops the writer); stdout goes to a file."""
    master, slave = pty.openpty()
    shown = b""
    try:
        with stdout.open("wb") as sink, subprocess.Popen(argv, stdout=sink, stderr=slave,
                                                         env=ENV) as child:
            os.close(slave)
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if select.select([master], [], [], 0.2)[0]:
                    try:
                        chunk = os.read(master, 65536)
                    except OSError:  # the terminal closed: the command has ended
                        chunk = b""
                    if not chunk and child.poll() is not None:
                        break
                    shown += chunk
                elif child.poll() is not None:
                    break
            else:
                child.kill()
            code = child.wait()
    finally:
        os.close(master)
    return code, stdout.read_bytes(), shown.decode("utf-8", "replace")


def test_a_monte_carlo_run_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    code, out, shown = _run_on_a_terminal(ARGV, tmp_path / "out.json")
    assert code == 0
    assert out.startswith(b"{")  # stdout holds the JSON alone
    assert "400 trekninger" in shown


def test_no_progress_without_a_terminal() -> None:
    done = subprocess.run(ARGV, capture_output=True, env=ENV, timeout=300, check=False)
    assert done.returncode == 0 and done.stderr == b""
