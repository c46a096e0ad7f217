"""The protected-resource register, grants and policy decisions (shuan.access).

Resource paths (``src:<source>/tbl:<table>/col:<column>``) contain ``/``, so they travel in the body
or the ``path`` query parameter, never as a URL path segment.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from shuan.access.engine import Decision
from shuan.access.service import (
    ApprovalCheck,
    GrantView,
    ResourceView,
    approve_grant,
    create_grant,
    get_grant,
    get_resource,
    grant_approval,
    list_grants,
    query_decision,
    register_resource,
    revoke_grant,
    set_authorised_departments,
    set_resource_level,
    set_resource_public,
)
from shuan.lookups import grant_subject, user_principal
from shuan.web.api.models import (
    MAX_ID,
    Clean,
    Id,
    Input,
    LongText,
    Output,
    ResourcePathText,
    Secret,
    When,
    permission,
)
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter()

GrantId = Annotated[int, Path(ge=1, le=MAX_ID)]
Level = Literal[1, 2, 3]
Action = Literal["read", "export", "share", "manage"]
Scenario = Literal["business", "analysis", "dev_test", "sharing", "opening"]
ColumnName = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
Scalar = Annotated[StrictStr, Field(max_length=1000), Clean] | StrictInt | StrictFloat | StrictBool
MANAGE = permission("grant.manage | grant.manage_dept (own department)")


# -- models ------------------------------------------------------------------------------------------


class ResourceIn(Input):
    path: ResourcePathText
    owner_department_id: Id | None = None
    level: Level | None = None


class ResourceLevelIn(Input):
    path: ResourcePathText
    level: Level | None


class ResourcePublicIn(Input):
    path: ResourcePathText
    public: StrictBool


class AuthorisedIn(Input):
    path: ResourcePathText
    department_ids: Annotated[list[Id], Field(max_length=1000)]


class ResourceOut(Output):
    path: str
    kind: str
    owner_department_id: int
    level: int | None
    public: bool
    authorised_departments: list[int]
    effective_level: int
    effective_public: bool

    @classmethod
    def of(cls, view: ResourceView) -> ResourceOut:
        return cls.model_validate(view.as_dict())


class SubjectIn(Input):
    kind: Literal["user", "department"]
    id: Id
    include_subdepartments: StrictBool = False


class ConditionIn(Input):
    column: ColumnName
    op: Literal["=", "!=", "<", "<=", ">", ">=", "in"]
    value: Scalar | Annotated[list[Scalar], Field(min_length=1, max_length=1000)]


class GrantIn(Input):
    subject: SubjectIn
    resource: ResourcePathText
    actions: Annotated[list[Action], Field(min_length=1, max_length=4)]
    purpose: LongText
    valid_until: When
    scenario: Scenario = "business"
    valid_from: When | None = None
    row_filter: Annotated[list[ConditionIn], Field(max_length=20)] | None = None
    masking_profile: Annotated[StrictStr, Field(min_length=1, max_length=64), Clean] | None = None
    await_authority: StrictBool = False


class ApproveIn(Input):
    """The approver's signing password: it opens the approver's own SM2 key, which signs the approval."""

    signing_password: Secret


class RevokeIn(Input):
    reason: LongText | None = None


class GrantOut(Output):
    id: int
    subject_kind: str
    subject_id: int
    include_subdepartments: bool
    subject_department_path: list[int]
    resource: str
    actions: list[str]
    purpose: str
    scenario: str
    row_filter: list[dict[str, Any]] | None
    masking_profile: str | None
    valid_from: datetime
    valid_until: datetime
    status: str
    created_at: datetime
    created_by: int | None
    authority_approved_by: int | None
    authority_approved_at: datetime | None
    revoked_at: datetime | None
    revoked_by: int | None
    revoke_reason: str | None
    approval_signer: str | None
    approval_key_fingerprint: str | None
    approval_signature: str | None

    @classmethod
    def of(cls, view: GrantView) -> GrantOut:
        return cls.model_validate(view.as_dict())


class ApprovalOut(Output):
    grant_id: int
    approved: bool
    signed: bool
    valid: bool  # the signature verifies over the grant as stored, with the signer's key
    approver_id: int | None
    approver: str | None
    approved_at: datetime | None
    document_version: int | None
    key_id: int | None
    key_fingerprint: str | None
    signature: str | None
    digest: str | None  # SM3 of the canonical approval document (hex)

    @classmethod
    def of(cls, check: ApprovalCheck) -> ApprovalOut:
        return cls.model_validate(check.as_dict())


class DecisionIn(Input):
    resource: ResourcePathText
    action: Action
    # 使用场景: every decision is for one scenario and only grants made for it apply; left out, the
    # decision is for "business" (a dev_test or analysis grant then allows nothing)
    scenario: Scenario = Field(
        default="business",
        description="使用场景（默认 business：仅“业务办理”场景的授权适用） / usage scenario; "
        "default business: only grants made for business use apply",
    )
    subject_user_id: Id | None = None  # someone else (decision.query); default: the caller


class DecisionOut(Output):
    allowed: bool
    rule: str
    detail: str
    resource: str
    action: str
    grant_id: int | None
    row_filter: list[dict[str, Any]] | None
    masking_profile: str | None
    level: int | None
    owner_department_id: int | None
    explanation: str

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        return cls.model_validate(decision.as_dict())


# -- resources -------------------------------------------------------------------------------------


@router.post("/resources", status_code=status.HTTP_201_CREATED, tags=["resources 资源"], openapi_extra=MANAGE)
def register_resource_route(body: ResourceIn, actor: CurrentPrincipal, platform: PlatformDep) -> ResourceOut:
    """登记受保护资源（数据源/表/列）及其级别 / register a source, table or column with its grade."""
    return ResourceOut.of(register_resource(platform, actor, body.path, owner_department_id=body.owner_department_id,
                                            level=body.level))


@router.get("/resources", tags=["resources 资源"], openapi_extra=permission("self.service"))
def get_resource_route(path: Annotated[str, Query(min_length=1, max_length=600)], _actor: CurrentPrincipal,
                       platform: PlatformDep) -> ResourceOut:
    """查看已登记资源及其生效级别 / a registered resource and its effective grade."""
    return ResourceOut.of(get_resource(platform, path))


@router.put("/resources/level", tags=["resources 资源"],
            openapi_extra=permission("grant.manage (any change) | grant.manage_dept (raise only)"))
def set_level_route(body: ResourceLevelIn, actor: CurrentPrincipal, platform: PlatformDep) -> ResourceOut:
    """调整资源级别（降级须安全管理员） / change a grade (lowering needs grant.manage)."""
    return ResourceOut.of(set_resource_level(platform, actor, body.path, body.level))


@router.put("/resources/public", tags=["resources 资源"], openapi_extra=MANAGE)
def set_public_route(body: ResourcePublicIn, actor: CurrentPrincipal, platform: PlatformDep) -> ResourceOut:
    """公开/取消公开一级资源 / open or close a 一级 resource to every signed-in user."""
    return ResourceOut.of(set_resource_public(platform, actor, body.path, body.public))


@router.put("/resources/authorised-departments", tags=["resources 资源"],
            openapi_extra=permission("grant.manage | data authority"))
def set_authorised_route(body: AuthorisedIn, actor: CurrentPrincipal, platform: PlatformDep) -> ResourceOut:
    """设置二级资源可授权的部门 / departments a 二级 resource may be granted to."""
    return ResourceOut.of(set_authorised_departments(platform, actor, body.path, body.department_ids))


# -- grants ----------------------------------------------------------------------------------------


@router.get("/grants", tags=["grants 授权"], openapi_extra=permission("self.service (grants the caller may see)"))
def list_grants_route(
    actor: CurrentPrincipal,
    platform: PlatformDep,
    resource: Annotated[str | None, Query(min_length=1, max_length=600)] = None,
    include_children: bool = False,
    subject_kind: Literal["user", "department"] | None = None,
    subject_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    include_revoked: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[GrantOut]:
    """授权列表（按可见范围） / grants the caller may see, newest first."""
    views = list_grants(platform, actor, resource=resource, include_children=include_children,
                        subject_kind=subject_kind, subject_id=subject_id, include_revoked=include_revoked,
                        limit=limit, offset=offset)
    return [GrantOut.of(v) for v in views]


@router.post("/grants", status_code=status.HTTP_201_CREATED, tags=["grants 授权"], openapi_extra=MANAGE)
def create_grant_route(body: GrantIn, actor: CurrentPrincipal, platform: PlatformDep) -> GrantOut:
    """创建授权（不能授权给自己；三级跨部门须主管部门审批） / create a grant."""
    subject = grant_subject(platform, kind=body.subject.kind, subject_id=body.subject.id,
                            include_subdepartments=body.subject.include_subdepartments)
    row_filter = None if body.row_filter is None else [c.model_dump() for c in body.row_filter]
    view = create_grant(platform, actor, subject=subject, resource=body.resource, actions=body.actions,
                        purpose=body.purpose, valid_until=body.valid_until, scenario=body.scenario,
                        valid_from=body.valid_from, row_filter=row_filter, masking_profile=body.masking_profile,
                        await_authority=body.await_authority)
    return GrantOut.of(view)


@router.get("/grants/{grant_id}", tags=["grants 授权"], openapi_extra=permission("self.service (visible grants)"))
def get_grant_route(grant_id: GrantId, actor: CurrentPrincipal, platform: PlatformDep) -> GrantOut:
    """查看授权 / one grant."""
    return GrantOut.of(get_grant(platform, actor, grant_id))


@router.post("/grants/{grant_id}/approve", tags=["grants 授权"],
             openapi_extra=permission("grant.approve_authority (data authority)"))
def approve_grant_route(grant_id: GrantId, body: ApproveIn, actor: CurrentPrincipal,
                        platform: PlatformDep) -> GrantOut:
    """主管部门签名审批（审批人用本人签名密钥签署；不能审批自己创建或自己受益的授权） /
    the data authority's approval, signed with the approver's own key (signing_password opens it)."""
    return GrantOut.of(approve_grant(platform, actor, grant_id, signing_password=body.signing_password))


@router.get("/grants/{grant_id}/approval", tags=["grants 授权"],
            openapi_extra=permission("self.service (visible grants)"))
def grant_approval_route(grant_id: GrantId, actor: CurrentPrincipal, platform: PlatformDep) -> ApprovalOut:
    """审批签名及验证结果 / the grant's approval signature and whether it verifies."""
    return ApprovalOut.of(grant_approval(platform, actor, grant_id))


@router.post("/grants/{grant_id}/revoke", tags=["grants 授权"], openapi_extra=MANAGE)
def revoke_grant_route(grant_id: GrantId, body: RevokeIn, actor: CurrentPrincipal, platform: PlatformDep) -> GrantOut:
    """撤销授权 / revoke a grant."""
    return GrantOut.of(revoke_grant(platform, actor, grant_id, reason=body.reason))


# -- decisions -------------------------------------------------------------------------------------


@router.post("/decisions", tags=["decisions 决策"],
             openapi_extra=permission("self.service (own); decision.query (others)"))
def decision_route(body: DecisionIn, actor: CurrentPrincipal, platform: PlatformDep) -> DecisionOut:
    """访问决策及理由（记入审计） / may this user do this? with the grant or rule that decided (audited)."""
    subject = actor if body.subject_user_id is None else user_principal(platform, user_id=body.subject_user_id)
    return DecisionOut.of(query_decision(platform, actor, subject, body.resource, body.action,
                                            purpose=body.scenario))

