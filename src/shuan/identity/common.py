"""Helpers shared by the identity services: input validation, audited units of work, principals.

`audited()` is the shape of every state-changing service call: the body runs in one transaction and
records its SUCCESS event there (fail-closed); if the body refuses (permission, conflict, bad input,
authentication), the transaction rolls back and the refusal is recorded in a transaction of its own,
then the error propagates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shuan.audit import guard
from shuan.audit.events import Event, Outcome
from shuan.clock import utcnow
from shuan.errors import (
    AuditError,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ShuanError,
    UsageError,
)
from shuan.identity.models import AuthSession, Department, User, UserRole
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission, Role
from shuan.messages import msg
from shuan.platform import Platform

T = TypeVar("T")

USERNAME_RE = re.compile(r"[A-Za-z0-9._-]{3,64}")
NAME_MAX = 100
MAX_TREE_DEPTH = 64
SESSION_REF_PREFIX = "sess-"
TOKEN_REF_PREFIX = "tok-"  # noqa: S105 - a label, not a secret
ANONYMOUS = "anonymous"

#: code points refused in display and department names: control, format (bidi overrides, zero-width),
#: surrogates, private use, line and paragraph separators
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else utcnow()


def safe_text(value: str, limit: int = 200) -> str:
    """A storable, loggable rendering of untrusted text: no NUL, no lone surrogates, bounded length."""
    text = value.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\0")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- validation -------------------------------------------------------------------------------------


def validate_username(value: str) -> str:
    """Usernames: 3–64 of A–Z a–z 0–9 . _ -, stored in lower case (so Admin and admin are one account)."""
    if not isinstance(value, str) or not USERNAME_RE.fullmatch(value):
        raise InvalidInput("identity.bad_username")
    return value.lower()


def login_name(value: object) -> str | None:
    """The normalised username typed at a login, or None when it cannot be an account name."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value.lower() if USERNAME_RE.fullmatch(value) else None


def field_label(field: str) -> str:
    return msg(f"identity.field_{field}")


def validate_name(value: str, *, field: str) -> str:
    """Display and department names: NFC, trimmed, 1–100 characters, no control or format characters.

    Anything else (quotes, SQL, HTML, any script) is stored verbatim: the store binds parameters and
    front ends escape on output.
    """
    if not isinstance(value, str):
        raise InvalidInput("identity.bad_name", field=field_label(field), max=NAME_MAX)
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > NAME_MAX:
        raise InvalidInput("identity.bad_name", field=field_label(field), max=NAME_MAX)
    if any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in text):
        raise InvalidInput("identity.name_control", field=field_label(field))
    return text


def parse_role(value: Role | str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise InvalidInput("identity.unknown_role", role=safe_text(str(value), 40)) from None


# -- permissions ------------------------------------------------------------------------------------


def require(actor: Principal, permission: Permission) -> None:
    if not actor.can(permission):
        raise PermissionDenied("identity.forbidden", permission=permission.value)


def session_ref(session_row_id: int) -> str:
    return f"{SESSION_REF_PREFIX}{session_row_id}"


def session_row_id(actor: Principal) -> int | None:
    """The auth_sessions row behind an interactive principal, or None (token, system)."""
    ref = actor.session_id or ""
    if not ref.startswith(SESSION_REF_PREFIX):
        return None
    tail = ref[len(SESSION_REF_PREFIX):]
    return int(tail) if tail.isdigit() else None


def require_interactive(actor: Principal) -> int:
    """Self-service on credentials needs a login session of the user (not an API token); returns its user id."""
    if actor.user_id is None or session_row_id(actor) is None:
        raise PermissionDenied("identity.interactive_only")
    return actor.user_id


# -- audited units of work --------------------------------------------------------------------------

_REFUSALS: tuple[type[ShuanError], ...] = (AuthError, PermissionDenied, Conflict, NotFound, UsageError)


def outcome_of(error: ShuanError) -> Outcome:
    return Outcome.DENIED if isinstance(error, PermissionDenied | Conflict) else Outcome.FAILURE


def refusal_details(error: ShuanError, extra: dict[str, object] | None = None) -> dict[str, object]:
    details: dict[str, object] = dict(extra or {})
    details["reason"] = error.key
    for key, value in error.params.items():
        if isinstance(value, bool | int):
            details[key] = value
        elif isinstance(value, str):
            details[key] = safe_text(value)
    return details


def record_refusal(
    platform: Platform,
    *,
    actor: Principal,
    action: str,
    resource: str,
    error: ShuanError,
    now: datetime,
    sensitive: dict[str, str] | None = None,
    details: dict[str, object] | None = None,
    outcome: Outcome | None = None,
) -> None:
    """Record a refused or failed attempt in its own transaction (the attempt's own one rolled back)."""
    guard.record_refusal(platform, actor, action, safe_text(resource, 1000), error,
                         outcome=outcome or outcome_of(error), details=refusal_details(error, details),
                         sensitive={k: safe_text(v, 1000) for k, v in (sensitive or {}).items()}, now=now)


def audited(
    platform: Platform,
    *,
    actor: Principal,
    action: str,
    resource: str,
    now: datetime,
    body: Callable[[Session], T],
    sensitive: dict[str, str] | None = None,
) -> T:
    """Run `body` in one transaction (it records its own success event); audit a refusal separately."""
    try:
        try:
            with platform.store.transaction() as s:
                return body(s)
        except IntegrityError:
            # a concurrent writer took the same name between our check and our insert
            raise Conflict("identity.concurrent_change") from None
    except AuditError:
        raise
    except _REFUSALS as exc:
        record_refusal(platform, actor=actor, action=action, resource=resource, error=exc, now=now,
                       sensitive=sensitive)
        raise


def record(platform: Platform, s: Session, now: datetime, *, action: str, actor: Principal, resource: str,
           details: dict[str, object] | None = None, outcome: Outcome = Outcome.SUCCESS) -> None:
    platform.audit.record(
        s, Event(action=action, actor=actor, outcome=outcome, resource=resource, details=dict(details or {})),
        now=now,
    )


# -- lookups and principals -------------------------------------------------------------------------


def user_resource(username: str) -> str:
    return f"user:{safe_text(username, 80)}"


def load_user(s: Session, username: str, *, lock: bool = False) -> User:
    name = validate_username(username)
    stmt = select(User).where(User.username == name)
    if lock:
        stmt = stmt.with_for_update()
    user = s.scalar(stmt)
    if user is None:
        raise NotFound("identity.user_not_found", username=name)
    return user


def get_user_row(s: Session, user_id: int, *, lock: bool = False) -> User:
    user = s.get(User, user_id, with_for_update=lock)
    if user is None:
        raise NotFound("identity.user_not_found", username=f"#{user_id}")
    return user


def roles_of(s: Session, user_id: int) -> frozenset[Role]:
    values = s.scalars(select(UserRole.role).where(UserRole.user_id == user_id))
    return frozenset(Role(v) for v in values)


def department_path(s: Session, department_id: int) -> tuple[int, ...]:
    """Department ids from the root to `department_id`."""
    path: list[int] = []
    current: int | None = department_id
    while current is not None:
        if len(path) >= MAX_TREE_DEPTH or current in path:
            raise Conflict("identity.department_cycle")
        dept = s.get(Department, current)
        if dept is None:
            raise NotFound("identity.department_not_found", department=current)
        path.append(dept.id)
        current = dept.parent_id
    return tuple(reversed(path))


def principal_for(
    s: Session,
    user: User,
    *,
    client: str | None = None,
    session_id: str | None = None,
    token_scopes: Iterable[str] | None = None,
    roles: frozenset[Role] | None = None,
) -> Principal:
    """The Principal of a user as stored now (roles and department path are read fresh; `roles`: the
    user's roles the caller has just read in the same session)."""
    return Principal(
        user_id=user.id,
        username=user.username,
        department_id=user.department_id,
        department_path=department_path(s, user.department_id),
        roles=roles_of(s, user.id) if roles is None else roles,
        client=safe_text(client) if client else None,
        session_id=session_id,
        token_scopes=None if token_scopes is None else frozenset(token_scopes),
    )


def bare_principal(user: User, *, client: str | None) -> Principal:
    """A not-yet-authenticated user (failed logins): identity only, no roles."""
    return Principal(user_id=user.id, username=user.username, department_id=user.department_id,
                     client=safe_text(client) if client else None)


def anonymous(client: str | None) -> Principal:
    return Principal(user_id=None, username=ANONYMOUS, client=safe_text(client) if client else None)


def build_principal(
    platform: Platform,
    *,
    user_id: int,
    client: str | None = None,
    session_id: str | None = None,
    token_scopes: Iterable[str] | None = None,
) -> Principal:
    """A Principal for a user (department path, roles, client, session or token reference)."""
    with platform.store.sessions() as s:
        return principal_for(s, get_user_row(s, user_id), client=client, session_id=session_id,
                             token_scopes=token_scopes)


def end_sessions(s: Session, user_id: int, *, reason: str, now: datetime, keep: int | None = None) -> int:
    """End the user's live sessions (all but `keep`); returns how many were ended."""
    stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.ended_at.is_(None))
    if keep is not None:
        stmt = stmt.where(AuthSession.id != keep)
    result = s.execute(stmt.values(ended_at=now, end_reason=reason).execution_options(synchronize_session="fetch"))
    return int(getattr(result, "rowcount", 0) or 0)
