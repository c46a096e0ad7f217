"""API tokens: hashed, scoped, expiring, revocable; replay after revocation refused and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from shuan.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.identity.directory import assign_role, create_user, disable_user
from shuan.identity.models import ApiToken
from shuan.identity.roles import Permission, Role
from shuan.identity.tokens import CreatedToken, create_token, list_tokens, resolve_token, revoke_token
from tests.identity.conftest import Actor, World


def _token(world: World, actor: Actor, scopes: list[str], days: float | None = None, name: str = "ci",
           hours: float = 1) -> CreatedToken:
    lifetime = timedelta(days=days) if days is not None else timedelta(hours=hours)
    return create_token(world.platform, actor=actor.principal, name=name, scopes=scopes,
                        expires_at=world.now + lifetime, now=world.now)


def test_token_stored_hashed_and_shown_once(world: World) -> None:
    admin = world.bootstrap_admin()
    created = _token(world, admin, ["identity.manage"])
    assert created.token.startswith(f"shuan_{created.info.token_id}_") and created.token not in repr(created)
    secret = created.token.split("_", 2)[2]
    with world.platform.store.sessions() as s:
        row = s.scalar(select(ApiToken))
        assert row is not None and row.prefix == created.info.token_id and secret not in row.secret_hash
    assert all(secret not in e.details + e.resource + e.session for e in world.events())
    row_event = world.last_event()
    assert (row_event.action, row_event.resource) == ("token.create", f"token:{created.info.token_id}")


def test_token_scopes_narrow_the_owner(world: World) -> None:
    admin = world.bootstrap_admin()
    manage = resolve_token(world.platform, _token(world, admin, ["identity.manage"]).token, client="cli",
                           now=world.now)
    assert manage.permissions == frozenset({Permission.IDENTITY_MANAGE})
    assert manage.session_id is not None and manage.session_id.startswith("tok-")
    create_user(world.platform, actor=manage, username="via.token", display_name="令牌", department_id=world.root_id,
                now=world.now)
    assert world.last_event().session == manage.session_id
    narrow = resolve_token(world.platform, _token(world, admin, ["self.service"]).token, now=world.now)
    with pytest.raises(PermissionDenied):
        create_user(world.platform, actor=narrow, username="refused", display_name="x",
                    department_id=world.root_id, now=world.now)
    star = resolve_token(world.platform, _token(world, admin, ["*"]).token, now=world.now)
    assert star.permissions == admin.principal.permissions


@pytest.mark.parametrize(
    ("scopes", "days", "error", "key"),
    [
        (["identity.manage"], 30, PermissionDenied, "identity.token_scope_not_held"),  # escalation
        (["root"], 30, InvalidInput, "identity.token_scope_unknown"),
        (["*", "self.service"], 30, InvalidInput, "identity.token_scope_star"),
        ([], 30, InvalidInput, "identity.token_scope_empty"),
        (["self.service"], 366, InvalidInput, "identity.token_expiry"),
        (["self.service"], -1, InvalidInput, "identity.token_expiry"),
        (["self.service"], 0, InvalidInput, "identity.token_expiry"),
    ],
)
def test_token_creation_rules(world: World, scopes: list[str], days: float, error: type[Exception], key: str
                              ) -> None:
    world.bootstrap_admin()
    user = world.user("analyst")
    with pytest.raises(error) as info:
        _token(world, user, scopes, days=days)
    assert getattr(info.value, "key") == key  # noqa: B009
    row = world.last_event()
    assert (row.action, row.actor) == ("token.create", "analyst") and row.outcome in ("denied", "failure")
    with world.platform.store.sessions() as s:
        assert s.scalar(select(ApiToken)) is None


def test_token_expiry_needs_a_time_zone(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("naive")
    with pytest.raises(InvalidInput):
        create_token(world.platform, actor=user.principal, name="n", scopes=["*"],
                     expires_at=(world.now + timedelta(days=1)).replace(tzinfo=None), now=world.now)


def test_tokens_need_a_full_login_session(world: World) -> None:
    admin = world.bootstrap_admin()
    via_token = resolve_token(world.platform, _token(world, admin, ["*"]).token, now=world.now)
    with pytest.raises(PermissionDenied, match="登录会话"):
        create_token(world.platform, actor=via_token, name="child", scopes=["*"],
                     expires_at=world.now + timedelta(days=1), now=world.now)


def test_expired_token(world: World) -> None:
    admin = world.bootstrap_admin()
    created = _token(world, admin, ["*"], hours=8)
    world.tick(hours=8)
    with pytest.raises(AuthError, match="已过期"):
        resolve_token(world.platform, created.token, now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome, row.resource) == ("auth.token_failed", "denied",
                                                       f"token:{created.info.token_id}")
    assert world.details(row)["why"] == "expired"


def test_revoked_token_replay_refused(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("owner")
    created = _token(world, user, ["self.service"])
    principal = resolve_token(world.platform, created.token, now=world.now)
    assert principal.username == "owner"
    other = world.user("other")
    with pytest.raises(PermissionDenied):
        revoke_token(world.platform, actor=other.principal, token_id=created.info.token_id, now=world.now)
    revoke_token(world.platform, actor=user.principal, token_id=created.info.token_id, now=world.now)
    assert (world.last_event().action, world.last_event().outcome) == ("token.revoke", "success")
    with pytest.raises(AuthError, match="已被撤销"):
        resolve_token(world.platform, created.token, now=world.now)
    assert world.details(world.last_event())["why"] == "revoked"
    with pytest.raises(Conflict):
        revoke_token(world.platform, actor=admin.principal, token_id=created.info.token_id, now=world.now)
    # an administrator may revoke anyone's token
    second = _token(world, user, ["self.service"], name="second")
    revoke_token(world.platform, actor=admin.principal, token_id=second.info.token_id, now=world.now)
    with pytest.raises(NotFound):
        revoke_token(world.platform, actor=admin.principal, token_id="ffffffffffff", now=world.now)
    with pytest.raises(NotFound):
        revoke_token(world.platform, actor=admin.principal, token_id="'; DROP TABLE api_tokens;--", now=world.now)


@pytest.mark.parametrize(
    "mangle",
    ["tamper_secret", "unknown_prefix", "garbage", "empty", "sql", "long", "nul", "surrogate"],
)
def test_bad_tokens_refused_and_audited(world: World, mangle: str) -> None:
    admin = world.bootstrap_admin()
    created = _token(world, admin, ["*"])
    good = created.token
    bad = {
        "tamper_secret": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "unknown_prefix": "shuan_000000000000_" + good.split("_", 2)[2],
        "garbage": "Bearer xyz",
        "empty": "",
        "sql": "shuan_' OR 1=1 --",
        "long": "shuan_" + "a" * 100_000,
        "nul": good + "\x00",
        "surrogate": good[:-1] + "\ud800",
    }[mangle]
    with pytest.raises(AuthError, match="API 令牌无效"):
        resolve_token(world.platform, bad, client="203.0.113.5", now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome, row.client) == ("auth.token_failed", "failure", "203.0.113.5")
    assert good.split("_", 2)[2] not in row.details


def test_token_of_disabled_user_refused(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("leaving")
    created = _token(world, user, ["*"])
    disable_user(world.platform, actor=admin.principal, username="leaving", now=world.now)
    with pytest.raises(AuthError, match="已停用"):
        resolve_token(world.platform, created.token, now=world.now)


def test_vendor_token_cannot_outlive_agreement(world: World) -> None:
    world.bootstrap_admin()
    vendor = world.user("vendor.dev", (Role.VENDOR,), vendor_until=world.now + timedelta(days=10))
    with pytest.raises(InvalidInput, match="外包协议"):
        _token(world, vendor, ["*"], days=11)
    assert _token(world, vendor, ["*"], days=9).info.expires_at < world.now + timedelta(days=10)


def test_last_used_and_listing(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("lister")
    created = _token(world, user, ["self.service"])
    world.tick(minutes=5)
    resolve_token(world.platform, created.token, now=world.now)
    [info] = list_tokens(world.platform, actor=user.principal, now=world.now)
    assert info.last_used_at == world.now and info.scopes == ("self.service",)
    assert [t.token_id for t in list_tokens(world.platform, actor=admin.principal, username="lister", now=world.now)] == \
        [created.info.token_id]
    other = world.user("nosy")
    with pytest.raises(PermissionDenied):
        list_tokens(world.platform, actor=other.principal, username="lister", now=world.now)
    assert not hasattr(info, "token")


def test_token_roles_follow_the_owner(world: World) -> None:
    from shuan.identity.directory import remove_role

    admin = world.bootstrap_admin()
    officer = world.user("officer", (Role.DEPT_SECURITY_OFFICER, Role.DATA_USER))
    created = _token(world, officer, ["*"])
    assert Permission.GRANT_MANAGE_DEPT in resolve_token(world.platform, created.token, now=world.now).permissions
    remove_role(world.platform, actor=admin.principal, username="officer", role=Role.DEPT_SECURITY_OFFICER,
                now=world.now)
    assert resolve_token(world.platform, created.token, now=world.now).permissions == frozenset(
        {Permission.SELF_SERVICE})


def test_token_does_not_bypass_login_steps(world: World) -> None:
    """A token stops working when its owner's password expires, or when the owner gains a role that
    requires TOTP without having enrolled; it works again once the owner has completed the step."""
    from shuan.identity.directory import assign_role

    admin = world.bootstrap_admin()
    user = world.user("steward.later")
    token = _token(world, user, ["self.service"], days=200).token
    assert resolve_token(world.platform, token, now=world.now).username == "steward.later"
    assign_role(world.platform, actor=admin.principal, username="steward.later", role=Role.STEWARD, now=world.now)
    with pytest.raises(AuthError) as info:
        resolve_token(world.platform, token, now=world.now)
    assert info.value.key == "identity.stage_enroll"
    assert (world.last_event().action, world.last_event().outcome) == ("auth.token_failed", "denied")

    other = world.user("expiring")
    token2 = _token(world, other, ["self.service"], days=200).token
    later = world.now + timedelta(days=world.platform.settings.password_max_age_days + 1)
    with pytest.raises(AuthError) as info:
        resolve_token(world.platform, token2, now=later)
    assert info.value.key == "identity.stage_password"


# -- administrative tokens live no longer than a login session ----------------------------------------------


@pytest.mark.parametrize(
    ("role", "scopes"),
    [
        (Role.SYSADMIN, ["*"]),
        (Role.SYSADMIN, ["identity.manage"]),
        (Role.SECADMIN, ["key.manage"]),
        (Role.SECADMIN, ["identity.approve"]),
        (Role.AUDITOR, ["audit.read"]),
        (Role.AUDITOR, ["*"]),
    ],
)
def test_admin_tokens_are_capped_at_the_session_lifetime(world: World, role: Role, scopes: list[str]) -> None:
    admin = world.bootstrap_admin()
    actor = admin if role is Role.SYSADMIN else world.officer(role)
    hours = world.platform.settings.session_absolute_hours
    with pytest.raises(InvalidInput) as info:
        _token(world, actor, scopes, hours=hours + 1)
    assert info.value.key == "identity.token_admin_expiry" and f"{hours} 小时" in str(info.value)
    assert (world.last_event().action, world.last_event().outcome) == ("token.create", "failure")
    token = _token(world, actor, scopes, hours=hours)
    assert resolve_token(world.platform, token.token, now=world.now).username == actor.username


def test_self_service_and_non_admin_tokens_keep_a_year(world: World) -> None:
    admin = world.bootstrap_admin()
    assert _token(world, admin, ["self.service"], days=365).info.scopes == ("self.service",)
    steward = world.user("steward", (Role.STEWARD,))  # grant.manage_dept is not administrative
    assert _token(world, steward, ["*"], days=365).info.scopes == ("*",)
    officer = world.user("officer", (Role.DEPT_SECURITY_OFFICER,))
    _token(world, officer, ["grant.manage_dept", "decision.query"], days=200)


def test_long_token_stops_when_its_owner_becomes_an_administrator(world: World) -> None:
    """A year-long "*" token of a data user would otherwise carry the administrator's permissions once
    the owner is given a 三员 role (and, once enrolled, pass the login-step check)."""
    admin = world.bootstrap_admin()
    user = world.user("promoted", enrol=True)
    token = _token(world, user, ["*"], days=300).token
    assert resolve_token(world.platform, token, now=world.now).username == "promoted"
    pending = assign_role(world.platform, actor=admin.principal, username="promoted", role=Role.AUDITOR,
                          now=world.now)
    world.approve(pending)  # type: ignore[arg-type]
    with pytest.raises(AuthError) as info:
        resolve_token(world.platform, token, now=world.now)
    assert info.value.key == "identity.token_admin_lifetime"
    assert world.details(world.last_event())["why"] == "admin_lifetime"
    # a self-service token of the same owner keeps working
    # (made before the promotion it would be refused; made now it is capped by scope, not by role)
    user = world.relogin(user)
    assert resolve_token(world.platform, _token(world, user, ["self.service"], days=300).token,
                         now=world.now).username == "promoted"
