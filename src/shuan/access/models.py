"""Access tables: the protected-resource register, its authorised departments, grants, a version row.

Subjects and departments are plain ids (no foreign keys into the identity tables): the access part
takes department ancestry from the acting principal or from its callers.

Every change to a resource or a grant takes the next value of `access_version.version` in the same
transaction and stamps it on the changed rows (`change_seq`), so a decision engine can load just
what changed since it last looked (see shuan.access.engine).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from shuan.store.models import Base

BIG = BigInteger().with_variant(Integer, "sqlite")

GRANT_STATUSES: tuple[str, ...] = ("active", "pending_authority", "revoked")


class AccessResource(Base):
    """A registered source, table or column: owner department, grade (一级..三级, None = inherit), public."""

    __tablename__ = "access_resources"
    __table_args__ = (
        CheckConstraint("level IS NULL OR (level >= 1 AND level <= 3)", name="ck_access_resources_level"),
        CheckConstraint("kind IN ('source', 'table', 'column')", name="ck_access_resources_kind"),
        UniqueConstraint("path", name="uq_access_resources_path"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(String(512))
    kind: Mapped[str] = mapped_column(String(8))
    owner_department_id: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    change_seq: Mapped[int] = mapped_column(BIG, index=True)


class AccessResourceDepartment(Base):
    """A department authorised to receive a 二级 resource outside its owner (and that department's subtree)."""

    __tablename__ = "access_resource_departments"
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("access_resources.id", ondelete="CASCADE"), primary_key=True
    )
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class AccessGrant(Base):
    """Who (user or department) may do what (actions) on which resource, why, how filtered/masked, until when."""

    __tablename__ = "access_grants"
    __table_args__ = (
        CheckConstraint("subject_kind IN ('user', 'department')", name="ck_access_grants_subject_kind"),
        CheckConstraint("status IN ('active', 'pending_authority', 'revoked')", name="ck_access_grants_status"),
        CheckConstraint("valid_until > valid_from", name="ck_access_grants_validity"),
        Index("ix_access_grants_subject", "subject_kind", "subject_id"),
    )
    id: Mapped[int] = mapped_column(BIG, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int] = mapped_column(Integer)
    include_subdepartments: Mapped[bool] = mapped_column(Boolean, default=False)
    subject_department_path: Mapped[list[int]] = mapped_column(JSON)
    resource_path: Mapped[str] = mapped_column(String(512), index=True)
    actions: Mapped[str] = mapped_column(String(64))  # sorted, comma-separated subset of ACTIONS
    purpose: Mapped[str] = mapped_column(Text)
    scenario: Mapped[str] = mapped_column(String(32))
    row_filter: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    masking_profile: Mapped[str | None] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[int | None] = mapped_column(Integer)
    authority_approved_by: Mapped[int | None] = mapped_column(Integer)
    authority_approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # the data authority's signature (migration 0008): SM2 r ‖ s in hex over the canonical approval
    # document (shuan.access.approval), the signer's username, signing-key id and key fingerprint
    approval_version: Mapped[int | None] = mapped_column(Integer)
    approval_signer: Mapped[str | None] = mapped_column(String(64))
    approval_key_id: Mapped[int | None] = mapped_column(Integer)
    approval_key_fingerprint: Mapped[str | None] = mapped_column(String(64))
    approval_signature: Mapped[str | None] = mapped_column(String(256))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(Integer)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    change_seq: Mapped[int] = mapped_column(BIG, index=True)


class AccessVersion(Base):
    """One row: bumped by every resource or grant change, in the changing transaction."""

    __tablename__ = "access_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BIG)


__all__ = ["AccessGrant", "AccessResource", "AccessResourceDepartment", "AccessVersion", "Base"]
