"""Note columns a finance officer adds (kommentar, merknad, note) are kept through every
reader and writer and shown where the rows appear: the document's tables and the web pages."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from web_helpers import make_settings

from muniplan.engine.projection import project
from muniplan.plan.load import EXAMPLES_DIR, load_files, load_plan, read_folder
from muniplan.plan.write import plan_files
from muniplan.report.excel import export_workbook, import_workbook
from muniplan.report.tables import investment_overview, program_area_frames
from muniplan.store import Store
from muniplan.web.app import create_app

NOTE = "Anbud åpnes i mars; kostnaden kan øke"
AREA_NOTE = "Inkluderer ny avdeling fra høsten"


def _with_note(path: Path, column: str, row_id: str, id_column: str, text: str) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    fields = [*rows[0].keys(), column]
    for r in rows:
        r[column] = text if r[id_column] == row_id else ""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _plan(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLES_DIR / "baerum-2018-2021", folder)
    _with_note(folder / "investments.csv", "kommentar", "storoya-skole", "id", NOTE)
    _with_note(folder / "sectors.csv", "Merknad", "barnehager", "program_area_id", AREA_NOTE)
    return folder


def test_notes_are_read_kept_and_written(tmp_path):
    folder = _plan(tmp_path)
    plan = load_plan(folder)
    notes = {i.id: i.note for i in plan.investments if i.note}
    assert notes == {"storoya-skole": NOTE}
    assert [a.note for s in plan.sectors for a in s.program_areas if a.note] == [AREA_NOTE]
    # written from the model (roll-forward, the web's workbook) and through Excel
    assert load_files(plan_files(plan)).investments == plan.investments
    data = export_workbook(plan, project(plan), read_folder(folder))
    assert load_files(import_workbook(data)).sectors == plan.sectors
    # and the plan without notes is the plan with them, figure for figure
    plain = load_plan(EXAMPLES_DIR / "baerum-2018-2021")
    assert [i.model_copy(update={"note": None}) for i in plan.investments] == list(
        plain.investments)


def test_the_document_tables_show_them(tmp_path):
    plan = load_plan(_plan(tmp_path))
    assert f"Merknad – Storøya skole: {NOTE}" in investment_overview(plan, "nb").notes
    assert f"Note – Barnehager: {AREA_NOTE}" in program_area_frames(plan, None, "en").notes


def test_the_web_pages_show_them(tmp_path):
    store = Store.from_settings(make_settings(tmp_path))
    store.upgrade()
    store.import_files(read_folder(_plan(tmp_path)), status="adopted")
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        html = _text(client.get("/plan/baerum-2018-2021/investeringer").text)
        assert f"Merknad: {NOTE}" in html
        html = _text(client.get("/plan/baerum-2018-2021/sektorer/barn-og-unge").text)
        assert f"Merknad: {AREA_NOTE}" in html


def _text(html: str) -> str:
    """The page's words without its markup (the note is marked as the plan's own bokmål)."""
    return re.sub(r"<[^>]+>", "", html)
