"""The console's routes under /console: each parses the request, calls one service and renders a template.

`ConsoleRoute` turns what a service raises into pages: no session → 303 to the login page; a session
short of a full login → 303 to the page of its next step (`STAGE_PAGES`); a refusal (`ShuanError`) → an
error page with the status the REST API would give (403 for a refused permission, already audited by
the service) and the one-line message. Every POST needs the session's CSRF token (`csrf.py`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shuan.audit.service import AuditQuery, parse_time, query, verify
from shuan.errors import AuthError, InvalidInput, ShuanError
from shuan.identity.roles import Permission
from shuan.identity.sessions import login, logout, verify_mfa
from shuan.identity.stages import SessionStage
from shuan.inventory.changes import unread_count
from shuan.inventory.samples import Revealed, reveal_column
from shuan.messages import msg
from shuan.web.console import browse
from shuan.web.console.csrf import FIELD, login_token, require_token, session_token
from shuan.web.console.localtime import when
from shuan.web.console.session import (
    PREFIX,
    ConsoleUser,
    LoginRequired,
    StagePending,
    active_user,
    clear_session_cookie,
    login_nonce,
    resume_any,
    session_cookie,
    set_login_cookie,
    set_session_cookie,
)
from shuan.web.deps import AuthAttempt, client_address, get_platform
from shuan.web.errors import status_of

log = logging.getLogger("shuan.web.console")

TEMPLATES = Path(__file__).resolve().parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)
_env.globals["t"] = msg
_env.filters["local"] = _env.globals["when"] = when  # every time on a page in China Standard Time


def render(request: Request, name: str, *, user: ConsoleUser | None = None, csrf: str = "", status: int = 200,
           **context: Any) -> HTMLResponse:
    if user is not None and not csrf:
        csrf = session_token(request, user.session_id)
    can_audit = user is not None and user.principal.can(Permission.AUDIT_READ)
    unread = unread_count(get_platform(request), actor=user.principal) if user is not None else 0
    html = _env.get_template(name).render(request=request, user=user, csrf=csrf, csrf_field=FIELD,
                                          can_audit=can_audit, unread=unread, **context)
    return HTMLResponse(html, status_code=status)


def _login_redirect(request: Request, key: str | None) -> Response:
    target = f"{PREFIX}/login" + (f"?{urlencode({'why': 'ended'})}" if key else "")
    response = RedirectResponse(target, status_code=303)
    if key is not None:
        clear_session_cookie(response, request, get_platform(request))
    return response


#: the page of each step of a login (`pages_account.py` has the password and enrolment pages)
STAGE_PAGES: dict[SessionStage, str] = {
    SessionStage.MFA: f"{PREFIX}/mfa",
    SessionStage.PASSWORD: f"{PREFIX}/account/password",
    SessionStage.ENROLL: f"{PREFIX}/account/totp",
    SessionStage.ACTIVE: f"{PREFIX}/",
}


def _stage_page(request: Request, stage: SessionStage) -> Response:
    return RedirectResponse(STAGE_PAGES[stage], status_code=303)


def is_error_page(exc: ShuanError, *, pages: tuple[int, ...] = (401, 403)) -> bool:
    """Whether a refusal of a form's POST is a page of its own (re-raised to `ConsoleRoute`) rather than a
    one-line message above the form: a failure always, and the statuses in `pages` (by default no session
    and a refused permission, which the service has audited once)."""
    status = status_of(exc)
    return status in pages or status >= 500


def error_page(request: Request, exc: ShuanError) -> Response:
    status = status_of(exc)
    if status == 401:
        return _login_redirect(request, exc.key)
    detail = exc.user_message
    if status >= 500:
        log.error("%s %s: %s", status, exc.key, detail)
        detail = msg("api.unavailable")
    return render(request, "error.html", status=status, message=detail)


class ConsoleRoute(APIRoute):
    """An APIRoute whose refusals are pages (and redirects), not problem+json."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except LoginRequired as exc:
                return _login_redirect(request, exc.key)
            except StagePending as exc:
                return _stage_page(request, exc.stage)
            except ShuanError as exc:
                return await run_in_threadpool(error_page, request, exc)
            except RequestValidationError as exc:
                first = exc.errors()[0] if exc.errors() else {}
                field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "form"
                return render(request, "error.html", status=400, message=msg("console.bad_form", field=field))

        return handler


router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

ActiveUser = Annotated[ConsoleUser, Depends(active_user)]


async def posted_by(request: Request) -> ConsoleUser:
    """A POST from a full session carrying its CSRF token."""
    user = await run_in_threadpool(active_user, request)
    await require_token(request, session_token(request, user.session_id), user.principal)
    return user


PostingUser = Annotated[ConsoleUser, Depends(posted_by)]


async def form_text(request: Request, name: str, limit: int = 1000) -> str:
    value = (await request.form()).get(name)
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidInput("console.bad_form", field=name)
    return value


def _int_or_none(value: str | None, name: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput("console.bad_form", field=name) from None


# -- login ------------------------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, why: str | None = None) -> Response:
    nonce, new = login_nonce(request)
    response = render(request, "login.html", csrf=login_token(request, nonce),
                      notice=msg("console.session_ended") if why == "ended" else None, error=None)
    if new:
        set_login_cookie(response, request, get_platform(request), nonce)
    return response


@router.post("/login")
async def login_submit(request: Request, _throttle: AuthAttempt) -> Response:
    nonce = request.cookies.get("shuan_console_login")
    await require_token(request, login_token(request, nonce) if nonce else None, None)
    username = await form_text(request, "username", 200)
    password = await form_text(request, "password", 1000)
    platform = get_platform(request)
    try:
        result = await run_in_threadpool(lambda: login(platform, username=username, password=password,
                                                       client=client_address(request)))
    except AuthError as exc:
        return render(request, "login.html", status=status_of(exc), csrf=login_token(request, nonce or ""),
                      notice=None, error=exc.user_message)
    response = RedirectResponse(STAGE_PAGES[result.stage], status_code=303)
    set_session_cookie(response, request, platform, result.session_id)
    return response


@router.get("/mfa")
def mfa_page(request: Request) -> Response:
    session_id, info = resume_any(request)
    if info.stage is not SessionStage.MFA:
        return RedirectResponse(STAGE_PAGES[info.stage], status_code=303)
    return render(request, "mfa.html", csrf=session_token(request, session_id), error=None)


@router.post("/mfa")
async def mfa_submit(request: Request, _throttle: AuthAttempt) -> Response:
    session_id, info = await run_in_threadpool(resume_any, request)
    await require_token(request, session_token(request, session_id), info.principal)
    code = await form_text(request, "code", 20)
    platform = get_platform(request)
    try:
        result = await run_in_threadpool(lambda: verify_mfa(platform, session_id=session_id, code=code.strip(),
                                                            client=client_address(request)))
    except AuthError as exc:
        if exc.key in ("identity.session_invalid", "identity.session_expired"):
            return _login_redirect(request, exc.key)
        return render(request, "mfa.html", status=status_of(exc), csrf=session_token(request, session_id),
                      error=exc.user_message)
    response = RedirectResponse(STAGE_PAGES[result.stage], status_code=303)  # an expired password next
    set_session_cookie(response, request, platform, result.session_id)
    return response


@router.post("/logout")
async def logout_submit(request: Request) -> Response:
    platform = get_platform(request)
    session_id = session_cookie(request)
    if session_id is None:
        raise LoginRequired()
    await require_token(request, session_token(request, session_id), None)
    await run_in_threadpool(lambda: logout(platform, session_id=session_id, client=client_address(request)))
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    clear_session_cookie(response, request, platform)
    return response


# -- pages ------------------------------------------------------------------------------------------------


@router.get("/")
def dashboard_page(request: Request, user: ActiveUser) -> Response:
    view = browse.dashboard(get_platform(request), actor=user.principal)
    return render(request, "dashboard.html", user=user, view=view)


@router.get("/inventory")
def inventory_page(request: Request, user: ActiveUser, q: str = "", level: str = "", department: str = "",
                   category: str = "", type: str = "", page: str = "1") -> Response:  # noqa: A002
    filters = browse.check_filter(q, _int_or_none(level, "level"), _int_or_none(department, "department"),
                                  category, type, _int_or_none(page, "page") or 1)
    view = browse.browse_inventory(get_platform(request), actor=user.principal, filters=filters)
    partial = request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == "results"
    return render(request, "_inventory_results.html" if partial else "inventory.html", user=user, view=view,
                  urlencode=urlencode)


@router.get("/tables/{table_id}")
def table_page(request: Request, user: ActiveUser, table_id: int) -> Response:
    view = browse.table_detail(get_platform(request), actor=user.principal, table_id=table_id)
    return render(request, "table.html", user=user, view=view, done=None, error=None, revealed=None)


@router.post("/tables/{table_id}/review")
async def table_review(request: Request, user: PostingUser, table_id: int) -> Response:
    platform = get_platform(request)
    column = await form_text(request, "column", 500)
    decision = await form_text(request, "decision", 20)
    level = _int_or_none(await form_text(request, "level", 10), "level")
    raw_types = await form_text(request, "types", 1000)
    types = [t.strip() for t in raw_types.split(",") if t.strip()] or None
    reason = await form_text(request, "reason", 1000)
    done: str | None = None
    error: str | None = None
    status = 200
    try:
        review = await run_in_threadpool(lambda: browse.review_table_column(
            platform, actor=user.principal, table_id=table_id, column=column, decision=decision, level=level,
            types=types, reason=reason))
        done = msg("console.review_done", table=review.table, column=review.column)
    except ShuanError as exc:
        if is_error_page(exc):
            raise  # a refused permission is the error page (the service has audited it once)
        status, error = status_of(exc), exc.user_message
    view = await run_in_threadpool(lambda: browse.table_detail(platform, actor=user.principal, table_id=table_id))
    return render(request, "table.html", user=user, view=view, done=done, error=error, revealed=None,
                  status=status)


@router.post("/tables/{table_id}/reveal")
async def table_reveal(request: Request, user: PostingUser, table_id: int) -> Response:
    """Show one column's raw sample values (audited with the reason given); never cached."""
    platform = get_platform(request)
    column = await form_text(request, "column", 500)
    reason = await form_text(request, "reason", 500)
    revealed: Revealed | None = None
    error: str | None = None
    status = 200
    try:
        revealed = await run_in_threadpool(lambda: reveal_column(platform, actor=user.principal, table_id=table_id,
                                                                 column=column, reason=reason))
    except ShuanError as exc:
        if is_error_page(exc):
            raise  # the error page (the service has audited the refusal once)
        status, error = status_of(exc), exc.user_message
    view = await run_in_threadpool(lambda: browse.table_detail(platform, actor=user.principal, table_id=table_id))
    response = render(request, "table.html", user=user, view=view, done=None, error=error, revealed=revealed,
                      status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/audit")
def audit_page(request: Request, user: ActiveUser, actor: str = "", action: str = "", outcome: str = "",
               resource: str = "", since: str = "", page: str = "1") -> Response:
    number = max(1, _int_or_none(page, "page") or 1)
    q = AuditQuery(actor=actor.strip()[:200] or None, action=action.strip()[:200] or None,
                   outcome=outcome.strip()[:20] or None, resource=resource.strip()[:500] or None,
                   since=parse_time(since) if since.strip() else None, limit=100, offset=(number - 1) * 100)
    events = query(get_platform(request), user.principal, q)
    filters = {"actor": actor, "action": action, "outcome": outcome, "resource": resource, "since": since}
    return render(request, "audit.html", user=user, events=events, filters=filters, page=number,
                  details_text=browse.details_text, result=None, urlencode=urlencode)


@router.post("/audit/verify")
def audit_verify(request: Request, user: PostingUser) -> Response:
    report = verify(get_platform(request), user.principal)
    problem = report.first_problem
    text = (msg("console.audit_ok", events=report.events, checkpoints=report.checkpoints) if report.ok
            else msg("console.audit_broken", seq=problem.seq if problem else "?", kind=problem.kind if problem else "?"))
    return render(request, "audit.html", user=user, events=[], filters={}, page=1,
                  details_text=browse.details_text, result={"ok": report.ok, "text": text}, urlencode=urlencode)


# the pages of registered sources, exports and notifications (they use the helpers above)
router.include_router(importlib.import_module("shuan.web.console.pages_sources").router)
# the pages of administrators: accounts, dual-control requests, grants
router.include_router(importlib.import_module("shuan.web.console.pages_admin").router)
# the own account: changing the password and enrolling TOTP (the steps of a first login), the account page
router.include_router(importlib.import_module("shuan.web.console.pages_account").router)
# masking, extracts and leak tracing, the release check (issue 5)
router.include_router(importlib.import_module("shuan.web.console.pages_protect").router)
router.include_router(importlib.import_module("shuan.web.console.pages_services").router)
# the sharing catalogue (issue 5)
router.include_router(importlib.import_module("shuan.web.console.pages_catalog").router)
# share requests and their review (issue 5)
router.include_router(importlib.import_module("shuan.web.console.pages_share").router)
