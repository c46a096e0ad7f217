"""Data services (shuan.gateway): publish, change, retire; the catalogue of services; calls; the report.

A call is ``GET /services/{name}/call?param=value&…`` (a name may repeat for an ``in`` parameter;
``_limit`` and ``_scenario`` are the row limit and the declared usage scenario) or
``POST /services/{name}/call`` with ``{"params": {...}, "limit": n, "scenario": "..."}``. Beyond the
service's rate the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse, Response
from pydantic import Field, StrictBool, StrictFloat, StrictInt, StrictStr

from shuan.gateway.report import build_report, render_html, render_xlsx
from shuan.gateway.service import (
    CallRecord,
    RateLimited,
    ServiceView,
    call_service,
    get_service,
    list_services,
    publish_service,
    recent_calls,
    retire_service,
    update_service,
)
from shuan.messages import msg
from shuan.web.api.models import Clean, Input, LongText, Output, When, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep
from shuan.web.download import MEDIA_TYPES
from shuan.web.errors import SECURITY_HEADERS, problem

router = APIRouter(tags=["services 数据服务"])

MANAGE = permission("grant.manage | grant.manage_dept (own department's sources)")
REPORT = permission("grant.manage | audit.read")
CALLS = permission("grant.manage | grant.manage_dept (own department) | audit.read")
ServiceName = Annotated[str, Path(min_length=1, max_length=64)]
Text = Annotated[StrictStr, Field(max_length=200), Clean]
ColumnName = Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
Scalar = Annotated[StrictStr, Field(max_length=1000), Clean] | StrictInt | StrictFloat | StrictBool
Scenario = Literal["business", "analysis", "dev_test", "sharing", "opening"]
MAX_QUERY_ITEMS = 200


class ParamIn(Input):
    name: Annotated[StrictStr, Field(min_length=1, max_length=64), Clean]
    type: Literal["string", "integer", "decimal", "date", "enum", "boolean"]
    column: ColumnName
    op: Literal["=", "<", "<=", ">", ">=", "prefix", "in"] = "="
    required: StrictBool = False
    min: StrictInt | Annotated[StrictStr, Field(max_length=40), Clean] | None = None
    max: StrictInt | Annotated[StrictStr, Field(max_length=40), Clean] | None = None
    max_length: Annotated[StrictInt, Field(ge=1, le=1000)] | None = None
    pattern: Annotated[StrictStr, Field(min_length=1, max_length=200), Clean] | None = None
    choices: Annotated[list[Annotated[StrictStr, Field(max_length=200), Clean]], Field(max_length=100)] | None = None
    max_items: Annotated[StrictInt, Field(ge=1, le=100)] | None = None
    description: Annotated[StrictStr, Field(max_length=500), Clean] | None = None


class ServiceChangeIn(Input):
    title: Annotated[StrictStr, Field(min_length=1, max_length=200), Clean] | None = None
    description: LongText | None = None
    columns: Annotated[list[ColumnName], Field(min_length=1, max_length=200)] | None = None
    column_types: Annotated[dict[ColumnName, list[Annotated[StrictStr, Field(max_length=64)]]],
                            Field(max_length=200)] | None = None
    params: Annotated[list[ParamIn], Field(max_length=20)] | None = None
    scenario: Scenario | None = None
    default_limit: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    max_limit: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    rate_per_minute: Annotated[StrictInt, Field(ge=1, le=100_000)] | None = None
    catalog_entry_id: Annotated[StrictInt, Field(ge=1, le=2_147_483_647)] | None = None


class ServiceIn(ServiceChangeIn):
    name: Annotated[StrictStr, Field(min_length=1, max_length=64), Clean]
    title: Annotated[StrictStr, Field(min_length=1, max_length=200), Clean]
    source: Annotated[StrictStr, Field(min_length=1, max_length=128), Clean]
    table: Annotated[StrictStr, Field(min_length=1, max_length=500), Clean]
    columns: Annotated[list[ColumnName], Field(min_length=1, max_length=200)]


class RetireIn(Input):
    reason: LongText | None = None


class CallIn(Input):
    params: Annotated[dict[Annotated[StrictStr, Field(max_length=64)],
                           Scalar | Annotated[list[Scalar], Field(max_length=100)]], Field(max_length=50)] = {}
    limit: Annotated[StrictInt, Field(ge=1, le=10_000)] | None = None
    scenario: Scenario | None = None


class ServiceOut(Output):
    id: int
    name: str
    title: str
    description: str
    source_id: int
    source_name: str
    table: str
    columns: list[str]
    column_types: dict[str, list[str]]
    params: list[dict[str, Any]]
    scenario: str
    default_limit: int
    max_limit: int
    rate_per_minute: int
    department_id: int
    status: str
    catalog_entry_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    retired_at: datetime | None
    retire_reason: str | None

    @classmethod
    def of(cls, view: ServiceView) -> ServiceOut:
        return cls.model_validate(view.as_dict())


class CallOut(Output):
    service: str
    columns: list[str]
    rows: list[list[Any]]
    row_count: int
    omitted: list[str]
    masked: dict[str, str]
    limit: int
    scenario: str


class CallRecordOut(Output):
    seq: int
    ts: str
    consumer: str
    outcome: str
    rows: int | None
    latency_ms: float | None
    reason: str | None
    rule: str | None

    @classmethod
    def of(cls, record: CallRecord) -> CallRecordOut:
        return cls.model_validate(record.as_dict())


def _spec(body: ServiceChangeIn) -> dict[str, Any]:
    out = body.model_dump(exclude_unset=True)
    if body.params is not None:
        out["params"] = [p.model_dump(exclude_none=True) for p in body.params]
    return out


# -- the catalogue of services -------------------------------------------------------------------------


@router.get("/services", openapi_extra=permission("self.service (active services; owners also retired)"))
def list_services_route(actor: CurrentPrincipal, platform: PlatformDep,
                        include_retired: bool = False) -> list[ServiceOut]:
    """数据服务目录 / the published data services."""
    return [ServiceOut.of(v) for v in list_services(platform, actor, include_retired=include_retired)]


@router.post("/services", status_code=status.HTTP_201_CREATED, openapi_extra=MANAGE)
def publish_route(body: ServiceIn, actor: CurrentPrincipal, platform: PlatformDep) -> ServiceOut:
    """发布数据服务（参数类型化、有界、白名单） / publish a data service."""
    return ServiceOut.of(publish_service(platform, actor, _spec(body)))


@router.get("/services/report", openapi_extra=REPORT, response_class=Response,
            responses={200: {"content": {"application/json": {}, "text/html": {}, MEDIA_TYPES["xlsx"]: {}}}})
def report_route(actor: CurrentPrincipal, platform: PlatformDep,
                 start: Annotated[When, Query(alias="from")], end: Annotated[When, Query(alias="to")],
                 fmt: Annotated[Literal["json", "xlsx", "html"], Query(alias="format")] = "json") -> Response:
    """数据服务调用审计报告（记入审计） / the periodic audit report of service calls (audited)."""
    report = build_report(platform, actor, start=start, end=end)
    if fmt == "xlsx":
        return Response(render_xlsx(report), media_type=MEDIA_TYPES["xlsx"],
                        headers={"Content-Disposition": 'attachment; filename="services-report.xlsx"',
                                 "Cache-Control": "no-store"})
    if fmt == "html":
        return Response(render_html(report), media_type=MEDIA_TYPES["html"],
                        headers={"Content-Disposition": 'attachment; filename="services-report.html"',
                                 "Cache-Control": "no-store"})
    return JSONResponse(report.as_dict(), headers={"Cache-Control": "no-store"})


@router.get("/services/{name}", openapi_extra=permission("self.service (active services; owners also retired)"))
def get_service_route(name: ServiceName, actor: CurrentPrincipal, platform: PlatformDep) -> ServiceOut:
    """数据服务详情（参数与约束） / one data service with its parameters."""
    return ServiceOut.of(get_service(platform, actor, name))


@router.patch("/services/{name}", openapi_extra=MANAGE)
def update_route(name: ServiceName, body: ServiceChangeIn, actor: CurrentPrincipal,
                 platform: PlatformDep) -> ServiceOut:
    """修改数据服务（版本号加一） / change a data service."""
    return ServiceOut.of(update_service(platform, actor, name, _spec(body)))


@router.post("/services/{name}/retire", openapi_extra=MANAGE)
def retire_route(name: ServiceName, body: RetireIn, actor: CurrentPrincipal, platform: PlatformDep) -> ServiceOut:
    """停用数据服务 / retire a data service."""
    return ServiceOut.of(retire_service(platform, actor, name, reason=body.reason))


@router.get("/services/{name}/calls", openapi_extra=CALLS)
def calls_route(name: ServiceName, actor: CurrentPrincipal, platform: PlatformDep,
                limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[CallRecordOut]:
    """最近调用记录（服务所属部门、安全管理员、审计员） / the latest calls of a service."""
    return [CallRecordOut.of(r) for r in recent_calls(platform, actor, name, limit=limit)]


# -- calls -------------------------------------------------------------------------------------------


def _answer(platform: Any, actor: Any, name: str, params: dict[str, list[object]], limit: object,
            scenario: object) -> Response:
    try:
        result = call_service(platform, actor, name, params, limit=limit, scenario=scenario)
    except RateLimited as err:
        seconds = err.params.get("seconds")
        return problem(429, err.key, err.user_message,
                       headers={"Retry-After": str(seconds if isinstance(seconds, int) else 60)})
    return JSONResponse(result.as_dict(), headers=SECURITY_HEADERS)


@router.get("/services/{name}/call", response_model=CallOut,
            openapi_extra=permission("self.service (the consumer's grants decide; rate-limited, audited)"),
            responses={429: {"description": "调用过于频繁 / too many calls (Retry-After)"}})
def call_get_route(name: ServiceName, request: Request, actor: CurrentPrincipal, platform: PlatformDep) -> Response:
    """调用数据服务：查询参数即服务参数（_limit 行数，_scenario 使用场景） /
    call a service: query parameters are its parameters (_limit, _scenario reserved)."""
    items = request.query_params.multi_items()
    if len(items) > MAX_QUERY_ITEMS:
        return problem(400, "gateway.bad_param", msg("gateway.bad_param", field="query",
                                                       reason=msg("gateway.reason_count", limit=MAX_QUERY_ITEMS)))
    params: dict[str, list[object]] = {}
    limit: object = None
    scenario: object = None
    for key, value in items:
        if key == "_limit":
            limit = value
        elif key == "_scenario":
            scenario = value
        else:
            params.setdefault(key, []).append(value)
    return _answer(platform, actor, name, params, limit, scenario)


@router.post("/services/{name}/call", response_model=CallOut,
             openapi_extra=permission("self.service (the consumer's grants decide; rate-limited, audited)"),
             responses={429: {"description": "调用过于频繁 / too many calls (Retry-After)"}})
def call_post_route(name: ServiceName, body: CallIn, actor: CurrentPrincipal, platform: PlatformDep) -> Response:
    """调用数据服务（JSON 参数） / call a service with JSON parameters."""
    params: dict[str, list[object]] = {k: (list(v) if isinstance(v, list) else [v]) for k, v in body.params.items()}
    return _answer(platform, actor, name, params, body.limit, body.scenario)
