"""extracts (issue 5): the register of fingerprinted copies delivered to recipients (leak tracing)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "extracts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient_kind", sa.String(16), nullable=False),
        sa.Column("recipient_id", sa.Integer, nullable=False),
        sa.Column("recipient_name", sa.String(100), nullable=False),
        sa.Column("recipient_department_id", sa.Integer, nullable=True),
        sa.Column("provider_department_id", sa.Integer, nullable=True),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("output_name", sa.String(1000), nullable=False),
        sa.Column("output_format", sa.String(16), nullable=False),
        sa.Column("output_digest", sa.String(64), nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("marks", sa.JSON, nullable=False),
        sa.Column("marked_cells", sa.Integer, nullable=False),
        sa.Column("scheme", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_by_name", sa.String(64), nullable=False),
    )
    op.create_index("ix_extracts_recipient", "extracts", ["recipient_kind", "recipient_id"])
    op.create_index("ix_extracts_output_digest", "extracts", ["output_digest"])


def downgrade() -> None:
    op.drop_index("ix_extracts_output_digest", table_name="extracts")
    op.drop_index("ix_extracts_recipient", table_name="extracts")
    op.drop_table("extracts")
