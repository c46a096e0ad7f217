"""Key hierarchy: wrapping, rotation, rewrap, two-person crypto-shredding, and no key in clear."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.config import Settings, get_settings
from shuan.crypto.keys.models import KeyRecord
from shuan.crypto.keys.root import create_key_file, provider_from_settings
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


def test_destruction_needs_a_second_person_and_shreds(platform: Platform) -> None:
    kr = platform.keyring
    with platform.store.transaction() as s:
        kr.create_data_key(s, SEC1, "待销毁", 2)
        blob = kr.encrypt(s, "待销毁", b"secret")
        req = kr.request_destruction(s, SEC1, "待销毁", "保存期限届满，经审批销毁")
        with pytest.raises(PermissionDenied):
            kr.approve_destruction(s, SEC1, req)
        with pytest.raises(PermissionDenied):
            kr.approve_destruction(s, USER, req)
        assert kr.approve_destruction(s, SEC2, req) == 1
        with pytest.raises(CryptoError, match="已销毁"):
            kr.decrypt(s, blob)
        with pytest.raises(Conflict):
            kr.approve_destruction(s, SEC2, req)
        rec = s.scalar(select(KeyRecord).where(KeyRecord.scope == "dek/待销毁"))
        assert rec is not None and rec.wrapped is None and rec.status == "destroyed"
    assert actions(platform)[-2:] == ["key.destroy_request", "key.destroy"]


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
