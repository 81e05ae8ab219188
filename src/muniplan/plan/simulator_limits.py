"""How far the citizens' budget simulator lets each lever move: described once.

A plan may set the limits in plan.yaml (``simulator:``); a limit it does not set takes the
default here, which is an assumption with its reason (shown in ``docs/plan-format.md``,
generated from :data:`LIMITS`). The model (``plan.model.SimulatorLimits``) checks a plan's
values against these descriptions, and the engine (``engine/simulator.py``) reads the limits
from the plan — so the loader, the reference page and the simulator cannot disagree.
Nothing here reads a file or imports the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import isfinite


@dataclass(frozen=True)
class LimitSpec:
    """One limit: its key under ``simulator:``, unit, default, the lever's step and the
    largest value the engine is offered (beyond it a result is no longer this plan)."""

    key: str
    unit: str  # "percent" or "years"
    default: float
    step: float
    maximum: float
    meaning: str
    reason: str

    def problem(self, value: object) -> str | None:
        """What is wrong with ``value`` as this limit (in the reference page's words), or
        None. 0 turns the lever off; a value below 1 percent is refused as a likely
        fraction (0.1 for 10 %) rather than guessed."""
        unit = " %" if self.unit == "percent" else " years"
        if isinstance(value, bool) or not isinstance(value, int | float) or not isfinite(value):
            return f"expected a number of {self.unit} from 0 to {self.maximum:g}"
        if not 0 <= value <= self.maximum:
            return (f"expected 0 (no lever) to {self.maximum:g}{unit} either way, "
                    f"found {value:g}")
        if self.unit == "percent" and 0 < value < 1:
            return (f"{value:g} looks like a fraction; limits are in percent "
                    f"(write {value * 100:g} for {value * 100:g} %)")
        steps = value / self.step
        if abs(steps - round(steps)) > 1e-9:
            return f"expected a multiple of the lever's step {self.step:g}, found {value:g}"
        return None


LIMITS = (
    LimitSpec(
        "sector_frame", "percent", 10.0, 0.5, 50.0,
        "how far each sector's operating frame may move, in percent either way",
        "a tenth of a frame is about the largest change a kommune makes in one budget "
        "(Bærum's own reallocations are smaller); it keeps a citizen's budget recognisable "
        "as this plan"),
    LimitSpec(
        "area_frame", "percent", 10.0, 0.5, 50.0,
        "how far each programområde's frame may move, in percent either way, on top of its "
        "sector's change",
        "as for a sector — a tenth of a frame in one budget — so moving money between the "
        "areas of one sector stays within what a kommune does in one year"),
    LimitSpec(
        "fees", "percent", 10.0, 1.0, 100.0,
        "how far fees and user charges outside selvkost may move, in percent either way",
        "many fees are capped by law — the national maximum price for barnehage, selvkost "
        "for water, sewage and waste — so a kommune's room is small; a tenth either way is "
        "generous"),
    LimitSpec(
        "long_term_investments", "percent", 30.0, 5.0, 100.0,
        "how far the yearly investment level after the plan period may move, in percent "
        "either way",
        "the LDIP's stress test 3 moves the second decade's level by about half "
        "(1.5 → 2.3 bn); 30 % keeps the choice within that tested range"),
    LimitSpec(
        "delay", "years", 3.0, 1.0, 10.0,
        "how many years the plan period's investment projects may be postponed",
        "a project postponed more than one plan period (four years) is in practice a "
        "different project"),
)
"""The simulator's limits, in the order of plan.yaml's ``simulator:`` block."""

DEFAULTS = {spec.key: spec.default for spec in LIMITS}


def spec(key: str) -> LimitSpec:
    return next(s for s in LIMITS if s.key == key)


def markdown() -> list[str]:
    """The ``simulator:`` section of ``docs/plan-format.md``."""
    out = ["## plan.yaml: `simulator`", "",
           "Optional: how far the citizens' budget simulator (`/plan/ID/budsjettsimulator`) "
           "lets each lever move. Each limit is the largest change either way from the "
           "proposal; `0` takes the lever away. A limit the block leaves out takes the "
           "default, an assumption with the reason below. The block needs a `source` or an "
           "`assumption` (why the kommune chose these limits), like every figure. Percent "
           "limits are percent (`10`, never `0.1`).", "",
           "| key | unit | default | step | at most | meaning | why the default |",
           "|---|---|---|---|---|---|---|"]
    out += [f"| `{s.key}` | {s.unit} | {s.default:g} | {s.step:g} | {s.maximum:g} | "
            f"{s.meaning} | {s.reason} |" for s in LIMITS]
    out += ["", "```yaml", "simulator:", "  sector_frame: 5", "  delay: 2",
            "  assumption: \"Formannskapet ønsket mindre spenn enn standardvalget\"", "```"]
    return out
