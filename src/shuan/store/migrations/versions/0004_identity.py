"""identity tables of the security core (issue 3)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("departments.id", ondelete="RESTRICT"), nullable=True),
        sa.Column("is_root", sa.Boolean, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("parent_id", "name", name="uq_departments_parent_name"),
        sa.UniqueConstraint("is_root", name="uq_departments_is_root"),
    )
    op.create_index("ix_departments_parent_id", "departments", ["parent_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id", ondelete="RESTRICT"), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("vendor_name", sa.String(100), nullable=True),
        sa.Column("vendor_until", TS, nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("password_changed_at", TS, nullable=False),
        sa.Column("must_change_password", sa.Boolean, nullable=False),
        sa.Column("one_time_expires_at", TS, nullable=True),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("lockout_count", sa.Integer, nullable=False),
        sa.Column("locked_until", TS, nullable=True),
        sa.Column("totp_secret_enc", sa.LargeBinary, nullable=True),
        sa.Column("totp_pending_enc", sa.LargeBinary, nullable=True),
        sa.Column("totp_last_step", sa.Integer, nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_login_at", TS, nullable=True),
        sa.UniqueConstraint("username", name="uq_users_username"),
    )
    op.create_index("ix_users_department_id", "users", ["department_id"])
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("role", sa.String(32), primary_key=True),
        sa.Column("granted_at", TS, nullable=False),
        sa.Column("granted_by", sa.Integer, nullable=True),
    )
    op.create_table(
        "password_history",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_index("ix_password_history_user_id", "password_history", ["user_id"])
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sid_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mfa_verified", sa.Boolean, nullable=False),
        sa.Column("client", sa.String(200), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("ended_at", TS, nullable=True),
        sa.Column("end_reason", sa.String(32), nullable=True),
        sa.UniqueConstraint("sid_hash", name="uq_auth_sessions_sid_hash"),
    )
    op.create_index("ix_auth_sessions_user_id", "auth_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.UniqueConstraint("prefix", name="uq_api_tokens_prefix"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("private_enc", sa.LargeBinary, nullable=True),
        sa.Column("kdf_salt", sa.LargeBinary, nullable=True),
        sa.Column("kdf_params", sa.String(64), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("retired_at", TS, nullable=True),
    )
    op.create_index("ix_signing_keys_user_id", "signing_keys", ["user_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_signing_keys_user_id", "signing_keys"),
        ("ix_api_tokens_user_id", "api_tokens"),
        ("ix_auth_sessions_user_id", "auth_sessions"),
        ("ix_password_history_user_id", "password_history"),
        ("ix_users_department_id", "users"),
        ("ix_departments_parent_id", "departments"),
    ):
        op.drop_index(index, table_name=table)
    for table in ("signing_keys", "api_tokens", "auth_sessions", "password_history", "user_roles", "users"):
        op.drop_table(table)
    op.drop_table("departments")
