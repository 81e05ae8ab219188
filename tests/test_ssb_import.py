"""SSB table 07459 importer: Statbank CSV (long and wide) and PxWebApi JSON-stat 2.0.

The files are generated here from the shipped Bærum data (a few real years) in SSB's
layouts, then broken on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from muniplan.plan.errors import PlanError
from muniplan.plan.population import load_population_folder, read_population_csv
from muniplan.plan.ssb import read_07459, write_population_csv

EXAMPLE = Path(__file__).resolve().parents[1] / "src/muniplan/plan/examples/baerum-2018-2021"
YEARS = (2016, 2017, 2018)


@pytest.fixture(scope="module")
def baerum() -> tuple[np.ndarray, np.ndarray]:
    d = load_population_folder(EXAMPLE)
    keep = np.isin(d.pop_years, YEARS)
    return d.pop_years[keep], d.population[keep]


def _age_code(a: int) -> str:
    return "105+" if a == 105 else f"{a:03d}"


def _age_label(a: int) -> str:
    return "105 år eller eldre" if a == 105 else f"{a} år"


def jsonstat(years, pop, regions=(("0219", "Bærum (-2019)"),)) -> dict:
    """A PxWebApi json-stat2 response: Region x Kjonn x Alder x ContentsCode x Tid."""
    sexes = (("1", "Menn", 1), ("2", "Kvinner", 0))
    values = []
    for _ in regions:
        for _, _, s in sexes:
            for a in range(106):
                for i in range(len(years)):
                    values.append(int(pop[i, s, a]))
    def dim(label, cats):
        return {"label": label, "category": {
            "index": {c: i for i, (c, _) in enumerate(cats)},
            "label": dict(cats)}}
    return {
        "version": "2.0", "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(regions), 2, 106, 1, len(years)],
        "dimension": {
            "Region": dim("region", list(regions)),
            "Kjonn": dim("kjønn", [(c, lab) for c, lab, _ in sexes]),
            "Alder": dim("alder", [(_age_code(a), _age_label(a)) for a in range(106)]),
            "ContentsCode": dim("statistikkvariabel", [("Personer1", "Personer")]),
            "Tid": dim("år", [(str(y), str(y)) for y in years]),
        },
        "value": values,
    }


def csv_long(years, pop, region="0219 Bærum (-2019)") -> str:
    out = ['"Befolkning, etter region, kjønn, alder, statistikkvariabel og år"', "",
           '"region";"kjønn";"alder";"statistikkvariabel";"år";"Personer"']
    for s, sex in ((1, "Menn"), (0, "Kvinner")):
        for a in range(106):
            for i, y in enumerate(years):
                out.append(f'"{region}";"{sex}";"{_age_label(a)}";"Personer";"{y}";'
                           f"{int(pop[i, s, a])}")
    return "\n".join(out) + "\n"


def csv_wide(years, pop) -> str:
    head = '"region";"kjønn";"alder";' + ";".join(f'"Personer {y}"' for y in years)
    out = [head]
    for s, sex in ((1, "1 Menn"), (0, "2 Kvinner")):
        for a in range(106):
            cells = ";".join(str(int(pop[i, s, a])) for i in range(len(years)))
            out.append(f'"0219 Bærum (-2019)";"{sex}";"{_age_code(a)} {_age_label(a)}";{cells}')
    return "\n".join(out) + "\n"


def test_jsonstat_round_trip(tmp_path, baerum):
    years, pop = baerum
    path = tmp_path / "07459.json"
    path.write_text(json.dumps(jsonstat(years, pop)), encoding="utf-8")
    got_years, got = read_07459(path)
    assert list(got_years) == list(YEARS)
    np.testing.assert_array_equal(got, pop)
    assert got[-1].sum() == 125_454


def test_jsonstat_sparse_values_and_list_index(tmp_path, baerum):
    years, pop = baerum
    doc = jsonstat(years, pop)
    doc["value"] = {str(i): v for i, v in enumerate(doc["value"])}
    for dim in doc["dimension"].values():
        dim["category"]["index"] = list(dim["category"]["index"])
    path = tmp_path / "07459.json"
    path.write_text(json.dumps({"dataset": doc}), encoding="utf-8")
    np.testing.assert_array_equal(read_07459(path)[1], pop)


def test_jsonstat_region_choice(tmp_path, baerum):
    years, pop = baerum
    # the same real figures under Bærum's two codes, as a two-region download
    doc = jsonstat(years, pop, regions=(("0219", "Bærum (-2019)"), ("3024", "Bærum (2020-2023)")))
    doc["value"] = doc["value"][: len(doc["value"]) // 2] + [
        v + 1 for v in doc["value"][len(doc["value"]) // 2:]]
    path = tmp_path / "07459.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PlanError, match="several regions"):
        read_07459(path)
    np.testing.assert_array_equal(read_07459(path, region="0219")[1], pop)
    np.testing.assert_array_equal(read_07459(path, region="K-3024")[1], pop + 1)
    with pytest.raises(PlanError, match="ambiguous"):
        read_07459(path, region="Bærum")
    with pytest.raises(PlanError, match="not found"):
        read_07459(path, region="0301")


@pytest.mark.parametrize("breakage", ["null", "short", "no_tid", "bad_age", "two_contents",
                                      "text"])
def test_jsonstat_broken(tmp_path, baerum, breakage):
    years, pop = baerum
    doc = jsonstat(years, pop)
    if breakage == "null":
        doc["value"][17] = None
    elif breakage == "short":
        doc["value"] = doc["value"][:-1]
    elif breakage == "no_tid":
        doc["id"][4] = "Year"
    elif breakage == "bad_age":
        cat = doc["dimension"]["Alder"]["category"]
        cat["index"] = {("999" if k == "050" else k): v for k, v in cat["index"].items()}
        cat["label"] = {("999" if k == "050" else k): v for k, v in cat["label"].items()}
        cat["label"]["999"] = "Alle aldre"
    elif breakage == "two_contents":
        doc["dimension"]["ContentsCode"]["category"]["index"]["Endring"] = 1
        doc["size"][3] = 2
    elif breakage == "text":
        doc["value"][3] = "12"
    path = tmp_path / "07459.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_07459(path)
    assert info.value.file == str(path) and info.value.field


def test_csv_long_and_wide(tmp_path, baerum):
    years, pop = baerum
    for name, text in (("long.csv", csv_long(years, pop)), ("wide.csv", csv_wide(years, pop))):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        got_years, got = read_07459(path)
        assert list(got_years) == list(YEARS)
        np.testing.assert_array_equal(got, pop)
    # SSB's older downloads are Windows-1252
    path = tmp_path / "ansi.csv"
    path.write_bytes(csv_long(years, pop).encode("cp1252"))
    np.testing.assert_array_equal(read_07459(path, region="Bærum")[1], pop)


@pytest.mark.parametrize(("old", "new", "field"), [
    (";3821\n", ";..\n", "Personer"),  # SSB's mark for a missing figure
    (";3821\n", ";38x1\n", "Personer"),
    ('"Kvinner";"40 år"', '"Ukjent";"40 år"', "kjønn"),
    ('"Menn";"7 år"', '"Menn";"sju år"', "alder"),
])
def test_csv_broken_is_located(tmp_path, baerum, old, new, field):
    years, pop = baerum
    text = csv_long(years, pop)
    if old.startswith(";3821"):
        # the first data row's value, whatever it is
        lines = text.splitlines()
        idx = 3
        head, _, _value = lines[idx].rpartition(";")
        lines[idx] = head + new.rstrip("\n")
        text = "\n".join(lines) + "\n"
        line = idx + 1
    else:
        assert old in text
        line = text[: text.index(old)].count("\n") + 1
        text = text.replace(old, new, 1)
    path = tmp_path / "07459.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        read_07459(path)
    assert info.value.line == line
    assert info.value.field == field


def test_csv_missing_age(tmp_path, baerum):
    years, pop = baerum
    lines = [line for line in csv_long(years, pop).splitlines()
             if '"Kvinner";"99 år"' not in line]
    path = tmp_path / "07459.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PlanError, match="missing ages") as info:
        read_07459(path)
    assert "99" in info.value.found


def test_write_population_csv(tmp_path, baerum):
    years, pop = baerum
    source = tmp_path / "07459.json"
    source.write_text(json.dumps(jsonstat(years, pop)), encoding="utf-8")
    target = write_population_csv(source, tmp_path / "plan")
    assert target == tmp_path / "plan" / "population" / "population.csv"
    got_years, got = read_population_csv(target)
    assert list(got_years) == list(YEARS)
    np.testing.assert_array_equal(got, pop)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(PlanError, match="JSON"):
        write_population_csv(broken, tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_csv_several_regions_need_a_choice(tmp_path, baerum):
    years, pop = baerum
    text = csv_long(years, pop)
    other = csv_long(years, pop + 1, region="3024 Bærum (2020-2023)").splitlines()[3:]
    path = tmp_path / "07459.csv"
    path.write_text(text + "\n".join(other) + "\n", encoding="utf-8")
    with pytest.raises(PlanError, match="several regions") as info:
        read_07459(path)
    assert info.value.line == len(text.splitlines()) + 1
    np.testing.assert_array_equal(read_07459(path, region="3024")[1], pop + 1)
    np.testing.assert_array_equal(read_07459(path, region="0219")[1], pop)
