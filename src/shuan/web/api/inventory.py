"""Registered sources, steward reviews, sample reveals and inventory reports over REST: the same services
as `shuan source|review|report` and the console. A source's location goes in once and never comes back
(responses carry the masked display); revealed sample values come back only to a reviewer, with the
reveal audited."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, status
from pydantic import Field, StrictBool, StrictInt, StrictStr
from starlette.responses import Response

from shuan.inventory.review import ReviewView, column_history, review_column
from shuan.inventory.samples import reveal_column
from shuan.inventory.sources import (
    HistoryRow,
    ScanView,
    SourceView,
    get_source,
    list_sources,
    register_source,
    scan_history,
    scan_source,
)
from shuan.messages import msg
from shuan.reports.access import export_bytes
from shuan.web.api.models import MAX_ID, Clean, Id, Input, LongText, Name, Output, Username, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep
from shuan.web.download import download

router = APIRouter(tags=["inventory 资产清单"])

SourceId = Annotated[int, Path(ge=1, le=MAX_ID)]
TableId = Annotated[int, Path(ge=1, le=MAX_ID)]
Location = Annotated[StrictStr, Field(min_length=1, max_length=4000), Clean]
ColumnName = Annotated[StrictStr, Field(min_length=1, max_length=500), Clean]
Reason = Annotated[StrictStr, Field(min_length=1, max_length=500), Clean]
MANAGE = permission("grant.manage | grant.manage_dept (the source's department)")
REVIEWERS = permission("grant.manage | grant.manage_dept (the owning department): steward, security officer")
REPORTERS = permission("steward, department security officer, security administrator, auditor")


class SourceIn(Input):
    name: Name
    location: Location  # a path or a database URL with its password: stored SM4-encrypted, never returned
    department_id: Id
    responsible: Username
    scheme: Annotated[StrictStr, Field(min_length=1, max_length=64), Clean] | None = None
    sample_rows: Annotated[StrictInt, Field(ge=1, le=10_000_000)] | None = None
    full: StrictBool = False
    schedule_hours: Annotated[StrictInt, Field(ge=1, le=24 * 365)] | None = None


class SourceOut(Output):
    id: int
    name: str
    resource: str
    department_id: int
    responsible_username: str
    kind: str
    display: str
    scheme: str | None
    sample_rows: int | None
    full: bool
    schedule_hours: int | None
    active: bool
    created_at: datetime
    updated_at: datetime
    last_scan_id: int | None
    last_scan_at: datetime | None
    last_error: str | None
    next_scan_at: datetime | None

    @classmethod
    def of(cls, view: SourceView) -> SourceOut:
        return cls.model_validate(view.as_dict())


class ScanOut(Output):
    source_id: int
    source_name: str
    status: str
    scan_id: int | None
    tables: int
    errors: int
    max_level: int | None
    access_problems: list[str]
    next_scan_at: datetime | None

    @classmethod
    def of(cls, view: ScanView) -> ScanOut:
        return cls.model_validate(view.as_dict())


class HistoryOut(Output):
    scan_id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    mode: str
    scheme: str
    tables: int
    errors: int
    max_level: int | None

    @classmethod
    def of(cls, row: HistoryRow) -> HistoryOut:
        return cls.model_validate(row.as_dict())


class ReviewIn(Input):
    source_record_id: Id  # the scanned source (`last_scan`'s source; `shuan review` uses the same id)
    table: ColumnName
    column: ColumnName
    decision: Literal["confirm", "override"]
    types: list[Annotated[StrictStr, Field(min_length=1, max_length=64)]] | None = Field(default=None, max_length=20)
    level: Annotated[StrictInt, Field(ge=1, le=10)] | None = None
    reason: LongText


class ReviewOut(Output):
    id: int
    source_record_id: int
    table: str
    column: str
    decision: str
    scheme: str
    types: list[str] | None
    level: int | None
    reason: str
    reviewer: str
    created_at: datetime
    superseded_at: datetime | None
    orphaned: bool

    @classmethod
    def of(cls, view: ReviewView) -> ReviewOut:
        return cls.model_validate(view)


class RevealIn(Input):
    column: ColumnName
    reason: Reason


class RevealOut(Output):
    table_id: int
    table: str
    column: str
    values: list[str]


# -- sources ------------------------------------------------------------------------------------------


@router.get("/sources", openapi_extra=permission("self.service (the own department's sources)"))
def list_sources_route(actor: CurrentPrincipal, platform: PlatformDep,
                       department_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None) -> list[SourceOut]:
    """登记的数据源 / registered sources the caller may see."""
    return [SourceOut.of(v) for v in list_sources(platform, actor=actor, department_id=department_id)]


@router.post("/sources", status_code=status.HTTP_201_CREATED, openapi_extra=MANAGE)
def register_source_route(body: SourceIn, actor: CurrentPrincipal, platform: PlatformDep) -> SourceOut:
    """登记数据源（位置以部门密钥 SM4 加密保存，不回显） / register a source (its location is never returned)."""
    return SourceOut.of(register_source(
        platform, actor=actor, name=body.name, location=body.location, department_id=body.department_id,
        responsible_username=body.responsible, scheme=body.scheme, sample_rows=body.sample_rows, full=body.full,
        schedule_hours=body.schedule_hours))


@router.get("/sources/{source_id}", openapi_extra=permission("self.service (the own department's sources)"))
def get_source_route(source_id: SourceId, actor: CurrentPrincipal, platform: PlatformDep) -> SourceOut:
    """查看数据源 / one registered source."""
    return SourceOut.of(get_source(platform, actor=actor, source_id=source_id))


@router.post("/sources/{source_id}/scan", openapi_extra=MANAGE)
def scan_source_route(source_id: SourceId, actor: CurrentPrincipal, platform: PlatformDep) -> ScanOut:
    """立即扫描（同一数据源同一时刻只允许一次扫描） / scan now, synchronously (one scan per source at a time)."""
    return ScanOut.of(scan_source(platform, actor=actor, source_id=source_id))


@router.get("/sources/{source_id}/scans", openapi_extra=permission("self.service (the own department's sources)"))
def scan_history_route(source_id: SourceId, actor: CurrentPrincipal, platform: PlatformDep,
                       limit: Annotated[int, Query(ge=1, le=1000)] = 20) -> list[HistoryOut]:
    """扫描历史 / the source's scans, newest first."""
    return [HistoryOut.of(r) for r in scan_history(platform, actor=actor, source_id=source_id, limit=limit)]


# -- reviews and samples ------------------------------------------------------------------------------


@router.post("/reviews", status_code=status.HTTP_201_CREATED, openapi_extra=REVIEWERS)
def review_route(body: ReviewIn, actor: CurrentPrincipal, platform: PlatformDep) -> ReviewOut:
    """复核字段（确认或改判类型与级别，须填理由，记入审计） / confirm or override a column, with a reason."""
    return ReviewOut.of(review_column(platform, actor=actor, source_record_id=body.source_record_id,
                                      table=body.table, column=body.column, decision=body.decision,
                                      types=body.types, level=body.level, reason=body.reason))


@router.get("/reviews", openapi_extra=permission("reviewers of the source, auditors"))
def reviews_route(actor: CurrentPrincipal, platform: PlatformDep,
                  source_record_id: Annotated[int, Query(ge=1, le=MAX_ID)],
                  table: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
                  column: Annotated[str | None, Query(min_length=1, max_length=500)] = None) -> list[ReviewOut]:
    """复核记录（含被取代的） / the reviews of a source, oldest first."""
    return [ReviewOut.of(v) for v in column_history(platform, actor=actor, source_record_id=source_record_id,
                                                    table=table, column=column)]


@router.post("/tables/{table_id}/reveal", openapi_extra=REVIEWERS)
def reveal_route(table_id: TableId, body: RevealIn, actor: CurrentPrincipal, platform: PlatformDep,
                 response: Response) -> RevealOut:
    """查看样本原值（须填事由，每次记入审计） / one column's raw sample values, with a reason (audited)."""
    found = reveal_column(platform, actor=actor, table_id=table_id, column=body.column, reason=body.reason)
    response.headers["Cache-Control"] = "no-store"
    return RevealOut(table_id=found.table_id, table=found.table, column=found.column, values=found.values)


# -- reports ------------------------------------------------------------------------------------------


@router.get("/inventory/report", openapi_extra=REPORTERS, response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/csv": {}, "application/pdf": {}}}})
def report_route(actor: CurrentPrincipal, platform: PlatformDep,
                 fmt: Annotated[Literal["xlsx", "csv", "json", "html", "pdf"], Query(alias="format")] = "json",
                 department_id: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None) -> Response:
    """分类分级清单与报告（记入审计） / the inventory report of the city or a department (audited)."""
    name = f"{msg('console.export_filename')}.{fmt}"
    return download(name, fmt, export_bytes(platform, actor, name, fmt, department=department_id))
