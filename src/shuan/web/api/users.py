"""User accounts and their roles (系统管理员: identity.manage; everyone may read their own account).

A change to a 三员 account (or one that gives a 三员 role) is not made at once: the answer is
202 Accepted with the id of a request that another 三员 administrator approves under
/admin-requests (identity/dual_control.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import JSONResponse
from pydantic import Field

from shuan.identity.account import reset_password, unlock_user
from shuan.identity.directory import (
    UserInfo,
    assign_role,
    create_user,
    disable_user,
    enable_user,
    get_user,
    list_users,
    remove_role,
    set_vendor_agreement,
    update_user,
)
from shuan.identity.dual_control import PendingRequest
from shuan.identity.roles import Role
from shuan.identity.sessions import revoke_sessions
from shuan.identity.tokens import list_tokens
from shuan.identity.totp import reset_totp
from shuan.web.api.me import PENDING, TokenOut, accepted
from shuan.web.api.models import MAX_ID, Id, Input, Name, Output, Username, When, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter(tags=["users 用户"])

UsernamePath = Annotated[str, Path(min_length=1, max_length=64)]
ADMIN = permission("identity.manage")


class UserOut(Output):
    id: int
    username: str
    display_name: str
    department_id: int
    roles: list[str]
    active: bool
    vendor_name: str | None
    vendor_until: datetime | None
    totp_enabled: bool
    must_change_password: bool
    locked_until: datetime | None
    created_at: datetime
    last_login_at: datetime | None

    @classmethod
    def of(cls, info: UserInfo) -> UserOut:
        data = {k: getattr(info, k) for k in cls.model_fields}
        data["roles"] = [r.value for r in info.roles]
        return cls.model_validate(data)


class CreatedUserOut(Output):
    user: UserOut
    one_time_secret: str  # shown once; expires; must be changed at the first login


class OneTimeSecretOut(Output):
    one_time_secret: str


class SessionsEndedOut(Output):
    ended: int


class UserIn(Input):
    username: Username
    display_name: Name
    department_id: Id
    roles: Annotated[list[Role], Field(max_length=10)] = []
    vendor_name: Name | None = None
    vendor_until: When | None = None


class UserUpdateIn(Input):
    display_name: Name | None = None
    department_id: Id | None = None


class RoleIn(Input):
    role: Role
    vendor_until: When | None = None


class VendorIn(Input):
    vendor_until: When
    vendor_name: Name | None = None


@router.get("/users", openapi_extra=ADMIN)
def list_users_route(actor: CurrentPrincipal, platform: PlatformDep,
                     department_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> list[UserOut]:
    """用户列表 / list accounts."""
    return [UserOut.of(u) for u in list_users(platform, actor=actor, department_id=department_id)]


def _user_or_pending(result: UserInfo | PendingRequest) -> UserOut | JSONResponse:
    return accepted(result) if isinstance(result, PendingRequest) else UserOut.of(result)


@router.post("/users", status_code=status.HTTP_201_CREATED, openapi_extra=ADMIN, response_model=CreatedUserOut,
             responses=PENDING)
def create_user_route(body: UserIn, actor: CurrentPrincipal, platform: PlatformDep) -> CreatedUserOut | JSONResponse:
    """创建用户：返回一次性口令（只显示一次）；含三员角色的账户须另一类三员批准（202，口令交给批准人） /
    create an account with a one-time secret (shown once); a 三员 account is a request (202; the approver
    receives the secret)."""
    created = create_user(platform, actor=actor, username=body.username, display_name=body.display_name,
                          department_id=body.department_id, roles=body.roles, vendor_name=body.vendor_name,
                          vendor_until=body.vendor_until)
    if isinstance(created, PendingRequest):
        return accepted(created)
    return CreatedUserOut(user=UserOut.of(created.user), one_time_secret=created.one_time_secret)


@router.get("/users/{username}", openapi_extra=permission("identity.manage (others); self.service (own)"))
def get_user_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep) -> UserOut:
    """查看用户 / one account."""
    return UserOut.of(get_user(platform, actor=actor, username=username))


@router.patch("/users/{username}", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def update_user_route(username: UsernamePath, body: UserUpdateIn, actor: CurrentPrincipal,
                      platform: PlatformDep) -> UserOut | JSONResponse:
    """修改显示名或所属部门（三员账户调部门须批准：202） / change the display name or department."""
    return _user_or_pending(update_user(platform, actor=actor, username=username, display_name=body.display_name,
                                        department_id=body.department_id))


@router.post("/users/{username}/disable", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def disable_user_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep
                       ) -> UserOut | JSONResponse:
    """停用账户（结束其会话，令牌失效；三员账户须批准：202） / disable an account."""
    return _user_or_pending(disable_user(platform, actor=actor, username=username))


@router.post("/users/{username}/enable", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def enable_user_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep
                      ) -> UserOut | JSONResponse:
    """启用账户（三员账户须批准：202） / enable an account."""
    return _user_or_pending(enable_user(platform, actor=actor, username=username))


@router.post("/users/{username}/roles", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def assign_role_route(username: UsernamePath, body: RoleIn, actor: CurrentPrincipal, platform: PlatformDep
                      ) -> UserOut | JSONResponse:
    """授予角色（三员分立、不能改自己的角色；三员角色或三员账户须批准：202） / assign a role."""
    return _user_or_pending(assign_role(platform, actor=actor, username=username, role=body.role,
                                        vendor_until=body.vendor_until))


@router.delete("/users/{username}/roles/{role}", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def remove_role_route(username: UsernamePath, role: Role, actor: CurrentPrincipal, platform: PlatformDep
                      ) -> UserOut | JSONResponse:
    """撤销角色（三员账户须批准：202） / remove a role."""
    return _user_or_pending(remove_role(platform, actor=actor, username=username, role=role))


@router.put("/users/{username}/vendor", openapi_extra=ADMIN, response_model=UserOut, responses=PENDING)
def vendor_route(username: UsernamePath, body: VendorIn, actor: CurrentPrincipal, platform: PlatformDep
                 ) -> UserOut | JSONResponse:
    """设置外包协议截止时间 / set a vendor agreement's end."""
    return _user_or_pending(set_vendor_agreement(platform, actor=actor, username=username,
                                                 vendor_until=body.vendor_until, vendor_name=body.vendor_name))


@router.post("/users/{username}/password-reset", openapi_extra=ADMIN, response_model=OneTimeSecretOut,
             responses=PENDING)
def reset_password_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep
                         ) -> OneTimeSecretOut | JSONResponse:
    """重置密码：返回新的一次性口令（只显示一次；三员账户须批准：202，口令交给批准人） /
    reset: a new one-time secret (shown once; for a 三员 account a request: 202, the approver gets it)."""
    result = reset_password(platform, actor=actor, username=username)
    if isinstance(result, PendingRequest):
        return accepted(result)
    return OneTimeSecretOut(one_time_secret=result)


@router.post("/users/{username}/unlock", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=ADMIN)
def unlock_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep) -> None:
    """解除锁定 / clear a lockout."""
    unlock_user(platform, actor=actor, username=username)


@router.delete("/users/{username}/totp", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=ADMIN,
               response_model=None, responses=PENDING)
def reset_totp_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep) -> JSONResponse | None:
    """清除用户的动态口令（如手机丢失），下次登录重新绑定（三员账户须批准：202） / remove a user's TOTP."""
    result = reset_totp(platform, actor=actor, username=username)
    return accepted(result) if result is not None else None


@router.delete("/users/{username}/sessions", response_model=SessionsEndedOut, responses=PENDING,
               openapi_extra=permission("identity.manage (others); self.service (own)"))
def revoke_sessions_route(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep
                          ) -> SessionsEndedOut | JSONResponse:
    """结束用户的全部会话（他人的三员账户须批准：202） / end every session of a user."""
    result = revoke_sessions(platform, actor=actor, username=username)
    if isinstance(result, PendingRequest):
        return accepted(result)
    return SessionsEndedOut(ended=result)


@router.get("/users/{username}/tokens", openapi_extra=permission("identity.manage (others); self.service (own)"))
def list_user_tokens(username: UsernamePath, actor: CurrentPrincipal, platform: PlatformDep) -> list[TokenOut]:
    """用户的 API 令牌（不含令牌本身） / a user's tokens (never the secrets)."""
    return [TokenOut.of(t) for t in list_tokens(platform, actor=actor, username=username)]
