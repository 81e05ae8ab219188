"""Shared fixtures: the Bærum example folder and the plan loaded from it (once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from muniplan.plan.load import EXAMPLES_DIR, load_plan
from muniplan.plan.model import Plan


@pytest.fixture(scope="session")
def example_dir() -> Path:
    """The built-in Bærum 2018–2021 plan folder (read it; never write to it)."""
    return EXAMPLES_DIR / "baerum-2018-2021"


@pytest.fixture(scope="session")
def baerum(example_dir: Path) -> Plan:
    """The Bærum example, loaded and validated."""
    return load_plan(example_dir)



@pytest.fixture(autouse=True)
def _bokmal_command_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line speaks bokmål unless a test asks otherwise: the machine's LANG (an
    English developer's en_US.UTF-8) must not change what the tests see."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
