"""Lockout with backoff: `lockout_threshold` consecutive failures lock the account for
`lockout_base_seconds`, doubling with each further lockout (capped at a day); success resets both.

Wrong passwords, wrong TOTP codes at login and wrong signing passwords all count.

Names that are no account are counted too (`UnknownNames`), in memory, so that after the same
number of failures they answer with the same "locked" refusal as a real account: otherwise the
lockout itself would tell which usernames exist. They are keyed by the SM3 digest of the lower-cased
name (the names themselves are not kept) in a bounded table per platform and per process.
"""

from __future__ import annotations

import hashlib
import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, replace
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


# -- names that are no account ------------------------------------------------------------------------

MAX_UNKNOWN_TRACKED = 10_000


@dataclass
class _Phantom:
    failures: int = 0
    lockouts: int = 0
    locked_until: datetime | None = None


class UnknownNames:
    """Failure counts and lockouts for login names that are no account, as a real account keeps them.

    At most `max_tracked` names are remembered; beyond that the least recently failed is forgotten
    (an attacker must first make that many failed attempts, at the per-address rate limit)."""

    def __init__(self, max_tracked: int = MAX_UNKNOWN_TRACKED) -> None:
        self.max_tracked = max_tracked
        self._names: OrderedDict[str, _Phantom] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(typed: object) -> str:
        text = typed.strip().lower() if isinstance(typed, str) else repr(typed)
        return hashlib.new("sm3", text.encode("utf-8", "backslashreplace")).hexdigest()

    def locked_for(self, key: str, now: datetime) -> int | None:
        """Seconds left of a lockout of this name (rounded up), or None."""
        with self._lock:
            entry = self._names.get(key)
            if entry is None or entry.locked_until is None or now >= entry.locked_until:
                return None
            return max(1, math.ceil((entry.locked_until - now).total_seconds()))

    def fail(self, key: str, now: datetime, *, threshold: int, base_seconds: int) -> tuple[int, int] | None:
        """Count a failure; returns (seconds, lockouts) when it locked the name."""
        with self._lock:
            entry = self._names.pop(key, None) or _Phantom()
            self._names[key] = entry  # most recent last
            while len(self._names) > self.max_tracked:
                self._names.popitem(last=False)
            entry.failures += 1
            if entry.failures < threshold:
                return None
            entry.lockouts += 1
            entry.failures = 0
            seconds = lock_seconds(base_seconds, entry.lockouts)
            entry.locked_until = now + timedelta(seconds=seconds)
            return seconds, entry.lockouts

    def __len__(self) -> int:
        return len(self._names)


_UNKNOWN: dict[int, UnknownNames] = {}
_UNKNOWN_LOCK = threading.Lock()


def unknown_names(platform: Platform) -> UnknownNames:
    """The unknown-name table of a platform (forgotten with it)."""
    with _UNKNOWN_LOCK:
        table = _UNKNOWN.get(id(platform))
        if table is None:
            table = _UNKNOWN[id(platform)] = UnknownNames()
            weakref.finalize(platform, _UNKNOWN.pop, id(platform), None)
        return table
