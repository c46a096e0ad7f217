"""Key destruction through the key service: the approver signs with their own key (password-opened),
the signature is verified before anything is erased, kept on the request, audited as a digest, and
`verify_destruction_approval` re-checks it; a wrong password destroys nothing and is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from shuan.audit.models import AuditEventRow
from shuan.crypto.keys import service
from shuan.crypto.keys.keyring import destruction_document
from shuan.crypto.keys.models import KeyDestruction, KeyRecord
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import AuthError, Conflict, CryptoError, InvalidInput, NotFound, PermissionDenied
from shuan.identity import passwords
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.identity.signing import signing_keys
from shuan.platform import Platform
from tests.identity.conftest import World

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass
class People:
    platform: Platform
    requester: Principal
    approver: Principal
    password: str
    dept: int


def as_role(real: Principal, *roles: Role) -> Principal:
    """The real account (its own signing key) with the key roles (no login session: no stage check)."""
    return Principal(user_id=real.user_id, username=real.username, department_id=real.department_id,
                     department_path=real.department_path, roles=frozenset(roles))


@pytest.fixture
def people(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[People]:
    monkeypatch.setattr(passwords, "TIME_COST", 1)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 64)
    monkeypatch.setattr(passwords, "PARALLELISM", 1)
    world = World(platform)
    first = world.user("an.quan1")
    second = world.user("an.quan2")
    requester = as_role(first.principal, Role.SECADMIN)
    approver = as_role(second.principal, Role.SECADMIN)
    yield People(platform, requester, approver, second.password, world.root_id)


def events(p: Platform, action: str) -> list[AuditEventRow]:
    with p.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == action).order_by(AuditEventRow.seq)))


def request(people: People, dataset: str = "户籍库") -> tuple[int, bytes]:
    p = people.platform
    service.create_data_key(p, people.requester, dataset, people.dept)
    with p.store.transaction() as s:
        blob = p.keyring.encrypt(s, dataset, "张三 110101199003074514".encode())
    return service.request_destruction(p, people.requester, dataset, "保存期限届满，经审批销毁"), blob


def test_signed_destruction(people: People) -> None:
    p = people.platform
    rid, blob = request(people)
    assert service.verify_destruction_approval(p, rid) is False  # pending: nothing signed yet
    assert service.approve_destruction(p, people.approver, rid, signing_password=people.password, now=NOW) == 1
    with p.store.transaction() as s, pytest.raises(CryptoError, match="已销毁"):
        p.keyring.decrypt(s, blob)
    with p.store.sessions() as s:
        req = s.get(KeyDestruction, rid)
        assert req is not None and req.status == "executed" and req.decided_by == "an.quan2"
        document = destruction_document(req, approver="an.quan2", approved_at=NOW)
    [key] = signing_keys(p, username="an.quan2")
    assert req.approval_key_id == key.id and req.approval_signature is not None
    event = events(p, "key.destroy")[-1]
    details = json.loads(event.details)
    assert event.outcome == "success" and details["digest"] == sm3_hex(document)
    assert details["signature"] == req.approval_signature and details["key_id"] == key.id
    assert service.verify_destruction_approval(p, rid) is True
    view = service.destruction_approval(p, people.requester, rid)
    assert (view.signed, view.valid, view.approver, view.status) == (True, True, "an.quan2", "executed")
    assert view.digest == sm3_hex(document) and view.as_dict()["approved_at"] == NOW.isoformat()


@pytest.mark.parametrize("sql", [
    "UPDATE key_destructions SET reason='别的理由' WHERE id=:id",
    "UPDATE key_destructions SET scope='dek/别的库' WHERE id=:id",
    "UPDATE key_destructions SET requested_by='someone' WHERE id=:id",
    "UPDATE key_destructions SET decided_by='an.quan1' WHERE id=:id",
    "UPDATE key_destructions SET decided_at='2026-03-03 00:00:00.000000' WHERE id=:id",
    "UPDATE key_destructions SET approval_signature=substr(approval_signature,3) || '00' WHERE id=:id",
    "UPDATE key_destructions SET approval_key_fingerprint='x' WHERE id=:id",
], ids=["reason", "scope", "requester", "approver", "time", "signature", "fingerprint"])
def test_tampered_destruction_record_fails_verification(people: People, sql: str) -> None:
    p = people.platform
    rid, _ = request(people)
    service.approve_destruction(p, people.approver, rid, signing_password=people.password, now=NOW)
    with p.store.engine.begin() as conn:
        conn.execute(text(sql), {"id": rid})
    assert service.verify_destruction_approval(p, rid) is False


def test_wrong_password_destroys_nothing_and_is_audited(people: People) -> None:
    p = people.platform
    rid, blob = request(people)
    with pytest.raises(AuthError) as err:
        service.approve_destruction(p, people.approver, rid, signing_password="Wrong-Passw0rd-1", now=NOW)
    assert err.value.key == "identity.signing_password"
    destroy = events(p, "key.destroy")[-1]
    assert destroy.outcome == "failure" and json.loads(destroy.details)["reason"] == "identity.signing_password"
    assert events(p, "approval.sign")[-1].outcome == "failure"
    with p.store.transaction() as s:
        assert p.keyring.decrypt(s, blob).startswith("张三".encode())
        req = s.get(KeyDestruction, rid)
        assert req is not None and req.status == "pending" and req.approval_signature is None
        assert s.scalar(select(KeyRecord.status).where(KeyRecord.scope == "dek/户籍库")) == "active"


def test_refusals_come_before_the_key_is_opened(people: People) -> None:
    p = people.platform
    rid, _ = request(people)
    with pytest.raises(PermissionDenied) as err:  # the requester cannot approve, whatever the password
        service.approve_destruction(p, people.requester, rid, signing_password="Wrong-Passw0rd-1", now=NOW)
    assert err.value.key == "key.same_approver"
    with pytest.raises(NotFound):
        service.approve_destruction(p, people.approver, 999_999, signing_password="Wrong-Passw0rd-1", now=NOW)
    with pytest.raises(InvalidInput):
        service.approve_destruction(p, people.approver, rid, signing_password="", now=NOW)
    assert events(p, "approval.sign") == []
    assert [e.outcome for e in events(p, "key.destroy")] == ["denied", "failure", "failure"]
    service.approve_destruction(p, people.approver, rid, signing_password=people.password, now=NOW)
    with pytest.raises(Conflict):
        service.approve_destruction(p, people.approver, rid, signing_password=people.password, now=NOW)


def test_approval_view_permissions(people: People) -> None:
    p = people.platform
    rid, _ = request(people)
    user = Principal(user_id=None, username="shi.yong", roles=frozenset({Role.DATA_USER}))
    with pytest.raises(PermissionDenied):
        service.destruction_approval(p, user, rid)
    assert events(p, "key.destroy_verify")[-1].outcome == "denied"
    auditor = Principal(user_id=None, username="shen.ji", roles=frozenset({Role.AUDITOR}))
    assert service.destruction_approval(p, auditor, rid).signed is False
    with pytest.raises(NotFound):
        service.destruction_approval(p, auditor, 999_999)
    with pytest.raises(NotFound):
        service.verify_destruction_approval(p, 999_999)
