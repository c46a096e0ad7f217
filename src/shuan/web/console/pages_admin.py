"""Console pages for administrators: accounts (系统管理员), the dual-control requests of changes to 三员
accounts (the second 三员 approves or refuses them), and grants (安全管理员 anywhere, a department's
data security officer on the department's resources).

Each route parses the form, makes one service call (or a read model of `adminkit`) and renders; a
refused permission is the error page (403, audited once by the service or by `adminkit.require`).
A change to a 三员 account is not made by the call: the service returns a pending request, and the
page names it and says that a second 三员 administrator must approve it under /console/requests.
One-time secrets (a new account, a reset, an approved request that made one) are shown once, on a
page that is never cached, and are not kept anywhere by the console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from shuan.access.service import create_grant, revoke_grant
from shuan.errors import InvalidInput, ShuanError
from shuan.identity.account import reset_password
from shuan.identity.admin_requests import approve_admin_request, refuse_admin_request
from shuan.identity.common import user_resource
from shuan.identity.directory import (
    CreatedUser,
    assign_role,
    create_user,
    disable_user,
    enable_user,
    remove_role,
)
from shuan.identity.dual_control import PendingRequest
from shuan.identity.totp import reset_totp
from shuan.messages import msg
from shuan.web.console import adminkit
from shuan.web.console.routes import (
    ActiveUser,
    ConsoleRoute,
    PostingUser,
    _env,
    _int_or_none,
    form_text,
    is_error_page,
    render,
)
from shuan.web.console.session import PREFIX, ConsoleUser
from shuan.web.deps import get_platform
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py

# the navigation of base.html shows the administration pages a user may open
_env.globals["admin_links"] = adminkit.admin_links


async def form_list(request: Request, name: str, *, limit: int = 20, size: int = 100) -> list[str]:
    """The values of a repeated form field (checkboxes)."""
    values = (await request.form()).getlist(name)
    if len(values) > limit or any(not isinstance(v, str) or len(v) > size for v in values):
        raise InvalidInput("console.bad_form", field=name)
    return [v for v in values if isinstance(v, str)]


def _secret_page(request: Request, user: ConsoleUser, *, target: str, secret: str, kind: str,
                 request_id: int | None = None) -> Response:
    response = render(request, "user_secret.html", user=user, target=target, secret=secret, kind=kind,
                      request_id=request_id, hours=adminkit.secret_hours())
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# -- accounts -------------------------------------------------------------------------------------------


@router.get("/users")
def users_page(request: Request, user: ActiveUser, q: str = "", department: str = "", page: str = "1") -> Response:
    filters = adminkit.check_user_filter(q, _int_or_none(department, "department"), _int_or_none(page, "page"))
    view = adminkit.user_list(get_platform(request), actor=user.principal, filters=filters)
    return render(request, "users.html", user=user, view=view, urlencode=urlencode)


@router.get("/users/new")
def user_new_page(request: Request, user: ActiveUser) -> Response:
    form = adminkit.user_form(get_platform(request), actor=user.principal)
    return render(request, "user_new.html", user=user, form=form, error=None, notice=None)


@router.post("/users")
async def user_create(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    username = (await form_text(request, "username", 64)).strip()
    display_name = await form_text(request, "display_name", 200)
    department = _int_or_none(await form_text(request, "department", 20), "department")
    roles = await form_list(request, "roles")
    vendor_name = (await form_text(request, "vendor_name", 200)).strip()
    vendor_text = await form_text(request, "vendor_until", 20)
    typed: dict[str, Any] = {"username": username, "display_name": display_name, "department": department,
                             "chosen": roles, "vendor_name": vendor_name, "vendor_until": vendor_text}
    try:
        vendor_until = adminkit.parse_day(vendor_text, "vendor_until", end=True)
        created = await run_in_threadpool(lambda: create_user(
            platform, actor=user.principal, username=username, display_name=display_name,
            department_id=department or 0, roles=roles, vendor_name=vendor_name or None, vendor_until=vendor_until))
    except ShuanError as exc:
        if is_error_page(exc):
            raise  # a refused permission: the error page (audited once by the service)
        form = await run_in_threadpool(lambda: adminkit.user_form(platform, actor=user.principal, **typed))
        return render(request, "user_new.html", user=user, form=form, error=exc.user_message, notice=None,
                      status=status_of(exc))
    if isinstance(created, PendingRequest):
        form = await run_in_threadpool(lambda: adminkit.user_form(platform, actor=user.principal))
        return render(request, "user_new.html", user=user, form=form, error=None, status=202,
                      notice=adminkit.pending_notice(created))
    assert isinstance(created, CreatedUser)
    return _secret_page(request, user, target=created.user.username, secret=created.one_time_secret, kind="created")


@router.get("/users/{username}")
def user_detail(request: Request, user: ActiveUser, username: str) -> Response:
    view = adminkit.user_page(get_platform(request), actor=user.principal, username=username)
    return render(request, "user.html", user=user, view=view, notice=None, error=None)


async def _user_action(request: Request, user: ConsoleUser, username: str, call: Callable[[], object],
                       done: str) -> Response:
    """Make one change to an account and show the account again, with what happened: done, a pending
    request for a second person, or the one-line refusal (a refused permission is the error page)."""
    platform = get_platform(request)
    notice: str | None = None
    error: str | None = None
    status = 200
    try:
        result = await run_in_threadpool(call)
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)):  # an unknown object too
            raise
        error, status = exc.user_message, status_of(exc)
    else:
        if isinstance(result, PendingRequest):
            notice, status = adminkit.pending_notice(result), 202
        elif isinstance(result, str):  # a reset's new one-time secret
            return _secret_page(request, user, target=username, secret=result, kind="reset")
        else:
            notice = msg(done, username=username)
    view = await run_in_threadpool(lambda: adminkit.user_page(platform, actor=user.principal, username=username))
    return render(request, "user.html", user=user, view=view, notice=notice, error=error, status=status)


@router.post("/users/{username}/disable")
async def user_disable(request: Request, user: PostingUser, username: str) -> Response:
    platform = get_platform(request)
    return await _user_action(request, user, username,
                              lambda: disable_user(platform, actor=user.principal, username=username),
                              "console.admin_disabled")


@router.post("/users/{username}/enable")
async def user_enable(request: Request, user: PostingUser, username: str) -> Response:
    platform = get_platform(request)
    return await _user_action(request, user, username,
                              lambda: enable_user(platform, actor=user.principal, username=username),
                              "console.admin_enabled")


@router.post("/users/{username}/reset-password")
async def user_reset_password(request: Request, user: PostingUser, username: str) -> Response:
    platform = get_platform(request)
    return await _user_action(request, user, username,
                              lambda: reset_password(platform, actor=user.principal, username=username),
                              "console.admin_password_reset")


@router.post("/users/{username}/reset-totp")
async def user_reset_totp(request: Request, user: PostingUser, username: str) -> Response:
    platform = get_platform(request)
    return await _user_action(request, user, username,
                              lambda: reset_totp(platform, actor=user.principal, username=username),
                              "console.admin_totp_reset")


@router.post("/users/{username}/roles")
async def user_roles(request: Request, user: PostingUser, username: str) -> Response:
    platform = get_platform(request)
    op = (await form_text(request, "op", 10)).strip() or "assign"
    role = (await form_text(request, "role", 40)).strip()
    vendor_text = await form_text(request, "vendor_until", 20)
    if op not in ("assign", "remove"):
        await run_in_threadpool(adminkit.require, platform, user.principal, adminkit.USERS, "user.role_assign",
                                user_resource(username))
        raise InvalidInput("console.bad_form", field="op")

    def call() -> object:
        if op == "remove":
            return remove_role(platform, actor=user.principal, username=username, role=role)
        until = adminkit.parse_day(vendor_text, "vendor_until", end=True)
        return assign_role(platform, actor=user.principal, username=username, role=role, vendor_until=until)

    done = "console.admin_role_removed" if op == "remove" else "console.admin_role_assigned"
    return await _user_action(request, user, username, call, done)


# -- dual-control requests -------------------------------------------------------------------------------


def _requests(request: Request, user: ConsoleUser, *, status_filter: str = "", notice: str | None = None,
              error: str | None = None, status: int = 200) -> Response:
    view = adminkit.request_list(get_platform(request), actor=user.principal,
                                 status=adminkit.request_status(status_filter))
    return render(request, "requests.html", user=user, view=view, notice=notice, error=error, status=status)


@router.get("/requests")
def requests_page(request: Request, user: ActiveUser, status: str = "") -> Response:
    return _requests(request, user, status_filter=status[:20])


@router.post("/requests/{request_id}/approve")
def request_approve(request: Request, user: PostingUser, request_id: int) -> Response:
    try:
        result = approve_admin_request(get_platform(request), actor=user.principal, request_id=request_id)
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)):  # an unknown object too
            raise
        return _requests(request, user, error=exc.user_message, status=status_of(exc))
    if result.one_time_secret is not None:
        return _secret_page(request, user, target=result.request.target, secret=result.one_time_secret,
                            kind="approved", request_id=result.request.id)
    return _requests(request, user, notice=msg("console.admin_request_approved_done", request_id=result.request.id,
                                               kind=adminkit.kind_label(result.request.kind),
                                               target=result.request.target))


@router.post("/requests/{request_id}/refuse")
async def request_refuse(request: Request, user: PostingUser, request_id: int) -> Response:
    reason = await form_text(request, "reason", 200)
    platform = get_platform(request)
    try:
        info = await run_in_threadpool(lambda: refuse_admin_request(platform, actor=user.principal,
                                                                    request_id=request_id, reason=reason))
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)):  # an unknown object too
            raise
        error, status = exc.user_message, status_of(exc)
        return await run_in_threadpool(lambda: _requests(request, user, error=error, status=status))
    return await run_in_threadpool(lambda: _requests(request, user, notice=msg(
        "console.admin_request_refused_done", request_id=info.id)))


# -- grants ----------------------------------------------------------------------------------------------


@router.get("/grants")
def grants_page(request: Request, user: ActiveUser, q: str = "", state: str = "", page: str = "1",
                created: str = "", revoked: str = "") -> Response:
    filters = adminkit.check_grant_filter(q, state, _int_or_none(page, "page"))
    view = adminkit.grant_list(get_platform(request), actor=user.principal, filters=filters)
    notice = None
    if created.isdigit():
        notice = msg("console.admin_grant_created", grant=int(created))
    elif revoked.isdigit():
        notice = msg("console.admin_grant_revoked_done", grant=int(revoked))
    return render(request, "grants.html", user=user, view=view, notice=notice, error=None, urlencode=urlencode)


@router.get("/grants/new")
def grant_new_page(request: Request, user: ActiveUser) -> Response:
    form = adminkit.grant_form(get_platform(request), actor=user.principal)
    return render(request, "grant_new.html", user=user, form=form, error=None)


@router.post("/grants")
async def grant_create(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    # no manager, no lookup: the subject is looked up only for someone who may grant
    await run_in_threadpool(adminkit.require, platform, user.principal, adminkit.GRANTS, "grant.create", "grant:new")
    typed = adminkit.GrantTyped(
        subject_kind=(await form_text(request, "subject_kind", 20)).strip() or "user",
        subject_user=(await form_text(request, "subject_user", 64)).strip(),
        subject_department=_int_or_none(await form_text(request, "subject_department", 20), "subject_department"),
        include_subdepartments=(await form_text(request, "include_subdepartments", 5)) == "1",
        resource=(await form_text(request, "resource", 600)).strip(),
        actions=frozenset(await form_list(request, "actions")),
        purpose=await form_text(request, "purpose", 600),
        scenario=(await form_text(request, "scenario", 20)).strip() or "business",
        valid_from=(await form_text(request, "valid_from", 20)).strip(),
        valid_until=(await form_text(request, "valid_until", 20)).strip(),
        masking_profile=(await form_text(request, "masking_profile", 80)).strip(),
        row_filter=await form_text(request, "row_filter", 20000),
        await_authority=(await form_text(request, "await_authority", 5)) == "1",
    )

    def create() -> int:
        subject = adminkit.grant_subject_of(platform, typed)
        start = adminkit.grant_start(typed.valid_from)
        until = adminkit.parse_day(typed.valid_until, "valid_until", end=True)
        if until is None:
            raise InvalidInput("console.admin_valid_until_required")
        view = create_grant(platform, user.principal, subject=subject, resource=typed.resource,
                            actions=sorted(typed.actions), purpose=typed.purpose, valid_until=until,
                            scenario=typed.scenario, valid_from=start,
                            row_filter=adminkit.parse_row_filter(typed.row_filter),
                            masking_profile=typed.masking_profile or None, await_authority=typed.await_authority)
        return view.id

    try:
        grant_id = await run_in_threadpool(create)
    except ShuanError as exc:
        if is_error_page(exc, pages=(401,)):
            raise
        status = status_of(exc)
        # a guardrail or another department's resource (403, audited by the service), an unknown resource or
        # grantee (404), a bad field (400): the one-line message above the form as it was typed
        form = await run_in_threadpool(lambda: adminkit.grant_form(platform, actor=user.principal, typed=typed))
        return render(request, "grant_new.html", user=user, form=form, error=exc.user_message, status=status)
    return RedirectResponse(f"{PREFIX}/grants?{urlencode({'created': grant_id})}", status_code=303)


@router.post("/grants/{grant_id}/revoke")
async def grant_revoke(request: Request, user: PostingUser, grant_id: int) -> Response:
    platform = get_platform(request)
    reason = (await form_text(request, "reason", 600)).strip()
    try:
        await run_in_threadpool(lambda: revoke_grant(platform, user.principal, grant_id, reason=reason or None))
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)):  # an unknown object too
            raise
        filters = adminkit.check_grant_filter("", "", 1)
        view = await run_in_threadpool(lambda: adminkit.grant_list(platform, actor=user.principal, filters=filters))
        return render(request, "grants.html", user=user, view=view, notice=None, error=exc.user_message,
                      status=status_of(exc), urlencode=urlencode)
    return RedirectResponse(f"{PREFIX}/grants?{urlencode({'revoked': grant_id})}", status_code=303)
