"""National runs on a real ``distributed`` cluster: two worker processes on 127.0.0.1."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.demography.national import History, run_kommune
from muniplan.national.runner import dask_client, run_backtests, run_national
from muniplan.plan.kommuner import load_national

# this branch's ports are 8400-8499: 20 per cluster, one cluster per xdist worker
PORT = 8450 + 20 * int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
NUMBERS = ["1151", "0301", "3201", "1160", "4601", "1818", "5001"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with dask_client(workers=2, port=PORT) as c:
        yield c


def test_two_workers_on_loopback_with_one_thread_each(client: Any) -> None:
    workers = client.scheduler_info(n_workers=-1)["workers"]
    assert len(workers) == 2
    assert all(addr.startswith("tcp://127.0.0.1:") for addr in workers)
    assert all(w["nthreads"] == 1 for w in workers.values())
    env = client.run(lambda: __import__("os").environ.get("OMP_NUM_THREADS"))
    assert set(env.values()) == {"1"}


def test_cluster_results_equal_a_kommune_run_alone(client: Any) -> None:
    d = load_national()
    indices = [d.index(n) for n in NUMBERS]
    runs = run_national(client, d, 2018, 2024, draws=64, root_seed=11, indices=indices)
    assert [r.number for r in runs] == sorted(NUMBERS, key=d.index)
    for r in runs:
        h = d.history(d.index(r.number))
        alone = run_kommune(r.number, History(h.pop_years, h.population, h.mortality_years,
                                              h.mx, h.fertility_years, h.asfr),
                            2018, 2024, draws=64, root_seed=11)
        assert np.array_equal(r.central, alone.central)
        assert np.array_equal(r.quantiles, alone.quantiles)


def test_backtests_run_through_the_cluster(client: Any) -> None:
    d = load_national()
    records = run_backtests(client, d, (2008, 2013), 8, indices=[d.index(n) for n in NUMBERS])
    assert len(records) == 2 * len(NUMBERS)
    assert {r.actual.shape[0] for r in records} == {8, 5}


def test_cli_national_json_through_a_scheduler(client: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["national", "--from", "2018", "--to", "2026", "--draws", "200", "--seed", "3",
              "-k", "1151", "-k", "0301", "--scheduler", client.scheduler.address,
              "--format", "json"])
    out = capsys.readouterr()
    assert exc.value.code == 0, out.err
    data = json.loads(out.out)
    assert [k["number"] for k in data["kommuner"]] == ["0301", "1151"]
    oslo = data["kommuner"][0]
    assert oslo["values"]["total"][0] == 673_469
    q = oslo["quantiles"]
    mid = oslo["values"]["total"][-1]
    assert q["0.05"]["total"][-1] < mid < q["0.95"]["total"][-1]
    assert len(oslo["values"]["80+"]) == 9


def test_cli_national_csv_one_row_per_kommune_and_year(client: Any,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["national", "--from", "2016", "--to", "2018", "-k", "1151",
              "--scheduler", client.scheduler.address, "--format", "csv"])
    out = capsys.readouterr()
    assert exc.value.code == 0, out.err
    lines = out.out.splitlines()
    assert lines[0] == "municipality,name,year,0-5,6-15,16-66,67-79,80+,total"
    assert [line.split(",")[2] for line in lines[1:]] == ["2016", "2017", "2018"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--from", "2030"], "--from: expected a base year 2006–2018"),
    (["--to", "2010"], "--to: expected a year after 2018"),
    (["--draws", "-1"], "--draws: expected 0 to 10000"),
    (["-k", "9999"], "unknown kommune number"),
    (["-k", "1160", "--from", "2006"], "no population history before the base year"),
])
def test_bad_input_exits_2_with_a_message(argv: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "en", "national", *argv, "--scheduler", "tcp://127.0.0.1:1"])
    out = capsys.readouterr()
    assert exc.value.code == 2
    assert message in out.err and "Traceback" not in out.err and out.out == ""
