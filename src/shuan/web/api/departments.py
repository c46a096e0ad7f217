"""Departments (a tree under the data authority) and the built-in roles.

Every signed-in user may read the directory; changing it needs identity.manage (系统管理员).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from shuan.identity.directory import (
    DepartmentInfo,
    create_department,
    get_department,
    list_departments,
    move_department,
    rename_department,
)
from shuan.identity.roles import EXCLUSIVE_ROLES, MFA_REQUIRED, ROLE_LABELS, ROLE_PERMISSIONS, Role
from shuan.web.api.models import MAX_ID, Id, Input, Name, Output, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter(tags=["departments 部门"])

DeptId = Annotated[int, Path(ge=1, le=MAX_ID)]
ADMIN = permission("identity.manage")


class DepartmentOut(Output):
    id: int
    name: str
    parent_id: int | None
    is_authority: bool
    path: list[int]

    @classmethod
    def of(cls, info: DepartmentInfo) -> DepartmentOut:
        return cls(id=info.id, name=info.name, parent_id=info.parent_id, is_authority=info.is_authority,
                   path=list(info.path))


class DepartmentIn(Input):
    name: Name
    parent_id: Id


class RenameIn(Input):
    name: Name


class MoveIn(Input):
    parent_id: Id


class RoleOut(Output):
    id: str
    label: str
    label_en: str
    permissions: list[str]
    exclusive: bool  # 三员: at most one of these per account
    mfa_required: bool


@router.get("/departments", openapi_extra=permission("self.service"))
def list_departments_route(_actor: CurrentPrincipal, platform: PlatformDep) -> list[DepartmentOut]:
    """部门树（父部门在前） / the department tree, parents first."""
    return [DepartmentOut.of(d) for d in list_departments(platform)]


@router.post("/departments", status_code=status.HTTP_201_CREATED, openapi_extra=ADMIN)
def create_department_route(body: DepartmentIn, actor: CurrentPrincipal, platform: PlatformDep) -> DepartmentOut:
    """新建部门 / create a department."""
    return DepartmentOut.of(create_department(platform, actor=actor, name=body.name, parent_id=body.parent_id))


@router.get("/departments/{department_id}", openapi_extra=permission("self.service"))
def get_department_route(department_id: DeptId, _actor: CurrentPrincipal, platform: PlatformDep) -> DepartmentOut:
    """查看部门 / one department."""
    return DepartmentOut.of(get_department(platform, department_id=department_id))


@router.post("/departments/{department_id}/rename", openapi_extra=ADMIN)
def rename_department_route(department_id: DeptId, body: RenameIn, actor: CurrentPrincipal,
                            platform: PlatformDep) -> DepartmentOut:
    """部门改名 / rename a department."""
    return DepartmentOut.of(rename_department(platform, actor=actor, department_id=department_id, name=body.name))


@router.post("/departments/{department_id}/move", openapi_extra=ADMIN)
def move_department_route(department_id: DeptId, body: MoveIn, actor: CurrentPrincipal,
                          platform: PlatformDep) -> DepartmentOut:
    """调整上级部门（不能形成环，根部门不能移动） / move under another parent."""
    return DepartmentOut.of(move_department(platform, actor=actor, department_id=department_id,
                                            parent_id=body.parent_id))


@router.get("/roles", tags=["roles 角色"], openapi_extra=permission("self.service"))
def list_roles_route(_actor: CurrentPrincipal) -> list[RoleOut]:
    """内置角色及其权限 / built-in roles and their permissions."""
    return [
        RoleOut(id=role.value, label=ROLE_LABELS[role][0], label_en=ROLE_LABELS[role][1],
                permissions=sorted(p.value for p in ROLE_PERMISSIONS[role]), exclusive=role in EXCLUSIVE_ROLES,
                mfa_required=role in MFA_REQUIRED)
        for role in Role
    ]
