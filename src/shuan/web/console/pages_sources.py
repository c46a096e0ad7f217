"""Console pages of issue 4: registered sources (register, scan with live progress, history), inventory
exports, and the notifications of scan changes. Each route parses, makes one call (a service or a read
model of `sourcekit`) and renders; refusals become pages through `ConsoleRoute`.

The location a person types when registering a source is sent to the service and nowhere else: a
refused registration re-renders the form without it, and nothing here logs it.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from shuan.errors import ShuanError
from shuan.inventory.changes import mark_read
from shuan.inventory.sources import register_source
from shuan.messages import msg
from shuan.reports.access import export_bytes
from shuan.reports.write import REPORT_FORMATS
from shuan.web.console import sourcekit
from shuan.web.console.routes import (
    ActiveUser,
    ConsoleRoute,
    PostingUser,
    _int_or_none,
    form_text,
    is_error_page,
    render,
)
from shuan.web.console.session import PREFIX
from shuan.web.deps import get_platform
from shuan.web.download import download
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py


def _htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


# -- sources ----------------------------------------------------------------------------------------------


@router.get("/sources")
def sources_page(request: Request, user: ActiveUser) -> Response:
    view = sourcekit.source_list(get_platform(request), actor=user.principal)
    return render(request, "sources.html", user=user, view=view)


@router.get("/sources/new")
def source_new_page(request: Request, user: ActiveUser) -> Response:
    form = sourcekit.register_form(get_platform(request), actor=user.principal)
    return render(request, "source_new.html", user=user, form=form, error=None)


@router.post("/sources")
async def source_register(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    name = (await form_text(request, "name", 200)).strip()
    location = await form_text(request, "location", 4000)
    department = _int_or_none(await form_text(request, "department", 20), "department") or user.principal.department_id
    responsible = (await form_text(request, "responsible", 200)).strip()
    schedule_text = await form_text(request, "schedule_hours", 20)
    schedule = _int_or_none(schedule_text, "schedule_hours")
    await run_in_threadpool(sourcekit.require_manager, platform, user.principal, "source.register", f"src:{name[:128]}")
    try:
        view = await run_in_threadpool(lambda: register_source(
            platform, actor=user.principal, name=name, location=location, department_id=department or 0,
            responsible_username=responsible, schedule_hours=schedule))
    except ShuanError as exc:
        if is_error_page(exc):
            raise  # the error page (the service has audited the refusal once)
        form = await run_in_threadpool(lambda: sourcekit.register_form(
            platform, actor=user.principal, name=name, department=department, responsible=responsible,
            schedule=schedule_text))  # never the location
        return render(request, "source_new.html", user=user, form=form, error=exc.user_message,
                      status=status_of(exc))
    return RedirectResponse(f"{PREFIX}/sources/{view.id}", status_code=303)


@router.get("/sources/{source_id}")
def source_page(request: Request, user: ActiveUser, source_id: int) -> Response:
    platform = get_platform(request)
    view = sourcekit.source_page(platform, actor=user.principal, source_id=source_id)
    scan = sourcekit.scan_registry(request.app.state).get(source_id)
    return render(request, "source.html", user=user, view=view,
                  scan=sourcekit.ScanStatus(source_id, scan), notice=None)


@router.post("/sources/{source_id}/scan")
def source_scan(request: Request, user: PostingUser, source_id: int) -> Response:
    platform = get_platform(request)
    status = sourcekit.start_scan(platform, sourcekit.scan_registry(request.app.state), actor=user.principal,
                                  source_id=source_id)
    notice = msg("console.scan_started") if status.started else msg("console.scan_running")
    code = 202 if status.started else 409
    if _htmx(request):
        return render(request, "_scan_progress.html", user=user, scan=status, notice=notice, status=code)
    view = sourcekit.source_page(platform, actor=user.principal, source_id=source_id)
    return render(request, "source.html", user=user, view=view, scan=status, notice=notice, status=code)


@router.get("/sources/{source_id}/progress")
def source_progress(request: Request, user: ActiveUser, source_id: int) -> Response:
    status = sourcekit.scan_status(get_platform(request), sourcekit.scan_registry(request.app.state),
                                   actor=user.principal, source_id=source_id)
    return render(request, "_scan_progress.html", user=user, scan=status, notice=None)


# -- exports ----------------------------------------------------------------------------------------------


@router.get("/exports")
def exports_page(request: Request, user: ActiveUser) -> Response:
    form = sourcekit.export_form(get_platform(request), actor=user.principal)
    return render(request, "exports.html", user=user, form=form)


@router.post("/exports")
async def export_download(request: Request, user: PostingUser) -> Response:
    fmt = (await form_text(request, "format", 10)).strip().lower()
    department = _int_or_none(await form_text(request, "department", 20), "department")
    # the service checks the permission first, then the format; the file name never takes what was sent
    name = f"{msg('console.export_filename')}.{fmt if fmt in REPORT_FORMATS else 'invalid'}"
    platform = get_platform(request)
    content = await run_in_threadpool(export_bytes, platform, user.principal, name, fmt, department=department)
    return download(name, fmt, content)


# -- notifications ----------------------------------------------------------------------------------------


@router.get("/notifications")
def notifications_page(request: Request, user: ActiveUser) -> Response:
    found = sourcekit.notifications(get_platform(request), actor=user.principal)
    return render(request, "notifications.html", user=user, notes=found)


@router.post("/notifications/{notification_id}/read")
def notification_read(request: Request, user: PostingUser, notification_id: int) -> Response:
    note = mark_read(get_platform(request), actor=user.principal, notification_id=notification_id)
    if _htmx(request):
        return render(request, "_notification.html", user=user, n=note, oob=True)
    return RedirectResponse(f"{PREFIX}/notifications", status_code=303)
