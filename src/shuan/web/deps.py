"""Annotated dependencies of the REST routes: the platform, the client address, the caller.

Credentials travel in headers only, never in cookies, so a browser cannot be made to send them
cross-site (no CSRF surface; CORS is not enabled):

* ``Authorization: Bearer shuan_<id>_<secret>`` — an API token (`shuan.identity.tokens.resolve_token`);
* ``X-Session: <session id>`` — a login session from ``POST /api/v1/auth/login`` (and ``/auth/mfa``).

Sending both is refused (400); sending neither is 401. Refused tokens and sessions (unknown,
replayed after logout, expired, revoked, account disabled) are audited by the identity services.
`CurrentPrincipal` needs a full login (session stage ``active``) or a token; `CurrentCaller` accepts
a session at any stage, for the steps that finish a login (password change, TOTP enrolment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from shuan.errors import AuthError, UsageError
from shuan.identity.principal import Principal
from shuan.identity.sessions import authenticate, resume
from shuan.identity.stages import SessionStage
from shuan.identity.tokens import resolve_token
from shuan.platform import Platform

SESSION_HEADER = "X-Session"

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="ApiToken",
    bearerFormat="shuan_<id>_<secret>",
    description="API 令牌（shuan token create 或 POST /api/v1/me/tokens 生成） / API token",
)
session_scheme = APIKeyHeader(
    name=SESSION_HEADER,
    auto_error=False,
    scheme_name="Session",
    description="登录会话（POST /api/v1/auth/login 返回） / login session id",
)


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def client_address(request: Request) -> str | None:
    """The peer address as the server saw it. X-Forwarded-For is honoured only from the proxies
    `shuan serve --forwarded-allow-ips` names (default 127.0.0.1: a reverse proxy on this machine)."""
    return request.client.host if request.client is not None else None


PlatformDep = Annotated[Platform, Depends(get_platform)]
ClientDep = Annotated[str | None, Depends(client_address)]


def count_auth_attempt(request: Request, platform: PlatformDep, client: ClientDep) -> None:
    """Per-address limit on password and TOTP attempts (429 beyond SHUAN_AUTH_ATTEMPTS_PER_MINUTE)."""
    from shuan.identity.throttle import AttemptThrottle, check_attempt

    throttle = getattr(request.app.state, "auth_throttle", None)
    if throttle is None:
        throttle = request.app.state.auth_throttle = AttemptThrottle(platform.settings.auth_attempts_per_minute)
    check_attempt(platform, throttle, client=client)


AuthAttempt = Annotated[None, Depends(count_auth_attempt)]
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
SessionHeaderDep = Annotated[str | None, Depends(session_scheme)]


@dataclass(frozen=True)
class Caller:
    """Who is calling and how: a token (`stage` None) or a session at some stage."""

    principal: Principal
    via: str  # "token" | "session"
    stage: SessionStage | None = None
    expires_at: datetime | None = None
    idle_expires_at: datetime | None = None
    session_id: str | None = field(default=None, repr=False)


def _credentials(bearer: HTTPAuthorizationCredentials | None, session: str | None) -> tuple[str | None, str | None]:
    token = bearer.credentials if bearer is not None else None
    if token and session:
        raise UsageError("api.ambiguous_credentials")
    if not token and not session:
        raise AuthError("api.unauthenticated")
    return token, session


def current_principal(platform: PlatformDep, client: ClientDep, bearer: BearerDep,
                      session: SessionHeaderDep) -> Principal:
    """The principal of a token, or of a session that has completed every login step."""
    token, session_id = _credentials(bearer, session)
    if token is not None:
        return resolve_token(platform, token, client=client)
    assert session_id is not None  # noqa: S101 - _credentials returns one of the two
    return authenticate(platform, session_id=session_id, client=client)


def current_caller(platform: PlatformDep, client: ClientDep, bearer: BearerDep, session: SessionHeaderDep) -> Caller:
    """A token, or a session at any stage (the services check the stage each step needs)."""
    token, session_id = _credentials(bearer, session)
    if token is not None:
        return Caller(resolve_token(platform, token, client=client), via="token")
    assert session_id is not None  # noqa: S101
    info = resume(platform, session_id=session_id, client=client)
    return Caller(info.principal, via="session", stage=info.stage, expires_at=info.expires_at,
                  idle_expires_at=info.idle_expires_at, session_id=session_id)


def required_session(session: SessionHeaderDep) -> str:
    """The raw X-Session header, for the calls that act on the session itself (MFA, logout)."""
    if not session:
        raise AuthError("api.session_required")
    return session


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
CurrentCaller = Annotated[Caller, Depends(current_caller)]
SessionId = Annotated[str, Depends(required_session)]
