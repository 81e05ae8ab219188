"""Print the population backtest table of ``docs/population.md`` (Bærum, base years 2008, 2012).

Run: ``.venv/bin/python scripts/population_backtest.py``. The demography package reads no
files, so this small script loads the example's data and hands it over; the tests compare
the document with the same function's output.
"""

from __future__ import annotations

from pathlib import Path

from muniplan.demography.backtest import BACKTEST_BASE_YEARS, backtest, backtest_table
from muniplan.plan.population import load_population_folder

EXAMPLE = (Path(__file__).resolve().parents[1] / "src" / "muniplan" / "plan" / "examples"
           / "baerum-2018-2021")


def main() -> None:
    data = load_population_folder(EXAMPLE, base_year=2018)
    print(backtest_table([backtest(data, base) for base in BACKTEST_BASE_YEARS]))


if __name__ == "__main__":
    main()
