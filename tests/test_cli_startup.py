"""Commands start without the layers they do not use: importing the CLI must not import the
store (SQLAlchemy, Alembic), the web app or the document renderer — they are imported inside
the commands that need them. Start-up time itself is measured by benchmarks/bench_startup.py.
"""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_imports_no_store_web_or_report_renderer() -> None:
    code = ("import sys, muniplan.cli\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
            "('sqlalchemy', 'alembic', 'fastapi', 'weasyprint', 'openpyxl') "
            "or m.startswith(('muniplan.store', 'muniplan.web')))\n"
            "print(' '.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "", f"imported when the CLI starts: {out}"
