"""Passwords over an account's life: the user's own change, an administrator's reset, unlocking.

An administrator never learns a user's password: accounts start (and restart after a reset) with a
random one-time secret, shown once, that expires after ONE_TIME_LIFETIME and must be replaced at the
first login. The user's SM2 signing key is created when the user first chooses a password of their
own, and is re-encrypted under each new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

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
from shuan.identity.lockout import is_locked, locked_error, register_failure, reset_failures
from shuan.identity.models import PasswordHistory, User
from shuan.identity.passwords import (
    ONE_TIME_LIFETIME,
    check_history,
    check_policy,
    hash_password,
    new_one_time_secret,
    verify_password,
)
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.identity.signing import retire_keys, rewrap_or_create_key
from shuan.identity.stages import SessionStage, actor_session, next_stage
from shuan.platform import Platform


def _push_history(s: Session, user: User, remembered: int, now: datetime) -> None:
    """Move the current hash into the history and keep only the last `remembered`."""
    if remembered <= 0:
        s.execute(delete(PasswordHistory).where(PasswordHistory.user_id == user.id))
        return
    s.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    s.flush()
    ids = list(
        s.scalars(
            select(PasswordHistory.id)
            .where(PasswordHistory.user_id == user.id)
            .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        )
    )
    if len(ids) > remembered:
        s.execute(delete(PasswordHistory).where(PasswordHistory.id.in_(ids[remembered:])))


def _history_hashes(s: Session, user: User, remembered: int) -> list[str]:
    previous = s.scalars(
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.user_id == user.id)
        .order_by(PasswordHistory.created_at.desc(), PasswordHistory.id.desc())
        .limit(max(remembered, 0))
    )
    return [user.password_hash, *previous] if remembered > 0 else [user.password_hash]


def change_password(
    platform: Platform,
    *,
    actor: Principal,
    current_password: str,
    new_password: str,
    now: datetime | None = None,
) -> SessionStage:
    """The user's own change (from a login session at the PASSWORD or ACTIVE stage).

    Checks the current password (a wrong one counts toward lockout), the policy and the history; ends
    the user's other sessions; re-encrypts the signing key. Returns the stage the session moves to."""
    now = now_or(now)
    action = "password.change"
    resource = user_resource(actor.username)

    def precheck(s: Session) -> User:
        user_id = require_interactive(actor)
        actor_session(s, actor, (SessionStage.PASSWORD, SessionStage.ACTIVE), settings=platform.settings, now=now)
        user = get_user_row(s, user_id)
        if is_locked(user, now):
            raise locked_error(user, now)
        return user

    user = audited(platform, actor=actor, action=action, resource=resource, now=now, body=precheck)
    if not verify_password(user.password_hash, current_password):
        register_failure(platform, user_id=user.id, action=action, reason="identity.bad_current_password",
                         client=actor.client, now=now, session_id=actor.session_id)
        raise AuthError("identity.bad_current_password")

    def body(s: Session) -> SessionStage:
        row, _ = actor_session(s, actor, (SessionStage.PASSWORD, SessionStage.ACTIVE),
                               settings=platform.settings, now=now)
        target = get_user_row(s, user.id, lock=True)
        remembered = platform.settings.password_history
        check_policy(new_password, username=target.username, settings=platform.settings)
        check_history(new_password, _history_hashes(s, target, remembered), remembered=remembered)
        rewrap_or_create_key(s, target, old_password=current_password, new_password=new_password, now=now)
        _push_history(s, target, remembered, now)
        target.password_hash = hash_password(new_password)
        target.password_changed_at = now
        target.must_change_password = False
        target.one_time_expires_at = None
        ended = end_sessions(s, target.id, reason="password_change", now=now, keep=row.id)
        row.last_seen_at = now
        record(platform, s, now, action=action, actor=actor, resource=resource, details={"sessions_ended": ended})
        return next_stage(target, roles_of(s, target.id), mfa_verified=row.mfa_verified, settings=platform.settings,
                          now=now)

    return audited(platform, actor=actor, action=action, resource=resource, now=now, body=body)


def _apply_reset(platform: Platform, s: Session, actor: Principal, user: User, now: datetime,
                 via: Mapping[str, object] | None = None) -> str:
    secret = new_one_time_secret()
    _push_history(s, user, platform.settings.password_history, now)
    user.password_hash = hash_password(secret)
    user.password_changed_at = now
    user.must_change_password = True
    user.one_time_expires_at = now + ONE_TIME_LIFETIME
    reset_failures(user)
    ended = end_sessions(s, user.id, reason="password_reset", now=now)
    retired = retire_keys(s, user.id, now=now)
    record(platform, s, now, action="password.reset", actor=actor, resource=user_resource(user.username),
           details={"sessions_ended": ended, "signing_keys_retired": retired, **dict(via or {})})
    return secret


def reset_password(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None
                   ) -> str | PendingRequest:
    """An administrator's reset: returns a new one-time secret (show it once). Ends the user's sessions,
    clears a lockout and retires the signing key (its password is gone; old signatures still verify).

    For a 三员 account the reset is requested (PendingRequest); the approver receives the secret."""
    now = now_or(now)

    def body(s: Session) -> str | PendingRequest:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        if user.id == actor.user_id:
            raise PermissionDenied("identity.self_admin")
        concerns = guarded_roles(s, user.id)
        if concerns:
            return defer(platform, s, actor=actor, kind=RequestKind.PASSWORD_RESET, target_username=user.username,
                         target_user_id=user.id, params={}, concerns=concerns, now=now)
        return _apply_reset(platform, s, actor, user, now)

    return audited(platform, actor=actor, action="password.reset", resource=user_resource(username), now=now,
                   body=body)


def apply_password_reset(platform: Platform, s: Session, *, actor: Principal, user: User, now: datetime,
                         via: Mapping[str, object]) -> str:
    """An approved reset of a 三员 account's password; the secret goes to the approver."""
    return _apply_reset(platform, s, actor, user, now, via)


def unlock_user(platform: Platform, *, actor: Principal, username: str, now: datetime | None = None) -> None:
    """Clear a lockout (and the failure count and backoff) before it runs out."""
    now = now_or(now)

    def body(s: Session) -> None:
        require(actor, Permission.IDENTITY_MANAGE)
        user = load_user(s, username, lock=True)
        if not is_locked(user, now) and not user.failed_logins and not user.lockout_count:
            raise Conflict("identity.not_locked")
        reset_failures(user)
        record(platform, s, now, action="user.unlock", actor=actor, resource=user_resource(user.username))

    audited(platform, actor=actor, action="user.unlock", resource=user_resource(username), now=now, body=body)

