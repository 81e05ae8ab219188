"""Commands start without the layers they do not use: importing the CLI must not import the
store (SQLAlchemy, Alembic), the web app, the document renderer, Excel, nor numpy, pandas,
pydantic or the engine — they are imported inside the commands that need them, so that
``muniplan --help`` and every ``muniplan CMD --help`` start at once. Start-up time itself is
measured by benchmarks/bench_startup.py (no timed assertion here).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from muniplan import __version__
from muniplan.cli import main

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
    # typer checks a command's option values with pydantic when the command runs; help runs
    # none of them, and the top level's own options are taken as parsed
    assert _imported(code) == []


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


def _command_modules(argv: list[str]) -> list[str]:
    """The command modules (``muniplan.cli.<module>`` named in ``COMMANDS``) imported by
    running ``muniplan ARGV`` in a fresh interpreter."""
    code = ("import contextlib, io, sys\n"
            "from muniplan.cli import COMMANDS, main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            f"        main({argv!r})\n"
            "    except SystemExit as exc:\n"
            "        assert exc.code == 0, exc.code\n"
            "print(' '.join(m for m in COMMANDS if 'muniplan.cli.' + m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    return out.split()


def test_a_command_imports_only_its_own_module() -> None:
    assert _command_modules(["validate", "--help"]) == ["plan_commands"]
    assert _command_modules(["excel", "export", "--help"]) == ["report_commands"]
    assert _command_modules(["--version"]) == []


def test_the_top_level_help_imports_no_command_module() -> None:
    """``muniplan --help`` lists the commands from the summaries in ``COMMANDS``."""
    assert _command_modules(["--help"]) == []
    assert _command_modules(["--help", "--lang", "en"]) == []


def test_the_command_table_names_what_each_module_registers() -> None:
    """``COMMANDS`` in ``cli/__init__.py`` is the only list of commands the top level has: a
    command a module registers but the table does not name would never be found."""
    from muniplan.cli import COMMANDS
    from muniplan.cli.lazy_group import build_module

    for module, names in COMMANDS.items():
        assert sorted(build_module(module, None)) == sorted(names), module


def _every_command() -> list[list[str]]:
    import typer.main

    from muniplan.cli import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        for name, child in getattr(command, "commands", {}).items():
            walk(child, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_help_of_every_command_in_both_languages(
        lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    usage = {"nb": "Bruk: muniplan", "en": "Usage: muniplan"}[lang]
    other = {"nb": "Usage:", "en": "Bruk:"}[lang]
    paths = _every_command()
    assert len(paths) > 40
    for path in paths:
        with pytest.raises(SystemExit) as exc:
            main([*path, "--help", "--lang", lang])
        out = capsys.readouterr().out
        assert exc.value.code == 0, path
        assert usage in " ".join(out.split()) and other not in out, path


@pytest.mark.parametrize(("lang", "word", "expected"), [
    ("nb", "nosuch", "feil: ukjent kommando 'nosuch'. Prøv 'muniplan --help' for hjelp."),
    ("en", "nosuch", "error: No such command 'nosuch'. Try 'muniplan --help' for help."),
    ("nb", "valdate", "feil: ukjent kommando 'valdate'. Mente du 'validate'? "
                      "Prøv 'muniplan --help' for hjelp."),
    ("en", "valdate", "error: No such command 'valdate'. Did you mean 'validate'? "
                      "Try 'muniplan --help' for help."),
])
def test_an_unknown_command(lang: str, word: str, expected: str,
                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, word])
    assert exc.value.code == 2
    assert " ".join(capsys.readouterr().err.split()) == expected


def test_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out == f"muniplan {__version__}\n"


def test_every_module_with_commands_is_in_the_table() -> None:
    """A new command module must be named in ``COMMANDS`` (or registered by a module that
    is), else its commands are never found."""
    import re
    from pathlib import Path

    import muniplan.cli as cli

    folder = Path(cli.__file__).parent
    named = set(cli.COMMANDS)
    registers = {p.stem for p in folder.glob("*.py") if re.search(r"^def register\(",
                                                                   p.read_text(), re.M)}
    registered_by_others = {m for m in registers - named
                            if any(f"{m}.register(" in (folder / f"{n}.py").read_text()
                                   for n in named)}
    assert registers - named - registered_by_others == set()
