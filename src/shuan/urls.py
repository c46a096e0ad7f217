"""Database URLs: the default driver per scheme, and masking every secret a URL can carry (the password,
and query parameters such as ?password= or ?sslpassword=) before a URL is shown, logged or stored."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DEFAULT_DRIVERS = {
    "postgresql": "postgresql+psycopg",
    "postgres": "postgresql+psycopg",
    "mysql": "mysql+pymysql",
    "mariadb": "mariadb+pymysql",
    "sqlite": "sqlite",
}
SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "sslpassword", "secret", "token", "access_token"})
_SECRET_QUERY = re.compile(r"([?&](?:" + "|".join(sorted(SECRET_QUERY_KEYS)) + r")=)[^&#]*", re.I)


def with_default_driver(url: str) -> str:
    """``postgresql://`` → psycopg 3, ``mysql://`` → PyMySQL; other URLs unchanged."""
    scheme, sep, rest = url.partition("://")
    base = scheme.split("+", 1)[0].lower()
    if sep and "+" not in scheme and base in DEFAULT_DRIVERS:
        return DEFAULT_DRIVERS[base] + "://" + rest
    return url


def mask_url(url: str | URL) -> str:
    """`url` with its password and secret query values replaced by ``***`` (also when unparsable)."""
    import sqlalchemy as sa  # loaded here: file scans never need it
    from sqlalchemy.engine import URL, make_url

    if isinstance(url, URL):
        return _SECRET_QUERY.sub(r"\1***", url.render_as_string(hide_password=True))
    if url.split("://", 1)[-1].split("/", 1)[0].count("@") > 1:
        return _SECRET_QUERY.sub(r"\1***", re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url))
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError, TypeError):
        shown = re.sub(r"(://[^/@:]*:)[^/]*@", r"\1***@", url)
    return _SECRET_QUERY.sub(r"\1***", shown)


def secrets_of(url: URL) -> list[str]:
    """Every secret value in `url`, to scrub from driver messages."""
    found = [url.password] if isinstance(url.password, str) and url.password else []
    for key, value in url.query.items():
        if key.lower() in SECRET_QUERY_KEYS:
            found.extend(v for v in ([value] if isinstance(value, str) else value) if v)
    return found


def scrub(text: str, secrets: Iterable[str]) -> str:
    """One line of a driver message, with every secret removed."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    for secret in secrets:
        if secret:
            line = line.replace(secret, "***")
    return line
