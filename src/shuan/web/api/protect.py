"""Masking, leak tracing and the release check over REST (issue 5): the same services as `shuan mask`,
`shuan extract`/`shuan trace` and `shuan release-check`, and the console's 脱敏与发布 pages.

* Masking runs and delivered extracts read a **registered** source (by id; its location is decrypted in
  memory only) and write under the platform home; their files come back through audited downloads.
* Trace and release check take an uploaded file (multipart, CSV/TSV/XLSX/Parquet, at most the API's
  body limit): it is written to a private directory under the platform home, checked, and removed.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path as FsPath
from secrets import token_hex
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Path, Query, UploadFile, status
from pydantic import Field, StrictStr
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from shuan.audit.guard import record_refusal
from shuan.errors import InvalidInput, PermissionDenied, UsageError
from shuan.identity.principal import Principal
from shuan.platform import Platform
from shuan.protect.job import safe_file_stem
from shuan.protect.profiles import load_profile, scenario_ids
from shuan.protect.release import TARGETS, ReleaseReport
from shuan.protect.release_service import ReleaseRequest, check_release
from shuan.protect.service import MaskingRun, MaskOutcome, list_masking_runs, mask_registered, masked_file
from shuan.protect.tracing_service import (
    ACTION_TRACE,
    WEB_FORMATS,
    ExtractView,
    TraceReport,
    deliver_registered,
    describe,
    extract_file,
    list_register,
    trace_file,
)
from shuan.web.api.models import MAX_ID, Clean, Id, Input, Output, permission
from shuan.web.deps import CurrentPrincipal, PlatformDep
from shuan.web.download import download
from shuan.web.middleware import UPLOAD_BODY_BYTES

router = APIRouter(tags=["protect 脱敏与发布"])

#: the files an upload may be (the suffix of its name decides how it is read)
UPLOAD_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")
#: an upload is read whole into a private file: never more than the API accepts as a body
UPLOAD_LIMIT = UPLOAD_BODY_BYTES
UPLOADS_DIR = "uploads"
MASKERS = permission("steward | dept security officer (the source's department) | secadmin")
RUN_READERS = permission("steward, dept security officer (own department), secadmin, auditor")
DELIVERERS = permission("grant.manage | grant.manage_dept (the source's department)")
REGISTER_READERS = permission("grant.manage, audit.read (all) | grant.manage_dept (own department's extracts)")
TRACERS = permission("grant.manage | audit.read")

RunId = Annotated[str, Path(min_length=16, max_length=16, pattern=r"^[0-9a-f]{16}$")]
ExtractId = Annotated[int, Path(ge=1, le=MAX_ID)]
Purpose = Annotated[StrictStr, Field(min_length=1, max_length=500), Clean]
Scenario = Literal["dev_test", "statistics", "department_sharing", "open_data"]
TableName = Annotated[StrictStr, Field(min_length=1, max_length=500), Clean]
KeyLabel = Annotated[StrictStr, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-]{1,64}$")]


# -- uploads (shared with the console) ----------------------------------------------------------------------


def upload_name(filename: str | None) -> str:
    """A safe file name for an upload, keeping its suffix (which decides the reader): one line, no path."""
    raw = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    suffix = FsPath(raw).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UsageError("protect.upload_format", known="、".join(s.lstrip(".") for s in UPLOAD_SUFFIXES))
    stem = safe_file_stem(raw[: -len(suffix)])[:100] or "upload"
    return stem + suffix


def upload_root(platform: Platform) -> FsPath:
    return platform.settings.home / UPLOADS_DIR


@contextlib.contextmanager
def stored_upload(platform: Platform, filename: str | None, content: bytes) -> Iterator[FsPath]:
    """The upload as a private file under the platform home for the duration of the block."""
    path = save_upload(platform, filename, content)
    try:
        yield path
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)


def save_upload(platform: Platform, filename: str | None, content: bytes, *, owner: int | None = None) -> FsPath:
    """Check an upload (name, size, not empty) and write it to a new private directory; the caller
    removes it (`stored_upload` does). `owner`: a user id the directory name is bound to (console)."""
    name = upload_name(filename)
    if not content:
        raise InvalidInput("protect.upload_empty", field="file")
    if len(content) > UPLOAD_LIMIT:
        raise InvalidInput("protect.upload_too_large", field="file", limit=UPLOAD_LIMIT)
    folder = upload_root(platform) / (f"{owner}-{token_hex(8)}" if owner is not None else token_hex(8))
    folder.mkdir(parents=True, mode=0o700)
    path = folder / name
    path.write_bytes(content)
    return path


async def read_upload(file: UploadFile | None) -> tuple[str | None, bytes]:
    if file is None:
        raise InvalidInput("protect.upload_missing", field="file")
    content = await file.read(UPLOAD_LIMIT + 1)
    return file.filename, content


def require_trace(platform: Platform, actor: Principal) -> None:
    """Refuse (403, audited) a caller who may not trace, before anything of the upload is read."""
    from shuan.identity.roles import Permission

    if not (actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)):
        denied = PermissionDenied("tracing.trace_denied")
        record_refusal(platform, actor, ACTION_TRACE, "file:-", denied)
        raise denied


def columns_of(text: str | None) -> list[str] | None:
    """Comma-separated column names (Chinese commas too); None when none is given."""
    if text is None:
        return None
    names = [v.strip() for v in text.replace("，", ",").split(",") if v.strip()]
    return names or None


# -- models -------------------------------------------------------------------------------------------------


class RuleOut(Output):
    operator: str
    params: dict[str, Any]
    origin: str  # default | scenario


class ProfileOut(Output):
    id: str
    label: str
    description: str
    rules: dict[str, RuleOut]  # type id (and "*", free_text, untyped) -> rule


def profile_out(profile_id: str) -> ProfileOut:
    p = load_profile(profile_id)
    rules = {}
    for key, rule in p.types.items():
        described = rule.as_dict()
        operator = str(described.pop("operator"))
        rules[key] = RuleOut(operator=operator, params=described, origin=p.origins.get(key, "default"))
    return ProfileOut(id=p.id, label=p.label, description=p.description, rules=rules)


class MaskRunIn(Input):
    source_id: Id
    profile: Scenario
    purpose: Purpose
    # overrides on top of the scenario: {"types": {type: rule}, "columns": {"TABLE.COLUMN": rule},
    # "free_text": rule, "untyped": rule}; a rule is {"operator": …, parameters…}
    rules: Annotated[dict[str, Any], Field(max_length=4)] | None = None
    key_label: KeyLabel | None = None


class ColumnOut(Output):
    name: str
    operator: str
    params: dict[str, Any]
    types: list[str]
    values: int


class TableOut(Output):
    name: str
    rows: int
    values: int
    columns: list[ColumnOut]
    warnings: list[str]


class MaskRunOut(Output):
    run: str
    source_id: int
    source: str
    profile: str
    label: str
    rows: int
    values: int
    files: list[str]
    key_id: str | None
    key_fingerprint: str | None
    tables: list[TableOut]

    @classmethod
    def of(cls, run: str, source_id: int, outcome: MaskOutcome) -> MaskRunOut:
        return cls(run=run, source_id=source_id, source=outcome.source, profile=outcome.profile,
                   label=outcome.label, rows=outcome.rows, values=outcome.values,
                   files=[FsPath(t).name for t in outcome.targets], key_id=outcome.key_id,
                   key_fingerprint=outcome.key_fingerprint,
                   tables=[TableOut.model_validate(t.as_json()) for t in outcome.tables])


class MaskEventOut(Output):
    seq: int
    at: str
    actor: str
    outcome: str
    resource: str
    purpose: str
    run: str | None
    source_id: int | None
    department_id: int | None
    profile: str | None
    rows: int
    values: int
    files: list[str]
    reason: str | None

    @classmethod
    def of(cls, run: MaskingRun) -> MaskEventOut:
        return cls.model_validate(run.as_dict())


class ExtractIn(Input):
    source_id: Id
    recipient: Annotated[StrictStr, Field(min_length=1, max_length=100), Clean]  # department:ID | user:NAME
    purpose: Purpose
    table: TableName | None = None
    format: Literal["csv", "xlsx"] = "csv"
    keep: Annotated[list[TableName], Field(max_length=100)] = Field(default_factory=list)


class ExtractOut(Output):
    id: int
    recipient_kind: str
    recipient_id: int
    recipient_name: str
    purpose: str
    source: str
    output_name: str
    output_format: str
    output_digest: str
    row_count: int
    columns: list[str]
    marked_cells: int
    changed_cells: int
    carrier_cells: int
    scheme: str
    created_at: datetime
    created_by_name: str

    @classmethod
    def of(cls, view: ExtractView) -> ExtractOut:
        return cls.model_validate(view.as_dict())


class TraceOut(Output):
    file: str
    digest: str
    found: bool
    recipient: dict[str, Any] | None
    rows: int
    carrier_cells: int
    positions: int
    candidates: int
    threshold: str
    statistic: str
    best: dict[str, Any] | None
    others: list[dict[str, Any]]
    exact_extract: int | None
    extracts: list[int]
    lines: list[str]  # the finding in words (Chinese first), one line each

    @classmethod
    def of(cls, report: TraceReport, name: str) -> TraceOut:
        doc = report.as_dict()
        doc["file"] = name
        return cls.model_validate({k: v for k, v in doc.items() if k in cls.model_fields} | {"lines": describe(report)})


def release_doc(report: ReleaseReport, name: str) -> dict[str, Any]:
    doc = report.as_json()
    doc["source"] = name  # the uploaded file's name, not where the server kept it
    return doc


# -- masking ------------------------------------------------------------------------------------------------


@router.get("/masking/profiles", openapi_extra=permission("self.service"))
def profiles_route(_actor: CurrentPrincipal) -> list[ProfileOut]:
    """脱敏场景及每种数据类型的规则 / the masking scenarios with their rule per data type."""
    return [profile_out(sid) for sid in scenario_ids()]


@router.post("/masking/runs", status_code=status.HTTP_201_CREATED, openapi_extra=MASKERS)
def mask_route(body: MaskRunIn, actor: CurrentPrincipal, platform: PlatformDep) -> MaskRunOut:
    """对登记的数据源按场景脱敏（输出保存在平台目录，记入审计） / mask a registered source (audited)."""
    run, outcome = mask_registered(platform, actor, source_id=body.source_id, profile=body.profile,
                                   overrides=body.rules, purpose=body.purpose, key_label=body.key_label)
    return MaskRunOut.of(run, body.source_id, outcome)


@router.get("/masking/runs", openapi_extra=RUN_READERS)
def mask_runs_route(actor: CurrentPrincipal, platform: PlatformDep,
                    limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[MaskEventOut]:
    """脱敏记录（审计链中的 masking.run，按可见范围） / the masking runs of the audit chain the caller may see."""
    return [MaskEventOut.of(r) for r in list_masking_runs(platform, actor, limit=limit)]


@router.get("/masking/runs/{run_id}/download", openapi_extra=MASKERS, response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def mask_download_route(run_id: RunId, actor: CurrentPrincipal, platform: PlatformDep,
                        file: Annotated[str, Query(min_length=1, max_length=255)]) -> Response:
    """下载脱敏结果文件（记入审计） / one file of a masking run's output (audited)."""
    content = masked_file(platform, actor, run_id, file)
    return download(file, "csv", content)


# -- extracts and tracing -----------------------------------------------------------------------------------


@router.post("/extracts", status_code=status.HTTP_201_CREATED, openapi_extra=DELIVERERS)
def extract_route(body: ExtractIn, actor: CurrentPrincipal, platform: PlatformDep) -> ExtractOut:
    """分发带接收方指纹的数据副本并登记（记入审计） / deliver a fingerprinted copy to a recipient (audited)."""
    return ExtractOut.of(deliver_registered(platform, actor, source_id=body.source_id, recipient=body.recipient,
                                            purpose=body.purpose, fmt=body.format, table=body.table,
                                            keep=body.keep))


@router.get("/extracts", openapi_extra=REGISTER_READERS)
def extracts_route(actor: CurrentPrincipal, platform: PlatformDep,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[ExtractOut]:
    """分发登记簿 / the register of delivered extracts."""
    return [ExtractOut.of(v) for v in list_register(platform, actor, limit=limit)]


@router.get("/extracts/{extract_id}/download", openapi_extra=DELIVERERS, response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def extract_download_route(extract_id: ExtractId, actor: CurrentPrincipal, platform: PlatformDep) -> Response:
    """下载分发副本（核对摘要，记入审计） / the delivered copy (its digest checked; audited)."""
    view, content = extract_file(platform, actor, extract_id)
    fmt = view.output_format if view.output_format in WEB_FORMATS else "csv"
    return download(view.output_name, fmt, content)


@router.post("/trace", openapi_extra=TRACERS)
async def trace_route(actor: CurrentPrincipal, platform: PlatformDep,
                      file: Annotated[UploadFile | None, File(description="CSV/TSV/XLSX/Parquet")] = None) -> TraceOut:
    """泄露溯源：上传发现的数据文件，判断其带有哪个接收方的指纹（记入审计） / which recipient's fingerprint
    does an uploaded file carry (audited)."""
    await run_in_threadpool(require_trace, platform, actor)
    filename, content = await read_upload(file)

    def run() -> TraceOut:
        with stored_upload(platform, filename, content) as path:
            return TraceOut.of(trace_file(platform, actor, path), path.name)

    return await run_in_threadpool(run)


@router.post("/release-check", openapi_extra=permission("self.service"))
async def release_route(
    actor: CurrentPrincipal,
    platform: PlatformDep,
    file: Annotated[UploadFile | None, File(description="CSV/TSV/XLSX/Parquet")] = None,
    target: Annotated[Literal["open", "share", "stats"], Form()] = "open",
    qi: Annotated[str | None, Form(max_length=4000)] = None,
    sensitive: Annotated[str | None, Form(max_length=4000)] = None,
    k: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
    l: Annotated[int | None, Form(ge=1, le=1000)] = None,  # noqa: E741
    no_qi: Annotated[bool, Form()] = False,
    count_column: Annotated[str | None, Form(min_length=1, max_length=500)] = None,
    table: Annotated[str | None, Form(min_length=1, max_length=500)] = None,
) -> dict[str, Any]:
    """发布前重标识风险检查（上传文件；k-匿名、l-多样性、风险与结论，记入审计） / re-identification risk
    of an uploaded file before a release: report and verdict pass|warn|refuse (audited)."""
    assert target in TARGETS  # noqa: S101 - the Literal above is the policy's targets
    filename, content = await read_upload(file)
    declared = columns_of(qi)
    if no_qi and declared:
        raise UsageError("release.qi_conflict")
    request = ReleaseRequest(target, declared, columns_of(sensitive), k, l, None,
                             count_column.strip() if count_column else None, no_qi, table)

    def run() -> dict[str, Any]:
        with stored_upload(platform, filename, content) as path:
            return release_doc(check_release(platform, actor, path, request), path.name)

    return await run_in_threadpool(run)

