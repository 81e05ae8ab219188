"""Every page on a 320 px phone: nothing wider than the screen, tables scroll in their own
box, and the charts are laid out again for the width with text of at least 11 px — the
interactive ones, and the drawings a browser without JavaScript shows.

The pages are read from the app's routes, so pages added later are checked too; staff pages
are checked logged in as finance staff, so what they show is measured, not the login page.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from auth_helpers import PASSWORD, add_people, csrf_of
from live_server import running
from site_pages import NOT_PAGES, PAGES, PLAN_ID, STAFF_PAGES, fill, route_paths
from web_helpers import make_settings, make_store

MIN_TEXT_PX = 11.0


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
    if (!svg.getBoundingClientRect().width) continue;  // a width not for this screen
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


DRAWING_TEXT_JS = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('img.chart-img')) {
    const svg = new DOMParser().parseFromString(
      await (await fetch(img.currentSrc)).text(), 'image/svg+xml').documentElement;
    const scale = img.getBoundingClientRect().width / parseFloat(svg.getAttribute('width'));
    for (const t of svg.querySelectorAll('text')) {
      const size = parseFloat(t.getAttribute('font-size') || '0');
      if (size && t.textContent.trim()) out.push([img.currentSrc, size * scale]);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site with the test people, on its own port (the session's has no accounts)."""
    from muniplan.web.app import create_app

    tmp = tmp_path_factory.mktemp("narrow-staff")
    store = make_store(tmp)
    add_people(store)
    with running(create_app(make_settings(tmp), store)) as url:
        yield url


def logged_in_phone(browser: Any, staff_site: str, who: str) -> Any:
    """A 320 px phone logged in as ``who`` (the session cookie of a real login)."""
    with httpx.Client(base_url=staff_site) as client:
        form = client.get("/logg-inn")
        r = client.post("/logg-inn", data={"username": who, "password": PASSWORD,
                                           "csrf_token": csrf_of(form.text), "neste": "/konto"})
        assert r.status_code in (200, 303), r.status_code
        cookies = [{"name": c.name, "value": c.value or "", "url": staff_site}
                   for c in client.cookies.jar]
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nb-NO",
                                  device_scale_factor=1)
    context.add_cookies(cookies)
    p = context.new_page()
    p.set_default_timeout(240_000)
    return p


@pytest.fixture()
def phone_nojs(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="nb-NO",
                                  device_scale_factor=1, java_script_enabled=False)
    p = context.new_page()
    p.set_default_timeout(240_000)
    yield p
    context.close()


def test_the_pages_are_found() -> None:
    """Every route of the running app is either a checked page or not a page at all."""
    from muniplan.web.app import create_app

    assert f"/plan/{PLAN_ID}/baerekraft" in PAGES and len(PAGES) >= 29
    assert f"/plan/{PLAN_ID}/oppfolging/2018/T2" in PAGES and "/" in PAGES
    tmp = Path(__import__("tempfile").mkdtemp())
    app = create_app(make_settings(tmp), make_store(tmp))
    for path in route_paths(app.routes):
        filled = fill(path)
        assert (filled is None and NOT_PAGES.search(path)) or filled in PAGES, path
    assert set(STAFF_PAGES) <= set(PAGES)


def assert_fits(p: Any, path: str) -> None:
    got = p.evaluate(WIDTH_JS)
    assert got["scroll"] <= got["width"], f"{path}: {got}"
    assert not got["wide"], f"{path}: wider than the screen: {got['wide']}"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_page_is_wider_than_a_320_px_phone(phone: Any, base_url: str, path: str,
                                               lang: str, screenshots: Path) -> None:
    phone.goto(f"{base_url}{path}?lang={lang}", wait_until="networkidle")
    # on a loaded machine vega-embed may still be drawing: wait until every chart is live
    phone.wait_for_function("""() => [...document.querySelectorAll('figure.chart[data-spec]')]
        .every(f => f.classList.contains('is-live'))""")
    name = path.strip("/").replace("/", "-")
    if lang == "nb" and path.endswith(("baerekraft", PLAN_ID + "/")):
        phone.screenshot(path=str(screenshots / f"phone-{name}.png"), full_page=True)
    assert_fits(phone, path)
    sizes = phone.evaluate(CHART_TEXT_JS)
    if phone.locator("figure.chart").count():
        assert sizes, f"{path}: no live chart"
        assert min(sizes) >= MIN_TEXT_PX, f"{path}: chart text {min(sizes):.1f} px"


@pytest.mark.parametrize("path", sorted(STAFF_PAGES))
def test_staff_pages_fit_a_320_px_phone(browser: Any, staff_site: str, path: str) -> None:
    staff_phone = logged_in_phone(browser, staff_site, STAFF_PAGES[path])
    try:
        staff_phone.goto(f"{staff_site}{path}", wait_until="networkidle")
        assert "/logg-inn" not in staff_phone.url, f"{path}: not logged in"
        assert_fits(staff_phone, path)
    finally:
        staff_phone.context.close()


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith(f"/plan/{PLAN_ID}/")])
def test_without_javascript_chart_drawings_keep_their_text(phone_nojs: Any, base_url: str,
                                                          path: str) -> None:
    """No script: the page still fits, and each chart is the drawing made for a narrow
    screen (``bredde=smal``), shown at its size, so its text is 11 px or more."""
    phone_nojs.goto(f"{base_url}{path}", wait_until="networkidle")
    assert_fits(phone_nojs, path)
    drawn = phone_nojs.evaluate(DRAWING_TEXT_JS)
    inline = [("inline", px) for px in phone_nojs.evaluate(CHART_TEXT_JS)]
    if phone_nojs.locator("figure.chart").count():
        assert drawn or inline, f"{path}: no chart drawing"
        assert {src.split("bredde=")[-1] for src, _px in drawn} <= {"smal"}, path
        small = min(drawn + inline, key=lambda x: x[1])
        assert small[1] >= MIN_TEXT_PX, f"{path}: {small[0]} text {small[1]:.1f} px"


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
