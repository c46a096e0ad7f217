"""The steps of a login: which one a session is at follows from the user's state, read fresh each time.

    password ok ─▶ MFA (TOTP enrolled, not yet verified)
                ─▶ PASSWORD (one-time secret or expired password: change it first)
                ─▶ ENROLL (a role that requires TOTP, none enrolled: enrol first)
                ─▶ ACTIVE (a full session)

A session short of ACTIVE is good only for the step it is at; its principal carries the
self-service permission alone.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from shuan.config import Settings
from shuan.errors import AuthError
from shuan.identity.common import roles_of, session_row_id
from shuan.identity.models import AuthSession, User
from shuan.identity.passwords import password_expired
from shuan.identity.principal import Principal
from shuan.identity.roles import MFA_REQUIRED, Permission, Role


class SessionStage(StrEnum):
    MFA = "mfa"
    PASSWORD = "password"  # noqa: S105 - a stage name, not a secret
    ENROLL = "enroll"
    ACTIVE = "active"


#: the error for a session that is not at the step a call needs
STAGE_ERRORS: dict[SessionStage, str] = {
    SessionStage.MFA: "identity.stage_mfa",
    SessionStage.PASSWORD: "identity.stage_password",
    SessionStage.ENROLL: "identity.stage_enroll",
    SessionStage.ACTIVE: "identity.stage_active",
}

#: the scopes of a principal whose session is short of ACTIVE
RESTRICTED_SCOPES: frozenset[str] = frozenset({Permission.SELF_SERVICE.value})


def mfa_required(roles: frozenset[Role]) -> bool:
    return bool(roles & MFA_REQUIRED)


def next_stage(user: User, roles: frozenset[Role], *, mfa_verified: bool, settings: Settings,
               now: datetime) -> SessionStage:
    if user.totp_enabled and not mfa_verified:
        return SessionStage.MFA
    if user.must_change_password or password_expired(user.password_changed_at, settings, now):
        return SessionStage.PASSWORD
    if mfa_required(roles) and not user.totp_enabled:
        return SessionStage.ENROLL
    return SessionStage.ACTIVE


def actor_session(
    s: Session,
    actor: Principal,
    allowed: tuple[SessionStage, ...],
    *,
    settings: Settings,
    now: datetime,
) -> tuple[AuthSession, SessionStage]:
    """The live session behind an interactive principal, refused unless it is at one of `allowed`.

    Service functions check this themselves, so a front end that forgets the stage cannot let a
    session waiting for its TOTP code change the password or create tokens."""
    ref = session_row_id(actor)
    row = None if ref is None else s.get(AuthSession, ref, with_for_update=True)
    if row is None or row.ended_at is not None or row.user_id != actor.user_id:
        raise AuthError("identity.session_invalid")
    user = s.get(User, row.user_id)
    if user is None:
        raise AuthError("identity.session_invalid")
    stage = next_stage(user, roles_of(s, user.id), mfa_verified=row.mfa_verified, settings=settings, now=now)
    if stage not in allowed:
        raise AuthError(STAGE_ERRORS[stage])
    return row, stage


def require_active(s: Session, actor: Principal, *, settings: Settings, now: datetime) -> None:
    """Self-service calls need a full login (or a token): a session still at MFA, PASSWORD or ENROLL
    is refused, so a password without its second factor cannot revoke, list or sign anything."""
    if session_row_id(actor) is not None:
        actor_session(s, actor, (SessionStage.ACTIVE,), settings=settings, now=now)
