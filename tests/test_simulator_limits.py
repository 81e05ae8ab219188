"""The budget simulator's lever limits come from the plan (plan.yaml ``simulator:``), with
documented defaults; a bad limit is a located error, and the simulator's figures stay the
command line's for the same changes under the plan's own limits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.engine.simulator import ChoiceError, levers, limits, overrides, simulate
from muniplan.plan.errors import PlanError, PlanErrors
from muniplan.plan.load import load_plan, resolve
from muniplan.plan.simulator_limits import DEFAULTS, LIMITS


def _folder(tmp_path: Path, block: str) -> Path:
    """The Bærum example with ``block`` appended to plan.yaml (its lines known)."""
    folder = tmp_path / "plan"
    shutil.copytree(resolve(None), folder)
    with (folder / "plan.yaml").open("a", encoding="utf-8") as f:
        f.write("\nsimulator:\n" + block)
    return folder


def _line(folder: Path, text: str) -> int:
    lines = (folder / "plan.yaml").read_text(encoding="utf-8").splitlines()
    start = lines.index("simulator:")
    return next(i for i, line in enumerate(lines, 1)
                if i > start and line.strip().startswith(text))


def test_without_a_block_the_defaults_apply() -> None:
    plan = load_plan(None)
    assert plan.simulator is None
    assert limits(plan) == DEFAULTS == {"sector_frame": 10, "area_frame": 10, "fees": 10,
                                        "long_term_investments": 30, "delay": 3}
    by_id = {lv.id: lv for lv in levers(plan)}
    assert (by_id["ramme-barn-og-unge"].low, by_id["ramme-barn-og-unge"].high) == (-10, 10)
    assert (by_id["utsettelse"].low, by_id["utsettelse"].high) == (0, 3)
    assert all(s.reason and s.meaning for s in LIMITS)


def test_the_plan_sets_the_limits_and_0_takes_a_lever_away(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "  sector_frame: 20\n  area_frame: 0\n  fees: 5\n"
                     "  delay: 0\n  source: test\n")
    plan = load_plan(folder)
    by_id = {lv.id: lv for lv in levers(plan)}
    assert (by_id["ramme-barn-og-unge"].low, by_id["ramme-barn-og-unge"].high) == (-20, 20)
    assert (by_id["gebyrer"].low, by_id["gebyrer"].high) == (-5, 5)
    assert by_id["langsiktige-investeringer"].high == DEFAULTS["long_term_investments"]
    assert "utsettelse" not in by_id
    assert not [i for i in by_id if i.startswith("omrade-")]
    with pytest.raises(ChoiceError) as exc:
        overrides(plan, {"gebyrer": 6.0})
    assert exc.value.problem == "range"
    with pytest.raises(ChoiceError) as exc:
        overrides(plan, {"utsettelse": 1.0})
    assert exc.value.problem == "unknown"


def test_a_wider_limit_still_equals_the_command_line(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    folder = _folder(tmp_path, "  sector_frame: 20\n  assumption: a test of a wide limit\n")
    plan = load_plan(folder)
    choices = {"ramme-bistand-og-omsorg": -17.5}
    result = simulate(plan, choices)
    argv = ["project", str(folder), "--format", "json"]
    for text in overrides(plan, choices):
        argv += ["--set", text]
    with pytest.raises(SystemExit) as done:
        main(argv)
    out = capsys.readouterr()
    assert done.value.code == 0, out.err
    data = json.loads(out.out)
    for year, need in result.savings_need.items():
        assert round(need) == data["savings_need"][str(year)], year
    with pytest.raises(ChoiceError):  # outside the default limit of 10 %
        overrides(load_plan(None), choices)


BAD = [
    ("  sector_frame: 0.1\n  assumption: t\n", "sector_frame", "looks like a fraction"),
    ("  sector_frame: 60\n  assumption: t\n", "sector_frame", "expected 0 (no lever) to 50"),
    ("  area_frame: 2.25\n  assumption: t\n", "area_frame", "multiple of the lever's step"),
    ("  delay: 1.5\n  assumption: t\n", "delay", "multiple of the lever's step 1"),
    ("  delay: -1\n  assumption: t\n", "delay", "expected 0 (no lever) to 10"),
    ("  fees: true\n  assumption: t\n", "fees", "expected a number of percent"),
    ("  fees: \"10\"\n  assumption: t\n", "fees", "expected a number of percent"),
    ("  long_term_investments: .nan\n  assumption: t\n", "long_term_investments",
     "expected a number"),
    ("  sector_frame: 5\n", "source", "'source' or an 'assumption'"),
    ("  sektor: 5\n  assumption: t\n", "sektor", "unknown field"),
]


@pytest.mark.parametrize(("block", "field", "says"), BAD, ids=[b[1] + str(i)
                                                              for i, b in enumerate(BAD)])
def test_a_bad_limit_is_a_located_error(tmp_path: Path, block: str, field: str,
                                        says: str) -> None:
    folder = _folder(tmp_path, block)
    with pytest.raises((PlanError, PlanErrors)) as exc:
        load_plan(folder)
    errors = exc.value.problems if isinstance(exc.value, PlanErrors) else (exc.value,)
    err = errors[0]
    assert err.file is not None and err.file.endswith("plan.yaml")
    assert err.field == f"simulator.{field}"
    assert says in str(err)
    if field != "source":
        assert err.line == _line(folder, block.split(":")[0].strip())


def test_validate_exits_2_without_a_traceback(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    folder = _folder(tmp_path, "  sector_frame: 0.1\n  assumption: t\n")
    with pytest.raises(SystemExit) as done:
        main(["validate", str(folder)])
    out = capsys.readouterr()
    assert done.value.code == 2
    assert "simulator.sector_frame" in out.err and "write 10 for 10 %" in out.err
    assert "Traceback" not in out.err + out.out


def test_limits_are_in_the_reference_page() -> None:
    page = (Path(__file__).resolve().parents[1] / "docs" / "plan-format.md").read_text(
        encoding="utf-8")
    for spec in LIMITS:
        assert f"| `{spec.key}` |" in page and spec.reason in page


def test_the_limits_survive_the_workbook(tmp_path: Path) -> None:
    from muniplan.plan.excel_read import read_workbook
    from muniplan.plan.excel_write import write_workbook
    from muniplan.plan.load import load_files, read_folder

    folder = _folder(tmp_path, "  sector_frame: 5\n  delay: 0\n  assumption: t\n")
    files = read_folder(folder)
    plan = load_files(files)
    back = load_files(read_workbook(write_workbook(files, list(plan.years), [])))
    assert back.simulator == plan.simulator
    assert limits(back)["sector_frame"] == 5 and limits(back)["delay"] == 0


def test_the_page_shows_the_plan_s_limits(tmp_path: Path) -> None:
    """A plan with its own limits: the fields' ranges are the plan's, a choice beyond them
    is refused with the plan's range, and the page says the kommune set them."""
    from fastapi.testclient import TestClient
    from web_helpers import make_settings

    from muniplan.plan.load import read_folder
    from muniplan.store import Store
    from muniplan.web.app import create_app

    folder = _folder(tmp_path, "  sector_frame: 4\n  delay: 0\n  assumption: t\n")
    store = Store.from_settings(make_settings(tmp_path))
    store.upgrade()
    store.import_files(read_folder(folder), status="adopted")
    sim = "/plan/baerum-2018-2021/budsjettsimulator"
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        page = client.get(sim)
        assert page.status_code == 200
        assert 'name="ramme-barn-og-unge" value="0" min="-4" max="4"' in page.text
        assert 'name="utsettelse"' not in page.text
        assert "har kommunen satt i planen" in page.text
        bad = client.get(sim, params={"ramme-barn-og-unge": "5"})
        assert bad.status_code == 422
        assert "velg et tall fra -4 til 4 (fikk «5»)" in bad.text
