"""Console pages of the data services (shuan.gateway): the list, a service's page with its parameters,
a try-it form for consumers (a real, audited call under the user's own grants) and, for its owners,
the security administrator and auditors, the latest calls. Refusals become pages through `ConsoleRoute`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from shuan.errors import ShuanError
from shuan.gateway.service import (
    CallResult,
    ServiceView,
    call_service,
    get_service,
    list_services,
    recent_calls,
)
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.platform import Platform
from shuan.web.console.routes import ActiveUser, ConsoleRoute, PostingUser, is_error_page, render
from shuan.web.deps import get_platform
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py

MAX_FORM_VALUE = 1000


def _sees_calls(actor: Principal, view: ServiceView) -> bool:
    if actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ):
        return True
    return actor.can(Permission.GRANT_MANAGE_DEPT) and actor.department_id == view.department_id


def _page(platform: Platform, actor: Principal, name: str) -> dict[str, Any]:
    view = get_service(platform, actor, name)
    calls = recent_calls(platform, actor, name, limit=20) if _sees_calls(actor, view) else []
    return {"service": view, "calls": calls}


@router.get("/services")
def services_page(request: Request, user: ActiveUser) -> Response:
    platform = get_platform(request)
    services = list_services(platform, user.principal, include_retired=True)
    return render(request, "service_list.html", user=user, services=services)


@router.get("/services/{service}")
def service_page(request: Request, user: ActiveUser, service: str) -> Response:
    page = _page(get_platform(request), user.principal, service[:64])
    return render(request, "service_detail.html", user=user, result=None, error=None, sent={}, **page)


@router.post("/services/{service}/call")
async def service_call(request: Request, user: PostingUser, service: str) -> Response:
    platform = get_platform(request)
    name = service[:64]
    form = await request.form()
    params: dict[str, list[object]] = {}
    sent: dict[str, str] = {}
    limit: str | None = None
    for key, value in form.multi_items():
        if key == "csrf_token" or not isinstance(value, str):
            continue
        if key == "_limit":
            limit = value.strip() or None
            continue
        if not key.startswith("p_") or value == "":
            continue
        params.setdefault(key[2:], []).append(value[:MAX_FORM_VALUE])
        sent[key[2:]] = value[:MAX_FORM_VALUE]
    result: CallResult | None = None
    error: str | None = None
    status = 200
    try:
        result = await run_in_threadpool(lambda: call_service(platform, user.principal, name, params, limit=limit))
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 404)):
            raise
        error, status = exc.user_message, status_of(exc)
    page = await run_in_threadpool(_page, platform, user.principal, name)
    return render(request, "service_detail.html", user=user, result=result, error=error, sent=sent, status=status,
                  **page)
