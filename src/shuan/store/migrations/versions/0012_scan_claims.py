"""scan claims (issue 4): a registered source is scanned by one process at a time

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registered_sources") as batch:
        batch.add_column(sa.Column("scan_claim", sa.String(64), nullable=True))
        batch.add_column(sa.Column("scan_claim_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registered_sources") as batch:
        batch.drop_column("scan_claim_until")
        batch.drop_column("scan_claim")
