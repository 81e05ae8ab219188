"""Results computed from a plan version and kept (the Bærekraft page's Monte Carlo run).

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "computed_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["plan_versions.id"],
                                name="fk_computed_results_version_id_plan_versions"),
        sa.PrimaryKeyConstraint("id", name="pk_computed_results"),
        sa.UniqueConstraint("version_id", "kind", "key", name="uq_computed_results_version_id"),
    )


def downgrade() -> None:
    op.drop_table("computed_results")
