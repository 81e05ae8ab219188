"""``muniplan project --format xlsx``: the projection as an Excel file for finance staff —
the workbook's Framskrivning sheet (Norwegian headers, the plan's unit, number formats that
show ``2 292 660`` and ``3,0 %`` in a Norwegian Excel), from the same engine series as the
JSON, never recomputed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from muniplan.cli import main
from muniplan.plan.excel_layout import MONEY_FORMAT, PERCENT_FORMAT


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, " ".join(out.err.split())


def test_the_projection_as_an_excel_file(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "framskrivning.xlsx"
    code, out, err = run(["project", "--to", "2030", "--format", "xlsx", "--out", str(file)],
                         capsys)
    assert (code, err) == (0, "") and f"skrev {file}" in out
    code, out, _err = run(["project", "--to", "2030", "--format", "json"], capsys)
    series = json.loads(out)["series"]

    ws = load_workbook(file)["Framskrivning"]
    head = [c.value for c in ws[1]]
    assert head == ["serie", "navn", "enhet", "prisgrunnlag", *map(str, range(2018, 2031))]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2) if r[0].value in series}
    assert len(rows) == len(series)  # every engine series, each once
    income = rows["operating_income"]
    assert (income[1].value, income[2].value, income[3].value) == (
        "Sum driftsinntekter", "1000 kr", "løpende kr")
    for name in ("operating_income", "debt", "savings_need"):
        cells = rows[name][4:]
        assert all(c.number_format == MONEY_FORMAT for c in cells)
        assert [c.value for c in cells] == pytest.approx(
            [None if v is None else v / 1000 for v in series[name]])
    ratio = rows["net_operating_result_ratio"]
    assert ratio[2].value == "andel"
    assert all(c.number_format == PERCENT_FORMAT for c in ratio[4:])
    assert [c.value for c in ratio[4:]] == pytest.approx(series["net_operating_result_ratio"])


@pytest.mark.parametrize(("argv", "message"), [
    (["--format", "xlsx"], "feil: --format xlsx: forventet --out FIL.xlsx"),
    (["--out", "{tmp}/f.xlsx"], "feil: --out: bare sammen med --format xlsx"),
    (["--format", "xlsx", "--out", "{tmp}/f.xls"],
     "feil: --out: forventet en fil som slutter på .xlsx, fant '{tmp}/f.xls'"),
    (["{tmp}/no-plan", "--format", "xlsx", "--out", "{tmp}/f.xlsx"], "feil: {tmp}/no-plan: "),
])
def test_bad_excel_requests_write_nothing(argv: list[str], message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["project", *(a.format(tmp=tmp_path) for a in argv)], capsys)
    assert code == 2 and out == "" and err.startswith(message.format(tmp=tmp_path)), err
    assert list(tmp_path.iterdir()) == []
