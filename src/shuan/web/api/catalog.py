"""The sharing catalogue (政务信息资源目录, shuan.sharing.catalog) under /api/v1/catalog.

Every signed-in user lists and reads published entries (drafts and withdrawn entries: the provider
department and the security administrator); the provider department's steward or data security officer
(grant.manage_dept, own department) or the security administrator (grant.manage) catalogues, changes,
publishes and withdraws. Share and open types are checked against the resource's current grade.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import Field, StrictStr
from starlette.responses import Response

from shuan.messages import msg
from shuan.sharing.catalog import (
    CatalogCheck,
    EntryView,
    check_catalog,
    check_filter,
    create_entry,
    draft_from_inventory,
    export_catalog_bytes,
    get_entry,
    list_entries,
    publish_entry,
    update_entry,
    withdraw_entry,
)
from shuan.web.api.models import MAX_ID, Clean, Input, Output, ResourcePathText, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep
from shuan.web.download import download

router = APIRouter(tags=["catalog 共享目录"])

EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
MANAGE = permission("grant.manage | grant.manage_dept (provider department)")
READ = permission("self.service (published entries; drafts: provider department and grant.manage)")

ShareType = Literal["unconditional", "conditional", "none"]
OpenType = Literal["unconditional", "conditional", "none"]
Format = Literal["database", "spreadsheet", "text", "image", "interface", "other"]
ItemType = Literal["string", "integer", "decimal", "date", "datetime", "boolean", "binary"]
Cycle = Literal["realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"]
Method = Literal["interface", "file", "database"]
CodeText = Annotated[StrictStr, Field(min_length=1, max_length=64), Clean]
Line = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
Text = Annotated[StrictStr, Field(max_length=2000), Clean]
CategoryLevel = Annotated[StrictStr, Field(min_length=1, max_length=100), Clean]


class ItemIn(Input):
    name: Line
    type: ItemType
    column: Annotated[StrictStr, Field(min_length=1, max_length=128), Clean]


Items = Annotated[list[ItemIn], Field(min_length=1, max_length=500)]
Category = Annotated[list[CategoryLevel], Field(min_length=1, max_length=4)]
Related = Annotated[list[CodeText], Field(max_length=50)]


class EntryIn(Input):
    """A new entry (a draft). The provider is the department owning `resource_path`."""

    code: CodeText
    name: Line
    category: Category
    provider_code: CodeText
    summary: Text = ""
    format: Format
    items: Items
    resource_path: ResourcePathText
    share_type: ShareType
    share_condition: Text | None = None
    share_method: Method | None = None
    share_basis: Text | None = None
    open_type: OpenType
    open_condition: Text | None = None
    open_basis: Text | None = None
    update_cycle: Cycle
    related_codes: Related = Field(default_factory=list)


class EntryPatch(Input):
    """The fields to change (those left out stay as they are)."""

    code: CodeText | None = None
    name: Line | None = None
    category: Category | None = None
    provider_code: CodeText | None = None
    summary: Text | None = None
    format: Format | None = None
    items: Items | None = None
    resource_path: ResourcePathText | None = None
    share_type: ShareType | None = None
    share_condition: Text | None = None
    share_method: Method | None = None
    share_basis: Text | None = None
    open_type: OpenType | None = None
    open_condition: Text | None = None
    open_basis: Text | None = None
    update_cycle: Cycle | None = None
    related_codes: Related | None = None


class WithdrawIn(Input):
    reason: Text | None = None


class DraftIn(Input):
    resource_path: ResourcePathText


class EntryOut(Output):
    id: int
    code: str
    name: str
    category: list[str]
    provider_department_id: int
    provider_code: str
    summary: str
    format: str
    items: list[dict[str, str]]
    resource_path: str
    share_type: str
    share_condition: str | None
    share_method: str | None
    share_basis: str | None
    open_type: str
    open_condition: str | None
    open_basis: str | None
    update_cycle: str
    published_on: date | None
    related_codes: list[str]
    status: str
    created_at: datetime
    created_by: int | None
    updated_at: datetime
    updated_by: int | None
    level: int  # the resource's current effective level (0: no longer registered)
    compliant: bool
    problems: list[str]

    @classmethod
    def of(cls, view: EntryView) -> EntryOut:
        return cls.model_validate(view.as_dict())


class DraftOut(Output):
    code: str
    name: str
    category: list[str]
    provider_code: str
    summary: str
    format: str
    items: list[dict[str, str]]
    resource_path: str
    share_type: str
    share_condition: str | None
    share_method: str | None
    share_basis: str | None
    open_type: str
    open_condition: str | None
    open_basis: str | None
    update_cycle: str
    related_codes: list[str]


class CheckOut(Output):
    checked: int
    ok: bool
    failing: list[EntryOut]

    @classmethod
    def of(cls, check: CatalogCheck) -> CheckOut:
        return cls(checked=check.checked, ok=check.ok, failing=[EntryOut.of(v) for v in check.failing])


def _patch(body: EntryPatch) -> dict[str, Any]:
    out = {k: getattr(body, k) for k in body.model_fields_set}
    if body.items is not None:
        out["items"] = [i.model_dump() for i in body.items]
    return out


@router.get("/catalog", openapi_extra=READ)
def list_catalog_route(
    actor: CurrentPrincipal,
    platform: PlatformDep,
    provider: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    share_type: ShareType | None = None,
    open_type: OpenType | None = None,
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
    status_: Annotated[Literal["draft", "published", "withdrawn"] | None, Query(alias="status")] = None,
    text: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    compliant: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[EntryOut]:
    """共享目录（按代码排序；已发布的对所有人可见） / catalogue entries the caller may see."""
    filters = check_filter(
        provider=provider,
        share_type=share_type,
        open_type=open_type,
        level=level,
        status=status_,
        text=text,
        compliant=compliant,
    )
    return [EntryOut.of(v) for v in list_entries(platform, actor, filters, limit=limit, offset=offset)]


@router.post("/catalog", status_code=status.HTTP_201_CREATED, openapi_extra=MANAGE)
def create_catalog_route(body: EntryIn, actor: CurrentPrincipal, platform: PlatformDep) -> EntryOut:
    """编目（草稿；共享、开放属性按资源当前级别检查） / catalogue a registered resource as a draft."""
    fields = body.model_dump()
    return EntryOut.of(create_entry(platform, actor, fields))


@router.post("/catalog/draft", openapi_extra=MANAGE)
def draft_catalog_route(body: DraftIn, actor: CurrentPrincipal, platform: PlatformDep) -> DraftOut:
    """按资产清单生成目录条目草稿（不保存） / a suggested entry built from the inventory (nothing stored)."""
    return DraftOut.model_validate(draft_from_inventory(platform, actor, body.resource_path))


@router.get("/catalog/check", openapi_extra=MANAGE)
def check_catalog_route(actor: CurrentPrincipal, platform: PlatformDep) -> CheckOut:
    """已发布条目是否仍符合资源当前级别 / published entries that no longer comply with their grade."""
    return CheckOut.of(check_catalog(platform, actor))


@router.get("/catalog/export", openapi_extra=READ, response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
def export_catalog_route(
    actor: CurrentPrincipal,
    platform: PlatformDep,
    fmt: Annotated[Literal["xlsx", "csv", "json"], Query(alias="format")] = "xlsx",
    provider: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    share_type: ShareType | None = None,
    open_type: OpenType | None = None,
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
    status_: Annotated[Literal["draft", "published", "withdrawn"] | None, Query(alias="status")] = None,
    text: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
) -> Response:
    """导出共享目录（调用者可见的条目，中文表头） / the catalogue entries the caller may see as XLSX, CSV or JSON."""
    filters = check_filter(provider=provider, share_type=share_type, open_type=open_type, level=level,
                           status=status_, text=text)
    return download(f"{msg('catalog.sheet')}.{fmt}", fmt, export_catalog_bytes(platform, actor, fmt, filters))


@router.get("/catalog/{entry_id}", openapi_extra=READ)
def get_catalog_route(entry_id: EntryId, actor: CurrentPrincipal, platform: PlatformDep) -> EntryOut:
    """目录条目（含当前级别与合规问题） / one entry with its current level and compliance."""
    return EntryOut.of(get_entry(platform, actor, entry_id))


@router.patch("/catalog/{entry_id}", openapi_extra=MANAGE)
def update_catalog_route(
    entry_id: EntryId, body: EntryPatch, actor: CurrentPrincipal, platform: PlatformDep
) -> EntryOut:
    """修改目录条目 / change some fields of an entry."""
    return EntryOut.of(update_entry(platform, actor, entry_id, _patch(body)))


@router.post("/catalog/{entry_id}/publish", openapi_extra=MANAGE)
def publish_catalog_route(entry_id: EntryId, actor: CurrentPrincipal, platform: PlatformDep) -> EntryOut:
    """发布目录条目 / publish an entry (checked against the current grade)."""
    return EntryOut.of(publish_entry(platform, actor, entry_id))


@router.post("/catalog/{entry_id}/withdraw", openapi_extra=MANAGE)
def withdraw_catalog_route(
    entry_id: EntryId, actor: CurrentPrincipal, platform: PlatformDep, body: WithdrawIn | None = None
) -> EntryOut:
    """撤回已发布的目录条目 / withdraw a published entry."""
    return EntryOut.of(
        withdraw_entry(platform, actor, entry_id, reason=None if body is None else body.reason)
    )
