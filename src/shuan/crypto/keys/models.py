"""Key records: every key is stored wrapped (SM4-GCM) under its parent, never in clear.

Hierarchy: root (outside the store) -> system keys and per-department KEKs -> per-dataset data keys.
A destroyed key keeps its row (who, when, approved by whom) with the wrapped material erased.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shuan.store.models import Base


class KeyRecord(Base):
    __tablename__ = "key_records"
    __table_args__ = (UniqueConstraint("scope", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_id: Mapped[str] = mapped_column(String(300), unique=True)  # e.g. kek/dept/3/v2, dek/户籍库/v1, sys/audit-sign/v1
    scope: Mapped[str] = mapped_column(String(280), index=True)  # key_id without the version
    kind: Mapped[str] = mapped_column(String(16))  # system | kek | dek
    algorithm: Mapped[str] = mapped_column(String(16))  # SM4 | SM2
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # active | retired | destroyed
    department_id: Mapped[int | None] = mapped_column(Integer, index=True)
    wrapped_by: Mapped[str] = mapped_column(String(300))  # key_id of the wrapping key, or "root"
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)  # nonce ‖ ciphertext ‖ tag; NULL once destroyed
    public: Mapped[str | None] = mapped_column(String(200))  # SM2 public key (hex) for signing keys
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    destroyed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class KeyDestruction(Base):
    """Crypto-shredding needs two people: one requests, a different key approver signs the approval and
    it runs."""

    __tablename__ = "key_destructions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(280), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # pending | executed | refused
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    versions_destroyed: Mapped[int] = mapped_column(Integer, default=0)
    # the approver's signature (migration 0008): SM2 r ‖ s in hex over the canonical approval document
    # (shuan.crypto.keys.keyring.destruction_document), the signing-key id and its fingerprint
    approval_version: Mapped[int | None] = mapped_column(Integer)
    approval_key_id: Mapped[int | None] = mapped_column(Integer)
    approval_key_fingerprint: Mapped[str | None] = mapped_column(String(64))
    approval_signature: Mapped[str | None] = mapped_column(String(256))
