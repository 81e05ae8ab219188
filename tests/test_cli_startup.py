"""Commands start without the layers they do not use: importing the CLI must not import the
store (SQLAlchemy, Alembic), the web app, the document renderer, Excel, nor numpy, pandas,
pydantic or the engine — they are imported inside the commands that need them, so that
``muniplan --help`` and every ``muniplan CMD --help`` start at once. Start-up time itself is
measured by benchmarks/bench_startup.py (no timed assertion here).
"""

from __future__ import annotations

import subprocess
import sys

HEAVY_PACKAGES = ("sqlalchemy", "alembic", "fastapi", "weasyprint", "openpyxl", "numpy",
                  "pandas", "pydantic", "yaml", "dask", "babel", "numba")
HEAVY_MODULES = ("muniplan.store", "muniplan.web", "muniplan.engine", "muniplan.report",
                 "muniplan.demography", "muniplan.national", "muniplan.plan.model",
                 "muniplan.plan.load")


def _imported(code: str, allowed: tuple[str, ...] = ()) -> list[str]:
    packages = tuple(p for p in HEAVY_PACKAGES if p not in allowed)
    probe = (f"import sys\n{code}\n"
             f"heavy = sorted(m for m in sys.modules if m.split('.')[0] in {packages!r}"
             f" or m.startswith({HEAVY_MODULES!r}))\n"
             "print(' '.join(heavy))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    return out.split()


def test_the_cli_imports_no_heavy_layer() -> None:
    assert _imported("import muniplan.cli") == []


def test_help_of_every_command_imports_no_heavy_layer() -> None:
    code = ("from muniplan.cli import main\n"
            "import contextlib, io\n"
            "for argv in (['--help'], ['project', '--help'], ['validate', '--help'],\n"
            "             ['init', '--help'], ['serve', '--help'], ['report', '--help'],\n"
            "             ['excel', 'export', '--help'], ['national', 'run', '--help']):\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main(argv)\n"
            "        except SystemExit as exc:\n"
            "            assert exc.code == 0, (argv, exc.code)\n")
    # typer itself validates a subcommand's options with pydantic: that much is allowed, but
    # not the plan's models built with it
    assert _imported(code, allowed=("pydantic", "pydantic_core")) == []


def test_the_cli_names_the_loaders_default_plan() -> None:
    from muniplan.cli.common import DEFAULT_PLAN
    from muniplan.plan.load import DEFAULT_PLAN as LOADER_DEFAULT

    assert DEFAULT_PLAN == LOADER_DEFAULT


def test_the_series_registry_loads_without_the_engine() -> None:
    """``validate`` formats its figures with the registry's units; that must not import the
    projection, the Monte Carlo or the finances."""
    code = "import muniplan.report.formatting\n"
    probe = (f"import sys\n{code}"
             "print(' '.join(sorted(m for m in sys.modules if m.startswith('muniplan.engine.')"
             " and m != 'muniplan.engine.registry')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""
