"""The audit log: query, verify, export (审计管理员 only; reading the log is itself audited).

There is deliberately no route that changes or deletes an event: PUT, PATCH and DELETE on these
paths answer 405.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from shuan.audit.service import AuditQuery, export, query, verify
from shuan.clock import utcnow
from shuan.web.api.models import MAX_ID, Clean, Input, Output, Seq, When, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep

router = APIRouter(tags=["audit 审计"])

Filter = Annotated[str | None, Query(min_length=1, max_length=200), Clean]


class AuditEventOut(Output):
    seq: int
    ts: str
    actor: str
    actor_id: str | None
    department_id: str | None
    role: str
    action: str
    resource: str
    purpose: str
    outcome: str
    client: str
    details: Any
    hash: str


class ProblemOut(Output):
    seq: int
    kind: str
    message: str


class VerifyOut(Output):
    ok: bool
    events: int
    first_seq: int | None
    last_seq: int | None
    checkpoints: int
    problem: ProblemOut | None


class ExportIn(Input):
    since_seq: Seq | None = None
    until_seq: Seq | None = None


@router.get("/audit/events", openapi_extra=permission("audit.read"))
def query_route(
    principal: CurrentPrincipal,
    platform: PlatformDep,
    actor: Filter = None,
    resource: Filter = None,
    action: Filter = None,
    outcome: Literal["success", "denied", "failure"] | None = None,
    since: Annotated[When | None, Query()] = None,
    until: Annotated[When | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
) -> list[AuditEventOut]:
    """按操作人、资源前缀、动作、结果、时间查询审计事件（最新在前） / query events, newest first."""
    q = AuditQuery(actor=actor, resource=resource, action=action, outcome=outcome, since=since, until=until,
                   limit=limit, offset=offset)
    return [AuditEventOut.model_validate(row) for row in query(platform, principal, q)]


@router.post("/audit/verify", openapi_extra=permission("audit.verify"))
def verify_route(actor: CurrentPrincipal, platform: PlatformDep) -> VerifyOut:
    """重新计算哈希链与检查点签名；ok=false 时 problem 指出第一条被篡改、缺失或调换的事件
    / recompute the chain and checkpoints; ok=false names the first altered, missing or reordered event."""
    report = verify(platform, actor)
    problem = report.first_problem
    return VerifyOut(ok=report.ok, events=report.events, first_seq=report.first_seq, last_seq=report.last_seq,
                     checkpoints=report.checkpoints,
                     problem=None if problem is None else ProblemOut(seq=problem.seq, kind=problem.kind,
                                                                     message=problem.message))


@router.post(
    "/audit/export",
    openapi_extra=permission("audit.export"),
    response_class=FileResponse,
    responses={200: {"content": {"application/x-tar": {}},
                     "description": "签名审计归档（shuan audit verify-archive 离线校验） / signed archive"}},
)
def export_route(body: ExportIn, actor: CurrentPrincipal, platform: PlatformDep) -> FileResponse:
    """导出签名审计归档（tar），响应头 X-Shuan-Fingerprint 为签名公钥指纹
    / download a signed archive; X-Shuan-Fingerprint pins the signing key."""
    workdir = Path(tempfile.mkdtemp(prefix="shuan-audit-"))
    try:
        name = f"shuan-audit-{utcnow().strftime('%Y%m%dT%H%M%SZ')}.tar"
        result = export(platform, actor, workdir / name, since_seq=body.since_seq, until_seq=body.until_seq)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    return FileResponse(result.path, media_type="application/x-tar", filename=name,
                        headers={"X-Shuan-Fingerprint": result.fingerprint,
                                 "X-Shuan-Events": str(result.events)},
                        background=BackgroundTask(shutil.rmtree, workdir, ignore_errors=True))

