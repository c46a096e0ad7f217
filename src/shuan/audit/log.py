"""The append-only audit log: every event is linked to the previous one by an SM3 hash.

`AuditLog.record(session, event)` writes inside the caller's transaction: if the event cannot be
written the whole unit of work rolls back, so an action that cannot be audited does not happen
(fail-closed). Appends lock the single `audit_head` row, so concurrent writers serialise and the
chain never forks; a sequence number taken twice violates the primary key and aborts the writer.

Hash of event n: SM3(prev_hash_hex ‖ 0x1e ‖ fields joined by 0x1f), over the exact stored strings.
Control characters 0x1e/0x1f cannot occur in a field (they are escaped on the way in; `details` is
JSON, which escapes them itself), so the encoding is unambiguous.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from shuan.audit.events import Event, Outcome
from shuan.audit.models import AuditHead
from shuan.clock import utcnow
from shuan.errors import AuditError
from shuan.identity.principal import Principal

GENESIS = "0" * 64

#: while events keep arriving, a checkpoint is written at least this often (seconds)
SEAL_SECONDS = 60.0

#: the stored columns, in hashing order
FIELDS = (
    "seq",
    "ts",
    "actor",
    "actor_id",
    "department_id",
    "role",
    "action",
    "resource",
    "purpose",
    "outcome",
    "client",
    "session",
    "details",
)

_ESCAPE = {0x1E: "\\x1e", 0x1F: "\\x1f"}
_MAX_FIELD = {"actor": 200, "role": 64, "action": 100, "resource": 1000, "client": 200, "session": 100}


def format_ts(when: datetime) -> str:
    """Fixed-width UTC ISO-8601 with microseconds: sorts as text, identical bytes on every database."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_HASHER = hashlib.new("sm3")  # copied per event: cheaper than looking the algorithm up by name each time


def link_hash(prev_hash: str, values: Sequence[str]) -> str:
    """The chain hash of one event from its stored strings, seq first (append and verify both use it)."""
    h = _HASHER.copy()
    h.update((prev_hash + "\x1e" + "\x1f".join(values)).encode("utf-8"))
    return h.hexdigest()

_COLUMNS = (*FIELDS, "prev_hash", "hash")


def _insert_sql(paramstyle: str) -> str:
    marks = ", ".join(["?"] * len(_COLUMNS)) if paramstyle == "qmark" else ", ".join(["%s"] * len(_COLUMNS))
    return f"INSERT INTO audit_events ({', '.join(_COLUMNS)}) VALUES ({marks})"  # noqa: S608 - fixed columns


_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def canonical_json(value: Any) -> str:
    return _JSON.encode(value)


def _clean(value: str, limit: int | None = None) -> str:
    text = value.translate(_ESCAPE) if ("\x1e" in value or "\x1f" in value) else value
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


class CheckpointSigner(Protocol):
    key_id: str

    def sign(self, data: bytes) -> bytes: ...


class AuditLog:
    """Appends events to the chain. `hmac_key` protects sensitive values (HMAC-SM3, never in clear)."""

    def __init__(self, hmac_key: bytes, signer: CheckpointSigner | None = None, checkpoint_every: int = 1000) -> None:
        if len(hmac_key) < 16:
            raise ValueError("audit HMAC key must be at least 16 bytes")
        self._hmac = hmac.new(hmac_key, digestmod="sm3")
        self.signer = signer
        self.checkpoint_every = checkpoint_every
        self._sealed_at = time.monotonic()

    # -- building rows ---------------------------------------------------------------------------

    def pseudonym(self, value: str) -> str:
        """HMAC-SM3 of a sensitive value: equal inputs match across events, the value stays hidden."""
        mac = self._hmac.copy()
        mac.update(value.encode("utf-8"))
        return "hmac-sm3:" + mac.hexdigest()

    def _actor_values(self, actor: Principal) -> tuple[str, ...]:
        return (
            _clean(actor.username, _MAX_FIELD["actor"]),
            "" if actor.user_id is None else str(actor.user_id),
            "" if actor.department_id is None else str(actor.department_id),
            _clean(",".join(sorted(r.value for r in actor.roles)), _MAX_FIELD["role"]),
        )

    def _values(self, events: Iterable[Event], when: datetime) -> list[list[str]]:
        """Stored strings per event, in FIELDS order without seq (actors are formatted once per batch)."""
        ts = format_ts(when)
        actors: dict[Principal, tuple[str, ...]] = {}
        out: list[list[str]] = []
        for event in events:
            actor = event.actor
            who = actors.get(actor)
            if who is None:
                who = actors[actor] = self._actor_values(actor)
            details = event.details
            if event.sensitive:
                details = {**details, "sensitive": {k: self.pseudonym(v) for k, v in sorted(event.sensitive.items())}}
            out.append([
                ts, *who,
                _clean(event.action, _MAX_FIELD["action"]),
                _clean(event.resource, _MAX_FIELD["resource"]),
                _clean(event.purpose),
                Outcome(event.outcome).value,
                _clean(actor.client or "", _MAX_FIELD["client"]),
                _clean(actor.session_id or "", _MAX_FIELD["session"]),
                canonical_json(details),
            ])
        return out

    # -- appending ---------------------------------------------------------------------------------

    def record(self, session: Session, event: Event, *, now: datetime | None = None) -> int:
        """Append one event inside the caller's transaction; returns its sequence number."""
        return self.record_many(session, [event], now=now)[-1]

    def record_many(self, session: Session, events: Iterable[Event], *, now: datetime | None = None) -> list[int]:
        """Append events in order inside the caller's transaction (one locked head, one batched insert)."""
        when = now or utcnow()
        prepared = self._values(events, when)
        if not prepared:
            return []
        try:
            first, prev = self._lock_head(session)
            seq = first
            rows: list[tuple[object, ...]] = []
            for values in prepared:
                seq += 1
                digest = link_hash(prev, (str(seq), *values))
                rows.append((seq, *values, prev, digest))
                prev = digest
            conn = session.connection()
            conn.exec_driver_sql(_insert_sql(conn.dialect.paramstyle), rows)
            session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
        except SQLAlchemyError as exc:
            # the driver's text can name tables and values: the class is enough for the user, the rest is chained
            cause = getattr(exc, "orig", None) or exc
            raise AuditError("audit.write_failed", reason=type(cause).__name__) from exc
        if self.signer is not None and self._checkpoint_due(seq, len(rows)):
            self._seal(session, seq, prev, when)
        return list(range(first + 1, seq + 1))

    def seal(self, session: Session, *, now: datetime | None = None) -> None:
        """Write a checkpoint at the current head unless it is sealed already (before verify and export)."""
        if self.signer is None:
            return
        seq, head = self._lock_head(session)
        if seq:
            self._seal(session, seq, head, now or utcnow())

    def _seal(self, session: Session, seq: int, head: str, when: datetime) -> None:
        from shuan.audit.checkpoints import write_checkpoint

        assert self.signer is not None
        write_checkpoint(session, self.signer, upto_seq=seq, head_hash=head, now=when, interval=self.checkpoint_every)
        self._sealed_at = time.monotonic()

    def _checkpoint_due(self, last_seq: int, count: int) -> bool:
        """At every multiple of the interval, and at least every SEAL_SECONDS while events keep coming."""
        first = last_seq - count + 1
        crossed = (last_seq // self.checkpoint_every) > ((first - 1) // self.checkpoint_every)
        return crossed or time.monotonic() - self._sealed_at >= SEAL_SECONDS

    @staticmethod
    def _lock_head(session: Session) -> tuple[int, str]:
        head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()).first()
        if head is None:  # migration 0003 creates the row; without it the chain cannot be extended safely
            raise AuditError("audit.write_failed", reason="audit_head")
        return int(head.seq), str(head.hash)
