"""reviews (issue 4): steward reviews of columns (history kept) and console notifications

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "column_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_record_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False),
        sa.Column("table_name", sa.String(500), nullable=False),
        sa.Column("column_name", sa.String(500), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("types", sa.JSON, nullable=True),
        sa.Column("level", sa.Integer, nullable=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("reviewer_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reviewer_name", sa.String(64), nullable=False),
        sa.Column("department_id", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("superseded_at", TS, nullable=True),
    )
    op.create_index("ix_column_reviews_column", "column_reviews", ["source_record_id", "table_name", "column_name"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("source_record_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("scan_runs.id", ondelete="CASCADE"), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS, nullable=True),
    )
    op.create_index("ix_notifications_user_id", "notifications", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_notifications_user_id", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_column_reviews_column", table_name="column_reviews")
    op.drop_table("column_reviews")
