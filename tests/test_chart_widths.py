"""Charts drawn for narrow screens on the server: the layout, the drawings' sizes, the page's
<picture>, and the stylesheet's breakpoints agreeing with the drawings'."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.engine.projection import project
from muniplan.plan.load import load_plan
from muniplan.web import charts
from muniplan.web.app import create_app
from muniplan.web.chart_widths import BY_NAME, WIDTHS, narrow_spec
from muniplan.web.i18n import gettext_for

PLAN = "/plan/baerum-2018-2021/"
CSS = Path(__file__).parents[1] / "src" / "muniplan" / "web" / "static" / "site.css"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp = tmp_path_factory.mktemp("widths")
    with TestClient(create_app(make_settings(tmp), make_store(tmp))) as c:
        yield c


def test_narrow_spec_fits_the_width_and_keeps_the_data() -> None:
    plan = load_plan(None)
    chart = charts.build("investment-timeline", plan, project(plan), "nb", gettext_for("nb"))
    spec = narrow_spec(chart.spec, BY_NAME["smal"])
    assert spec["width"] == 280 and spec["autosize"] == {"type": "fit-x",
                                                          "contains": "padding"}
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == 126  # project names cut with "…"
    assert spec["encoding"]["color"].get("legend") is None  # the config's legend: under it
    assert spec["config"]["legend"]["orient"] == "bottom"
    assert spec["data"] == chart.spec["data"] and chart.spec["width"] == charts.WIDTH


@pytest.mark.parametrize("name", ["frames-by-sector", "net-operating-result-ratio"])
@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: w.name)
def test_each_width_is_drawn_that_wide_with_12_px_text(client: TestClient, name: str,
                                                       width: Any) -> None:
    r = client.get(PLAN + f"chart/{name}.svg", params={"bredde": width.name})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert re.search(r'<svg[^>]* width="(\d+)"', r.text).group(1) == str(width.px)
    assert min(float(x) for x in re.findall(r'font-size="([\d.]+)px"', r.text)) >= 12
    spec = client.get(PLAN + f"chart/{name}.json", params={"bredde": width.name}).json()
    assert spec["width"] == width.px


def test_a_width_not_offered_is_refused(client: TestClient) -> None:
    r = client.get(PLAN + "chart/debt-ratio.svg", params={"bredde": "1px"})
    assert r.status_code == 422 and "<svg" not in r.text


def test_pages_offer_every_width_in_a_picture(client: TestClient) -> None:
    html = client.get(PLAN + "okonomi").text
    sources = re.findall(r'<source media="\(max-width: ([\d.]+)rem\)" srcset="([^"]+)"', html)
    assert sources[:2] == [
        ("40.0", PLAN + "chart/net-operating-result-ratio.svg?bredde=smal"),
        ("62.0", PLAN + "chart/net-operating-result-ratio.svg?bredde=middels")]
    en = client.get(PLAN + "okonomi", params={"lang": "en"}).text
    assert "debt-ratio.svg?lang=en&amp;bredde=smal" in en


def test_inline_charts_come_in_every_width(client: TestClient) -> None:
    html = client.get(PLAN + "oppfolging/2018/T2").text
    for name in ("smal", "middels", "bred"):
        assert html.count(f"chart-w-{name}") == 1, name


def test_the_stylesheet_breakpoints_are_the_drawings() -> None:
    """site.css shows an inline chart's widths at the breakpoints the <picture> uses."""
    css = CSS.read_text(encoding="utf-8")
    for width in WIDTHS:
        assert re.search(rf"@media \(max-width: {width.below_rem:g}rem\) {{[^\n]*"
                         rf"\.chart-w-{width.name} {{ display: inline-block; }}", css), width
