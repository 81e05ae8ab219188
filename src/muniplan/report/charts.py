"""Charts for the document: Vega-Lite specs rendered to inline SVG by vl-convert.

The specs are plain dicts (the same grammar the web pages draw with vega-embed), rendered
offline by vl-convert's embedded Vega, so the HTML and the PDF carry their charts inline and
fetch nothing from another host. Numbers use the Norwegian format (space for thousands,
comma for decimals) and the document's typeface, DejaVu Sans.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import vl_convert as vlc

FONT = "DejaVu Sans"
NB_LOCALE = {"decimal": ",", "thousands": "\u00a0", "grouping": [3], "currency": ["", " kr"],
             "minus": "\u2212"}
EN_LOCALE = {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["NOK ", ""],
             "minus": "\u2212"}
PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#a5a5a5",
           "#bf9000"]

CONFIG: dict[str, Any] = {
    "font": FONT,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 10, "titleFontSize": 10, "gridColor": "#e3e3e3",
             "domainColor": "#888", "tickColor": "#888"},
    "legend": {"labelFontSize": 10, "titleFontSize": 10, "orient": "bottom",
               "direction": "horizontal", "columns": 3, "labelLimit": 260},
    "range": {"category": PALETTE},
}


def render(spec: Mapping[str, Any], lang: str = "nb") -> str:
    """The SVG of a Vega-Lite spec, ready to sit inline in HTML (no XML prolog)."""
    full = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "config": CONFIG, **spec}
    svg: str = vlc.vegalite_to_svg(full, format_locale=NB_LOCALE if lang == "nb" else EN_LOCALE)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    # scale with the page: keep the viewBox, let CSS set the width
    return re.sub(r'<svg([^>]*?) width="([\d.]+)" height="([\d.]+)"',
                  r'<svg\1 width="100%" data-width="\2" data-height="\3"', svg, count=1)


def line_chart(rows: Sequence[Mapping[str, Any]], *, x: str, y: str, series: str | None,
               y_title: str, x_title: str, y_format: str = ",.0f",
               rule: float | None = None, rule_label: str | None = None,
               width: int = 560, height: int = 200) -> dict[str, Any]:
    """Lines by year, optionally with a horizontal limit (a handlingsregel)."""
    enc: dict[str, Any] = {
        "x": {"field": x, "type": "ordinal", "title": x_title,
              "axis": {"labelAngle": 0, "labelOverlap": "parity"}},
        "y": {"field": y, "type": "quantitative", "title": y_title,
              "axis": {"format": y_format}},
    }
    if series:
        enc["color"] = {"field": series, "type": "nominal", "title": None}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "line", "point": {"size": 18}, "strokeWidth": 2}, "encoding": enc}]
    if rule is not None:
        layers.append({"data": {"values": [{"limit": rule, "label": rule_label or ""}]},
                       "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#c00000"},
                       "encoding": {"y": {"field": "limit", "type": "quantitative"}}})
        layers.append({"data": {"values": [{"limit": rule, "label": rule_label or ""}]},
                       "mark": {"type": "text", "align": "right", "dy": -6, "fontSize": 9,
                                "color": "#c00000", "x": width},
                       "encoding": {"y": {"field": "limit", "type": "quantitative"},
                                    "text": {"field": "label"}}})
    return {"width": width, "height": height, "data": {"values": list(rows)},
            "layer": layers}


def bar_chart(rows: Sequence[Mapping[str, Any]], *, x: str, y: str, color: str | None,
              y_title: str, x_title: str, y_format: str = ",.0f", width: int = 560,
              height: int = 200) -> dict[str, Any]:
    """Stacked bars by year (investments by category, demographic cost by service)."""
    enc: dict[str, Any] = {
        "x": {"field": x, "type": "ordinal", "title": x_title,
              "axis": {"labelAngle": 0, "labelOverlap": "parity"}},
        "y": {"field": y, "type": "quantitative", "title": y_title, "stack": "zero",
              "axis": {"format": y_format}},
    }
    if color:
        enc["color"] = {"field": color, "type": "nominal", "title": None}
    return {"width": width, "height": height, "data": {"values": list(rows)},
            "mark": {"type": "bar"}, "encoding": enc}
