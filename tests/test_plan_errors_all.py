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
                      "(also on lines 3, 4, 5, 6, 7 and 7 other lines) (expected years 2018–2021)"]


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


# --- errors in several files at once: every round runs ----------------------------------

def _errors(folder: Path) -> list[str]:
    """Every error the loader finds in ``folder``, one a line, as the loader words them."""
    with pytest.raises(PlanError) as info:
        load_plan(folder)
    return [str(p) for p in getattr(info.value, "problems", (info.value,))]


def _bad_row(folder: Path) -> Path:
    """sectors.csv with a dotted amount on the barnehager row (line 3)."""
    sectors = folder / "sectors.csv"
    _replace(sectors, ",1615860,1615860,1615860,1615860,",
             ",1615860,1.615.860,1615860,1615860,")
    return sectors


def _misspell_sector(investments: Path) -> None:
    """Storøya skole (line 3) names the sector barn-og-ung, not barn-og-unge."""
    _replace(investments, "storoya-skole,Storøya skole,schools,barn-og-unge,",
             "storoya-skole,Storøya skole,schools,barn-og-ung,")


DOTTED = ("2019: '.' between groups of three digits: thousands or a decimal? (expected "
          "thousands written with a space or nothing (300 000 or 300000); a decimal with "
          "fewer or more than three digits after the separator, found '1.615.860')")


def test_rows_plan_yaml_and_references_in_one_run(tmp_path, capsys):
    """A bad row, a bad plan.yaml value and two unknown ids: all four in one run. The bad
    row (barnehager) is left out, and the projects and services that name it are not called
    unknown: the reference cannot be judged while its row does not read."""
    folder = _copy(tmp_path)
    investments, plan = folder / "investments.csv", folder / "plan.yaml"
    sectors = _bad_row(folder)
    _replace(plan, 'law_regime: "1992"', 'law_regime: "1993"')
    _misspell_sector(investments)
    _replace(plan, "program_areas: [barnevern]", "program_areas: [barnevernet]")
    errors = _errors(folder)
    assert len(errors) == 4, errors
    assert errors[0] == f"{sectors}:3: {DOTTED}"
    assert errors[1].startswith(f"{plan}:12: law_regime: ")
    assert "'1993'" in errors[1]
    assert errors[2] == (
        f"{investments}:3: sector: unknown sector (did you mean 'barn-og-unge'?) (expected "
        "one of barn-og-unge, bistand-og-omsorg, miljo-idrett-og-kultur, "
        "organisasjon-styring-og-utvikling, found 'barn-og-ung')")
    assert errors[3] == (
        f"{plan}:{_line(plan, 'barnevernet')}: services[2].program_areas: unknown "
        "programområde (did you mean 'barnevern'?) (expected an id from sectors.csv, found "
        "'barnevernet')")
    assert ",barnehager," in investments.read_text(encoding="utf-8")  # named, not judged

    code, lines = _validate(folder, capsys)  # the command: the same four, exit 2
    assert code == 2
    assert len(lines) == 4, lines


def test_a_file_that_fails_whole_skips_only_the_references_into_it(tmp_path):
    """sectors.csv without a required column reads no row: references to sectors wait for
    the next run, but plan.yaml's values and the projects' sources are still checked."""
    folder = _copy(tmp_path)
    sectors, investments, plan = (folder / n for n in ("sectors.csv", "investments.csv",
                                                       "plan.yaml"))
    _replace(sectors, ",program_area_name,", ",programomrade_navn,")
    _misspell_sector(investments)
    _replace(investments, ",3000,30000,90000,110000,70000,,pressemelding-hp-2018-2021,",
             ",3000,30000,90000,110000,70000,,pressemelding-hp-2018,")
    _replace(plan, 'law_regime: "1992"', 'law_regime: "1993"')
    errors = _errors(folder)
    assert len(errors) == 3, errors
    assert errors[0].startswith(f"{sectors}:1: program_area_name: missing column "
                                "'program_area_name'")
    assert errors[1].startswith(f"{plan}:12: law_regime: ")
    assert errors[2].startswith(f"{investments}:3: source: unknown source (did you mean "
                                "'pressemelding-hp-2018-2021'?)")
    assert not any("barn-og-ung'" in e for e in errors)


def test_a_bad_period_and_a_bad_row_with_no_reference_check(tmp_path):
    """A period every reference needs is wrong: its error and the row's are reported; the
    references wait (they would all be about years)."""
    folder = _copy(tmp_path)
    plan = folder / "plan.yaml"
    sectors = _bad_row(folder)
    _replace(plan, "period: {first: 2018, last: 2021}", "period: {first: 2018, last: 2020}")
    errors = _errors(folder)
    assert len(errors) == 2, errors
    assert errors[0] == f"{sectors}:3: {DOTTED}"
    assert errors[1].startswith(f"{plan}:9: period.last: ")
    assert "2018–2020" in errors[1]


def test_plan_yaml_that_is_not_yaml_still_lets_the_rows_be_checked(tmp_path):
    folder = _copy(tmp_path)
    plan = folder / "plan.yaml"
    _replace(plan, 'title: "Handlingsprogram', 'title: ["Handlingsprogram')
    sectors = _bad_row(folder)
    errors = _errors(folder)
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{plan}:7: not valid YAML: ")
    assert errors[1] == f"{sectors}:3: {DOTTED}"


def test_a_bad_source_is_left_out_and_its_users_not_judged(tmp_path):
    """sources[1] has a misspelt key: that error, then the references of the rest, with the
    figures that cite the bad source not called unknown; a real unknown source still is."""
    folder = _copy(tmp_path)
    plan, prio = folder / "plan.yaml", folder / "priorities.yaml"
    _replace(plan, "  - id: hp-2018-2021-okonomi\n",
             "  - id: hp-2018-2021-okonomi\n    titel: Økonomi\n")
    _replace(prio, "source: pressemelding-hp-2018-2021\n",
             "source: pressemelding-hp-2019\n")
    errors = _errors(folder)
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{plan}:24: sources[1].titel: ")
    assert errors[1].startswith(f"{prio}:14: priority_areas[0].measures[0].source: unknown "
                                "source (did you mean 'pressemelding-hp-2018-2021'?)")


def test_a_duplicated_id_leaves_the_references_to_its_kind_unjudged(tmp_path):
    """A second row with the id of the first most likely bears a misspelt id: the projects
    naming the id it should have had are not called unknown (one error, not three)."""
    folder = _copy(tmp_path)
    sectors = folder / "sectors.csv"
    _replace(sectors, "barn-og-unge,Barn og unge,barnehager,", "barn-og-unge,Barn og unge,"
             "grunnskole,")
    errors = _errors(folder)
    assert errors == [f"{sectors}:3: program_area_id: duplicate programområde id (first on "
                      "line 2) (expected a unique id, found 'grunnskole')"]


def test_a_refused_amount_in_plan_yaml_and_a_reference_in_one_run(tmp_path):
    """A dotted amount in plan.yaml is refused with the fix; a stand-in lets the references
    be checked in the same run (the unknown sector of a project)."""
    folder = _copy(tmp_path)
    plan, investments = folder / "plan.yaml", folder / "investments.csv"
    _replace(plan, "value: 6782820", "value: 6.782.820")
    _misspell_sector(investments)
    errors = _errors(folder)
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"{plan}:{_line(plan, '6.782.820')}: opening.debt.value: ")
    assert errors[1].startswith(f"{investments}:3: sector: unknown sector (did you mean "
                                "'barn-og-unge'?)")


def test_a_bad_assumption_and_a_reference_in_one_run(tmp_path):
    """A rate written in per cent (3.2 for 3.2 %) is refused; the assumption gets a stand-in
    for the reference checks, so the project's unknown sector comes in the same run."""
    folder = _copy(tmp_path)
    plan, investments = folder / "plan.yaml", folder / "investments.csv"
    _replace(plan, "values: {2018: 0.030, 2019: 0.032,", "values: {2018: 0.030, 2019: 3.2,")
    _misspell_sector(investments)
    errors = _errors(folder)
    assert len(errors) == 2, errors
    key = _line(plan, '2019: 3.2,') - 1  # the series' key line
    assert errors[0].startswith(f"{plan}:{key}: assumptions.wage_growth")
    assert "3.2" in errors[0]
    assert errors[1].startswith(f"{investments}:3: sector: unknown sector")


def test_a_missing_column_names_the_header_that_is_likely_it(tmp_path):
    """The workbook's Norwegian label as a CSV header is named as such; an optional column
    that is present is never offered as the missing one's misspelling."""
    folder = _copy(tmp_path)
    sectors = folder / "sectors.csv"
    _replace(sectors, ",program_area_name,", ",programområde,")
    assert _errors(folder)[0].startswith(
        f"{sectors}:1: program_area_name: missing column 'program_area_name' (the header "
        "'programområde' is its label in the workbook; a CSV file names it program_area_name)")
    _replace(sectors, ",programområde,", ",programomrade_navn,")
    error = _errors(folder)[0]
    assert error.startswith(f"{sectors}:1: program_area_name: missing column "
                            "'program_area_name' (expected ")
    assert "program_area_number'?" not in error


def test_no_sectors_is_an_error_beside_another_files_error(tmp_path):
    """sectors.csv with its header alone: "no sectors", even when plan.yaml has an error of
    its own (the other file's error does not excuse it)."""
    folder = _copy(tmp_path)
    sectors, plan = folder / "sectors.csv", folder / "plan.yaml"
    sectors.write_text(sectors.read_text(encoding="utf-8").splitlines()[0] + "\n",
                       encoding="utf-8")
    _replace(plan, 'law_regime: "1992"', 'law_regime: "1993"')
    errors = _errors(folder)
    assert len(errors) == 2, errors
    assert errors[0] == f"{sectors}:2: no sectors (expected at least one programområde row)"
    assert errors[1].startswith(f"{plan}:12: law_regime: ")


def test_an_item_left_out_does_not_shift_the_others_places(tmp_path):
    """A bad service (grunnskole, services[1]) and a bad measure (priority area 0) are left
    out for the reference checks; the errors found after them still name the file's own
    places: services[2] and its line, priority_areas[4] and its line."""
    folder = _copy(tmp_path)
    plan, prio = folder / "plan.yaml", folder / "priorities.yaml"
    _replace(plan, "groups: [{ages: [6, 15], coverage: 1.0}]",
             "groups: [{ages: [6, 15], dekning: 1.0}]")
    _replace(plan, "program_areas: [barnevern]", "program_areas: [barnevernet]")
    _replace(prio, "        status: planned\n", "        status: kanskje\n")
    text = prio.read_text(encoding="utf-8")
    at = text.index("      - id: medvirkningsplaner")
    prio.write_text(text[:at] + text[at:].replace("sector: miljo-idrett-og-kultur",
                                                  "sector: miljo-idrett", 1),
                    encoding="utf-8")
    errors = _errors(folder)
    assert len(errors) == 4, errors
    assert errors[0].startswith(f"{prio}:{_line(prio, 'kanskje')}: "
                                "priority_areas[0].measures[0].status: ")
    assert errors[1].startswith(f"{plan}:{_line(plan, 'dekning: 1.0')}: services[1].groups")
    bad = prio.read_text(encoding="utf-8").splitlines().index("        sector: miljo-idrett") + 1
    assert errors[2].startswith(f"{prio}:{bad}: "
                                "priority_areas[4].measures[1].sector: unknown sector")
    assert errors[3].startswith(f"{plan}:{_line(plan, 'barnevernet')}: "
                                "services[2].program_areas: unknown programområde")
