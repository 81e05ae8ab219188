"""What ``muniplan national`` and ``national-backtest`` print (tables, CSV, JSON, markdown)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from rich.table import Table

from muniplan.cli import i18n
from muniplan.cli.common import console, err_console
from muniplan.cli.i18n import _
from muniplan.demography.calibration import Calibration
from muniplan.demography.evaluation import (
    calibrate,
    coverage_by_horizon,
    coverage_table,
    held_out_hits,
    mape_table,
    share_within,
)
from muniplan.demography.national import LABELS, QUANTILES
from muniplan.national.runner import dask_client, run_backtests, run_national
from muniplan.plan.errors import PlanError
from muniplan.plan.kommuner import load_calibration, load_national, write_calibration
from muniplan.report.formatting import number

BACKTEST_BASE_YEARS = (2008, 2010, 2012, 2013)
HORIZONS = 8


def packaged_calibration() -> Calibration:
    return Calibration(*load_calibration())


def national_data(base_year: int, to_year: int, draws: int, seed: int,
                  numbers: list[str] | None, scheduler: str | None, workers: int | None,
                  port: int) -> dict[str, Any]:
    """One entry per kommune: number, name, county, and per label a list over the years."""
    data = load_national()
    indices = list(range(len(data.kommuner))) if numbers is None \
        else [data.index(n) for n in numbers]
    late = [i for i in indices if data.first_year[i] >= base_year]
    if late and numbers is not None:
        raise PlanError("no population history before the base year", field="--from",
                        expected="a base year after the kommune's first year "
                        f"{data.first_year[late[0]]}", found=str(base_year))
    if late:
        names = ", ".join(f"{data.kommuner[i].number} {data.kommuner[i].name}" for i in late)
        err_console.print(_("[yellow]merk:[/] {0}: ingen befolkning før {1}, utelatt")
                          .format(names, base_year))
        indices = [i for i in indices if i not in late]
    calibration = packaged_calibration() if draws else None
    with dask_client(scheduler, workers, port) as client:
        runs = run_national(client, data, base_year, to_year, draws=draws, root_seed=seed,
                            calibration=calibration, indices=indices)
    by_number = {k.number: k for k in data.kommuner}
    rows = []
    for r in runs:
        k = by_number[r.number]
        entry: dict[str, Any] = {
            "number": k.number, "name": k.name, "county": k.county,
            "values": {label: _round(r.central[:, g]) for g, label in enumerate(LABELS)},
        }
        if r.quantiles is not None:
            entry["quantiles"] = {
                f"{q:g}": {label: _round(r.quantiles[i, :, g]) for g, label in enumerate(LABELS)}
                for i, q in enumerate(QUANTILES)}
        rows.append(entry)
    return {"base_year": base_year, "to_year": to_year,
            "years": list(range(base_year, to_year + 1)), "draws": draws,
            "seed": seed if draws else None,
            "intervals": "calibrated on national backtests" if draws else None,
            "unit": "persons on 1 January", "sources": data.sources.get("attribution", ""),
            "kommuner": rows}


def _round(values: Any) -> list[float]:
    return [round(float(v), 1) for v in values]


def print_csv(data: dict[str, Any]) -> None:
    """One row per kommune and year."""
    w = csv.writer(sys.stdout, lineterminator="\n")
    quantiles = [f"{q:g}" for q in QUANTILES] if data["draws"] else []
    w.writerow(["municipality", "name", "year", *LABELS,
                *[f"{label}_q{q}" for label in LABELS for q in quantiles]])
    for k in data["kommuner"]:
        for j, year in enumerate(data["years"]):
            w.writerow([k["number"], k["name"], year,
                        *[k["values"][label][j] for label in LABELS],
                        *[k["quantiles"][q][label][j] for label in LABELS for q in quantiles]])


def print_table(data: dict[str, Any]) -> None:
    """The first and last year per kommune, 80+ growth and (with draws) the 90 % interval."""
    first, last = data["base_year"], data["to_year"]
    lang = i18n.current()
    t = Table(title=_("Befolkning 1. januar {0} og {1}, alle kommuner").format(first, last)
              + (_(" (90 % intervall)") if data["draws"] else ""))
    for name, justify in (("Nr.", "left"), ("Kommune", "left"), (str(first), "right"),
                          (str(last), "right"), ("80+ endring", "right")):
        t.add_column(_(name), justify=justify)  # type: ignore[arg-type]
    if data["draws"]:
        t.add_column(_("90 % intervall"), justify="right")
    for k in data["kommuner"]:
        total, old = k["values"]["total"], k["values"]["80+"]
        growth = f"{(old[-1] / old[0] - 1) * 100:+.0f} %" if old[0] else "–"
        cells = [k["number"], k["name"], number(total[0], 0, lang), number(total[-1], 0, lang),
                 growth]
        if data["draws"]:
            q = k["quantiles"]
            cells.append(f"{number(q['0.05']['total'][-1], 0, lang)}–"
                         f"{number(q['0.95']['total'][-1], 0, lang)}")
        t.add_row(*cells)
    console.print(t)
    console.print(f"[dim]{data['sources']}[/]")


def backtest_report(scheduler: str | None, workers: int | None, port: int,
                    calibration_out: Path | None) -> str:
    """The markdown of ``docs/population.md``'s national section."""
    data = load_national()
    with dask_client(scheduler, workers, port) as client:
        records = run_backtests(client, data, BACKTEST_BASE_YEARS, HORIZONS)
    if calibration_out is not None:
        cal = calibrate(records, HORIZONS)
        write_calibration((cal.probs, cal.log_q, cal.counts), LABELS, calibration_out)
    hits = held_out_hits(records, HORIZONS)
    parts = [f"Backtests: {len(records)} projections (kommuner × base years "
             f"{', '.join(map(str, BACKTEST_BASE_YEARS))}), horizons 1–{HORIZONS} "
             "(to 2018 at most). MAPE in percent."]
    for label in LABELS:
        parts.append(f"**{'Total' if label == 'total' else 'Age ' + label}**\n\n"
                     + mape_table(records, label, HORIZONS))
    parts.append("Share of kommuner whose total is within 5 % after five years: method "
                 f"{share_within(records, 'method') * 100:.1f} %, naive "
                 f"{share_within(records, 'naive') * 100:.1f} % (SSB's projections: 8 of 10 "
                 "kommuner, Økonomiske analyser 4/2014).")
    parts.append("**Coverage of calibrated 90 % intervals on held-out data**\n\n"
                 + coverage_table(hits))
    parts.append("**Coverage by horizon, base year held out**\n\n"
                 + coverage_by_horizon(hits["base years"], HORIZONS))
    return "\n\n".join(parts)
