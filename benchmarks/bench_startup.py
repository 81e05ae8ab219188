"""Start-up of every ``muniplan`` command, against a bare Python start measured in the same run.

Why a ratio: the machine is shared and its load changes the seconds from one run to the next;
the ratio to ``python -c pass`` says what muniplan itself adds. Start-up of a command is
``muniplan CMD --help``: everything a command costs before it does its own work (importing,
building the command line, parsing). ``muniplan --help`` lists the commands from the summaries
in ``cli/__init__.py``; it is printed beside the same help with every command built to list it
(the way it was done before), as a same-run baseline. Then whole runs of the quick commands
(``validate``, ``show``, ``project``), split at the moment the command's own function is
called: the time before (the process starting, imports, the command line parsed and its values
checked) is the start-up, the time after is the command's work (loading and checking the plan,
projecting); and ``init`` for a kommune end to end. Best of ``BENCH_STARTUP_REPEAT`` runs
(default 3), warm bytecode. Each line gives the wall time and the CPU time (user + system) of
the child process: on a loaded machine the wall time grows with the other processes' work while
the CPU time stays close to what the command costs.

Last, the server: ``muniplan serve`` on a fresh SQLite store with the Bærum example — seconds
from starting the process to its first answer on ``/`` (a redirect to the plan, answered
before the server has loaded its pages) and to the first 200 of that page (the pages added,
the plan loaded and projected), with the server process's CPU time at each, against uvicorn
serving the cheapest ASGI app from the same start (``BENCH_PORTS`` keeps to a port range);
then once more, split into its phases, marked from inside the process: the command line
done and the store's schema checked, the app imported and built, listening, the first
answer, the pages loaded, the plan page.

Run: ``.venv/bin/python -m benchmarks.bench_startup``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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


LOADED_HELP = """
import sys
from muniplan.cli import app, main
app.info.cls.summaries = {}  # list the commands by building them, as before the summaries
main(sys.argv[1:])
"""

SPLIT = """
import sys, time
import typer.core
invoke = typer.core.TyperCommand.invoke
def timed(self, ctx):
    sys.stderr.write(f"\\nmuniplan-bench-start {time.time()}\\n")
    return invoke(self, ctx)
typer.core.TyperCommand.invoke = timed
from muniplan.cli import main
main(sys.argv[1:])
"""


def _split(words: list[str], repeat: int = REPEAT) -> tuple[float, float, float]:
    """The best start-up (process start → the command's function called), the best work
    (→ the process ended) and the best CPU time of ``muniplan WORDS``."""
    start = work = cpu = float("inf")
    for _ in range(repeat):
        c, t0 = _cpu(), time.time()
        done = subprocess.run([sys.executable, "-c", SPLIT, *words], check=True,
                              capture_output=True, env=ENV, text=True)
        t1 = time.time()
        cpu = min(cpu, _cpu() - c)
        marks = [line for line in done.stderr.splitlines()
                 if line.startswith("muniplan-bench-start ")]
        entered = float(marks[0].split()[1])
        start, work = min(start, entered - t0), min(work, t1 - entered)
    return start, work, cpu


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
    loaded = _best([sys.executable, "-c", LOADED_HELP, "--help"])
    print(_line("muniplan --help, every command built", loaded, base))
    starts = {"muniplan --help": _best([MUNIPLAN, "--help"]),
              "muniplan --version": _best([MUNIPLAN, "--version"])}
    for path in command_paths():
        starts[f"muniplan {' '.join(path)} --help"] = _best([MUNIPLAN, *path, "--help"])
    for label, t in starts.items():
        print(_line(label, t, base))
    top = starts["muniplan --help"]
    print(f"muniplan --help from the summaries: {top[0]:.2f} s, cpu {top[1]:.2f} s; building "
          f"every command to list them: {loaded[0]:.2f} s, cpu {loaded[1]:.2f} s "
          f"(ratio {top[1] / loaded[1]:.2f} of the CPU)")
    worst = max(starts, key=lambda k: starts[k][0])
    over = sum(t[0] > TARGET for t in starts.values())
    print(f"start-up: {len(starts)} commands, slowest {worst} {starts[worst][0]:.2f} s "
          f"({starts[worst][0] / base[0]:.1f}× baseline); {over} over {TARGET} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print("whole runs: start-up (until the command's function is called) + its own work:")
    for words in (["validate"], ["show"], ["project"], ["--lang", "en", "validate"]):
        start, work, cpu = _split(words)
        flag = "" if start <= TARGET else f"  start-up over {TARGET} s"
        print(f"{'muniplan ' + ' '.join(words):40} start {start:5.2f} s "
              f"{start / base[0]:5.1f}×   work {work:5.2f} s   cpu {cpu:5.2f} s{flag}")
    with tempfile.TemporaryDirectory() as tmp:
        argv = [MUNIPLAN, "init", f"{tmp}/p", "-m", "1101", "--first-year", "2026"]
        c, t = _cpu(), time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, env=ENV)
        print(_line("muniplan init (Eigersund, 2026)",
                    (time.perf_counter() - t, _cpu() - c), base))
    serve_figures()


SERVE_TARGET = 2.0  # seconds: the server answers its first request within this of starting


def _poll(url: str, proc: subprocess.Popen[bytes], t0: float, status: int | None = None,
          follow: bool = False) -> float:
    """Seconds from ``t0`` to the first answer on ``url`` (of ``status`` if given)."""
    import httpx

    while time.perf_counter() - t0 < 300:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            got = httpx.get(url, timeout=60, follow_redirects=follow)
            if status is None or got.status_code == status:
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.02)
    raise RuntimeError(f"no answer from {url}")


def _process_cpu(pid: int) -> float:
    """CPU seconds (user + system) the process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server(argv: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[bytes], float]:
    return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            cwd=Path(__file__).resolve().parents[1]), time.perf_counter()


PHASES = """
import os, sys, time
def mark(label):
    t = os.times()
    with open(os.environ["MUNIPLAN_BENCH_MARKS"], "a") as f:
        f.write(f"{label} {time.time()} {t.user + t.system}\\n")
mark("interpreter")
import uvicorn.server
from muniplan.web import serving
build, release, startup = (serving.app_from_environment, serving.release_collector,
                           uvicorn.server.Server.startup)
def timed_build():
    mark("command")
    app = build()
    mark("app")
    return app
def timed_release():
    mark("pages")
    release()
async def timed_startup(self, *args, **kwargs):
    await startup(self, *args, **kwargs)
    mark("listening")
serving.app_from_environment, serving.release_collector = timed_build, timed_release
uvicorn.server.Server.startup = timed_startup
from muniplan.cli import main
main(sys.argv[1:])
"""
PHASE_NAMES = {"interpreter": "python up", "command": "command line, store checked",
               "app": "app imported and built", "listening": "listening",
               "first": "first answer on /", "pages": "pages loaded",
               "page": "plan page"}


def serve_phases(env: dict[str, str], port: int,
                 stop: Callable[[subprocess.Popen[bytes]], None]) -> str:
    """``muniplan serve`` once more, split into its phases: the seconds from the start (and
    the server's CPU seconds) at which each was done, marked from inside the process."""
    marks = Path(env["MUNIPLAN_DATA_DIR"]) / "marks.txt"
    argv = [sys.executable, "-c", PHASES, "serve", "--port", str(port)]
    started = time.time()
    proc, t0 = _server(argv, {**env, "MUNIPLAN_BENCH_MARKS": str(marks)})
    try:
        url = f"http://127.0.0.1:{port}/"
        polled = {"first": (_poll(url, proc, t0), _process_cpu(proc.pid))}
        polled["page"] = (_poll(url, proc, t0, status=200, follow=True), _process_cpu(proc.pid))
    finally:
        stop(proc)
    seen = {label: (float(t) - started, float(c)) for label, t, c in
            (line.split() for line in marks.read_text().splitlines())}
    at = sorted({**seen, **polled}.items(), key=lambda item: item[1][0])
    return "; ".join(f"{PHASE_NAMES[k]} {w:.2f} s (cpu {c:.2f})" for k, (w, c) in at)


def serve_figures() -> None:
    """``muniplan serve`` from start to its first answer and first page, against uvicorn
    serving the cheapest app."""
    try:
        from benchmarks import loadclient
    except ImportError:  # run as a script: benchmarks/ is on the path
        import loadclient  # type: ignore[no-redef]

    ports = loadclient.port_range()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**ENV, "MUNIPLAN_DATABASE_URL": f"sqlite:///{tmp}/bench.db",
               "MUNIPLAN_DATA_DIR": tmp}
        subprocess.run([MUNIPLAN, "db", "upgrade"], check=True, capture_output=True, env=env)
        subprocess.run([MUNIPLAN, "import", "--status", "adopted"], check=True,
                       capture_output=True, env=env)
        port = loadclient.free_port(ports)
        proc, t0 = _server([sys.executable, "-m", "uvicorn", "--port", str(port),
                            "benchmarks.loadclient:baseline_app"], ENV)
        try:
            trivial = _poll(f"http://127.0.0.1:{port}/", proc, t0)
            trivial_cpu = _process_cpu(proc.pid)
        finally:
            loadclient.stop(proc)
        port = loadclient.free_port(ports)
        proc, t0 = _server([MUNIPLAN, "serve", "--port", str(port)], env)
        try:
            url = f"http://127.0.0.1:{port}/"
            first = _poll(url, proc, t0)
            first_cpu = _process_cpu(proc.pid)
            page = _poll(url, proc, t0, status=200, follow=True)
            page_cpu = _process_cpu(proc.pid)
        finally:
            loadclient.stop(proc)
        phases = serve_phases(env, loadclient.free_port(ports), loadclient.stop)
    flag = "" if first <= SERVE_TARGET else f"  over {SERVE_TARGET} s"
    print(f"{'uvicorn, trivial app: first answer':40} {trivial:5.2f} s   cpu {trivial_cpu:5.2f} s")
    print(f"{'muniplan serve: first answer on /':40} {first:5.2f} s {first / trivial:5.1f}×   "
          f"cpu {first_cpu:5.2f} s {first_cpu / trivial_cpu:5.1f}× the trivial app{flag}")
    print(f"{'muniplan serve: first 200 of the plan page':40} {page:5.2f} s "
          f"{page / trivial:5.1f}×   cpu {page_cpu:5.2f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"muniplan serve, phases (from the start): {phases}")


if __name__ == "__main__":
    main()
