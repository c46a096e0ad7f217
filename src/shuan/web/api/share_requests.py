"""Share requests (shuan.sharing.requests): submit, list, read, the data authority's compliance check,
the provider's review, withdraw, revoke, renew, and the verification of the signed decisions.

Submitting, listing and reading are open to every signed-in user: the service decides per request
(the own department's, those awaiting the caller, all of them for the data authority, the security
administrator and auditors). Decisions need their role, checked by the service before any lookup;
each is signed with the decider's own SM2 key, which `signing_password` opens.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import Field, StrictStr

from shuan.sharing.requests import (
    DecisionCheck,
    DecisionView,
    RequestVerification,
    RequestView,
    authority_check,
    get_request,
    list_requests,
    provider_review,
    renew,
    request_verification,
    revoke,
    submit,
    withdraw,
)
from shuan.web.api.grants import ConditionIn, Scenario
from shuan.web.api.models import MAX_ID, Clean, Id, Input, LongText, Output, Secret, When, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter()

RequestId = Annotated[int, Path(ge=1, le=MAX_ID)]
ColumnName = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
TAG: list[str | Enum] = ["share requests 共享申请"]
ANYONE = "self.service (the service decides per request)"


class SubmitIn(Input):
    entry_id: Id
    purpose: LongText
    scenario: Scenario
    columns: Annotated[list[ColumnName], Field(max_length=500)] = []
    valid_from: When | None = None
    valid_until: When
    legal_basis: LongText


class AuthorityCheckIn(Input):
    outcome: Literal["pass", "refuse"]
    reasons: LongText | None = None
    signing_password: Secret


class ReviewIn(Input):
    outcome: Literal["approve", "refuse"]
    reasons: LongText | None = None
    masking_profile: Annotated[StrictStr, Field(min_length=1, max_length=64), Clean] | None = None
    row_filter: Annotated[list[ConditionIn], Field(max_length=20)] | None = None
    expires_at: When | None = None
    signing_password: Secret


class WithdrawIn(Input):
    reason: LongText | None = None


class RevokeIn(Input):
    reasons: LongText
    signing_password: Secret


class RenewIn(Input):
    valid_from: When | None = None
    valid_until: When | None = None
    purpose: LongText | None = None


class DecisionOut(Output):
    id: int
    stage: str
    outcome: str
    reasons: str | None
    actor_user_id: int
    actor_name: str
    decided_at: datetime
    overdue: bool
    document_version: int
    digest: str
    key_id: int
    key_fingerprint: str
    signature: str
    details: dict[str, Any]
    valid: bool | None

    @classmethod
    def of(cls, view: DecisionView) -> DecisionOut:
        return cls.model_validate(view.as_dict())


class RequestOut(Output):
    id: int
    entry_id: int
    entry_code: str
    entry_name: str
    resource: str
    provider_department_id: int
    requester_department_id: int
    requester_user_id: int | None
    requester_name: str
    purpose: str
    scenario: str
    columns: list[str]
    valid_from: datetime
    valid_until: datetime
    legal_basis: str
    status: str
    submitted_at: datetime
    stage_started_at: datetime
    due_at: datetime | None  # the current stage's deadline (24:00 CST of the last working day)
    calendar_complete: bool  # False: the deadline reaches beyond the holiday calendar (Monday–Friday used)
    overdue: bool
    masking_profile: str | None
    row_filter: list[dict[str, Any]] | None
    expires_at: datetime | None
    grant_ids: list[int]
    grants_awaiting_authority: list[int]  # 三级 grants waiting for the data authority's signed approval
    grants_expire_at: datetime | None
    refusal_reasons: str | None
    renews_request_id: int | None
    closed_at: datetime | None
    decisions: list[DecisionOut]

    @classmethod
    def of(cls, view: RequestView) -> RequestOut:
        return cls.model_validate(view.as_dict())


class DecisionCheckOut(Output):
    decision_id: int
    stage: str
    outcome: str
    decider: str
    decided_at: datetime
    valid: bool
    key_fingerprint: str

    @classmethod
    def of(cls, check: DecisionCheck) -> DecisionCheckOut:
        return cls.model_validate(check.as_dict())


class VerificationOut(Output):
    request_id: int
    valid: bool
    decisions: list[DecisionCheckOut]

    @classmethod
    def of(cls, result: RequestVerification) -> VerificationOut:
        return cls.model_validate(result.as_dict())


@router.post(
    "/share-requests", status_code=status.HTTP_201_CREATED, tags=TAG, openapi_extra=permission(ANYONE)
)
def submit_route(body: SubmitIn, actor: CurrentPrincipal, platform: PlatformDep) -> RequestOut:
    """提交共享申请（本部门的申请；说明用途、使用场景、信息项、期限和依据） / submit a share request."""
    return RequestOut.of(
        submit(
            platform,
            actor,
            entry_id=body.entry_id,
            purpose=body.purpose,
            scenario=body.scenario,
            columns=body.columns,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            legal_basis=body.legal_basis,
        )
    )


@router.get("/share-requests", tags=TAG, openapi_extra=permission(ANYONE))
def list_route(
    actor: CurrentPrincipal,
    platform: PlatformDep,
    scope: Literal["all", "mine", "awaiting"] = "all",
    status_filter: Annotated[
        Literal["authority_review", "provider_review", "approved", "refused", "withdrawn", "revoked"] | None,
        Query(alias="status"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RequestOut]:
    """共享申请列表：本部门的（mine）、待我审核的（awaiting）或可见的全部（all） / share requests."""
    return [
        RequestOut.of(v)
        for v in list_requests(platform, actor, scope=scope, status=status_filter, limit=limit)
    ]


@router.get("/share-requests/{request_id}", tags=TAG, openapi_extra=permission(ANYONE))
def get_route(request_id: RequestId, actor: CurrentPrincipal, platform: PlatformDep) -> RequestOut:
    """查看共享申请、办理期限及各环节签名审核意见（含验证结果） / one request with its signed decisions."""
    return RequestOut.of(get_request(platform, actor, request_id))


@router.post(
    "/share-requests/{request_id}/authority-check",
    tags=TAG,
    openapi_extra=permission("grant.approve_authority (data authority)"),
)
def authority_check_route(
    request_id: RequestId, body: AuthorityCheckIn, actor: CurrentPrincipal, platform: PlatformDep
) -> RequestOut:
    """数据主管部门合规审核（通过/不予通过，以本人签名密钥签署） / the authority's signed compliance check."""
    return RequestOut.of(
        authority_check(
            platform,
            actor,
            request_id,
            outcome=body.outcome,
            reasons=body.reasons,
            signing_password=body.signing_password,
        )
    )


@router.post(
    "/share-requests/{request_id}/review",
    tags=TAG,
    openapi_extra=permission("grant.manage_dept (provider department) | grant.manage"),
)
def review_route(
    request_id: RequestId, body: ReviewIn, actor: CurrentPrincipal, platform: PlatformDep
) -> RequestOut:
    """提供方审核：批准（脱敏场景、行过滤、到期时间，生成授权）或不予通过 / the provider's signed review."""
    row_filter = None if body.row_filter is None else [c.model_dump() for c in body.row_filter]
    return RequestOut.of(
        provider_review(
            platform,
            actor,
            request_id,
            outcome=body.outcome,
            reasons=body.reasons,
            masking_profile=body.masking_profile,
            row_filter=row_filter,
            expires_at=body.expires_at,
            signing_password=body.signing_password,
        )
    )


@router.post("/share-requests/{request_id}/withdraw", tags=TAG, openapi_extra=permission(ANYONE))
def withdraw_route(
    request_id: RequestId, body: WithdrawIn, actor: CurrentPrincipal, platform: PlatformDep
) -> RequestOut:
    """申请部门撤回审核中的申请 / the requesting department withdraws its request."""
    return RequestOut.of(withdraw(platform, actor, request_id, reason=body.reason))


@router.post(
    "/share-requests/{request_id}/revoke",
    tags=TAG,
    openapi_extra=permission("grant.manage_dept (provider department) | grant.manage | data authority"),
)
def revoke_route(
    request_id: RequestId, body: RevokeIn, actor: CurrentPrincipal, platform: PlatformDep
) -> RequestOut:
    """撤销已批准的共享（签名；撤销全部相关授权） / revoke an approved request and its grants (signed)."""
    return RequestOut.of(
        revoke(platform, actor, request_id, reasons=body.reasons, signing_password=body.signing_password)
    )


@router.post(
    "/share-requests/{request_id}/renew",
    status_code=status.HTTP_201_CREATED,
    tags=TAG,
    openapi_extra=permission(ANYONE),
)
def renew_route(
    request_id: RequestId, body: RenewIn, actor: CurrentPrincipal, platform: PlatformDep
) -> RequestOut:
    """续期：按已批准的申请生成新申请，重新审核 / renew: a new request prefilled from an approved one."""
    return RequestOut.of(
        renew(
            platform,
            actor,
            request_id,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            purpose=body.purpose,
        )
    )


@router.get("/share-requests/{request_id}/verify", tags=TAG, openapi_extra=permission(ANYONE))
def verify_route(request_id: RequestId, actor: CurrentPrincipal, platform: PlatformDep) -> VerificationOut:
    """验证共享申请各审核意见的签名 / verify every decision's signature."""
    return VerificationOut.of(request_verification(platform, actor, request_id))
