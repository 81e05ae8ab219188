"""The workbook as a Norwegian LibreOffice shows it: `2 292 660`, `3,0 %` and the drop-downs.

openpyxl only reads back what was written; this asks a real spreadsheet. LibreOffice Calc
(Debian's ``libreoffice-calc-nogui``, installed by ``.ci/run``) opens the exported workbook
with its locale set to Norwegian bokmål (nb-NO) and saves it as OpenDocument, whose cells keep
the text as displayed beside the value. Where ``soffice`` is missing the test skips, unless
``MUNIPLAN_REQUIRE_BROWSER=1`` (CI) says every outside tool must be there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from xml.etree import ElementTree

import pytest

from muniplan.engine.projection import project
from muniplan.plan.load import load_plan, read_folder
from muniplan.plan.model import INVESTMENT_CATEGORIES
from muniplan.report.excel import export_workbook

NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}
T = f"{{{NS['table']}}}"

NB_NO = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>nb-NO</value></prop></item>
</oor:items>
"""
"""A LibreOffice profile whose locale is Norwegian bokmål, as a finance officer's is."""


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        if os.environ.get("MUNIPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail("soffice (libreoffice-calc-nogui) is required when "
                        "MUNIPLAN_REQUIRE_BROWSER=1")
        pytest.skip("LibreOffice (soffice) is not installed")
    return found


@pytest.fixture(scope="module")
def shown(example_dir, tmp_path_factory) -> tuple[dict[str, list[list[str]]], ElementTree.Element]:
    """Each sheet's cells as LibreOffice shows them (rows of text), and the document."""
    soffice = _soffice()
    tmp = tmp_path_factory.mktemp("libreoffice")
    plan = load_plan(example_dir)
    book = tmp / "hp.xlsx"
    book.write_bytes(export_workbook(plan, project(plan), read_folder(example_dir)))
    profile = tmp / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(NB_NO, encoding="utf-8")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}",
                    "--convert-to", "ods", "--outdir", str(tmp), str(book)],
                   check=True, capture_output=True, timeout=300)
    with zipfile.ZipFile(tmp / "hp.ods") as ods:
        root = ElementTree.fromstring(ods.read("content.xml"))
    return {t.get(f"{T}name"): _rows(t) for t in root.iter(f"{T}table")}, root


def _rows(table: ElementTree.Element) -> list[list[str]]:
    rows = []
    for row in table.iter(f"{T}table-row"):
        cells: list[str] = []
        for cell in row:
            text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", NS))
            cells += [text] * min(int(cell.get(f"{T}number-columns-repeated", "1")), 64)
        rows += [cells] * min(int(row.get(f"{T}number-rows-repeated", "1")), 2)
    return rows


def _cell(sheets: dict[str, list[list[str]]], sheet: str, row_id: str, header: str) -> str:
    rows = sheets[sheet]
    at = rows[0].index(header)
    row = next(r for r in rows[1:] if row_id in r)
    return row[at].replace("\u00a0", " ")  # LibreOffice groups thousands with a no-break space


def test_amounts_show_norwegian_thousands(shown):
    sheets, _ = shown
    assert _cell(sheets, "Sektorer", "grunnskole", "2018") == "2 292 660"
    assert _cell(sheets, "Investeringer", "emma-hjorth-barneskole", "2019") == "150 000"


def test_fractions_show_per_cent_with_a_decimal_comma(shown):
    sheets, _ = shown
    assert _cell(sheets, "Forutsetninger", "Årslønnsvekst", "2018") == "3,0 %"
    assert _cell(sheets, "Investeringer", "emma-hjorth-barneskole", "momskomp.") == "20,0 %"


def test_drop_downs_reach_libreoffice(shown):
    """The categories' list is a validation LibreOffice applies to the Kategori column."""
    _, root = shown
    lists = {v.get(f"{T}name"): v.get(f"{T}condition", "")
             for v in root.iter(f"{T}content-validation")}
    table = next(t for t in root.iter(f"{T}table") if t.get(f"{T}name") == "Investeringer")
    names = {c.get(f"{T}content-validation-name") for c in table.iter(f"{T}table-cell")} - {None}
    conditions = [lists[n] for n in names]
    assert any(all(f'"{c}"' in cond.replace("&quot;", '"') for c in INVESTMENT_CATEGORIES)
               for cond in conditions), conditions
    assert any("Sektorer" in cond for cond in conditions), conditions  # sectors from their sheet
