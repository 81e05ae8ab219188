"""The document: HTML sections and figures, the PDF through poppler (pages, text, PNGs)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from page_language import NORWEGIAN, pieces, words, wrong_language
from pdf_helpers import require_pdf_engine

from muniplan.cli import app
from muniplan.cli.common import run_guarded
from muniplan.engine.projection import project
from muniplan.plan.load import load_plan
from muniplan.report.document import build_html

REQUIRE = os.environ.get("MUNIPLAN_REQUIRE_BROWSER") == "1"


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if REQUIRE:
            pytest.fail(f"{tool} (poppler-utils) is required when MUNIPLAN_REQUIRE_BROWSER=1")
        pytest.skip(f"{tool} (poppler-utils) not installed")
    return path


@pytest.fixture(scope="module")
def run():
    plan = load_plan()
    return plan, project(plan)


@pytest.fixture(scope="module")
def html(run) -> str:
    return build_html(*run)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_html_has_the_handlingsprogram_structure(html):
    text = _text(html)
    for heading in ("Del 1 – Hovedoversikter", "Hovedoversikt drift", "Nøkkeltall",
                    "Endringer i sektorenes rammer", "Investeringer – samlet prosjektoversikt",
                    "Budsjettskjema 1A – drift", "Budsjettskjema 1B", "Budsjettskjema 2A",
                    "Budsjettskjema 2B", "Del 2 – Rådmannens forslag", "Økonomi",
                    "Satsingsområder", "Klimaklok kommune", "Sektor barn og unge",
                    "Langsiktig bærekraft", "Innsparingsbehov", "Demografikostnader",
                    "Vedlegg – kilder og forutsetninger", "Tallenes opphav", "Kilder"):
        assert heading in text, heading
    assert "Tallene er avrundet; summer kan avvike." in text
    # the 2018 frames (9.4 bn) and the investment programme in 1000 kr
    assert "9 400 000" in text
    assert "Sum investeringer" in text


def test_html_is_self_contained(html):
    assert "<svg" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<link" not in html and "<script" not in html


def test_key_figures_match_the_projection(run, html):
    _, proj = run
    ndr = proj.series["net_operating_result_ratio"][0]
    expected = f"{100 * ndr:.1f}".replace(".", ",") + "\u00a0%"
    assert expected in html


def test_english_labels(run):
    text = _text(build_html(*run, lang="en"))
    for heading in ("Part 1 – Main overviews", "Key figures", "Budget schedule 1A – operations",
                    "Available for operations", "Long-term sustainability",
                    "Appendix – sources and assumptions"):
        assert heading in text, heading


def test_the_adoption_line_is_marked_bokmal_in_english(run):
    """The council's own words of adoption are an official text: quoted, marked bokmål."""
    page = build_html(*run, lang="en")
    assert '<span lang="nb">Vedtatt av kommunestyret' in page


def test_2018_regime_document_has_the_regulation_overviews(run):
    plan, _ = run
    p2 = plan.model_copy(update={"law_regime": "2018"})
    text = _text(build_html(p2, project(p2)))
    assert "Bevilgningsoversikt drift (§ 5-4 første ledd)" in text
    assert "Bevilgningsoversikt investering (§ 5-5 andre ledd)" in text
    assert "Økonomisk oversikt etter art – drift (§ 5-6)" in text
    assert "årsrapport 2016" in text.lower()


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory) -> Path:
    require_pdf_engine()
    out = tmp_path_factory.mktemp("report") / "hp"
    assert run_guarded(app, ["report", "--out", str(out), "--pdf"]) == 0
    return out


def test_cli_writes_html_and_pdf(pdf_dir):
    assert (pdf_dir / "handlingsprogram.html").stat().st_size > 50_000
    pdf = pdf_dir / "handlingsprogram.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not [p for p in pdf_dir.parent.iterdir() if p.name.startswith(".")]


def test_pdf_pages_text_and_images(pdf_dir, tmp_path):
    pdf = pdf_dir / "handlingsprogram.pdf"
    info = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 12 <= pages <= 60
    assert "A4" in info or "595.28 x 841.89" in info
    text = subprocess.run([_poppler("pdftotext"), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = re.sub(r"\s+", " ", text.replace("\u00a0", " "))
    for heading in ("Innhold", "Del 1 – Hovedoversikter", "Budsjettskjema 1A – drift",
                    "Nøkkeltall", "Langsiktig bærekraft", "Tallenes opphav"):
        assert heading in flat, heading
    assert "9 400 000" in flat
    # the table of contents carries page numbers (target-counter)
    assert re.search(r"Nøkkeltall \.{3,} ?\d+", flat)
    subprocess.run([_poppler("pdftoppm"), "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf),
                    str(tmp_path / "page")], check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 3 and all(p.stat().st_size > 2_000 for p in pngs)


def _text_edges() -> tuple[float, float]:
    """The left and right edges of the text on an A4 page, in points, from the stylesheet's
    ``@page { margin: top right bottom left }``."""
    from muniplan.report import document

    css = (Path(document.__file__).parent / "templates" / "handlingsprogram.css").read_text()
    margins = re.search(r"@page\s*\{[^}]*margin:\s*([^;]+);", css).group(1).split()
    right, left = (float(m.removesuffix("mm")) * 72 / 25.4 for m in (margins[1], margins[3]))
    return left, 595.276 - right


def _outside_the_margins(pdf: Path) -> tuple[int, list[tuple[int, str, float, float]]]:
    """The number of pages of ``pdf``, and every word on them (tables, figures' labels,
    headings) that poppler places outside the text margins: (page, word, left, right)."""
    boxes = subprocess.run([_poppler("pdftotext"), "-bbox", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    left, right = _text_edges()
    outside = []
    pages = boxes.split("<page ")[1:]
    for number, page in enumerate(pages, start=1):
        for x_min, x_max, word in re.findall(
                r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]*)<', page):
            if float(x_min) < left - 0.5 or float(x_max) > right + 0.5:
                outside.append((number, word, float(x_min), float(x_max)))
    return len(pages), outside


def test_no_table_reaches_past_the_text_margins(pdf_dir):
    """An eight-year table of 1000 kr once reached 41 pt past the right margin."""
    pages, outside = _outside_the_margins(pdf_dir / "handlingsprogram.pdf")
    assert pages >= 12
    assert outside == [], f"words outside the margins: {outside[:10]}"


def test_the_followup_report_keeps_within_the_margins(tmp_path):
    require_pdf_engine()
    actuals = Path(__file__).parent / "followup" / "baerum" / "actuals"
    assert run_guarded(app, ["followup", "--year", "2018", "--period", "T2", "--actuals",
                             str(actuals), "--out", str(tmp_path), "--pdf"]) == 0
    pages, outside = _outside_the_margins(tmp_path / "oppfolging-2018-T2.pdf")
    assert pages >= 3
    assert outside == [], f"words outside the margins: {outside[:10]}"


def test_a_table_of_eight_years_is_set_small_and_words_wrap(html):
    assert re.search(r'<figure class="table small[^"]*" id="tab-framskriving"', html)
    assert re.search(r'<figure class="table[^"]*" id="tab-handlingsregler"', html)
    assert '<td class="num words">ikke framskrevet</td>' in html
    assert '<td class="num">' in html


def test_failure_writes_nothing(tmp_path):
    out = tmp_path / "never"
    code = run_guarded(app, ["report", str(tmp_path / "no-such-plan"), "--out", str(out)])
    assert code == 2
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_report_renders_under_the_other_law(tmp_path) -> None:
    from muniplan.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["report", "--law", "2018", "--out", str(tmp_path / "doc")])
    assert exit_.value.code == 0
    html = (tmp_path / "doc" / "handlingsprogram.html").read_text(encoding="utf-8")
    assert "§ 5-4" in html and "§ 5-5" in html and "§ 5-6" in html
    assert "Budsjettskjema 1A" not in html


def test_the_plans_own_words_are_marked_bokmal_in_english(run):
    """An English document quotes the plan's names (title, sectors, programme areas, projects,
    priority areas) and reasons in bokmål, each marked ``lang="nb"`` so a screen reader
    reads it as Norwegian; no Norwegian sentence is left unmarked. ("kroner" is the
    currency's English name too: "fixed kroner are 2018 kroner" is English.)"""
    plan, _ = run
    page = build_html(*run, lang="en")
    unmarked = [w for w in wrong_language(page)
                if len({x for x in words(w) if x in NORWEGIAN} - {"kroner"}) >= 2]
    assert unmarked == []
    marked = {text.strip() for lang, text in pieces(page)[1] if lang == "nb"}
    area = plan.sectors[0].program_areas[0].name
    assert {plan.title, plan.sectors[0].name, area, plan.investments[0].name,
            plan.priority_areas[0].name} <= marked


def test_a_bokmal_document_marks_nothing(run):
    assert '<span lang="nb">' not in build_html(*run, lang="nb").split("</header>", 1)[1]
