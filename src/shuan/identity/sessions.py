"""Login, second factor, sessions, logout.

A session id is 256 random bits handed to the client once; the store keeps only its SM3 digest.
Audit events name a session by its row (``sess-<n>``), never by the id itself. Sessions end after
`session_idle_minutes` without use, after `session_absolute_hours` in any case, and a session that
is still short of a full login (MFA, password change, TOTP enrolment) idles out after at most
PENDING_IDLE.

Unknown usernames cost one argon2id verification against a dummy hash, like real ones, and get the
same answer as a wrong password — and after as many failures the same "locked" answer
(lockout.UnknownNames); the typed name is audited only as a keyed hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.audit.events import Event, Outcome
from shuan.errors import AuthError, PermissionDenied, ShuanError
from shuan.identity.common import (
    anonymous,
    audited,
    bare_principal,
    end_sessions,
    get_user_row,
    load_user,
    login_name,
    now_or,
    principal_for,
    record,
    record_refusal,
    roles_of,
    safe_text,
    session_ref,
    user_resource,
)
from shuan.identity.dual_control import PendingRequest, RequestKind, defer, guarded_roles
from shuan.identity.lockout import is_locked, locked_error, register_failure, reset_failures, unknown_names
from shuan.identity.models import AuthSession, User
from shuan.identity.passwords import hash_password, needs_rehash, verify_dummy, verify_password
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.identity.stages import RESTRICTED_SCOPES, STAGE_ERRORS, SessionStage, next_stage, require_active
from shuan.identity.totp import check_user_code
from shuan.platform import Platform

PENDING_IDLE = timedelta(minutes=10)
#: what secrets.token_urlsafe produces; anything else is refused before it is hashed or looked up
_SESSION_ID_RE = re.compile(r"[A-Za-z0-9_-]{20,128}")
LOGIN_FAILED = "auth.login_failed"


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a login step. `session_id` is the client's secret (a cookie); shown, never stored."""

    session_id: str = field(repr=False)
    stage: SessionStage
    principal: Principal
    expires_at: datetime


@dataclass(frozen=True)
class SessionInfo:
    stage: SessionStage
    principal: Principal
    expires_at: datetime  # absolute end
    idle_expires_at: datetime  # end if not used again before


def well_formed(session_id: object) -> bool:
    return isinstance(session_id, str) and _SESSION_ID_RE.fullmatch(session_id) is not None


def session_hash(session_id: str) -> str:
    return hashlib.new("sm3", session_id.encode("utf-8")).hexdigest()


def account_refusal(user: User, now: datetime) -> ShuanError | None:
    """Why an account may not authenticate at all right now (checked after the credential)."""
    if not user.active:
        return AuthError("identity.account_disabled")
    if user.vendor_until is not None and now >= user.vendor_until:
        return AuthError("identity.vendor_expired")
    if user.must_change_password and user.one_time_expires_at is not None and now >= user.one_time_expires_at:
        return AuthError("identity.one_time_expired")
    return None


def _principal(s: Session, user: User, row: AuthSession, stage: SessionStage, client: str | None) -> Principal:
    scopes = None if stage is SessionStage.ACTIVE else RESTRICTED_SCOPES
    return principal_for(s, user, client=client, session_id=session_ref(row.id), token_scopes=scopes)


def _idle_limit(platform: Platform, stage: SessionStage) -> timedelta:
    idle = timedelta(minutes=platform.settings.session_idle_minutes)
    return idle if stage is SessionStage.ACTIVE else min(idle, PENDING_IDLE)


# -- login ------------------------------------------------------------------------------------------


def login(
    platform: Platform, *, username: str, password: str, client: str | None = None, now: datetime | None = None
) -> LoginResult:
    """Check a username and password; returns a session at the first step still required."""
    now = now_or(now)
    name = login_name(username)
    user: User | None = None
    if name is not None:
        with platform.store.sessions() as s:
            user = s.scalar(select(User).where(User.username == name))
    if user is None:
        _unknown_name(platform, username, password, client, now)
    actor = bare_principal(user, client=client)
    resource = user_resource(user.username)
    if is_locked(user, now):
        error = locked_error(user, now)
        record_refusal(platform, actor=actor, action=LOGIN_FAILED, resource=resource, error=error, now=now,
                       outcome=Outcome.DENIED)
        raise error
    if not verify_password(user.password_hash, password):
        register_failure(platform, user_id=user.id, action=LOGIN_FAILED, reason="identity.bad_credentials",
                         client=client, now=now)
        raise AuthError("identity.bad_credentials")
    refusal = account_refusal(user, now)
    if refusal is not None:
        record_refusal(platform, actor=actor, action=LOGIN_FAILED, resource=resource, error=refusal, now=now,
                       outcome=Outcome.DENIED)
        raise refusal

    session_id = secrets.token_urlsafe(32)
    with platform.store.transaction() as s:
        user = get_user_row(s, user.id, lock=True)
        user.last_login_at = now
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        row = AuthSession(
            sid_hash=session_hash(session_id),
            user_id=user.id,
            mfa_verified=False,
            client=safe_text(client) if client else None,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=platform.settings.session_absolute_hours),
        )
        s.add(row)
        s.flush()
        stage = next_stage(user, roles_of(s, user.id), mfa_verified=False, settings=platform.settings, now=now)
        if stage is not SessionStage.MFA:
            # with TOTP enrolled the count resets only after the code: a known password must not
            # buy unlimited guesses at the second factor
            reset_failures(user)
        principal = _principal(s, user, row, stage, client)
        record(platform, s, now, action="auth.login", actor=principal, resource=resource,
               details={"stage": stage.value})
    return LoginResult(session_id=session_id, stage=stage, principal=principal, expires_at=row.expires_at)


def _unknown_name(platform: Platform, username: object, password: object, client: str | None,
                  now: datetime) -> NoReturn:
    """A login for a name that is no account: the same answers a real account would give — a wrong
    password (after one argon2id verification), and after `lockout_threshold` of them "locked" for
    the same time — so neither the answer nor the lockout tells which names exist."""
    typed = username if isinstance(username, str) else repr(username)
    table = unknown_names(platform)
    key = table.key(typed)
    seconds = table.locked_for(key, now)
    if seconds is not None:
        error = AuthError("identity.locked", seconds=seconds)
        record_refusal(platform, actor=anonymous(client), action=LOGIN_FAILED, resource="", error=error, now=now,
                       sensitive={"username": typed}, outcome=Outcome.DENIED)
        raise error
    verify_dummy(password if isinstance(password, str) else "")
    error = AuthError("identity.bad_credentials")
    record_refusal(platform, actor=anonymous(client), action=LOGIN_FAILED, resource="", error=error, now=now,
                   sensitive={"username": typed})
    locked = table.fail(key, now, threshold=platform.settings.lockout_threshold,
                        base_seconds=platform.settings.lockout_base_seconds)
    if locked is not None:
        with platform.store.transaction() as s:
            platform.audit.record(s, Event(action="auth.lockout", actor=anonymous(client), outcome=Outcome.DENIED,
                                           resource="", details={"seconds": locked[0], "lockouts": locked[1],
                                                                 "unknown_user": True},
                                           sensitive={"username": safe_text(typed, 1000)}), now=now)
    raise error


def verify_mfa(
    platform: Platform, *, session_id: str, code: str, client: str | None = None, now: datetime | None = None
) -> LoginResult:
    """Second step: a TOTP code for a session at the MFA stage. The session id is replaced (the old one
    stops working), so an id seen before the second factor is worthless after it."""
    now = now_or(now)
    info = resume(platform, session_id=session_id, client=client, now=now)
    principal = info.principal
    user_id = principal.user_id
    assert user_id is not None  # noqa: S101 - sessions always belong to a user
    if info.stage is not SessionStage.MFA:
        error = AuthError("identity.mfa_not_pending")
        record_refusal(platform, actor=principal, action="auth.mfa_failed", resource=user_resource(principal.username),
                       error=error, now=now)
        raise error
    new_id = secrets.token_urlsafe(32)
    failure: AuthError | None = None
    with platform.store.transaction() as s:
        user = get_user_row(s, user_id, lock=True)
        row = s.scalar(select(AuthSession).where(AuthSession.sid_hash == session_hash(session_id)).with_for_update())
        if row is None or row.ended_at is not None:
            failure = AuthError("identity.session_invalid")
        elif is_locked(user, now):
            failure = locked_error(user, now)
        else:
            try:
                step = check_user_code(platform, user, code, now)
            except AuthError as exc:
                failure = exc
            else:
                user.totp_last_step = step
                reset_failures(user)
                row.mfa_verified = True
                row.last_seen_at = now
                row.sid_hash = session_hash(new_id)
                stage = next_stage(user, roles_of(s, user.id), mfa_verified=True, settings=platform.settings,
                                   now=now)
                principal = _principal(s, user, row, stage, client)
                record(platform, s, now, action="auth.mfa", actor=principal, resource=user_resource(user.username),
                       details={"stage": stage.value})
                expires_at = row.expires_at
    if failure is not None:
        if failure.key in ("identity.totp_invalid", "identity.totp_reused"):
            register_failure(platform, user_id=user_id, action="auth.mfa_failed", reason=failure.key,
                             client=client, now=now, session_id=principal.session_id)
        else:
            record_refusal(platform, actor=principal, action="auth.mfa_failed",
                           resource=user_resource(principal.username), error=failure, now=now,
                           outcome=Outcome.DENIED)
        raise failure
    return LoginResult(session_id=new_id, stage=stage, principal=principal, expires_at=expires_at)


# -- using a session --------------------------------------------------------------------------------


def resume(platform: Platform, *, session_id: str, client: str | None = None, now: datetime | None = None
           ) -> SessionInfo:
    """Look a session up, enforce its timeouts and the account's state, mark it used; any stage."""
    now = now_or(now)
    if not well_formed(session_id):
        _invalid(platform, client, now, reason="malformed")
    error: ShuanError | None = None
    with platform.store.transaction() as s:
        row = s.scalar(select(AuthSession).where(AuthSession.sid_hash == session_hash(session_id)).with_for_update())
        user = None if row is None else get_user_row(s, row.user_id)
        if row is not None and user is not None and row.ended_at is None:
            stage = next_stage(user, roles_of(s, user.id), mfa_verified=row.mfa_verified,
                               settings=platform.settings, now=now)
            principal = _principal(s, user, row, stage, client)
            idle_end = row.last_seen_at + _idle_limit(platform, stage)
            ended = "absolute" if now >= row.expires_at else "idle" if now >= idle_end else None
            refusal = account_refusal(user, now)
            if ended is not None:
                row.ended_at, row.end_reason = now, ended
                error = AuthError("identity.session_expired")
                record(platform, s, now, action="session.expired", actor=principal,
                       resource=user_resource(user.username), details={"reason": ended},
                       outcome=Outcome.FAILURE)
            elif refusal is not None:
                row.ended_at, row.end_reason = now, "account"
                error = refusal
                record(platform, s, now, action="auth.session_denied", actor=principal,
                       resource=user_resource(user.username), details={"reason": refusal.key},
                       outcome=Outcome.DENIED)
            else:
                row.last_seen_at = now
                return SessionInfo(stage=stage, principal=principal, expires_at=row.expires_at,
                                   idle_expires_at=now + _idle_limit(platform, stage))
    if error is not None:
        raise error
    if row is None or user is None:
        _invalid(platform, client, now, reason="unknown")
    # a session that has ended: replay after logout, expiry or revocation
    actor = replace(bare_principal(user, client=client), session_id=session_ref(row.id))
    _invalid(platform, client, now, reason="ended", actor=actor)


def _invalid(platform: Platform, client: str | None, now: datetime, *, reason: str,
             actor: Principal | None = None) -> NoReturn:
    error = AuthError("identity.session_invalid")
    record_refusal(platform, actor=actor or anonymous(client), action="auth.session_invalid", resource="",
                   error=error, now=now, details={"why": reason})
    raise error


def authenticate(
    platform: Platform,
    *,
    session_id: str,
    client: str | None = None,
    now: datetime | None = None,
    allow: Collection[SessionStage] = (SessionStage.ACTIVE,),
) -> Principal:
    """The Principal of a live session at one of the `allow`ed stages (by default a full login)."""
    now = now_or(now)
    info = resume(platform, session_id=session_id, client=client, now=now)
    if info.stage not in allow:
        error = AuthError(STAGE_ERRORS[info.stage])
        record_refusal(platform, actor=info.principal, action="auth.session_stage",
                       resource=user_resource(info.principal.username), error=error, now=now,
                       outcome=Outcome.DENIED, details={"stage": info.stage.value})
        raise error
    return info.principal


def logout(platform: Platform, *, session_id: str, client: str | None = None, now: datetime | None = None) -> None:
    """End a session. Idempotent: an unknown or ended session is left as it is."""
    now = now_or(now)
    if not well_formed(session_id):
        return
    with platform.store.transaction() as s:
        row = s.scalar(select(AuthSession).where(AuthSession.sid_hash == session_hash(session_id)).with_for_update())
        if row is None or row.ended_at is not None:
            return
        user = get_user_row(s, row.user_id)
        row.ended_at, row.end_reason = now, "logout"
        actor = replace(bare_principal(user, client=client), session_id=session_ref(row.id))
        record(platform, s, now, action="auth.logout", actor=actor, resource=user_resource(user.username))


def _apply_revoke_sessions(platform: Platform, s: Session, actor: Principal, user: User, now: datetime,
                           via: Mapping[str, object] | None = None) -> int:
    count = end_sessions(s, user.id, reason="revoked", now=now)
    record(platform, s, now, action="session.revoke_all", actor=actor, resource=user_resource(user.username),
           details={"count": count, **dict(via or {})})
    return count


def revoke_sessions(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None
                    ) -> int | PendingRequest:
    """End every session of a user: the user themself, or an identity administrator (for a 三员
    account other than the caller's own, a request: PendingRequest). Returns how many ended."""
    now = now_or(now)

    def body(s: Session) -> int | PendingRequest:
        require_active(s, actor, settings=platform.settings, now=now)
        user = load_user(s, username, lock=True)
        if user.id != actor.user_id:
            if not actor.can(Permission.IDENTITY_MANAGE):
                raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_MANAGE.value)
            concerns = guarded_roles(s, user.id)
            if concerns:
                return defer(platform, s, actor=actor, kind=RequestKind.SESSIONS_REVOKE,
                             target_username=user.username, target_user_id=user.id, params={}, concerns=concerns,
                             now=now)
        return _apply_revoke_sessions(platform, s, actor, user, now)

    return audited(platform, actor=actor, action="session.revoke_all", resource=user_resource(username), now=now,
                   body=body)


def apply_sessions_revoke(platform: Platform, s: Session, *, actor: Principal, user: User, now: datetime,
                          via: Mapping[str, object]) -> int:
    return _apply_revoke_sessions(platform, s, actor, user, now, via)
