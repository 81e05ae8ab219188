"""The one description of the plan folder (``plan.format``) is the one the loader, the
writers and the reference page use."""

from __future__ import annotations

from pathlib import Path

from muniplan.plan import format as fmt
from muniplan.plan.model import Investment, ProgramArea

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "plan-format.md"


def test_the_reference_page_is_generated_from_the_description():
    text = PAGE.read_text(encoding="utf-8")
    assert fmt.regenerate(text) == text, (
        "docs/plan-format.md is out of date: run python -m muniplan.plan.format")


def test_every_column_is_a_field_of_the_model():
    fields = {"sectors.csv": set(ProgramArea.model_fields) | {"sector_id", "sector_name",
                                                              "program_area_id",
                                                              "program_area_name",
                                                              "program_area_number"},
              "investments.csv": set(Investment.model_fields)}
    for table in fmt.TABLES:
        names = {c.name for c in table.columns}
        assert names <= fields[table.file], names - fields[table.file]
        assert table.id_column in names


def test_every_investment_field_has_a_column():
    described = {c.name for c in fmt.INVESTMENTS.columns} | {"cost", "note"}
    assert set(Investment.model_fields) == described


def test_labels_are_norwegian_and_unique():
    for table in fmt.TABLES:
        labels = [c.label for c in table.columns]
        assert len(set(labels)) == len(labels)
        assert not {"name", "sector", "category", "source"} & set(labels)


def test_every_key_of_plan_yaml_is_described_once():
    """The plan.yaml table of the reference page lists exactly the model's keys that
    plan.yaml holds: a new field of ``Plan`` fails here until it is described."""
    from muniplan.plan.model import Plan

    names = [k.name for k in fmt.PLAN_KEYS]
    assert len(names) == len(set(names))
    assert set(names) == set(Plan.model_fields) - fmt.IN_OTHER_FILES


def test_the_key_forms_come_from_the_model():
    forms = {k.name: fmt.key_form(k) for k in fmt.PLAN_KEYS}
    assert forms["law_regime"] == '`"1992"`, `"2018"`'
    assert forms["amount_scale"] == "`1`, `1000`, `1000000`"
    assert forms["sources"] == "a list of `{id, title, url?, publisher?, note?}`"
    assert forms["price_basis"] == "`fixed YEAR` or `nominal`"  # written as text, read to a model
    page = PAGE.read_text(encoding="utf-8")
    assert "| `municipality` | yes | `{name, number}` |" in page
