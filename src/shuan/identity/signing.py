"""Per-user SM2 key pairs for signing approvals (non-repudiation).

The private key is SM4-GCM encrypted under a key derived from the user's own password (argon2id raw
output, its own random salt, parameters stored with it): without the password nobody — administrators
included — can sign in the user's name. The key is created when the user first chooses a password
(the one-time secret is known to whoever created the account), re-encrypted at each change, and
retired at an administrator's reset (its public half stays, so earlier approvals still verify).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.crypto.keys.keyring import fingerprint
from shuan.crypto.sm2 import DEFAULT_UID, SM2PrivateKey, SM2PublicKey
from shuan.crypto.sm4 import sm4_gcm_decrypt, sm4_gcm_encrypt
from shuan.errors import AuthError, Conflict, CryptoError, InvalidInput, NotFound
from shuan.identity.common import (
    audited,
    get_user_row,
    load_user,
    now_or,
    record,
    user_resource,
)
from shuan.identity.lockout import is_locked, locked_error, register_failure, reset_failures
from shuan.identity.models import SigningKey, User
from shuan.identity.passwords import derive_key, encodable, kdf_params
from shuan.identity.principal import Principal
from shuan.identity.stages import require_active
from shuan.platform import Platform

SALT_BYTES = 16
APPROVAL_UID = DEFAULT_UID


@dataclass(frozen=True)
class SigningKeyInfo:
    id: int
    user_id: int
    public_key: bytes
    created_at: datetime
    retired_at: datetime | None


def _aad(user_id: int) -> bytes:
    return f"shuan/signing-key/v1|user:{user_id}".encode()


def _wrap(key: SigningKey, private: SM2PrivateKey, password: str) -> None:
    salt = secrets.token_bytes(SALT_BYTES)
    params = kdf_params()
    key.kdf_salt = salt
    key.kdf_params = params
    key.private_enc = sm4_gcm_encrypt(derive_key(password, salt, params), private.to_bytes(), aad=_aad(key.user_id))


def _unwrap(key: SigningKey, password: str) -> SM2PrivateKey:
    """The private key, or CryptoError (wrong password, damaged record, retired key)."""
    if key.private_enc is None or key.kdf_salt is None or key.kdf_params is None or not encodable(password):
        raise CryptoError("crypto.gcm_auth_failed")
    wrapping = derive_key(password, key.kdf_salt, key.kdf_params)
    return SM2PrivateKey.from_bytes(sm4_gcm_decrypt(wrapping, key.private_enc, aad=_aad(key.user_id)))


def active_key(s: Session, user_id: int, *, lock: bool = False) -> SigningKey | None:
    stmt = select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))
    if lock:
        stmt = stmt.with_for_update()
    return s.scalars(stmt.order_by(SigningKey.id.desc())).first()


def create_key(s: Session, user: User, password: str, now: datetime) -> SigningKey:
    private = SM2PrivateKey.generate()
    key = SigningKey(user_id=user.id, public_key=private.public_key.to_bytes(), created_at=now)
    _wrap(key, private, password)
    s.add(key)
    s.flush()
    return key


def rewrap_or_create_key(s: Session, user: User, *, old_password: str, new_password: str, now: datetime) -> None:
    """At a password change: re-encrypt the active key under the new password, or create one."""
    key = active_key(s, user.id, lock=True)
    if key is not None:
        try:
            private = _unwrap(key, old_password)
        except CryptoError:
            key.retired_at = now  # not openable with the current password: replace it
            key.private_enc = None
        else:
            _wrap(key, private, new_password)
            return
    create_key(s, user, new_password, now)


def retire_keys(s: Session, user_id: int, *, now: datetime) -> int:
    """Retire the user's keys: the private halves are erased, the public halves kept for verification."""
    count = 0
    for key in s.scalars(select(SigningKey).where(SigningKey.user_id == user_id, SigningKey.retired_at.is_(None))):
        key.retired_at = now
        key.private_enc = None
        key.kdf_salt = None
        count += 1
    return count


def sign_approval(
    platform: Platform, *, actor: Principal, password: str, payload: bytes, now: datetime | None = None
) -> bytes:
    """Sign `payload` (the canonical bytes of an approval) with the actor's own key: 64-byte r ‖ s.

    The password opens the key; a wrong one counts toward lockout like a failed login."""
    now = now_or(now)
    action = "approval.sign"
    resource = user_resource(actor.username)

    def load(s: Session) -> SigningKey:
        if actor.user_id is None:
            raise AuthError("identity.no_signing_key")
        require_active(s, actor, settings=platform.settings, now=now)
        user = get_user_row(s, actor.user_id)
        if is_locked(user, now):
            raise locked_error(user, now)
        key = active_key(s, user.id)
        if key is None:
            raise Conflict("identity.no_signing_key")
        return key

    key = audited(platform, actor=actor, action=action, resource=resource, now=now, body=load)
    try:
        private = _unwrap(key, password)
    except CryptoError:
        assert actor.user_id is not None  # noqa: S101 - checked in load()
        register_failure(platform, user_id=actor.user_id, action=action, reason="identity.signing_password",
                         client=actor.client, now=now, session_id=actor.session_id)
        raise AuthError("identity.signing_password") from None
    signature = private.sign(payload, uid=APPROVAL_UID)

    def done(s: Session) -> bytes:
        assert actor.user_id is not None  # noqa: S101 - checked in load()
        reset_failures(get_user_row(s, actor.user_id, lock=True))
        digest = SM2PublicKey.from_bytes(key.public_key).message_digest(payload, APPROVAL_UID).hex()
        record(platform, s, now, action=action, actor=actor, resource=resource,
               details={"key_id": key.id, "digest": digest})
        return signature

    return audited(platform, actor=actor, action=action, resource=resource, now=now, body=done)


def verify_approval(public_key: bytes, payload: bytes, signature: bytes) -> bool:
    """True when `signature` is the key's signature of `payload`; False for anything malformed."""
    try:
        return SM2PublicKey.from_bytes(public_key).verify(signature, payload, APPROVAL_UID)
    except CryptoError:
        return False


def signing_keys(platform: Platform, *, username: str) -> list[SigningKeyInfo]:
    """A user's public keys, newest first (active and retired), for verifying their approvals.

    Public keys are not secret: no permission is needed to read them."""
    with platform.store.sessions() as s:
        user = load_user(s, username)
        rows = s.scalars(select(SigningKey).where(SigningKey.user_id == user.id).order_by(SigningKey.id.desc()))
        return [SigningKeyInfo(id=k.id, user_id=k.user_id, public_key=k.public_key, created_at=k.created_at,
                               retired_at=k.retired_at) for k in rows]


def verify_stored(platform: Platform, *, signer: str, key_id: int | None, user_id: int | None,
                  key_fingerprint: str | None, payload: bytes, signature_hex: str) -> bool:
    """Whether a stored signature verifies: `signature_hex` of `payload` checked with the signer's key
    `key_id` (active or retired), which must be `user_id`'s and still have the stored fingerprint.
    False for an unknown signer or a malformed signature."""
    try:
        signature = bytes.fromhex(signature_hex)
        keys = signing_keys(platform, username=signer)
    except (ValueError, NotFound, InvalidInput):
        return False
    valid = False
    for key in keys:
        if key.id == key_id and key.user_id == user_id and fingerprint(key.public_key) == key_fingerprint:
            valid = verify_approval(key.public_key, payload, signature)
    return valid


__all__ = [
    "SigningKeyInfo",
    "retire_keys",
    "rewrap_or_create_key",
    "sign_approval",
    "signing_keys",
    "verify_approval",
    "verify_stored",
]
