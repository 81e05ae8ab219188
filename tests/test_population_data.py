"""Reading a plan folder's population statistics: the example loads, bad input is located."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from muniplan.plan.errors import PlanError
from muniplan.plan.population import check_base_year, load_population_folder

EXAMPLE = Path(__file__).resolve().parents[1] / "src/muniplan/plan/examples/baerum-2018-2021"


def test_example_loads_with_the_published_totals():
    d = load_population_folder(EXAMPLE, base_year=2018)
    assert list(d.pop_years) == list(range(2005, 2019))
    assert d.population.shape == (14, 2, 106)
    assert d.population[d.pop_years == 2017].sum() == 124_008
    assert d.population[d.pop_years == 2018].sum() == 125_454
    assert list(d.mortality_years) == list(range(2000, 2019))
    assert d.mx.shape == (19, 2, 106) and (d.mx > 0).any(axis=2).all()
    assert (d.mx[:, :, 105] > 0).all()  # the pooled open age group is never zero
    assert d.asfr.shape == (19, 106)
    assert d.asfr[:, :12].sum() == 0 and d.asfr[:, 56:].sum() == 0
    tfr = dict(zip(d.fertility_years.tolist(), d.asfr.sum(axis=1), strict=True))
    assert tfr[2017] == pytest.approx(1.623, abs=0.001)
    assert tfr[2018] == pytest.approx(1.565, abs=0.001)
    assert "SSB" in d.sources["attribution"] and "NLOD" in d.sources["attribution"]
    assert "07459" in d.sources["population.csv"]
    assert "stand in" in d.sources["note"]
    with pytest.raises(ValueError):
        d.population[0, 0, 0] = 1.0  # read-only arrays


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "plan" / "population"
    shutil.copytree(EXAMPLE / "population", target)
    return tmp_path / "plan"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, start: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith(start):
            return i
    raise AssertionError(start)


CASES = [
    # (file, old text, new text, field, message fragment, line-of prefix)
    ("population.csv", "2010,female,7,", "2010,female,7,-", "population", "negative",
     "2010,female,7,"),
    ("population.csv", "2010,male,30,", "2010,male,30,12a", "population", "whole number",
     "2010,male,30,"),
    ("population.csv", "2011,female,", "2011,fem,", "sex", "sex", "2011,fem,"),
    ("mortality.csv", "2005,female,50,", "2005,female,50,-", "mx", "range", "2005,female,50,"),
    ("mortality.csv", "2006,male,3,", "2006,male,3,abc", "mx", "number", "2006,male,3,"),
    ("fertility.csv", "2007,30,", "2007,30,1.5", "asfr", "range", "2007,30,"),
    ("fertility.csv", "2008,29,", "2008,29,x", "asfr", "number", "2008,29,"),
]


@pytest.mark.parametrize(("name", "old", "new", "field", "fragment", "prefix"),
                         CASES)
def test_bad_values_are_located(folder, name, old, new, field, fragment, prefix):
    path = folder / "population" / name
    # replace the whole value after the prefix
    text = path.read_text(encoding="utf-8").splitlines()
    line_no = _line_of(path, old)
    value = text[line_no - 1][len(old):]
    text[line_no - 1] = new + (value if new.endswith(",") else "")
    if new.endswith("-"):
        text[line_no - 1] = new + value
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    err = info.value
    assert err.file is not None and err.file.endswith(name)
    assert err.line == _line_of(path, prefix)
    assert err.field == field
    assert fragment in str(err)
    assert f"{name}:{err.line}: {field}:" in str(err)


def _drop_line(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    idx = next(i for i, line in enumerate(lines) if line.startswith(start))
    del lines[idx]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return idx + 1


def test_missing_age_is_named(folder):
    path = folder / "population" / "population.csv"
    _drop_line(path, "2009,male,44,")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    err = info.value
    assert err.field == "age" and "44" in str(err.found) and "2009" in err.message
    assert err.line == _line_of(path, "2009,")


def test_year_gap_is_named(folder):
    path = folder / "population" / "population.csv"
    lines = [line for line in path.read_text().splitlines() if not line.startswith("2010,")]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    assert info.value.field == "year" and info.value.found == "2011"
    assert info.value.line == _line_of(path, "2011,")


def test_duplicate_row(folder):
    path = folder / "population" / "mortality.csv"
    text = path.read_text()
    path.write_text(text + "2018,male,40,0.001\n")
    with pytest.raises(PlanError, match="duplicate") as info:
        load_population_folder(folder)
    assert info.value.line == len(text.splitlines()) + 1


def test_qx_outside_unit_interval(folder):
    path = folder / "population" / "mortality.csv"
    lines = path.read_text().splitlines()
    lines[0] += ",qx"
    lines[1:] = [line + ",0.01" for line in lines[1:]]
    lines[5] = lines[5].rsplit(",", 1)[0] + ",1.2"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    assert (info.value.field, info.value.line) == ("qx", 6)


def test_wrong_header_and_missing_file(folder):
    path = folder / "population" / "fertility.csv"
    _edit(path, "year,age,asfr", "year,alder,asfr")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    assert (info.value.line, info.value.field) == (1, "header")
    path.unlink()
    with pytest.raises(PlanError, match="missing"):
        load_population_folder(folder)


def test_fertility_ages_must_match_every_year(folder):
    path = folder / "population" / "fertility.csv"
    _drop_line(path, "2003,40,")
    with pytest.raises(PlanError) as info:
        load_population_folder(folder)
    assert info.value.field == "age" and "2003" in info.value.message


def test_base_year_without_data(folder):
    with pytest.raises(PlanError) as info:
        load_population_folder(folder, base_year=2019)
    assert info.value.field == "year" and info.value.file.endswith("population.csv")
    d = load_population_folder(folder)
    with pytest.raises(PlanError, match="rates"):
        check_base_year(d.truncated(2018).__class__(
            d.pop_years, d.population, d.mortality_years[10:], d.mx[10:],
            d.fertility_years, d.asfr), 2018)


def test_broken_yaml(folder):
    (folder / "population" / "population.yaml").write_text("attribution: [unclosed\n")
    with pytest.raises(PlanError, match="YAML") as info:
        load_population_folder(folder)
    assert info.value.line is not None


def test_truncated_drops_later_years():
    d = load_population_folder(EXAMPLE)
    t = d.truncated(2010)
    assert t.pop_years[-1] == 2010 and t.mortality_years[-1] == 2010
    assert t.fertility_years[-1] == 2010
    np.testing.assert_array_equal(t.population, d.population[:6])
