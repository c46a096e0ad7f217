"""registered_sources (issue 4): registered sources with owners and encrypted locations; copies

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "registered_sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(128), nullable=False, unique=True),
        sa.Column("department_id", sa.Integer, nullable=False, index=True),
        sa.Column("responsible_user_id", sa.Integer, nullable=False, index=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("display", sa.String(1000), nullable=False, unique=True),
        sa.Column("location_envelope", sa.LargeBinary, nullable=False),
        sa.Column("scheme", sa.String(64), nullable=True),
        sa.Column("sample_rows", sa.Integer, nullable=True),
        sa.Column("full_scan", sa.Boolean, nullable=False),
        sa.Column("schedule_hours", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("source_record_id", sa.Integer, sa.ForeignKey("sources.id", ondelete="SET NULL"), nullable=True),
        sa.Column("last_scan_id", sa.Integer, sa.ForeignKey("scan_runs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("last_scan_at", TS, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("next_scan_at", TS, nullable=True, index=True),
    )
    op.create_table(
        "source_copies",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("registered_sources.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("holder_department_id", sa.Integer, nullable=False, index=True),
        sa.Column("responsible_user_id", sa.Integer, nullable=False),
        sa.Column("purpose", sa.String(500), nullable=False),
        sa.Column("location", sa.String(1000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("ended_by", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("source_copies")
    op.drop_table("registered_sources")
