"""Console pages of the sharing catalogue (政务信息资源目录): the list with search and filters and a
compliance badge, an entry's page (信息项, 共享属性, 开放属性, level and problems, 申请共享), and for the
provider department's staff and the security administrator the form that catalogues or changes an
entry (optionally prefilled from the inventory) and the publish/withdraw buttons.

Each route parses the form, makes one service call (shuan.sharing.catalog) and renders. The pages that
change entries refuse a user without the permission before anything is looked up (403, audited once).
Items are typed one per line as ``名称 | 类型 | 字段``; the category as ``类/项/目/细目``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from shuan.errors import ShuanError
from shuan.messages import msg
from shuan.sharing.catalog import (
    EXPORT_FORMATS,
    FIELDS,
    EntryFilter,
    EntryView,
    check_filter,
    create_entry,
    draft_from_inventory,
    export_catalog_bytes,
    get_entry,
    list_entries,
    may_catalogue,
    may_edit,
    publish_entry,
    update_entry,
    withdraw_entry,
)
from shuan.sharing.catalog_rules import (
    FORMATS,
    ITEM_TYPES,
    LEVEL_LABELS,
    OPEN_LABELS,
    SHARE_LABELS,
    SHARE_METHODS,
    STATUS_LABELS,
    UPDATE_CYCLES,
    label,
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
from shuan.web.download import download
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py

PAGE_SIZE = 50
#: a grade violation is shown above the form (or the entry), not as an error page of its own
NONCOMPLIANT = "catalog.noncompliant"
_TEXT_FIELDS = (
    "code",
    "name",
    "provider_code",
    "summary",
    "format",
    "resource_path",
    "share_type",
    "share_condition",
    "share_method",
    "share_basis",
    "open_type",
    "open_condition",
    "open_basis",
    "update_cycle",
)
_LIMITS = {
    "summary": 2000,
    "share_condition": 1000,
    "share_basis": 1000,
    "open_condition": 1000,
    "open_basis": 1000,
    "resource_path": 600,
}


def choices(labels: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k, label(labels, k)) for k in labels]


# -- the list ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogFilter:
    q: str = ""
    share_type: str = ""
    open_type: str = ""
    level: int | None = None
    status: str = ""
    page: int = 1

    def query(self, page: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: v
            for k, v in (
                ("q", self.q),
                ("share_type", self.share_type),
                ("open_type", self.open_type),
                ("status", self.status),
            )
            if v
        }
        if self.level is not None:
            out["level"] = self.level
        out["page"] = page
        return out


@dataclass(frozen=True)
class Row:
    entry: EntryView
    share: str
    open: str
    level: str
    status: str


def _row(v: EntryView) -> Row:
    return Row(
        v,
        label(SHARE_LABELS, v.share_type),
        label(OPEN_LABELS, v.open_type),
        label(LEVEL_LABELS, v.level) if v.level else "—",
        label(STATUS_LABELS, v.status),
    )


def _list_filter(q: str, share_type: str, open_type: str, level: str, status: str,
                 number: int = 1) -> tuple[CatalogFilter, EntryFilter]:
    """The list's query string as the form's values and the service's filter (each bad field named)."""
    f = CatalogFilter(q.strip()[:200], share_type[:20], open_type[:20], _int_or_none(level[:2], "level"), status[:20],
                      number)
    return f, check_filter(share_type=f.share_type or None, open_type=f.open_type or None, level=f.level,
                           status=f.status or None, text=f.q or None)


@router.get("/catalog/export")
def catalog_export(request: Request, user: ActiveUser, format: str = "xlsx", q: str = "", share_type: str = "",
                   open_type: str = "", level: str = "", status: str = "") -> Response:
    """The entries the list shows (same filters), as a download."""
    fmt = format if format in EXPORT_FORMATS else "xlsx"
    _, filters = _list_filter(q, share_type, open_type, level, status)
    return download(f"{msg('catalog.sheet')}.{fmt}", fmt,
                    export_catalog_bytes(get_platform(request), user.principal, fmt, filters))


@router.get("/catalog")
def catalog_page(
    request: Request,
    user: ActiveUser,
    q: str = "",
    share_type: str = "",
    open_type: str = "",
    level: str = "",
    status: str = "",
    page: str = "1",
) -> Response:
    number = max(1, min(_int_or_none(page, "page") or 1, 10_000))
    f, filters = _list_filter(q, share_type, open_type, level, status, number)
    views = list_entries(
        get_platform(request), user.principal, filters, limit=PAGE_SIZE + 1, offset=(number - 1) * PAGE_SIZE
    )
    more = len(views) > PAGE_SIZE
    return render(
        request,
        "catalog_list.html",
        user=user,
        rows=[_row(v) for v in views[:PAGE_SIZE]],
        f=f,
        more=more,
        may_new=may_catalogue(user.principal),
        urlencode=urlencode,
        shares=choices(SHARE_LABELS),
        opens=choices(OPEN_LABELS),
        statuses=choices(STATUS_LABELS),
        levels=[(k, label(LEVEL_LABELS, k)) for k in LEVEL_LABELS],
    )


# -- one entry -------------------------------------------------------------------------------------------


def _detail(
    request: Request,
    user: ConsoleUser,
    view: EntryView,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    items = [(i["name"], label(ITEM_TYPES, i["type"]), i["column"]) for i in view.items]
    names = adminkit.department_names(get_platform(request))
    return render(
        request,
        "catalog_entry.html",
        user=user,
        e=view,
        row=_row(view),
        provider=names.get(view.provider_department_id, str(view.provider_department_id)),
        items=items,
        format_label=label(FORMATS, view.format),
        cycle=label(UPDATE_CYCLES, view.update_cycle),
        method=label(SHARE_METHODS, view.share_method) if view.share_method else "—",
        editable=may_edit(user.principal, view.provider_department_id),
        notice=notice,
        error=error,
        status=status,
    )


@router.get("/catalog/new")
def catalog_new_page(request: Request, user: ActiveUser, resource: str = "") -> Response:
    platform = get_platform(request)
    adminkit.require(platform, user.principal, adminkit.GRANTS, "catalog.create", "catalog")
    typed = Typed()
    error: str | None = None
    if resource.strip():
        try:
            typed = Typed.of(draft_from_inventory(platform, user.principal, resource.strip()[:600]))
        except ShuanError as exc:
            if is_error_page(exc):
                raise
            error = exc.user_message
            typed = Typed(values={"resource_path": resource[:600]})
    return _form(request, user, typed, entry_id=None, error=error)


@router.post("/catalog")
async def catalog_create(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    typed = await _typed(request)
    try:
        view = await run_in_threadpool(lambda: create_entry(platform, user.principal, typed.fields()))
    except ShuanError as exc:
        if is_error_page(exc) and exc.key != NONCOMPLIANT:
            raise  # a refused permission: the error page (audited once by the service)
        return _form(request, user, typed, entry_id=None, error=exc.user_message, status=status_of(exc))
    return RedirectResponse(f"{PREFIX}/catalog/{view.id}", status_code=303)


@router.get("/catalog/{entry_id}")
def catalog_entry_page(request: Request, user: ActiveUser, entry_id: int) -> Response:
    return _detail(request, user, get_entry(get_platform(request), user.principal, entry_id))


@router.get("/catalog/{entry_id}/edit")
def catalog_edit_page(request: Request, user: ActiveUser, entry_id: int) -> Response:
    platform = get_platform(request)
    adminkit.require(platform, user.principal, adminkit.GRANTS, "catalog.update", f"catalog:{entry_id}")
    view = get_entry(platform, user.principal, entry_id)
    return _form(request, user, Typed.of(view.as_dict()), entry_id=entry_id, error=None)


@router.post("/catalog/{entry_id}")
async def catalog_update(request: Request, user: PostingUser, entry_id: int) -> Response:
    platform = get_platform(request)
    typed = await _typed(request)
    try:
        view = await run_in_threadpool(
            lambda: update_entry(platform, user.principal, entry_id, typed.fields())
        )
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)) and exc.key != NONCOMPLIANT:
            raise
        return _form(request, user, typed, entry_id=entry_id, error=exc.user_message, status=status_of(exc))
    return _detail(request, user, view, notice=msg("catalog.console_saved", code=view.code))


async def _state_change(request: Request, user: ConsoleUser, entry_id: int, publish: bool) -> Response:
    platform = get_platform(request)
    reason = None if publish else (await form_text(request, "reason", 1000)).strip() or None
    try:
        if publish:
            view = await run_in_threadpool(lambda: publish_entry(platform, user.principal, entry_id))
        else:
            view = await run_in_threadpool(
                lambda: withdraw_entry(platform, user.principal, entry_id, reason=reason)
            )
    except ShuanError as exc:
        if is_error_page(exc, pages=(401, 403, 404)) and exc.key != NONCOMPLIANT:
            raise
        current = await run_in_threadpool(lambda: get_entry(platform, user.principal, entry_id))
        return _detail(request, user, current, error=exc.user_message, status=status_of(exc))
    key = "catalog.console_published" if publish else "catalog.console_withdrawn"
    return _detail(request, user, view, notice=msg(key, code=view.code))


@router.post("/catalog/{entry_id}/publish")
async def catalog_publish(request: Request, user: PostingUser, entry_id: int) -> Response:
    return await _state_change(request, user, entry_id, True)


@router.post("/catalog/{entry_id}/withdraw")
async def catalog_withdraw(request: Request, user: PostingUser, entry_id: int) -> Response:
    return await _state_change(request, user, entry_id, False)


# -- the form ------------------------------------------------------------------------------------------


@dataclass
class Typed:
    """What the form holds, as typed (re-shown after a refusal)."""

    values: dict[str, str] = field(default_factory=dict)
    category: str = ""
    items: str = ""
    related: str = ""

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    @classmethod
    def of(cls, doc: dict[str, Any]) -> Typed:
        values = {k: "" if doc.get(k) is None else str(doc[k]) for k in _TEXT_FIELDS}
        items = "\n".join(f"{i['name']} | {i['type']} | {i['column']}" for i in doc.get("items") or ())
        return cls(
            values, "/".join(doc.get("category") or ()), items, ", ".join(doc.get("related_codes") or ())
        )

    def fields(self) -> dict[str, Any]:
        """The service's fields (it validates them and names the field at fault)."""
        out: dict[str, Any] = {k: (self.values.get(k) or None) for k in _TEXT_FIELDS}
        out["summary"] = self.values.get("summary", "")
        out["category"] = [c.strip() for c in self.category.split("/") if c.strip()]
        items: list[dict[str, str]] = []
        for line in self.items.splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            items.append(
                {
                    "name": parts[0],
                    "type": parts[1] if len(parts) > 1 else "",
                    "column": parts[2] if len(parts) > 2 else parts[0],
                }
            )
        out["items"] = items
        out["related_codes"] = [c for c in self.related.replace("，", ",").replace(" ", ",").split(",") if c]
        assert set(out) <= set(FIELDS)
        return out


async def _typed(request: Request) -> Typed:
    values = {k: (await form_text(request, k, _LIMITS.get(k, 200))).strip() for k in _TEXT_FIELDS}
    return Typed(
        values,
        await form_text(request, "category", 500),
        await form_text(request, "items", 100_000),
        await form_text(request, "related_codes", 5000),
    )


def _form(
    request: Request,
    user: ConsoleUser,
    typed: Typed,
    *,
    entry_id: int | None,
    error: str | None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "catalog_form.html",
        user=user,
        v=typed,
        entry_id=entry_id,
        error=error,
        status=status,
        formats=choices(FORMATS),
        shares=choices(SHARE_LABELS),
        opens=choices(OPEN_LABELS),
        methods=choices(SHARE_METHODS),
        cycles=choices(UPDATE_CYCLES),
        item_types=", ".join(ITEM_TYPES),
    )
