"""Measure each choice of the national method on the backtests (docs/population.md).

Run: ``.venv/bin/python scripts/national_variants.py [--workers N] [--port P]``. For each
variant of the estimation settings it backtests every kommune from 2008, 2010, 2012 and 2013
on a local Dask cluster and prints the MAPE of the total by size class at horizons 5 and 8,
the median, and the MAPE of ages 0–5 and 80+ at horizon 5.
"""

from __future__ import annotations

import argparse

import numpy as np

from muniplan.demography.evaluation import ape
from muniplan.demography.national import FERTILITY_PRIOR, LABELS, Method
from muniplan.national.runner import dask_client, run_backtests
from muniplan.plan.kommuner import load_national

VARIANTS: dict[str, Method] = {
    "equal weights (window 5)": Method({"window": 5}, None),
    "recent years weighted": Method({"window": 5, "recent_weight": True}, None),
    "fertility prior": Method({"window": 5, "fertility_prior": FERTILITY_PRIOR}, None),
    "wider age smoothing (4)": Method({"window": 5, "smooth": 4}, None),
    "chosen (recent weights from 2 000, prior)": Method(),
}


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--workers", type=int, default=None)
    args.add_argument("--port", type=int, default=0)
    ns = args.parse_args()
    data = load_national()
    print("| variant | total h5: <2 000 | 2 000–10 000 | 10 000–50 000 | >50 000 | median "
          "| total h8: <2 000 | 2 000–10 000 | 10 000–50 000 | >50 000 | median "
          "| 0-5 h5 <2 000 | 80+ h5 <2 000 |")
    print("|---|" + "---:|" * 12)
    with dask_client(workers=ns.workers, port=ns.port) as client:
        for name, method in VARIANTS.items():
            records = run_backtests(client, data, (2008, 2010, 2012, 2013), 8, method)
            size, horizon, errors = ape(records, "method")
            cells = []
            for h in (5, 8):
                at = horizon == h
                cells += [f"{errors[at & (size == s), -1].mean():.2f}" for s in range(4)]
                cells.append(f"{np.median(errors[at, -1]):.2f}")
            small5 = (horizon == 5) & (size == 0)
            cells += [f"{errors[small5, LABELS.index(g)].mean():.2f}" for g in ("0-5", "80+")]
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
