"""First run: no default account; the three administrators (三员), each with their own one-time secret,
once and only once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shuan.errors import AuthError, Conflict, InvalidInput, PermissionDenied
from shuan.identity.bootstrap import bootstrap, needs_bootstrap
from shuan.identity.directory import create_user
from shuan.identity.models import Department, User
from shuan.identity.roles import Permission, Role
from shuan.identity.sessions import authenticate, login
from shuan.identity.stages import SessionStage
from tests.identity.conftest import THREE, World


def test_bootstrap_once_and_only_once(world: World) -> None:
    p = world.platform
    assert needs_bootstrap(p)
    before = world.event_count()
    result = bootstrap(p, authority_name="市大数据局", admin_username="Admin01", security_admin_username="Sec01",
                       auditor_username="aud01", now=world.now)
    assert not needs_bootstrap(p)
    assert result.department.is_authority and result.department.name == "市大数据局"
    assert result.admin.username == "admin01" and result.admin.roles == (Role.SYSADMIN,)
    assert result.security_admin.username == "sec01" and result.security_admin.roles == (Role.SECADMIN,)
    assert result.auditor.username == "aud01" and result.auditor.roles == (Role.AUDITOR,)
    assert [a.role for a in result.accounts] == [Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR]
    secrets = [a.one_time_secret for a in result.accounts]
    assert len(set(secrets)) == 3 and all(len(x) >= 20 for x in secrets)  # one for each, separately
    assert result.one_time_secret == secrets[0]
    assert all(a.user.must_change_password and a.user.department_id == result.department.id
               for a in result.accounts)
    assert not any(x in repr(result) for x in secrets)
    rows = world.events()[before:]
    assert [(r.action, r.outcome, r.actor) for r in rows] == [("bootstrap", "success", "system")]
    assert not any(x in rows[0].details for x in secrets)
    assert [a["role"] for a in world.details(rows[0])["accounts"]] == ["sysadmin", "secadmin", "auditor"]

    with pytest.raises(Conflict, match="已初始化"):
        bootstrap(p, authority_name="另一个局", admin_username="admin02", **THREE, now=world.now)
    denied = world.last_event()
    assert (denied.action, denied.outcome) == ("bootstrap", "denied")
    with p.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 3
        assert s.scalar(select(func.count()).select_from(Department)) == 1
        stored = list(s.scalars(select(User.password_hash)))
    assert all(h.startswith("$argon2id$") for h in stored)
    assert not any(x in h for x in secrets for h in stored)


def test_each_administrator_logs_in_with_their_own_secret(world: World) -> None:
    result = bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    for account in result.accounts:
        assert login(world.platform, username=account.user.username, password=account.one_time_secret,
                     now=world.now).stage is SessionStage.PASSWORD
        other = next(a for a in result.accounts if a is not account)
        with pytest.raises(AuthError):
            login(world.platform, username=account.user.username, password=other.one_time_secret, now=world.now)


@pytest.mark.parametrize(
    "names",
    [
        {"admin_username": "same", "security_admin_username": "same", "auditor_username": "aud"},
        {"admin_username": "adm", "security_admin_username": "sec", "auditor_username": "ADM"},
        {"admin_username": "adm", "security_admin_username": "bad name", "auditor_username": "aud"},
    ],
)
def test_bootstrap_needs_three_distinct_valid_names(world: World, names: dict[str, str]) -> None:
    with pytest.raises(InvalidInput):
        bootstrap(world.platform, authority_name="市大数据局", **names, now=world.now)
    assert needs_bootstrap(world.platform)


def test_bootstrap_validates_and_leaves_nothing_behind(world: World) -> None:
    with pytest.raises(InvalidInput):
        bootstrap(world.platform, authority_name="市大数据局", admin_username="admin'; DROP TABLE users;--",
                  **THREE, now=world.now)
    with pytest.raises(InvalidInput):
        bootstrap(world.platform, authority_name="\x00", admin_username="admin", **THREE, now=world.now)
    assert needs_bootstrap(world.platform)
    assert [e.outcome for e in world.events("bootstrap")] == ["failure", "failure"]


def test_one_time_secret_must_be_changed(world: World) -> None:
    result = bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    first = login(world.platform, username="admin", password=result.one_time_secret, now=world.now)
    assert first.stage is SessionStage.PASSWORD
    # the session is good for the password change only
    assert first.principal.permissions == frozenset({Permission.SELF_SERVICE})
    with pytest.raises(AuthError, match="请先修改密码"):
        authenticate(world.platform, session_id=first.session_id, now=world.now)
    with pytest.raises(PermissionDenied):
        create_user(world.platform, actor=first.principal, username="early", display_name="早",
                    department_id=result.department.id, now=world.now)


def test_first_login_path_for_the_administrator(world: World) -> None:
    admin = world.bootstrap_admin()  # one-time secret -> own password -> TOTP -> full session
    assert admin.principal.can(Permission.IDENTITY_MANAGE)
    assert admin.totp_secret is not None
    assert [e.action for e in world.events()[-5:]] == [
        "bootstrap", "auth.login", "password.change", "totp.enroll_begin", "totp.enroll",
    ]


def test_one_time_secret_expires(world: World) -> None:
    result = bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    world.tick(hours=24, seconds=1)
    with pytest.raises(AuthError, match="一次性口令已过期"):
        login(world.platform, username="admin", password=result.one_time_secret, now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome) == ("auth.login_failed", "denied")
    assert world.details(row)["reason"] == "identity.one_time_expired"


def test_one_time_secret_valid_just_before_expiry(world: World) -> None:
    result = bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    world.tick(hours=24, seconds=-1)
    assert login(world.platform, username="admin", password=result.one_time_secret, now=world.now).stage \
        is SessionStage.PASSWORD
