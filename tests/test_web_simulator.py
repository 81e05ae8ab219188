"""The budget simulator page in-process: the form recomputes on submit, the result part the
script swaps in is the same, bad choices are located, and each abuse limit holds."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.engine.simulator import simulate
from muniplan.plan.load import load_plan
from muniplan.report.formatting import millions
from muniplan.web.app import create_app
from muniplan.web.citizen_limits import Citizens, Limited, Limits, RateLimiter

SIM = "/plan/baerum-2018-2021/budsjettsimulator"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("sim")
    return create_app(make_settings(tmp), make_store(tmp))


@pytest.fixture()
def client(app: Any) -> TestClient:
    app.state.citizens = Citizens()
    with TestClient(app) as c:
        yield c


def mill(kroner: float) -> str:
    """As the page shows an engine figure: whole millions, Norwegian digits."""
    return millions(kroner, 0).replace(NBSP, " ") + " mill. kr"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def test_the_proposal_is_shown_balanced(client: TestClient) -> None:
    r = client.get(SIM)
    assert r.status_code == 200
    body = text(r.text)
    assert "Budsjettet ditt går i balanse i hele planperioden 2018–2021" in body
    # the proposal's long view: the savings need of `muniplan project` in 2030 and 2040
    need = simulate(load_plan(None), {}).savings_need
    assert f"I 2030 må kommunen spare {mill(need[2030])} i året" in body
    assert f"I 2040 må kommunen spare {mill(need[2040])} i året" in body
    assert 'name="ramme-barn-og-unge"' in r.text and 'action="/plan/baerum-2018-2021/' \
        'budsjettsimulator"' in r.text
    assert "<script>" not in r.text and "onclick" not in r.text


def test_a_choice_recomputes_on_submit(client: TestClient) -> None:
    r = client.get(SIM, params={"ramme-barn-og-unge": "10", "ramme-bistand-og-omsorg": "10"})
    assert r.status_code == 200
    body = text(r.text)
    mine = simulate(load_plan(None), {"ramme-barn-og-unge": 10, "ramme-bistand-og-omsorg": 10})
    assert mine.gap > 0
    assert f"Du har {mill(mine.gap)} igjen å finne i {mine.gap_year}" in body
    assert 'value="10"' in r.text


def test_program_areas_are_levers_inside_their_sector(client: TestClient) -> None:
    """Each sector with several program areas offers them in a closed <details> (works
    without a script); a chosen area opens it, and the figures are the engine's."""
    r = client.get(SIM)
    assert r.text.count('class="sim-areas"') == 3 and 'sim-areas" open' not in r.text
    assert 'name="omrade-grunnskole"' in r.text and "Fordel innen Barn og unge" in text(r.text)
    r = client.get(SIM, params={"omrade-pleie-og-omsorg": "10", "omrade-grunnskole": "10"})
    assert r.status_code == 200 and r.text.count('sim-areas" open') == 2
    mine = simulate(load_plan(None), {"omrade-pleie-og-omsorg": 10, "omrade-grunnskole": 10})
    assert f"I 2040 må kommunen spare {mill(mine.savings_need[2040])} i året" in text(r.text)
    bad = client.get(SIM, params={"omrade-barnevern": "12"})
    assert bad.status_code == 422 and 'sim-areas" open' in bad.text
    assert "Barnevern: velg et tall fra -10 til 10 (fikk «12»)." in text(bad.text)
    en = client.get(SIM, params={"lang": "en"})
    assert "Divide within Barn og unge" in text(en.text)


def test_without_a_tax_base_the_page_says_eiendomsskatt_cannot_change(
        client: TestClient) -> None:
    """Bærum writes out no eiendomsskatt and its plan gives no tax base: where the lever
    would be, the page says why in plain words (and the limits' origin below)."""
    r = client.get(SIM)
    assert 'id="eiendomsskatt"' in r.text
    assert ("Bærum kommune har ikke eiendomsskatt i denne planen. For å regne ut hva en "
            "eiendomsskatt ville gitt, trenger simulatoren verdien av boligene") in text(r.text)
    assert 'name="eiendomsskatt-bolig"' not in r.text
    assert "simulatoren bruker standardgrenser" in text(r.text)
    en = client.get(SIM, params={"lang": "en"})
    assert "Bærum kommune levies no property tax in this plan" in text(en.text)
    assert '<span lang="nb">Bærum kommune</span>' in en.text


def test_the_result_part_is_the_page_s_result(client: TestClient) -> None:
    q = {"ramme-barn-og-unge": "5", "utsettelse": "1"}
    whole = client.get(SIM, params=q).text
    part = client.get(SIM, params={**q, "del": "resultat"})
    assert part.status_code == 200 and part.headers["cache-control"] == "no-store"
    assert "<html" not in part.text
    assert text(part.text).strip() in text(whole)


def test_english(client: TestClient) -> None:
    r = client.get(SIM, params={"lang": "en", "ramme-barn-og-unge": "10",
                                "ramme-bistand-og-omsorg": "10"})
    body = text(r.text)
    assert "Make your own budget" in body and " left to find in " in body


@pytest.mark.parametrize(("value", "message"), [
    ("50", "Barn og unge: velg et tall fra -10 til 10 (fikk «50»)."),
    ("0,3", "Barn og unge: velg et tall i steg på 0,5 (fikk «0.3»)."),
    ("nan", "Barn og unge: skriv et tall, for eksempel -2 eller 1,5 (fikk «nan»)."),
])
def test_a_bad_choice_is_located_and_nothing_computed(client: TestClient, value: str,
                                                      message: str) -> None:
    r = client.get(SIM, params={"ramme-barn-og-unge": value})
    assert r.status_code == 422
    assert message in text(r.text)
    assert 'aria-invalid="true"' in r.text
    assert "Rett opp feilen" in text(r.text)


def test_a_long_query_is_refused(client: TestClient) -> None:
    r = client.get(SIM + "?x=" + "a" * 3000)
    assert r.status_code == 413


def test_computations_per_address_are_limited(app: Any) -> None:
    app.state.citizens = Citizens(Limits(computations_per_minute=3))
    with TestClient(app) as c:
        codes = [c.get(SIM, params={"ramme-barn-og-unge": str(v)}).status_code
                 for v in (1, 2, 3, 4)]
        assert codes == [200, 200, 200, 429]
        r = c.get(SIM, params={"ramme-barn-og-unge": "5"})
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert "Vent litt" in text(r.text)
        assert c.get(SIM).status_code == 200  # the proposal costs nothing: always shown


def test_a_full_queue_answers_busy(app: Any) -> None:
    """With every computation slot taken, a new one waits ``queue_wait`` and gets 503."""
    cz = Citizens(Limits(concurrent_computations=1, queue_wait=0.2))
    app.state.citizens = cz
    assert cz._gate.acquire()
    try:
        with TestClient(app) as c:
            r = c.get(SIM, params={"ramme-barn-og-unge": "7"})
        assert r.status_code == 503 and r.headers["retry-after"] == "5"
    finally:
        cz._gate.release()


def test_repeated_choices_are_computed_once(app: Any) -> None:
    cz = Citizens()
    app.state.citizens = cz
    calls = []
    original = cz.compute

    def counting(key: Any, make: Any) -> Any:
        return original(key, lambda: calls.append(key) or make())

    cz.compute = counting  # type: ignore[method-assign]
    with TestClient(app) as c:
        for _ in range(3):
            assert c.get(SIM, params={"ramme-barn-og-unge": "1.5"}).status_code == 200
    assert len(calls) == 1


def test_rate_limiter_window_slides() -> None:
    clock = [0.0]
    rl = RateLimiter(max_keys=2)
    for _ in range(2):
        rl.hit("a", 2, 60, now=lambda: clock[0])
    with pytest.raises(Limited):
        rl.hit("a", 2, 60, now=lambda: clock[0])
    clock[0] = 61.0
    rl.hit("a", 2, 60, now=lambda: clock[0])
    rl.hit("b", 2, 60, now=lambda: clock[0])
    rl.hit("c", 2, 60, now=lambda: clock[0])  # the oldest key is forgotten, not the memory
    assert len(rl._hits) == 2


def test_concurrent_requests_compute_in_bounded_slots(app: Any) -> None:
    """Eight threads with eight different choices: every answer 200, never more than
    ``concurrent_computations`` projections at once."""
    cz = Citizens(Limits(concurrent_computations=2, queue_wait=60))
    app.state.citizens = cz
    running, peak, lock = [0], [0], threading.Lock()
    original = cz.compute

    def watched(key: Any, make: Any) -> Any:
        def run() -> Any:
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            try:
                return make()
            finally:
                with lock:
                    running[0] -= 1
        return original(key, run)

    cz.compute = watched  # type: ignore[method-assign]
    codes: list[int] = []
    with TestClient(app) as c:
        def one(v: float) -> None:
            codes.append(c.get(SIM, params={"ramme-miljo-idrett-og-kultur": str(v)}
                               ).status_code)
        threads = [threading.Thread(target=one, args=(v,)) for v in range(-8, 0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert codes == [200] * 8
    assert peak[0] <= 2
