"""The REST service: `create_app()` builds the FastAPI application over one Platform.

Routes live in shuan.web.api (one router per area, all under /api/v1); they parse the request,
call one service function and render its result. Errors become problem+json (shuan.web.errors).
OpenAPI: /openapi.json, interactive docs at /docs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import RedirectResponse

from shuan import __version__
from shuan.platform import Platform, open_platform
from shuan.web import errors
from shuan.web.api import PREFIX, api_router
from shuan.web.console.routes import router as console_router
from shuan.web.middleware import (
    MAX_BODY_BYTES,
    UPLOAD_BODY_BYTES,
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
)

DESCRIPTION = f"""
数安政务数据安全管理平台 REST 接口 / shuan REST API.

**认证 / authentication** — 每个接口（登录、动态口令、健康检查除外）都需要以下之一：
`Authorization: Bearer shuan_<id>_<secret>`（API 令牌）或 `X-Session: <会话号>`（`POST {PREFIX}/auth/login`
返回）。不使用 Cookie。Every route except login, MFA and health needs an API token (Bearer) or a
session id (X-Session header); cookies are not used.

**错误 / errors** — `application/problem+json` (RFC 7807) with a stable `key` and a one-line `detail`
(Chinese first; `SHUAN_LANG=en` for English). Refusals are audited.

**限制 / limits** — request bodies up to {MAX_BODY_BYTES} bytes; the file uploads of `/trace` and
`/release-check` up to {UPLOAD_BODY_BYTES} bytes.
"""


STATIC = Path(__file__).resolve().parent / "static"

DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数安 shuan API</title>
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script>
<script src="/static/swagger/init.js"></script></body></html>
"""


def install_docs(app: FastAPI) -> None:
    """Interactive API docs from the vendored Swagger UI (no CDN: the platform runs air-gapped)."""

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS_PAGE)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> RedirectResponse:  # browsers ask for it on pages that link none (/docs)
        return RedirectResponse("/static/console/favicon.svg", status_code=308)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")


def create_app(platform: Platform | None = None, *, max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The application. With `platform` given the caller owns it (and closes it); without, the
    application opens one from the settings at start-up and closes it at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = None
        if getattr(app.state, "platform", None) is None:
            opened = app.state.platform = open_platform()
        try:
            yield
        finally:
            if opened is not None:
                opened.close()
                app.state.platform = None

    app = FastAPI(
        title="数安 shuan",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.platform = platform
    errors.install(app)
    app.include_router(api_router())
    app.include_router(console_router)
    install_docs(app)
    # the last added runs first: headers wrap everything, including a 413 refusal
    app.add_middleware(BodyLimitMiddleware, limit=max_body_bytes)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
