"""``validate``'s summary counts: singular for exactly one, plural otherwise, in both
languages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from muniplan.cli import i18n, main
from muniplan.plan.load import EXAMPLES_DIR


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("nb", 1, "1 investering"), ("nb", 0, "0 investeringer"), ("nb", 18, "18 investeringer"),
    ("en", 1, "1 investment"), ("en", 2, "2 investments"),
    ("nb", 1, "1 handlingsregel"), ("en", 1, "1 rule"), ("nb", 1234, "1\u00a0234 investeringer"),
])
def test_a_count_agrees_with_its_number(lang: str, n: int, expected: str) -> None:
    one, many = ("handlingsregel", "handlingsregler") if "regel" in expected or "rule" in \
        expected else ("investering", "investeringer")
    i18n.set_language(lang)
    try:
        assert i18n.count(n, one, many) == expected
    finally:
        i18n.set_language(i18n.DEFAULT_LANGUAGE)


def _one_investment(tmp_path: Path) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(EXAMPLES_DIR / "baerum-2018-2021", folder)
    investments = folder / "investments.csv"
    header, first = investments.read_text(encoding="utf-8").splitlines()[:2]
    investments.write_text(f"{header}\n{first}\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize(("lang", "expected"), [
    ("nb", "4 sektorer, 13 programområder, 1 investering (350 mill. kr), 5 satsingsområder, "
           "5 handlingsregler, 7 tjenester"),
    ("en", "4 sectors, 13 programme areas, 1 investment (NOK 350 million), 5 priority areas, "
           "5 rules, 7 services"),
])
def test_validate_says_one_investment(tmp_path: Path, lang: str, expected: str,
                                      capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(_one_investment(tmp_path)), "--lang", lang])
    assert exc.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())
