"""A shared check for the PDF tests (a module of its own: ``conftest`` is not importable by
name when the browser tests have a conftest of their own)."""

from __future__ import annotations

import pytest


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
