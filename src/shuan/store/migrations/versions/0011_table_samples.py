"""table samples (issue 4): a few raw values per column of registered scans, SM4-enveloped, with masked forms

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "table_samples",
        sa.Column("table_id", sa.Integer, sa.ForeignKey("table_assets.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("masked", sa.JSON, nullable=False),
        sa.Column("envelope", sa.LargeBinary, nullable=False),
        sa.Column("department_id", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("table_samples")
