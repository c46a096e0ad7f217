"""key hierarchy: wrapped key records and approved destructions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_records",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key_id", sa.String(300), nullable=False, unique=True),
        sa.Column("scope", sa.String(280), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("algorithm", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("department_id", sa.Integer, nullable=True, index=True),
        sa.Column("wrapped_by", sa.String(300), nullable=False),
        sa.Column("wrapped", sa.LargeBinary, nullable=True),
        sa.Column("public", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("scope", "version"),
    )
    op.create_table(
        "key_destructions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("scope", sa.String(280), nullable=False, index=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_by_id", sa.Integer, nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("versions_destroyed", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("key_destructions")
    op.drop_table("key_records")
