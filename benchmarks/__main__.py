"""Run every ``bench_*.py`` in this folder: ``python -m benchmarks``.

Modules are found by glob, so a new benchmark needs no registration: give it a ``main()``.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    failed = 0
    for path in sorted(here.glob("bench_*.py")):
        name = f"benchmarks.{path.stem}"
        print(f"== {path.stem}", flush=True)
        t = time.perf_counter()
        try:
            module = importlib.import_module(name)
            module.main()
        except Exception as exc:  # report and go on with the others
            failed += 1
            print(f"{path.stem} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        print(f"== {path.stem}: {time.perf_counter() - t:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
