"""inventory: sources, scan runs, tables, columns, detections, grades, scan errors

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("display", sa.String(1000), nullable=False, unique=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "scan_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("sample_rows", sa.Integer),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("table_count", sa.Integer, nullable=False),
        sa.Column("error_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "table_assets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("scan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("sampled_rows", sa.Integer, nullable=False),
        sa.Column("category", sa.String(200), nullable=False),
        sa.Column("warnings", sa.JSON, nullable=False),
        sa.UniqueConstraint("scan_id", "name"),
    )
    op.create_table(
        "column_assets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("table_id", sa.Integer, sa.ForeignKey("table_assets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "detections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("column_id", sa.Integer, sa.ForeignKey("column_assets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("ratio", sa.Float, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
    )
    op.create_table(
        "grades",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("table_id", sa.Integer, sa.ForeignKey("table_assets.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("scheme", sa.String(64), nullable=False),
        sa.Column("level", sa.Integer, nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("reasons", sa.JSON, nullable=False),
        sa.Column("derived", sa.Boolean, nullable=False),
        sa.UniqueConstraint("table_id", "scheme"),
    )
    op.create_table(
        "scan_errors",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scan_id", sa.Integer, sa.ForeignKey("scan_runs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("table", sa.String(500), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for name in ["scan_errors", "grades", "detections", "column_assets", "table_assets", "scan_runs", "sources"]:
        op.drop_table(name)
