"""The population of every kommune, shipped with the package, as arrays for national runs.

The files are :mod:`muniplan.plan.national`'s (the data ``muniplan init`` uses): the list of
the 357 kommuner of 2024 and their population by sex and single year of age 2005–2018 (SSB
table 07459, redistricted to the 2024 borders by FHI's csdata), one row per kommune, year
and sex. This module reads all kommuner at once into one array and checks the file as it
goes: every problem is a located :class:`PlanError`, so a damaged file is refused, never
half-read. Norway's death and fertility rates are the Bærum example's (HMD, HFD).

``statistics/population_calibration.csv`` is the interval calibration fitted on the national
backtests (``muniplan national-backtest --write-calibration``, ``docs/population.md``).
"""

from __future__ import annotations

import csv
import gzip
import lzma
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from muniplan.plan import national
from muniplan.plan.errors import PlanError
from muniplan.plan.national import STATISTICS
from muniplan.plan.population import (
    N_AGES,
    SEXES,
    PopulationData,
    read_fertility_csv,
    read_mortality_csv,
    read_sources,
)

DATA_DIR = STATISTICS
POPULATION_FILE = national.POPULATION_FILE
KOMMUNER_FILE = national.MUNICIPALITIES_FILE
RATES_DIR = national.RATES_DIR
ATTRIBUTION = national.ATTRIBUTION


@dataclass(frozen=True)
class Kommune:
    number: str
    name: str
    county_number: str
    county: str


@dataclass(frozen=True, eq=False)
class NationalData:
    """All kommuner: ``population[kommune, year, sex, age]`` on 1 January of ``years``.

    ``first_year[k]`` is the first year with data for kommune ``k`` (two kommuner start a
    year later than the rest; their earlier rows are zero and never used).
    """

    kommuner: tuple[Kommune, ...]
    years: np.ndarray
    population: np.ndarray
    first_year: np.ndarray
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)

    def index(self, number: str) -> int:
        """Position of kommune ``number`` (four digits); a located error if unknown."""
        for i, k in enumerate(self.kommuner):
            if k.number == number:
                return i
        raise PlanError("unknown kommune number", field="municipality",
                        expected="a four-digit kommune number of 2024 (e.g. 0301, 3201)",
                        found=number)

    def history(self, i: int) -> PopulationData:
        """Kommune ``i``'s own years with Norway's rates, as a plan's population data."""
        keep = self.years >= self.first_year[i]
        return PopulationData(self.years[keep].copy(), self.population[i, keep].copy(),
                              self.mortality_years, self.mx, self.fertility_years, self.asfr,
                              dict(self.sources))


def read_kommuner(path: Path = KOMMUNER_FILE) -> tuple[Kommune, ...]:
    """``municipality,name,county_number,county`` with four-digit numbers, each once."""
    header = ["municipality", "name", "county_number", "county"]
    out: list[Kommune] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        found = next(reader, [])
        if found != header:
            raise PlanError("wrong header", file=str(path), line=1, field="header",
                            expected=",".join(header), found=",".join(found))
        for line, cells in enumerate(reader, start=2):
            if len(cells) != 4 or not (len(cells[0]) == 4 and cells[0].isdigit()):
                raise PlanError("bad row", file=str(path), line=line, field="municipality",
                                expected="a four-digit number and three more cells",
                                found=",".join(cells))
            if cells[0] in seen:
                raise PlanError("kommune listed twice", file=str(path), line=line,
                                field="municipality", found=cells[0])
            seen.add(cells[0])
            out.append(Kommune(*cells))
    return tuple(out)


def read_population_wide(path: Path, numbers: tuple[str, ...]
                         ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(years, population[kommune, year, sex, age], first_year)`` from the wide file.

    Every listed kommune must have both sexes in each of its years, its years without gaps
    and ending in the same last year as the others; counts are whole and not negative.
    """
    unpack = lzma.decompress if path.suffix == ".xz" else gzip.decompress
    try:
        text = unpack(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError) as exc:
        raise PlanError("not a readable compressed (xz or gzip) UTF-8 CSV file",
                        file=str(path), found=str(exc)) from None
    lines = text.splitlines()
    header = ["municipality", "year", "sex", *map(str, range(N_AGES))]
    if not lines or lines[0].split(",") != header:
        raise PlanError("wrong header", file=str(path), line=1, field="header",
                        expected="municipality,year,sex,0,1,...,105")
    position = {n: i for i, n in enumerate(numbers)}
    rows = [line.split(",") for line in lines[1:]]
    for line, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise PlanError("wrong number of cells", file=str(path), line=line,
                            expected=f"{len(header)} cells", found=f"{len(row)} cells")
        if row[0] not in position:
            raise PlanError("kommune not in kommuner.csv", file=str(path), line=line,
                            field="municipality", found=row[0])
        if row[2] not in SEXES:
            raise PlanError("unknown sex", file=str(path), line=line, field="sex",
                            expected="female or male", found=row[2])
    values = _whole_numbers(path, rows)
    negative = np.argwhere(values[:, 1:] < 0)
    if negative.size:
        r, age = (int(v) for v in negative[0])
        raise PlanError("negative count", file=str(path), line=r + 2, field=str(age),
                        expected="0 or more", found=str(values[r, age + 1]))
    cells: dict[tuple[int, int, int], np.ndarray] = {}
    for r, row in enumerate(rows):
        key = (position[row[0]], int(values[r, 0]), SEXES.index(row[2]))
        if key in cells:
            raise PlanError("duplicate row", file=str(path), line=r + 2,
                            found=" ".join(row[:3]))
        cells[key] = values[r, 1:]
    return _assemble(path, numbers, cells)


def _whole_numbers(path: Path, rows: list[list[str]]) -> np.ndarray:
    """Year and the 106 counts of every row as integers; the first bad cell, located."""
    try:
        return np.loadtxt([",".join(row) for row in rows], delimiter=",", dtype=np.int64,
                          usecols=[1, *range(3, 3 + N_AGES)], ndmin=2)
    except ValueError:
        for line, row in enumerate(rows, start=2):
            for name, cell in zip(["year", *map(str, range(N_AGES))], row[1:2] + row[3:],
                                  strict=True):
                if not cell.strip().lstrip("-").isdigit():
                    raise PlanError("not a whole number", file=str(path), line=line,
                                    field=name, expected="a whole number",
                                    found=cell) from None
        raise


def _assemble(path: Path, numbers: tuple[str, ...],
              cells: dict[tuple[int, int, int], np.ndarray]
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not cells:
        raise PlanError("no data rows", file=str(path))
    all_years = sorted({y for _, y, _ in cells})
    years = np.arange(all_years[0], all_years[-1] + 1)
    pop = np.zeros((len(numbers), years.size, 2, N_AGES))
    first = np.zeros(len(numbers), dtype=np.int64)
    by_kommune: dict[int, set[int]] = {}
    for k, y, _ in cells:
        by_kommune.setdefault(k, set()).add(y)
    for k, number in enumerate(numbers):
        have = sorted(by_kommune.get(k, ()))
        if not have:
            raise PlanError("kommune has no rows", file=str(path), field="municipality",
                            found=number)
        expected = list(range(have[0], int(years[-1]) + 1))
        if have != expected:
            raise PlanError("years missing for a kommune", file=str(path), field="year",
                            expected=f"{number}: every year {have[0]}..{years[-1]}",
                            found=", ".join(map(str, have)))
        first[k] = have[0]
        for y in have:
            for s in (0, 1):
                if (k, y, s) not in cells:
                    raise PlanError("row missing", file=str(path), field="sex",
                                    expected=f"{number} {y} {SEXES[s]}")
                pop[k, y - years[0], s] = cells[(k, y, s)]
    return years, pop, first


@lru_cache(maxsize=1)
def load_national() -> NationalData:
    """The shipped data for every kommune (read once per process)."""
    kommuner = read_kommuner(KOMMUNER_FILE)
    years, pop, first = read_population_wide(POPULATION_FILE,
                                             tuple(k.number for k in kommuner))
    m_years, mx = read_mortality_csv(RATES_DIR / "mortality.csv")
    f_years, asfr = read_fertility_csv(RATES_DIR / "fertility.csv")
    sources = read_sources(RATES_DIR / "population.yaml")
    sources["attribution"] = ATTRIBUTION
    for a in (years, pop, first, m_years, mx, f_years, asfr):
        a.setflags(write=False)
    return NationalData(kommuner, years, pop, first, m_years, mx, f_years, asfr, sources)


CALIBRATION_FILE = DATA_DIR / "population_calibration.csv"
CALIBRATION_HEADER = ["size_class", "horizon", "label", "probability", "log_error", "errors"]


CalibrationTable = tuple[np.ndarray, np.ndarray, np.ndarray]
"""``(probs[p], log_q[size, horizon - 1, label, p], counts[size, horizon - 1, label])``."""


def write_calibration(table: CalibrationTable, labels: tuple[str, ...], path: Path) -> None:
    """The interval calibration as a CSV a finance officer can read: one quantile a row."""
    probs, log_q, counts = table
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(CALIBRATION_HEADER)
        sizes, horizons, n_labels, n_probs = log_q.shape
        for s in range(sizes):
            for h in range(horizons):
                for g in range(n_labels):
                    for p in range(n_probs):
                        w.writerow([s, h + 1, labels[g], f"{probs[p]:g}",
                                    f"{log_q[s, h, g, p]:.6f}", int(counts[s, h, g])])


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_FILE,
                     labels: tuple[str, ...] = ("0-5", "6-15", "16-66", "67-79", "80+", "total")
                     ) -> CalibrationTable:
    """Read what :func:`write_calibration` wrote; every cell must be there."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        if header != CALIBRATION_HEADER:
            raise PlanError("wrong header", file=str(path), line=1, field="header",
                            expected=",".join(CALIBRATION_HEADER), found=",".join(header))
        rows = list(enumerate(reader, start=2))
    try:
        probs = sorted({float(r[3]) for _, r in rows})
        sizes = max(int(r[0]) for _, r in rows) + 1
        horizons = max(int(r[1]) for _, r in rows)
    except (ValueError, IndexError):
        raise PlanError("bad number in the calibration", file=str(path)) from None
    log_q = np.full((sizes, horizons, len(labels), len(probs)), np.nan)
    counts = np.zeros((sizes, horizons, len(labels)), dtype=np.int64)
    for line, r in rows:
        try:
            s, h, g, p = int(r[0]), int(r[1]) - 1, labels.index(r[2]), probs.index(float(r[3]))
            log_q[s, h, g, p] = float(r[4])
            counts[s, h, g] = int(r[5])
        except (ValueError, IndexError):
            raise PlanError("bad row", file=str(path), line=line,
                            expected="size_class,horizon,label,probability,log_error,errors",
                            found=",".join(r)) from None
    if np.isnan(log_q).any():
        raise PlanError("calibration table has gaps", file=str(path),
                        expected="every size class, horizon, label and probability")
    return np.array(probs), log_q, counts
