"""The second person of dual control: list, approve and refuse requests for changes to 三员 accounts.

The rules (who may approve, what is deferred, where a one-time secret goes) are in
identity/dual_control.py. Approving applies the change with the state of that moment (a role
assigned meanwhile, a department deleted, a username taken are refused then) and records the
decision and the change in one transaction. Refusing needs the same second person; the requester
may also withdraw their own request (recorded as refused). Expired requests cannot be decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.identity.account import apply_password_reset
from shuan.identity.common import (
    audited,
    field_label,
    get_user_row,
    now_or,
    record,
    require,
    roles_of,
    validate_name,
)
from shuan.identity.directory import (
    UserInfo,
    apply_role_assign,
    apply_role_remove,
    apply_user_active,
    apply_user_create,
    apply_user_update,
    apply_vendor_update,
    user_info,
)
from shuan.identity.dual_control import RequestKind, RequestStatus, check_second_person, expire_due
from shuan.identity.models import AdminRequest, User
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission, permissions_of
from shuan.identity.sessions import apply_sessions_revoke
from shuan.identity.stages import require_active
from shuan.identity.tokens import apply_token_revoke
from shuan.identity.totp import apply_totp_reset
from shuan.platform import Platform

MAX_LISTED = 500


@dataclass(frozen=True)
class AdminRequestInfo:
    id: int
    kind: str
    target: str  # the target account's username
    params: dict[str, Any]
    excluded_roles: tuple[str, ...]  # an approver must hold none of these
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    status: str  # pending | approved | refused | expired
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


@dataclass(frozen=True)
class ApprovalResult:
    """An approved request and what its change produced: the account as it now is and, for a new
    account or a password reset, the one-time secret — for the approver to hand to the account's
    owner (show it once; the requester never sees it)."""

    request: AdminRequestInfo
    user: UserInfo | None = None
    one_time_secret: str | None = field(default=None, repr=False)


def _resource(request_id: object) -> str:
    return f"admin_request:{request_id}"


def _username(s: Session, user_id: int | None) -> str | None:
    return None if user_id is None else s.scalar(select(User.username).where(User.id == user_id))


def _info(s: Session, row: AdminRequest, now: datetime) -> AdminRequestInfo:
    status = row.status
    if status == RequestStatus.PENDING.value and now >= row.expires_at:
        status = RequestStatus.EXPIRED.value  # not yet marked
    return AdminRequestInfo(
        id=row.id, kind=row.kind, target=row.target_username, params=dict(row.params),
        excluded_roles=tuple(row.excluded_roles), requested_by=_username(s, row.requested_by) or "?",
        requested_at=row.requested_at, expires_at=row.expires_at, status=status,
        decided_by=_username(s, row.decided_by), decided_at=row.decided_at, reason=row.reason,
    )


def _check_id(request_id: object) -> int:
    if not isinstance(request_id, int) or isinstance(request_id, bool) or request_id < 1:
        raise InvalidInput("identity.bad_id", field=field_label("request_id"))
    return request_id


def _load_open(s: Session, request_id: int, now: datetime) -> AdminRequest:
    row = s.get(AdminRequest, request_id, with_for_update=True)
    if row is None:
        raise NotFound("identity.request_not_found", request_id=request_id)
    if row.status == RequestStatus.EXPIRED.value or (row.status == RequestStatus.PENDING.value
                                                      and now >= row.expires_at):
        raise Conflict("identity.request_expired", request_id=row.id)
    if row.status != RequestStatus.PENDING.value:
        raise Conflict("identity.request_closed", request_id=row.id, status=row.status)
    return row


def _expire(platform: Platform, now: datetime) -> None:
    with platform.store.transaction() as s:
        expire_due(s, platform, now)


def list_admin_requests(platform: Platform, *, actor: Principal, status: str | None = None,
                        now: datetime | None = None) -> list[AdminRequestInfo]:
    """Requests, newest first (identity administrators and approvers); `status` filters."""
    now = now_or(now)
    wanted = None
    if status is not None:
        try:
            wanted = RequestStatus(status)
        except ValueError:
            raise InvalidInput("identity.request_bad_status", status=str(status)[:20]) from None

    def body(s: Session) -> list[AdminRequestInfo]:
        require_active(s, actor, settings=platform.settings, now=now)
        if not (actor.can(Permission.IDENTITY_MANAGE) or actor.can(Permission.IDENTITY_APPROVE)):
            raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_APPROVE.value)
        expire_due(s, platform, now)
        stmt = select(AdminRequest).order_by(AdminRequest.id.desc()).limit(MAX_LISTED)
        if wanted is not None:
            stmt = stmt.where(AdminRequest.status == wanted.value)
        return [_info(s, r, now) for r in s.scalars(stmt)]

    return audited(platform, actor=actor, action="admin_request.list", resource=_resource("*"), now=now, body=body)


def _apply(platform: Platform, s: Session, actor: Principal, row: AdminRequest, now: datetime,
           via: dict[str, object]) -> tuple[UserInfo | None, str | None]:
    """Make the requested change (checked again against the current state)."""
    kind = RequestKind(row.kind)
    params = dict(row.params)
    if kind is RequestKind.USER_CREATE:
        created = apply_user_create(platform, s, actor=actor, params=params, now=now, via=via)
        return created.user, created.one_time_secret
    if row.target_user_id is None:
        raise NotFound("identity.user_not_found", username=row.target_username)
    user = get_user_row(s, row.target_user_id, lock=True)
    secret: str | None = None
    if kind is RequestKind.ROLE_ASSIGN:
        apply_role_assign(platform, s, actor=actor, user=user, params=params, now=now, via=via)
    elif kind is RequestKind.ROLE_REMOVE:
        apply_role_remove(platform, s, actor=actor, user=user, params=params, now=now, via=via)
    elif kind is RequestKind.USER_UPDATE:
        apply_user_update(platform, s, actor=actor, user=user, params=params, now=now, via=via)
    elif kind in (RequestKind.USER_DISABLE, RequestKind.USER_ENABLE):
        apply_user_active(platform, s, actor=actor, user=user, active=kind is RequestKind.USER_ENABLE, now=now,
                          via=via)
    elif kind is RequestKind.VENDOR_UPDATE:
        apply_vendor_update(platform, s, actor=actor, user=user, params=params, now=now, via=via)
    elif kind is RequestKind.PASSWORD_RESET:
        secret = apply_password_reset(platform, s, actor=actor, user=user, now=now, via=via)
    elif kind is RequestKind.TOTP_RESET:
        apply_totp_reset(platform, s, actor=actor, user=user, now=now, via=via)
    elif kind is RequestKind.SESSIONS_REVOKE:
        apply_sessions_revoke(platform, s, actor=actor, user=user, now=now, via=via)
    else:
        apply_token_revoke(platform, s, actor=actor, user=user, params=params, now=now, via=via)
    return user_info(s, user), secret


def approve_admin_request(platform: Platform, *, actor: Principal, request_id: int,
                          now: datetime | None = None) -> ApprovalResult:
    """Approve and apply a pending request. The approver holds identity.approve, is neither the
    requester nor the target, and holds none of the request's excluded 三员 roles."""
    now = now_or(now)
    _expire(platform, now)

    def body(s: Session) -> ApprovalResult:
        require_active(s, actor, settings=platform.settings, now=now)
        require(actor, Permission.IDENTITY_APPROVE)
        row = _load_open(s, _check_id(request_id), now)
        check_second_person(row, actor)
        requester = get_user_row(s, row.requested_by)
        if not requester.active or Permission.IDENTITY_MANAGE not in permissions_of(roles_of(s, requester.id)):
            # the requester has since been disabled or lost the role: their request falls with them
            raise Conflict("identity.request_requester_gone", request_id=row.id)
        via: dict[str, object] = {"request_id": row.id, "requested_by": requester.username}
        record(platform, s, now, action="admin_request.approve", actor=actor, resource=_resource(row.id),
               details={"kind": row.kind, "target": row.target_username, "requested_by": requester.username})
        user, secret = _apply(platform, s, actor, row, now, via)
        row.status = RequestStatus.APPROVED.value
        row.decided_by = actor.user_id
        row.decided_at = now
        s.flush()
        return ApprovalResult(request=_info(s, row, now), user=user, one_time_secret=secret)

    return audited(platform, actor=actor, action="admin_request.approve", resource=_resource(request_id), now=now,
                   body=body)


def refuse_admin_request(platform: Platform, *, actor: Principal, request_id: int, reason: str,
                         now: datetime | None = None) -> AdminRequestInfo:
    """Refuse a pending request (an eligible approver), or withdraw one's own (the requester)."""
    now = now_or(now)
    _expire(platform, now)

    def body(s: Session) -> AdminRequestInfo:
        require_active(s, actor, settings=platform.settings, now=now)
        if not (actor.can(Permission.IDENTITY_APPROVE) or actor.can(Permission.IDENTITY_MANAGE)):
            raise PermissionDenied("identity.forbidden", permission=Permission.IDENTITY_APPROVE.value)
        text = validate_name(reason, field="reason")
        row = _load_open(s, _check_id(request_id), now)
        withdrawn = actor.user_id is not None and actor.user_id == row.requested_by
        if not withdrawn:
            require(actor, Permission.IDENTITY_APPROVE)
            check_second_person(row, actor)
        row.status = RequestStatus.REFUSED.value
        row.decided_by = actor.user_id
        row.decided_at = now
        row.reason = text
        s.flush()
        record(platform, s, now, action="admin_request.refuse", actor=actor, resource=_resource(row.id),
               details={"kind": row.kind, "target": row.target_username, "reason": text, "withdrawn": withdrawn})
        return _info(s, row, now)

    return audited(platform, actor=actor, action="admin_request.refuse", resource=_resource(request_id), now=now,
                   body=body)


__all__ = [
    "AdminRequestInfo",
    "ApprovalResult",
    "approve_admin_request",
    "list_admin_requests",
    "refuse_admin_request",
]
