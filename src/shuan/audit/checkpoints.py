"""Signed checkpoints: an SM2 signature over (upto_seq, head hash, time) seals the chain up to there.

Someone who can write the database can rewrite events and recompute every hash after them; they
cannot forge a checkpoint without the audit signing key, which is stored wrapped under the root key.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol

from sqlalchemy import insert
from sqlalchemy.orm import Session

from shuan.audit.models import AuditCheckpoint


class Signer(Protocol):
    key_id: str

    def sign(self, data: bytes) -> bytes: ...


class Verifier(Protocol):
    def verify(self, signature: bytes, data: bytes) -> bool: ...


def checkpoint_message(upto_seq: int, head_hash: str, ts: str, key_id: str) -> bytes:
    """The exact bytes a checkpoint signs (also used offline by archive verification)."""
    return f"shuan-audit-checkpoint/v1\n{upto_seq}\n{head_hash}\n{ts}\n{key_id}".encode()


def write_checkpoint(session: Session, signer: Signer, *, upto_seq: int, head_hash: str, now: datetime) -> None:
    from shuan.audit.log import format_ts

    ts = format_ts(now)
    signature = signer.sign(checkpoint_message(upto_seq, head_hash, ts, signer.key_id))
    session.execute(
        insert(AuditCheckpoint).values(
            upto_seq=upto_seq, head_hash=head_hash, ts=ts, key_id=signer.key_id, signature=signature.hex()
        )
    )


class KeyedVerifier:
    """Verifies a checkpoint with the public key its key id names (the chain may span key rotations)."""

    def __init__(self, keys: Mapping[str, Verifier]) -> None:
        self.keys = keys

    def verify(self, signature: bytes, data: bytes) -> bool:
        key_id = data.decode(errors="replace").rsplit("\n", 1)[-1]
        verifier = self.keys.get(key_id)
        return verifier is not None and verifier.verify(signature, data)
