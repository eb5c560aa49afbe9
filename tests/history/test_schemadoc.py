"""docs/schema.md is generated, complete and in sync with the models and views."""

from __future__ import annotations

from db.history import VIEWS_METADATA
from db.models import Base
from db.schemadoc import COLUMN_NOTES, SCHEMA_DOC, column_note, render


def test_committed_schema_doc_is_the_generated_one() -> None:
    assert SCHEMA_DOC.read_text(encoding="utf-8") == render(), "run: python -m db.schemadoc"


def test_every_table_column_is_described() -> None:
    undescribed = [
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if not column_note(table, column)
    ]
    assert undescribed == []


def test_no_description_is_left_for_a_column_that_is_gone() -> None:
    columns = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.sorted_tables
        for column in table.columns
    }
    assert sorted(set(COLUMN_NOTES) - columns) == []


def test_every_view_and_view_column_is_described() -> None:
    undescribed = [view.name for view in VIEWS_METADATA.tables.values() if not view.comment] + [
        f"{view.name}.{column.name}"
        for view in VIEWS_METADATA.tables.values()
        for column in view.columns
        if not column.comment
    ]
    assert undescribed == []
