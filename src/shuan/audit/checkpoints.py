"""Signed checkpoints: SM2 signatures that seal the chain, themselves chained.

A checkpoint signs (upto_seq, head hash, time, key id, the interval in force, and the previous
checkpoint's seq and head hash). Someone who can write the database can rewrite events and
recompute every hash after them, but cannot forge a checkpoint without the audit signing key
(stored wrapped under the root key). Because each checkpoint names its predecessor, deleting one
breaks the next one's link; because each names the interval in force, deleting the newest ones
leaves a tail longer than the interval allows, and verification says which boundary is unsealed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from shuan.audit.models import AuditCheckpoint

GENESIS_LINK = (0, "0" * 64)


class Signer(Protocol):
    key_id: str

    def sign(self, data: bytes) -> bytes: ...


class Verifier(Protocol):
    def verify(self, signature: bytes, data: bytes) -> bool: ...


@dataclass(frozen=True)
class Checkpoint:
    upto_seq: int
    head_hash: str
    ts: str
    key_id: str
    interval: int
    prev_seq: int
    prev_hash: str
    signature: str

    @classmethod
    def of(cls, row: AuditCheckpoint | Mapping[str, Any]) -> Checkpoint:
        def get(key: str) -> Any:
            return row[key] if isinstance(row, Mapping) else getattr(row, key)

        return cls(int(get("upto_seq")), str(get("head_hash")), str(get("ts")), str(get("key_id")),
                   int(get("interval")), int(get("prev_seq")), str(get("prev_hash")), str(get("signature")))

    def message(self) -> bytes:
        return checkpoint_message(self.upto_seq, self.head_hash, self.ts, self.key_id, self.interval,
                                  self.prev_seq, self.prev_hash)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def checkpoint_message(upto_seq: int, head_hash: str, ts: str, key_id: str, interval: int, prev_seq: int,
                       prev_hash: str) -> bytes:
    """The exact bytes a checkpoint signs (also used offline by archive verification)."""
    return (f"shuan-audit-checkpoint/v2\n{upto_seq}\n{head_hash}\n{ts}\n{key_id}\n{interval}\n"
            f"{prev_seq}\n{prev_hash}").encode()


def last_checkpoint(session: Session) -> tuple[int, str]:
    row = session.execute(select(AuditCheckpoint.upto_seq, AuditCheckpoint.head_hash)
                          .order_by(AuditCheckpoint.upto_seq.desc()).limit(1)).first()
    return (int(row.upto_seq), str(row.head_hash)) if row is not None else GENESIS_LINK


def write_checkpoint(session: Session, signer: Signer, *, upto_seq: int, head_hash: str, now: datetime,
                     interval: int) -> Checkpoint | None:
    """Seal the chain up to `upto_seq` (no-op when that point is already sealed)."""
    from shuan.audit.log import format_ts

    prev_seq, prev_hash = last_checkpoint(session)
    if prev_seq >= upto_seq:
        return None
    unsigned = Checkpoint(upto_seq, head_hash, format_ts(now), signer.key_id, interval, prev_seq, prev_hash, "")
    cp = Checkpoint(**{**unsigned.as_dict(), "signature": signer.sign(unsigned.message()).hex()})
    session.execute(insert(AuditCheckpoint).values(**cp.as_dict()))
    return cp


def verify_signature(keys: Mapping[str, Verifier], cp: Checkpoint) -> bool:
    verifier = keys.get(cp.key_id)
    if verifier is None:
        return False
    try:
        return verifier.verify(bytes.fromhex(cp.signature), cp.message())
    except ValueError:
        return False
