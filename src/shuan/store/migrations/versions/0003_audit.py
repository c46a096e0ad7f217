"""audit tables of the security core: event chain, head, signed checkpoints

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", BIG, primary_key=True, autoincrement=False),
        sa.Column("ts", sa.String(27), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("actor_id", sa.String(20), nullable=False),
        sa.Column("department_id", sa.String(20), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("resource", sa.String(1000), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("client", sa.String(200), nullable=False),
        sa.Column("session", sa.String(100), nullable=False),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    for col in ("ts", "actor", "action", "resource"):
        op.create_index(f"ix_audit_events_{col}", "audit_events", [col])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", BIG, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    head = sa.table("audit_head", sa.column("id", sa.Integer), sa.column("seq", BIG), sa.column("hash", sa.String))
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": "0" * 64}])
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("upto_seq", BIG, nullable=False, unique=True),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("ts", sa.String(27), nullable=False),
        sa.Column("key_id", sa.String(100), nullable=False),
        sa.Column("interval", sa.Integer, nullable=False),
        sa.Column("prev_seq", BIG, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
    )
    op.create_table(
        "audit_anchor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", BIG, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("archive_sm3", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_head")
    op.drop_table("audit_events")
