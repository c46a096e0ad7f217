"""The console's cookie session: the identity session id (`shuan.identity.sessions`) in the cookie
``shuan_console`` — HttpOnly, SameSite=Strict, Path=/console, Secure (unless SHUAN_CONSOLE_ALLOW_HTTP and the
request is plain http to localhost). Before login a random nonce in ``shuan_console_login`` binds the login
form's CSRF token.

`active_user` resumes the session on every request (timeouts and the account's state are checked by the
identity service); anything short of a full login raises `LoginRequired` or `StagePending`, which the
console's route class turns into a redirect or a page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from fastapi import Request
from starlette.responses import Response

from shuan.errors import AuthError
from shuan.identity.principal import Principal
from shuan.identity.sessions import SessionInfo, resume
from shuan.identity.stages import SessionStage
from shuan.platform import Platform
from shuan.web.deps import client_address, get_platform

PREFIX = "/console"
COOKIE = "shuan_console"
LOGIN_COOKIE = "shuan_console_login"
LOGIN_NONCE_SECONDS = 3600
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class LoginRequired(Exception):  # noqa: N818 - a control-flow signal, not an error
    """No usable session: send the browser to the login page (`key` says why, when there is a reason)."""

    def __init__(self, key: str | None = None) -> None:
        super().__init__(key or "console.login_required")
        self.key = key


class StagePending(Exception):  # noqa: N818
    """A session that has not finished logging in (TOTP, password change, TOTP enrolment)."""

    def __init__(self, stage: SessionStage) -> None:
        super().__init__(stage.value)
        self.stage = stage


@dataclass(frozen=True)
class ConsoleUser:
    principal: Principal
    session_id: str = field(repr=False)


def secure_cookie(request: Request, platform: Platform) -> bool:
    """Secure always, except plain http to localhost when the operator allowed it (development)."""
    if not platform.settings.console_allow_http:
        return True
    return not (request.url.scheme == "http" and (request.url.hostname or "") in LOCAL_HOSTS)


def set_session_cookie(response: Response, request: Request, platform: Platform, session_id: str) -> None:
    response.set_cookie(COOKIE, session_id, path=PREFIX, httponly=True, samesite="strict",
                        secure=secure_cookie(request, platform),
                        max_age=platform.settings.session_absolute_hours * 3600)


def clear_session_cookie(response: Response, request: Request, platform: Platform) -> None:
    response.delete_cookie(COOKIE, path=PREFIX, httponly=True, samesite="strict",
                           secure=secure_cookie(request, platform))


def login_nonce(request: Request) -> tuple[str, bool]:
    """The pre-login nonce of this browser, and whether it is new (then the caller sets the cookie)."""
    nonce = request.cookies.get(LOGIN_COOKIE)
    if nonce and 20 <= len(nonce) <= 128:
        return nonce, False
    return secrets.token_urlsafe(32), True


def set_login_cookie(response: Response, request: Request, platform: Platform, nonce: str) -> None:
    response.set_cookie(LOGIN_COOKIE, nonce, path=PREFIX, httponly=True, samesite="strict",
                        secure=secure_cookie(request, platform), max_age=LOGIN_NONCE_SECONDS)


def session_cookie(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value or None


def resume_any(request: Request) -> tuple[str, SessionInfo]:
    """The session of this browser at whatever stage it is (LoginRequired when there is none)."""
    platform = get_platform(request)
    session_id = session_cookie(request)
    if session_id is None:
        raise LoginRequired()
    try:
        info = resume(platform, session_id=session_id, client=client_address(request))
    except AuthError as exc:
        raise LoginRequired(exc.key) from None
    return session_id, info


def active_user(request: Request) -> ConsoleUser:
    """The dependency of every console page after login: a session at stage ACTIVE."""
    session_id, info = resume_any(request)
    if info.stage is not SessionStage.ACTIVE:
        raise StagePending(info.stage)
    return ConsoleUser(info.principal, session_id)
