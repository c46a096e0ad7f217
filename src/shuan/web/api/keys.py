"""The key hierarchy (安全管理员: key.manage; destruction needs a second approver: key.approve).

Only metadata ever leaves the server: no route returns key material.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from pydantic import Field, StrictStr

from shuan.crypto.keys import service
from shuan.crypto.keys.keyring import KeyInfo
from shuan.web.api.models import MAX_ID, Clean, Id, Input, LongText, Output, Secret, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter(tags=["keys 密钥"])

DeptId = Annotated[int, Path(ge=1, le=MAX_ID)]
Dataset = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
MANAGE = permission("key.manage")


class KeyOut(Output):
    key_id: str
    kind: str
    algorithm: str
    version: int
    status: str
    department_id: int | None
    wrapped_by: str
    created_at: datetime
    created_by: str
    destroyed_at: datetime | None

    @classmethod
    def of(cls, info: KeyInfo) -> KeyOut:
        return cls.model_validate(info)


class DataKeyIn(Input):
    dataset: Dataset
    department_id: Id


class DestructionIn(Input):
    dataset: Dataset
    reason: LongText


class ApproveIn(Input):
    """The approver's signing password: it opens the approver's own SM2 key, which signs the approval."""

    signing_password: Secret


class DestructionApprovalOut(Output):
    request_id: int
    status: str
    scope: str
    requested_by: str
    approver: str | None
    approved_at: datetime | None
    signed: bool
    valid: bool  # the signature verifies over the request as stored, with the approver's key
    document_version: int | None
    key_id: int | None
    key_fingerprint: str | None
    signature: str | None
    digest: str | None  # SM3 of the canonical approval document (hex)

    @classmethod
    def of(cls, view: service.DestructionApproval) -> DestructionApprovalOut:
        return cls.model_validate(view.as_dict())


class RewrapOut(Output):
    rewrapped: int


class DestructionOut(Output):
    request_id: int


class DestroyedOut(Output):
    versions_destroyed: int


@router.get("/keys", openapi_extra=MANAGE)
def list_keys_route(actor: CurrentPrincipal, platform: PlatformDep,
                    department_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> list[KeyOut]:
    """密钥列表（仅元数据） / keys (metadata only)."""
    return [KeyOut.of(k) for k in service.list_keys(platform, actor, department_id)]


@router.post("/keys/data", status_code=status.HTTP_201_CREATED, openapi_extra=MANAGE)
def create_data_key_route(body: DataKeyIn, actor: CurrentPrincipal, platform: PlatformDep) -> KeyOut:
    """为数据集创建（或轮换）SM4 数据密钥 / create or rotate a dataset's data key."""
    return KeyOut.of(service.create_data_key(platform, actor, body.dataset, body.department_id))


@router.post("/keys/kek/{department_id}/rotate", openapi_extra=MANAGE)
def rotate_kek_route(department_id: DeptId, actor: CurrentPrincipal, platform: PlatformDep) -> KeyOut:
    """轮换部门密钥加密密钥 / rotate a department's KEK."""
    return KeyOut.of(service.rotate_kek(platform, actor, department_id))


@router.post("/keys/kek/{department_id}/rewrap", openapi_extra=MANAGE)
def rewrap_route(department_id: DeptId, actor: CurrentPrincipal, platform: PlatformDep) -> RewrapOut:
    """用最新 KEK 重新包装部门的数据密钥 / rewrap a department's data keys under its newest KEK."""
    return RewrapOut(rewrapped=service.rewrap(platform, actor, department_id))


@router.post("/keys/destructions", status_code=status.HTTP_201_CREATED, openapi_extra=MANAGE)
def request_destruction_route(body: DestructionIn, actor: CurrentPrincipal, platform: PlatformDep) -> DestructionOut:
    """申请销毁数据集密钥（须另一人批准） / request crypto-shredding (a second person approves)."""
    return DestructionOut(request_id=service.request_destruction(platform, actor, body.dataset, body.reason))


RequestId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.post("/keys/destructions/{request_id}/approve", openapi_extra=permission("key.approve (not the requester)"))
def approve_destruction_route(request_id: RequestId, body: ApproveIn, actor: CurrentPrincipal,
                              platform: PlatformDep) -> DestroyedOut:
    """签名批准并执行销毁（审批人用本人签名密钥签署） / approve (signed with the approver's own key) and execute."""
    return DestroyedOut(versions_destroyed=service.approve_destruction(platform, actor, request_id,
                                                                       signing_password=body.signing_password))


@router.get("/keys/destructions/{request_id}/approval",
            openapi_extra=permission("key.manage | key.approve | audit.read"))
def destruction_approval_route(request_id: RequestId, actor: CurrentPrincipal,
                               platform: PlatformDep) -> DestructionApprovalOut:
    """销毁审批签名及验证结果 / a destruction's approval signature and whether it verifies."""
    return DestructionApprovalOut.of(service.destruction_approval(platform, actor, request_id))
