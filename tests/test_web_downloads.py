"""Downloads: the document from muniplan.report, offered on the overview and served once built
per plan version (a second request is answered from the cache)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pdf_helpers import require_pdf_engine
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app
from muniplan.web.pages.downloads import available

PLAN = "/plan/baerum-2018-2021/"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp: Path = tmp_path_factory.mktemp("web-dl")
    with TestClient(create_app(make_settings(tmp), make_store(tmp))) as c:
        yield c


def test_overview_links_every_available_format(client: TestClient) -> None:
    html = client.get(PLAN).text
    formats = available()
    assert formats, "muniplan.report provides no document builder"
    for f in formats:
        assert f'href="{PLAN}dokument.{f.ext}"' in html


def test_pdf_is_built_once_and_served(client: TestClient) -> None:
    if "pdf" not in {f.ext for f in available()}:
        pytest.skip("muniplan.report has no build_pdf")
    require_pdf_engine()
    r = client.get(PLAN + "dokument.pdf")
    assert r.status_code == 200
    assert r.content.startswith(b"%PDF")
    assert "attachment" in r.headers["content-disposition"]
    assert "baerum-2018-2021-v1-nb.pdf" in r.headers["content-disposition"]
    t = time.perf_counter()
    again = client.get(PLAN + "dokument.pdf")
    assert again.content == r.content
    assert time.perf_counter() - t < 1.0


def test_html_document_in_english(client: TestClient) -> None:
    if "html" not in {f.ext for f in available()}:
        pytest.skip("muniplan.report has no build_html")
    r = client.get(PLAN + "dokument.html?lang=en")
    assert r.status_code == 200 and "<html" in r.text[:500]
    assert "-en.html" in r.headers["content-disposition"]


def test_unknown_format_is_404(client: TestClient) -> None:
    r = client.get(PLAN + "dokument.docx")
    assert r.status_code == 404 and "docx" in r.text


def test_workbook_and_data_package(client: TestClient) -> None:
    exts = {f.ext for f in available()}
    if "xlsx" in exts:
        r = client.get(PLAN + "dokument.xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK"
        assert 'filename="baerum-2018-2021-v1.xlsx"' in r.headers["content-disposition"]
    if "zip" in exts:
        import io
        import json
        import zipfile

        r = client.get(PLAN + "dokument.zip")
        assert r.status_code == 200
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            names = z.namelist()
            assert "baerum-2018-2021-v1/datapackage.json" in names
            assert json.loads(z.read("baerum-2018-2021-v1/datapackage.json"))["resources"]
