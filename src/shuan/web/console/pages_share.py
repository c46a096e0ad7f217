"""Console pages of share requests (共享申请): the own department's requests and those awaiting the user,
a request form for a catalogue entry, and a request's page with its signed decisions and the buttons of
the decisions the user may take (the service decides again when one is pressed).

Every time is shown in China Standard Time; a deadline that has passed is highlighted. Decisions need the
decider's own password (it opens their signing key); it is sent with the form and never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from shuan.access.rules import SCENARIOS
from shuan.errors import InvalidInput, NotFound, ShuanError
from shuan.identity.principal import Principal
from shuan.messages import language, msg
from shuan.platform import Platform
from shuan.sharing.requests import (
    RequestView,
    authority_check,
    awaits,
    get_request,
    list_requests,
    provider_review,
    renew,
    revoke,
    submit,
    withdraw,
)
from shuan.web.console import adminkit
from shuan.web.console.routes import (
    ActiveUser,
    ConsoleRoute,
    PostingUser,
    _int_or_none,
    form_text,
    is_error_page,
    render,
)
from shuan.web.console.session import PREFIX, ConsoleUser
from shuan.web.deps import get_platform
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py


def _scenarios() -> list[tuple[str, str]]:
    lang = 1 if language() == "en" else 0
    return [(s, labels[lang]) for s, labels in SCENARIOS.items()]


def scenario_label(value: str) -> str:
    return dict(_scenarios()).get(value, value)


def status_label(value: str) -> str:
    return msg(f"share.status_{value}")


@dataclass(frozen=True)
class ShareList:
    mine: list[RequestView]
    awaiting: list[RequestView]
    departments: dict[int, str]


def share_list(platform: Platform, actor: Principal) -> ShareList:
    return ShareList(
        list_requests(platform, actor, scope="mine"),
        list_requests(platform, actor, scope="awaiting"),
        adminkit.department_names(platform),
    )


@dataclass(frozen=True)
class ShareForm:
    entry: Any | None  # shuan.sharing.catalog.EntryView
    scenarios: list[tuple[str, str]]
    typed: dict[str, Any]


def share_form(
    platform: Platform,
    actor: Principal,
    entry_id: int | None,
    typed: dict[str, Any] | None = None,
) -> ShareForm:
    entry = None
    if entry_id is not None:
        from shuan.sharing.catalog import get_entry

        entry = get_entry(platform, actor, entry_id)
    return ShareForm(entry, _scenarios(), typed or {})


def _render_detail(
    request: Request,
    user: ConsoleUser,
    request_id: int,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    platform = get_platform(request)
    view = get_request(platform, user.principal, request_id)
    own = user.principal.department_id == view.requester_department_id
    response = render(
        request,
        "share_detail.html",
        user=user,
        view=view,
        may=awaits(user.principal, view),
        own=own,
        departments=adminkit.department_names(platform),
        scenario_label=scenario_label,
        status_label=status_label,
        notice=notice,
        error=error,
        status=status,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/share")
def share_page(request: Request, user: ActiveUser, submitted: str = "") -> Response:
    view = share_list(get_platform(request), user.principal)
    shown = submitted.isascii() and submitted.isdigit() and len(submitted) <= 12
    notice = msg("console.share_submitted", request=int(submitted)) if shown else None
    return render(
        request,
        "share_list.html",
        user=user,
        view=view,
        scenario_label=scenario_label,
        status_label=status_label,
        notice=notice,
    )


@router.get("/share/new")
def share_new_page(request: Request, user: ActiveUser, entry: str = "") -> Response:
    form = share_form(get_platform(request), user.principal, _int_or_none(entry[:20], "entry"))
    return render(request, "share_new.html", user=user, form=form, error=None)


@router.post("/share")
async def share_submit(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    entry_id = _int_or_none(await form_text(request, "entry", 20), "entry")
    columns = [c for c in (await request.form()).getlist("columns") if isinstance(c, str)][:500]
    typed = {
        "purpose": await form_text(request, "purpose", 2000),
        "scenario": (await form_text(request, "scenario", 20)).strip(),
        "valid_from": (await form_text(request, "valid_from", 20)).strip(),
        "valid_until": (await form_text(request, "valid_until", 20)).strip(),
        "legal_basis": await form_text(request, "legal_basis", 2000),
        "columns": columns,
    }

    def call() -> int:
        if entry_id is None:
            raise NotFound("share.entry_unknown", entry="—")
        until = adminkit.parse_day(str(typed["valid_until"]), "valid_until", end=True)
        if until is None:
            raise InvalidInput("console.admin_valid_until_required")
        view = submit(
            platform,
            user.principal,
            entry_id=entry_id,
            purpose=str(typed["purpose"]),
            scenario=str(typed["scenario"]),
            columns=columns,
            valid_until=until,
            valid_from=adminkit.grant_start(str(typed["valid_from"])),
            legal_basis=str(typed["legal_basis"]),
        )
        return view.id

    try:
        rid = await run_in_threadpool(call)
    except ShuanError as exc:
        if is_error_page(exc, pages=(401,)):
            raise
        status, error = status_of(exc), exc.user_message

        def again() -> ShareForm:
            try:
                return share_form(platform, user.principal, entry_id, typed)
            except ShuanError:
                return share_form(platform, user.principal, None, typed)

        form = await run_in_threadpool(again)
        return render(request, "share_new.html", user=user, form=form, error=error, status=status)
    return RedirectResponse(f"{PREFIX}/share/{rid}", status_code=303)


@router.get("/share/{request_id}")
def share_detail(request: Request, user: ActiveUser, request_id: int) -> Response:
    return _render_detail(request, user, request_id)


async def _decide(request: Request, user: ConsoleUser, request_id: int, call: Any) -> Response:
    """Take one decision and show the request again with what happened; a refused permission or an unknown
    request is the error page (audited once by the service)."""
    try:
        view = await run_in_threadpool(call)
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)):
            raise
        error, status = exc.user_message, status_of(exc)
        return await run_in_threadpool(
            lambda: _render_detail(request, user, request_id, error=error, status=status)
        )
    if view.id != request_id:  # a renewal is a new request
        return RedirectResponse(f"{PREFIX}/share/{view.id}", status_code=303)
    notice = msg("console.share_done", request=view.id, status=status_label(view.status))
    return await run_in_threadpool(lambda: _render_detail(request, user, request_id, notice=notice))


@router.post("/share/{request_id}/authority-check")
async def share_authority_check(request: Request, user: PostingUser, request_id: int) -> Response:
    platform = get_platform(request)
    outcome = (await form_text(request, "outcome", 20)).strip()
    reasons = await form_text(request, "reasons", 600)
    password = await form_text(request, "signing_password", 1024)
    return await _decide(
        request,
        user,
        request_id,
        lambda: authority_check(
            platform,
            user.principal,
            request_id,
            outcome=outcome,
            reasons=reasons or None,
            signing_password=password,
        ),
    )


@router.post("/share/{request_id}/review")
async def share_review(request: Request, user: PostingUser, request_id: int) -> Response:
    platform = get_platform(request)
    outcome = (await form_text(request, "outcome", 20)).strip()
    reasons = await form_text(request, "reasons", 600)
    masking = (await form_text(request, "masking_profile", 80)).strip()
    row_filter = await form_text(request, "row_filter", 20000)
    expiry = (await form_text(request, "expires_at", 20)).strip()
    password = await form_text(request, "signing_password", 1024)

    def call() -> RequestView:
        # what cannot be parsed goes to the service as typed: it checks the role first and then names the field,
        # so a user without the role is refused (and audited) whatever the form holds
        expires: Any = None
        conditions: Any = None
        if outcome == "approve":
            try:
                expires = adminkit.parse_day(expiry, "expires_at", end=True) if expiry else None
            except InvalidInput:
                expires = expiry
            try:
                conditions = adminkit.parse_row_filter(row_filter)
            except InvalidInput:
                conditions = row_filter
        return provider_review(
            platform,
            user.principal,
            request_id,
            outcome=outcome,
            reasons=reasons or None,
            masking_profile=masking or None,
            row_filter=conditions,
            expires_at=expires,
            signing_password=password,
        )

    return await _decide(request, user, request_id, call)


@router.post("/share/{request_id}/revoke")
async def share_revoke(request: Request, user: PostingUser, request_id: int) -> Response:
    platform = get_platform(request)
    reasons = await form_text(request, "reasons", 600)
    password = await form_text(request, "signing_password", 1024)
    return await _decide(
        request,
        user,
        request_id,
        lambda: revoke(platform, user.principal, request_id, reasons=reasons, signing_password=password),
    )


@router.post("/share/{request_id}/withdraw")
async def share_withdraw(request: Request, user: PostingUser, request_id: int) -> Response:
    platform = get_platform(request)
    reason = await form_text(request, "reason", 600)
    return await _decide(
        request,
        user,
        request_id,
        lambda: withdraw(platform, user.principal, request_id, reason=reason or None),
    )


@router.post("/share/{request_id}/renew")
async def share_renew(request: Request, user: PostingUser, request_id: int) -> Response:
    platform = get_platform(request)
    until_text = (await form_text(request, "valid_until", 20)).strip()

    def call() -> RequestView:
        until = adminkit.parse_day(until_text, "valid_until", end=True) if until_text else None
        return renew(platform, user.principal, request_id, valid_until=until)

    return await _decide(request, user, request_id, call)


__all__ = ["router", "urlencode"]
