"""Console pages 脱敏与发布 (issue 5): the masking scenarios and their rules, masking a registered source
(result with counts and downloads), delivering fingerprinted extracts and their register, tracing a found
file, and the release check of an uploaded file (choose the quasi-identifiers from its columns, then the
report and verdict).

Each route parses, makes one service call and renders; refusals become pages through `ConsoleRoute` (a
refused permission is the error page, audited once by the service or by `_require`). Names that come
from a file (columns, tables, file names) are only ever rendered through Jinja's escaping. An uploaded
file lives in a private directory of the platform home until its check is done (the release check keeps
it between its two steps, bound to the user, for at most `UPLOAD_TTL`).
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from shuan.audit.guard import record_refusal
from shuan.errors import InvalidInput, PermissionDenied, ShuanError
from shuan.identity.principal import Principal
from shuan.identity.roles import Permission
from shuan.inventory.sources import SourceView, list_sources, may_manage
from shuan.messages import msg
from shuan.platform import Platform
from shuan.protect.profiles import FREE_TEXT, OTHER, UNTYPED, load_profile, scenario_ids
from shuan.protect.release import action_label, suggestion_text
from shuan.protect.release_service import ReleaseRequest, check_release, load_table
from shuan.protect.service import MASK_ROLES, list_masking_runs, mask_registered, masked_file
from shuan.protect.tracing_service import (
    ACTION_DELIVER,
    WEB_FORMATS,
    deliver_registered,
    describe,
    extract_file,
    list_register,
    trace_file,
)
from shuan.web.api.protect import (
    UPLOAD_LIMIT,
    columns_of,
    require_trace,
    save_upload,
    stored_upload,
    upload_root,
)
from shuan.web.console.routes import (
    ActiveUser,
    ConsoleRoute,
    PostingUser,
    _int_or_none,
    form_text,
    is_error_page,
    render,
)
from shuan.web.deps import get_platform
from shuan.web.download import download
from shuan.web.errors import status_of

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)  # included under /console by routes.py

#: how long an upload waits for the second step of the release check
UPLOAD_TTL = 3600.0
_UPLOAD_ID = re.compile(r"^(\d{1,10})-([0-9a-f]{16})$")
_RUN_ID = re.compile(r"^[0-9a-f]{16}$")


# -- who may do what (refusals audited once, before anything is looked up) ----------------------------------


def may_mask(actor: Principal) -> bool:
    return bool(actor.roles & MASK_ROLES)


def may_deliver(actor: Principal) -> bool:
    return actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.GRANT_MANAGE_DEPT)


def may_trace(actor: Principal) -> bool:
    return actor.can(Permission.GRANT_MANAGE) or actor.can(Permission.AUDIT_READ)


def may_read_register(actor: Principal) -> bool:
    return may_deliver(actor) or actor.can(Permission.AUDIT_READ)


def _require(platform: Platform, actor: Principal, allowed: bool, key: str, action: str, resource: str) -> None:
    if not allowed:
        exc = PermissionDenied(key)
        record_refusal(platform, actor, action, resource, exc)
        raise exc


# -- read models ----------------------------------------------------------------------------------------------


def type_label(type_id: str) -> str:
    if type_id == OTHER:
        return msg("console.protect_type_other")
    if type_id == FREE_TEXT:
        return msg("console.protect_type_free_text")
    if type_id == UNTYPED:
        return msg("console.protect_type_untyped")
    from shuan.discovery.vocabulary import label

    return label(type_id)


def operator_label(operator: str) -> str:
    key = f"console.protect_op_{operator}"
    text = msg(key)
    return operator if text == key else f"{text}（{operator}）"


def rule_text(described: Mapping[str, Any]) -> str:
    """A rule in words: the operator's Chinese name and its parameters that are set."""
    params = "，".join(f"{k}={v}" for k, v in described.items() if k != "operator" and v is not None)
    return operator_label(str(described.get("operator", "?"))) + (f"：{params}" if params else "")


@dataclass(frozen=True)
class RuleRow:
    type_id: str
    label: str
    rule: str
    origin: str


@dataclass(frozen=True)
class ProfileView:
    id: str
    label: str
    description: str
    rows: list[RuleRow]


def profile_views() -> list[ProfileView]:
    out = []
    for sid in scenario_ids():
        p = load_profile(sid)
        rows = [RuleRow(k, type_label(k), rule_text(r.as_dict()),
                        msg("console.protect_origin_scenario") if p.origins.get(k) == "scenario"
                        else msg("console.protect_origin_default"))
                for k, r in p.types.items()]
        out.append(ProfileView(p.id, p.label, p.description, rows))
    return out


def scenario_choices() -> list[tuple[str, str]]:
    return [(sid, load_profile(sid).label) for sid in scenario_ids()]


def managed_sources(platform: Platform, actor: Principal) -> list[SourceView]:
    """The active registered sources the user may mask or deliver from (the own department's, or all)."""
    return [v for v in list_sources(platform, actor=actor) if v.active and may_manage(actor, v.department_id)]


def _clear_stale_uploads(platform: Platform) -> None:
    root = upload_root(platform)
    if not root.is_dir():
        return
    limit = time.time() - UPLOAD_TTL
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _kept_upload(platform: Platform, actor: Principal, upload: str) -> Path:
    """The file of the release check's first step, if it is this user's and still there."""
    found = _UPLOAD_ID.match(upload or "")
    if found is None or int(found.group(1)) != actor.user_id:
        raise InvalidInput("console.protect_upload_gone", field="upload")
    folder = upload_root(platform) / upload
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    if len(files) != 1:
        raise InvalidInput("console.protect_upload_gone", field="upload")
    return files[0]


async def _upload(request: Request) -> tuple[str | None, bytes]:
    value = (await request.form()).get("file")
    if not isinstance(value, UploadFile):
        raise InvalidInput("protect.upload_missing", field="file")
    return value.filename, await value.read(UPLOAD_LIMIT + 1)


def _release_page(request: Request, user: Any, **context: Any) -> Response:
    status = int(context.pop("status", 200))
    base: dict[str, Any] = {"targets": [(t, msg(f"console.protect_target_{t}")) for t in ("open", "share", "stats")],
                            "upload": None, "file_name": None, "columns": [], "report": None, "error": None,
                            "target": "open", "suggestion": None, "check_label": _check_label,
                            "action_label": action_label}
    base.update(context)
    return render(request, "protect_release.html", user=user, status=status, **base)


def _check_label(check: str) -> str:
    return msg(f"release.check_{check}")


def _names(values: Iterable[str]) -> list[str]:
    return [v for v in values if v]


# -- pages ------------------------------------------------------------------------------------------------------


@router.get("/protect")
def protect_index(request: Request, user: ActiveUser) -> Response:
    p = user.principal
    return render(request, "protect_index.html", user=user, may_mask=may_mask(p), may_deliver=may_read_register(p),
                  may_trace=may_trace(p))


@router.get("/protect/profiles")
def protect_profiles(request: Request, user: ActiveUser) -> Response:
    return render(request, "protect_profiles.html", user=user, profiles=profile_views())


# -- masking ---------------------------------------------------------------------------------------------------


def _mask_form(platform: Platform, actor: Principal) -> dict[str, Any]:
    return {"sources": managed_sources(platform, actor), "scenarios": scenario_choices(),
            "runs": list_masking_runs(platform, actor, limit=50)}


@router.get("/protect/mask")
def mask_page(request: Request, user: ActiveUser) -> Response:
    platform = get_platform(request)
    _require(platform, user.principal, may_mask(user.principal), "masking.role_denied", "masking.run", "masking:form")
    return render(request, "protect_mask.html", user=user, form=_mask_form(platform, user.principal), error=None,
                  typed={})


@router.post("/protect/mask")
async def mask_submit(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    actor = user.principal
    await run_in_threadpool(_require, platform, actor, may_mask(actor), "masking.role_denied", "masking.run",
                            "masking:form")
    source_id = _int_or_none(await form_text(request, "source", 20), "source") or 0
    profile = (await form_text(request, "profile", 64)).strip()
    purpose = (await form_text(request, "purpose", 500)).strip()
    rules_text = (await form_text(request, "rules", 20_000)).strip()
    typed = {"source": source_id, "profile": profile, "purpose": purpose, "rules": rules_text}
    try:
        overrides = _overrides(rules_text)
        run, outcome = await run_in_threadpool(lambda: mask_registered(
            platform, actor, source_id=source_id, profile=profile, overrides=overrides, purpose=purpose))
    except ShuanError as exc:
        if is_error_page(exc):
            raise
        form = await run_in_threadpool(_mask_form, platform, actor)
        return render(request, "protect_mask.html", user=user, form=form, error=exc.user_message, typed=typed,
                      status=status_of(exc))
    files = [Path(t).name for t in outcome.targets]
    return render(request, "protect_mask_result.html", user=user, run=run, outcome=outcome, files=files,
                  operator_label=operator_label, type_label=type_label)


def _overrides(text: str) -> dict[str, Any] | None:
    if not text:
        return None
    import json

    try:
        value = json.loads(text)
    except ValueError as exc:
        raise InvalidInput("console.protect_rules_json", field="rules", reason=str(exc)[:200]) from None
    if not isinstance(value, dict):
        raise InvalidInput("console.protect_rules_json", field="rules", reason="{…}")
    return value


@router.get("/protect/runs/{run_id}/download")
def mask_download(request: Request, user: ActiveUser, run_id: str, file: str = "") -> Response:
    content = masked_file(get_platform(request), user.principal, run_id if _RUN_ID.match(run_id) else "-", file)
    return download(file, "csv", content)


# -- extracts -------------------------------------------------------------------------------------------------


def _extract_form(platform: Platform, actor: Principal) -> dict[str, Any]:
    return {"sources": managed_sources(platform, actor) if may_deliver(actor) else [],
            "may_deliver": may_deliver(actor), "formats": WEB_FORMATS,
            "register": list_register(platform, actor, limit=200)}


@router.get("/protect/extracts")
def extracts_page(request: Request, user: ActiveUser) -> Response:
    platform = get_platform(request)
    _require(platform, user.principal, may_read_register(user.principal), "protect.register_denied", "extract.list",
             "extracts")
    return render(request, "protect_extracts.html", user=user, form=_extract_form(platform, user.principal),
                  error=None, done=None, typed={})


@router.post("/protect/extracts")
async def extract_submit(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    actor = user.principal
    await run_in_threadpool(_require, platform, actor, may_deliver(actor), "tracing.deliver_denied", ACTION_DELIVER,
                            "extracts")
    source_id = _int_or_none(await form_text(request, "source", 20), "source") or 0
    recipient = (await form_text(request, "recipient", 100)).strip()
    purpose = (await form_text(request, "purpose", 500)).strip()
    table = (await form_text(request, "table", 500)).strip() or None
    fmt = (await form_text(request, "format", 10)).strip() or "csv"
    keep = [k.strip() for k in (await form_text(request, "keep", 2000)).replace("，", ",").split(",") if k.strip()]
    typed = {"source": source_id, "recipient": recipient, "purpose": purpose, "table": table or "",
             "format": fmt, "keep": ",".join(keep)}
    done = error = None
    code = 200
    try:
        view = await run_in_threadpool(lambda: deliver_registered(
            platform, actor, source_id=source_id, recipient=recipient, purpose=purpose, fmt=fmt, table=table,
            keep=keep))
        done = view
        typed = {}
    except ShuanError as exc:
        if is_error_page(exc):
            raise
        error, code = exc.user_message, status_of(exc)
    form = await run_in_threadpool(_extract_form, platform, actor)
    return render(request, "protect_extracts.html", user=user, form=form, error=error, done=done, typed=typed,
                  status=code)


@router.get("/protect/extracts/{extract_id}/download")
def extract_download(request: Request, user: ActiveUser, extract_id: int) -> Response:
    view, content = extract_file(get_platform(request), user.principal, extract_id)
    return download(view.output_name, view.output_format if view.output_format in WEB_FORMATS else "csv", content)


# -- trace ----------------------------------------------------------------------------------------------------


@router.get("/protect/trace")
def trace_page(request: Request, user: ActiveUser) -> Response:
    platform = get_platform(request)
    require_trace(platform, user.principal)
    return render(request, "protect_trace.html", user=user, lines=None, found=None, error=None, file_name=None)


@router.post("/protect/trace")
async def trace_submit(request: Request, user: PostingUser) -> Response:
    platform = get_platform(request)
    actor = user.principal
    await run_in_threadpool(require_trace, platform, actor)
    try:
        filename, content = await _upload(request)

        def run() -> tuple[str, list[str], bool]:
            with stored_upload(platform, filename, content) as path:
                report = trace_file(platform, actor, path)
                return path.name, describe(report), report.recipient is not None

        name, lines, found = await run_in_threadpool(run)
    except ShuanError as exc:
        if is_error_page(exc):
            raise
        return render(request, "protect_trace.html", user=user, lines=None, found=None, error=exc.user_message,
                      file_name=None, status=status_of(exc))
    return render(request, "protect_trace.html", user=user, lines=lines, found=found, error=None, file_name=name)


# -- release check -----------------------------------------------------------------------------------------------


@router.get("/protect/release")
def release_page(request: Request, user: ActiveUser) -> Response:
    return _release_page(request, user)


@router.post("/protect/release")
async def release_upload(request: Request, user: PostingUser) -> Response:
    """Step 1: keep the upload (bound to the user) and show its columns to choose the quasi-identifiers."""
    platform = get_platform(request)
    actor = user.principal
    target = (await form_text(request, "target", 10)).strip() or "open"
    try:
        filename, content = await _upload(request)

        def keep() -> tuple[str, str, list[str]]:
            _clear_stale_uploads(platform)
            path = save_upload(platform, filename, content, owner=actor.user_id)
            try:
                loaded = load_table(str(path), None, platform.settings.batch_rows)
            except BaseException:
                shutil.rmtree(path.parent, ignore_errors=True)
                raise
            return path.parent.name, path.name, [str(c) for c in loaded.frame.columns]

        upload, name, columns = await run_in_threadpool(keep)
    except ShuanError as exc:
        if is_error_page(exc):
            raise
        return _release_page(request, user, error=exc.user_message, target=target, status=status_of(exc))
    return _release_page(request, user, upload=upload, file_name=name, columns=columns, target=target)


@router.post("/protect/release/check")
async def release_check(request: Request, user: PostingUser) -> Response:
    """Step 2: the check with the chosen columns (none chosen: inferred); the kept upload is removed."""
    platform = get_platform(request)
    actor = user.principal
    form = await request.form()
    upload = (await form_text(request, "upload", 40)).strip()
    target = (await form_text(request, "target", 10)).strip()
    k = _int_or_none(await form_text(request, "k", 10), "k")
    qi = _names(str(v)[:500] for v in form.getlist("qi")[:200])
    sensitive = _names(str(v)[:500] for v in form.getlist("sensitive")[:200])
    extra_qi = columns_of(await form_text(request, "qi_text", 4000)) or []
    path: Path | None = None
    try:
        if target not in ("open", "share", "stats"):
            raise InvalidInput("console.bad_form", field="target")
        if k is not None and not 1 <= k <= 1_000_000:
            raise InvalidInput("console.bad_form", field="k")
        path = await run_in_threadpool(_kept_upload, platform, actor, upload)
        request_ = ReleaseRequest(target, (qi + extra_qi) or None, sensitive or None, k)
        kept = path
        report = await run_in_threadpool(lambda: check_release(platform, actor, kept, request_))
    except ShuanError as exc:
        if is_error_page(exc):
            raise
        return _release_page(request, user, error=exc.user_message, target=target or "open", status=status_of(exc))
    finally:
        if path is not None:
            shutil.rmtree(path.parent, ignore_errors=True)
    return _release_page(request, user, report=report, file_name=path.name, target=target,
                         suggestion=suggestion_text(report))
