"""CSRF protection: a synchronizer token bound to the session.

The token is HMAC-SM3 over the session id (or, before login, the login nonce cookie) under a key derived
from the root key for this purpose only, so nothing is stored and a token is worthless for any other
session (it changes when the session id is replaced after the second factor). Forms carry it in the
hidden field ``csrf_token``; htmx requests in the ``X-CSRF-Token`` header (``static/console/console.js``
copies it from the page's meta tag). A missing or wrong token is refused with 403 and a ``console.csrf``
``denied`` audit event; SameSite=Strict cookies are the second line.
"""

from __future__ import annotations

import hmac

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from shuan.audit.events import Event, Outcome
from shuan.crypto.keys.root import provider_from_settings
from shuan.crypto.sm3 import hmac_sm3
from shuan.errors import PermissionDenied
from shuan.identity.common import anonymous
from shuan.identity.principal import Principal
from shuan.platform import Platform, derive_system_key
from shuan.web.deps import client_address, get_platform

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
KEY_PURPOSE = "console-csrf"
REFUSAL = "console.csrf_invalid"


def csrf_key(request: Request) -> bytes:
    """The CSRF key of this application (derived once from the root key, kept in memory only)."""
    key: bytes | None = getattr(request.app.state, "console_csrf_key", None)
    if key is None:
        platform = get_platform(request)
        root = provider_from_settings(platform.settings).root_key()
        key = request.app.state.console_csrf_key = derive_system_key(root, KEY_PURPOSE, 32)
    return key


def token_for(key: bytes, binding: str, *, purpose: str = "session") -> str:
    return hmac_sm3(key, f"shuan/console/csrf/v1|{purpose}|{binding}".encode()).hex()


def session_token(request: Request, session_id: str) -> str:
    return token_for(csrf_key(request), session_id)


def login_token(request: Request, nonce: str) -> str:
    return token_for(csrf_key(request), nonce, purpose="login")


async def sent_token(request: Request) -> str:
    header = request.headers.get(HEADER)
    if header:
        return header
    if request.method == "POST":
        form = await request.form()
        value = form.get(FIELD)
        if isinstance(value, str):
            return value
    return ""


def _refuse(platform: Platform, actor: Principal, path: str, why: str) -> None:
    with platform.store.transaction() as s:
        platform.audit.record(s, Event("console.csrf", actor, outcome=Outcome.DENIED, resource=f"console:{path[:200]}",
                                       details={"reason": REFUSAL, "why": why}))


async def require_token(request: Request, expected: str | None, actor: Principal | None) -> None:
    """Refuse (403, audited) unless the request carries `expected`."""
    sent = await sent_token(request)
    if expected is not None and sent and hmac.compare_digest(sent.encode(), expected.encode()):
        return
    platform = get_platform(request)
    who = actor or anonymous(client_address(request))
    await run_in_threadpool(_refuse, platform, who, request.url.path, "mismatch" if sent else "missing")
    raise PermissionDenied(REFUSAL)
