"""Errors as RFC 7807 problem documents (``application/problem+json``).

Every refusal a service raises is a `ShuanError` with a one-line, Chinese-first message; here it
gets its HTTP status:

=====================================  ======  ==========================================================
error                                  status  note
=====================================  ======  ==========================================================
UsageError, InvalidInput, Crypto…    400     malformed field, bad dataset name (the message names it)
AuthError                              401     ``WWW-Authenticate: Bearer``; a locked account is 429
PermissionDenied                       403     the service has already written a ``denied`` audit event
NotFound                               404
Conflict                               409
request validation (pydantic)          422     malformed JSON is 400; the input value is never echoed
AuditError, StoreError                 503     fail-closed: nothing was done (the reason is logged)
ConfigError                            500     the server is misconfigured (root key, settings): says so,
                                               the specifics go to the log
anything else                          500     no internals in the body; the traceback goes to the log
=====================================  ======  ==========================================================

The document carries ``type`` (``urn:shuan:problem:<message key>``), ``title``, ``status``,
``detail`` (the user message) and ``key`` (the stable message key, for clients).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shuan.errors import (
    AuditError,
    AuthError,
    ConfigError,
    Conflict,
    CryptoError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ShuanError,
    SourceError,
    StoreError,
    TableError,
    UsageError,
)
from shuan.messages import msg, one_line, validation_reason

log = logging.getLogger("shuan.web")

PROBLEM_JSON = "application/problem+json"

#: first match wins (subclasses before their bases)
STATUS_BY_ERROR: tuple[tuple[type[ShuanError], int], ...] = (
    (AuthError, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (AuditError, 503),
    (StoreError, 503),
    (ConfigError, 500),
    (UsageError, 400),
    (InvalidInput, 400),
    (CryptoError, 400),
    (SourceError, 400),
    (TableError, 400),
)

#: a locked account (brute force) is "too many requests", with Retry-After
LOCKED_KEY = "identity.locked"
THROTTLED_KEY = "identity.throttled"

#: headers every response carries (the API serves JSON only; the docs page relaxes the CSP itself)
SECURITY_HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def status_of(error: ShuanError) -> int:
    if error.key in (LOCKED_KEY, THROTTLED_KEY):
        return 429
    for kind, status in STATUS_BY_ERROR:
        if isinstance(error, kind):
            return status
    return 400


def title_of(status: int) -> str:
    key = f"api.title_{status}"
    text = msg(key)
    return text if text != key else msg("api.title_other")


def problem(status: int, key: str, detail: str, *, headers: Mapping[str, str] | None = None,
            extra: Mapping[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:shuan:problem:{key}",
        "title": title_of(status),
        "status": status,
        "detail": str(one_line(detail)),
        "key": key,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON,
                        headers={**SECURITY_HEADERS, **(headers or {})})


def shuan_error_response(error: ShuanError) -> JSONResponse:
    status = status_of(error)
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="shuan"'
    if status == 429:
        seconds = error.params.get("seconds")
        if isinstance(seconds, int):
            headers["Retry-After"] = str(seconds)
    if isinstance(error, InvalidInput) and error.field:
        extra["field"] = error.field
    detail = error.user_message
    if status >= 500:
        # the server's own trouble (a database error line, a path): logged here, not told to the client
        log.error("%s %s: %s", status, error.key, detail)
        detail = msg("api.config_error") if isinstance(error, ConfigError) else msg("api.unavailable")
    return problem(status, error.key, detail, headers=headers, extra=extra)


def _field(loc: Sequence[object]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def validation_response(errors: Sequence[Mapping[str, Any]]) -> JSONResponse:
    """422 naming the first bad field (400 for JSON that does not parse). Input values are never echoed:
    a rejected field may be a password."""
    if not errors:
        return problem(422, "api.invalid_request", msg("api.invalid_request", field="body", reason="?"))
    first = errors[0]
    if first.get("type") == "json_invalid":
        ctx = first.get("ctx") or {}
        reason = str(ctx.get("error", "")) if isinstance(ctx, Mapping) else ""
        return problem(400, "api.malformed_json", msg("api.malformed_json", reason=reason[:200]))
    items = [{"field": _field(e.get("loc", ())), "reason": validation_reason(e)} for e in errors[:20]]
    head = items[0]
    if len(errors) > 1:
        detail = msg("api.invalid_request_more", field=head["field"], reason=head["reason"], more=len(errors) - 1)
    else:
        detail = msg("api.invalid_request", field=head["field"], reason=head["reason"])
    return problem(422, "api.invalid_request", detail, extra={"errors": items})


async def _on_shuan_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShuanError)  # noqa: S101 - registered for ShuanError only
    return shuan_error_response(exc)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)  # noqa: S101
    return validation_response(exc.errors())


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)  # noqa: S101
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 404:
        return problem(404, "api.route_not_found", msg("api.route_not_found"), headers=headers)
    if status == 405:
        return problem(405, "api.method_not_allowed", msg("api.method_not_allowed", method=request.method[:20]),
                       headers=headers)
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="shuan"')
        return problem(401, "api.unauthenticated", msg("api.unauthenticated"), headers=headers)
    if status == 413:
        limit = getattr(exc, "limit", None)
        detail = msg("api.body_too_large", limit=limit) if isinstance(limit, int) else msg("api.http_error", status=413)
        return problem(413, "api.body_too_large", detail, headers=headers)
    return problem(status, "api.http_error", msg("api.http_error", status=status), headers=headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error in %s %s", request.method, request.url.path)
    return problem(500, "api.internal_error", msg("api.internal_error"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(ShuanError, _on_shuan_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_unexpected)
