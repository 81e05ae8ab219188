"""`muniplan init` and `muniplan data import-population`: a plan for any kommune that validates
and projects at once, from the shipped statistics or from SSB's downloads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.engine.projection import project
from muniplan.plan.advice import plan_warnings
from muniplan.plan.defaults import DEFAULT_MARK
from muniplan.plan.load import load_plan
from muniplan.plan.national import find_municipality, municipal_population, municipalities


def run(argv: list[str], capsys: pytest.CaptureFixture[str],
        lang: str = "en") -> tuple[int, str, str]:
    """Run a command; in English unless ``lang`` says otherwise (the messages as the code
    writes them; tests/test_cli_language.py checks both languages)."""
    with pytest.raises(SystemExit) as exc:
        main(["--lang", lang, *argv])
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_shipped_statistics_cover_every_kommune() -> None:
    known = municipalities()
    assert len(known) == 357
    years, pop = municipal_population("0301")
    assert years[0] == 2005 and years[-1] == 2018
    assert pop.shape == (14, 2, 106)
    # Oslo, 1 January 2018 (SSB 07459 via csdata, 2024 borders)
    assert int(pop[-1].sum()) == 673469
    assert int(municipal_population("1151")[1][-1].sum()) == 208  # Utsira


# Utsira is the smallest kommune, Eigersund has about 15 000 inhabitants, Oslo is the largest
@pytest.mark.parametrize("number", ["1151", "1101", "0301"])
def test_init_validates_and_projects(tmp_path: Path, capsys, number: str) -> None:
    folder = tmp_path / "plan"
    code, out, err = run(["init", str(folder), "--municipality", number,
                          "--first-year", "2026"], capsys)
    assert code == 0, err
    assert "carried forward by the model from 2018" in err
    plan = load_plan(folder)
    kommune = find_municipality(number)
    assert plan.municipality.number == number
    assert plan.municipality.name == kommune.display_name
    assert (plan.period.first, plan.period.last, plan.base_year) == (2026, 2029, 2026)
    assert plan.population is not None and plan.population.pop_years[-1] == 2026
    proj = project(plan)
    ratio = proj.series["net_operating_result_ratio"]
    assert np.all(np.isfinite(ratio))
    assert 0.0 < ratio[0] < 0.06  # the defaults start near TBU's 2 %
    assert proj.series["demographic_cost"][-1] != 0  # age-driven services are not ignored
    code, out, err = run(["validate", str(folder)], capsys)
    assert code == 0 and out.startswith("ok ")
    assert "defaults from muniplan init remain" in err
    assert "population 2019–2026 carried forward" in err


def test_every_default_is_marked_and_named(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "p"
    assert run(["init", str(folder), "-m", "Eigersund", "--first-year", "2027"], capsys)[0] == 0
    plan = load_plan(folder)
    sources = plan.source_ids()
    for s in plan.sectors:
        for a in s.program_areas:
            assert a.assumption and a.assumption.startswith(DEFAULT_MARK)
            assert all(x.strip() in sources for x in (a.source or "").split(";"))
    for rule in plan.rules:
        assert rule.assumption and rule.assumption.startswith(DEFAULT_MARK)
    text = (folder / "SOURCES.md").read_text(encoding="utf-8")
    assert "Statistisk sentralbyrå (SSB), tabell 07459, NLOD 2.0" in text
    assert "carried forward by the model from 2018" in text
    warnings = [str(w) for w in plan_warnings(plan)]
    assert any(w.startswith("sectors.csv: 10 standardverdier") for w in warnings)
    # once a figure is the kommune's own, its warning goes
    sectors = (folder / "sectors.csv").read_text(encoding="utf-8")
    (folder / "sectors.csv").write_text(sectors.replace(DEFAULT_MARK, "Budsjett 2027:"),
                                        encoding="utf-8")
    warnings = [str(w) for w in plan_warnings(load_plan(folder))]
    assert not any(w.startswith("sectors.csv") for w in warnings)


def test_init_from_ssb_downloads_needs_no_carry_forward(tmp_path: Path, capsys) -> None:
    years, pop = municipal_population("1101")
    first = tmp_path / "07459-a.json"
    second = tmp_path / "07459-b.json"
    first.write_text(json.dumps(_jsonstat(years[:8], pop[:8], "1101")), encoding="utf-8")
    second.write_text(json.dumps(_jsonstat(years[6:], pop[6:], "1101")), encoding="utf-8")
    folder = tmp_path / "plan"
    code, _out, err = run(["init", str(folder), "-m", "1101", "--first-year", "2018",
                          "--population", str(first), "--population", str(second)], capsys)
    assert code == 0, err
    assert "carried forward" not in err  # 2018 is observed
    plan = load_plan(folder)
    assert plan.population is not None
    np.testing.assert_array_equal(plan.population.population, pop)
    assert plan.law_regime == "1992"


def test_import_population_into_a_plan(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "plan"
    assert run(["init", str(folder), "-m", "1101", "--first-year", "2018"], capsys)[0] == 0
    years, pop = municipal_population("1101")
    download = tmp_path / "07459.json"
    download.write_text(json.dumps(_jsonstat(years, pop + 1, "1101")), encoding="utf-8")
    code, out, err = run(["data", "import-population", str(download), "-m", "1101",
                          "--plan", str(folder)], capsys)
    assert code == 0, err
    assert "14 years, 2005–2018" in out
    plan = load_plan(folder)
    assert plan.population is not None
    np.testing.assert_array_equal(plan.population.population, pop + 1)


def test_conflicting_downloads_are_refused(tmp_path: Path, capsys) -> None:
    years, pop = municipal_population("1101")
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(_jsonstat(years, pop, "1101")), encoding="utf-8")
    b.write_text(json.dumps(_jsonstat(years[-2:], pop[-2:] + 5, "1101")), encoding="utf-8")
    folder = tmp_path / "plan"
    code, _out, err = run(["init", str(folder), "-m", "1101", "--first-year", "2018",
                          "--population", str(a), "--population", str(b)], capsys)
    assert code == 2
    assert "2017 is in two files with different figures" in err
    assert not folder.exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["-m", "0219", "--first-year", "2026"], "unknown kommune"),
    (["-m", "Berum", "--first-year", "2026"], "did you mean 3201 Bærum"),
    (["-m", "0301", "--first-year", "1990"], "--first-year: expected a year from 2006"),
])
def test_bad_init_arguments(tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    folder = tmp_path / "plan"
    code, _out, err = run(["init", str(folder), *argv], capsys)
    assert code == 2 and message in " ".join(err.split())
    assert "Traceback" not in err
    assert not folder.exists()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, _out, err = run(["init", str(tmp_path), "-m", "1151", "--first-year", "2026"], capsys)
    assert code == 2 and "folder is not empty; nothing written" in " ".join(err.split())
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def _jsonstat(years: np.ndarray, pop: np.ndarray, region: str) -> dict:
    """A PxWebApi json-stat2 response of table 07459 for one region."""
    values = [int(pop[i, s, a]) for s in (1, 0) for a in range(106) for i in range(len(years))]

    def dim(label: str, cats: list[tuple[str, str]]) -> dict:
        return {"label": label, "category": {"index": {c: i for i, (c, _) in enumerate(cats)},
                                             "label": dict(cats)}}
    ages = [("105+" if a == 105 else f"{a:03d}", f"{a} år") for a in range(106)]
    return {
        "version": "2.0", "class": "dataset", "source": "Statistisk sentralbyrå",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [1, 2, 106, 1, len(years)],
        "dimension": {
            "Region": dim("region", [(region, "Kommune")]),
            "Kjonn": dim("kjønn", [("1", "Menn"), ("2", "Kvinner")]),
            "Alder": dim("alder", ages),
            "ContentsCode": dim("statistikkvariabel", [("Personer1", "Personer")]),
            "Tid": dim("år", [(str(y), str(y)) for y in years]),
        },
        "value": values,
    }


def test_excel_import_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys) -> None:
    xlsx = tmp_path / "hp.xlsx"
    assert run(["excel", "export", "baerum-2018-2021", str(xlsx)], capsys)[0] == 0
    out = tmp_path / "plan"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run(["excel", "import", str(xlsx), str(out)], capsys)
    assert code == 2 and "folder is not empty; nothing written" in " ".join(err.split())
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert run(["excel", "import", str(xlsx), str(out), "--force"], capsys)[0] == 0
    assert (out / "plan.yaml").is_file() and (out / "notes.txt").is_file()


def test_the_defaults_left_are_listed_by_section():
    """Thirty defaults read as a list per section of plan.yaml, each section named once."""
    from muniplan.plan.advice import _grouped

    assert _grouped(["assumptions.wage_growth", "assumptions.price_growth", "income.tax",
                     "opening.funds.disposisjonsfond"]) == (
        "assumptions: wage_growth, price_growth; income: tax; opening: funds.disposisjonsfond")
    assert _grouped(["barnehage", "grunnskole"]) == "barnehage, grunnskole"
