"""Fail-closed: when the audit log cannot be written, no identity state changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from shuan.audit.log import AuditLog
from shuan.errors import AuditError
from shuan.identity.account import change_password, reset_password, unlock_user
from shuan.identity.bootstrap import bootstrap, needs_bootstrap
from shuan.identity.directory import (
    assign_role,
    create_department,
    create_user,
    disable_user,
    move_department,
)
from shuan.identity.models import (
    ApiToken,
    AuthSession,
    Department,
    PasswordHistory,
    SigningKey,
    User,
    UserRole,
)
from shuan.identity.roles import Role
from shuan.identity.sessions import login, logout
from shuan.identity.signing import sign_approval
from shuan.identity.tokens import create_token, revoke_token
from shuan.identity.totp import begin_totp_enrollment
from tests.identity.conftest import THREE, World

TABLES = (Department, User, UserRole, PasswordHistory, AuthSession, ApiToken, SigningKey)


def snapshot(world: World) -> list[Any]:
    out: list[Any] = []
    with world.platform.store.sessions() as s:
        for model in TABLES:
            for row in s.scalars(select(model)):
                out.append((model.__tablename__, {c.key: getattr(row, c.key) for c in model.__table__.columns}))
    return sorted(out, key=repr)


def broken_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(self: AuditLog, session: object, event: object, *, now: object = None) -> int:
        raise AuditError("audit.write_failed", reason="disk full")

    monkeypatch.setattr(AuditLog, "record", fail)


def test_bootstrap_fails_closed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_audit(monkeypatch)
    with pytest.raises(AuditError):
        bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    assert needs_bootstrap(world.platform)


OPERATIONS: dict[str, Callable[[World], object]] = {
    "create_department": lambda w: create_department(w.platform, actor=w.extra["admin"].principal, name="新部门",
                                                     parent_id=w.root_id, now=w.now),
    "move_department": lambda w: move_department(w.platform, actor=w.extra["admin"].principal,
                                                 department_id=w.extra["dept_b"], parent_id=w.extra["dept_a"],
                                                 now=w.now),
    "create_user": lambda w: create_user(w.platform, actor=w.extra["admin"].principal, username="newcomer",
                                         display_name="新人", department_id=w.root_id, now=w.now),
    "assign_role": lambda w: assign_role(w.platform, actor=w.extra["admin"].principal, username="alice",
                                         role=Role.STEWARD, now=w.now),
    "disable_user": lambda w: disable_user(w.platform, actor=w.extra["admin"].principal, username="alice", now=w.now),
    "reset_password": lambda w: reset_password(w.platform, actor=w.extra["admin"].principal, username="alice",
                                               now=w.now),
    "unlock_user": lambda w: unlock_user(w.platform, actor=w.extra["admin"].principal, username="alice", now=w.now),
    "change_password": lambda w: change_password(w.platform, actor=w.extra["alice"].principal,
                                                 current_password=w.extra["alice"].password,
                                                 new_password="Other-Passw0rd-9", now=w.now),
    "login": lambda w: login(w.platform, username="alice", password=w.extra["alice"].password, now=w.now),
    "failed_login": lambda w: login(w.platform, username="alice", password="Wrong-Passw0rd", now=w.now),
    "logout": lambda w: logout(w.platform, session_id=w.extra["alice"].session_id, now=w.now),
    "create_token": lambda w: create_token(w.platform, actor=w.extra["alice"].principal, name="t", scopes=["*"],
                                           expires_at=w.now + timedelta(days=1), now=w.now),
    "revoke_token": lambda w: revoke_token(w.platform, actor=w.extra["alice"].principal,
                                           token_id=w.extra["token_id"], now=w.now),
    "totp_enroll_begin": lambda w: begin_totp_enrollment(w.platform, actor=w.extra["alice"].principal, now=w.now),
    "sign_approval": lambda w: sign_approval(w.platform, actor=w.extra["alice"].principal,
                                             password=w.extra["alice"].password, payload=b"x", now=w.now),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_operation_fails_closed(world: World, operation: str) -> None:
    admin = world.bootstrap_admin()
    alice = world.user("alice")
    world.extra = {
        "admin": admin,
        "alice": alice,
        "dept_a": world.department("甲"),
        "dept_b": world.department("乙"),
        "token_id": create_token(world.platform, actor=alice.principal, name="kept", scopes=["*"],
                                 expires_at=world.now + timedelta(days=1), now=world.now).info.token_id,
    }
    if operation == "unlock_user":
        with pytest.raises(Exception):  # noqa: B017 - one failure to have something to unlock
            login(world.platform, username="alice", password="Wrong-Passw0rd", now=world.now)
    before, events = snapshot(world), world.event_count()
    with pytest.MonkeyPatch.context() as patch:
        broken_audit(patch)
        with pytest.raises(AuditError, match="disk full"):
            OPERATIONS[operation](world)
    assert snapshot(world) == before
    assert world.event_count() == events
