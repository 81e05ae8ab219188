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
