"""Follow-up benchmarks: reading a year's reports, the deviation and prognosis of each report,
plan against reality, the ledger import and rolling forward — each as a ratio to the plan's
own projection measured in the same run (the machine is shared, so absolute times are
noisy; the ratios are what to compare). Data: the TEST year in tests/followup/.

Run: ``.venv/bin/python benchmarks/bench_followup.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import time
from pathlib import Path

from muniplan.engine.followup import follow_up, plan_against_actuals, rollforward_inputs
from muniplan.engine.projection import project
from muniplan.plan.accounts import read_export, read_mapping
from muniplan.plan.actuals import read_actuals
from muniplan.plan.load import load_plan
from muniplan.plan.rollforward import roll_forward

DATA = Path(__file__).resolve().parents[1] / "tests" / "followup"


def _best(fn, repeat: int = 5) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    plan = load_plan("baerum-2018-2021")
    base, proj = _best(lambda: project(plan), 3)
    print(f"baseline, project(): {base * 1000:.0f} ms")
    folder = DATA / "baerum" / "actuals"
    t, actuals = _best(lambda: read_actuals(folder, plan))
    n = sum(len(r.entries) for r in actuals.reports)
    print(f"read 6 report files ({n} rows): {t * 1000:.1f} ms (× {t / base:.3f})")
    for period in ("T1", "T2", "year"):
        t, _ = _best(lambda p=period: follow_up(plan, proj, actuals, 2018, p))
        print(f"follow_up 2018 {period}: {t * 1000:.1f} ms (× {t / base:.3f})")
    t, rows = _best(lambda: plan_against_actuals(plan, proj, actuals))
    print(f"plan against reality ({len(rows)} rows): {t * 1000:.1f} ms (× {t / base:.3f})")
    export = (DATA / "hovedbok-2018-T1.csv").read_text(encoding="utf-8")
    mapping = read_mapping("map", (DATA / "funksjon-programomrade.csv").read_text("utf-8"),
                           plan)
    t, result = _best(lambda: read_export("export", export, mapping))
    print(f"ledger import ({result.lines} lines): {t * 1000:.1f} ms (× {t / base:.3f})")
    uprate, income = rollforward_inputs(proj, 2019)
    t, _ = _best(lambda: roll_forward(plan, actuals.report(2018, "year"), 2019, uprate,
                                      income))
    print(f"roll forward (model only): {t * 1000:.1f} ms (× {t / base:.3f})")


if __name__ == "__main__":
    main()
