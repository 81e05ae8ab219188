"""The income levers on the alternatives page: fees in percent, eiendomsskatt rates in
promille where the plan gives the tax base, the law's limits said in the form's terms, and
the saved changes.yaml read back into the form."""

from __future__ import annotations

import pytest
import yaml
from auth_helpers import add_people
from process_helpers import PLAN, PLAN_ID, alternative_form, client_for, flashes, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.plan.load import read_folder, resolve
from muniplan.store.process import Process

TAX = {"housing_base": {"value": 200_000_000, "assumption": "test"},
       "other_base": {"value": 40_000_000, "assumption": "test"},
       "housing_rate": {"value": 0, "assumption": "test"},
       "other_rate": {"value": 0, "assumption": "test"}}


@pytest.fixture(name="taxed")
def taxed_fixture(store):
    files = dict(read_folder(resolve(None)))
    raw = yaml.safe_load(files["plan.yaml"])
    raw["finance"]["property_tax"] = TAX
    files["plan.yaml"] = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    store.import_files(files, status="proposal", author="okonomi")
    Process(store).publish(PLAN_ID, 1, "test")
    add_people(store)
    return store


def test_fees_are_saved_and_read_back(store, tmp_path):
    ready = proposal_store(store)
    kari = client_for(ready, tmp_path, "kari")
    page = kari.get(f"{PLAN}alternativ").text
    assert "fees-2019" in page and "ptax-housing-2019" not in page
    assert "planen oppgir ikke skattegrunnlaget" in page
    form = alternative_form(kari, **{"fees-2021": "5", "action": "lagre"})
    r = kari.post(f"{PLAN}alternativ", data=form, follow_redirects=False)
    assert r.status_code == 303, flashes(r.text)
    changes = yaml.safe_load(ready.files(PLAN_ID, 2)["changes.yaml"])
    [row] = changes["changes"][0]["overrides"]
    assert row == {"parameter": "income.fees", "op": "scale", "value": 1.05, "first": 2021}
    again = kari.get(f"{PLAN}alternativ?fra=2").text
    assert 'name="fees-2021" inputmode="decimal" aria-label' in again
    assert 'value="5"' in again


def test_a_rate_shows_in_the_result_and_is_stored_as_a_fraction(taxed, tmp_path):
    kari = client_for(taxed, tmp_path, "kari")
    form = alternative_form(kari, **{"ptax-housing-2019": "2", "ptax-housing-2020": "3",
                                     "action": "lagre"})
    r = kari.post(f"{PLAN}alternativ", data=form, follow_redirects=False)
    assert r.status_code == 303, flashes(r.text)
    rows = yaml.safe_load(taxed.files(PLAN_ID, 2)["changes.yaml"])["changes"][0]["overrides"]
    assert [(o["parameter"], o["value"], o["first"]) for o in rows] == [
        ("income.property_tax.housing_rate", 0.002, 2019),
        ("income.property_tax.housing_rate", 0.003, 2020)]
    compared = client_for(taxed, tmp_path, "okonomi").get(
        f"/api/plans/{PLAN_ID}/compare?v=1&v=2").json()
    i = compared["years"].index(2019)
    income = compared["indicators"]["operating_income"]
    # 200 000 000 (1000 kr) × 2 ‰ = 400 mill. kr in 2018 kroner, grown to 2019
    assert 400e6 < income[1][i] - income[0][i] < 430e6
    assert compared["indicators"]["net_operating_result"][1][i] > compared[
        "indicators"]["net_operating_result"][0][i]
    tax = compared["income"]["property_tax"]
    assert tax[0][i] == 0 and tax[1][i] == income[1][i] - income[0][i]
    # the page beside the proposal shows the change in income
    form = alternative_form(kari, **{"ptax-housing-2019": "2", "action": "beregn"})
    page = kari.post(f"{PLAN}alternativ", data=form)
    assert page.status_code == 200 and "Endring i inntekter mot" in page.text
    assert "Alternativet: Eiendomsskatt" in page.text


@pytest.mark.parametrize("fields, fragment", [
    ({"ptax-housing-2019": "3"}, "bolig og fritidsbolig 2019: høyst 2 promille"),
    ({"ptax-other-2019": "2", "ptax-other-2020": "5", "ptax-housing-2021": "5"},
     "bolig og fritidsbolig 2021: høyst 4 promille"),
    ({"ptax-other-2019": "9"}, "fra 0 til 7 promille"),
    ({"fees-2019": "-120"}, "mellom −100 og 200"),
    ({"fees-2019": "fem"}, "forventet et tall"),
])
def test_rates_beyond_the_law_are_refused_in_the_forms_terms(taxed, tmp_path, fields,
                                                             fragment):
    kari = client_for(taxed, tmp_path, "kari")
    form = alternative_form(kari, action="lagre", **fields)
    r = kari.post(f"{PLAN}alternativ", data=form)
    assert r.status_code == 422
    assert any(fragment in f for f in flashes(r.text)), flashes(r.text)
    assert len(Process(taxed).versions(PLAN_ID)) == 1
