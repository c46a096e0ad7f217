"""Signed approvals (non-repudiation): the data authority signs a canonical document with its own key;
the signature is verified before the approval counts, kept on the grant, in the audit trail as a
digest, and re-checked on demand — any change to the grant or the signature makes it fail."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text, update

from shuan.access import (
    Subject,
    approve_grant,
    create_grant,
    decide,
    engine_for,
    get_grant,
    grant_approval,
    revoke_grant,
    verify_grant_approval,
)
from shuan.access import service as access_service
from shuan.access.approval import grant_document
from shuan.access.models import AccessGrant
from shuan.crypto.keys.keyring import fingerprint
from shuan.crypto.sm3 import sm3_hex
from shuan.errors import AuthError, Conflict, NotFound
from shuan.identity.models import SigningKey, User
from shuan.identity.signing import signing_keys, verify_approval
from shuan.platform import Platform
from tests.access.conftest import (
    AUDITOR,
    SECADMIN,
    SFZ,
    STEWARD10,
    T0,
    USER10,
    USER30,
    Signer,
    Signers,
    events,
)

DAY = timedelta(days=1)
AT = T0 + DAY


def pending(p: Platform, **kw: Any) -> Any:
    kw.setdefault("purpose", "跨部门户籍核验")
    kw.setdefault("valid_until", T0 + 30 * DAY)
    kw.setdefault("actions", ["read", "export"])
    kw.setdefault("row_filter", [{"column": "区县", "op": "in", "value": ["任城区", "兖州区"]},
                                 {"column": "年龄", "op": ">=", "value": 18.5}])
    kw.setdefault("masking_profile", "身份证脱敏")
    assert USER30.user_id is not None
    return create_grant(p, STEWARD10, subject=Subject.user(USER30.user_id, USER30.department_path), resource=SFZ,
                        await_authority=True, now=T0, **kw)


@pytest.fixture
def authority(signers: Signers) -> Signer:
    return signers("shen.pi")


def row_of(p: Platform, gid: int) -> AccessGrant:
    with p.store.sessions() as s:
        row = s.get(AccessGrant, gid)
        assert row is not None
        return row


def test_approval_is_signed_verified_stored_and_audited(world: Platform, authority: Signer) -> None:
    g = pending(world)
    view = approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert view.status == "active" and view.approval_signer == "shen.pi"
    row = row_of(world, g.id)
    [key] = signing_keys(world, username="shen.pi")
    assert (row.approval_version, row.approval_key_id) == (1, key.id)
    assert row.approval_key_fingerprint == fingerprint(key.public_key)
    assert row.approval_signature is not None and len(row.approval_signature) == 128
    # the document re-encoded from the stored grant verifies with the approver's public key alone
    document = grant_document(row, approver="shen.pi", approved_at=T0)
    assert verify_approval(key.public_key, document, bytes.fromhex(row.approval_signature))
    # the audit event carries the document's SM3 digest and the signature
    event = events(world, "grant.approve")[-1]
    details = json.loads(event.details)
    assert details["digest"] == sm3_hex(document) and details["signature"] == row.approval_signature
    assert details["key_id"] == key.id and details["key_fingerprint"] == row.approval_key_fingerprint
    assert "跨部门户籍核验" not in event.details  # the purpose is in the event's purpose field, not repeated
    sign_event = events(world, "approval.sign")[-1]
    assert (sign_event.outcome, sign_event.actor) == ("success", "shen.pi")
    # verification on demand
    assert verify_grant_approval(world, g.id) is True
    check = grant_approval(world, SECADMIN, g.id)
    assert (check.approved, check.signed, check.valid, check.approver) == (True, True, True, "shen.pi")
    assert check.digest == sm3_hex(document) and check.approved_at == T0
    assert check.as_dict()["approved_at"] == T0.isoformat()
    assert decide(world, USER30, SFZ, "read", now=AT).allowed


def test_document_encoding_is_canonical_and_versioned() -> None:
    row = AccessGrant(
        id=7, subject_kind="user", subject_id=42, include_subdepartments=False, resource_path="src:公安/tbl:户籍",
        actions="read,export", purpose="核验 \"quoted\"", scenario="business",
        row_filter=[{"value": 1.5, "op": ">=", "column": "年龄"}], masking_profile=None,
        valid_from=datetime(2026, 3, 1, 16, 0, tzinfo=UTC).astimezone(),
        valid_until=datetime(2026, 3, 31, 0, 0, 0, 123456),  # naive values are UTC (SQLite)
    )
    doc = grant_document(row, approver="shen.pi", approved_at=datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
    assert doc == (
        b'{"actions":["export","read"],"approved_at":"2026-03-02T08:30:00.000000Z","approver":"shen.pi",'
        b'"grant":7,"masking":null,"purpose":"\\u6838\\u9a8c \\"quoted\\"","resource":"src:\\u516c\\u5b89/tbl:'
        b'\\u6237\\u7c4d","row_filter":[{"column":"\\u5e74\\u9f84","op":">=","value":1.5}],"scenario":"business",'
        b'"subject":{"id":42,"include_subdepartments":false,"kind":"user"},"type":"shuan.grant-approval",'
        b'"valid_from":"2026-03-01T16:00:00.000000Z","valid_until":"2026-03-31T00:00:00.123456Z","version":1}'
    )
    with pytest.raises(ValueError):
        grant_document(row, approver="shen.pi", approved_at=T0, version=2)


TAMPER: list[tuple[str, str]] = [
    ("actions widened", "UPDATE access_grants SET actions='export,read,share' WHERE id=:id"),
    ("validity extended", "UPDATE access_grants SET valid_until='2026-12-31 00:00:00.000000' WHERE id=:id"),
    ("another subject", "UPDATE access_grants SET subject_id=subject_id+1 WHERE id=:id"),
    ("another resource", "UPDATE access_grants SET resource_path='src:公安' WHERE id=:id"),
    ("purpose reworded", "UPDATE access_grants SET purpose='别的理由' WHERE id=:id"),
    ("scenario changed", "UPDATE access_grants SET scenario='dev_test' WHERE id=:id"),
    ("row filter dropped", "UPDATE access_grants SET row_filter=NULL WHERE id=:id"),
    ("masking dropped", "UPDATE access_grants SET masking_profile=NULL WHERE id=:id"),
    ("subtree added", "UPDATE access_grants SET include_subdepartments=1 WHERE id=:id"),
    ("approval time moved", "UPDATE access_grants SET authority_approved_at='2026-03-05 00:00:00.000000' WHERE id=:id"),
    ("signer renamed", "UPDATE access_grants SET approval_signer='root.admin' WHERE id=:id"),
    ("key swapped", "UPDATE access_grants SET approval_key_id=approval_key_id+1 WHERE id=:id"),
    ("fingerprint swapped", "UPDATE access_grants SET approval_key_fingerprint='0000' WHERE id=:id"),
    ("signature flipped", "UPDATE access_grants SET approval_signature="
                          "substr(approval_signature,1,127) || CASE WHEN substr(approval_signature,128,1)='0' "
                          "THEN '1' ELSE '0' END WHERE id=:id"),
    ("signature not hex", "UPDATE access_grants SET approval_signature='zz' WHERE id=:id"),
    ("unknown document version", "UPDATE access_grants SET approval_version=2 WHERE id=:id"),
]


@pytest.mark.parametrize("sql", [t[1] for t in TAMPER], ids=[t[0] for t in TAMPER])
def test_any_change_breaks_the_signature(world: Platform, authority: Signer, sql: str) -> None:
    g = pending(world)
    approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert verify_grant_approval(world, g.id)
    with world.store.engine.begin() as conn:
        conn.execute(text(sql), {"id": g.id})
    assert verify_grant_approval(world, g.id) is False
    check = grant_approval(world, AUDITOR, g.id)
    assert check.valid is False


def test_wrong_signing_password_is_refused_audited_and_counted(world: Platform, authority: Signer) -> None:
    g = pending(world)
    with pytest.raises(AuthError) as err:
        approve_grant(world, authority.principal, g.id, signing_password="Wrong-Passw0rd-1", now=T0)
    assert err.value.key == "identity.signing_password"
    assert get_grant(world, SECADMIN, g.id).status == "pending_authority"
    assert row_of(world, g.id).approval_signature is None
    approve_event = events(world, "grant.approve")[-1]
    assert approve_event.outcome == "failure" and json.loads(approve_event.details)["reason"] == "identity.signing_password"
    sign_event = events(world, "approval.sign")[-1]
    assert sign_event.outcome == "failure" and json.loads(sign_event.details)["reason"] == "identity.signing_password"
    with world.store.sessions() as s:
        failures = s.scalar(select(User.failed_logins).where(User.username == "shen.pi"))
    assert failures == 1
    # enough wrong passwords lock the approver's account: then even the right one is refused
    for _ in range(world.settings.lockout_threshold - 1):
        with pytest.raises(AuthError):
            approve_grant(world, authority.principal, g.id, signing_password="Wrong-Passw0rd-1", now=T0)
    with pytest.raises(AuthError) as err:
        approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert err.value.key == "identity.locked"
    assert not decide(world, USER30, SFZ, "read", now=AT).allowed


def test_an_empty_password_is_bad_input(world: Platform, authority: Signer) -> None:
    g = pending(world)
    for bad in ("", None, 12345):
        with pytest.raises(Exception) as err:
            approve_grant(world, authority.principal, g.id, signing_password=bad, now=T0)  # type: ignore[arg-type]
        assert getattr(err.value, "key", "") == "access.bad_field"
    assert events(world, "approval.sign") == []  # the key was never tried


def test_refused_approvals_never_open_the_key(world: Platform, signers: Signers) -> None:
    """Permission and state are checked first: no password attempt (and no lockout) for a refused call."""
    steward = signers("steward.ten", path=(1, 10))
    g = pending(world)
    with pytest.raises(Exception) as err:
        approve_grant(world, steward.principal, g.id, signing_password="Wrong-Passw0rd-1", now=T0)
    assert getattr(err.value, "key", "") == "access.not_authority"
    with pytest.raises(NotFound):
        approve_grant(world, signers("shen.pi").principal, 999_999, signing_password="Wrong-Passw0rd-1", now=T0)
    assert events(world, "approval.sign") == []


def test_unsigned_approval_counts_for_nothing_and_can_be_signed(world: Platform, authority: Signer) -> None:
    """An approval recorded without a signature (written around the service, or before 0008) allows nothing."""
    g = pending(world)
    with world.store.engine.begin() as conn:
        conn.execute(update(AccessGrant).where(AccessGrant.id == g.id).values(
            authority_approved_by=authority.principal.user_id, authority_approved_at=T0, status="active",
            change_seq=AccessGrant.change_seq + 1000))
    engine_for(world).refresh(force=True)
    d = decide(world, USER30, SFZ, "read", now=AT)
    assert (d.allowed, d.rule, d.detail) == (False, "deny_level_guardrail", "level3_authority")
    assert verify_grant_approval(world, g.id) is False
    check = grant_approval(world, SECADMIN, g.id)
    assert (check.approved, check.signed, check.valid) == (True, False, False)
    # the authority can still sign it; then it allows
    approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert verify_grant_approval(world, g.id) and decide(world, USER30, SFZ, "read", now=AT).allowed


def test_grant_changed_while_signing_is_not_approved(world: Platform, authority: Signer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    g = pending(world)
    real = access_service.sign_approval

    def sign_then_change(platform: Platform, **kw: Any) -> bytes:
        signature = real(platform, **kw)
        with platform.store.engine.begin() as conn:  # someone edits the grant meanwhile
            conn.execute(update(AccessGrant).where(AccessGrant.id == g.id).values(actions="export,read,share"))
        return signature

    monkeypatch.setattr(access_service, "sign_approval", sign_then_change)
    with pytest.raises(Conflict) as err:
        approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert err.value.key == "access.grant_changed"
    row = row_of(world, g.id)
    assert row.status == "pending_authority" and row.approval_signature is None


def test_grant_revoked_while_signing_is_not_approved(world: Platform, authority: Signer,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    g = pending(world)
    real = access_service.sign_approval

    def sign_then_revoke(platform: Platform, **kw: Any) -> bytes:
        signature = real(platform, **kw)
        revoke_grant(platform, SECADMIN, g.id, reason="撤回申请", now=T0)
        return signature

    monkeypatch.setattr(access_service, "sign_approval", sign_then_revoke)
    with pytest.raises(Conflict) as err:
        approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert err.value.key == "access.grant_revoked"
    assert row_of(world, g.id).authority_approved_by is None


def test_a_signature_that_does_not_verify_is_not_recorded(world: Platform, authority: Signer,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    g = pending(world)
    monkeypatch.setattr(access_service, "sign_approval", lambda platform, **kw: bytes(64))
    with pytest.raises(Conflict) as err:
        approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert err.value.key == "access.approval_unverified"
    event = events(world, "grant.approve")[-1]
    assert event.outcome == "denied" and json.loads(event.details)["reason"] == "access.approval_unverified"
    assert row_of(world, g.id).status == "pending_authority"


def test_approver_without_a_signing_key(world: Platform, authority: Signer) -> None:
    g = pending(world)
    with world.store.transaction() as s:
        for key in s.scalars(select(SigningKey)):
            s.delete(key)
    with pytest.raises(Conflict) as err:
        approve_grant(world, authority.principal, g.id, signing_password=authority.password, now=T0)
    assert err.value.key == "identity.no_signing_key"
    assert events(world, "grant.approve")[-1].outcome == "denied"


def test_approval_view_follows_grant_visibility(world: Platform, authority: Signer) -> None:
    g = pending(world)
    with pytest.raises(NotFound):
        grant_approval(world, USER10, g.id)  # not the subject, not a manager
    check = grant_approval(world, USER30, g.id)  # the subject sees it: not yet approved
    assert (check.approved, check.signed, check.valid, check.signature) == (False, False, False, None)
    with pytest.raises(NotFound):
        verify_grant_approval(world, 999_999)
