"""Dual control (双人控制) of changes to 三员 accounts: the system administrator proposes, another
三员 approves.

三员分立 (等保 2.0 level 3) is more than "no account holds two of 系统/安全/审计管理员": if the system
administrator alone could give an account the auditor role, reset the auditor's password and log in
as them, disable the real auditors or create the two security administrators that key destruction
asks for, one person would hold all three. So a change that touches a 三员 account is not made by
the service call that asks for it. It becomes a pending request (`admin_requests`), and takes effect
only when a different person approves it (`identity/admin_requests.py`):

* granting or removing a role when the account holds one of EXCLUSIVE_ROLES, or the role is one;
* creating an account with one of EXCLUSIVE_ROLES;
* for an account holding one of EXCLUSIVE_ROLES: resetting its password or TOTP, disabling or
  enabling it, moving it to another department, changing its vendor agreement, ending its sessions
  or revoking its API tokens (the user themself still ends their own sessions and tokens at once).

The approver holds Permission.IDENTITY_APPROVE (安全管理员, 审计管理员), is neither the requester nor
the target, and holds none of the request's `excluded_roles`: the requester's 三员 role, the target's
and the role being granted or removed. So the security administrator cannot approve a second
security administrator (and so hold both halves of the key-destruction rule), and only the auditor
approves a change to a security administrator. A request expires after REQUEST_LIFETIME.

When the approved change makes a one-time secret (a new account, a password reset), the secret is
returned to the approver — the second person — and never to the requester; the approver hands it
to the account's owner, who must replace it at the first login. Unlocking an account and changing a
display name stay single-person: neither gives anyone access.

The request (with its audit event) is written in the transaction of the call that asked for the
change; the approval applies the change and records both the decision and the change in one
transaction; refused attempts are audited like every other refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.errors import Conflict, PermissionDenied
from shuan.identity.common import record, roles_of, user_resource
from shuan.identity.models import AdminRequest
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import EXCLUSIVE_ROLES, Role, role_label
from shuan.messages import language
from shuan.platform import Platform

REQUEST_LIFETIME = timedelta(hours=72)


class RequestKind(StrEnum):
    """What a request asks for; the values are the audit actions of the changes themselves."""

    USER_CREATE = "user.create"
    ROLE_ASSIGN = "user.role_assign"
    ROLE_REMOVE = "user.role_remove"
    USER_UPDATE = "user.update"
    USER_DISABLE = "user.disable"
    USER_ENABLE = "user.enable"
    VENDOR_UPDATE = "user.vendor_update"
    PASSWORD_RESET = "password.reset"  # noqa: S105 - an action name, not a secret
    TOTP_RESET = "totp.reset"
    SESSIONS_REVOKE = "session.revoke_all"
    TOKEN_REVOKE = "token.revoke"  # noqa: S105


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    EXPIRED = "expired"


@dataclass(frozen=True)
class PendingRequest:
    """What a deferred call returns instead of its result: the change waits for a second person."""

    request_id: int
    kind: RequestKind
    target: str  # the target account's username
    expires_at: datetime
    status: str = RequestStatus.PENDING.value

    @property
    def pending_request_id(self) -> int:
        return self.request_id


def exclusive_of(roles: Iterable[Role]) -> frozenset[Role]:
    return frozenset(roles) & EXCLUSIVE_ROLES


def guarded_roles(s: Session, user_id: int) -> frozenset[Role]:
    """The 三员 roles a user holds (non-empty: changes to the account need a second person)."""
    return exclusive_of(roles_of(s, user_id))


def role_names(roles: Iterable[Role | str]) -> str:
    lang = language()
    return "、".join(role_label(Role(r), lang) for r in sorted({Role(r) for r in roles}))


def expire_due(s: Session, platform: Platform, now: datetime) -> int:
    """Mark the pending requests whose time ran out as expired (audited as the platform's act)."""
    rows = list(s.scalars(select(AdminRequest).where(AdminRequest.status == RequestStatus.PENDING.value,
                                                     AdminRequest.expires_at <= now).with_for_update()))
    for row in rows:
        row.status = RequestStatus.EXPIRED.value
        record(platform, s, now, action="admin_request.expire", actor=SYSTEM,
               resource=user_resource(row.target_username), details={"request_id": row.id, "kind": row.kind})
    return len(rows)


def defer(
    platform: Platform,
    s: Session,
    *,
    actor: Principal,
    kind: RequestKind,
    target_username: str,
    target_user_id: int | None,
    params: Mapping[str, object],
    concerns: Iterable[Role],
    now: datetime,
) -> PendingRequest:
    """Record a request for `kind` on the target (in the caller's transaction, with its audit event).

    `concerns`: the 三员 roles the change touches (the target's, the role granted or removed); with
    the requester's own they are the roles an approver must not hold."""
    if actor.user_id is None:
        raise PermissionDenied("identity.interactive_only")
    expire_due(s, platform, now)
    clean = {str(k): v for k, v in params.items()}
    for row in s.scalars(select(AdminRequest).where(AdminRequest.status == RequestStatus.PENDING.value,
                                                    AdminRequest.kind == kind.value,
                                                    AdminRequest.target_username == target_username)):
        if row.params == clean:
            raise Conflict("identity.request_duplicate", request_id=row.id)
    excluded = sorted(r.value for r in exclusive_of(actor.roles) | exclusive_of(concerns))
    row = AdminRequest(kind=kind.value, target_username=target_username, target_user_id=target_user_id,
                       params=clean, excluded_roles=excluded, requested_by=actor.user_id, requested_at=now,
                       expires_at=now + REQUEST_LIFETIME, status=RequestStatus.PENDING.value)
    s.add(row)
    s.flush()
    record(platform, s, now, action="admin_request.create", actor=actor, resource=user_resource(target_username),
           details={"request_id": row.id, "kind": kind.value, "params": clean, "excluded_roles": excluded,
                    "expires_at": row.expires_at.isoformat()})
    return PendingRequest(request_id=row.id, kind=kind, target=target_username, expires_at=row.expires_at)


def check_second_person(row: AdminRequest, actor: Principal) -> None:
    """The approver (or refuser) is another person, not the target, of another 三员 role."""
    if actor.user_id is None or actor.user_id == row.requested_by:
        raise PermissionDenied("identity.request_own")
    if actor.user_id == row.target_user_id or actor.username == row.target_username:
        raise PermissionDenied("identity.request_target")
    held = exclusive_of(actor.roles)
    if not held:
        raise PermissionDenied("identity.request_not_admin")
    clash = held & {Role(r) for r in row.excluded_roles}
    if clash:
        raise PermissionDenied("identity.request_same_role", roles=role_names(clash))


__all__ = [
    "REQUEST_LIFETIME",
    "PendingRequest",
    "RequestKind",
    "RequestStatus",
    "check_second_person",
    "defer",
    "exclusive_of",
    "expire_due",
    "guarded_roles",
    "role_names",
]
