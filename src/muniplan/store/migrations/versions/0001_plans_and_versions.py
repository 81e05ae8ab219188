"""Plans and their immutable versions, with each version's files.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("municipality_name", sa.String(200), nullable=False),
        sa.Column("municipality_number", sa.String(8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("parent", sa.Integer(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name="fk_plan_versions_plan_id_plans"
        ),
        sa.UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_id_number"),
        sa.ForeignKeyConstraint(
            ["plan_id", "parent"],
            ["plan_versions.plan_id", "plan_versions.number"],
            name="fk_plan_versions_parent",
        ),
        sa.CheckConstraint("number >= 1", name="ck_plan_versions_number_positive"),
        sa.CheckConstraint(
            "status IN ('draft', 'proposal', 'alternative', 'adopted')",
            name="ck_plan_versions_status_known",
        ),
        sa.CheckConstraint(
            "parent IS NULL OR parent < number", name="ck_plan_versions_parent_before"
        ),
    )
    op.create_index("ix_plan_versions_plan_id", "plan_versions", ["plan_id"])
    op.create_table(
        "plan_version_files",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("version_id", "path", name="pk_plan_version_files"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["plan_versions.id"],
            name="fk_plan_version_files_version_id_plan_versions",
        ),
    )


def downgrade() -> None:
    op.drop_table("plan_version_files")
    op.drop_index("ix_plan_versions_plan_id", table_name="plan_versions")
    op.drop_table("plan_versions")
    op.drop_table("plans")
