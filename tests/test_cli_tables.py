"""The CLI's tables at 80 columns (no number cut), every year on request, and CSV for
Norwegian Excel."""

from __future__ import annotations

import re

import pytest

from muniplan.cli import main
from muniplan.cli.tables import column_blocks, wrap_id


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_column_blocks_fit_the_width() -> None:
    blocks = column_blocks(18, [7] * 23, 80)
    assert [j for b in blocks for j in b] == list(range(23))
    assert all(18 + 2 + 2 + 10 * len(b) <= 80 for b in blocks)


@pytest.mark.parametrize("argv", [
    ["project", "--summary"], ["project"], ["project", "--summary", "--years", "all"],
    ["project", "--lang", "en"], ["show"], ["show", "--lang", "en"], ["scenarios"],
    ["scenarios", "--lang", "en"], ["population", "--draws", "50"],
    ["population", "--draws", "50", "--lang", "en"],
])
def test_no_number_is_cut_at_80_columns(capsys, argv: list[str]) -> None:
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_every_year_on_request(capsys) -> None:
    code, out, _ = run(["project", "--summary", "--years", "all"], capsys)
    assert code == 0
    for year in range(2018, 2041):
        assert f" {year} " in out or f" {year}\n" in out


def test_csv_for_norwegian_excel(capsys) -> None:
    code, out, _ = run(["project", "--format", "csv", "--sep", ";"], capsys)
    assert code == 0
    assert out.startswith("\ufeffseries;label;unit;price_basis;2018;2019;")
    ratio = next(line for line in out.splitlines()
                 if line.startswith("net_operating_result_ratio;"))
    values = ";".join(ratio.split(";")[4:])
    assert "," in values and "." not in values  # decimal comma
    assert "\r\n" in out


@pytest.mark.parametrize(("argv", "message"), [
    (["project", "--years", "some"], "--years: forventet 'all'"),
    (["project", "--format", "csv", "--sep", "|"], "--sep: forventet ',' eller ';'"),
])
def test_bad_options(capsys, argv: list[str], message: str) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2 and message in err


def test_population_intervals_on_rows_of_their_own(capsys) -> None:
    """A cell "(127 728–130 106)" wrapped inside its numbers at 80 columns; each bound now
    has a row, every figure whole."""
    code, out, _ = run(["population", "--draws", "50"], capsys)
    assert code == 0
    lines = out.splitlines()
    total = next(i for i, line in enumerate(lines) if line.strip().startswith("I alt"))
    assert lines[total + 1].split()[0] == "nedre" and lines[total + 2].split()[0] == "øvre"
    bounds = [c for c in lines[total + 1].split(" ") if c]  # a figure holds no-break spaces
    assert len(bounds) == 1 + 5 and bounds[1] == "127\u00a0748"  # each year after the base


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_sectors_row_is_named_by_the_plan(capsys, lang: str) -> None:
    """The sector's name from sectors.csv ("Miljø, idrett og kultur"), not its id spelt out."""
    code, out, _ = run(["project", "--lang", lang], capsys)
    assert code == 0
    assert "Miljø," in out  # the name may wrap in a narrow table
    assert "miljo" not in out


def _labels(out: str) -> str:
    """The label column read down, its wrapped lines joined (the first 28 characters of
    every line: 26 for the label and the table's padding)."""
    return " ".join(" ".join(ln[:28].strip() for ln in out.splitlines()).split())


def test_a_code_is_shown_as_the_engine_gives_it(capsys, monkeypatch) -> None:
    """ROBEK breaks in 2036–2040 (the checks say so); the row 'ROBEK-kriterium oppfylt
    (1 = ja)' must then read 1 in those years, not the 0 a million-kroner format made."""
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(["project", "--years", "all"], capsys)
    assert code == 0
    assert "ROBEK (kommuneloven 1992 § 60 nr. 1)" in out and "brutt i 2036–2040" in out
    cells = [c for ln in out.splitlines() if ln.strip().startswith("ROBEK-kriterium")
             for c in ln.split()[3:]]
    assert cells == ["0"] * 18 + ["1"] * 5


@pytest.mark.parametrize(("lang", "words"), [
    ("nb", ("Brukere, Barnehage (personer)", "(år)", "(indeks)")),
    ("en", ("(persons)", "(years)", "(index)")),
])
def test_a_row_not_in_kroner_says_its_unit(capsys, monkeypatch, lang, words) -> None:
    """Under a title 'mill. løpende kr', 7 488 children in kindergarten or a useful life of
    39,7 years must say what they count."""
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(["project", "--lang", lang], capsys)
    assert code == 0
    labels = _labels(out)
    for word in words:
        assert word in labels, word
    assert "39,737" not in out and "39.737" not in out


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_monte_carlo_tables_cut_no_number_and_name_the_rules(capsys, lang) -> None:
    """With --draws the fans and the breach probabilities fit 80 columns whole (they were
    cut to '105,0…'), and a rule is named as in the checks, not by its id (R1, robek)."""
    code, out, _ = run(["project", "--draws", "200", "--seed", "1", "--summary",
                        "--lang", lang], capsys)
    assert code == 0
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 80
    rules = out[out.index("Sannsynlighet" if lang == "nb" else "Probability"):]
    for rule_id in ("R1", "R2", "R3", "R4", "balanse", "robek"):
        assert not re.search(rf"^\s+{rule_id}\s+(\d+ %|–)", rules, re.M), rule_id
    assert "Netto driftsresultat minst" in rules  # the plan's own name, in both languages


def test_wrap_id_breaks_after_hyphens() -> None:
    assert wrap_id("avtjerna-framskyndet", 15) == "avtjerna-\nframskyndet"
    assert wrap_id("rente-pluss-2", 15) == "rente-pluss-2"
    assert wrap_id("rente-pluss-2", 8) == "rente-\npluss-2"
    assert wrap_id("investeringstakt", 10) == "investeringstakt"  # the table folds it


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_scenario_id_wraps_at_its_hyphens(capsys, lang) -> None:
    """At 80 columns 'avtjerna-framskyndet' showed as 'avtjerna-framsk' over 'yndet'."""
    code, out, _ = run(["scenarios", "--lang", lang], capsys)
    assert code == 0
    firsts = [ln[:18].strip() for ln in out.splitlines()]
    for head, tail in (("avtjerna-", "framskyndet"), ("effektive-", "tjenester"),
                       ("utsatte-", "investeringer")):
        i = firsts.index(head)
        assert firsts[i + 1].startswith(tail), (head, firsts[i + 1])
    assert "rente-pluss-2" in firsts


@pytest.mark.parametrize(("lang", "role", "own", "managed"), [
    ("nb", "Bufferfond", "Fond, Bufferfond", "Fond, Forvaltningsfond"),
    ("en", "Buffer fund", "Fund, Bufferfond", "Fund, Forvaltningsfond")])
def test_a_fund_alone_in_its_role_is_shown_once(capsys, lang, role, own, managed) -> None:
    """Bærum's buffer fund is the whole buffer role: one figure, one row (not also as the
    fund's own series under a second name); a fund outside the roles keeps its row."""
    code, out, _ = run(["project", "--lang", lang], capsys)
    assert code == 0
    labels = [line[:28].strip() for line in out.splitlines()]
    assert role in labels and managed in labels
    assert own not in labels


def test_funds_sharing_a_role_keep_their_own_rows() -> None:
    from muniplan.report.formatting import distinct_series

    names = ("buffer_fund", "liquidity_reserve", "fund_a", "fund_b", "fund_c", "fund_d")
    funds = [("a", "buffer"), ("b", "buffer"), ("c", "reserve"), ("d", "managed")]
    assert distinct_series(names, funds) == (
        "buffer_fund", "liquidity_reserve", "fund_a", "fund_b", "fund_d")
