"""The political process in Debian's chromium: a group logs in, builds an alternative, is
stopped by the balance gate, fixes it and submits; the versions are compared; a question is
asked, answered by finance staff and published; the public sees it. axe-core checks every
page of the process, and screenshots at 1366 and 320 px show the alternative budget."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import axe, process_site
from process_helpers import PLAN

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
PASSWORD = "et langt nok passord"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with process_site(tmp_path_factory.mktemp("process-site")) as url:
        yield url


def log_in(page: Any, site: str, who: str) -> None:
    page.goto(site + "/logg-inn")
    axe(page)
    page.get_by_label("Brukernavn").fill(who)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(site + "/prosess")


def test_the_whole_flow(browser: Any, site: str) -> None:
    group = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    group.set_default_timeout(120_000)
    page = group.new_page()
    log_in(page, site, "kari")
    axe(page)
    page.get_by_role("link", name="Lag et alternativt budsjett").click()
    page.get_by_label("Navn på alternativet").fill("Arbeiderpartiets alternativ")
    page.get_by_role("textbox", name="Barnevern 2021 endring i 1000 kr").fill("3000000")
    page.get_by_role("button", name="Send inn og publiser").click()
    gate = page.locator(".flash-error")
    assert "ikke i balanse" in gate.inner_text() and "2021: merforbruk" in gate.inner_text()
    axe(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "alternativ-balansekrav.png"), full_page=False)
    page.get_by_role("textbox", name="Barnevern 2021 endring i 1000 kr").fill("5000")
    page.get_by_role("combobox", name="Svømmehall på Rud utsettelse i år").select_option("2")
    page.get_by_role("button", name="Send inn og publiser").click()
    assert "Sendt inn og publisert" in page.locator(".flash-ok").inner_text()
    page.goto(site + PLAN + "sammenlign")
    assert "Arbeiderpartiets alternativ" in page.content()
    axe(page)
    page.goto(site + PLAN + "sporsmal")
    page.get_by_label("Spørsmål til administrasjonen").fill("Hva koster barnevernet?")
    page.get_by_label("Gjelder (valgfritt)").select_option("program_area:barnevern")
    page.get_by_role("button", name="Send spørsmålet").click()
    axe(page)
    phone = browser.new_context(viewport={"width": 320, "height": 800}, locale="nb-NO",
                                storage_state=group.storage_state())
    small = phone.new_page()
    small.goto(site + PLAN + "alternativ?fra=2")
    small.screenshot(path=str(SCREENSHOTS / "alternativ-320.png"), full_page=False)
    assert small.evaluate("document.documentElement.scrollWidth") <= 340
    phone.close()
    group.close()

    staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    staff.set_default_timeout(120_000)
    page = staff.new_page()
    log_in(page, site, "okonomi")
    page.goto(site + PLAN + "sporsmal")
    page.get_by_label("Svar").fill("Om lag 1,2 mill. kr per barn.")
    page.get_by_role("button", name="Lagre svar").click()
    page.get_by_role("button", name="Publiser").click()
    axe(page)
    staff.close()

    public = browser.new_context(locale="nb-NO", java_script_enabled=False)
    public.set_default_timeout(120_000)  # the alternative's first projection, on a busy machine
    page = public.new_page()
    page.goto(site + PLAN + "sporsmal")
    assert "Om lag 1,2 mill. kr per barn." in page.content()
    page.goto(site + PLAN + "?version=2")  # the published alternative
    assert page.locator("h1").count() == 1
    page.goto(site + "/prosess")
    assert "/logg-inn" in page.url
    public.close()
