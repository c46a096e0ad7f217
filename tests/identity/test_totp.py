"""TOTP: enrolment, ±1 step drift, reuse refused, secrets encrypted and bound to their user."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shuan.errors import AuthError, Conflict, CryptoError, PermissionDenied
from shuan.identity.models import User
from shuan.identity.roles import Role
from shuan.identity.sessions import authenticate, login, verify_mfa
from shuan.identity.stages import SessionStage
from shuan.identity.totp import (
    begin_totp_enrollment,
    code_at,
    confirm_totp_enrollment,
    decrypt_secret,
    encrypt_secret,
    match_code,
    reset_totp,
    time_step,
    totp_key,
)
from tests.identity.conftest import T0, World

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_drift_of_one_step_accepted(offset: int) -> None:
    step = time_step(T0)
    assert match_code(SECRET, code_at(SECRET, step + offset), now=T0, last_step=None) == step + offset


@pytest.mark.parametrize(
    ("code", "last_step_offset", "key"),
    [
        ("step+2", None, "identity.totp_invalid"),
        ("step-2", None, "identity.totp_invalid"),
        ("step+0", 0, "identity.totp_reused"),  # the same code twice
        ("step-1", 0, "identity.totp_reused"),  # an older code after a newer one
        ("12345", None, "identity.totp_invalid"),
        ("1234567", None, "identity.totp_invalid"),
        ("12a456", None, "identity.totp_invalid"),
        ("１２３４５６", None, "identity.totp_invalid"),  # full-width digits
        ("' OR 1=1", None, "identity.totp_invalid"),
    ],
)
def test_bad_codes_refused(code: str, last_step_offset: int | None, key: str) -> None:
    step = time_step(T0)
    if code.startswith("step"):
        code = code_at(SECRET, step + int(code[4:]))
    last = None if last_step_offset is None else step + last_step_offset
    with pytest.raises(AuthError) as info:
        match_code(SECRET, code, now=T0, last_step=last)
    assert info.value.key == key


def test_secret_encryption_is_bound_to_the_user(world: World) -> None:
    key = totp_key(world.platform)
    assert len(key) == 16
    blob = encrypt_secret(key, 7, SECRET)
    assert SECRET.encode() not in blob
    assert decrypt_secret(key, 7, blob) == SECRET
    with pytest.raises(CryptoError):
        decrypt_secret(key, 8, blob)  # copied onto another user's row
    with pytest.raises(CryptoError):
        decrypt_secret(key, 7, blob, pending=True)


def test_totp_key_is_a_wrapped_system_key(world: World) -> None:
    """The TOTP wrapping key is random, stored wrapped under the root key (so the root can rotate), and not
    the audit HMAC key."""
    from sqlalchemy import select

    from shuan.crypto.keys.models import KeyRecord

    key = totp_key(world.platform)
    assert len(key) == 16 and key == totp_key(world.platform)
    with world.platform.store.sessions() as s:
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "sys/totp"))
        assert rec is not None and rec.wrapped_by == "root" and rec.wrapped is not None and key not in rec.wrapped
    assert key != world.platform.keyring.cached_system_key("audit-hmac")


def test_enrolment_and_login_with_totp(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("mfa.user")
    enrollment = begin_totp_enrollment(world.platform, actor=user.principal, now=world.now)
    assert enrollment.secret not in repr(enrollment)
    assert enrollment.uri.startswith("otpauth://totp/") and "mfa.user" in enrollment.uri
    with pytest.raises(AuthError, match="动态口令错误"):
        confirm_totp_enrollment(world.platform, actor=user.principal, code="000000", now=world.now)
    assert (world.last_event().action, world.last_event().outcome) == ("totp.enroll", "failure")
    confirm_totp_enrollment(world.platform, actor=user.principal, code=world.code(enrollment.secret), now=world.now)
    assert (world.last_event().action, world.last_event().outcome) == ("totp.enroll", "success")
    with world.platform.store.sessions() as s:
        row = s.scalar(select(User).where(User.username == "mfa.user"))
        assert row is not None and row.totp_secret_enc is not None and row.totp_pending_enc is None
        assert enrollment.secret.encode() not in row.totp_secret_enc
    assert all(enrollment.secret not in e.details for e in world.events())
    with pytest.raises(Conflict):
        begin_totp_enrollment(world.platform, actor=user.principal, now=world.now)

    world.tick(seconds=60)
    pending = login(world.platform, username="mfa.user", password=user.password, now=world.now)
    assert pending.stage is SessionStage.MFA
    with pytest.raises(AuthError, match="二次验证"):
        authenticate(world.platform, session_id=pending.session_id, now=world.now)
    code = world.code(enrollment.secret, -1)  # the phone is one step behind
    done = verify_mfa(world.platform, session_id=pending.session_id, code=code, now=world.now)
    assert done.stage is SessionStage.ACTIVE and done.session_id != pending.session_id
    assert authenticate(world.platform, session_id=done.session_id, now=world.now).username == "mfa.user"
    with pytest.raises(AuthError):  # the pre-MFA id was replaced
        authenticate(world.platform, session_id=pending.session_id, now=world.now)
    assert world.events("auth.mfa")[-1].outcome == "success"

    # the same code cannot open a second session
    again = login(world.platform, username="mfa.user", password=user.password, now=world.now)
    with pytest.raises(AuthError, match="已使用过"):
        verify_mfa(world.platform, session_id=again.session_id, code=code, now=world.now)
    row = world.last_event()
    assert (row.action, row.outcome) == ("auth.mfa_failed", "failure")
    assert world.details(row)["reason"] == "identity.totp_reused" and code not in row.details


def test_mfa_failures_lock_the_account_and_end_the_pending_session(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("guessed", (Role.STEWARD,))
    assert user.totp_secret is not None
    pending = login(world.platform, username="guessed", password=user.password, now=world.now)
    for _ in range(world.platform.settings.lockout_threshold):
        with pytest.raises(AuthError):
            verify_mfa(world.platform, session_id=pending.session_id, code="000000", now=world.now)
    assert world.events("auth.lockout")[-1].resource == "user:guessed"
    with pytest.raises(AuthError, match="会话无效"):
        verify_mfa(world.platform, session_id=pending.session_id, code=world.code(user.totp_secret), now=world.now)
    with pytest.raises(AuthError, match="锁定"):
        login(world.platform, username="guessed", password=user.password, now=world.now)


def test_admin_reset_totp(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("lost.phone", (Role.STEWARD,))
    reset_totp(world.platform, actor=admin.principal, username="lost.phone", now=world.now)
    assert world.last_event().action == "totp.reset"
    with pytest.raises(AuthError):
        authenticate(world.platform, session_id=user.session_id, now=world.now)
    result = login(world.platform, username="lost.phone", password=user.password, now=world.now)
    assert result.stage is SessionStage.ENROLL  # a steward must enrol again
    with pytest.raises(PermissionDenied):
        reset_totp(world.platform, actor=admin.principal, username="root.admin", now=world.now)
    with pytest.raises(Conflict):
        reset_totp(world.platform, actor=admin.principal, username="lost.phone", now=world.now)


def test_enrolment_needs_own_login_session(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("someone")
    pending = login(world.platform, username="root.admin", password="Admin-Passw0rd!", now=world.now)
    assert pending.stage is SessionStage.MFA
    # a session still waiting for its TOTP code cannot start a new enrolment
    with pytest.raises(AuthError, match="二次验证"):
        begin_totp_enrollment(world.platform, actor=pending.principal, now=world.now)
    assert user.principal.session_id is not None


def test_fresh_logins_do_not_reset_the_totp_guess_count(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("known.password", (Role.STEWARD,))
    for _ in range(world.platform.settings.lockout_threshold):
        pending = login(world.platform, username="known.password", password=user.password, now=world.now)
        with pytest.raises(AuthError, match="动态口令错误"):
            verify_mfa(world.platform, session_id=pending.session_id, code="000000", now=world.now)
    assert world.events("auth.lockout")[-1].resource == "user:known.password"
    with pytest.raises(AuthError, match="锁定"):
        login(world.platform, username="known.password", password=user.password, now=world.now)


def test_a_password_without_its_second_factor_reaches_nothing(world: World) -> None:
    from shuan.identity.directory import get_user
    from shuan.identity.sessions import revoke_sessions
    from shuan.identity.signing import sign_approval
    from shuan.identity.tokens import list_tokens

    world.bootstrap_admin()
    user = world.user("half.in", (Role.STEWARD,))
    pending = login(world.platform, username="half.in", password=user.password, now=world.now)
    assert pending.stage is SessionStage.MFA
    attempts = [
        lambda: sign_approval(world.platform, actor=pending.principal, password=user.password, payload=b"ok",
                              now=world.now),
        lambda: list_tokens(world.platform, actor=pending.principal, now=world.now),
        lambda: revoke_sessions(world.platform, actor=pending.principal, username="half.in", now=world.now),
        lambda: get_user(world.platform, actor=pending.principal, username="half.in", now=world.now),
    ]
    for attempt in attempts:
        with pytest.raises(AuthError, match="二次验证"):
            attempt()
        assert world.last_event().outcome == "failure"
    assert authenticate(world.platform, session_id=user.session_id, now=world.now).username == "half.in"
