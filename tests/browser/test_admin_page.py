"""The administrator's page in Debian's chromium: axe-core clean (WCAG 2.1 AA), a user added
and disabled through the forms, readable at 1366 and 320 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import PASSWORD
from live_server import axe, process_site

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with process_site(tmp_path_factory.mktemp("admin-site")) as url:
        yield url


def test_the_administrator_adds_and_disables_a_user(browser: Any, site: str) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    page = context.new_page()
    page.goto(site + "/logg-inn?neste=/admin/brukere")
    page.get_by_label("Brukernavn").fill("admin")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(site + "/admin/brukere")
    axe(page)
    form = page.locator("form[action='/admin/brukere/ny']")
    form.get_by_label("Brukernavn").fill("Lise")  # refused: capital letter
    form.get_by_label("Navn", exact=True).fill("Lise Lund")
    form.get_by_label("Rolle").select_option("finance")
    form.get_by_label("Passord (minst 12 tegn)").fill("et helt nytt passord")
    form.get_by_role("button", name="Legg til bruker").click()
    assert "Brukernavn: bruk små bokstaver" in page.locator(".flash-error").inner_text()
    axe(page)
    form = page.locator("form[action='/admin/brukere/ny']")
    form.get_by_label("Brukernavn").fill("lise")
    form.get_by_label("Passord (minst 12 tegn)").fill("et helt nytt passord")
    form.get_by_role("button", name="Legg til bruker").click()
    assert "Brukeren er lagt til." in page.locator(".flash-ok").inner_text()
    page.get_by_role("button", name="Deaktiver lise").click()
    assert "deaktivert" in page.locator(".flash-ok").inner_text()
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "admin-brukere-1366.png"), full_page=False)
    phone = browser.new_context(viewport={"width": 320, "height": 800}, locale="nb-NO",
                                storage_state=context.storage_state())
    small = phone.new_page()
    small.goto(site + "/admin/brukere")
    small.screenshot(path=str(SCREENSHOTS / "admin-brukere-320.png"), full_page=False)
    assert small.evaluate("document.documentElement.scrollWidth") <= 340
    phone.close()
    context.close()
