"""signed approvals: the approver's SM2 signature on grant approvals and key destructions

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COMMON = ("approval_version", "approval_key_id", "approval_key_fingerprint", "approval_signature")


def _signature_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("approval_version", sa.Integer, nullable=True),
        sa.Column("approval_key_id", sa.Integer, nullable=True),
        sa.Column("approval_key_fingerprint", sa.String(64), nullable=True),
        sa.Column("approval_signature", sa.String(256), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("access_grants") as batch:
        batch.add_column(sa.Column("approval_signer", sa.String(64), nullable=True))
        for column in _signature_columns():
            batch.add_column(column)
    with op.batch_alter_table("key_destructions") as batch:
        for column in _signature_columns():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("key_destructions") as batch:
        for name in reversed(_COMMON):
            batch.drop_column(name)
    with op.batch_alter_table("access_grants") as batch:
        for name in reversed(_COMMON):
            batch.drop_column(name)
        batch.drop_column("approval_signer")
