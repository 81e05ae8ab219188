"""Overrides aimed at one sector, program area or investment project.

A party group's alternative budget is written in these terms — "cut Barn og unge's frame by
2 % in 2027–2029", "build Nadderud stadion a year later", "drop Rud svømmehall" — so they
act on the rows of :class:`~muniplan.engine.inputs.FinanceInputs`, and everything the engine
derives from those rows follows: a moved project's VAT compensation, grants, loans, interest,
instalments and operating consequences move with it, because they are computed from its cost
row and completion year.
"""

from __future__ import annotations

import numpy as np

from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override
from muniplan.plan.parameters import AREA_PARAMETER, INVESTMENT_PARAMETER, SECTOR_PARAMETER

MAX_SHIFT = 20


def _apply(arr: np.ndarray, op: str, mask: np.ndarray, vals: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=float, copy=True)
    if op == "set":
        out[..., mask] = vals
    elif op == "add":
        out[..., mask] = out[..., mask] + vals
    else:
        out[..., mask] = out[..., mask] * vals
    return out


def _no_negative_frame(frames: np.ndarray, inp: FinanceInputs, ov: Override,
                       origin: str) -> None:
    bad = np.argwhere(frames < -0.5)
    if len(bad):
        year = int(inp.years[bad[0][-1]])
        raise ScenarioError(
            f"the change leaves a negative operating frame in {year}", file=origin,
            field=ov.parameter, expected="a frame of 0 kroner or more",
            found=f"{frames[tuple(bad[0])]:,.0f} kr",
        )


def scale_frames(inp: FinanceInputs, sectors: list[int], ov: Override, mask: np.ndarray,
                 vals: np.ndarray, origin: str) -> FinanceInputs:
    """Change the frames of ``sectors``; their program areas keep their shares."""
    frames = inp.sector_frames_fixed.copy()
    old = frames[sectors]
    new = _apply(old, ov.op, mask, vals)
    _no_negative_frame(new, inp, ov, origin)
    frames[sectors] = new
    areas = inp.area_frames_fixed.copy()
    if areas.size:
        with np.errstate(invalid="ignore", divide="ignore"):
            factor = np.where(old > 0, new / np.where(old > 0, old, 1.0), 1.0)
        for row, s in enumerate(sectors):
            areas[inp.area_sector == s] *= factor[row]
    return inp.with_changes(sector_frames_fixed=frames, area_frames_fixed=areas)


def sector_frame(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
                 origin: str) -> FinanceInputs:
    """``sectors.<id>.frame`` or ``sectors.all.frame``."""
    m = SECTOR_PARAMETER.match(ov.parameter)
    assert m is not None
    sid = m.group(1)
    rows = (list(range(len(inp.sector_ids))) if sid == "all"
            else [inp.sector_ids.index(sid)])
    return scale_frames(inp, rows, ov, mask, vals, origin)


def area_frame(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
               origin: str) -> FinanceInputs:
    """``program_areas.<id>.frame``: the area's change is its sector's change."""
    m = AREA_PARAMETER.match(ov.parameter)
    assert m is not None
    a = inp.area_ids.index(m.group(1))
    areas = inp.area_frames_fixed.copy()
    new = _apply(areas[a], ov.op, mask, vals)
    _no_negative_frame(new, inp, ov, origin)
    frames = inp.sector_frames_fixed.copy()
    frames[inp.area_sector[a]] += new - areas[a]
    areas[a] = new
    return inp.with_changes(sector_frames_fixed=frames, area_frames_fixed=areas)


def _shift_row(row: np.ndarray, shift: int) -> np.ndarray:
    """Cost moved past the horizon drops out of the projection (as for the plan's delay)."""
    out = np.zeros_like(row)
    y = row.shape[-1]
    if shift >= 0:
        out[..., shift:] = row[..., :y - shift]
    else:
        out[..., :y + shift] = row[..., -shift:]
    return out


def _consequences(inp: FinanceInputs, rows: np.ndarray, new_completion: np.ndarray,
                  keep: np.ndarray) -> np.ndarray:
    """The total operating consequences after ``rows`` got ``new_completion`` (and are
    dropped where ``keep`` is false)."""
    idx = np.arange(len(inp.years))
    total = inp.operating_consequences_fixed.copy()
    if inp.investment_opcons_fixed.size == 0:
        return total
    for p, c, k in zip(rows, new_completion, keep, strict=True):
        oc = inp.investment_opcons_fixed[p]
        total = total - oc * (idx > inp.completion_index[p]) + k * oc * (idx > c)
    return total


def delay_rows(inp: FinanceInputs, rows: np.ndarray, shift: int) -> FinanceInputs:
    """Move the projects ``rows`` ``shift`` years (later when positive)."""
    costs = inp.investment_cost_fixed.copy()
    costs[rows] = _shift_row(costs[rows], shift)
    completion = inp.completion_index.copy()
    new_completion = completion[rows] + shift
    opcons = _consequences(inp, rows, new_completion, np.ones(len(rows)))
    completion[rows] = new_completion
    return inp.with_changes(investment_cost_fixed=costs, completion_index=completion,
                            operating_consequences_fixed=opcons)


def whole_years(ov: Override, vals: np.ndarray, origin: str) -> int:
    shift = round(float(vals[0])) if len(vals) else 0
    if ov.op != "set" or abs(shift) > MAX_SHIFT or (len(vals) and shift != vals[0]):
        raise ScenarioError(f"{ov.parameter} takes '=' and a whole number of years",
                            file=origin, field=ov.parameter,
                            expected=f"-{MAX_SHIFT}..{MAX_SHIFT} with op set",
                            found=f"{ov.op} {vals[0] if len(vals) else ''}")
    return shift


def investment(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
               origin: str) -> FinanceInputs:
    """``investments.<id>.delay`` (years), ``.cost`` (kroner per year, or a factor with
    ``*=``) and ``.remove`` (=1: the project, its financing and its operating consequences
    leave the plan)."""
    m = INVESTMENT_PARAMETER.match(ov.parameter)
    assert m is not None
    p = inp.investment_ids.index(m.group(1))
    rows = np.array([p])
    if m.group(2) == "delay":
        return delay_rows(inp, rows, whole_years(ov, vals, origin))
    if m.group(2) == "remove":
        if ov.op != "set" or not np.all(vals == 1):
            raise ScenarioError(f"{ov.parameter} takes '=1'", file=origin,
                                field=ov.parameter, expected="=1",
                                found=f"{ov.op} {vals[0] if len(vals) else ''}")
        costs = inp.investment_cost_fixed.copy()
        costs[p] = 0.0
        opcons = _consequences(inp, rows, inp.completion_index[rows], np.zeros(1))
        return inp.with_changes(investment_cost_fixed=costs, operating_consequences_fixed=opcons)
    costs = inp.investment_cost_fixed.copy()
    costs[p] = _apply(costs[p], ov.op, mask, vals)
    if np.any(costs[p] < -0.5):
        raise ScenarioError("the change leaves a negative investment cost", file=origin,
                            field=ov.parameter, expected="a cost of 0 kroner or more",
                            found=f"{costs[p].min():,.0f} kr")
    return inp.with_changes(investment_cost_fixed=costs)
