"""Helpers of the console tests: a browser-like client (https, cookies), logging in through the console's
forms, and a registered source whose table and column names are script-like."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.identity.sessions import authenticate
from shuan.inventory.sources import register_source, scan_source
from tests.web.conftest import SECADMIN_NAME, Actor, Api

EVIL_TABLE = "<script>alert(1)</script>"
EVIL_COLUMN = '"><img src=x onerror=alert(1)>'
CSRF_RE = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def browser(api: Api) -> TestClient:
    return TestClient(api.app, base_url="https://testserver", raise_server_exceptions=True, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, html[:500]
    return found.group(1)


def console_login(api: Api, client: TestClient, actor: Actor) -> str:
    """Log `actor` in through the console (password, then TOTP when enrolled); returns the page's CSRF token."""
    page = client.get("/console/login")
    assert page.status_code == 200
    r = client.post("/console/login", data={"username": actor.username, "password": actor.password,
                                            "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303, r.text
    if r.headers["location"] == "/console/mfa":
        assert actor.totp_secret is not None
        page = client.get("/console/mfa")
        assert page.status_code == 200
        r = client.post("/console/mfa", data={"code": api.clock.fresh_code(actor.totp_secret),
                                              "csrf_token": csrf_of(page.text)})
        assert r.status_code == 303, r.text
    assert r.headers["location"] == "/console/"
    home = client.get("/console/")
    assert home.status_code == 200, home.text
    return csrf_of(home.text)


def principal(api: Api, actor: Actor) -> Principal:
    return authenticate(api.platform, session_id=actor.session)


def evil_sqlite(path: Path) -> Path:
    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE {q(EVIL_TABLE)} ({q(EVIL_COLUMN)} TEXT, 手机号 TEXT, 备注 TEXT)")
    con.executemany(f"INSERT INTO {q(EVIL_TABLE)} VALUES (?, ?, ?)",  # noqa: S608 - test data
                    [(f"<b>x{i}</b>", f"1380013{i:04d}", f"<script>r{i}</script>") for i in range(60)])
    con.commit()
    con.close()
    return path


def registered_evil_source(api: Api, tmp: Path) -> dict[str, Any]:
    """A source of the root department registered and scanned by the security administrator."""
    secadmin = api.officer(Role.SECADMIN)
    who = principal(api, secadmin)
    view = register_source(api.platform, actor=who, name="evil", location=str(evil_sqlite(tmp / "evil.db")),
                           department_id=api.root_id, responsible_username=SECADMIN_NAME)
    scan = scan_source(api.platform, actor=who, source_id=view.id)
    assert scan.scan_id is not None and scan.tables == 1, scan
    return {"secadmin": secadmin, "source": view, "scan": scan}
