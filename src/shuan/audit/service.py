"""Audit use cases for the front ends: verify, query, export. Reading the log is itself audited.

三员分立: only the audit administrator (Permission.AUDIT_*) reads, verifies or exports events;
system and security administrators cannot, and nobody can edit or delete them through the platform.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from shuan.audit.archive import ExportResult, write_archive
from shuan.audit.checkpoints import Verifier
from shuan.audit.events import Event, Outcome
from shuan.audit.guard import audited
from shuan.audit.log import format_ts
from shuan.audit.models import AuditAnchor, AuditCheckpoint, AuditEventRow, AuditHead
from shuan.audit.verify import VerifyReport, verify_store
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import AuditError, Conflict, NotFound, PermissionDenied, UsageError
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.platform import Platform

MAX_LIMIT = 10_000


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    resource: str | None = None  # prefix match
    action: str | None = None  # exact, or a prefix ending in '.' (e.g. "auth.")
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0

    def describe(self) -> dict[str, Any]:
        return {k: (format_ts(v) if isinstance(v, datetime) else v) for k, v in self.__dict__.items() if v is not None}


def parse_time(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError("audit.bad_time", value=value) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _require(actor: Principal, permission: Permission, action: str) -> None:
    if not actor.can(permission):
        raise PermissionDenied("audit.denied", action=action)


def _verifier(platform: Platform, session: Session) -> Mapping[str, Verifier]:
    return platform.keyring.audit_verifiers(session)


def verify(platform: Platform, actor: Principal) -> VerifyReport:
    """Recompute the whole chain and every checkpoint; the verification itself is recorded."""
    with audited(platform, actor, "audit.verify", "audit:chain") as session:
        _require(actor, Permission.AUDIT_VERIFY, "audit.verify")
        verifier = _verifier(platform, session)
        platform.audit.seal(session)  # seal the head first, so that nothing before this moment is unsealed
    report = verify_store(platform.store, verifier, interval=platform.audit.checkpoint_every)
    problem = report.first_problem
    with platform.store.transaction() as session:
        platform.audit.record(session, Event(
            "audit.verify", actor, outcome=Outcome.SUCCESS if report.ok else Outcome.FAILURE, resource="audit:chain",
            details={"events": report.events, "checkpoints": report.checkpoints,
                     **({"first_problem": {"seq": problem.seq, "kind": problem.kind}} if problem else {})}))
    return report


def query(platform: Platform, actor: Principal, q: AuditQuery) -> list[dict[str, Any]]:
    if not 1 <= q.limit <= MAX_LIMIT:
        raise UsageError("audit.bad_limit", max=MAX_LIMIT, value=q.limit)
    with audited(platform, actor, "audit.read", "audit:events") as session:
        _require(actor, Permission.AUDIT_READ, "audit.read")
        platform.audit.record(session, Event("audit.read", actor, resource="audit:events", details=q.describe()))
        stmt = select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(q.limit).offset(max(0, q.offset))
        if q.actor:
            stmt = stmt.where(AuditEventRow.actor == q.actor)
        if q.resource:
            stmt = stmt.where(AuditEventRow.resource.startswith(q.resource, autoescape=True))
        if q.action:
            stmt = stmt.where(AuditEventRow.action.startswith(q.action, autoescape=True) if q.action.endswith(".")
                              else AuditEventRow.action == q.action)
        if q.outcome:
            stmt = stmt.where(AuditEventRow.outcome == q.outcome)
        if q.since:
            stmt = stmt.where(AuditEventRow.ts >= format_ts(q.since))
        if q.until:
            stmt = stmt.where(AuditEventRow.ts < format_ts(q.until))
        return [_event_dict(r) for r in session.scalars(stmt)]


def _event_dict(row: AuditEventRow) -> dict[str, Any]:
    return {
        "seq": row.seq, "ts": row.ts, "actor": row.actor, "actor_id": row.actor_id or None,
        "department_id": row.department_id or None, "role": row.role, "action": row.action,
        "resource": row.resource, "purpose": row.purpose, "outcome": row.outcome, "client": row.client,
        "details": json.loads(row.details), "hash": row.hash,
    }


def export(platform: Platform, actor: Principal, path: Path, *, since_seq: int | None = None,
           until_seq: int | None = None) -> ExportResult:
    """A signed archive of events (all by default). The head is sealed first; the `audit.export` event
    (with the archive's SM3 digest) is written after the file, and if it cannot be, the file is removed."""
    with audited(platform, actor, "audit.export", f"file:{path.name}") as session:
        _require(actor, Permission.AUDIT_EXPORT, "audit.export")
        platform.audit.seal(session)
        signer = platform.audit.signer
        if signer is None:
            raise AuditError("audit.no_signing_key")
        anchor = session.execute(select(AuditAnchor.seq).where(AuditAnchor.id == 1)).scalar() or 0
        head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0
        first, last = max(anchor + 1, since_seq or 1), min(head, until_seq or head)
        result = write_archive(session, path, signer=signer,  # type: ignore[arg-type]
                               keys=platform.keyring.audit_verifiers(session), first_seq=first, last_seq=last,
                               exported_by=actor.username)
    try:
        with platform.store.transaction() as session:
            platform.audit.record(session, Event("audit.export", actor, resource=f"file:{path.name}", details={
                "first_seq": result.first_seq, "last_seq": result.last_seq, "events": result.events,
                "archive_sm3": sm3_hex(Path(result.path).read_bytes()), "fingerprint": result.fingerprint}))
    except BaseException:
        Path(result.path).unlink(missing_ok=True)
        raise
    return result


@dataclass(frozen=True)
class PruneResult:
    archive: ExportResult
    pruned: int
    anchor_seq: int


def archive_and_prune(platform: Platform, actor: Principal, path: Path, *, before: datetime,
                      now: datetime | None = None) -> PruneResult:
    """Move events older than `before` into a signed archive, then delete them from the online log.

    Refused unless `before` is at least the retention period (SHUAN_AUDIT_RETENTION_DAYS, >= 183 days)
    in the past, and unless the archive just written verifies. The chain then starts at an anchor (the
    last pruned event's hash), so verification of what stays online is unchanged.
    """
    from shuan.audit.archive import verify_archive
    from shuan.clock import utcnow

    now = now or utcnow()
    cutoff = now - timedelta(days=platform.settings.audit_retention_days)
    with audited(platform, actor, "audit.prune", f"file:{path.name}") as session:
        _require(actor, Permission.AUDIT_EXPORT, "audit.prune")
        if before > cutoff:
            raise Conflict("audit.retention", days=platform.settings.audit_retention_days,
                           latest=format_ts(cutoff)[:10])
        anchor = session.execute(select(AuditAnchor.seq).where(AuditAnchor.id == 1)).scalar() or 0
        # a contiguous prefix of the chain, every event of which is older than `before`, ending at a
        # checkpoint (kept: it is what authenticates the anchor afterwards)
        first_young = session.scalar(select(func.min(AuditEventRow.seq)).where(AuditEventRow.ts >= format_ts(before)))
        limit = (first_young - 1) if first_young is not None else session.scalar(select(func.max(AuditEventRow.seq)))
        last = session.scalar(select(func.max(AuditCheckpoint.upto_seq)).where(
            AuditCheckpoint.upto_seq <= (limit or 0)))
        if last is None or last <= anchor:
            raise NotFound("audit.nothing_to_prune", before=format_ts(before)[:10])
        signer = platform.audit.signer
        if signer is None:
            raise AuditError("audit.no_signing_key")
        result = write_archive(session, path, signer=signer, keys=platform.keyring.audit_verifiers(session),  # type: ignore[arg-type]
                               first_seq=anchor + 1, last_seq=last, exported_by=actor.username)
    report, manifest = verify_archive(result.path, expect_fingerprint=result.fingerprint)
    if not report.ok or report.last_seq != last:
        raise AuditError("audit.archive_selfcheck")
    with audited(platform, actor, "audit.prune", f"file:{path.name}") as session:
        last_hash = session.scalar(select(AuditEventRow.hash).where(AuditEventRow.seq == last))
        pruned = session.scalar(select(func.count()).select_from(AuditEventRow).where(AuditEventRow.seq <= last))
        session.execute(delete(AuditEventRow).where(AuditEventRow.seq <= last))
        session.execute(delete(AuditCheckpoint).where(AuditCheckpoint.upto_seq < last))
        digest = sm3_hex(Path(result.path).read_bytes())
        row = session.get(AuditAnchor, 1)
        if row is None:
            session.add(AuditAnchor(id=1, seq=last, hash=last_hash, archive_sm3=digest))
        else:
            row.seq, row.hash, row.archive_sm3 = last, str(last_hash), digest
        platform.audit.record(session, Event("audit.prune", actor, resource=f"file:{path.name}",
                                             details={"first_seq": anchor + 1, "last_seq": last, "events": pruned,
                                                      "archive_sm3": digest, "fingerprint": manifest["fingerprint"],
                                                      "before": format_ts(before)}), now=now)
    return PruneResult(result, int(pruned or 0), last)
