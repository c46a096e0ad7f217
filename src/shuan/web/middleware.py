"""ASGI middleware: a request body limit and security headers on every response."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shuan.messages import msg
from shuan.web.errors import SECURITY_HEADERS, problem

#: the largest request body the API accepts (every request model is far smaller)
MAX_BODY_BYTES = 1 << 20
#: the routes that take a data file (leak tracing, the release check) accept up to this much
UPLOAD_BODY_BYTES = 64 << 20
UPLOAD_PATHS = frozenset({"/api/v1/trace", "/api/v1/release-check", "/console/protect/trace", "/console/protect/release"})

#: the interactive docs run the vendored Swagger UI (the only page that runs script; no inline script)
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = frozenset({"/docs"})

#: the web console: its own scripts and styles only (never inline script), SVG charts inline in the page
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
CONSOLE_PREFIX = "/console"


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413)
        self.limit = limit


class BodyLimitMiddleware:
    """Refuse bodies over `limit` bytes with 413 (`upload_limit` on the file-upload routes `UPLOAD_PATHS`):
    at once when Content-Length says so, otherwise as soon as the streamed body passes the limit (FastAPI
    re-raises the HTTPException to the handlers)."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES, upload_limit: int = UPLOAD_BODY_BYTES) -> None:
        self.app = app
        self.default_limit = limit
        self.upload_limit = max(limit, upload_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if scope.get("path") in UPLOAD_PATHS else self.default_limit
        declared = Headers(scope=scope).get("content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                await self._refuse(scope, receive, send, limit)
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(413, "api.body_too_large", msg("api.body_too_large", limit=limit),
                           headers={"Connection": "close"})
        await response(scope, receive, send)


class SecurityHeadersMiddleware:
    """Add SECURITY_HEADERS to every response (the docs page gets a CSP that lets Swagger UI run, the console
    pages one that allows their own scripts, styles and forms)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path") or ""
        docs = path in DOCS_PATHS
        console = path == CONSOLE_PREFIX or path.startswith(CONSOLE_PREFIX + "/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
                if docs:
                    headers["Content-Security-Policy"] = DOCS_CSP
                elif console:
                    headers["Content-Security-Policy"] = CONSOLE_CSP
            await send(message)

        await self.app(scope, receive, with_headers)
