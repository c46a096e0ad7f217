"""Dual control of changes to 三员 accounts: the requests the system administrator's calls made (202
answers under /users), and their approval or refusal by a second person of another 三员 role.

An approval that makes a one-time secret (a new account, a password reset) returns it to the
approver, once; the requester never sees it (identity/dual_control.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from shuan.identity.admin_requests import (
    AdminRequestInfo,
    approve_admin_request,
    list_admin_requests,
    refuse_admin_request,
)
from shuan.identity.dual_control import RequestStatus
from shuan.web.api.models import MAX_ID, Input, Name, Output, permission
from shuan.web.api.users import UserOut
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter(tags=["admin requests 三员双人控制"])

RequestIdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


class AdminRequestOut(Output):
    id: int
    kind: str
    target: str
    params: dict[str, Any]
    excluded_roles: list[str]  # an approver holds none of these
    requested_by: str
    requested_at: datetime
    expires_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None

    @classmethod
    def of(cls, info: AdminRequestInfo) -> AdminRequestOut:
        return cls.model_validate({**{k: getattr(info, k) for k in cls.model_fields},
                                   "excluded_roles": list(info.excluded_roles)})


class ApprovalOut(Output):
    request: AdminRequestOut
    user: UserOut | None
    one_time_secret: str | None  # a new account's or a reset's: shown once, to the approver only


class RefuseIn(Input):
    reason: Name


@router.get("/admin-requests", openapi_extra=permission("identity.manage or identity.approve"))
def list_requests_route(actor: CurrentPrincipal, platform: PlatformDep,
                        status: Annotated[RequestStatus | None, Query()] = None) -> list[AdminRequestOut]:
    """三员账户变更申请（新的在前） / requests for changes to 三员 accounts, newest first."""
    found = list_admin_requests(platform, actor=actor, status=status.value if status else None)
    return [AdminRequestOut.of(r) for r in found]


@router.post("/admin-requests/{request_id}/approve", openapi_extra=permission("identity.approve"))
def approve_route(request_id: RequestIdPath, actor: CurrentPrincipal, platform: PlatformDep) -> ApprovalOut:
    """批准并执行申请（须为另一类三员、非申请人、非对象本人）；一次性口令只返回给批准人一次 /
    approve and apply (another kind of 三员, not the requester nor the target); a one-time secret is
    returned to the approver, once."""
    result = approve_admin_request(platform, actor=actor, request_id=request_id)
    return ApprovalOut(request=AdminRequestOut.of(result.request),
                       user=UserOut.of(result.user) if result.user is not None else None,
                       one_time_secret=result.one_time_secret)


@router.post("/admin-requests/{request_id}/refuse",
             openapi_extra=permission("identity.approve (identity.manage: withdraw own)"))
def refuse_route(request_id: RequestIdPath, body: RefuseIn, actor: CurrentPrincipal,
                 platform: PlatformDep) -> AdminRequestOut:
    """拒绝申请（批准人），或撤回本人提出的申请 / refuse a request, or withdraw one's own."""
    return AdminRequestOut.of(refuse_admin_request(platform, actor=actor, request_id=request_id, reason=body.reason))
