"""The CSV files Norwegian Excel writes give the same plan as the originals.

Every variant rewrites the Bærum example's sectors.csv and investments.csv the way a
spreadsheet saves them (separator, encoding, byte-order mark, line ends, decimal comma,
thousands with spaces or no-break spaces, a note column, a sum row) and must load to a plan
equal, field for field, to the example's.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from muniplan.cli import main
from muniplan.plan.load import EXAMPLES_DIR, load_plan, unknown_columns

EXAMPLE = EXAMPLES_DIR / "baerum-2018-2021"
YEAR = re.compile(r"^\d{4}$")
DECIMAL = re.compile(r"^\d+\.\d+$")

VARIANTS = {
    # separator, encoding, line end, decimal comma, thousands, note column, sum row
    "excel-no-windows": (";", "cp1252", "\r\n", True, "\u00a0", True, True),
    "excel-no-utf8-bom": (";", "utf-8-sig", "\r\n", True, " ", False, False),
    "libreoffice-no": (";", "utf-8", "\n", True, " ", True, False),
    "comma-bom-crlf": (",", "utf-8-sig", "\r\n", False, "", False, True),
    "tab-separated": ("\t", "utf-8", "\n", True, "", True, False),
    # Excel's «Unicode-tekst»: UTF-16 with its byte-order mark, tab-separated
    "excel-unicode-text": ("\t", "utf-16", "\r\n", True, "", False, False),
}


def rewrite(path: Path, sep: str, encoding: str, end: str, comma: bool, thousands: str,
            note: bool, sum_row: bool) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = rows[0]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator=end)
    writer.writerow([*header, "kommentar"] if note else header)
    totals = {h: 0 for h in header if YEAR.match(h)}
    for row in rows[1:]:
        cells = []
        for h, v in zip(header, row, strict=True):
            if YEAR.match(h) and v:
                totals[h] += int(v)
                if thousands:
                    v = f"{int(v):,}".replace(",", thousands)
            elif comma and DECIMAL.match(v):
                v = v.replace(".", ",")
            cells.append(v)
        writer.writerow([*cells, "sjekk mot budsjettet; ok"] if note else cells)
    if sum_row:
        first = "id" if "id" in header else "sector_id"
        cells = ["Sum" if h == first else (str(totals[h]) if h in totals else "")
                 for h in header]
        writer.writerow([*cells, ""] if note else cells)
    path.write_bytes(out.getvalue().encode(encoding))


@pytest.fixture(scope="module")
def original():
    return load_plan(EXAMPLE).model_dump()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variant_gives_the_same_plan(tmp_path: Path, original, variant: str) -> None:
    folder = tmp_path / variant
    shutil.copytree(EXAMPLE, folder)
    for name in ("sectors.csv", "investments.csv"):
        rewrite(folder / name, *VARIANTS[variant])
    raw = (folder / "sectors.csv").read_bytes()
    sep, encoding = VARIANTS[variant][:2]
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert sep.encode() in raw.splitlines()[0]
    plan = load_plan(folder)
    # the note column is kept as each row's note and is all that differs
    notes = {i.note for i in plan.investments} | {a.note for s in plan.sectors
                                                  for a in s.program_areas}
    assert notes == ({"sjekk mot budsjettet; ok"} if VARIANTS[variant][5] else {None})
    assert _without_notes(plan.model_dump()) == original
    assert unknown_columns(folder) == []


def _without_notes(dump: dict) -> dict:
    for s in dump["sectors"]:
        for a in s["program_areas"]:
            a["note"] = None
    for i in dump["investments"]:
        i["note"] = None
    return dump


def test_unknown_column_is_a_warning_with_a_guess(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "investments.csv").read_text(encoding="utf-8").splitlines()
    text = [text[0] + ",sourse"] + [line + "," for line in text[1:]]
    (folder / "investments.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(folder)])
    err = " ".join(capsys.readouterr().err.split())
    assert exc.value.code == 0
    assert ("investments.csv:1: ukjent kolonne 'sourse', blir ikke lest (mente du 'source'?)"
            in err)


def test_norwegian_excel_booleans_are_read(tmp_path: Path, original) -> None:
    """A Norwegian Excel saves TRUE and FALSE as SANN and USANN in its CSV; the workbook
    import read them already, the CSV reader refused them."""
    folder = tmp_path / "sann"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "investments.csv"
    text = path.read_text(encoding="utf-8")
    assert ",false," in text and ",true," in text
    path.write_text(text.replace(",false,", ",USANN,").replace(",true,", ", SANN ,"),
                    encoding="utf-8")
    assert load_plan(folder).model_dump() == original
