"""The document as its readers meet it: a politician or an auditor reading the appendix and
the priority areas should find Norwegian names, numbers in Norwegian format and no file keys
or source paths of the program."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pdf_helpers import require_pdf_engine

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.load import load_plan
from muniplan.report.document import build_html, laid_out_pdf
from muniplan.report.formatting import plain
from muniplan.report.provenance import ASSUMPTION_LABELS, figure_rows


@pytest.fixture(scope="module")
def run():
    plan = load_plan()
    return plan, project(plan)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_every_assumption_of_the_plan_has_a_name_for_readers(run, lang):
    plan, _ = run
    names = [name for name, series in plan.assumptions if series is not None]
    assert set(names) <= set(ASSUMPTION_LABELS), set(names) - set(ASSUMPTION_LABELS)
    labels = [r.cells[0] for r in figure_rows(plan, lang)]
    for name in names:
        assert name.replace("_", " ") not in labels, name
    assert ("Årslønnsvekst" if lang == "nb" else "Annual wage growth") in labels
    money = "Andre finansinntekter (1000 kr)" if lang == "nb" else \
        "Other financial income (NOK 1000)"
    assert money in labels


def test_the_appendix_names_no_file_key_and_no_source_path(run):
    text = _text(build_html(*run))
    appendix = text[text.index("Tallenes opphav"):]
    for key in ("wage growth", "price growth", "deflator wage weight", "interest rate",
                "cost growth", "investment execution rate", "financial income"):
        assert key not in appendix, key
    assert ".py" not in text
    # a rule's limit reads as mathematics, not as the plan file's operator
    assert "≥ 4,0 %" in appendix and ">=" not in appendix


@pytest.mark.parametrize(("lang", "expected"), [("nb", "16 000"), ("en", "16,000")])
def test_a_target_is_written_in_the_languages_number_format(run, lang, expected):
    text = _text(build_html(*run, lang=lang))
    assert "16000" not in text
    assert f"2018: {expected}" in text  # the appendix
    assert re.search(rf"elever\b.*? {expected} ", text)  # the priority area's target table


@pytest.mark.parametrize(("x", "lang", "expected"), [
    (16000, "nb", "16\u00a0000"), (16000, "en", "16,000"), (2.5, "nb", "2,5"),
    (2.5, "en", "2.5"), (32.0, "nb", "32"), (-0.125, "nb", "−0,125"), (1234.5, "en", "1,234.5"),
])
def test_plain_keeps_the_figures_own_decimals(x, lang, expected):
    assert plain(x, lang) == expected


def test_the_laid_out_document_knows_its_page_count(run):
    require_pdf_engine()
    doc = laid_out_pdf(*run)
    pdf = doc.write_pdf()
    assert pdf.startswith(b"%PDF")
    assert 20 < len(doc.pages) < 40  # the Bærum document is some 26 A4 pages


def test_the_english_cover_gives_the_price_basis_in_english(run, tmp_path):
    text = _text(build_html(*run, lang="en"))
    assert "fixed 2018 kroner" in text
    assert "faste 2018-kroner" not in text
    actuals = Path(__file__).parent / "followup" / "baerum" / "actuals"
    assert run_guarded(app, ["followup", "--year", "2018", "--period", "T2", "--actuals",
                             str(actuals), "--out", str(tmp_path), "--lang", "en"]) == 0
    followup = _text((tmp_path / "oppfolging-2018-T2.html").read_text(encoding="utf-8"))
    assert "current 2018 kroner" in followup
    assert "løpende" not in followup


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_service_shown_under_two_sectors_says_so(run, lang):
    """Øvrige tjenester spans Miljø, idrett og kultur and Organisasjon, styring og utvikling:
    its demographic cost stands under both, and each table must say it is the same amount."""
    text = _text(build_html(*run, lang=lang))
    service = "Øvrige tjenester (MIK, administrasjon)"
    said = ("gjelder også", "står under hver av sektorene") if lang == "nb" else \
        ("also covers", "shown under each of the sectors")
    assert text.count(f"{service} {said[0]} Organisasjon, styring og utvikling") == 1
    assert text.count(f"{service} {said[0]} Miljø, idrett og kultur") == 1
    assert text.count(said[1]) == 2


def test_the_english_followup_gives_its_assumptions_in_english(tmp_path, capsys):
    """The threshold and forecast assumptions are the follow-up's own bokmål sentences; an
    English report, on paper or at the terminal, gives them in English."""
    actuals = Path(__file__).parent / "followup" / "baerum" / "actuals"
    args = ["followup", "--year", "2018", "--period", "T2", "--actuals", str(actuals),
            "--lang", "en"]
    assert run_guarded(app, [*args, "--out", str(tmp_path)]) == 0
    doc = _text((tmp_path / "oppfolging-2018-T2.html").read_text(encoding="utf-8"))
    capsys.readouterr()
    assert run_guarded(app, args) == 0
    terminal = " ".join(capsys.readouterr().out.split())
    for text in (doc, terminal):
        assert "A deviation is reported when the forecast differs" in text
        assert "Forecast where the staff gave none" in text
        for word in ("Avvik rapporteres", "Prognose uten", "sesongandel"):
            assert word not in text, word


def test_the_english_sector_sentence_gives_amounts_in_english(run):
    en = _text(build_html(*run, lang="en"))
    assert "Storøya skole (NOK 300 million, completed 2021)" in en
    assert "mill. kr, completed" not in en
    nb = _text(build_html(*run))
    assert "Storøya skole (300 mill. kr, ferdig 2021)" in nb
