"""Plan-format benchmarks: loading by the format description, a plan with many errors, and
the Excel round trip, each as a ratio to parsing the same files' YAML and CSV text alone.

Why the ratio: the machine is shared and noisy; the baseline (PyYAML and the csv module on
the same files, measured in the same run) moves with it, so the ratio says what the
description-driven loader and the workbook cost on top of reading the text.
Run: ``.venv/bin/python benchmarks/bench_plan_format.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable

import yaml

from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError, each
from muniplan.plan.load import EXAMPLES_DIR, load_files, read_folder
from muniplan.report.excel import export_workbook, import_workbook

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"


def _best(fn: Callable[[], object], repeat: int = 5) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def _parse_only(files: dict[str, str]) -> None:
    for name, text in files.items():
        if name.startswith("population/"):
            continue
        if name.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
        elif name.endswith(".csv"):
            list(csv.reader(io.StringIO(text)))


def _broken(files: dict[str, str]) -> dict[str, str]:
    """Every investment names a sector that does not exist: one error per row."""
    rows = list(csv.reader(io.StringIO(files["investments.csv"])))
    at = rows[0].index("sector")
    for r in rows[1:]:
        r[at] = r[at] + "x"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return {**files, "investments.csv": out.getvalue()}


def _broken_everywhere(files: dict[str, str]) -> dict[str, str]:
    """Besides every project's sector: a dotted amount in sectors.csv and a bad law regime
    in plan.yaml, so that all three files are read and checked in one run."""
    out = _broken(files)
    out["sectors.csv"] = out["sectors.csv"].replace(",1615860,1615860,", ",1615860,1.615.860,",
                                                    1)
    out["plan.yaml"] = out["plan.yaml"].replace('law_regime: "1992"', 'law_regime: "1993"')
    return out


def _errors(files: dict[str, str]) -> int:
    try:
        load_files(files)
    except PlanError as exc:
        return len(each(exc))
    return 0


def main() -> None:
    files = {k: v for k, v in read_folder(EXAMPLE).items() if not k.startswith("population/")}
    base, _ = _best(lambda: _parse_only(files), 10)
    print(f"baseline, YAML and CSV parsed only: {base * 1000:.1f} ms")
    t, plan = _best(lambda: load_files(files))
    print(f"load by the format description: {t * 1000:.1f} ms ({t / base:.1f}× baseline)")
    broken = _broken(files)
    t, n = _best(lambda: _errors(broken))
    print(f"load with 18 bad rows, reported as {n} lines: {t * 1000:.1f} ms "
          f"({t / base:.1f}× baseline)")
    t, n = _best(lambda: _errors(_broken_everywhere(files)))
    print(f"load with errors in three files, reported as {n} lines: {t * 1000:.1f} ms "
          f"({t / base:.1f}× baseline)")
    full = read_folder(EXAMPLE)
    plan = load_files(full)
    proj = project(plan)
    t, xlsx = _best(lambda: export_workbook(plan, proj, full), 3)
    print(f"excel export: {t * 1000:.0f} ms ({t / base:.0f}× baseline), {len(xlsx):,} bytes")
    t, back = _best(lambda: import_workbook(xlsx), 3)
    print(f"excel import incl. validation: {t * 1000:.0f} ms ({t / base:.0f}× baseline), "
          f"{len(back)} files")


if __name__ == "__main__":
    main()
