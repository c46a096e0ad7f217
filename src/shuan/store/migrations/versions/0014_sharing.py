"""sharing (issue 5): the 政务信息资源目录, share requests and their signed decisions

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "catalog_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.JSON, nullable=False),
        sa.Column("provider_department_id", sa.Integer, nullable=False),
        sa.Column("provider_code", sa.String(64), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("items", sa.JSON, nullable=False),
        sa.Column("resource_path", sa.String(512), nullable=False),
        sa.Column("share_type", sa.String(16), nullable=False),
        sa.Column("share_condition", sa.Text, nullable=True),
        sa.Column("share_method", sa.String(32), nullable=True),
        sa.Column("share_basis", sa.Text, nullable=True),
        sa.Column("open_type", sa.String(16), nullable=False),
        sa.Column("open_condition", sa.Text, nullable=True),
        sa.Column("open_basis", sa.Text, nullable=True),
        sa.Column("update_cycle", sa.String(16), nullable=False),
        sa.Column("published_on", sa.Date, nullable=True),
        sa.Column("related_codes", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("updated_by", sa.Integer, nullable=True),
        sa.UniqueConstraint("code", name="uq_catalog_entries_code"),
        sa.CheckConstraint(
            "share_type IN ('unconditional', 'conditional', 'none')", name="ck_catalog_entries_share"
        ),
        sa.CheckConstraint(
            "open_type IN ('unconditional', 'conditional', 'none')", name="ck_catalog_entries_open"
        ),
        sa.CheckConstraint("status IN ('draft', 'published', 'withdrawn')", name="ck_catalog_entries_status"),
    )
    op.create_index(
        "ix_catalog_entries_provider_department_id", "catalog_entries", ["provider_department_id"]
    )
    op.create_index("ix_catalog_entries_resource_path", "catalog_entries", ["resource_path"])
    op.create_table(
        "share_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "entry_id", sa.Integer, sa.ForeignKey("catalog_entries.id", ondelete="RESTRICT"), nullable=False
        ),
        sa.Column("requester_department_id", sa.Integer, nullable=False),
        sa.Column("requester_department_path", sa.JSON, nullable=False),
        sa.Column("requester_user_id", sa.Integer, nullable=True),
        sa.Column("requester_name", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("valid_from", TS, nullable=False),
        sa.Column("valid_until", TS, nullable=False),
        sa.Column("legal_basis", sa.Text, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("submitted_at", TS, nullable=False),
        sa.Column("stage_started_at", TS, nullable=False),
        sa.Column("due_at", TS, nullable=True),
        sa.Column("reminded_at", TS, nullable=True),
        sa.Column("masking_profile", sa.String(64), nullable=True),
        sa.Column("row_filter", sa.JSON, nullable=True),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("grant_ids", sa.JSON, nullable=False),
        sa.Column("refusal_reasons", sa.Text, nullable=True),
        sa.Column(
            "renews_request_id",
            sa.Integer,
            sa.ForeignKey("share_requests.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.CheckConstraint(
            "status IN ('authority_review', 'provider_review', 'approved', 'refused', 'withdrawn', 'revoked')",
            name="ck_share_requests_status",
        ),
        sa.CheckConstraint("valid_until > valid_from", name="ck_share_requests_period"),
    )
    op.create_index("ix_share_requests_entry_id", "share_requests", ["entry_id"])
    op.create_index(
        "ix_share_requests_requester_department_id", "share_requests", ["requester_department_id"]
    )
    op.create_index("ix_share_requests_status_due", "share_requests", ["status", "due_at"])
    op.create_table(
        "share_decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "request_id", sa.Integer, sa.ForeignKey("share_requests.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reasons", sa.Text, nullable=True),
        sa.Column("actor_user_id", sa.Integer, nullable=False),
        sa.Column("actor_name", sa.String(64), nullable=False),
        sa.Column("decided_at", TS, nullable=False),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("document_version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("key_id", sa.Integer, nullable=False),
        sa.Column("key_fingerprint", sa.String(64), nullable=False),
        sa.Column("signature", sa.String(256), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
        sa.CheckConstraint(
            "stage IN ('authority', 'provider', 'revocation')", name="ck_share_decisions_stage"
        ),
        sa.CheckConstraint(
            "outcome IN ('pass', 'refuse', 'approve', 'revoke')", name="ck_share_decisions_outcome"
        ),
    )
    op.create_index("ix_share_decisions_request_id", "share_decisions", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_share_decisions_request_id", table_name="share_decisions")
    op.drop_table("share_decisions")
    op.drop_index("ix_share_requests_status_due", table_name="share_requests")
    op.drop_index("ix_share_requests_requester_department_id", table_name="share_requests")
    op.drop_index("ix_share_requests_entry_id", table_name="share_requests")
    op.drop_table("share_requests")
    op.drop_index("ix_catalog_entries_resource_path", table_name="catalog_entries")
    op.drop_index("ix_catalog_entries_provider_department_id", table_name="catalog_entries")
    op.drop_table("catalog_entries")
