"""Identity tables: departments (a tree), users, role assignments, password history, sessions,
API tokens and per-user SM2 signing keys.

Secrets are never stored in clear: passwords and one-time secrets as argon2id hashes, session ids
and token secrets as SM3 digests, TOTP secrets and signing keys SM4-GCM encrypted. Times are UTC and
always timezone-aware in Python (`UtcDateTime` restores the zone that SQLite drops).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from shuan.store.models import Base

__all__ = [
    "AdminRequest",
    "ApiToken",
    "AuthSession",
    "Base",
    "Department",
    "PasswordHistory",
    "SigningKey",
    "User",
    "UserRole",
    "UtcDateTime",
]


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database (SQLite stores it naive, read back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"unexpected datetime value {type(value).__name__}")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Department(Base):
    """A node of the department tree; the data authority (主管部门) is the one root (is_root = True)."""

    __tablename__ = "departments"
    __table_args__ = (
        UniqueConstraint("parent_id", "name", name="uq_departments_parent_name"),
        UniqueConstraint("is_root", name="uq_departments_is_root"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    # True on the root, NULL elsewhere: the unique constraint allows exactly one root
    is_root: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username", name="uq_users_username"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))  # lower case, ^[a-z0-9._-]{3,64}$
    display_name: Mapped[str] = mapped_column(String(100))
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # vendor staff: the account stops authenticating at the end of the vendor agreement
    vendor_name: Mapped[str | None] = mapped_column(String(100))
    vendor_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # password: argon2id hash; a one-time secret is stored the same way and must be changed
    password_hash: Mapped[str] = mapped_column(String(200))
    password_changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    one_time_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # lockout
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    lockout_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # TOTP: SM4-GCM encrypted secrets; the last accepted time step stops code reuse
    totp_secret_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_pending_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret_enc is not None


class UserRole(Base):
    __tablename__ = "user_roles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    granted_by: Mapped[int | None] = mapped_column(Integer)  # user id; NULL for the platform (bootstrap)


class PasswordHistory(Base):
    """Previous password hashes of a user (the current one lives on the user row)."""

    __tablename__ = "password_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuthSession(Base):
    """A login session; the id handed to the client is stored only as its SM3 digest."""

    __tablename__ = "auth_sessions"
    __table_args__ = (UniqueConstraint("sid_hash", name="uq_auth_sessions_sid_hash"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mfa_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    client: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)  # absolute timeout
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))


class ApiToken(Base):
    """An API token: `prefix` is the public lookup id, the secret is stored as its SM3 digest."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("prefix", name="uq_api_tokens_prefix"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SigningKey(Base):
    """A user's SM2 key pair for approvals. The private key is SM4-GCM encrypted under a key derived
    from the user's own password (argon2id, `kdf_salt`, `kdf_params`), so administrators cannot use it.
    A retired key keeps its public half (old approvals stay verifiable) and loses its private half."""

    __tablename__ = "signing_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    private_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    kdf_salt: Mapped[bytes | None] = mapped_column(LargeBinary)
    kdf_params: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class AdminRequest(Base):
    """A change to a 三员 account waiting for a second person (dual control, identity/dual_control.py).

    `params` holds what the change needs, never a secret (one-time secrets are made at approval);
    `excluded_roles` lists the 三员 roles an approver must not hold (the requester's and the target's,
    and the role being granted or removed)."""

    __tablename__ = "admin_requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    target_username: Mapped[str] = mapped_column(String(64), index=True)
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    excluded_roles: Mapped[list[str]] = mapped_column(JSON)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | approved | refused | expired
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(String(200))  # why it was refused
