"""What citizens send: simulator submissions and comments on the plan.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def _moderation() -> list[sa.Column]:
    return [
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("moderated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("moderated_by", sa.Text(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "citizen_submissions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("choices", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("postcode", sa.String(4), nullable=True),
        sa.Column("age_group", sa.String(8), nullable=True),
        *_moderation(),
        sa.PrimaryKeyConstraint("id", name="pk_citizen_submissions"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name="fk_citizen_submissions_plan_id_plans"),
        sa.CheckConstraint("status IN ('pending', 'published', 'rejected')",
                           name="ck_citizen_submissions_status_known"),
        sa.CheckConstraint("version_number >= 1",
                           name="ck_citizen_submissions_version_positive"),
    )
    op.create_index("ix_citizen_submissions_plan_id", "citizen_submissions", ["plan_id"])
    op.create_table(
        "citizen_comments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_moderation(),
        sa.PrimaryKeyConstraint("id", name="pk_citizen_comments"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name="fk_citizen_comments_plan_id_plans"),
        sa.CheckConstraint("status IN ('pending', 'published', 'rejected')",
                           name="ck_citizen_comments_status_known"),
        sa.CheckConstraint("target_kind IN ('plan', 'priority', 'measure', 'investment')",
                           name="ck_citizen_comments_target_known"),
        sa.CheckConstraint("version_number >= 1",
                           name="ck_citizen_comments_version_positive"),
    )
    op.create_index("ix_citizen_comments_plan_id", "citizen_comments", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_citizen_comments_plan_id", table_name="citizen_comments")
    op.drop_table("citizen_comments")
    op.drop_index("ix_citizen_submissions_plan_id", table_name="citizen_submissions")
    op.drop_table("citizen_submissions")
