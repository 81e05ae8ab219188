"""`validate` reports every error it can find, each located, with "did you mean" for ids.

A finance officer who fixes one error only to meet the next loses an afternoon: the loader
reads on after a bad row or reference and raises the errors together. These plans carry
several errors at once; each must appear, on its own line, with file, line, field, what was
expected and what was found.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.plan.errors import PlanError, PlanErrors, Problems
from muniplan.plan.load import EXAMPLES_DIR, load_plan

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLE, folder)
    return folder


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line(path: Path, fragment: str) -> int:
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if fragment in line]
    assert len(hits) == 1, hits
    return hits[0]


def _validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "en", "validate", str(folder)])  # the messages as the code writes them
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return exc.value.code, [" ".join(x.split()) for x in err.strip().split("\nerror: ")]


def test_bad_cells_in_three_files_are_all_reported(tmp_path, capsys):
    folder = _copy(tmp_path)
    sectors, investments = folder / "sectors.csv", folder / "investments.csv"
    _replace(sectors, ",219671,1615860,", ",219671,1.615.860,")
    _replace(investments, "storoya-skole,Storøya skole,schools,barn-og-unge,grunnskole,2021,40",
             "storoya-skole,Storøya skole,schools,barn-og-unge,grunnskole,2021,lenge")
    _replace(investments, "levre-barneskole,Ny Levre barneskole (4-parallell),schools,"
             "barn-og-unge,grunnskole,2020,40,0.2,0,0,,false",
             "levre-barneskole,Ny Levre barneskole (4-parallell),schools,"
             "barn-og-unge,grunnskole,2020,40,0.2,0,0,,kanskje")
    code, errors = _validate(folder, capsys)
    assert code == 2
    assert len(errors) == 3, errors
    assert f"{sectors}:{_line(sectors, '1.615.860')}: 2018: '.' between groups" in errors[0]
    assert f"{investments}:{_line(investments, 'lenge')}: useful_life: not a whole number " \
           "(expected a whole number, found 'lenge')" in errors[1]
    assert f"{investments}:{_line(investments, 'kanskje')}: rentable: not true or false" \
        in errors[2]

    with pytest.raises(PlanErrors) as info:  # the loader's error: the first, and all
        load_plan(folder)
    assert info.value.field == "2018"
    assert len(info.value.problems) == 3


def test_unknown_ids_everywhere_with_did_you_mean(tmp_path, capsys):
    folder = _copy(tmp_path)
    investments, prio, plan = (folder / n for n in ("investments.csv", "priorities.yaml",
                                                    "plan.yaml"))
    _replace(investments, "storoya-skole,Storøya skole,schools,barn-og-unge",
             "storoya-skole,Storøya skole,schools,barn-og-ung")
    _replace(prio, "sector: miljo-idrett-og-kultur", "sector: miljo-idrett-kultur")
    _replace(plan, "program_areas: [barnevern]", "program_areas: [barnevernet]")
    code, errors = _validate(folder, capsys)
    assert code == 2
    assert len(errors) == 3, errors
    assert f"{investments}:{_line(investments, 'barn-og-ung,')}: sector: unknown sector " \
           "(did you mean 'barn-og-unge'?)" in errors[0]
    assert "found 'barn-og-ung'" in errors[0]
    assert f"{prio}:{_line(prio, 'miljo-idrett-kultur')}: priority_areas[0].measures[0]" \
           ".sector: unknown sector (did you mean 'miljo-idrett-og-kultur'?)" in errors[1]
    assert f"{plan}:{_line(plan, 'barnevernet')}: services[2].program_areas: unknown " \
           "programområde (did you mean 'barnevern'?)" in errors[2]


def test_the_same_error_on_many_rows_is_said_once(tmp_path, capsys):
    folder = _copy(tmp_path)
    sectors = folder / "sectors.csv"
    rows = list(csv.reader(io.StringIO(sectors.read_text(encoding="utf-8"))))
    at = rows[0].index("source")
    rows = [[*r[:at], "2022" if i == 0 else "1", *r[at:]] for i, r in enumerate(rows)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    sectors.write_text(out.getvalue(), encoding="utf-8")
    code, errors = _validate(folder, capsys)
    assert code == 2
    assert errors == [f"error: {sectors}:2: 2022: frame for 2022, outside the plan period "
                      "(also on lines 3, 4, 5, 6, 7 and 7 more) (expected years 2018–2021)"]


def test_one_problem_is_raised_as_itself():
    problems = Problems()
    with problems.guard():
        raise PlanError("x", file="f", line=3)
    with pytest.raises(PlanError) as info:
        problems.check()
    assert type(info.value) is PlanError and info.value.line == 3


def test_several_bad_values_in_plan_yaml(tmp_path, capsys):
    folder = _copy(tmp_path)
    plan = folder / "plan.yaml"
    _replace(plan, 'law_regime: "1992"', 'law_regime: "1993"')
    _replace(plan, 'operator: "="', 'operator: "=>"')
    code, errors = _validate(folder, capsys)
    assert code == 2
    assert len(errors) == 2, errors
    assert f"{plan}:{_line(plan, '1993')}: law_regime: " in errors[0]
    assert f"{plan}:{_line(plan, '=>')}: rules[" in errors[1]
    assert "found '=>'" in errors[1]
