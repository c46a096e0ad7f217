"""The key ring: system keys and department KEKs under the root key, data keys under their department's KEK.

Every key is wrapped with SM4-GCM under its parent, with the child's key id as associated data (so a
wrapped blob moved to another row does not unwrap). Key material exists unwrapped only in memory,
for the duration of one operation; it is never logged, returned by a listing or put in an event.

Rotation creates a new version and retires the old one (still able to unwrap what it wrapped);
rewrap moves a department's data keys under its newest KEK and erases retired KEK versions nothing
depends on. Destruction (crypto-shredding) of a data key needs a request and a different approver,
who signs the canonical approval document (`destruction_document`) with their own SM2 key; the
signature is verified before anything is erased and kept on the request. Destruction erases the
wrapped material of every version, so whatever was encrypted under it is unrecoverable.

Decryption opens data keys only: an envelope naming a KEK, a system key or a destroyed key is
refused.
"""

from __future__ import annotations

import json
import secrets
import struct
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shuan.audit.events import Event
from shuan.audit.log import AuditLog
from shuan.clock import utcnow
from shuan.crypto.keys.models import KeyDestruction, KeyRecord
from shuan.crypto.sm2 import DEFAULT_UID, SM2PrivateKey, SM2PublicKey
from shuan.crypto.sm3 import sm3_hex
from shuan.crypto.sm4 import sm4_gcm_decrypt, sm4_gcm_encrypt
from shuan.errors import ConfigError, Conflict, CryptoError, NotFound, PermissionDenied
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Permission

ROOT = "root"
ENVELOPE_MAGIC = b"SA1"
AUDIT_SIGNING_SCOPE = "sys/audit-sign"
_MAX_DATASET = 200

DESTRUCTION_DOCUMENT = "shuan.key-destruction-approval"
DESTRUCTION_VERSION = 1
#: the SM2 user id of approval signatures (the same as shuan.identity.signing.APPROVAL_UID)
APPROVAL_UID = DEFAULT_UID


def _utc_text(when: datetime) -> str:
    aware = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def destruction_document(req: KeyDestruction, *, approver: str, approved_at: datetime,
                         version: int = DESTRUCTION_VERSION) -> bytes:
    """The bytes the approver of a destruction signs, version 1.

    A JSON object with sorted keys, no whitespace, non-ASCII escaped as ``\\uXXXX`` (pure ASCII):
    ``type`` (``shuan.key-destruction-approval``), ``version`` (1), ``request`` (id), ``scope``
    (``dek/<dataset>``), ``reason``, ``requested_by`` (username), ``requested_at``, ``approver``
    (username), ``approved_at``; times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""
    if version != DESTRUCTION_VERSION:
        raise ValueError(f"unknown destruction approval document version {version}")
    doc = {
        "type": DESTRUCTION_DOCUMENT,
        "version": version,
        "request": int(req.id),
        "scope": req.scope,
        "reason": req.reason,
        "requested_by": req.requested_by,
        "requested_at": _utc_text(req.requested_at),
        "approver": approver,
        "approved_at": _utc_text(approved_at),
    }
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


@dataclass(frozen=True)
class ApprovalSignature:
    """An approver's SM2 signature (r ‖ s) over an approval document, and the key that made it:
    `key_id` and `public_key` of the approver's signing key (shuan.identity.signing)."""

    signature: bytes
    key_id: int
    public_key: bytes

    def verifies(self, payload: bytes) -> bool:
        try:
            return SM2PublicKey.from_bytes(self.public_key).verify(self.signature, payload, APPROVAL_UID)
        except CryptoError:
            return False


@dataclass(frozen=True)
class KeyInfo:
    """What may be shown about a key: never its material."""

    key_id: str
    kind: str
    algorithm: str
    version: int
    status: str
    department_id: int | None
    wrapped_by: str
    created_at: datetime
    created_by: str
    destroyed_at: datetime | None

    @classmethod
    def of(cls, rec: KeyRecord) -> KeyInfo:
        return cls(rec.key_id, rec.kind, rec.algorithm, rec.version, rec.status, rec.department_id, rec.wrapped_by,
                   rec.created_at, rec.created_by, rec.destroyed_at)


class SM2Signer:
    """Signs with a private key held only in this object; `key_id` names it in checkpoints."""

    def __init__(self, key_id: str, private: SM2PrivateKey) -> None:
        self.key_id = key_id
        self._private = private
        self.public = private.public_key

    def sign(self, data: bytes) -> bytes:
        return self._private.sign(data)

    def verify(self, signature: bytes, data: bytes) -> bool:
        return self.public.verify(signature, data)

    def __repr__(self) -> str:
        return f"SM2Signer({self.key_id})"


class PublicVerifier:
    def __init__(self, public: SM2PublicKey) -> None:
        self.public = public

    def verify(self, signature: bytes, data: bytes) -> bool:
        return self.public.verify(signature, data)


def fingerprint(public: bytes) -> str:
    """Short SM3 fingerprint of a public key, for pinning an archive's signer out of band."""
    digest = sm3_hex(public)
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def kek_scope(department_id: int) -> str:
    return f"kek/dept/{department_id}"


def dek_scope(dataset: str) -> str:
    name = dataset
    if not name or name != name.strip() or len(name) > _MAX_DATASET or any(ord(c) < 32 or c == "/" for c in name):
        raise CryptoError("key.bad_dataset", dataset=dataset[:60])
    return f"dek/{name}"


class Keyring:
    def __init__(self, root: bytes, audit: AuditLog | None = None) -> None:
        if len(root) != 16:
            raise CryptoError("key.bad_length", length=len(root))
        self._root = root
        self._audit = audit
        self._system: dict[str, bytes] = {}

    @property
    def audit(self) -> AuditLog:
        if self._audit is None:
            raise RuntimeError("the key ring has no audit log yet")
        return self._audit

    @audit.setter
    def audit(self, log: AuditLog) -> None:
        self._audit = log

    def __repr__(self) -> str:
        return "Keyring(<root withheld>)"

    # -- low level ---------------------------------------------------------------------------------

    def _unwrap(self, session: Session, rec: KeyRecord) -> bytes:
        if rec.wrapped is None:
            raise CryptoError("key.destroyed", key_id=rec.key_id)
        parent = self._root if rec.wrapped_by == ROOT else self._unwrap(session, self._record(session, rec.wrapped_by))
        return sm4_gcm_decrypt(parent, rec.wrapped, aad=rec.key_id.encode())

    @staticmethod
    def _record(session: Session, key_id: str) -> KeyRecord:
        rec = session.scalar(select(KeyRecord).where(KeyRecord.key_id == key_id))
        if rec is None:
            raise NotFound("key.not_found", key_id=key_id)
        return rec

    @staticmethod
    def _active(session: Session, scope: str) -> KeyRecord | None:
        return session.scalar(
            select(KeyRecord).where(KeyRecord.scope == scope, KeyRecord.status == "active").order_by(
                KeyRecord.version.desc())
        )

    def _new_version(self, session: Session, actor: Principal, *, scope: str, kind: str, algorithm: str,
                     material: bytes, wrapped_by: str, parent: bytes, department_id: int | None,
                     public: str | None, now: datetime) -> KeyRecord:
        last = session.scalar(select(func.max(KeyRecord.version)).where(KeyRecord.scope == scope)) or 0
        for old in session.scalars(select(KeyRecord).where(KeyRecord.scope == scope, KeyRecord.status == "active")):
            old.status, old.retired_at = "retired", now
        key_id = f"{scope}/v{last + 1}"
        rec = KeyRecord(key_id=key_id, scope=scope, kind=kind, algorithm=algorithm, version=last + 1, status="active",
                        department_id=department_id, wrapped_by=wrapped_by,
                        wrapped=sm4_gcm_encrypt(parent, material, aad=key_id.encode()), public=public,
                        created_at=now, created_by=actor.username)
        session.add(rec)
        session.flush()
        return rec

    # -- system keys -------------------------------------------------------------------------------

    def system_key(self, session: Session, purpose: str, length: int = 32, *,
                   now: datetime | None = None) -> tuple[bytes, bool]:
        """A random secret for one platform purpose (audit HMAC, TOTP wrapping), stored wrapped under the root
        key so that the root key can be rotated without changing it. Returns (key, created now)."""
        if purpose in self._system:
            return self._system[purpose], False
        scope = f"sys/{purpose}"
        rec = self._active(session, scope)
        created = rec is None
        if rec is None:
            rec = self._new_version(session, SYSTEM, scope=scope, kind="system", algorithm="SECRET",
                                    material=secrets.token_bytes(length), wrapped_by=ROOT, parent=self._root,
                                    department_id=None, public=None, now=now or utcnow())
            if self._audit is not None:
                self._audit.record(session, Event("key.create", SYSTEM, resource=f"key:{rec.key_id}",
                                                  details={"kind": "system", "purpose": purpose}), now=now)
        try:
            material = self._unwrap(session, rec)
        except CryptoError:
            raise ConfigError("key.root_mismatch", key_id=rec.key_id) from None
        self._system[purpose] = material
        return material, created

    def cached_system_key(self, purpose: str) -> bytes | None:
        return self._system.get(purpose)

    def rotate_root(self, session: Session, actor: Principal, new_root: bytes, *, now: datetime | None = None) -> int:
        """Re-wrap everything wrapped directly under the root key (system keys, department KEKs) under a new
        root key, in the caller's transaction; afterwards this key ring uses the new root. The operator must
        then point SHUAN_ROOT_KEY(_FILE) or the KMS at the new key before the next start."""
        if not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.rotate_root")
        if len(new_root) != 16 or new_root == self._root or new_root == bytes(16):
            raise CryptoError("key.root_new_invalid")
        count = 0
        for rec in session.scalars(select(KeyRecord).where(KeyRecord.wrapped_by == ROOT,
                                                          KeyRecord.wrapped.is_not(None))):
            material = self._unwrap(session, rec)
            rec.wrapped = sm4_gcm_encrypt(new_root, material, aad=rec.key_id.encode())
            count += 1
        session.flush()
        self.audit.record(session, Event("key.rotate_root", actor, resource="key:root",
                                         details={"rewrapped": count}), now=now)
        self._root = new_root
        return count

    def audit_signer(self, session: Session, *, now: datetime | None = None) -> SM2Signer:
        """The SM2 key that signs audit checkpoints; created (and audited) on first use."""
        rec = self._active(session, AUDIT_SIGNING_SCOPE)
        if rec is None:
            private = SM2PrivateKey.generate()
            rec = self._new_version(session, SYSTEM, scope=AUDIT_SIGNING_SCOPE, kind="system", algorithm="SM2",
                                    material=private.to_bytes(), wrapped_by=ROOT, parent=self._root,
                                    department_id=None, public=private.public_key.to_bytes().hex(),
                                    now=now or utcnow())
            self.audit.record(session, Event("key.create", SYSTEM, resource=f"key:{rec.key_id}",
                                             details={"kind": "system", "algorithm": "SM2"}), now=now)
            return SM2Signer(rec.key_id, private)
        try:
            material = self._unwrap(session, rec)
        except CryptoError:
            raise ConfigError("key.root_mismatch", key_id=rec.key_id) from None
        return SM2Signer(rec.key_id, SM2PrivateKey.from_bytes(material))

    def audit_verifiers(self, session: Session) -> dict[str, PublicVerifier]:
        """Every audit signing key ever used, by key id (old checkpoints survive a rotation).

        The public keys are derived from the unwrapped private keys, not read from the `public`
        column: someone who can write the database cannot substitute a key of their own.
        """
        out: dict[str, PublicVerifier] = {}
        for rec in session.scalars(select(KeyRecord).where(KeyRecord.scope == AUDIT_SIGNING_SCOPE)):
            if rec.wrapped is not None:
                out[rec.key_id] = PublicVerifier(SM2PrivateKey.from_bytes(self._unwrap(session, rec)).public_key)
        return out

    # -- department KEKs ---------------------------------------------------------------------------

    def ensure_kek(self, session: Session, actor: Principal, department_id: int, *,
                   now: datetime | None = None) -> KeyRecord:
        rec = self._active(session, kek_scope(department_id))
        return rec if rec is not None else self.rotate_kek(session, actor, department_id, now=now, _create=True)

    def rotate_kek(self, session: Session, actor: Principal, department_id: int, *, now: datetime | None = None,
                   _create: bool = False) -> KeyRecord:
        if not _create and not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.rotate")
        now = now or utcnow()
        rec = self._new_version(session, actor, scope=kek_scope(department_id), kind="kek", algorithm="SM4",
                                material=secrets.token_bytes(16), wrapped_by=ROOT, parent=self._root,
                                department_id=department_id, public=None, now=now)
        self.audit.record(session, Event("key.create" if rec.version == 1 else "key.rotate", actor,
                                         resource=f"key:{rec.key_id}", details={"kind": "kek", "version": rec.version,
                                                                               "department_id": department_id}),
                          now=now)
        return rec

    def rewrap(self, session: Session, actor: Principal, department_id: int, *, now: datetime | None = None) -> int:
        """Re-wrap the department's data keys under its newest KEK; erase KEK versions nothing needs."""
        if not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.rewrap")
        now = now or utcnow()
        kek = self._active(session, kek_scope(department_id))
        if kek is None:
            raise NotFound("key.not_found", key_id=kek_scope(department_id))
        kek_key = self._unwrap(session, kek)
        moved = 0
        for dek in session.scalars(select(KeyRecord).where(KeyRecord.kind == "dek",
                                                          KeyRecord.department_id == department_id,
                                                          KeyRecord.wrapped.is_not(None))):
            if dek.wrapped_by == kek.key_id:
                continue
            material = self._unwrap(session, dek)
            dek.wrapped, dek.wrapped_by = sm4_gcm_encrypt(kek_key, material, aad=dek.key_id.encode()), kek.key_id
            moved += 1
        session.flush()
        erased = 0
        for old in session.scalars(select(KeyRecord).where(KeyRecord.scope == kek.scope, KeyRecord.status == "retired",
                                                          KeyRecord.wrapped.is_not(None))):
            still_used = session.scalar(select(func.count()).select_from(KeyRecord).where(
                KeyRecord.wrapped_by == old.key_id, KeyRecord.wrapped.is_not(None)))
            if not still_used:
                old.wrapped, old.status, old.destroyed_at = None, "destroyed", now
                erased += 1
        self.audit.record(session, Event("key.rewrap", actor, resource=f"key:{kek.scope}",
                                         details={"rewrapped": moved, "erased_versions": erased,
                                                  "kek": kek.key_id}), now=now)
        return moved

    # -- data keys ---------------------------------------------------------------------------------

    def create_data_key(self, session: Session, actor: Principal, dataset: str, department_id: int, *,
                        now: datetime | None = None) -> KeyInfo:
        """A new data key for a dataset (or a new version of it), wrapped under the department's KEK.

        The platform itself (SYSTEM) may create keys it needs for its own records (e.g. the key that
        protects a department's registered source locations); people need Permission.KEY_MANAGE."""
        if actor is not SYSTEM and not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.create")
        now = now or utcnow()
        scope = dek_scope(dataset)
        current = self._active(session, scope)
        if current is not None and current.department_id != department_id:
            raise Conflict("key.dataset_owner", dataset=dataset, department=current.department_id)
        kek = self.ensure_kek(session, actor, department_id, now=now)
        rec = self._new_version(session, actor, scope=scope, kind="dek", algorithm="SM4",
                                material=secrets.token_bytes(16), wrapped_by=kek.key_id,
                                parent=self._unwrap(session, kek), department_id=department_id, public=None, now=now)
        self.audit.record(session, Event("key.create" if rec.version == 1 else "key.rotate", actor,
                                         resource=f"key:{rec.key_id}",
                                         details={"kind": "dek", "version": rec.version, "kek": kek.key_id}), now=now)
        return KeyInfo.of(rec)

    def encrypt(self, session: Session, dataset: str, plaintext: bytes, aad: bytes = b"") -> bytes:
        """Envelope: magic ‖ len(key_id) ‖ key_id ‖ SM4-GCM(data key, plaintext, aad ‖ key_id)."""
        rec = self._active(session, dek_scope(dataset))
        if rec is None:
            raise NotFound("key.not_found", key_id=dek_scope(dataset))
        kid = rec.key_id.encode()
        blob = sm4_gcm_encrypt(self._unwrap(session, rec), plaintext, aad=aad + kid)
        return ENVELOPE_MAGIC + struct.pack(">H", len(kid)) + kid + blob

    def decrypt(self, session: Session, envelope: bytes, aad: bytes = b"") -> bytes:
        if len(envelope) < 5 or envelope[:3] != ENVELOPE_MAGIC:
            raise CryptoError("key.bad_envelope")
        (n,) = struct.unpack(">H", envelope[3:5])
        kid = envelope[5 : 5 + n]
        if len(kid) != n:
            raise CryptoError("key.bad_envelope")
        try:
            key_id = kid.decode()
        except UnicodeDecodeError:
            raise CryptoError("key.bad_envelope") from None
        rec = self._record(session, key_id)
        if rec.kind != "dek":  # a KEK or a system key never decrypts data, whatever the envelope says
            raise CryptoError("key.not_data_key", key_id=rec.key_id)
        if rec.status == "destroyed" or rec.wrapped is None:
            raise CryptoError("key.destroyed", key_id=rec.key_id)
        return sm4_gcm_decrypt(self._unwrap(session, rec), envelope[5 + n :], aad=aad + kid)

    # -- destruction -------------------------------------------------------------------------------

    def request_destruction(self, session: Session, actor: Principal, dataset: str, reason: str, *,
                            now: datetime | None = None) -> int:
        if not actor.can(Permission.KEY_MANAGE):
            raise PermissionDenied("key.denied", action="key.destroy_request")
        reason = reason.strip()
        if not reason or len(reason) > 2000:
            raise CryptoError("key.destroy_reason")
        scope = dek_scope(dataset)
        if self._active(session, scope) is None:
            raise NotFound("key.not_found", key_id=scope)
        now = now or utcnow()
        req = KeyDestruction(scope=scope, reason=reason, requested_by=actor.username, requested_by_id=actor.user_id,
                             requested_at=now, status="pending")
        session.add(req)
        session.flush()
        self.audit.record(session, Event("key.destroy_request", actor, resource=f"key:{scope}",
                                         purpose=reason, details={"request": req.id}), now=now)
        return req.id

    @staticmethod
    def _pending_request(session: Session, actor: Principal, request_id: int) -> KeyDestruction:
        """The request `actor` may approve now (KEY_APPROVE, pending, not the requester's own)."""
        if not actor.can(Permission.KEY_APPROVE):
            raise PermissionDenied("key.denied", action="key.destroy_approve")
        req = session.get(KeyDestruction, request_id, with_for_update=True)
        if req is None:
            raise NotFound("key.request_not_found", request=request_id)
        if req.status != "pending":
            raise Conflict("key.request_closed", request=request_id, status=req.status)
        if actor.username == req.requested_by or (actor.user_id is not None and actor.user_id == req.requested_by_id):
            raise PermissionDenied("key.same_approver")
        return req

    def destruction_payload(self, session: Session, actor: Principal, request_id: int, *,
                            now: datetime) -> bytes:
        """Check that `actor` may approve the request and return the document they are to sign
        (`destruction_document` for approval at `now`)."""
        req = self._pending_request(session, actor, request_id)
        return destruction_document(req, approver=actor.username, approved_at=now)

    def approve_destruction(self, session: Session, actor: Principal, request_id: int, *,
                            approval: ApprovalSignature, now: datetime) -> int:
        """Approve and execute: every version's wrapped material is erased. Returns versions destroyed.

        `approval` is the approver's signature over `destruction_document(request, actor, now)`; it is
        verified here, before anything is erased, and stored on the request with the key's id and
        fingerprint (the caller — shuan.crypto.keys.service — takes the key from the approver's own
        signing keys)."""
        req = self._pending_request(session, actor, request_id)
        payload = destruction_document(req, approver=actor.username, approved_at=now)
        if not approval.verifies(payload):
            raise CryptoError("key.approval_unverified", request=request_id)
        count = 0
        for rec in session.scalars(select(KeyRecord).where(KeyRecord.scope == req.scope,
                                                          KeyRecord.wrapped.is_not(None))):
            rec.wrapped, rec.status, rec.destroyed_at = None, "destroyed", now
            count += 1
        req.status, req.decided_by, req.decided_at, req.versions_destroyed = "executed", actor.username, now, count
        req.approval_version = DESTRUCTION_VERSION
        req.approval_key_id = approval.key_id
        req.approval_key_fingerprint = fingerprint(approval.public_key)
        req.approval_signature = approval.signature.hex()
        self.audit.record(session, Event("key.destroy", actor, resource=f"key:{req.scope}",
                                         details={"request": req.id, "versions": count,
                                                  "requested_by": req.requested_by,
                                                  "document_version": DESTRUCTION_VERSION,
                                                  "digest": sm3_hex(payload),
                                                  "signature": approval.signature.hex(),
                                                  "key_id": approval.key_id,
                                                  "key_fingerprint": req.approval_key_fingerprint}), now=now)
        return count

    @staticmethod
    def list_keys(session: Session, department_id: int | None = None) -> list[KeyInfo]:
        q = select(KeyRecord).order_by(KeyRecord.scope, KeyRecord.version)
        if department_id is not None:
            q = q.where(KeyRecord.department_id == department_id)
        return [KeyInfo.of(r) for r in session.scalars(q)]


