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


def require_pdf_engine() -> None:
    """Skip a PDF test where WeasyPrint cannot load pango (a bare machine); fail instead when
    CI says everything must be there (MUNIPLAN_REQUIRE_BROWSER=1)."""
    import os

    from muniplan.report.document import PdfUnavailable, pdf_engine

    try:
        pdf_engine()
    except PdfUnavailable as exc:
        if os.environ.get("MUNIPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
