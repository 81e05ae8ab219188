"""Build the package's all-kommune population file from the shared statistics.

Run: ``.venv/bin/python scripts/build_national_data.py [SHARED_DATA_DIR]`` (default
``../shared/data``). It reads ``norway_municipal_population_2005_2018.csv.gz`` (one row per
kommune, year, sex and age; 3.6 MB) and writes
``src/muniplan/plan/statistics/kommuner_population.csv.gz`` with the same numbers in one row
per kommune, year and sex and one column per age 0..105 (0.9 MB), and copies
``norway_municipalities_2024.csv`` to ``kommuner.csv``. No figure is changed; the output is
byte-for-byte reproducible (gzip with a zero timestamp).
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "muniplan" / "plan" / "statistics"
N_AGES = 106


def main(shared: Path) -> None:
    rows: dict[tuple[str, int, str], list[int]] = {}
    with gzip.open(shared / "norway_municipal_population_2005_2018.csv.gz", "rt",
                   encoding="utf-8") as f:
        reader = csv.reader(f)
        if next(reader) != ["municipality", "year", "sex", "age", "population"]:
            raise SystemExit("unexpected header in the shared population file")
        for number, year, sex, age, persons in reader:
            rows.setdefault((number, int(year), sex), [0] * N_AGES)[int(age)] = int(persons)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["municipality", "year", "sex", *map(str, range(N_AGES))])
    for (number, year, sex), values in sorted(rows.items()):
        w.writerow([number, year, sex, *values])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "kommuner_population.csv.gz").write_bytes(
        gzip.compress(buf.getvalue().encode("utf-8"), 9, mtime=0))
    shutil.copyfile(shared / "norway_municipalities_2024.csv", OUT / "kommuner.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
