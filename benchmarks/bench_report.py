"""Report benchmarks: the document (HTML, PDF), the Excel round trip and the data package.

Prints wall time (best of a few runs; the PDF once, it takes seconds) and sizes for the Bærum
example. Run: ``.venv/bin/python benchmarks/bench_report.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import time

from muniplan.engine.projection import project
from muniplan.plan.load import EXAMPLES_DIR, load_files, read_folder
from muniplan.report.document import build_html, laid_out_pdf
from muniplan.report.excel import export_workbook, import_workbook
from muniplan.report.fdp import fdp_zip

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"


def _best(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _pdf_and_pages(plan, proj) -> tuple[bytes, int]:
    """The PDF and its page count from WeasyPrint's own layout: no PDF reader (pdfinfo) is
    needed, which a machine without poppler lacked, so the count used to print as '?'."""
    doc = laid_out_pdf(plan, proj)
    return doc.write_pdf(), len(doc.pages)


def main() -> None:
    files = read_folder(EXAMPLE)
    plan = load_files(files, origin=str(EXAMPLE))
    proj = project(plan)
    t, html = _best(lambda: build_html(plan, proj), 3)
    print(f"html build: {t:.2f} s, {len(html):,} bytes")
    t, (pdf, pages) = _best(lambda: _pdf_and_pages(plan, proj), 1)
    print(f"pdf build: {t:.2f} s, {len(pdf):,} bytes, {pages} pages")
    t, xlsx = _best(lambda: export_workbook(plan, proj, files), 3)
    print(f"excel export: {t:.2f} s, {len(xlsx):,} bytes")
    t, back = _best(lambda: import_workbook(xlsx), 3)
    print(f"excel import (incl. validation): {t:.2f} s, {len(back):,} files")
    t, z = _best(lambda: fdp_zip(plan, proj), 3)
    print(f"fiscal data package: {t:.2f} s, {len(z):,} bytes zipped")


if __name__ == "__main__":
    main()
