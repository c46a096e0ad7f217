"""gateway (issue 5 item 5): published data services

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "data_services",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("registered_sources.id", ondelete="RESTRICT"),
                  nullable=False),
        sa.Column("table_name", sa.String(500), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("column_types", sa.JSON, nullable=False),
        sa.Column("table_columns", sa.JSON, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("scenario", sa.String(16), nullable=False),
        sa.Column("default_limit", sa.Integer, nullable=False),
        sa.Column("max_limit", sa.Integer, nullable=False),
        sa.Column("rate_per_minute", sa.Integer, nullable=False),
        sa.Column("department_id", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("catalog_entry_id", sa.Integer, sa.ForeignKey("catalog_entries.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=True),
        sa.Column("retired_at", TS, nullable=True),
        sa.Column("retired_by", sa.Integer, nullable=True),
        sa.Column("retire_reason", sa.Text, nullable=True),
        sa.UniqueConstraint("name", name="uq_data_services_name"),
        sa.CheckConstraint("status IN ('active', 'retired')", name="ck_data_services_status"),
    )
    op.create_index("ix_data_services_source_id", "data_services", ["source_id"])
    op.create_index("ix_data_services_department_id", "data_services", ["department_id"])


def downgrade() -> None:
    op.drop_index("ix_data_services_department_id", table_name="data_services")
    op.drop_index("ix_data_services_source_id", table_name="data_services")
    op.drop_table("data_services")
