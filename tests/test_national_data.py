"""The all-kommune population shipped in the package: its figures, and damaged copies refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from muniplan.plan.errors import PlanError
from muniplan.plan.kommuner import (
    POPULATION_FILE,
    load_calibration,
    load_national,
    read_kommuner,
    read_population_wide,
    write_calibration,
)


def test_every_kommune_and_the_published_totals() -> None:
    d = load_national()
    assert len(d.kommuner) == 357
    assert list(d.years) == list(range(2005, 2019))
    # SOURCES.md: the 2018 national total of the redistricted file is 5 295 595
    assert d.population[:, -1].sum() == 5_295_595
    # Bærum's totals as SSB published them (docs/population.md)
    baerum = d.index("3201")
    assert d.population[baerum, -2].sum() == 124_008
    assert d.population[baerum, -1].sum() == 125_454
    assert d.population[d.index("1151"), -1].sum() == 208          # Utsira, the smallest
    assert d.population[d.index("0301"), -1].sum() == 673_469      # Oslo
    late = {d.kommuner[i].number for i in np.flatnonzero(d.first_year > 2005)}
    assert late == {"1160", "1576"}                                # 13 years, not 14


def test_a_kommunes_history_is_its_own_years() -> None:
    d = load_national()
    h = d.history(d.index("1160"))
    assert h.pop_years[0] == 2006 and h.population.shape == (13, 2, 106)
    assert h.population.sum(axis=(1, 2)).min() > 0


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "pop.csv.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path


HEADER = "municipality,year,sex," + ",".join(map(str, range(106)))


def _row(number: str = "1151", year: int = 2017, sex: str = "female", value: str = "1") -> str:
    return f"{number},{year},{sex}," + ",".join([value] + ["1"] * 105)


@pytest.mark.parametrize(("lines", "message", "where"), [
    (["municipality,year,sex,age,population"], "wrong header", ":1"),
    ([HEADER, _row(value="-3")], "negative count", ":2"),
    ([HEADER, _row(value="1,5")], "wrong number of cells", ":2"),
    ([HEADER, _row(value="x")], "not a whole number", ":2"),
    ([HEADER, _row(), _row()], "duplicate row", ":3"),
    ([HEADER, _row(number="9999")], "kommune not in kommuner.csv", ":2"),
    ([HEADER, _row(sex="kvinne")], "unknown sex", ":2"),
    ([HEADER, _row(), _row(sex="male"), _row(year=2015), _row(year=2015, sex="male")],
     "years missing", ""),
    ([HEADER, _row()], "row missing", ""),
])
def test_damaged_population_files_are_refused(tmp_path: Path, lines: list[str], message: str,
                                              where: str) -> None:
    path = _write(tmp_path, lines)
    with pytest.raises(PlanError) as exc:
        read_population_wide(path, ("1151",))
    assert message in str(exc.value)
    assert f"{path}{where}" in str(exc.value)


def test_not_gzip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pop.csv.gz"
    path.write_text(HEADER)
    with pytest.raises(PlanError, match="compressed"):
        read_population_wide(path, ("1151",))


def test_kommune_list_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"
    path.write_text("municipality,name,county_number,county\n0301,Oslo,03,Oslo\n"
                    "0301,Oslo,03,Oslo\n", encoding="utf-8")
    with pytest.raises(PlanError, match=r"k.csv:3.*listed twice"):
        read_kommuner(path)


def test_the_packaged_file_is_small() -> None:
    assert POPULATION_FILE.stat().st_size < 800_000


def test_calibration_round_trip_and_gaps(tmp_path: Path) -> None:
    probs = np.array([0.05, 0.5, 0.95])
    log_q = np.arange(2 * 3 * 6 * 3, dtype=float).reshape(2, 3, 6, 3) / 100
    counts = np.full((2, 3, 6), 40)
    path = tmp_path / "cal.csv"
    labels = ("0-5", "6-15", "16-66", "67-79", "80+", "total")
    write_calibration((probs, log_q, counts), labels, path)
    p, q, c = load_calibration(path)
    assert np.array_equal(p, probs) and np.allclose(q, log_q) and np.array_equal(c, counts)
    lines = path.read_text().splitlines()
    (tmp_path / "gap.csv").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(PlanError, match="gaps"):
        load_calibration(tmp_path / "gap.csv")
    (tmp_path / "bad.csv").write_text("\n".join(lines[:5] + ["0,1,old,0.5,0.1,3"]) + "\n")
    with pytest.raises(PlanError, match=r"bad.csv:6: bad row"):
        load_calibration(tmp_path / "bad.csv")
