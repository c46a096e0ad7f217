"""Grant administration: escalation attempts, guardrails, injection, revocation, refresh, fail-closed audit."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from shuan.access import (
    DecisionEngine,
    InvalidInput,
    Subject,
    approve_grant,
    create_grant,
    decide,
    decide_and_record,
    engine_for,
    get_grant,
    get_resource,
    list_grants,
    query_decision,
    register_resource,
    revoke_grant,
    set_authorised_departments,
    set_resource_level,
    set_resource_public,
)
from shuan.access.models import AccessGrant, AccessResource, AccessVersion
from shuan.audit.log import AuditLog
from shuan.errors import AuditError, Conflict, NotFound, PermissionDenied, ShuanError
from shuan.identity.principal import SYSTEM, Principal
from shuan.platform import Platform
from tests.access.conftest import (
    AUDITOR,
    AUTHORITY,
    FAKE_AUTHORITY,
    GG,
    HJ,
    OFFICER10,
    SECADMIN,
    SFZ,
    SRC,
    STEWARD10,
    STEWARD20,
    T0,
    USER10,
    USER11,
    USER20,
    USER30,
    WJ,
    XM,
    Signers,
    events,
    last_event,
)

DAY = timedelta(days=1)
AT = T0 + DAY


def user(p: Principal) -> Subject:
    assert p.user_id is not None
    return Subject.user(p.user_id, p.department_path)


def grant(p: Platform, actor: Principal, **kw: Any) -> Any:
    kw.setdefault("purpose", "户籍业务核验")
    kw.setdefault("valid_until", T0 + 30 * DAY)
    kw.setdefault("actions", ["read"])
    kw.setdefault("now", T0)
    return create_grant(p, actor, **kw)


def grant_count(p: Platform) -> int:
    with p.store.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(AccessGrant)) or 0)


def refused(p: Platform, exc: type[ShuanError], key: str, action: str, fn: Any, *args: Any, **kw: Any) -> ShuanError:
    """Call fn, expect `exc` with catalogue key `key`, a one-line message and a refusal audit event."""
    before = len(events(p, action))
    with pytest.raises(exc) as err:
        fn(*args, **kw)
    assert err.value.key == key, err.value.key
    message = str(err.value)
    assert message and "\n" not in message and message != key
    after = events(p, action)
    assert len(after) == before + 1, "a refusal leaves one audit event"
    event = after[-1]
    assert event.outcome == ("failure" if exc is InvalidInput else "denied")
    assert json.loads(event.details)["reason"] == key
    return err.value


# -- privilege escalation ---------------------------------------------------------------------------


def test_data_user_cannot_grant_itself(world: Platform) -> None:
    refused(world, PermissionDenied, "access.no_grant_permission", "grant.create",
            grant, world, USER10, subject=user(USER10), resource=HJ)
    event = last_event(world, "grant.create")
    assert event.actor == USER10.username and event.resource == HJ
    assert grant_count(world) == 0
    assert not decide(world, USER10, HJ, "read", now=AT).allowed


@pytest.mark.parametrize(
    ("actor", "subject"),
    [
        (SECADMIN, user(SECADMIN)),  # even the security administrator
        (STEWARD10, user(STEWARD10)),
        (STEWARD10, Subject.department((1, 10))),  # own department
        (STEWARD10, Subject.department((1,), include_subdepartments=True)),  # a subtree that holds the actor
        (OFFICER10, Subject.department((1, 10), include_subdepartments=True)),
    ],
)
def test_nobody_grants_to_themselves(world: Platform, actor: Principal, subject: Subject) -> None:
    refused(world, PermissionDenied, "access.self_grant", "grant.create",
            grant, world, actor, subject=subject, resource=GG)
    assert grant_count(world) == 0


def test_granting_to_a_parent_department_without_subtree_is_not_self(world: Platform) -> None:
    view = grant(world, STEWARD10, subject=Subject.department((1,)), resource=GG)
    assert view.status == "active"


def test_steward_cannot_grant_on_another_departments_resource(world: Platform) -> None:
    err = refused(world, PermissionDenied, "access.not_owner_department", "grant.create",
                  grant, world, STEWARD10, subject=user(USER10), resource=WJ)
    assert "20" in str(err)
    # nor on a child of it, nor revoke grants there
    refused(world, PermissionDenied, "access.not_owner_department", "grant.create",
            grant, world, STEWARD10, subject=user(USER10), resource=WJ + "/tbl:病历")
    g = grant(world, STEWARD20, subject=user(USER20), resource=WJ)
    refused(world, PermissionDenied, "access.not_owner_department", "grant.revoke",
            revoke_grant, world, STEWARD10, g.id)
    assert get_grant(world, SECADMIN, g.id).status == "active"


def test_level3_across_departments_needs_the_authority(world: Platform, signers: Signers) -> None:
    refused(world, PermissionDenied, "access.level3_needs_authority", "grant.create",
            grant, world, STEWARD10, subject=user(USER30), resource=SFZ)
    # also for the security administrator, also through a parent that holds a 三级 column
    refused(world, PermissionDenied, "access.level3_needs_authority", "grant.create",
            grant, world, SECADMIN, subject=Subject.department((1, 30)), resource=SRC)
    assert grant_count(world) == 0

    pending = grant(world, SECADMIN, subject=user(USER30), resource=SFZ, await_authority=True)
    assert pending.pending_authority and pending.authority_approved_by is None
    d = decide(world, USER30, SFZ, "read", now=AT)
    assert (d.allowed, d.rule) == (False, "deny_pending_authority")

    # the creator cannot approve (two people), even holding the permission at the root
    refused(world, PermissionDenied, "access.approve_own", "grant.approve", approve_grant, world, SECADMIN, pending.id,
            signing_password="x")
    # the permission outside the root department is not the data authority
    refused(world, PermissionDenied, "access.not_authority", "grant.approve",
            approve_grant, world, FAKE_AUTHORITY, pending.id, signing_password="x")
    refused(world, PermissionDenied, "access.not_authority", "grant.approve", approve_grant, world, STEWARD10, pending.id,
            signing_password="x")
    refused(world, PermissionDenied, "access.not_authority", "grant.approve", approve_grant, world, USER30, pending.id,
            signing_password="x")
    assert not decide(world, USER30, SFZ, "read", now=AT).allowed

    authority = signers("shen.pi")
    approved = approve_grant(world, authority.principal, pending.id, signing_password=authority.password, now=T0)
    assert approved.status == "active" and approved.authority_approved_by == authority.principal.user_id
    event = last_event(world, "grant.approve")
    assert event.outcome == "success" and json.loads(event.details)["grant"] == pending.id
    d = decide(world, USER30, SFZ, "read", now=AT)
    assert (d.allowed, d.rule, d.grant_id) == (True, "grant", pending.id)
    refused(world, Conflict, "access.grant_approved", "grant.approve", approve_grant, world, authority.principal,
            pending.id, signing_password=authority.password)


def test_authority_cannot_approve_a_grant_to_itself(world: Platform) -> None:
    g = grant(world, STEWARD10, subject=user(AUTHORITY), resource=SFZ, await_authority=True)
    refused(world, PermissionDenied, "access.approve_self", "grant.approve", approve_grant, world, AUTHORITY, g.id,
            signing_password="x")
    # nor one to its department
    g2 = grant(world, STEWARD10, subject=Subject.department((1,)), resource=SFZ, await_authority=True)
    refused(world, PermissionDenied, "access.approve_self", "grant.approve", approve_grant, world, AUTHORITY, g2.id,
            signing_password="x")


def test_level3_inside_the_owner_needs_no_approval(world: Platform) -> None:
    g = grant(world, STEWARD10, subject=user(USER11), resource=SFZ)  # 户政科 is part of 公安局
    assert g.status == "active"
    assert decide(world, USER11, SFZ, "read", now=AT).allowed


def test_level3_can_never_be_public(world: Platform) -> None:
    refused(world, PermissionDenied, "access.public_level", "resource.public",
            set_resource_public, world, STEWARD10, SFZ, True)
    refused(world, PermissionDenied, "access.public_level", "resource.public",
            set_resource_public, world, SECADMIN, SFZ, True)
    refused(world, PermissionDenied, "access.public_level", "resource.public",
            set_resource_public, world, SECADMIN, HJ, True)  # 二级 (and holds a 三级 column)
    refused(world, PermissionDenied, "access.public_level", "resource.public",
            set_resource_public, world, SECADMIN, SRC, True)  # 一级 source holding 三级 below
    refused(world, PermissionDenied, "access.not_owner_department", "resource.public",
            set_resource_public, world, STEWARD20, GG, False)
    assert not get_resource(world, SFZ).public
    assert not decide(world, USER30, SFZ, "read", now=AT).allowed


def test_public_flag_is_rechecked_when_the_grade_rises(world: Platform) -> None:
    assert decide(world, USER30, GG, "read", now=AT).rule == "public"
    set_resource_level(world, SYSTEM, GG, 3, now=T0)
    d = decide(world, USER30, GG, "read", now=AT)
    assert (d.allowed, d.rule) == (False, "deny_default")
    assert not get_resource(world, GG).effective_public


def test_level2_only_to_authorised_departments(world: Platform) -> None:
    refused(world, PermissionDenied, "access.level2_unauthorised", "grant.create",
            grant, world, STEWARD10, subject=user(USER30), resource=XM)
    g = grant(world, STEWARD10, subject=user(USER20), resource=XM)
    assert decide(world, USER20, XM, "read", now=AT).allowed
    # the authorised list is the security administrator's or the authority's, not the steward's
    refused(world, PermissionDenied, "access.authorise_permission", "resource.authorise",
            set_authorised_departments, world, STEWARD10, HJ, [20, 30])
    refused(world, PermissionDenied, "access.authorise_permission", "resource.authorise",
            set_authorised_departments, world, OFFICER10, HJ, [20, 30])
    # withdrawing the authorisation takes effect on the existing grant at the next decision
    set_authorised_departments(world, AUTHORITY, HJ, [], now=T0)
    d = decide(world, USER20, XM, "read", now=AT)
    assert (d.allowed, d.rule, d.detail, d.grant_id) == (False, "deny_level_guardrail", "level2_unauthorised", g.id)


def test_opening_scenario_only_for_level1(world: Platform) -> None:
    refused(world, PermissionDenied, "access.opening_level", "grant.create",
            grant, world, STEWARD10, subject=user(USER20), resource=XM, scenario="opening")
    assert grant(world, STEWARD10, subject=user(USER20), resource=GG, scenario="opening").status == "active"


def test_guardrails_rechecked_when_a_resource_is_raised(world: Platform) -> None:
    register_resource(world, SYSTEM, "src:公安/tbl:统计", level=1, now=T0)
    g = grant(world, STEWARD10, subject=user(USER30), resource="src:公安/tbl:统计")  # 一级: free in the platform
    assert decide(world, USER30, "src:公安/tbl:统计", "read", now=AT).allowed
    set_resource_level(world, STEWARD10, "src:公安/tbl:统计", 3, now=T0)  # raising is the owner's right
    d = decide(world, USER30, "src:公安/tbl:统计", "read", now=AT)
    assert (d.allowed, d.rule, d.detail, d.grant_id) == (False, "deny_level_guardrail", "level3_authority", g.id)
    # a 三级 column registered under it later also closes the table
    set_resource_level(world, SECADMIN, "src:公安/tbl:统计", 1, now=T0)
    assert decide(world, USER30, "src:公安/tbl:统计", "read", now=AT).allowed
    register_resource(world, SYSTEM, "src:公安/tbl:统计/col:身份证号", level=3, now=T0)
    assert not decide(world, USER30, "src:公安/tbl:统计", "read", now=AT).allowed
    assert decide(world, USER30, "src:公安/tbl:统计/col:身份证号", "read", now=AT).detail == "level3_authority"


def test_steward_cannot_lower_a_grade(world: Platform) -> None:
    refused(world, PermissionDenied, "access.lower_level", "resource.level", set_resource_level, world, STEWARD10, SFZ, 1)
    refused(world, PermissionDenied, "access.lower_level", "resource.level",
            set_resource_level, world, STEWARD10, SFZ, None)
    refused(world, PermissionDenied, "access.not_owner_department", "resource.level",
            set_resource_level, world, STEWARD20, SFZ, 3)
    assert get_resource(world, SFZ).level == 3
    view = set_resource_level(world, SECADMIN, SFZ, 2, now=T0)
    assert view.level == 2
    event = last_event(world, "resource.level")
    assert event.outcome == "success" and json.loads(event.details)["from"] == 3


def test_register_rules(world: Platform) -> None:
    # same values again: unchanged, no second event
    before = len(events(world, "resource.register"))
    assert register_resource(world, SYSTEM, SRC, owner_department_id=10, level=1).path == SRC
    assert len(events(world, "resource.register")) == before
    refused(world, Conflict, "access.resource_exists", "resource.register",
            register_resource, world, SYSTEM, SRC, owner_department_id=10, level=2)
    refused(world, Conflict, "access.owner_mismatch", "resource.register",
            register_resource, world, SYSTEM, SRC + "/tbl:新表", owner_department_id=20, level=1)
    refused(world, InvalidInput, "access.bad_field", "resource.register",
            register_resource, world, SYSTEM, "src:新库", owner_department_id=10)  # a source needs a grade
    refused(world, InvalidInput, "access.bad_field", "resource.register",
            register_resource, world, SYSTEM, "src:新库", level=1)  # and an owner
    refused(world, PermissionDenied, "access.not_owner_department", "resource.register",
            register_resource, world, STEWARD10, "src:新库", owner_department_id=20, level=1)
    refused(world, PermissionDenied, "access.no_resource_permission", "resource.register",
            register_resource, world, USER10, "src:新库", owner_department_id=10, level=1)
    view = register_resource(world, SECADMIN, "src:新库", owner_department_id=10, level=2)
    assert (view.kind, view.effective_level, view.owner_department_id) == ("source", 2, 10)
    # registering a parent over children of another owner is refused
    register_resource(world, SYSTEM, "src:旧库/tbl:a", owner_department_id=20, level=1)
    refused(world, Conflict, "access.owner_mismatch", "resource.register",
            register_resource, world, SYSTEM, "src:旧库", owner_department_id=10, level=1)


def test_unregistered_resource_cannot_be_granted(world: Platform) -> None:
    refused(world, NotFound, "access.resource_unknown", "grant.create",
            grant, world, SECADMIN, subject=user(USER10), resource="src:无此库/tbl:x")


# -- revocation, expiry and refresh -------------------------------------------------------------------


def test_revocation_is_audited_and_immediate(world: Platform) -> None:
    g = grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    assert decide(world, USER10, HJ, "read", now=AT).allowed
    engine_for(world).check_interval = 3600.0  # only the change notification can refresh it
    revoked = revoke_grant(world, OFFICER10, g.id, reason="离岗", now=AT)
    assert revoked.status == "revoked" and revoked.revoked_by == OFFICER10.user_id
    event = last_event(world, "grant.revoke")
    assert event.outcome == "success" and json.loads(event.details) == {"grant": g.id, "reason": "离岗"}
    d = decide(world, USER10, HJ, "read", now=AT)
    assert (d.allowed, d.rule, d.grant_id) == (False, "deny_revoked", g.id)
    refused(world, Conflict, "access.grant_revoked", "grant.revoke", revoke_grant, world, OFFICER10, g.id)
    refused(world, PermissionDenied, "access.no_grant_permission", "grant.revoke", revoke_grant, world, USER10, g.id)
    refused(world, NotFound, "access.grant_unknown", "grant.revoke", revoke_grant, world, SECADMIN, 999_999)
    refused(world, Conflict, "access.grant_revoked", "grant.approve", approve_grant, world, AUTHORITY, g.id,
            signing_password="x")


def test_other_process_sees_changes_within_the_check_interval(world: Platform) -> None:
    """An engine in another process learns of changes only by polling the version row.

    Staleness bound: `check_interval` seconds. Simulated with a second engine on the same store,
    which the service's change notification does not reach."""
    g = grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    other = DecisionEngine(world.store, check_interval=3600.0)
    assert other.decide(USER10, HJ, "read", now=AT).allowed
    version = other.version
    revoke_grant(world, SECADMIN, g.id, now=AT)
    # within the interval the other engine has not looked yet: this is the documented bound
    assert other.decide(USER10, HJ, "read", now=AT).allowed
    other.check_interval = 0.0  # the interval has passed
    d = other.decide(USER10, HJ, "read", now=AT)
    assert (d.allowed, d.rule) == (False, "deny_revoked")
    assert other.version > version
    # incremental: a new grant after that is loaded without a full reload
    g2 = grant(world, STEWARD10, subject=user(USER11), resource=HJ)
    assert other.decide(USER11, HJ, "read", now=AT).grant_id == g2.id
    assert other.grant_count == 2


def test_store_unreadable_denies_everything(world: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    engine = DecisionEngine(world.store, check_interval=0.0)
    assert engine.decide(USER10, HJ, "read", now=AT).allowed
    from sqlalchemy.exc import OperationalError

    def broken(*args: object, **kw: object) -> bool:
        raise OperationalError("select", {}, Exception("database is locked"))

    monkeypatch.setattr(engine, "refresh", broken)
    d = engine.decide(USER10, HJ, "read", now=AT)
    assert (d.allowed, d.rule) == (False, "deny_stale")
    monkeypatch.undo()
    assert engine.decide(USER10, HJ, "read", now=AT).allowed


def test_expired_grant_never_allows(world: Platform) -> None:
    g = grant(world, STEWARD10, subject=user(USER10), resource=HJ, valid_until=T0 + 2 * DAY)
    assert decide(world, USER10, HJ, "read", now=T0 + DAY).allowed
    d = decide(world, USER10, HJ, "read", now=T0 + 3 * DAY)
    assert (d.allowed, d.rule, d.grant_id) == (False, "deny_expired", g.id)
    assert "已过期" in d.explanation
    assert not get_grant(world, SECADMIN, g.id).in_force(T0 + 3 * DAY)


# -- injection and malformed input -------------------------------------------------------------------

INJECTIONS = [
    "'; DROP TABLE access_grants; --",
    "\" OR \"1\"=\"1",
    "src:公安/tbl:户籍' OR '1'='1",
    "src:公安/../卫健",
    "src:公安%2F..%2F卫健",
    "${jndi:ldap://evil/a}",
    "<script>alert(1)</script>",
    "src:公安\x00",
    "src:公安/tbl:户籍\nsrc:卫健",
    "src:\u202e公安",
    "src:*",
    "*",
    "src:公安/tbl:*",
    "src:公安/tbl:户籍/col:身份证号/col:x",
    "x" * 5000,
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_resource(world: Platform, value: str) -> None:
    before = len(events(world, "grant.create"))
    with pytest.raises((InvalidInput, NotFound)) as err:
        grant(world, STEWARD10, subject=user(USER10), resource=value)
    assert "\n" not in str(err.value)
    event = last_event(world, "grant.create")
    assert len(events(world, "grant.create")) == before + 1 and event.outcome in ("failure", "denied")
    assert len(event.resource) <= 1000
    d = decide(world, USER10, value, "read", now=AT)
    assert not d.allowed and d.rule in ("deny_invalid_resource", "deny_unregistered", "deny_default")
    assert "\n" not in d.explanation
    assert grant_count(world) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("actions", ["read'; DROP TABLE access_grants; --"]),
        ("actions", "read"),
        ("actions", ["*"]),
        ("scenario", "business' OR '1'='1"),
        ("masking_profile", "x'; DROP TABLE access_grants; --"),
        ("masking_profile", "../../etc/passwd"),
        ("purpose", "正常理由\n伪造的第二行"),
        ("purpose", ""),
        ("purpose", "x" * 501),
        ("row_filter", [{"column": "a", "op": "=' OR 1=1 --", "value": 1}]),
        ("row_filter", "1=1; DROP TABLE access_grants"),
        ("row_filter", [{"column": "a\x00", "op": "=", "value": 1}]),
        ("row_filter", [{"column": "a", "op": "=", "value": 1, "raw_sql": "1=1"}]),
        ("subject", Subject("user", "1 OR 1=1", (1, 10))),  # type: ignore[arg-type]
        ("subject", Subject("admin", 3, (1, 10))),
        ("subject", Subject("user", 3, ("1; DROP", 10))),  # type: ignore[arg-type]
        ("subject", Subject("department", 10, (1, 20))),  # path does not end in the department
        ("subject", "user:3"),
        ("valid_until", "2099-01-01'; --"),
        ("valid_until", T0 + 400 * DAY),
        ("valid_until", T0 - DAY),
        ("valid_from", "now"),
        ("await_authority", "yes"),
    ],
)
def test_injection_in_grant_fields(world: Platform, field: str, value: object) -> None:
    refused(world, InvalidInput, "access.bad_field", "grant.create",
            grant, world, STEWARD10, **{"subject": user(USER10), "resource": HJ, field: value})
    event = last_event(world, "grant.create")
    assert json.loads(event.details)["field"].startswith(field.split("_")[0])
    assert grant_count(world) == 0


def test_free_text_and_filter_values_are_stored_verbatim(world: Platform) -> None:
    nasty = "'; DROP TABLE access_grants; -- <script>"
    g = grant(
        world,
        STEWARD10,
        subject=user(USER10),
        resource=HJ,
        purpose=nasty,
        row_filter=[{"column": "姓名'; --", "op": "in", "value": [nasty, "\" OR 1=1"]}],
    )
    stored = get_grant(world, SECADMIN, g.id)
    assert stored.purpose == nasty
    assert stored.row_filter is not None and stored.row_filter[0].value == (nasty, "\" OR 1=1")
    d = decide(world, USER10, HJ, "read", now=AT)
    assert d.row_filter == stored.row_filter
    # the row filter is kept out of the audit log in clear: only its HMAC
    event = last_event(world, "grant.create")
    assert nasty not in json.loads(event.details).get("row_filter_text", "")
    assert "hmac-sm3:" in event.details and "DROP TABLE" not in event.details
    with world.store.sessions() as s:  # the tables are intact
        assert s.scalar(select(func.count()).select_from(AccessGrant)) == 1
        assert s.scalar(select(func.count()).select_from(AccessResource)) > 0


def test_injection_in_ids(world: Platform) -> None:
    for bad in ("1 OR 1=1", -1, 0, 1.5, True, None):
        refused(world, InvalidInput, "access.bad_field", "grant.revoke", revoke_grant, world, SECADMIN, bad)
        refused(world, InvalidInput, "access.bad_field", "grant.approve", approve_grant, world, AUTHORITY, bad,
                signing_password="x")
    refused(world, InvalidInput, "access.bad_field", "resource.level", set_resource_level, world, SYSTEM, HJ, "3")
    refused(world, InvalidInput, "access.bad_field", "resource.level", set_resource_level, world, SYSTEM, HJ, 4)
    refused(world, InvalidInput, "access.bad_field", "resource.authorise",
            set_authorised_departments, world, SECADMIN, HJ, ["20; DROP"])
    refused(world, InvalidInput, "access.bad_field", "resource.public", set_resource_public, world, SECADMIN, GG, "1")


# -- fail-closed audit --------------------------------------------------------------------------------


def test_audit_failure_leaves_no_grant(world: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    g = grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    with world.store.sessions() as s:
        version = s.scalar(select(AccessVersion.version))
    count_before = grant_count(world)
    events_before = len(events(world))

    def fail(self: AuditLog, *args: object, **kw: object) -> int:
        raise AuditError("audit.write_failed", reason="disk full")

    monkeypatch.setattr(AuditLog, "record", fail)
    with pytest.raises(AuditError):
        grant(world, STEWARD10, subject=user(USER11), resource=HJ)
    with pytest.raises(AuditError):
        revoke_grant(world, SECADMIN, g.id)
    with pytest.raises(AuditError):
        set_resource_public(world, SECADMIN, GG, False)
    with pytest.raises(AuditError):
        decide_and_record(world, USER10, HJ, "read", now=AT)  # no record, no decision handed out
    with pytest.raises(AuditError):  # a refusal that cannot be recorded still refuses
        grant(world, USER10, subject=user(USER10), resource=HJ)
    monkeypatch.undo()
    assert grant_count(world) == count_before
    assert get_grant(world, SECADMIN, g.id).status == "active"
    assert get_resource(world, GG).public
    with world.store.sessions() as s:
        assert s.scalar(select(AccessVersion.version)) == version
    assert len(events(world)) == events_before
    assert decide(world, USER10, HJ, "read", now=AT).allowed
    assert not decide(world, USER11, HJ, "read", now=AT).allowed


# -- decisions through the service, queries, listing -------------------------------------------------


def test_decide_and_record(world: Platform) -> None:
    g = grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    d = decide_and_record(world, USER10, SFZ, "read", now=AT)
    assert d.allowed
    event = last_event(world, "access.decide")
    assert (event.outcome, event.actor, event.resource) == ("success", USER10.username, SFZ)
    assert json.loads(event.details) | {} == {
        "action": "read", "scenario": "business", "rule": "grant", "detail": "", "grant": g.id, "level": 3,
    }
    d = decide_and_record(world, USER30, SFZ, "export", purpose="analysis", now=AT)
    event = last_event(world, "access.decide")
    assert (event.outcome, event.purpose, json.loads(event.details)["rule"]) == ("denied", "analysis", "deny_default")


def test_query_decision_permissions(world: Platform) -> None:
    grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    assert query_decision(world, USER10, USER10, HJ, "read", now=AT).allowed  # oneself
    assert query_decision(world, OFFICER10, USER10, HJ, "read", now=AT).allowed  # own department
    assert query_decision(world, OFFICER10, USER11, HJ, "read", now=AT).rule == "deny_default"  # sub-department
    assert query_decision(world, SECADMIN, USER20, HJ, "read", now=AT).rule == "deny_default"  # anywhere
    event = last_event(world, "access.query")
    assert event.actor == SECADMIN.username and json.loads(event.details)["subject"] == USER20.user_id
    refused(world, PermissionDenied, "access.query_permission", "access.query",
            query_decision, world, USER20, USER10, HJ, "read")
    refused(world, PermissionDenied, "access.query_permission", "access.query",
            query_decision, world, OFFICER10, USER20, HJ, "read")
    refused(world, InvalidInput, "access.bad_field", "access.query",
            query_decision, world, USER10, USER10, HJ, "drop")


def test_listing_respects_visibility(world: Platform) -> None:
    g1 = grant(world, STEWARD10, subject=user(USER10), resource=HJ)
    g2 = grant(world, STEWARD20, subject=user(USER20), resource=WJ)
    g3 = grant(world, STEWARD10, subject=user(USER11), resource=XM)
    revoke_grant(world, SECADMIN, g3.id)

    def ids(actor: Principal, **kw: Any) -> list[int]:
        return [g.id for g in list_grants(world, actor, **kw)]

    assert ids(SECADMIN) == [g2.id, g1.id]
    assert ids(SECADMIN, include_revoked=True) == [g3.id, g2.id, g1.id]
    assert ids(AUDITOR, include_revoked=True) == [g3.id, g2.id, g1.id]
    assert ids(STEWARD10, include_revoked=True) == [g3.id, g1.id]  # own department's resources
    assert ids(USER10) == [g1.id]  # own grants
    assert ids(USER30) == []
    assert ids(SECADMIN, resource=HJ) == [g1.id]
    assert ids(SECADMIN, resource=HJ, include_children=True, include_revoked=True) == [g3.id, g1.id]
    assert ids(SECADMIN, subject_kind="user", subject_id=USER20.user_id) == [g2.id]
    assert ids(SECADMIN, limit=1, offset=1) == [g1.id]
    with pytest.raises(NotFound):
        get_grant(world, USER30, g1.id)  # invisible grants do not exist for the asker
    assert get_grant(world, USER10, g1.id).as_dict()["resource"] == HJ
