"""SSB 07459 downloads, one or several, merged into one population history for one kommune.

Why several: Statbank caps the cells of one download, so a kommune's 0–105 by sex over many
years often comes in two or three files. Years may overlap only with equal figures; a year
with different figures in two files is refused, never averaged or picked.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from muniplan.plan.errors import PlanError
from muniplan.plan.population import N_AGES, SEXES
from muniplan.plan.ssb import read_07459


def read_population_files(paths: Sequence[Path], region: str) -> tuple[np.ndarray, np.ndarray]:
    """``(years, population[year, sex, age])`` from every file, for kommune ``region``."""
    by_year: dict[int, tuple[np.ndarray, str]] = {}
    for path in paths:
        years, population = read_07459(Path(path), region)
        for i, year in enumerate(years.tolist()):
            if year in by_year and not np.array_equal(by_year[year][0], population[i]):
                raise PlanError(
                    f"{year} is in two files with different figures", file=str(path),
                    field="år", expected=f"the same figures as {by_year[year][1]}, or the "
                    "year in one file only")
            by_year[year] = (population[i], str(path))
    years = sorted(by_year)
    for a, b in itertools.pairwise(years):
        if b != a + 1:
            raise PlanError("years missing between the files", file=by_year[b][1],
                            field="år", expected=f"{a + 1} after {a}", found=str(b))
    return (np.asarray(years, dtype=np.int64),
            np.stack([by_year[y][0] for y in years]).astype(np.float64))


def population_csv_text(years: np.ndarray, population: np.ndarray) -> str:
    """A plan's ``population/population.csv`` (``year,sex,age,population``)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["year", "sex", "age", "population"])
    for i, year in enumerate(years):
        for s, sex in enumerate(SEXES):
            for age in range(N_AGES):
                writer.writerow([int(year), sex, age, int(population[i, s, age])])
    return buf.getvalue()


def replace_file(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` through a temporary file, so it is whole or untouched."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
