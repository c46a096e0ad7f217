"""Key-ring use cases for the front ends: each runs in one audited unit of work.

`Keyring` methods take an open session; these functions open it through `shuan.audit.guard.audited`
(a refused call leaves a ``denied`` event) so that the REST API and the CLI call one function per
operation. Listing keys needs Permission.KEY_MANAGE like every other key operation (only metadata
is ever listed, never key material).

Approving a destruction is signed: the approver's own SM2 key (shuan.identity.signing, opened by
the approver's password) signs the canonical approval document
(shuan.crypto.keys.keyring.destruction_document); the key ring verifies the signature before it
erases anything and keeps it on the request, and `verify_destruction_approval` checks it again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from shuan.audit.events import Outcome
from shuan.audit.guard import audited, record_refusal
from shuan.clock import utcnow
from shuan.crypto.keys.keyring import (
    DESTRUCTION_VERSION,
    ApprovalSignature,
    KeyInfo,
    destruction_document,
    fingerprint,
)
from shuan.crypto.keys.models import KeyDestruction
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import AuditError, Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.models import Department
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.identity.signing import active_key, sign_approval, signing_keys, verify_approval
from shuan.platform import Platform


def _department_exists(session: Session, department_id: int) -> None:
    """Keys belong to real departments: a KEK for a department that does not exist is refused."""
    if session.get(Department, department_id) is None:
        raise NotFound("identity.department_not_found", department=department_id)


def list_keys(platform: Platform, actor: Principal, department_id: int | None = None) -> list[KeyInfo]:
    with audited(platform, actor, "key.list", "key:*") as session:
        if not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.list")
        return platform.keyring.list_keys(session, department_id)


def create_data_key(platform: Platform, actor: Principal, dataset: str, department_id: int) -> KeyInfo:
    with audited(platform, actor, "key.create", f"key:dek/{dataset[:200]}") as session:
        _department_exists(session, department_id)
        return platform.keyring.create_data_key(session, actor, dataset, department_id)


def rotate_kek(platform: Platform, actor: Principal, department_id: int) -> KeyInfo:
    with audited(platform, actor, "key.rotate", f"key:kek/dept/{department_id}") as session:
        _department_exists(session, department_id)
        return KeyInfo.of(platform.keyring.rotate_kek(session, actor, department_id))


def rewrap(platform: Platform, actor: Principal, department_id: int) -> int:
    with audited(platform, actor, "key.rewrap", f"key:kek/dept/{department_id}") as session:
        return platform.keyring.rewrap(session, actor, department_id)


def request_destruction(platform: Platform, actor: Principal, dataset: str, reason: str) -> int:
    with audited(platform, actor, "key.destroy_request", f"key:dek/{dataset[:200]}") as session:
        return platform.keyring.request_destruction(session, actor, dataset, reason)


def approve_destruction(platform: Platform, actor: Principal, request_id: int, *, signing_password: str,
                        now: datetime | None = None) -> int:
    """Sign, verify and execute a destruction request; returns the number of key versions destroyed.

    Checked before the signing key is opened: KEY_APPROVE, a pending request, not the requester. A
    wrong `signing_password` is an AuthError (audited here as a failed ``key.destroy`` and counted
    toward the approver's lockout by shuan.identity.signing)."""
    when = utcnow() if now is None else now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    resource = f"key-request:{request_id}"
    with audited(platform, actor, "key.destroy", resource) as session:
        if not isinstance(signing_password, str) or not signing_password:
            raise InvalidInput("key.signing_password_missing")
        payload = platform.keyring.destruction_payload(session, actor, request_id, now=when)
    try:
        signature = sign_approval(platform, actor=actor, password=signing_password, payload=payload, now=when)
    except AuditError:
        raise
    except ShuanError as exc:  # wrong password, locked account, no signing key: refused, recorded
        outcome = Outcome.DENIED if isinstance(exc, PermissionDenied) else Outcome.FAILURE
        record_refusal(platform, actor, "key.destroy", resource, exc, outcome=outcome)
        raise
    with audited(platform, actor, "key.destroy", resource) as session:
        key = None if actor.user_id is None else active_key(session, actor.user_id)
        if key is None:
            raise Conflict("identity.no_signing_key")
        approval = ApprovalSignature(signature=signature, key_id=key.id, public_key=key.public_key)
        return platform.keyring.approve_destruction(session, actor, request_id, approval=approval, now=when)


@dataclass(frozen=True)
class DestructionApproval:
    """A destruction request's approval and whether its signature verifies against the signer's key."""

    request_id: int
    status: str
    scope: str
    requested_by: str
    approver: str | None
    approved_at: datetime | None
    signed: bool
    valid: bool
    document_version: int | None
    key_id: int | None
    key_fingerprint: str | None
    signature: str | None
    digest: str | None  # SM3 of the canonical approval document, hex

    def as_dict(self) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["approved_at"] = None if self.approved_at is None else self.approved_at.isoformat()
        return out


def _destruction_check(session: Session, request_id: int) -> tuple[DestructionApproval, bytes | None]:
    req = session.get(KeyDestruction, request_id)
    if req is None:
        raise NotFound("key.request_not_found", request=request_id)
    signed = bool(req.decided_by and req.decided_at is not None and req.approval_signature
                  and req.approval_key_id is not None)
    payload = None
    if signed and req.approval_version == DESTRUCTION_VERSION:
        assert req.decided_by is not None and req.decided_at is not None  # noqa: S101 - `signed` checked them
        payload = destruction_document(req, approver=req.decided_by, approved_at=req.decided_at)
    decided_at = req.decided_at
    if decided_at is not None and decided_at.tzinfo is None:
        decided_at = decided_at.replace(tzinfo=UTC)
    view = DestructionApproval(
        request_id=req.id, status=req.status, scope=req.scope, requested_by=req.requested_by,
        approver=req.decided_by, approved_at=decided_at, signed=signed, valid=False,
        document_version=req.approval_version, key_id=req.approval_key_id,
        key_fingerprint=req.approval_key_fingerprint, signature=req.approval_signature,
        digest=None if payload is None else sm3_hex(payload),
    )
    return view, payload


def _verified(platform: Platform, view: DestructionApproval, payload: bytes | None) -> DestructionApproval:
    """`view` with `valid` set: the signature checked with the signer's key as identity keeps it."""
    if payload is None or view.approver is None or view.signature is None:
        return view
    try:
        signature = bytes.fromhex(view.signature)
        keys = signing_keys(platform, username=view.approver)
    except (ValueError, NotFound, InvalidInput):
        return view
    for key in keys:
        if key.id == view.key_id and fingerprint(key.public_key) == view.key_fingerprint:
            if verify_approval(key.public_key, payload, signature):
                return replace(view, valid=True)
    return view


def verify_destruction_approval(platform: Platform, request_id: int) -> bool:
    """True when the executed request carries an approval signature that verifies: the document
    re-encoded from the stored request, checked with the approver's public key (NotFound for an
    unknown request)."""
    with platform.store.sessions() as session:
        view, payload = _destruction_check(session, request_id)
    return _verified(platform, view, payload).valid


def destruction_approval(platform: Platform, actor: Principal, request_id: int) -> DestructionApproval:
    """A destruction request's approval and its verification (key.manage, key.approve or audit.read)."""
    with audited(platform, actor, "key.destroy_verify", f"key-request:{request_id}") as session:
        if not (actor.can(Permission.KEY_MANAGE) or actor.can(Permission.KEY_APPROVE)
                or actor.can(Permission.AUDIT_READ)):
            raise PermissionDenied("key.denied", action="key.destroy_verify")
        view, payload = _destruction_check(session, request_id)
    return _verified(platform, view, payload)


def rotate_root(platform: Platform, actor: Principal, new_root: bytes) -> int:
    """Re-wrap the keys under the root key with a new root key (audited; KEY_MANAGE)."""
    with audited(platform, actor, "key.rotate_root", "key:root") as session:
        return platform.keyring.rotate_root(session, actor, new_root)
