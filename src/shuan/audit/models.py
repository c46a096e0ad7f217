"""Audit tables: the append-only event chain, its head (the lock that serialises appends) and checkpoints.

Timestamps are stored as fixed-width ISO-8601 UTC strings so that the bytes hashed at append are
exactly the bytes read back on every database, and so that they sort and range-compare as text.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shuan.store.models import Base


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(27), index=True)
    actor: Mapped[str] = mapped_column(String(200), index=True)
    actor_id: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(100), index=True)
    resource: Mapped[str] = mapped_column(String(1000), index=True)
    purpose: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(16))
    client: Mapped[str] = mapped_column(String(200))
    session: Mapped[str] = mapped_column(String(100))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, hashed as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row: the last sequence number and hash. Appends lock it, so the chain never forks."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """An SM2 signature over (upto_seq, head hash, time): history before it cannot be rewritten unnoticed."""

    __tablename__ = "audit_checkpoints"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upto_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    head_hash: Mapped[str] = mapped_column(String(64))
    ts: Mapped[str] = mapped_column(String(27))
    key_id: Mapped[str] = mapped_column(String(100))
    interval: Mapped[int] = mapped_column(Integer)  # checkpoint interval in force when it was written
    prev_seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))  # the previous checkpoint
    prev_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(200))


class AuditAnchor(Base):
    """After events older than the retention period are archived and pruned, the chain starts here:
    the sequence number and hash of the last pruned event (one row, absent until the first prune).
    Pruning stops at a checkpoint, which is kept: the anchor is valid only if that signed checkpoint
    seals exactly this seq and hash and an `audit.prune` event in the online chain names it."""

    __tablename__ = "audit_anchor"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    hash: Mapped[str] = mapped_column(String(64))
    archive_sm3: Mapped[str] = mapped_column(String(64))  # digest of the archive that holds the pruned events
