"""Approval signatures: a per-user SM2 key that only the user's password opens."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shuan.errors import AuthError, Conflict
from shuan.identity.account import change_password, reset_password
from shuan.identity.bootstrap import bootstrap
from shuan.identity.models import SigningKey
from shuan.identity.sessions import login
from shuan.identity.signing import sign_approval, signing_keys, verify_approval
from tests.identity.conftest import THREE, World

PAYLOAD = "审批单 #42：同意向卫健委共享 人口基础信息（二级）".encode()


def test_sign_and_verify(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("approver")
    [key] = signing_keys(world.platform, username="approver")
    assert key.retired_at is None and len(key.public_key) == 65
    signature = sign_approval(world.platform, actor=user.principal, password=user.password, payload=PAYLOAD,
                              now=world.now)
    assert verify_approval(key.public_key, PAYLOAD, signature)
    assert not verify_approval(key.public_key, PAYLOAD + b".", signature)
    assert not verify_approval(key.public_key, PAYLOAD, signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not verify_approval(b"\x04" + b"\x00" * 64, PAYLOAD, signature)
    assert not verify_approval(b"junk", PAYLOAD, b"junk")
    row = world.last_event()
    assert (row.action, row.outcome, row.actor) == ("approval.sign", "success", "approver")
    assert PAYLOAD.decode() not in row.details and "digest" in world.details(row)


def test_private_key_is_encrypted_under_the_users_password(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("keeper")
    with world.platform.store.sessions() as s:
        row = s.scalar(select(SigningKey))
        assert row is not None and row.private_enc is not None and row.kdf_params is not None
        assert row.kdf_params.startswith("argon2id$") and row.kdf_salt is not None and len(row.kdf_salt) == 16
    with pytest.raises(AuthError, match="无法使用签名密钥"):
        sign_approval(world.platform, actor=user.principal, password="Admin-Passw0rd!", payload=PAYLOAD,
                      now=world.now)
    row_event = world.last_event()
    assert (row_event.action, row_event.outcome) == ("approval.sign", "failure")
    assert world.details(row_event)["reason"] == "identity.signing_password"


def test_password_change_rewraps_the_same_key(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("rewrap")
    [before] = signing_keys(world.platform, username="rewrap")
    change_password(world.platform, actor=user.principal, current_password=user.password,
                    new_password="Brand-New-Passw0rd", now=world.now)
    [after] = signing_keys(world.platform, username="rewrap")
    assert after.public_key == before.public_key and after.id == before.id
    with pytest.raises(AuthError):
        sign_approval(world.platform, actor=user.principal, password=user.password, payload=PAYLOAD, now=world.now)
    signature = sign_approval(world.platform, actor=user.principal, password="Brand-New-Passw0rd", payload=PAYLOAD,
                              now=world.now)
    assert verify_approval(after.public_key, PAYLOAD, signature)


def test_reset_retires_the_key_and_old_signatures_still_verify(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("resetee")
    old_signature = sign_approval(world.platform, actor=user.principal, password=user.password, payload=PAYLOAD,
                                  now=world.now)
    secret = reset_password(world.platform, actor=admin.principal, username="resetee", now=world.now)
    [retired] = signing_keys(world.platform, username="resetee")
    assert retired.retired_at is not None
    with world.platform.store.sessions() as s:
        row = s.get(SigningKey, retired.id)
        assert row is not None and row.private_enc is None  # nobody can sign with it any more
    assert verify_approval(retired.public_key, PAYLOAD, old_signature)
    first = login(world.platform, username="resetee", password=secret, now=world.now)
    with pytest.raises(AuthError, match="请先修改密码"):  # the one-time secret opens nothing
        sign_approval(world.platform, actor=first.principal, password=secret, payload=PAYLOAD, now=world.now)
    change_password(world.platform, actor=first.principal, current_password=secret,
                    new_password="After-Reset-Passw0rd", now=world.now)
    new, old = signing_keys(world.platform, username="resetee")
    assert new.retired_at is None and new.public_key != old.public_key
    signature = sign_approval(world.platform, actor=first.principal, password="After-Reset-Passw0rd",
                              payload=PAYLOAD, now=world.now)
    assert verify_approval(new.public_key, PAYLOAD, signature)


def test_no_key_before_the_first_own_password(world: World) -> None:
    result = bootstrap(world.platform, authority_name="市大数据局", admin_username="admin", **THREE, now=world.now)
    assert signing_keys(world.platform, username="admin") == []
    first = login(world.platform, username="admin", password=result.one_time_secret, now=world.now)
    with pytest.raises(AuthError, match="请先修改密码"):
        sign_approval(world.platform, actor=first.principal, password=result.one_time_secret, payload=PAYLOAD,
                      now=world.now)


def test_no_key_is_a_conflict(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("keyless")
    with world.platform.store.transaction() as s:
        for key in s.scalars(select(SigningKey)):
            s.delete(key)
    with pytest.raises(Conflict, match="尚无签名密钥"):
        sign_approval(world.platform, actor=user.principal, password=user.password, payload=PAYLOAD, now=world.now)


def test_wrong_signing_passwords_lock_the_account(world: World) -> None:
    world.bootstrap_admin()
    user = world.user("signer")
    for _ in range(world.platform.settings.lockout_threshold):
        with pytest.raises(AuthError):
            sign_approval(world.platform, actor=user.principal, password="Guess-Passw0rd-1", payload=PAYLOAD,
                          now=world.now)
    assert world.events("auth.lockout")[-1].resource == "user:signer"
    with pytest.raises(AuthError, match="锁定"):
        sign_approval(world.platform, actor=user.principal, password=user.password, payload=PAYLOAD, now=world.now)
