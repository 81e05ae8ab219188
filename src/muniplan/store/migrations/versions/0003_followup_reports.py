"""Follow-up reports (tertial reports and accounts) and their files.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followup_reports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Text(), nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_followup_reports"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"],
                                name="fk_followup_reports_plan_id_plans"),
        sa.ForeignKeyConstraint(["plan_id", "plan_version"],
                                ["plan_versions.plan_id", "plan_versions.number"],
                                name="fk_followup_reports_plan_version"),
        sa.UniqueConstraint("plan_id", "year", "period", "number",
                            name="uq_followup_reports_plan_id_year_period_number"),
        sa.CheckConstraint("period IN ('T1', 'T2', 'year')",
                           name="ck_followup_reports_period_known"),
        sa.CheckConstraint("status IN ('draft', 'published')",
                           name="ck_followup_reports_status_known"),
        sa.CheckConstraint("number >= 1", name="ck_followup_reports_number_positive"),
    )
    op.create_index("ix_followup_reports_plan_id", "followup_reports", ["plan_id"])
    op.create_table(
        "followup_report_files",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("report_id", "path", name="pk_followup_report_files"),
        sa.ForeignKeyConstraint(["report_id"], ["followup_reports.id"],
                                name="fk_followup_report_files_report_id_followup_reports"),
    )


def downgrade() -> None:
    op.drop_table("followup_report_files")
    op.drop_index("ix_followup_reports_plan_id", table_name="followup_reports")
    op.drop_table("followup_reports")
