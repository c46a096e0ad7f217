"""Login (password, then TOTP), logout, who am I, health.

A login answers with a session id (shown once: send it back as ``X-Session``) and the step the
session is at: ``mfa`` (send a TOTP code to /auth/mfa, which replaces the session id),
``password`` (POST /me/password), ``enroll`` (POST /me/totp, then /me/totp/confirm) or ``active``.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status

from shuan.errors import UsageError
from shuan.identity.principal import Principal
from shuan.identity.sessions import login, logout, verify_mfa
from shuan.web.api.models import Code, Input, Output, Secret, permission
from shuan.web.deps import AuthAttempt, ClientDep, CurrentCaller, PlatformDep, SessionId

router = APIRouter(tags=["auth 认证"])


class LoginIn(Input):
    username: Secret
    password: Secret


class MfaIn(Input):
    code: Code


class PrincipalOut(Output):
    user_id: int | None
    username: str
    department_id: int | None
    department_path: list[int]
    roles: list[str]
    permissions: list[str]

    @classmethod
    def of(cls, p: Principal) -> PrincipalOut:
        return cls(user_id=p.user_id, username=p.username, department_id=p.department_id,
                   department_path=list(p.department_path), roles=sorted(r.value for r in p.roles),
                   permissions=sorted(x.value for x in p.permissions))


class LoginOut(Output):
    session: str  # the session id: send it as X-Session; shown once
    stage: str
    expires_at: datetime
    user: PrincipalOut


class MeOut(Output):
    via: str
    stage: str | None
    expires_at: datetime | None
    idle_expires_at: datetime | None
    user: PrincipalOut


class HealthOut(Output):
    status: str


@router.get("/health", openapi_extra=permission("public"))
def health() -> HealthOut:
    """服务存活检查（无需认证） / liveness (no authentication)."""
    return HealthOut(status="ok")


@router.post("/auth/login", openapi_extra=permission("public"))
def login_route(body: LoginIn, platform: PlatformDep, client: ClientDep, _throttle: AuthAttempt) -> LoginOut:
    """用户名 + 密码登录，返回会话及下一步 / password login: a session and the next step."""
    result = login(platform, username=body.username, password=body.password, client=client)
    return LoginOut(session=result.session_id, stage=result.stage.value, expires_at=result.expires_at,
                    user=PrincipalOut.of(result.principal))


@router.post("/auth/mfa", openapi_extra=permission("public"))
def mfa_route(body: MfaIn, session_id: SessionId, platform: PlatformDep, client: ClientDep,
              _throttle: AuthAttempt) -> LoginOut:
    """第二步：动态口令；返回新的会话号（旧的失效） / TOTP step; the session id is replaced."""
    result = verify_mfa(platform, session_id=session_id, code=body.code, client=client)
    return LoginOut(session=result.session_id, stage=result.stage.value, expires_at=result.expires_at,
                    user=PrincipalOut.of(result.principal))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, openapi_extra=permission("self.service"))
def logout_route(caller: CurrentCaller, platform: PlatformDep, client: ClientDep) -> None:
    """结束当前会话 / end the current session (X-Session)."""
    if caller.session_id is None:
        raise UsageError("api.session_required")
    logout(platform, session_id=caller.session_id, client=client)


@router.get("/auth/me", openapi_extra=permission("self.service"))
def me_route(caller: CurrentCaller) -> MeOut:
    """当前身份、角色、权限与会话阶段 / who am I: roles, permissions, session stage."""
    return MeOut(via=caller.via, stage=caller.stage.value if caller.stage else None, expires_at=caller.expires_at,
                 idle_expires_at=caller.idle_expires_at, user=PrincipalOut.of(caller.principal))
