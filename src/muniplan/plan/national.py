"""Statistics shipped with muniplan for every kommune: the list of the 357 kommuner and their
population by sex and single year of age, plus Norway's mortality and fertility rates.

Why shipped: a finance officer should get a plan that projects in one command, before they
have found their way round SSB's Statbank. The files are small (the population of all
kommuner is 0.7 MB, xz-compressed) and credited in ``statistics/SOURCES.md``; they stop in
2018, like every statistic in the project, so a later base year is reached by the model
(:mod:`muniplan.demography.carry`) and said so.

``statistics/municipal_population_2005_2018.csv.xz``: one row per kommune, year and sex
(``municipality,year,sex,0,1,…,105``), 2024 borders, persons on 1 January (SSB table 07459,
redistricted by FHI's csdata). ``statistics/municipalities_2024.csv``: number, name, county.
"""

from __future__ import annotations

import csv
import difflib
import lzma
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from muniplan.plan.errors import PlanError
from muniplan.plan.population import (
    N_AGES,
    SEXES,
    read_fertility_csv,
    read_mortality_csv,
)

STATISTICS = Path(__file__).parent / "statistics"
POPULATION_FILE = STATISTICS / "municipal_population_2005_2018.csv.xz"
MUNICIPALITIES_FILE = STATISTICS / "municipalities_2024.csv"
RATES_DIR = Path(__file__).parent / "examples" / "baerum-2018-2021" / "population"
"""Norway's rates (HMD mortality, HFD fertility, 2000–2018) are the Bærum example's own
files: they are national, so every kommune shares them."""

ATTRIBUTION = ("Befolkningstall: Statistisk sentralbyrå (SSB), tabell 07459, NLOD 2.0, "
               "omregnet til 2024-grenser av Folkehelseinstituttets csdata (MIT). "
               "Dødelighet: Human Mortality Database, CC BY 4.0. "
               "Fruktbarhet: Human Fertility Database, CC BY 4.0.")


@dataclass(frozen=True)
class Kommune:
    """One of the 357 kommuner of 2024."""

    number: str
    name: str
    county: str

    @property
    def short_name(self) -> str:
        """The bokmål name alone (``Oslo-Oslove`` → ``Oslo``; ``Aurskog-Høland`` stays)."""
        return BOKMAL_NAMES.get(self.number, self.name)

    @property
    def display_name(self) -> str:
        """``Oslo kommune``: the name a plan's title and documents use."""
        return f"{self.short_name} kommune"


BOKMAL_NAMES = {
    "0301": "Oslo", "1841": "Fauske", "1870": "Sortland", "5041": "Snåsa", "5043": "Røyrvik",
    "5518": "Lavangen", "5538": "Storfjord", "5540": "Kåfjord", "5610": "Karasjok",
    "5612": "Kautokeino", "5622": "Porsanger", "5628": "Tana", "5636": "Nesseby",
}
"""Kommuner whose SSB name joins a Sami or Kven name to the Norwegian one."""


@cache
def municipalities() -> dict[str, Kommune]:
    """The kommuner of 2024 by four-digit number."""
    with MUNICIPALITIES_FILE.open(encoding="utf-8") as f:
        return {r["municipality"]: Kommune(r["municipality"], r["name"], r["county"])
                for r in csv.DictReader(f)}


def find_municipality(text: str) -> Kommune:
    """The kommune with this number (``0301``, ``301``) or name (``Utsira``); a located
    error with the nearest names or numbers otherwise."""
    known = municipalities()
    t = text.strip()
    if t.isdigit() and len(t) <= 4 and t.zfill(4) in known:
        return known[t.zfill(4)]
    by_name = {k.name.lower(): k for k in known.values()}
    by_name.update({k.short_name.lower(): k for k in known.values()})
    if t.lower() in by_name:
        return by_name[t.lower()]
    hint = ""
    if not t.isdigit():  # numbers changed in 2020 and 2024; a near number means nothing
        close = difflib.get_close_matches(t.lower(), list(by_name), n=6, cutoff=0.6)
        found = list(dict.fromkeys(by_name[n] for n in close))[:3]
        hint = ", ".join(f"{k.number} {k.short_name}" for k in found)
    raise PlanError(
        "unknown kommune" + (f" (did you mean {hint}?)" if hint else ""),
        field="--municipality",
        expected="a kommune number of 2024 (four digits, e.g. 0301) or a name",
        found=text,
    )


@cache
def _population_text() -> str:
    return lzma.decompress(POPULATION_FILE.read_bytes()).decode("utf-8")


def municipal_population(number: str) -> tuple[np.ndarray, np.ndarray]:
    """``(years, population[year, sex, age])`` of one kommune, 1 January 2005 (or its first
    year) to 2018, within the 2024 borders."""
    prefix = number + ","
    rows = [line.split(",") for line in _population_text().splitlines()
            if line.startswith(prefix)]
    if not rows:
        raise PlanError("no shipped population for this kommune", field="--municipality",
                        expected="a kommune of 2024", found=number)
    years = sorted({int(r[1]) for r in rows})
    out = np.zeros((len(years), 2, N_AGES), dtype=np.float64)
    for r in rows:
        out[years.index(int(r[1])), SEXES.index(r[2])] = [int(v) for v in r[3:]]
    return np.asarray(years, dtype=np.int64), out


def national_rates() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Norway's ``(mortality_years, mx, fertility_years, asfr)``, 2000–2018."""
    m_years, mx = read_mortality_csv(RATES_DIR / "mortality.csv")
    f_years, asfr = read_fertility_csv(RATES_DIR / "fertility.csv")
    return m_years, mx, f_years, asfr
