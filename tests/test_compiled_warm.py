"""The engine's kernels warmed ahead of use: at install and in a web worker after start."""

from __future__ import annotations

import subprocess
import sys

import pytest

from muniplan.engine import finance_fast
from muniplan.engine.compiled import compile_kernels
from muniplan.engine.projection import project
from muniplan.plan.load import load_plan

pytestmark = pytest.mark.skipif(not finance_fast.available(), reason="numba not installed")


def test_warming_switches_one_path_to_the_compiled_loop_with_the_same_figures():
    plan = load_plan()
    before = project(plan).series["net_operating_result"]
    assert compile_kernels(plan) is True
    assert finance_fast.use_compiled(None, 1)
    after = project(plan).series["net_operating_result"]
    assert after.tolist() == pytest.approx(before.tolist(), rel=1e-12, abs=1e-6)


def test_precompile_command_reports_in_bokmaal_and_exits_cleanly():
    done = subprocess.run([sys.executable, "-m", "muniplan.cli.precompile"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "beregningskjernene er kompilert" in done.stdout
    assert "Traceback" not in done.stderr


def test_a_served_worker_warms_its_engine_in_the_background(monkeypatch, tmp_path):
    from muniplan.web import serving

    started = []
    monkeypatch.setenv("MUNIPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'm.db'}")
    monkeypatch.setattr(serving.threading, "Timer",
                        lambda delay, fn, args: started.append((delay, fn, args)) or _NotStarted())
    from muniplan.store import Settings, Store

    Store.from_settings(Settings()).upgrade()
    serving.app_from_environment()
    assert [(d, f) for d, f, _ in started] == [(serving.WARM_DELAY, serving.warm_worker)]
    serving.warm_worker(started[0][2][0])  # runs, and leaves the engine on the compiled loop
    assert finance_fast.use_compiled(None, 1)


class _NotStarted:
    def start(self) -> None:
        pass
