"""REST API fixtures: the real app over a fresh platform, in-process (TestClient), a movable clock
for the identity services (TOTP steps, token expiry) and actors who log in through the API."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.clock import utcnow
from shuan.config import Settings
from shuan.identity import common, passwords
from shuan.identity.bootstrap import bootstrap
from shuan.identity.roles import MFA_REQUIRED, Role
from shuan.platform import Platform, open_platform
from shuan.web.app import create_app
from tests.conftest import TEST_ROOT_KEY

API = "/api/v1"
ADMIN_PASSWORD = "Admin-Passw0rd!"
GOOD_PASSWORD = "Correct-Horse-42"
OFFICER_PASSWORD = "Officer-Passw0rd!"
#: the other two administrators `bootstrap` creates with root.admin
SECADMIN_NAME = "root.secadmin"
AUDITOR_NAME = "root.auditor"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("web-template")
    p = open_platform(Settings(home=home, root_key=TEST_ROOT_KEY))
    p.close()
    return home / "shuan.db"


@pytest.fixture
def platform(root_key: str, isolated_home: Path, migrated_template: Path) -> Iterator[Platform]:
    shutil.copyfile(migrated_template, isolated_home / "shuan.db")
    p = open_platform()
    yield p
    p.close()


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "TIME_COST", 1)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 64)
    monkeypatch.setattr(passwords, "PARALLELISM", 1)


class Clock:
    """The identity services' clock: real time plus an offset the test moves (nothing sleeps)."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)

    def code(self, secret: str) -> str:
        return str(pyotp.TOTP(secret).at(self.now()))

    def fresh_code(self, secret: str) -> str:
        """A code of a time step no earlier code used: move to the next step first."""
        self.advance(seconds=30)
        return self.code(secret)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock()
    monkeypatch.setattr(common, "utcnow", c.now)
    return c


@dataclass
class Actor:
    username: str
    password: str
    session: str
    user_id: int
    totp_secret: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Session": self.session}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The app, a client, and the steps a person takes through the API."""

    def __init__(self, platform: Platform, clock: Clock) -> None:
        self.platform = platform
        self.clock = clock
        self.app = create_app(platform)
        self.client = TestClient(self.app, raise_server_exceptions=False)
        self.admin: Actor | None = None
        self.root_id = 0
        self.first_secrets: dict[Role, str] = {}
        self.officers: dict[Role, Actor] = {}

    # -- HTTP -------------------------------------------------------------------------------------

    def call(self, method: str, path: str, *, actor: Actor | None = None, token: str | None = None,
             headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        sent = dict(headers or {})
        if actor is not None:
            sent.update(actor.headers)
        if token is not None:
            sent.update(bearer(token))
        response = self.client.request(method, API + path, headers=sent, **kwargs)
        assert response.status_code < 500, (method, path, response.status_code, response.text)
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.call("POST", path, **kw)

    # -- people -----------------------------------------------------------------------------------

    def login(self, username: str, password: str, totp_secret: str | None = None) -> dict[str, Any]:
        r = self.post("/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        if doc["stage"] == "mfa":
            assert totp_secret is not None
            r = self.post("/auth/mfa", json={"code": self.clock.fresh_code(totp_secret)},
                          headers={"X-Session": doc["session"]})
            assert r.status_code == 200, r.text
            doc = r.json()
        return doc

    def first_login(self, username: str, secret: str, password: str, *, enrol: bool) -> Actor:
        doc = self.login(username, secret)
        assert doc["stage"] == "password"
        session = {"X-Session": doc["session"]}
        r = self.post("/me/password", json={"current_password": secret, "new_password": password}, headers=session)
        assert r.status_code == 200, r.text
        stage = r.json()["stage"]
        totp_secret = None
        if stage == "enroll" or enrol:
            r = self.post("/me/totp", headers=session)
            assert r.status_code == 200, r.text
            totp_secret = r.json()["secret"]
            r = self.post("/me/totp/confirm", json={"code": self.clock.fresh_code(totp_secret)}, headers=session)
            assert r.status_code == 200, r.text
            stage = r.json()["stage"]
        assert stage == "active"
        return Actor(username, password, doc["session"], doc["user"]["user_id"], totp_secret)

    def relogin(self, actor: Actor) -> Actor:
        doc = self.login(actor.username, actor.password, actor.totp_secret)
        assert doc["stage"] == "active"
        return Actor(actor.username, actor.password, doc["session"], actor.user_id, actor.totp_secret)

    def bootstrap_admin(self) -> Actor:
        """Bootstrap the three administrators (三员) and log the system administrator in; the security
        administrator and the auditor log in when first needed (`officer`)."""
        result = bootstrap(self.platform, authority_name="市大数据局", admin_username="root.admin",
                           security_admin_username=SECADMIN_NAME, auditor_username=AUDITOR_NAME)
        self.root_id = result.department.id
        self.first_secrets = {a.role: a.one_time_secret for a in result.accounts}
        self.admin = self.first_login("root.admin", result.one_time_secret, ADMIN_PASSWORD, enrol=True)
        return self.admin

    def officer(self, role: Role) -> Actor:
        """The bootstrapped 安全管理员 or 审计管理员, with a fresh full session."""
        if self.admin is None:
            self.bootstrap_admin()
        known = self.officers.get(role)
        if known is None:
            name = SECADMIN_NAME if role is Role.SECADMIN else AUDITOR_NAME
            known = self.first_login(name, self.first_secrets[role], OFFICER_PASSWORD, enrol=True)
        else:
            known = self.relogin(known)
        self.officers[role] = known
        return known

    def approve(self, request_id: int, *, by: Actor | None = None) -> dict[str, Any]:
        """Approve a dual-control request as a second person (by default the bootstrapped 安全管理员,
        or the 审计管理员 when the request concerns a security administrator)."""
        if by is None:
            listed = self.get("/admin-requests", actor=self.officer(Role.AUDITOR)).json()
            [request] = [r for r in listed if r["id"] == request_id]
            by = self.officer(Role.AUDITOR if "secadmin" in request["excluded_roles"] else Role.SECADMIN)
        r = self.post(f"/admin-requests/{request_id}/approve", actor=by)
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def user(self, username: str, *roles: Role, department_id: int | None = None) -> Actor:
        admin = self.admin or self.bootstrap_admin()
        r = self.post("/users", actor=admin, json={
            "username": username, "display_name": username, "department_id": department_id or self.root_id,
            "roles": [r.value for r in (roles or (Role.DATA_USER,))]})
        if r.status_code == 202:  # a 三员 account: a second person approves it and receives the secret
            secret = self.approve(r.json()["request_id"])["one_time_secret"]
        else:
            assert r.status_code == 201, r.text
            secret = r.json()["one_time_secret"]
        return self.first_login(username, secret, GOOD_PASSWORD, enrol=bool(set(roles) & MFA_REQUIRED))

    def department(self, name: str, parent_id: int | None = None) -> int:
        admin = self.admin or self.bootstrap_admin()
        r = self.post("/departments", actor=admin, json={"name": name, "parent_id": parent_id or self.root_id})
        assert r.status_code == 201, r.text
        dept_id: int = r.json()["id"]
        return dept_id

    def token(self, actor: Actor, scopes: list[str] | None = None, days: float | None = None,
              hours: float | None = None) -> str:
        """A token; by default as long as an administrative token may live (a login session)."""
        if days is not None:
            lifetime = timedelta(days=days)
        else:
            lifetime = timedelta(hours=hours if hours is not None else self.platform.settings.session_absolute_hours)
        expires = (self.clock.now() + lifetime).isoformat()
        r = self.post("/me/tokens", actor=actor, json={"name": "测试令牌", "scopes": scopes or ["*"],
                                                        "expires_at": expires})
        assert r.status_code == 201, r.text
        token: str = r.json()["token"]
        return token

    # -- audit ------------------------------------------------------------------------------------

    def events(self, action: str | None = None) -> list[AuditEventRow]:
        with self.platform.store.sessions() as s:
            stmt = select(AuditEventRow).order_by(AuditEventRow.seq)
            if action is not None:
                stmt = stmt.where(AuditEventRow.action == action)
            return list(s.scalars(stmt))

    def last(self, action: str) -> AuditEventRow:
        found = self.events(action)
        assert found, f"no {action} event"
        return found[-1]

    @staticmethod
    def details(row: AuditEventRow) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(row.details)
        return value


@pytest.fixture
def api(platform: Platform, clock: Clock) -> Iterator[Api]:
    a = Api(platform, clock)
    yield a
    a.client.close()


def assert_problem(response: Any, status: int, key: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    doc: dict[str, Any] = response.json()
    assert doc["status"] == status and doc["title"] and doc["detail"] and "\n" not in doc["detail"]
    if key is not None:
        assert doc["key"] == key, doc
    return doc
