"""Shared fixtures: the Bærum example folder and the plan loaded from it (once per session)."""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

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


_clients: weakref.WeakSet = weakref.WeakSet()
_client_init = TestClient.__init__


def _remembered_init(self: TestClient, *args: Any, **kwargs: Any) -> None:
    _client_init(self, *args, **kwargs)
    _clients.add(self)


TestClient.__init__ = _remembered_init  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _a_reader_who_has_not_chosen_a_language() -> Iterator[None]:
    """Every test meets the site as a reader who has not chosen a language: the web site
    remembers a ``?lang=`` in a cookie, and a client a module shares must not carry one
    test's choice into the next (which tests share a worker depends on xdist)."""
    for client in list(_clients):
        client.cookies.delete("lang")
    yield
