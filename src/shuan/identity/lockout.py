"""Lockout with backoff: `lockout_threshold` consecutive failures lock the account for
`lockout_base_seconds`, doubling with each further lockout (capped at a day); success resets both.

Wrong passwords, wrong TOTP codes at login and wrong signing passwords all count.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update

from shuan.audit.events import Event, Outcome
from shuan.errors import AuthError
from shuan.identity.common import bare_principal, get_user_row, user_resource
from shuan.identity.models import AuthSession, User
from shuan.platform import Platform

MAX_LOCK_SECONDS = 86_400


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and now < user.locked_until


def locked_error(user: User, now: datetime) -> AuthError:
    """The refusal for a locked account, with the seconds left (rounded up)."""
    until = user.locked_until or now
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return AuthError("identity.locked", seconds=seconds)


def lock_seconds(base: int, lockout_count: int) -> int:
    return int(min(base * 2 ** max(lockout_count - 1, 0), MAX_LOCK_SECONDS))


def reset_failures(user: User) -> None:
    user.failed_logins = 0
    user.lockout_count = 0
    user.locked_until = None


def register_failure(
    platform: Platform,
    *,
    user_id: int,
    action: str,
    reason: str,
    client: str | None,
    now: datetime,
    session_id: str | None = None,
) -> bool:
    """Count one failure (own transaction, audited); returns True when it locked the account.

    A lockout also ends the user's sessions that are still short of MFA, so a pending login cannot
    keep guessing codes.
    """
    with platform.store.transaction() as s:
        user = get_user_row(s, user_id, lock=True)
        actor = bare_principal(user, client=client)
        if session_id is not None:
            actor = replace(actor, session_id=session_id)
        user.failed_logins = (user.failed_logins or 0) + 1
        platform.audit.record(
            s,
            Event(action=action, actor=actor, outcome=Outcome.FAILURE, resource=user_resource(user.username),
                  details={"reason": reason, "failures": user.failed_logins}),
            now=now,
        )
        locked = user.failed_logins >= platform.settings.lockout_threshold
        if locked:
            user.lockout_count = (user.lockout_count or 0) + 1
            seconds = lock_seconds(platform.settings.lockout_base_seconds, user.lockout_count)
            user.locked_until = now + timedelta(seconds=seconds)
            user.failed_logins = 0
            if user.totp_enabled:
                s.execute(
                    update(AuthSession)
                    .where(AuthSession.user_id == user.id, AuthSession.ended_at.is_(None),
                           AuthSession.mfa_verified.is_(False))
                    .values(ended_at=now, end_reason="lockout")
                )
            platform.audit.record(
                s,
                Event(action="auth.lockout", actor=actor, outcome=Outcome.DENIED,
                      resource=user_resource(user.username),
                      details={"seconds": seconds, "lockouts": user.lockout_count}),
                now=now,
            )
        return locked
