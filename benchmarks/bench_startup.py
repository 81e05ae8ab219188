"""Start-up of the ``muniplan`` command, against a bare Python start measured in the same run.

Why a ratio: the machine is shared and its load changes the seconds from one run to the next;
the ratio to ``python -c pass`` (and to importing numpy, which every command needs) says what
muniplan itself adds. Best of five runs each, warm bytecode. Also: `init` for a kommune end to
end. Run: ``.venv/bin/python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
CASES = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "python -c 'import numpy'": [sys.executable, "-c", "import numpy"],
    "python -c 'import muniplan.cli'": [sys.executable, "-c", "import muniplan.cli"],
    "python -c 'import muniplan.store'": [sys.executable, "-c", "import muniplan.store"],
    "muniplan --version": [str(BIN / "muniplan"), "--version"],
    "muniplan validate": [str(BIN / "muniplan"), "validate"],
}


def _best(argv: list[str], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    base = None
    for label, argv in CASES.items():
        t = _best(argv)
        base = base or t
        print(f"{label:36} {t:6.2f} s   {t / base:5.1f}× baseline")
    with tempfile.TemporaryDirectory() as tmp:
        argv = [str(BIN / "muniplan"), "init", f"{tmp}/p", "-m", "1101", "--first-year", "2026"]
        t = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        t = time.perf_counter() - t
        print(f"{'muniplan init (Eigersund, 2026)':36} {t:6.2f} s   {t / base:5.1f}× baseline")


if __name__ == "__main__":
    main()
