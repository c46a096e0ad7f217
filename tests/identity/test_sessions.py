"""Login, MFA as a mandatory step, lockout with backoff, enumeration, timeouts, logout and replay."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from shuan.errors import AuthError, PermissionDenied
from shuan.identity import sessions
from shuan.identity.common import safe_text
from shuan.identity.directory import assign_role, create_user
from shuan.identity.dual_control import PendingRequest
from shuan.identity.models import AuthSession
from shuan.identity.roles import MFA_REQUIRED, Permission, Role
from shuan.identity.sessions import (
    authenticate,
    login,
    logout,
    resume,
    revoke_sessions,
    session_hash,
    verify_mfa,
)
from shuan.identity.stages import SessionStage
from shuan.identity.tokens import create_token
from shuan.identity.totp import begin_totp_enrollment, confirm_totp_enrollment
from tests.identity.conftest import GOOD_PASSWORD, T0, World

# -- MFA is mandatory for administrators, stewards, auditors ----------------------------------------


@pytest.mark.parametrize("role", sorted(MFA_REQUIRED))
def test_mfa_roles_must_enrol_before_a_full_session(world: World, role: Role) -> None:
    admin = world.bootstrap_admin()
    created = create_user(world.platform, actor=admin.principal, username="needs.mfa", display_name="x",
                          roles=[role], department_id=world.root_id, now=world.now)
    if isinstance(created, PendingRequest):  # a 三员 account: approved by a second person, who gets the secret
        secret = world.approve(created).one_time_secret
        assert secret is not None
    else:
        secret = created.one_time_secret
    first = login(world.platform, username="needs.mfa", password=secret, now=world.now)
    from shuan.identity.account import change_password

    stage = change_password(world.platform, actor=first.principal, current_password=secret,
                            new_password=GOOD_PASSWORD, now=world.now)
    assert stage is SessionStage.ENROLL
    with pytest.raises(AuthError, match="绑定动态口令"):
        authenticate(world.platform, session_id=first.session_id, now=world.now)
    assert (world.last_event().action, world.last_event().outcome) == ("auth.session_stage", "denied")
    restricted = authenticate(world.platform, session_id=first.session_id, now=world.now,
                              allow=(SessionStage.ENROLL,))
    assert restricted.permissions == frozenset({Permission.SELF_SERVICE})
    with pytest.raises(AuthError):
        create_token(world.platform, actor=restricted, name="early", scopes=["*"],
                     expires_at=world.now + timedelta(days=1), now=world.now)
    # a new login lands at ENROLL again: no way around it
    assert login(world.platform, username="needs.mfa", password=GOOD_PASSWORD, now=world.now).stage \
        is SessionStage.ENROLL
    enrollment = begin_totp_enrollment(world.platform, actor=restricted, now=world.now)
    stage = confirm_totp_enrollment(world.platform, actor=restricted, code=world.code(enrollment.secret),
                                    now=world.now)
    assert stage is SessionStage.ACTIVE
    assert authenticate(world.platform, session_id=first.session_id, now=world.now).roles == frozenset({role})


@pytest.mark.parametrize("role", [Role.DATA_USER])
def test_other_roles_need_no_totp(world: World, role: Role) -> None:
    world.bootstrap_admin()
    user = world.user("plain", (role,))
    assert user.totp_secret is None and user.principal.roles == frozenset({role})


def test_gaining_an_mfa_role_requires_enrolment_at_once(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("promoted")
    assign_role(world.platform, actor=admin.principal, username="promoted", role=Role.STEWARD, now=world.now)
    with pytest.raises(AuthError, match="绑定动态口令"):
        authenticate(world.platform, session_id=user.session_id, now=world.now)


# -- lockout with backoff -----------------------------------------------------------------------------


def _fail(world: World, username: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(AuthError):
            login(world.platform, username=username, password="Wrong-Passw0rd", now=world.now)


def test_lockout_backoff_doubles_and_resets_on_success(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.bootstrap_admin()
    user = world.user("target")
    threshold = world.platform.settings.lockout_threshold
    base = world.platform.settings.lockout_base_seconds
    assert (threshold, base) == (5, 60)

    _fail(world, "target", threshold - 1)
    assert not world.events("auth.lockout")
    _fail(world, "target", 1)
    locks = world.events("auth.lockout")
    assert len(locks) == 1 and world.details(locks[0]) == {"lockouts": 1, "seconds": base}

    # while locked even the right password is refused, without checking it
    calls: list[str] = []
    real_verify = sessions.verify_password
    monkeypatch.setattr(sessions, "verify_password", lambda h, p: calls.append(p) or real_verify(h, p))
    with pytest.raises(AuthError, match="锁定") as info:
        login(world.platform, username="target", password=user.password, now=world.now)
    assert "60 秒" in str(info.value) and calls == []
    assert (world.last_event().action, world.last_event().outcome) == ("auth.login_failed", "denied")

    world.tick(seconds=base)  # the lock has run out
    _fail(world, "target", threshold)
    assert world.details(world.events("auth.lockout")[-1]) == {"lockouts": 2, "seconds": 2 * base}
    world.tick(seconds=2 * base - 1)
    with pytest.raises(AuthError, match="1 秒"):
        login(world.platform, username="target", password=user.password, now=world.now)
    world.tick(seconds=1)
    _fail(world, "target", threshold)
    assert world.details(world.events("auth.lockout")[-1]) == {"lockouts": 3, "seconds": 4 * base}
    world.tick(seconds=4 * base)
    assert login(world.platform, username="target", password=user.password, now=world.now).stage \
        is SessionStage.ACTIVE
    # success reset the backoff: the next lockout is the base again
    _fail(world, "target", threshold)
    assert world.details(world.events("auth.lockout")[-1]) == {"lockouts": 1, "seconds": base}


def test_success_resets_the_failure_count(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("careless")
    threshold = world.platform.settings.lockout_threshold
    _fail(world, "careless", threshold - 1)
    world.relogin(user)
    _fail(world, "careless", threshold - 1)
    assert not world.events("auth.lockout")


# -- user enumeration -------------------------------------------------------------------------------------

UNKNOWN_NAMES = ["nobody", "x' OR '1'='1", "<script>", "a" * 10_000, "nul\x00", "\ud800", "张三"]


@pytest.mark.parametrize("typed", UNKNOWN_NAMES)
def test_unknown_user_takes_the_dummy_verification_path(world: World, monkeypatch: pytest.MonkeyPatch,
                                                          typed: str) -> None:
    world.bootstrap_admin()
    dummy: list[str] = []
    real: list[str] = []
    real_dummy, real_verify = sessions.verify_dummy, sessions.verify_password
    monkeypatch.setattr(sessions, "verify_dummy", lambda p="": dummy.append(p) or real_dummy(p))
    monkeypatch.setattr(sessions, "verify_password", lambda h, p: real.append(p) or real_verify(h, p))
    with pytest.raises(AuthError) as unknown:
        login(world.platform, username=typed, password="Guess-Passw0rd", now=world.now)
    assert dummy == ["Guess-Passw0rd"] and real == []
    row = world.last_event()
    assert (row.action, row.outcome, row.actor, row.actor_id) == ("auth.login_failed", "failure", "anonymous", "")
    sensitive = world.details(row)["sensitive"]["username"]
    assert sensitive.startswith("hmac-sm3:")
    assert sensitive == world.platform.audit.pseudonym(safe_text(typed, 1000))
    if len(typed) >= 4:
        assert typed not in row.details + row.resource + row.actor

    # a known user with a wrong password: the real verification, the same message
    dummy.clear()
    with pytest.raises(AuthError) as known:
        login(world.platform, username="root.admin", password="Guess-Passw0rd", now=world.now)
    assert dummy == [] and real == ["Guess-Passw0rd"]
    assert str(unknown.value) == str(known.value) == "用户名或密码错误"


def _answers(world: World, username: str, attempts: int) -> list[tuple[str, int | None]]:
    out: list[tuple[str, int | None]] = []
    for _ in range(attempts):
        with pytest.raises(AuthError) as info:
            login(world.platform, username=username, password="Guess-Passw0rd-1", now=world.now)
        seconds = info.value.params.get("seconds")
        out.append((info.value.key, seconds if isinstance(seconds, int) else None))
    return out


def test_unknown_names_lock_out_like_real_accounts(world: World) -> None:
    """The lockout does not tell which names exist: an unknown name answers "locked" after the same
    number of failures, for the same time, with the same backoff."""
    world.bootstrap_admin()
    world.user("real.person")
    threshold = world.platform.settings.lockout_threshold
    base = world.platform.settings.lockout_base_seconds
    real = _answers(world, "real.person", threshold + 2)
    ghost = _answers(world, "no.such.person", threshold + 2)
    assert real == ghost == [("identity.bad_credentials", None)] * threshold + [("identity.locked", base)] * 2
    # the name is matched as an account name is: case and surrounding blanks do not matter
    assert _answers(world, " NO.SUCH.Person", 1) == [("identity.locked", base)]
    # the next lockout doubles, for both
    world.tick(seconds=base)
    assert _answers(world, "real.person", threshold + 1) == _answers(world, "no.such.person", threshold + 1) \
        == [("identity.bad_credentials", None)] * threshold + [("identity.locked", 2 * base)]
    # audited without the typed name
    lock = world.events("auth.lockout")[-1]
    assert lock.actor == "anonymous" and world.details(lock)["unknown_user"] is True
    assert "no.such.person" not in lock.details + lock.resource
    locked = world.events("auth.login_failed")[-1]
    assert (locked.outcome, world.details(locked)["reason"]) == ("denied", "identity.locked")


def test_unknown_name_table_is_bounded_and_stores_digests() -> None:
    from shuan.identity.lockout import UnknownNames

    table = UnknownNames(max_tracked=3)
    now = T0
    for name in ("a1", "a2", "a3", "a4"):
        table.fail(table.key(name), now, threshold=5, base_seconds=60)
    assert len(table) == 3
    kept = set(table._names)  # noqa: SLF001 - what is kept: digests only, the oldest forgotten
    assert kept == {table.key(n) for n in ("a2", "a3", "a4")} and all(len(k) == 64 for k in kept)
    assert table.key("Alice ") == table.key("alice") == hashlib.new("sm3", b"alice").hexdigest()
    for _ in range(5):
        locked = table.fail(table.key("b"), now, threshold=5, base_seconds=60)
    assert locked == (60, 1) and table.locked_for(table.key("b"), now) == 60
    assert table.locked_for(table.key("b"), now + timedelta(seconds=60)) is None


def test_disabled_account_reveals_nothing_without_the_password(world: World) -> None:
    from shuan.identity.directory import disable_user

    admin = world.bootstrap_admin()
    world.user("gone")
    disable_user(world.platform, actor=admin.principal, username="gone", now=world.now)
    with pytest.raises(AuthError, match="用户名或密码错误"):
        login(world.platform, username="gone", password="Wrong-Passw0rd", now=world.now)


# -- timeouts ------------------------------------------------------------------------------------------


def test_idle_timeout(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("idle")
    idle = world.platform.settings.session_idle_minutes
    world.tick(minutes=idle - 1)
    assert authenticate(world.platform, session_id=user.session_id, now=world.now).username == "idle"
    world.tick(minutes=idle - 1)  # each use restarts the idle clock
    info = resume(world.platform, session_id=user.session_id, now=world.now)
    assert info.idle_expires_at == world.now + timedelta(minutes=idle)
    world.tick(minutes=idle)
    with pytest.raises(AuthError, match="会话已超时"):
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    row = world.last_event()
    assert (row.action, world.details(row)) == ("session.expired", {"reason": "idle"})
    assert row.session == user.principal.session_id
    with pytest.raises(AuthError, match="会话无效"):  # and it stays dead
        authenticate(world.platform, session_id=user.session_id, now=world.now)


def test_absolute_timeout(world: World) -> None:
    world.bootstrap_admin()
    user = world.relogin(world.user("busy"))
    hours = world.platform.settings.session_absolute_hours
    for _ in range(hours * 6 - 1):  # used every ten minutes
        world.tick(minutes=10)
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    world.tick(minutes=10)
    with pytest.raises(AuthError, match="会话已超时"):
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    assert world.details(world.last_event()) == {"reason": "absolute"}


def test_pending_sessions_idle_out_sooner(world: World) -> None:
    admin = world.bootstrap_admin()
    pending = login(world.platform, username="root.admin", password=admin.password, now=world.now)
    assert pending.stage is SessionStage.MFA
    world.tick(minutes=10)
    assert admin.totp_secret is not None
    with pytest.raises(AuthError, match="会话已超时"):
        verify_mfa(world.platform, session_id=pending.session_id, code=world.code(admin.totp_secret), now=world.now)


# -- logout, replay, revocation -----------------------------------------------------------------------------


def test_logout_then_replay(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("leaver")
    logout(world.platform, session_id=user.session_id, now=world.now)
    row = world.last_event()
    assert (row.action, row.actor, row.session) == ("auth.logout", "leaver", user.principal.session_id)
    with pytest.raises(AuthError, match="会话无效"):
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    row = world.last_event()
    assert (row.action, row.actor, world.details(row)["why"]) == ("auth.session_invalid", "leaver", "ended")
    before = world.event_count()
    logout(world.platform, session_id=user.session_id, now=world.now)  # idempotent, nothing to record
    assert world.event_count() == before


@pytest.mark.parametrize("sid", ["", "x", "' OR 1=1 --", "a" * 10_000, "\x00", "\ud800"])
def test_unknown_session_ids_refused_and_audited(world: World, sid: str) -> None:
    with pytest.raises(AuthError, match="会话无效"):
        authenticate(world.platform, session_id=sid, client="10.0.0.9", now=world.now)
    row = world.last_event()
    assert (row.action, row.actor, row.client) == ("auth.session_invalid", "anonymous", "10.0.0.9")


def test_session_ids_are_random_and_stored_hashed(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("hashed")
    assert len(user.session_id) >= 43  # 256 bits, base64url
    with world.platform.store.sessions() as s:
        stored = list(s.scalars(select(AuthSession.sid_hash)))
    assert session_hash(user.session_id) in stored
    assert session_hash(user.session_id) == hashlib.new("sm3", user.session_id.encode()).hexdigest()
    assert all(user.session_id not in h for h in stored)
    assert all(user.session_id not in e.details + e.session for e in world.events())


def test_revoke_all_sessions(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("revoked")
    second = world.relogin(user)
    other = world.user("other")
    with pytest.raises(PermissionDenied):
        revoke_sessions(world.platform, actor=other.principal, username="revoked", now=world.now)
    assert revoke_sessions(world.platform, actor=admin.principal, username="revoked", now=world.now) == 2
    for sid in (user.session_id, second.session_id):
        with pytest.raises(AuthError):
            authenticate(world.platform, session_id=sid, now=world.now)
    assert revoke_sessions(world.platform, actor=other.principal, username="other", now=world.now) == 1

