"""A scenario seen over a shorter projection than the one it was written for.

A plan's scenarios are written for its full horizon (a shortfall "2018–2037"); a reader who
asks for the projection to 2030 still wants each scenario, over the years shown. An override
past the end is cut at the last year, and a linear ramp keeps its slope: the value in each
remaining year is the value the full ramp has there, so the years shown are unchanged.
"""

from __future__ import annotations

from muniplan.plan.model import Override, Scenario


def _cut(ov: Override, last_year: int) -> Override | None:
    if ov.first is not None and ov.first > last_year:
        return None
    if ov.last is None or ov.last <= last_year:
        return ov
    if ov.ramp is None:
        return ov.model_copy(update={"last": last_year})
    first = ov.first
    if first is None:  # a ramp from the projection's first year: its slope is not fixed
        return ov.model_copy(update={"last": last_year})
    lo, hi = ov.ramp
    end = lo + (hi - lo) * (last_year - first) / (ov.last - first)
    return ov.model_copy(update={"last": last_year, "ramp": (lo, end)})


def within(scenario: Scenario, last_year: int) -> Scenario:
    """``scenario`` with every override ending by ``last_year`` (later ones dropped)."""
    kept = tuple(c for c in (_cut(ov, last_year) for ov in scenario.overrides)
                 if c is not None)
    if kept == scenario.overrides:
        return scenario
    return scenario.model_copy(update={"overrides": kept})
