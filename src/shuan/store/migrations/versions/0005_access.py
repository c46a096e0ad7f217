"""access tables of the security core (issue 3): resource register, authorised departments, grants, version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer, "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "access_resources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("owner_department_id", sa.Integer, nullable=False),
        sa.Column("level", sa.Integer, nullable=True),
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("change_seq", BIG, nullable=False),
        sa.CheckConstraint("level IS NULL OR (level >= 1 AND level <= 3)", name="ck_access_resources_level"),
        sa.CheckConstraint("kind IN ('source', 'table', 'column')", name="ck_access_resources_kind"),
        sa.UniqueConstraint("path", name="uq_access_resources_path"),
    )
    op.create_index("ix_access_resources_owner_department_id", "access_resources", ["owner_department_id"])
    op.create_index("ix_access_resources_change_seq", "access_resources", ["change_seq"])

    op.create_table(
        "access_resource_departments",
        sa.Column(
            "resource_id",
            sa.Integer,
            sa.ForeignKey("access_resources.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("department_id", sa.Integer, primary_key=True),
    )

    op.create_table(
        "access_grants",
        sa.Column("id", BIG, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Integer, nullable=False),
        sa.Column("include_subdepartments", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("subject_department_path", sa.JSON, nullable=False),
        sa.Column("resource_path", sa.String(512), nullable=False),
        sa.Column("actions", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False),
        sa.Column("row_filter", sa.JSON, nullable=True),
        sa.Column("masking_profile", sa.String(64), nullable=True),
        sa.Column("valid_from", TS, nullable=False),
        sa.Column("valid_until", TS, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=True),
        sa.Column("authority_approved_by", sa.Integer, nullable=True),
        sa.Column("authority_approved_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("revoked_by", sa.Integer, nullable=True),
        sa.Column("revoke_reason", sa.Text, nullable=True),
        sa.Column("change_seq", BIG, nullable=False),
        sa.CheckConstraint("subject_kind IN ('user', 'department')", name="ck_access_grants_subject_kind"),
        sa.CheckConstraint("status IN ('active', 'pending_authority', 'revoked')", name="ck_access_grants_status"),
        sa.CheckConstraint("valid_until > valid_from", name="ck_access_grants_validity"),
    )
    op.create_index("ix_access_grants_subject", "access_grants", ["subject_kind", "subject_id"])
    op.create_index("ix_access_grants_resource_path", "access_grants", ["resource_path"])
    op.create_index("ix_access_grants_change_seq", "access_grants", ["change_seq"])

    op.create_table(
        "access_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", BIG, nullable=False),
    )
    version = sa.table("access_version", sa.column("id", sa.Integer), sa.column("version", BIG))
    op.bulk_insert(version, [{"id": 1, "version": 0}])


def downgrade() -> None:
    op.drop_table("access_version")
    op.drop_index("ix_access_grants_change_seq", table_name="access_grants")
    op.drop_index("ix_access_grants_resource_path", table_name="access_grants")
    op.drop_index("ix_access_grants_subject", table_name="access_grants")
    op.drop_table("access_grants")
    op.drop_table("access_resource_departments")
    op.drop_index("ix_access_resources_change_seq", table_name="access_resources")
    op.drop_index("ix_access_resources_owner_department_id", table_name="access_resources")
    op.drop_table("access_resources")
