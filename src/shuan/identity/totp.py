"""TOTP second factor (RFC 6238: 6 digits, 30 s steps, ±1 step of clock drift).

Deviation from the SM-only rule — HMAC-SHA1, not an SM algorithm. The codes are HMAC-SHA1 as RFC
6238 specifies, because that is what authenticator apps (Google/Microsoft Authenticator, FreeOTP,
企业微信/钉钉 authenticators …) compute: they ignore or refuse any other `algorithm=` in the
otpauth:// URI, so an HMAC-SM3 code could not be produced by the phones people have. HMAC-SHA1 is
used here only as a PRF keyed by a 160-bit random secret over a time counter (collisions of SHA-1
do not help against it). pyotp could take SM3 as a custom digest, but an "HMAC-SM3 TOTP" would be
neither RFC 6238 nor GM/T 0021 (the SM3/SM4 dynamic-password standard, a different construction
used by hardware tokens), and no app would compute it, so no SM3 mode is offered. Everything else
around the codes is SM: secrets are stored SM4-GCM encrypted, sessions and tokens SM3-hashed, and
the audit chain is SM3/SM2. A GM/T 0021 hardware-token factor would be a separate factor type.

Secrets are stored SM4-GCM encrypted under a system key for the purpose (bound to the user id
through the associated data, so a secret copied to another row does not decrypt). The last accepted
time step is stored per user: a code, once accepted, and any code of an earlier step are refused.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pyotp
from sqlalchemy.orm import Session

from shuan.crypto.sm4 import sm4_gcm_decrypt, sm4_gcm_encrypt
from shuan.errors import AuthError, Conflict, PermissionDenied
from shuan.identity.common import (
    audited,
    end_sessions,
    get_user_row,
    load_user,
    now_or,
    record,
    require,
    require_interactive,
    roles_of,
    user_resource,
)
from shuan.identity.dual_control import PendingRequest, RequestKind, defer, guarded_roles
from shuan.identity.models import User
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.identity.stages import SessionStage, actor_session, next_stage
from shuan.platform import Platform

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
ISSUER = "shuan"
KEY_PURPOSE = "totp"


def totp_key(platform: Platform) -> bytes:
    """The SM4 key that wraps TOTP secrets: a system key stored wrapped under the root key (so rotating the
    root key leaves enrolments intact), created on first use."""
    key = platform.keyring.cached_system_key(KEY_PURPOSE)
    if key is None:  # the platform loads it at start; this only runs for a key ring opened without it
        with platform.store.transaction() as session:
            key, _ = platform.keyring.system_key(session, KEY_PURPOSE, 16)
    return key


def _aad(user_id: int, pending: bool) -> bytes:
    return f"shuan/totp/v1|{'pending' if pending else 'active'}|user:{user_id}".encode()


def encrypt_secret(key: bytes, user_id: int, secret: str, *, pending: bool = False) -> bytes:
    return sm4_gcm_encrypt(key, secret.encode("ascii"), aad=_aad(user_id, pending))


def decrypt_secret(key: bytes, user_id: int, blob: bytes, *, pending: bool = False) -> str:
    return sm4_gcm_decrypt(key, blob, aad=_aad(user_id, pending)).decode("ascii")


def time_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def code_at(secret: str, step: int) -> str:
    return str(pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step))


def match_code(secret: str, code: object, *, now: datetime, last_step: int | None) -> int:
    """The time step `code` belongs to (within ±DRIFT_STEPS of now); AuthError when wrong or reused."""
    text = code.replace(" ", "") if isinstance(code, str) else ""
    if len(text) != DIGITS or not text.isascii() or not text.isdigit():
        raise AuthError("identity.totp_invalid")
    current = time_step(now)
    matched: int | None = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), text):
            matched = step
    if matched is None:
        raise AuthError("identity.totp_invalid")
    if last_step is not None and matched <= last_step:
        raise AuthError("identity.totp_reused")
    return matched


def check_user_code(platform: Platform, user: User, code: object, now: datetime) -> int:
    """Check a login code against the user's enrolled secret; returns the step to store."""
    if user.totp_secret_enc is None:
        raise AuthError("identity.totp_invalid")
    secret = decrypt_secret(totp_key(platform), user.id, user.totp_secret_enc)
    return match_code(secret, code, now=now, last_step=user.totp_last_step)


# -- enrolment ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrollment:
    """Shown once to the user: the base32 secret and an otpauth:// URI for an authenticator app."""

    secret: str = field(repr=False)
    uri: str = field(repr=False)


def begin_totp_enrollment(platform: Platform, *, actor: Principal, now: datetime | None = None) -> TotpEnrollment:
    """Start enrolling the actor's own authenticator: a new pending secret (confirm it with a code)."""
    now = now_or(now)

    def body(s: Session) -> TotpEnrollment:
        user_id = require_interactive(actor)
        actor_session(s, actor, (SessionStage.ENROLL, SessionStage.ACTIVE), settings=platform.settings, now=now)
        user = get_user_row(s, user_id, lock=True)
        if user.totp_enabled:
            raise Conflict("identity.totp_enrolled")
        secret = pyotp.random_base32(32)
        user.totp_pending_enc = encrypt_secret(totp_key(platform), user.id, secret, pending=True)
        record(platform, s, now, action="totp.enroll_begin", actor=actor, resource=user_resource(user.username))
        uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
            name=user.username, issuer_name=ISSUER
        )
        return TotpEnrollment(secret=secret, uri=uri)

    return audited(platform, actor=actor, action="totp.enroll_begin", resource=_actor_resource(actor), now=now,
                   body=body)


def confirm_totp_enrollment(
    platform: Platform, *, actor: Principal, code: str, now: datetime | None = None
) -> SessionStage | None:
    """Confirm the pending secret with a current code; TOTP is then required at every login.

    Returns the stage the actor's session moves to (a session at ENROLL becomes ACTIVE)."""
    now = now_or(now)

    def body(s: Session) -> SessionStage | None:
        user_id = require_interactive(actor)
        row, _ = actor_session(s, actor, (SessionStage.ENROLL, SessionStage.ACTIVE), settings=platform.settings,
                               now=now)
        user = get_user_row(s, user_id, lock=True)
        if user.totp_enabled:
            raise Conflict("identity.totp_enrolled")
        if user.totp_pending_enc is None:
            raise Conflict("identity.totp_not_pending")
        key = totp_key(platform)
        secret = decrypt_secret(key, user.id, user.totp_pending_enc, pending=True)
        step = match_code(secret, code, now=now, last_step=None)
        user.totp_secret_enc = encrypt_secret(key, user.id, secret)
        user.totp_pending_enc = None
        user.totp_last_step = step
        row.mfa_verified = True  # proving the new secret is a second factor for this session
        row.last_seen_at = now
        record(platform, s, now, action="totp.enroll", actor=actor, resource=user_resource(user.username))
        return next_stage(user, roles_of(s, user.id), mfa_verified=True, settings=platform.settings, now=now)

    return audited(platform, actor=actor, action="totp.enroll", resource=_actor_resource(actor), now=now, body=body)


def _apply_totp_reset(platform: Platform, s: Session, actor: Principal, user: User, now: datetime,
                      via: Mapping[str, object] | None = None) -> None:
    if not user.totp_enabled and user.totp_pending_enc is None:
        raise Conflict("identity.totp_not_enrolled")
    user.totp_secret_enc = None
    user.totp_pending_enc = None
    user.totp_last_step = None
    ended = end_sessions(s, user.id, reason="totp_reset", now=now)
    record(platform, s, now, action="totp.reset", actor=actor, resource=user_resource(user.username),
           details={"sessions_ended": ended, **dict(via or {})})


def reset_totp(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None
               ) -> PendingRequest | None:
    """An administrator removes a user's TOTP (lost phone); the user enrols again at next login.
    For a 三员 account the reset is requested: the PendingRequest is returned."""
    now = now_or(now)

    def body(s: Session) -> PendingRequest | None:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_admin")
        if not user.totp_enabled and user.totp_pending_enc is None:
            raise Conflict("identity.totp_not_enrolled")
        concerns = guarded_roles(s, user.id)
        if concerns:
            return defer(platform, s, actor=actor, kind=RequestKind.TOTP_RESET, target_username=user.username,
                         target_user_id=user.id, params={}, concerns=concerns, now=now)
        _apply_totp_reset(platform, s, actor, user, now)
        return None

    return audited(platform, actor=actor, action="totp.reset", resource=user_resource(username), now=now, body=body)


def apply_totp_reset(platform: Platform, s: Session, *, actor: Principal, user: User, now: datetime,
                     via: Mapping[str, object]) -> None:
    _apply_totp_reset(platform, s, actor, user, now, via)


def _actor_resource(actor: Principal) -> str:
    return user_resource(actor.username)


__all__ = [
    "TotpEnrollment",
    "apply_totp_reset",
    "begin_totp_enrollment",
    "check_user_code",
    "code_at",
    "confirm_totp_enrollment",
    "match_code",
    "reset_totp",
    "time_step",
    "totp_key",
]
