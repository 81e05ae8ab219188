"""Start-up of every ``muniplan`` command, against a bare Python start measured in the same run.

Why a ratio: the machine is shared and its load changes the seconds from one run to the next;
the ratio to ``python -c pass`` says what muniplan itself adds. Start-up of a command is
``muniplan CMD --help``: everything a command costs before it does its own work (importing,
building the command line, parsing). Then whole runs of the quick commands (``validate``,
``show``, ``project``) and ``init`` for a kommune end to end, whose time includes the work.
Best of ``BENCH_STARTUP_REPEAT`` runs (default 3), warm bytecode. Each line gives the wall
time and the CPU time (user + system) of the child process: on a loaded machine the wall time
grows with the other processes' work while the CPU time stays close to what the command costs.

Run: ``.venv/bin/python -m benchmarks.bench_startup``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
MUNIPLAN = str(BIN / "muniplan")
TARGET = 0.5  # seconds: the start-up every command should stay under on this machine
REPEAT = int(os.environ.get("BENCH_STARTUP_REPEAT", "3"))
ENV = {**os.environ, "COLUMNS": "80"}


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _best(argv: list[str], repeat: int = REPEAT) -> tuple[float, float]:
    """The shortest wall time and the shortest CPU time of ``repeat`` runs."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        c, t = _cpu(), time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=ENV)
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, _cpu() - c)
    return wall, cpu


def command_paths() -> list[list[str]]:
    """Every command of the command line, as the words that name it (``excel export``)."""
    import typer.main

    from muniplan.cli import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        children = getattr(command, "commands", None)
        if children is None:
            paths.append(path)
            return
        for name, child in sorted(children.items()):
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def _line(label: str, t: tuple[float, float], base: tuple[float, float]) -> str:
    flag = "" if t[0] <= TARGET else f"  over {TARGET} s"
    return (f"{label:40} {t[0]:5.2f} s {t[0] / base[0]:5.1f}×   cpu {t[1]:5.2f} s "
            f"{t[1] / base[1]:5.1f}×{flag}")


def main() -> None:
    base = _best([sys.executable, "-c", "pass"])
    print(f"{'':40} {'wall':>7} {'×pass':>6}   {'cpu':>9} {'×pass':>6}")
    print(_line("python -c pass (baseline)", base, base))
    print(_line("python -c 'import numpy'", _best([sys.executable, "-c", "import numpy"]), base))
    print(_line("python -c 'import muniplan.cli'",
                _best([sys.executable, "-c", "import muniplan.cli"]), base))
    starts = {"muniplan --help": _best([MUNIPLAN, "--help"]),
              "muniplan --version": _best([MUNIPLAN, "--version"])}
    for path in command_paths():
        starts[f"muniplan {' '.join(path)} --help"] = _best([MUNIPLAN, *path, "--help"])
    for label, t in starts.items():
        print(_line(label, t, base))
    worst = max(starts, key=lambda k: starts[k][0])
    over = sum(t[0] > TARGET for t in starts.values())
    print(f"start-up: {len(starts)} commands, slowest {worst} {starts[worst][0]:.2f} s "
          f"({starts[worst][0] / base[0]:.1f}× baseline); {over} over {TARGET} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print("whole runs (start-up and the command's own work):")
    for words in (["validate"], ["show"], ["project"], ["--lang", "en", "validate"]):
        print(_line(f"muniplan {' '.join(words)}", _best([MUNIPLAN, *words]), base))
    with tempfile.TemporaryDirectory() as tmp:
        argv = [MUNIPLAN, "init", f"{tmp}/p", "-m", "1101", "--first-year", "2026"]
        c, t = _cpu(), time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=ENV)
        print(_line("muniplan init (Eigersund, 2026)",
                    (time.perf_counter() - t, _cpu() - c), base))


if __name__ == "__main__":
    main()
