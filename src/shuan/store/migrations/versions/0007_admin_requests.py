"""dual control of changes to 三员 accounts: pending administrative requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "admin_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target_username", sa.String(64), nullable=False),
        sa.Column("target_user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("excluded_roles", sa.JSON, nullable=False),
        sa.Column("requested_by", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
    )
    op.create_index("ix_admin_requests_target_username", "admin_requests", ["target_username"])
    op.create_index("ix_admin_requests_status", "admin_requests", ["status"])


def downgrade() -> None:
    op.drop_index("ix_admin_requests_status", table_name="admin_requests")
    op.drop_index("ix_admin_requests_target_username", table_name="admin_requests")
    op.drop_table("admin_requests")
