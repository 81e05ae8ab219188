"""Charts drawn again for narrow screens, on the server, so a phone without JavaScript gets
chart text as large as a wide screen's.

A chart drawn 640–940 px wide and shrunk into a 290 px phone column has text of 4–6 px. So
each chart's SVG also exists at the widths below, laid out for that width — the legend goes
under the plot, the plot narrows, the text keeps its 12 px — and the page offers them with
``<picture><source media=…>``: the browser takes the drawing made for its width and shows it
at its own size. ``static/charts.js`` does the same for the interactive chart; the data and
the text alternative are the same chart's in every width.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from muniplan.web.charts import Chart

# The chart module (the engine, numpy) is imported when a chart is drawn: the templates name
# the widths, and are built with the app, before any chart is.


@dataclass(frozen=True)
class Width:
    """A drawing's name in the address (``bredde=``), its whole width in px, and the widest
    screen (in rem) it is for; wider screens take the next."""

    name: str
    px: int
    below_rem: float
    legend_columns: int
    legend_label_px: int


WIDTHS = (Width("smal", 280, 40.0, 1, 112), Width("middels", 600, 62.0, 2, 200))
"""280 px fits the 320 px phone's 286 px column (1 rem margins, 1 px border) without
shrinking; 600 px fits every column from 40 rem (608 px) to 62 rem, past which the wide
drawing (at most 940 px) is shown at 97 % or more of its size, 11 px text or larger. The
legend, under the plot, starts where the plot does (up to about 140 px in, after project
names), so its columns × (label + symbol) must fit in what is left."""

BY_NAME = {w.name: w for w in WIDTHS}


def narrowed(chart: Chart, width: Width) -> Chart:
    """``chart`` laid out to be ``width.px`` wide in all (axes, labels and padding in)."""
    return replace(chart, spec=narrow_spec(chart.spec, width))


def narrow_spec(spec: dict[str, Any], width: Width) -> dict[str, Any]:
    """A copy of the Vega-Lite ``spec`` fitted to ``width``: the legend under the plot in
    ``legend_columns`` columns, long labels cut at under half the width (with "…";
    the full names are in the chart's table and tooltips)."""
    out = copy.deepcopy(spec)
    if not isinstance(out.get("width"), (int, float)):
        return out
    px = width.px
    out["width"] = px
    out["autosize"] = {"type": "fit-x", "contains": "padding"}
    for view in _views(out):
        encoding = view.get("encoding", {})
        if isinstance(encoding.get("color"), dict) and encoding["color"].get("legend") is not None:
            encoding["color"]["legend"] = {**encoding["color"]["legend"], "orient": "bottom",
                                           "columns": width.legend_columns}
        for channel in ("x", "y"):
            axis = encoding.get(channel, {}).get("axis") if isinstance(
                encoding.get(channel), dict) else None
            if isinstance(axis, dict) and "labelLimit" in axis:
                axis["labelLimit"] = min(axis["labelLimit"], int(px * 0.45))
    config = out.setdefault("config", {})
    config["legend"] = {**config.get("legend", {}), "orient": "bottom",
                        "columns": width.legend_columns,
                        "labelLimit": width.legend_label_px}
    return out


def _views(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The spec and its layers (where encodings live)."""
    return [spec, *(v for v in spec.get("layer", []) if isinstance(v, dict))]


def drawings(chart: Chart, lang: str, cache: Any, key: tuple[Any, ...]) -> list[tuple[str, str]]:
    """(width name, SVG) of ``chart`` in every width, narrow first, ``bred`` last, for a page
    that puts its chart inline; ``cache`` (a :class:`~muniplan.web.source.BoundedCache`) keeps
    each under ``key`` + width, since drawing one takes a large fraction of a second. The
    site's CSS shows the one for the screen (``.chart-w-<name>``, the same breakpoints)."""
    from muniplan.web.charts import to_svg

    out = [(w.name, cache.get((*key, lang, w.name),
                              lambda w=w: to_svg(narrowed(chart, w), lang))) for w in WIDTHS]
    return [*out, ("bred", cache.get((*key, lang, "bred"), lambda: to_svg(chart, lang)))]
