"""Identity fixtures: cheap argon2 parameters, a movable clock, and ready-made actors.

Production argon2id parameters (64 MiB, 3 passes) are exercised by one test of their own; the rest
run with the smallest parameters so the suite stays fast.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.config import Settings
from shuan.identity import passwords
from shuan.identity.account import change_password
from shuan.identity.admin_requests import ApprovalResult, approve_admin_request
from shuan.identity.bootstrap import bootstrap
from shuan.identity.directory import create_department, create_user
from shuan.identity.dual_control import PendingRequest
from shuan.identity.models import AdminRequest
from shuan.identity.principal import Principal
from shuan.identity.roles import MFA_REQUIRED, Role
from shuan.identity.sessions import authenticate, login, verify_mfa
from shuan.identity.stages import SessionStage
from shuan.identity.totp import begin_totp_enrollment, code_at, confirm_totp_enrollment, time_step
from shuan.platform import Platform, open_platform
from tests.conftest import TEST_ROOT_KEY

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
GOOD_PASSWORD = "Correct-Horse-42"
SECADMIN_NAME = "root.secadmin"
AUDITOR_NAME = "root.auditor"
#: the other two administrators `bootstrap` creates with the system administrator
THREE = {"security_admin_username": SECADMIN_NAME, "auditor_username": AUDITOR_NAME}


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated store per test run; each test starts from a copy (a migration takes ~0.4 s)."""
    home = tmp_path_factory.mktemp("identity-template")
    p = open_platform(Settings(home=home, root_key=TEST_ROOT_KEY))
    p.close()
    return home / "shuan.db"


@pytest.fixture
def platform(root_key: str, isolated_home: Path, migrated_template: Path) -> Iterator[Platform]:
    """The shared fixture's platform (fresh SQLite store under SHUAN_HOME), from the migrated template."""
    shutil.copyfile(migrated_template, isolated_home / "shuan.db")
    # already at head; without migrate the audit log has no checkpoint signer (no test reaches a checkpoint)
    p = open_platform(migrate=False)
    yield p
    p.close()


#: the module's own parameters, read before any test lowers them
PRODUCTION_ARGON2 = (passwords.TIME_COST, passwords.MEMORY_COST_KIB, passwords.PARALLELISM)


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "TIME_COST", 1)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 64)
    monkeypatch.setattr(passwords, "PARALLELISM", 1)


@dataclass
class Actor:
    username: str
    principal: Principal
    session_id: str
    password: str
    totp_secret: str | None = None


class World:
    """A platform plus a clock that tests move by hand (nothing sleeps)."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform
        self.now = T0
        self.admin: Actor | None = None
        self.root_id = 0
        self.first_secrets: dict[Role, str] = {}
        self.officers: dict[Role, Actor] = {}
        self.extra: dict[str, Any] = {}  # per-test values for table-driven cases

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def code(self, secret: str, offset: int = 0) -> str:
        return code_at(secret, time_step(self.now) + offset)

    # -- audit -----------------------------------------------------------------------------------

    def events(self, action: str | None = None) -> list[AuditEventRow]:
        with self.platform.store.sessions() as s:
            stmt = select(AuditEventRow).order_by(AuditEventRow.seq)
            if action is not None:
                stmt = stmt.where(AuditEventRow.action == action)
            return list(s.scalars(stmt))

    def last_event(self) -> AuditEventRow:
        return self.events()[-1]

    def event_count(self) -> int:
        return len(self.events())

    @staticmethod
    def details(row: AuditEventRow) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(row.details)
        return value

    # -- actors ----------------------------------------------------------------------------------

    def first_login(self, username: str, secret: str, password: str, *, enrol: bool) -> Actor:
        """Log in with a one-time secret, choose a password, enrol TOTP if asked or required."""
        result = login(self.platform, username=username, password=secret, now=self.now)
        assert result.stage is SessionStage.PASSWORD
        stage = change_password(self.platform, actor=result.principal, current_password=secret,
                                new_password=password, now=self.now)
        totp_secret = None
        if stage is SessionStage.ENROLL or enrol:
            enrollment = begin_totp_enrollment(self.platform, actor=result.principal, now=self.now)
            totp_secret = enrollment.secret
            stage = confirm_totp_enrollment(self.platform, actor=result.principal, code=self.code(totp_secret),
                                            now=self.now)
            self.tick(seconds=30)  # the next code must come from a later time step
        assert stage is SessionStage.ACTIVE
        principal = authenticate(self.platform, session_id=result.session_id, now=self.now)
        return Actor(username, principal, result.session_id, password, totp_secret)

    def bootstrap_admin(self) -> Actor:
        """Bootstrap the three administrators and log the system administrator in; the security
        administrator and the auditor log in the first time they are needed (`officer`)."""
        result = bootstrap(self.platform, authority_name="市大数据局", admin_username="root.admin",
                           security_admin_username=SECADMIN_NAME, auditor_username=AUDITOR_NAME, now=self.now)
        self.root_id = result.department.id
        self.first_secrets = {a.role: a.one_time_secret for a in result.accounts}
        self.admin = self.first_login("root.admin", result.one_time_secret, "Admin-Passw0rd!", enrol=True)
        return self.admin

    def officer(self, role: Role) -> Actor:
        """The bootstrapped security administrator or auditor, with a fresh full session."""
        if self.admin is None:
            self.bootstrap_admin()
        known = self.officers.get(role)
        if known is None:
            name = SECADMIN_NAME if role is Role.SECADMIN else AUDITOR_NAME
            known = self.first_login(name, self.first_secrets[role], "Officer-Passw0rd!", enrol=True)
        else:
            known = self.relogin(known)
        self.officers[role] = known
        return known

    def approve(self, pending: PendingRequest, *, by: Actor | None = None) -> ApprovalResult:
        """Approve a request as a second person: by default the bootstrapped 安全管理员, or the 审计管理员
        when the request concerns a security administrator."""
        if by is None:
            with self.platform.store.sessions() as s:
                row = s.get(AdminRequest, pending.request_id)
                assert row is not None
                excluded = set(row.excluded_roles)
            by = self.officer(Role.AUDITOR if Role.SECADMIN.value in excluded else Role.SECADMIN)
        return approve_admin_request(self.platform, actor=by.principal, request_id=pending.request_id, now=self.now)

    def user(
        self,
        username: str,
        roles: tuple[Role, ...] = (Role.DATA_USER,),
        *,
        department_id: int | None = None,
        password: str = GOOD_PASSWORD,
        vendor_until: datetime | None = None,
        enrol: bool = False,
    ) -> Actor:
        admin = self.admin or self.bootstrap_admin()
        created = create_user(self.platform, actor=admin.principal, username=username, display_name=username,
                              department_id=department_id or self.root_id, roles=roles, vendor_until=vendor_until,
                              now=self.now)
        if isinstance(created, PendingRequest):  # a 三员 account: a second person approves it
            secret = self.approve(created).one_time_secret
            assert secret is not None
        else:
            secret = created.one_time_secret
        return self.first_login(username, secret, password, enrol=enrol or bool(set(roles) & MFA_REQUIRED))

    def department(self, name: str, parent_id: int | None = None) -> int:
        admin = self.admin or self.bootstrap_admin()
        return create_department(self.platform, actor=admin.principal, name=name,
                                 parent_id=parent_id or self.root_id, now=self.now).id

    def relogin(self, actor: Actor) -> Actor:
        """A fresh full session for `actor` (password, then TOTP if enrolled)."""
        result = login(self.platform, username=actor.username, password=actor.password, now=self.now)
        if result.stage is SessionStage.MFA:
            assert actor.totp_secret is not None
            result = verify_mfa(self.platform, session_id=result.session_id, code=self.code(actor.totp_secret),
                                now=self.now)
            self.tick(seconds=30)
        assert result.stage is SessionStage.ACTIVE
        principal = authenticate(self.platform, session_id=result.session_id, now=self.now)
        return replace(actor, principal=principal, session_id=result.session_id)


@pytest.fixture
def world(platform: Platform) -> Iterator[World]:
    yield World(platform)
