"""Key hierarchy: wrapping, rotation, rewrap, two-person crypto-shredding, and no key in clear."""

from __future__ import annotations

import os
import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shuan.audit.models import AuditEventRow
from shuan.config import Settings, get_settings
from shuan.crypto.keys.keyring import (
    APPROVAL_UID,
    ENVELOPE_MAGIC,
    ApprovalSignature,
    Keyring,
    destruction_document,
    fingerprint,
)
from shuan.crypto.keys.models import KeyDestruction, KeyRecord
from shuan.crypto.keys.root import create_key_file, provider_from_settings
from shuan.crypto.sm2 import SM2PrivateKey
from shuan.errors import ConfigError, Conflict, CryptoError, NotFound, PermissionDenied
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.platform import Platform, open_platform


def person(name: str, *roles: Role, uid: int) -> Principal:
    return Principal(user_id=uid, username=name, department_id=1, department_path=(1,), roles=frozenset(roles))


SEC1 = person("anquan1", Role.SECADMIN, uid=11)
SEC2 = person("anquan2", Role.SECADMIN, uid=12)
USER = person("shiyong", Role.DATA_USER, uid=13)


def actions(platform: Platform) -> list[str]:
    with platform.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow.action).order_by(AuditEventRow.seq)))


def test_envelope_round_trip_and_binding(platform: Platform) -> None:
    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "户籍库", 3)
        blob = kr.encrypt(s, "户籍库", "张三 110101199003074514".encode(), aad=b"row:1")
        assert kr.decrypt(s, blob, aad=b"row:1").decode().startswith("张三")
        with pytest.raises(CryptoError):
            kr.decrypt(s, blob, aad=b"row:2")
        with pytest.raises(CryptoError):
            kr.decrypt(s, blob[:-1] + bytes([blob[-1] ^ 1]), aad=b"row:1")
        with pytest.raises(CryptoError):
            kr.decrypt(s, b"junk", aad=b"")
    assert actions(platform)[-2:] == ["key.create", "key.create"]  # department KEK, then the data key


def test_rotation_keeps_old_ciphertexts_readable_and_rewrap_erases_old_kek(platform: Platform) -> None:
    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "社保库", 5)
        old = kr.encrypt(s, "社保库", b"v1 data")
        kr.create_data_key(s, SEC1, "社保库", 5)  # data key v2
        new = kr.encrypt(s, "社保库", b"v2 data")
        assert b"/v2" in new[:40] and b"/v1" in old[:40]
        kr.rotate_kek(s, SEC1, 5)
        assert kr.rewrap(s, SEC1, 5) == 2
        assert kr.decrypt(s, old) == b"v1 data" and kr.decrypt(s, new) == b"v2 data"
        keks = [k for k in kr.list_keys(s, 5) if k.kind == "kek"]
        assert [(k.version, k.status) for k in keks] == [(1, "destroyed"), (2, "active")]
        assert kr.rewrap(s, SEC1, 5) == 0  # idempotent


APPROVER_KEY = SM2PrivateKey.generate()


def signed(kr: Keyring, s: Session, actor: Principal, request_id: int, now: datetime,
           private: SM2PrivateKey = APPROVER_KEY) -> ApprovalSignature:
    """What the key service hands the key ring: the approver's signature over the request's document."""
    payload = kr.destruction_payload(s, actor, request_id, now=now)
    return ApprovalSignature(private.sign(payload, uid=APPROVAL_UID), 77, private.public_key.to_bytes())


def test_destruction_needs_a_second_person_and_shreds(platform: Platform) -> None:
    kr = platform.keyring
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "待销毁", 2)
        blob = kr.encrypt(s, "待销毁", b"secret")
        req = kr.request_destruction(s, SEC1, "待销毁", "保存期限届满，经审批销毁", now=now)
        with pytest.raises(PermissionDenied):
            kr.destruction_payload(s, SEC1, req, now=now)
        with pytest.raises(PermissionDenied):
            kr.approve_destruction(s, SEC1, req, approval=signed(kr, s, SEC2, req, now), now=now)
        with pytest.raises(PermissionDenied):
            kr.approve_destruction(s, USER, req, approval=signed(kr, s, SEC2, req, now), now=now)
        assert kr.approve_destruction(s, SEC2, req, approval=signed(kr, s, SEC2, req, now), now=now) == 1
        with pytest.raises(CryptoError, match="已销毁"):
            kr.decrypt(s, blob)
        with pytest.raises(Conflict):
            kr.approve_destruction(s, SEC2, req, approval=signed(kr, s, SEC2, req, now), now=now)
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "dek/待销毁"))
        assert rec is not None and rec.wrapped is None and rec.status == "destroyed"
        done = s.get(KeyDestruction, req)
        assert done is not None and done.approval_key_id == 77 and done.approval_version == 1
        assert done.approval_key_fingerprint == fingerprint(APPROVER_KEY.public_key.to_bytes())
        document = destruction_document(done, approver=SEC2.username, approved_at=now)
        assert done.approval_signature is not None
        assert APPROVER_KEY.public_key.verify(bytes.fromhex(done.approval_signature), document, APPROVAL_UID)
    assert actions(platform)[-2:] == ["key.destroy_request", "key.destroy"]


@pytest.mark.parametrize("bad", ["other time", "other approver", "other key", "garbage"])
def test_destruction_needs_a_signature_over_this_request(platform: Platform, bad: str) -> None:
    kr = platform.keyring
    now = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "签名检查", 2)
        req = kr.request_destruction(s, SEC1, "签名检查", "保存期限届满", now=now)
        good = signed(kr, s, SEC2, req, now)
        approval = {
            "other time": signed(kr, s, SEC2, req, now + timedelta(seconds=1)),
            "other approver": signed(kr, s, person("anquan3", Role.SECADMIN, uid=14), req, now),
            "other key": ApprovalSignature(good.signature, 77, SM2PrivateKey.generate().public_key.to_bytes()),
            "garbage": ApprovalSignature(b"\x00" * 64, 77, b"junk"),
        }[bad]
        with pytest.raises(CryptoError) as err:
            kr.approve_destruction(s, SEC2, req, approval=approval, now=now)
        assert err.value.key == "key.approval_unverified"
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "dek/签名检查"))
        assert rec is not None and rec.wrapped is not None and rec.status == "active"
        pending = s.get(KeyDestruction, req)
        assert pending is not None and pending.status == "pending" and pending.approval_signature is None


def test_destruction_document_is_canonical() -> None:
    req = KeyDestruction(id=5, scope="dek/户籍库", reason="到期 \"销毁\"", requested_by="anquan1",
                         requested_at=datetime(2026, 3, 1, 8, 0))  # naive: UTC, as SQLite returns it
    doc = destruction_document(req, approver="anquan2", approved_at=datetime(2026, 3, 2, 16, 0, tzinfo=UTC))
    assert doc == (
        b'{"approved_at":"2026-03-02T16:00:00.000000Z","approver":"anquan2",'
        b'"reason":"\\u5230\\u671f \\"\\u9500\\u6bc1\\"","request":5,"requested_at":"2026-03-01T08:00:00.000000Z",'
        b'"requested_by":"anquan1","scope":"dek/\\u6237\\u7c4d\\u5e93","type":"shuan.key-destruction-approval",'
        b'"version":1}'
    )
    with pytest.raises(ValueError):
        destruction_document(req, approver="anquan2", approved_at=datetime(2026, 3, 2, tzinfo=UTC), version=2)


def test_decrypt_opens_data_keys_only(platform: Platform) -> None:
    """An envelope that names a KEK or a system key is refused before any key is unwrapped."""
    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "信封检查", 6)
        blob = kr.encrypt(s, "信封检查", b"data")
        assert kr.decrypt(s, blob) == b"data"
        kek = kr.ensure_kek(s, SEC1, 6)
        kr.audit_signer(s)
        for key_id in (kek.key_id, "sys/audit-sign/v1"):
            kid = key_id.encode()
            forged = ENVELOPE_MAGIC + struct.pack(">H", len(kid)) + kid + blob[5 + blob[4]:]
            with pytest.raises(CryptoError) as err:
                kr.decrypt(s, forged)
            assert err.value.key == "key.not_data_key" and key_id in str(err.value)
        # a destroyed data key is refused by its status, whatever is left in the row
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "dek/信封检查"))
        assert rec is not None
        rec.status = "destroyed"
        with pytest.raises(CryptoError) as err:
            kr.decrypt(s, blob)
        assert err.value.key == "key.destroyed"
        rec.status = "retired"  # a retired (rotated) data key still decrypts what it encrypted
        assert kr.decrypt(s, blob) == b"data"


def test_only_key_managers(platform: Platform) -> None:
    with platform.store.transaction() as s, pytest.raises(PermissionDenied):
        platform.keyring.create_data_key(s, USER, "x", 1)
    with platform.store.transaction() as s, pytest.raises(PermissionDenied):
        platform.keyring.rotate_kek(s, person("xitong", Role.SYSADMIN, uid=1), 1)


@pytest.mark.parametrize("name", ["", "a/b", "x\n", "y" * 201])
def test_bad_dataset_names(platform: Platform, name: str) -> None:
    with platform.store.transaction() as s, pytest.raises(CryptoError):
        platform.keyring.create_data_key(s, SEC1, name, 1)


def test_unknown_dataset(platform: Platform) -> None:
    with platform.store.transaction() as s, pytest.raises(NotFound):
        platform.keyring.encrypt(s, "nope", b"x")


def test_no_key_material_in_clear(platform: Platform) -> None:
    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "明文检查", 4)
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "dek/明文检查"))
        assert rec is not None and rec.wrapped is not None
        material = kr._unwrap(s, rec)
    blob = b"".join(p.read_bytes() for p in platform.settings.home.glob("shuan.db*"))
    assert material not in blob and bytes.fromhex(os.environ["SHUAN_ROOT_KEY"]) not in blob
    assert "withheld" in repr(kr)


def test_wrong_root_key_is_refused(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    platform.close()
    monkeypatch.setenv("SHUAN_ROOT_KEY", "11" * 16)
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="根密钥"):
        open_platform()


@pytest.mark.parametrize(
    ("env", "match"),
    [
        ({}, "未配置根密钥"),
        ({"SHUAN_ROOT_KEY": "abc"}, "格式错误"),
        ({"SHUAN_ROOT_KEY": "00" * 16}, "全为零"),
        ({"SHUAN_ROOT_KEY": "11" * 16, "SHUAN_KMS": "x:y"}, "只能配置一个"),
        ({"SHUAN_KMS": "nosuchmodule:factory"}, "无法加载"),
        ({"SHUAN_KMS": "nocolon"}, "模块:工厂函数"),
    ],
)
def test_root_key_sources(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], match: str) -> None:
    for k in ("SHUAN_ROOT_KEY", "SHUAN_ROOT_KEY_FILE", "SHUAN_KMS"):
        monkeypatch.delenv(k, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ConfigError, match=match) as exc:
        provider_from_settings(Settings()).root_key()
    assert "\n" not in str(exc.value)
    if "SHUAN_ROOT_KEY" in env:
        assert env["SHUAN_ROOT_KEY"] not in str(exc.value) or len(env["SHUAN_ROOT_KEY"]) < 8


def test_root_key_file_must_be_private(tmp_path: Path) -> None:
    path = create_key_file(tmp_path / "root.key")
    assert len(provider_from_settings(Settings(root_key_file=path)).root_key()) == 16
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        provider_from_settings(Settings(root_key_file=path)).root_key()


@pytest.mark.parametrize(("case", "where"), [("a directory", "dir"), ("a device without end", "/dev/zero"),
                                             ("too large", "big"), ("missing", "missing")])
def test_root_key_file_that_is_not_a_small_regular_file(tmp_path: Path, case: str, where: str) -> None:
    paths = {"dir": tmp_path, "/dev/zero": Path("/dev/zero"), "big": tmp_path / "big.key",
             "missing": tmp_path / "nope.key"}
    (tmp_path / "big.key").write_text("a" * 10_000)
    with pytest.raises(ConfigError, match="根密钥文件") as exc:
        provider_from_settings(Settings(root_key_file=paths[where])).root_key()
    assert "\n" not in str(exc.value), case


class FakeKms:
    name = "kms:test"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def root_key(self) -> bytes:
        return bytes(range(1, 17))


def fake_kms(settings: Settings) -> FakeKms:
    return FakeKms(settings)


def test_kms_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUAN_ROOT_KEY", raising=False)
    monkeypatch.setenv("SHUAN_KMS", "tests.keys.test_keyring:fake_kms")
    provider = provider_from_settings(Settings())
    assert provider.name == "kms:test" and provider.root_key() == bytes(range(1, 17))


def test_keys_only_for_existing_departments(platform: Platform) -> None:
    from shuan.crypto.keys import service

    with pytest.raises(NotFound, match="部门不存在"):
        service.rotate_kek(platform, SEC1, 999_999)
    with pytest.raises(NotFound):
        service.create_data_key(platform, SEC1, "孤儿数据集", 999_999)
    with platform.store.sessions() as s:
        assert platform.keyring.list_keys(s, 999_999) == []


def test_root_key_rotation_keeps_everything_readable(platform: Platform, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """After rotating, the new root opens the store (KEKs, data keys, audit signing and HMAC keys, the TOTP
    key); the old root no longer does; the audit chain stays verifiable and pseudonyms stay stable."""
    from shuan.audit import service as audit_service
    from shuan.audit.events import Event
    from shuan.crypto.keys import service

    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "轮换前", 3)
        blob = kr.encrypt(s, "轮换前", b"before rotation")
    before = platform.audit.pseudonym("zhangsan")
    totp_before = kr.cached_system_key("totp")
    with pytest.raises(PermissionDenied):
        service.rotate_root(platform, USER, bytes(range(1, 17)))
    new_root = bytes(range(1, 17))
    assert service.rotate_root(platform, SEC1, new_root) >= 4  # audit-hmac, totp, audit signing, KEK
    platform.close()
    monkeypatch.setenv("SHUAN_ROOT_KEY", new_root.hex())
    get_settings.cache_clear()
    p2 = open_platform()
    try:
        with p2.store.transaction() as s:
            assert p2.keyring.decrypt(s, blob) == b"before rotation"
        assert p2.audit.pseudonym("zhangsan") == before
        assert p2.keyring.cached_system_key("totp") == totp_before
        with p2.store.transaction() as s:
            p2.audit.record(s, Event("after.rotation", SEC1))
        auditor = person("shenji", Role.AUDITOR, uid=14)
        assert audit_service.verify(p2, auditor).ok
    finally:
        p2.close()
    monkeypatch.setenv("SHUAN_ROOT_KEY", "3f1c9a0b7d2e4f6a8b1c3d5e7f90a2b4")  # the old root
    get_settings.cache_clear()
    with pytest.raises(ConfigError, match="根密钥"):
        open_platform()
