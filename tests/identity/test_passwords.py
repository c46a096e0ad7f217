"""argon2id hashing and the password policy: length, classes, username, history, expiry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shuan.config import Settings
from shuan.errors import AuthError, InvalidInput, PermissionDenied
from shuan.identity import passwords
from shuan.identity.account import change_password, reset_password, unlock_user
from shuan.identity.models import PasswordHistory, User
from shuan.identity.sessions import authenticate, login
from shuan.identity.stages import SessionStage
from tests.identity.conftest import PRODUCTION_ARGON2, World


def test_production_parameters_are_argon2id_64mib_3_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "TIME_COST", 3)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 65536)
    monkeypatch.setattr(passwords, "PARALLELISM", 2)
    stored = passwords.hash_password("Some-Passw0rd")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=2$")
    assert passwords.verify_password(stored, "Some-Passw0rd")
    assert not passwords.verify_password(stored, "some-passw0rd")


def test_module_defaults_are_the_production_parameters() -> None:
    # the autouse fixture lowers them for speed; the module itself keeps the strong ones
    assert PRODUCTION_ARGON2 == (3, 64 * 1024, 2)


def test_hashes_are_salted_and_verify_never_raises() -> None:
    a, b = passwords.hash_password("Same-Passw0rd"), passwords.hash_password("Same-Passw0rd")
    assert a != b and a.startswith("$argon2id$")
    for garbage in ("", "not-a-hash", "$argon2id$v=19$m=1,t=1,p=1$$"):
        assert passwords.verify_password(garbage, "Same-Passw0rd") is False
    assert passwords.verify_password(a, "\ud800") is False  # not encodable
    assert passwords.verify_password(a, "x" * 100_000) is False


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abcdef", 1), ("abcDEF", 2), ("abc123", 2), ("abC12!", 4), ("密码Abc1", 4), ("ABC!!!", 2)],
)
def test_character_classes(password: str, classes: int) -> None:
    assert passwords.character_classes(password) == classes


POLICY_CASES = [
    ("Short-1a", "identity.password_too_short"),
    ("Aa1!" * 65, "identity.password_too_long"),
    ("alllowercaseletters", "identity.password_classes"),
    ("lowercase-and-symbols", "identity.password_classes"),
    ("UPPER123456789", "identity.password_classes"),
    ("Has\ncontrol-Char1", "identity.password_control"),
    ("Has\x00nul-Char1xx", "identity.password_control"),
    ("Lone\ud800Surrogate1", "identity.password_control"),
    ("My-Alice.Smith-9", "identity.password_username"),
    ("MY-ALICE.SMITH-9", "identity.password_username"),
]


@pytest.mark.parametrize(("new", "key"), POLICY_CASES)
def test_policy_rejections_are_audited(world: World, new: str, key: str) -> None:
    world.bootstrap_admin()
    user = world.user("alice.smith")
    before = world.event_count()
    with pytest.raises(InvalidInput) as info:
        change_password(world.platform, actor=user.principal, current_password=user.password, new_password=new,
                        now=world.now)
    assert info.value.key == key and "\n" not in str(info.value)
    rows = world.events()[before:]
    assert [(r.action, r.outcome) for r in rows] == [("password.change", "failure")]
    assert world.details(rows[0])["reason"] == key
    assert new not in rows[0].details
    # unchanged: the old password still logs in
    assert login(world.platform, username="alice.smith", password=user.password, now=world.now).stage \
        is SessionStage.ACTIVE


def test_policy_accepts_good_password(world: World) -> None:
    passwords.check_policy("Tr0ub4dor&3-long", username="alice", settings=Settings())
    passwords.check_policy("长密码Abc123456", username="alice", settings=Settings())  # Chinese counts as a symbol


def test_history_refuses_current_and_last_n(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("hist", password="Generation-0a")
    remembered = world.platform.settings.password_history
    assert remembered == 5
    current = user.password
    used = [current]
    for i in range(1, 7):
        new = f"Generation-{i}a"
        change_password(world.platform, actor=user.principal, current_password=current, new_password=new,
                        now=world.now)
        current = new
        used.append(new)
    # current = Generation-6a; history holds 5..1; 0 has dropped out
    for old in used[-(remembered + 1):]:
        with pytest.raises(InvalidInput, match="最近 5 次"):
            change_password(world.platform, actor=user.principal, current_password=current, new_password=old,
                            now=world.now)
    change_password(world.platform, actor=user.principal, current_password=current, new_password=used[0],
                    now=world.now)
    with world.platform.store.sessions() as s:
        count = len(list(s.scalars(select(PasswordHistory).where(PasswordHistory.user_id == user.principal.user_id))))
    assert count == remembered


def test_wrong_current_password_counts_as_failure(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("forgetful")
    with pytest.raises(AuthError, match="当前密码错误"):
        change_password(world.platform, actor=user.principal, current_password="Not-The-Passw0rd",
                        new_password="Another-Passw0rd", now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome) == ("password.change", "failure")
    assert world.details(row) == {"reason": "identity.bad_current_password", "failures": 1}


def test_password_expiry_forces_a_change(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("ageing")
    world.tick(days=world.platform.settings.password_max_age_days)
    result = login(world.platform, username="ageing", password=user.password, now=world.now)
    assert result.stage is SessionStage.PASSWORD
    with pytest.raises(AuthError, match="请先修改密码"):
        authenticate(world.platform, session_id=result.session_id, now=world.now)
    stage = change_password(world.platform, actor=result.principal, current_password=user.password,
                            new_password="Renewed-Passw0rd", now=world.now)
    assert stage is SessionStage.ACTIVE
    assert authenticate(world.platform, session_id=result.session_id, now=world.now).username == "ageing"


def test_change_ends_other_sessions(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("multi")
    other = world.relogin(user)
    change_password(world.platform, actor=user.principal, current_password=user.password,
                    new_password="Rotated-Passw0rd", now=world.now)
    assert authenticate(world.platform, session_id=user.session_id, now=world.now).username == "multi"
    with pytest.raises(AuthError, match="会话无效"):
        authenticate(world.platform, session_id=other.session_id, now=world.now)


def test_change_needs_a_login_session(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("token.user")
    from dataclasses import replace

    as_token = replace(user.principal, session_id="tok-0123456789ab")
    with pytest.raises(PermissionDenied):
        change_password(world.platform, actor=as_token, current_password=user.password,
                        new_password="Whatever-Passw0rd", now=world.now)


def test_admin_reset_issues_new_one_time_secret(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("reset.me")
    secret = reset_password(world.platform, actor=admin.principal, username="reset.me", now=world.now)
    with pytest.raises(AuthError):
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    with pytest.raises(AuthError):
        login(world.platform, username="reset.me", password=user.password, now=world.now)
    assert login(world.platform, username="reset.me", password=secret, now=world.now).stage is SessionStage.PASSWORD
    row = world.events("password.reset")[-1]
    assert row.outcome == "success" and secret not in row.details
    with pytest.raises(PermissionDenied):
        reset_password(world.platform, actor=admin.principal, username="root.admin", now=world.now)
    with pytest.raises(PermissionDenied):
        reset_password(world.platform, actor=user.principal, username="root.admin", now=world.now)


def test_rehash_when_parameters_change(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.bootstrap_admin()
    user = world.user("rehash")
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 128)
    world.relogin(user)
    with world.platform.store.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "rehash"))
    assert stored is not None and ",m=128," in stored.replace("$m=", ",m=")


def test_unlock(world: World) -> None:
    admin = world.bootstrap_admin()
    world.user("locked.out")
    for _ in range(world.platform.settings.lockout_threshold):
        with pytest.raises(AuthError):
            login(world.platform, username="locked.out", password="Wrong-Passw0rd", now=world.now)
    unlock_user(world.platform, actor=admin.principal, username="locked.out", now=world.now)
    assert world.last_event().action == "user.unlock"
    assert login(world.platform, username="locked.out", password="Correct-Horse-42", now=world.now).stage \
        is SessionStage.ACTIVE
