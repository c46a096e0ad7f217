"""How a CLI command knows who is acting: an API token in SHUAN_TOKEN, resolved like a REST bearer token.

There is no anonymous administration: apart from `shuan init` (first run only), every security
command needs a token whose user holds the role and whose scopes include the permission.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from shuan.errors import AuthError
from shuan.identity.principal import Principal
from shuan.platform import Platform, open_platform


@contextmanager
def authenticated() -> Iterator[tuple[Platform, Principal]]:
    from shuan.identity.tokens import resolve_token

    secret = os.environ.get("SHUAN_TOKEN", "").strip()
    platform = open_platform()
    try:
        if not secret:
            raise AuthError("cli.token_missing")
        principal = resolve_token(platform, secret, client="cli")
        yield platform, principal
    finally:
        platform.close()
