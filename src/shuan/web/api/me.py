"""Self-service: the caller's own password, TOTP enrolment and API tokens.

Password change and TOTP enrolment finish a login, so they accept a session at its ``password`` or
``enroll`` step; the services check the step (and refuse API tokens: credentials are changed from
a login session only). Tokens are created from a full login session only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, status
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import Field

from shuan.identity.account import change_password
from shuan.identity.dual_control import PendingRequest
from shuan.identity.tokens import CreatedToken, TokenInfo, create_token, list_tokens, revoke_token
from shuan.identity.totp import begin_totp_enrollment, confirm_totp_enrollment
from shuan.web.api.models import Code, Input, Name, Output, Secret, When, permission
from shuan.web.deps import CurrentCaller, CurrentPrincipal, PlatformDep

router = APIRouter(tags=["me 本人"])

ScopeText = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z_.*]+$")]


# -- 202 Accepted: a change to a 三员 account waits for a second person (identity/dual_control.py) ------


class PendingOut(Output):
    """The change was not made: it is request `request_id`, to be approved by another 三员 administrator
    (POST /admin-requests/{request_id}/approve) before `expires_at`."""

    request_id: int
    kind: str
    target: str
    status: str
    expires_at: datetime


#: documents the 202 answer on the routes that may defer
PENDING: dict[int | str, dict[str, Any]] = {
    status.HTTP_202_ACCEPTED: {
        "model": PendingOut,
        "description": "涉及三员账户：已提交为申请，须另一类三员管理员批准后生效 / "
                       "a change to a 三员 account: request made, takes effect once another administrator approves it",
    }
}


def accepted(pending: PendingRequest) -> JSONResponse:
    out = PendingOut(request_id=pending.request_id, kind=pending.kind.value, target=pending.target,
                     status=pending.status, expires_at=pending.expires_at)
    return JSONResponse(jsonable_encoder(out), status_code=status.HTTP_202_ACCEPTED)


class PasswordIn(Input):
    current_password: Secret
    new_password: Secret


class StageOut(Output):
    stage: str | None


class TotpOut(Output):
    secret: str  # base32, shown once
    uri: str  # otpauth:// for an authenticator app


class TotpConfirmIn(Input):
    code: Code


class TokenIn(Input):
    name: Name
    scopes: Annotated[list[ScopeText], Field(min_length=1, max_length=20)]
    expires_at: When


class TokenOut(Output):
    token_id: str
    user_id: int
    name: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, info: TokenInfo) -> TokenOut:
        return cls.model_validate(info)


class CreatedTokenOut(Output):
    token: str  # shuan_<id>_<secret>: shown once
    info: TokenOut

    @classmethod
    def of(cls, created: CreatedToken) -> CreatedTokenOut:
        return cls(token=created.token, info=TokenOut.of(created.info))


@router.post("/me/password", openapi_extra=permission("self.service"))
def change_password_route(body: PasswordIn, caller: CurrentCaller, platform: PlatformDep) -> StageOut:
    """修改本人密码（会话处于 password 或 active 阶段） / change the own password."""
    stage = change_password(platform, actor=caller.principal, current_password=body.current_password,
                            new_password=body.new_password)
    return StageOut(stage=stage.value)


@router.post("/me/totp", openapi_extra=permission("self.service"))
def begin_totp_route(caller: CurrentCaller, platform: PlatformDep) -> TotpOut:
    """开始绑定动态口令：返回密钥（只显示一次） / start TOTP enrolment (secret shown once)."""
    enrollment = begin_totp_enrollment(platform, actor=caller.principal)
    return TotpOut(secret=enrollment.secret, uri=enrollment.uri)


@router.post("/me/totp/confirm", openapi_extra=permission("self.service"))
def confirm_totp_route(body: TotpConfirmIn, caller: CurrentCaller, platform: PlatformDep) -> StageOut:
    """用当前动态口令确认绑定 / confirm the enrolment with a current code."""
    stage = confirm_totp_enrollment(platform, actor=caller.principal, code=body.code)
    return StageOut(stage=stage.value if stage else None)


@router.get("/me/tokens", openapi_extra=permission("self.service"))
def list_my_tokens(actor: CurrentPrincipal, platform: PlatformDep) -> list[TokenOut]:
    """本人的 API 令牌（不含令牌本身） / the caller's tokens (never the secrets)."""
    return [TokenOut.of(t) for t in list_tokens(platform, actor=actor)]


@router.post("/me/tokens", status_code=status.HTTP_201_CREATED, openapi_extra=permission("self.service"))
def create_my_token(body: TokenIn, actor: CurrentPrincipal, platform: PlatformDep) -> CreatedTokenOut:
    """创建 API 令牌（须登录会话；令牌只返回一次；含管理权限的令牌最长与登录会话相同） /
    create a token (login session only; shown once; administrative tokens live no longer than a session)."""
    created = create_token(platform, actor=actor, name=body.name, scopes=body.scopes, expires_at=body.expires_at)
    return CreatedTokenOut.of(created)


@router.delete("/tokens/{token_id}", openapi_extra=permission("self.service"), response_model=TokenOut,
               responses=PENDING)
def revoke_token_route(token_id: Annotated[str, Path(max_length=64)], actor: CurrentPrincipal,
                       platform: PlatformDep) -> TokenOut | JSONResponse:
    """撤销令牌（本人的，或系统管理员撤销任何人的；三员账户的令牌须另一名三员批准：202） /
    revoke a token (own, or any for identity.manage; a 三员 account's token needs a second person: 202)."""
    result = revoke_token(platform, actor=actor, token_id=token_id)
    if isinstance(result, PendingRequest):
        return accepted(result)
    return TokenOut.of(result)
