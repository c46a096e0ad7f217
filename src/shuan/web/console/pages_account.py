"""Console pages of the own account: the steps that finish a first login (change the one-time password,
enrol an authenticator) and the account page of a full session.

A session at stage PASSWORD reaches the password page only, one at ENROLL the TOTP page only (`ConsoleRoute`
sends any other request of theirs here, and `_stage_page` sends a session at the wrong step to its step); a
full session reaches all three. The services check the stage again (`identity.stages.actor_session`), so
these dependencies decide the page, not the permission. Every POST needs the session's CSRF token.

The TOTP secret is shown once, as grouped base32 and a QR code drawn here as inline SVG (segno; no script,
no style attribute, so the console's CSP holds). Each GET of the TOTP page begins a new pending secret; a
POST confirms whichever secret is pending. Neither the secret nor a password is logged or echoed back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import segno
from fastapi import APIRouter, Depends, Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from shuan.errors import ShuanError
from shuan.identity.account import change_password
from shuan.identity.directory import get_department, get_user
from shuan.identity.roles import role_label
from shuan.identity.stages import SessionStage
from shuan.identity.totp import begin_totp_enrollment, confirm_totp_enrollment
from shuan.messages import language, msg
from shuan.web.console.csrf import require_token, session_token
from shuan.web.console.routes import STAGE_PAGES, ActiveUser, ConsoleRoute, form_text, is_error_page, render
from shuan.web.console.session import PREFIX, ConsoleUser, LoginRequired, StagePending, resume_any
from shuan.web.deps import get_platform
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py

#: the stages at which a session may use each page
PASSWORD_STAGES = (SessionStage.PASSWORD, SessionStage.ACTIVE)
ENROLL_STAGES = (SessionStage.ENROLL, SessionStage.ACTIVE)
#: refusals that mean the session itself is gone: back to the login page
SESSION_GONE = ("identity.session_invalid", "identity.session_expired")
NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True)
class AccountSession:
    """A session at one of the stages a page allows (`full` when it is a complete login)."""

    user: ConsoleUser
    stage: SessionStage
    csrf: str

    @property
    def full(self) -> bool:
        return self.stage is SessionStage.ACTIVE

    @property
    def page_user(self) -> ConsoleUser | None:
        """The user the layout shows (navigation and all) — none for a session still logging in."""
        return self.user if self.full else None


def resume_at(request: Request, allowed: tuple[SessionStage, ...]) -> AccountSession:
    """The browser's session when it is at one of `allowed`; another stage is sent to its own step."""
    session_id, info = resume_any(request)
    if info.stage not in allowed:
        raise StagePending(info.stage)
    user = ConsoleUser(info.principal, session_id)
    return AccountSession(user, info.stage, session_token(request, session_id))


async def posted_at(request: Request, allowed: tuple[SessionStage, ...]) -> AccountSession:
    """A POST from a session at one of `allowed`, carrying its CSRF token (refused with 403 otherwise)."""
    account = await run_in_threadpool(resume_at, request, allowed)
    await require_token(request, account.csrf, account.user.principal)
    return account


def password_session(request: Request) -> AccountSession:
    return resume_at(request, PASSWORD_STAGES)


def enroll_session(request: Request) -> AccountSession:
    return resume_at(request, ENROLL_STAGES)


async def password_post(request: Request) -> AccountSession:
    return await posted_at(request, PASSWORD_STAGES)


async def enroll_post(request: Request) -> AccountSession:
    return await posted_at(request, ENROLL_STAGES)


#: the dependencies of the pages: the session at the step a page is for (or a full one)
PasswordSession = Annotated[AccountSession, Depends(password_session)]
EnrollSession = Annotated[AccountSession, Depends(enroll_session)]
PasswordPost = Annotated[AccountSession, Depends(password_post)]
EnrollPost = Annotated[AccountSession, Depends(enroll_post)]


def _refused_form(exc: ShuanError) -> int:
    """The status to re-render a form with, or re-raise when the refusal is a page of its own."""
    if exc.key in SESSION_GONE:
        raise LoginRequired(exc.key) from exc
    if is_error_page(exc, pages=(403,)):  # a wrong current password (401) stays on the form
        raise exc  # the error page (a refused permission has been audited once by the service)
    return status_of(exc)


# -- the account page -------------------------------------------------------------------------------------


@router.get("/account")
def account_page(request: Request, user: ActiveUser, changed: str = "") -> Response:
    platform = get_platform(request)
    info = get_user(platform, actor=user.principal, username=user.principal.username)
    department = get_department(platform, department_id=info.department_id)
    lang = language()
    roles = ("、" if lang == "zh" else ", ").join(role_label(r, lang) for r in info.roles)
    notice = msg("console.account_password_changed") if changed == "password" else None
    return render(request, "account.html", user=user, info=info, department=department.name, roles=roles,
                  notice=notice)


# -- the password -----------------------------------------------------------------------------------------


def _password_form(request: Request, account: AccountSession, *, error: str | None = None,
                   status: int = 200) -> Response:
    settings = get_platform(request).settings
    hint = msg("console.account_password_hint", min=settings.password_min_length,
               history=settings.password_history)
    return render(request, "account_password.html", user=account.page_user, csrf=account.csrf,
                  first=not account.full, who=account.user.principal.username, hint=hint, error=error,
                  status=status)


@router.get("/account/password")
def password_page(request: Request, account: PasswordSession) -> Response:
    return _password_form(request, account)


@router.post("/account/password")
async def password_submit(request: Request, account: PasswordPost) -> Response:
    current = await form_text(request, "current_password", 1000)
    new = await form_text(request, "new_password", 1000)
    repeat = await form_text(request, "repeat_password", 1000)
    if new != repeat:
        return await run_in_threadpool(lambda: _password_form(
            request, account, error=msg("console.account_password_mismatch"), status=400))
    platform = get_platform(request)
    try:
        stage = await run_in_threadpool(lambda: change_password(
            platform, actor=account.user.principal, current_password=current, new_password=new))
    except ShuanError as exc:
        status, error = _refused_form(exc), exc.user_message
        return await run_in_threadpool(lambda: _password_form(request, account, error=error, status=status))
    if account.full and stage is SessionStage.ACTIVE:
        return RedirectResponse(f"{PREFIX}/account?changed=password", status_code=303)
    return RedirectResponse(STAGE_PAGES[stage], status_code=303)


# -- the authenticator ------------------------------------------------------------------------------------


def grouped(secret: str, size: int = 4) -> str:
    """A base32 secret in groups of four, as people copy it."""
    return " ".join(secret[i:i + size] for i in range(0, len(secret), size))


def qr_svg(uri: str, title: str) -> Markup:
    """The otpauth:// URI as an inline SVG QR code: paths only (no script, no style), dark on white."""
    code = segno.make(uri, error="m", micro=False)
    svg = code.svg_inline(scale=5, dark="#000", light="#fff", title=title, svgclass="qr", lineclass=None)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 - segno escapes the title


def _totp_form(request: Request, account: AccountSession, *, secret: str | None, qr: Markup | None,
               error: str | None = None, status: int = 200) -> Response:
    response = render(request, "account_totp.html", user=account.page_user, csrf=account.csrf,
                      first=not account.full, who=account.user.principal.username, secret=secret, qr=qr,
                      error=error, status=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/account/totp")
def totp_page(request: Request, account: EnrollSession) -> Response:
    enrollment = begin_totp_enrollment(get_platform(request), actor=account.user.principal)
    qr = qr_svg(enrollment.uri, msg("console.account_totp_qr"))
    return _totp_form(request, account, secret=grouped(enrollment.secret), qr=qr)


@router.post("/account/totp")
async def totp_submit(request: Request, account: EnrollPost) -> Response:
    code = (await form_text(request, "code", 20)).strip()
    platform = get_platform(request)
    try:
        stage = await run_in_threadpool(lambda: confirm_totp_enrollment(
            platform, actor=account.user.principal, code=code))
    except ShuanError as exc:
        status, error = _refused_form(exc), exc.user_message
        return await run_in_threadpool(lambda: _totp_form(request, account, secret=None, qr=None, error=error,
                                                          status=status))
    return RedirectResponse(STAGE_PAGES[stage or SessionStage.ACTIVE], status_code=303)
