"""A plan folder's population statistics: the base population and the rates, read and checked.

The demography layer is pure numpy and reads no files, so this module is where the CSV files
of ``<plan>/population/`` become arrays. It lives in the plan layer because it reads files.
Everything bad in the input becomes a located :class:`~muniplan.plan.errors.PlanError`
(file, line, field, expected, found): a projection built on a silently wrong number is worse
than no projection.

Files (all optional columns are named; a header must be exactly these names, in any order):

``population.csv``  ``year,sex,age,population``  persons on 1 January; every year has both
                    sexes and every age 0..105 (105 = 105 or older); years without gaps.
``mortality.csv``   ``year,sex,age,mx[,qx]``  central death rates, ages 0..105 (105 open);
                    ``mx >= 0``; an optional ``qx`` column must lie in [0, 1].
``fertility.csv``   ``year,age,asfr``  births per woman-year by the mother's age; the same
                    ages every year, within 0..105; ages absent from the file are zero.
``population.yaml`` optional: ``attribution``, ``note`` and ``files:`` (per file: publisher,
                    table, licence, url, content) - the credits the data's licences ask for.

Axis order everywhere: sex 0 = female, 1 = male; age 0..105.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import yaml

from muniplan.plan.errors import PlanError, kind_of

SEXES: tuple[str, str] = ("female", "male")
MAX_AGE = 105
N_AGES = MAX_AGE + 1


@dataclass(frozen=True, eq=False)
class PopulationData:
    """Population history and rates of one municipality, as arrays.

    ``population[year, sex, age]`` persons on 1 January of ``pop_years[year]``;
    ``mx[year, sex, age]`` death rates in calendar year ``mortality_years[year]``;
    ``asfr[year, age]`` fertility rates in calendar year ``fertility_years[year]``, zero outside
    the ages the file gives. ``sources`` maps a name (``attribution``, ``note``, a file name)
    to its credit text.
    """

    pop_years: np.ndarray
    population: np.ndarray
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("pop_years", "population", "mortality_years", "mx", "fertility_years",
                     "asfr"):
            getattr(self, name).setflags(write=False)

    def truncated(self, last_year: int) -> PopulationData:
        """The same data with every year after ``last_year`` dropped (for backtests)."""
        p = self.pop_years <= last_year
        m = self.mortality_years <= last_year
        f = self.fertility_years <= last_year
        return PopulationData(
            pop_years=self.pop_years[p].copy(), population=self.population[p].copy(),
            mortality_years=self.mortality_years[m].copy(), mx=self.mx[m].copy(),
            fertility_years=self.fertility_years[f].copy(), asfr=self.asfr[f].copy(),
            sources=dict(self.sources),
        )


# --- reading ---------------------------------------------------------------------------------


def _rows(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()
          ) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(file line, row)`` for each data row, after checking the header."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlanError("file is missing", file=str(path), expected=f"a CSV file {name}") from None
    except UnicodeDecodeError as exc:
        raise PlanError("file is not UTF-8 text", file=str(path), found=str(exc)) from None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise PlanError("file is empty", file=str(path), line=1,
                        expected="header " + ",".join(columns))
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    missing = [c for c in columns if c not in header]
    unknown = [h for h in header if h not in columns and h not in optional]
    if missing or unknown or len(set(header)) != len(header):
        raise PlanError("wrong header", file=str(path), line=1, field="header",
                        expected=",".join(columns), found=",".join(header))
    for line_no, cells in enumerate(reader, start=2):
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise PlanError("wrong number of cells", file=str(path), line=line_no,
                            expected=f"{len(header)} cells", found=f"{len(cells)} cells")
        yield line_no, {h: c.strip() for h, c in zip(header, cells, strict=True)}


def _int(path: Path, line: int, name: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise PlanError("not a whole number", file=str(path), line=line, field=name,
                        expected="a whole number", found=text) from None


def _float(path: Path, line: int, name: str, text: str, lo: float, hi: float) -> float:
    try:
        value = float(text)
    except ValueError:
        raise PlanError("not a number", file=str(path), line=line, field=name,
                        expected="a number", found=text) from None
    if not math.isfinite(value) or not lo <= value <= hi:
        bounds = f"a number in [{lo:g}, {hi:g}]" if math.isfinite(hi) else f"a number >= {lo:g}"
        raise PlanError("out of range", file=str(path), line=line, field=name,
                        expected=bounds, found=text)
    return value


def _sex(path: Path, line: int, text: str) -> int:
    if text not in SEXES:
        raise PlanError("unknown sex", file=str(path), line=line, field="sex",
                        expected="female or male", found=text)
    return SEXES.index(text)


def _age(path: Path, line: int, text: str) -> int:
    age = _int(path, line, "age", text)
    if not 0 <= age <= MAX_AGE:
        raise PlanError("age out of range", file=str(path), line=line, field="age",
                        expected=f"0..{MAX_AGE} ({MAX_AGE} = {MAX_AGE} or older)", found=text)
    return age


def _check_years(path: Path, years: list[int], first_line: dict[int, int]) -> np.ndarray:
    ys = sorted(years)
    for a, b in itertools.pairwise(ys):
        if b != a + 1:
            raise PlanError("years do not follow each other", file=str(path),
                            line=first_line[b], field="year",
                            expected=f"{a + 1} after {a}", found=str(b))
    return np.asarray(ys, dtype=np.int64)


def _by_sex_age(path: Path, value_field: str, lo: float, hi: float, integral: bool,
                extra: dict[str, tuple[float, float]] | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """Read a ``year,sex,age,<value>`` file into ``(years, values[year, sex, age])``."""
    cells: dict[int, dict[tuple[int, int], float]] = {}
    first_line: dict[int, int] = {}
    where: dict[tuple[int, int, int], int] = {}
    extra = extra or {}
    for line, row in _rows(path, ("year", "sex", "age", value_field), tuple(extra)):
        year = _int(path, line, "year", row["year"])
        sex = _sex(path, line, row["sex"])
        age = _age(path, line, row["age"])
        if integral:
            value = float(_int(path, line, value_field, row[value_field]))
            if value < lo:
                raise PlanError("negative count", file=str(path), line=line, field=value_field,
                                expected="a whole number >= 0", found=row[value_field])
        else:
            value = _float(path, line, value_field, row[value_field], lo, hi)
        for name, (elo, ehi) in extra.items():
            if row.get(name, "") != "":
                _float(path, line, name, row[name], elo, ehi)
        key = (year, sex, age)
        if key in where:
            raise PlanError("duplicate row", file=str(path), line=line, field="age",
                            expected=f"one row per year, sex and age (first at line {where[key]})",
                            found=f"{year},{SEXES[sex]},{age}")
        where[key] = line
        first_line.setdefault(year, line)
        cells.setdefault(year, {})[(sex, age)] = value
    if not cells:
        raise PlanError("no data rows", file=str(path), line=2, expected="at least one year")
    years = _check_years(path, list(cells), first_line)
    out = np.empty((len(years), 2, N_AGES), dtype=np.float64)
    for i, year in enumerate(years):
        got = cells[int(year)]
        for s in range(2):
            missing = [a for a in range(N_AGES) if (s, a) not in got]
            if missing:
                shown = ", ".join(str(a) for a in missing[:5])
                shown += " ..." if len(missing) > 5 else ""
                raise PlanError(f"missing ages for {year}, {SEXES[s]}", file=str(path),
                                line=first_line[int(year)], field="age",
                                expected=f"every age 0..{MAX_AGE}", found=f"missing {shown}")
            out[i, s] = [got[(s, a)] for a in range(N_AGES)]
    return years, out


def read_population_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(years, population[year, sex, age])`` from a ``year,sex,age,population`` file."""
    return _by_sex_age(path, "population", 0.0, math.inf, integral=True)


def read_mortality_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(years, mx[year, sex, age])`` from a ``year,sex,age,mx[,qx]`` file."""
    return _by_sex_age(path, "mx", 0.0, math.inf, integral=False, extra={"qx": (0.0, 1.0)})


def read_fertility_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """``(years, asfr[year, age])`` from a ``year,age,asfr`` file; absent ages are zero."""
    cells: dict[int, dict[int, float]] = {}
    first_line: dict[int, int] = {}
    for line, row in _rows(path, ("year", "age", "asfr")):
        year = _int(path, line, "year", row["year"])
        age = _age(path, line, row["age"])
        value = _float(path, line, "asfr", row["asfr"], 0.0, 1.0)
        got = cells.setdefault(year, {})
        if age in got:
            raise PlanError("duplicate row", file=str(path), line=line, field="age",
                            expected="one row per year and age", found=f"{year},{age}")
        got[age] = value
        first_line.setdefault(year, line)
    if not cells:
        raise PlanError("no data rows", file=str(path), line=2, expected="at least one year")
    years = _check_years(path, list(cells), first_line)
    ages = sorted(cells[int(years[0])])
    if ages != list(range(ages[0], ages[-1] + 1)):
        raise PlanError("ages are not contiguous", file=str(path), line=first_line[int(years[0])],
                        field="age", expected=f"every age {ages[0]}..{ages[-1]}",
                        found=", ".join(map(str, ages)))
    out = np.zeros((len(years), N_AGES), dtype=np.float64)
    for i, year in enumerate(years):
        got = cells[int(year)]
        if sorted(got) != ages:
            raise PlanError(f"ages for {year} differ from {years[0]}", file=str(path),
                            line=first_line[int(year)], field="age",
                            expected=f"ages {ages[0]}..{ages[-1]}",
                            found=f"ages {min(got)}..{max(got)} ({len(got)} rows)")
        for a, v in got.items():
            out[i, a] = v
    return years, out


def read_sources(path: Path) -> dict[str, str]:
    """Credits from ``population.yaml``: ``attribution``, ``note`` and one entry per file."""
    if not path.exists():
        return {}
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PlanError("not valid YAML", file=str(path),
                        line=None if mark is None else mark.line + 1, found=str(exc)) from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise PlanError("expected a mapping", file=str(path), line=1,
                        expected="keys attribution, note, files", found=kind_of(doc))
    sources: dict[str, str] = {}
    for key in ("attribution", "note"):
        if key in doc:
            sources[key] = " ".join(str(doc[key]).split())
    files = doc.get("files") or {}
    if not isinstance(files, dict):
        raise PlanError("expected a mapping of file name to its source", file=str(path),
                        field="files", found=kind_of(files))
    for name, info in files.items():
        if isinstance(info, dict):
            parts = [f"{k}: {v}" for k, v in info.items() if v not in (None, "")]
            sources[str(name)] = "; ".join(parts)
        else:
            sources[str(name)] = str(info)
    unknown = set(doc) - {"attribution", "note", "files"}
    if unknown:
        raise PlanError("unknown key", file=str(path), field=sorted(unknown)[0],
                        expected="attribution, note or files")
    return sources


def load_population_folder(folder: Path, base_year: int | None = None) -> PopulationData:
    """Read ``folder/population/`` (or ``folder`` itself if it holds ``population.csv``).

    With ``base_year`` the data must reach it: the population on 1 January of the base year,
    and death and fertility rates for every year from the first population year up to the
    last year before the base year (the years whose changes the model is calibrated on).
    """
    folder = Path(folder)
    sub = folder / "population"
    if not (folder / "population.csv").exists() and sub.is_dir():
        folder = sub
    pop_years, population = read_population_csv(folder / "population.csv")
    m_years, mx = read_mortality_csv(folder / "mortality.csv")
    f_years, asfr = read_fertility_csv(folder / "fertility.csv")
    sources = read_sources(folder / "population.yaml")
    data = PopulationData(pop_years, population, m_years, mx, f_years, asfr, sources)
    if base_year is not None:
        check_base_year(data, base_year, folder)
    return data


def check_base_year(data: PopulationData, base_year: int, folder: Path | None = None) -> None:
    """Raise a located ``PlanError`` unless ``data`` can calibrate a model at ``base_year``."""
    where = Path(folder) if folder is not None else Path("population")
    if base_year not in set(data.pop_years.tolist()):
        raise PlanError("no population for the base year", file=str(where / "population.csv"),
                        field="year", expected=f"rows for {base_year}",
                        found=f"years {data.pop_years[0]}..{data.pop_years[-1]}")
    needed = range(int(data.pop_years[0]), base_year)
    for name, years in (("mortality.csv", data.mortality_years),
                        ("fertility.csv", data.fertility_years)):
        have = set(years.tolist())
        lacking = [y for y in needed if y not in have]
        if lacking or not any(y <= base_year for y in have):
            raise PlanError("rates do not cover the population history",
                            file=str(where / name), field="year",
                            expected=f"every year {needed.start}..{base_year - 1}",
                            found=f"years {years[0]}..{years[-1]}")
