"""Every page on a 320 px phone: nothing wider than the screen, tables scroll in their own
box, and the interactive charts are laid out again for the width with text of at least 11 px.

The pages are read from the app's routers, so pages added later are checked too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from muniplan.web.pages import routers

PLAN_ID = "baerum-2018-2021"
FILL = {"plan_id": PLAN_ID, "sector_id": "barn-og-unge"}
MIN_TEXT_PX = 11.0


def html_pages() -> list[str]:
    """Every GET page of the public routers whose path parameters we can fill."""
    paths = []
    for router in routers():
        for r in router.routes:
            if not isinstance(r, APIRoute) or "GET" not in r.methods:
                continue
            if r.path.startswith("/api"):
                continue
            names = re.findall(r"\{(\w+)", r.path)
            if all(n in FILL for n in names):
                paths.append(re.sub(r"\{(\w+)\}", lambda m: FILL[m.group(1)], r.path))
    return sorted(set(paths))


PAGES = html_pages()

WIDTH_JS = """() => {
  const wide = [];
  const limit = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= limit + 1) continue;
    let box = el.parentElement, scrolls = false;
    while (box) {
      const s = getComputedStyle(box);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') {
        if (box.getBoundingClientRect().right <= limit + 1) { scrolls = true; break; }
      }
      box = box.parentElement;
    }
    if (!scrolls) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width: limit, wide: wide.slice(0, 5)};
}"""

CHART_TEXT_JS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('.chart-live svg')) {
    const scale = svg.getBoundingClientRect().width / (svg.width.baseVal.value || 1);
    for (const t of svg.querySelectorAll('text')) {
      if (!t.textContent.trim()) continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      out.push(px);
    }
  }
  return out;
}"""


@pytest.fixture()
def phone(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nb-NO",
                                  device_scale_factor=1)
    p = context.new_page()
    p.set_default_timeout(240_000)  # the first Bærekraft visit computes its Monte Carlo run
    yield p
    context.close()


def test_the_pages_are_found() -> None:
    assert f"/plan/{PLAN_ID}/baerekraft" in PAGES and len(PAGES) >= 8


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_page_is_wider_than_a_320_px_phone(phone: Any, base_url: str, path: str,
                                               lang: str, screenshots: Path) -> None:
    phone.goto(f"{base_url}{path}?lang={lang}", wait_until="networkidle")
    phone.wait_for_timeout(300)
    got = phone.evaluate(WIDTH_JS)
    name = path.strip("/").replace("/", "-")
    if lang == "nb" and path.endswith(("baerekraft", PLAN_ID + "/")):
        phone.screenshot(path=str(screenshots / f"phone-{name}.png"), full_page=True)
    assert got["scroll"] <= got["width"], f"{path}: {got}"
    assert not got["wide"], f"{path}: wider than the screen: {got['wide']}"
    sizes = phone.evaluate(CHART_TEXT_JS)
    if phone.locator("figure.chart").count():
        assert sizes, f"{path}: no live chart"
        assert min(sizes) >= MIN_TEXT_PX, f"{path}: chart text {min(sizes):.1f} px"


def test_tables_scroll_in_their_box_with_a_hint(phone: Any, base_url: str) -> None:
    phone.goto(f"{base_url}/plan/{PLAN_ID}/okonomi", wait_until="networkidle")
    overflowing = phone.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
        .filter(e => e.scrollWidth > e.clientWidth)
        .map(e => getComputedStyle(e).overflowX)""")
    assert overflowing and set(overflowing) == {"auto"}  # wider tables scroll in their box
    box = phone.locator(".table-wrap").first
    hint = box.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Sveip sideveis" in hint, hint
    phone.goto(f"{base_url}/plan/{PLAN_ID}/okonomi?lang=en", wait_until="networkidle")
    hint = phone.locator(".table-wrap").first.evaluate(
        "e => getComputedStyle(e, '::before').content")
    assert "Swipe sideways" in hint, hint
