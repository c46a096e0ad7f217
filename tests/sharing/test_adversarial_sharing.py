"""Adversarial tests of the sharing catalogue and the share request workflow (issue 5 items 3-4, "Bad
input and attacks"): grants that must never exceed the request, decisions nobody may take, signatures
that must cover what matters, deadlines on the 2026 holiday calendar, garbage over REST, console escaping.
"""

# ruff: noqa: F811 - the fixtures imported from tests.web.conftest and test_requests_api are parameters here

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from shuan.access import approve_grant, decide, get_grant, set_resource_level
from shuan.errors import ConfigError, Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.principal import SYSTEM
from shuan.identity.roles import Role
from shuan.sharing.catalog import publish_entry, update_entry, withdraw_entry
from shuan.sharing.models import ShareDecision, ShareRequest
from shuan.sharing.requests import (
    authority_check,
    get_request,
    provider_review,
    revoke,
    share_times,
    submit,
    verify_request,
    withdraw,
)
from shuan.sharing.workdays import CST, cached_calendar, deadline
from tests.access.conftest import GG, HJ, SFZ, T0, USER10, USER20, USER21, USER30, XM, events, person
from tests.sharing.conftest import ShareWorld, add_entry
from tests.sharing.test_catalog import shell, world  # noqa: F401 - fixtures
from tests.sharing.test_requests import UNTIL, approved, ask, denied_count, passed
from tests.sharing.test_requests_api import Town, town  # noqa: F401 - fixture
from tests.web.conftest import (  # noqa: F401 - fixtures
    Api,
    api,
    clock,
    fast_argon2,
    migrated_template,
    platform,
)

DAY = timedelta(days=1)
HJ_ITEMS = [
    {"name": "姓名", "type": "string", "column": "姓名"},
    {"name": "身份证号", "type": "string", "column": "身份证号"},
    {"name": "住址", "type": "string", "column": "住址"},
]
GG_ITEMS = [{"name": "标题", "type": "string", "column": "标题"}]
WJ = "src:卫健"


def cst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def _live_grants(w: ShareWorld, view: Any) -> list[Any]:
    """The request's grants, each pending one approved by the data authority (so decide() sees it)."""
    out = []
    for gid in view.grant_ids:
        g = get_grant(w.p, w.authority.principal, gid)
        if g.status == "pending_authority":
            g = approve_grant(w.p, w.authority.principal, gid, signing_password=w.authority.password, now=T0)
        out.append(g)
    return out


# -- grants never exceed the request ---------------------------------------------------------------------


def test_all_items_of_a_partial_entry_do_not_grant_the_whole_table(share_world: ShareWorld) -> None:
    """An entry listing only some of a table's columns: asking for all its items must not grant the
    columns the provider left out of the catalogue (身份证号 here)."""
    w = share_world
    eid = add_entry(
        w.p,
        "HJ-PART",
        resource=HJ,
        provider=10,
        items=[
            {"name": "姓名", "type": "字符型", "column": "姓名"},
            {"name": "住址", "type": "字符型", "column": "住址"},
        ],
    )
    view = submit(
        w.p,
        USER20,
        entry_id=eid,
        purpose="核验户籍",
        scenario="sharing",
        columns=[],
        valid_until=UNTIL,
        legal_basis="依据",
        now=T0,
    )
    assert view.columns == ("姓名", "住址")
    view = approved(w, passed(w, view.id).id)
    grants = _live_grants(w, view)
    assert HJ not in {g.resource for g in grants}
    assert {g.resource for g in grants} == {XM, f"{HJ}/col:住址"}
    assert decide(w.p, USER20, XM, "read", purpose="sharing", now=T0 + DAY).allowed
    assert not decide(w.p, USER20, SFZ, "read", purpose="sharing", now=T0 + DAY).allowed


def test_a_column_subset_of_a_source_entry_is_refused(share_world: ShareWorld) -> None:
    """A whole-source entry cannot limit a grant to some columns: a subset is refused at submission
    rather than approved as a grant on the whole source."""
    w = share_world
    eid = add_entry(
        w.p,
        "WJ-ALL",
        resource=WJ,
        provider=20,
        items=[
            {"name": "诊断", "type": "字符型", "column": "诊断"},
            {"name": "姓名", "type": "字符型", "column": "姓名"},
        ],
    )
    before = denied_count(w.p, "share.submit")
    with pytest.raises(InvalidInput) as caught:
        submit(
            w.p,
            USER10,
            entry_id=eid,
            purpose="核验",
            scenario="sharing",
            columns=["诊断"],
            valid_until=UNTIL,
            legal_basis="依据",
            now=T0,
        )
    assert caught.value.field == "columns"
    assert denied_count(w.p, "share.submit") == before + 1


def test_an_entry_moved_to_another_resource_after_the_check_is_not_approved(share_world: ShareWorld) -> None:
    """The provider re-points a published entry (same owner) between the authority's check and the
    approval: the approval would create grants on a resource nobody checked."""
    w = share_world
    rid = passed(w, ask(w, columns=["姓名"]).id).id
    update_entry(
        w.p,
        w.officer10.principal,
        w.entries["hj"],
        {"resource_path": GG, "items": [{"name": "姓名", "type": "string", "column": "姓名"}]},
        now=T0,
    )
    before = denied_count(w.p, "share.review")
    with pytest.raises(Conflict) as caught:
        approved(w, rid)
    assert caught.value.key == "share.request_changed"
    assert denied_count(w.p, "share.review") == before + 1
    with w.p.store.sessions() as s:
        row = s.get(ShareRequest, rid)
        assert row is not None and row.status == "provider_review" and row.grant_ids == []
    # the provider may still refuse it, with reasons
    view = provider_review(
        w.p,
        w.officer10.principal,
        rid,
        outcome="refuse",
        reasons="目录已变更",
        signing_password=w.officer10.password,
        now=T0,
    )
    assert view.status == "refused" and verify_request(w.p, rid).valid


def test_an_item_removed_after_the_request_is_not_granted(share_world: ShareWorld) -> None:
    w = share_world
    rid = passed(w, ask(w, columns=["住址"]).id).id
    update_entry(
        w.p,
        w.officer10.principal,
        w.entries["hj"],
        {"items": HJ_ITEMS[:1]},
        now=T0,
    )
    with pytest.raises(Conflict) as caught:
        approved(w, rid)
    assert caught.value.key == "share.request_changed"


WIDENINGS: list[tuple[str, dict[str, Any], str]] = [
    ("expiry after the period", {"expires_at": UNTIL + DAY}, "expires_at"),
    ("expiry in the past", {"expires_at": T0 - DAY}, "expires_at"),
    ("expiry now", {"expires_at": T0}, "expires_at"),
    ("unknown masking", {"masking_profile": "none"}, "masking_profile"),
    ("masking not a string", {"masking_profile": 7}, "masking_profile"),
    ("row filter garbage", {"row_filter": [{"column": 1}]}, "row_filter"),
    ("row filter a string", {"row_filter": "1=1"}, "row_filter"),
    ("expiry not a datetime", {"expires_at": "2099-01-01"}, "expires_at"),
]


@pytest.mark.parametrize(("case", "kw", "field"), WIDENINGS, ids=[c[0] for c in WIDENINGS])
def test_an_approval_cannot_widen_the_request(
    share_world: ShareWorld, case: str, kw: dict[str, Any], field: str
) -> None:
    w = share_world
    rid = passed(w, ask(w).id).id
    before = denied_count(w.p, "share.review")
    with pytest.raises(InvalidInput) as caught:
        approved(w, rid, **kw)
    assert caught.value.field.startswith(field)
    assert denied_count(w.p, "share.review") == before + 1
    with w.p.store.sessions() as s:
        row = s.get(ShareRequest, rid)
        assert row is not None and row.status == "provider_review" and row.grant_ids == []


def test_grants_stay_inside_the_requested_period_and_scenario(share_world: ShareWorld) -> None:
    w = share_world
    start = T0 + 10 * DAY
    view = ask(w, valid_from=start, valid_until=start + 20 * DAY, scenario="analysis")
    view = approved(w, passed(w, view.id).id)
    for g in _live_grants(w, view):
        assert g.scenario == "analysis" and g.actions == ("read",)
        assert g.valid_from >= start and g.valid_until <= start + 20 * DAY
    assert not decide(w.p, USER20, XM, "read", purpose="analysis", now=T0 + DAY).allowed  # not yet
    assert decide(w.p, USER20, XM, "read", purpose="analysis", now=start + DAY).allowed
    assert not decide(w.p, USER20, XM, "read", purpose="sharing", now=start + DAY).allowed  # other scenario
    assert not decide(w.p, USER20, XM, "read", purpose="analysis", now=start + 21 * DAY).allowed


# -- who may decide ---------------------------------------------------------------------------------------

SECADMIN10 = person(117, "公安安全管理员", (1, 10), Role.SECADMIN)
STEWARD20 = person(105, "卫健数据管理员", (1, 20), Role.STEWARD)


def refusals() -> list[tuple[str, str, Callable[[ShareWorld, int], Any], type[ShuanError], str]]:
    """(case, the request's state, the call, the error, the audited action)."""
    return [
        (
            "another provider's officer reviews",
            "provider_review",
            lambda w, r: provider_review(
                w.p, w.officer20.principal, r, outcome="approve", signing_password=w.officer20.password
            ),
            PermissionDenied,
            "share.review",
        ),
        (
            "the requesting department's steward reviews",
            "provider_review",
            lambda w, r: provider_review(w.p, STEWARD20, r, outcome="approve", signing_password="x"),
            PermissionDenied,
            "share.review",
        ),
        (
            "the provider's officer passes the authority stage",
            "authority_review",
            lambda w, r: authority_check(
                w.p, w.officer10.principal, r, outcome="pass", signing_password=w.officer10.password
            ),
            PermissionDenied,
            "share.authority_check",
        ),
        (
            "a provider-department security administrator passes the authority stage",
            "authority_review",
            lambda w, r: authority_check(w.p, SECADMIN10, r, outcome="pass", signing_password="x"),
            PermissionDenied,
            "share.authority_check",
        ),
        (
            "the requester's sub-department user withdraws",
            "authority_review",
            lambda w, r: withdraw(w.p, USER21, r),
            NotFound,
            "share.withdraw",
        ),
        (
            "the provider withdraws the requester's request",
            "authority_review",
            lambda w, r: withdraw(w.p, w.officer10.principal, r),
            PermissionDenied,
            "share.withdraw",
        ),
        (
            "another department's officer revokes",
            "approved",
            lambda w, r: revoke(w.p, w.officer20.principal, r, reasons="x", signing_password="x"),
            PermissionDenied,
            "share.revoke",
        ),
        (
            "the requester revokes",
            "approved",
            lambda w, r: revoke(w.p, USER20, r, reasons="x", signing_password="x"),
            PermissionDenied,
            "share.revoke",
        ),
        (
            "the authority approves as provider after passing it",
            "provider_review",
            lambda w, r: provider_review(
                w.p, w.authority.principal, r, outcome="approve", signing_password=w.authority.password
            ),
            PermissionDenied,
            "share.review",
        ),
        (
            "a negative id",
            "authority_review",
            lambda w, r: authority_check(
                w.p, w.authority.principal, -r, outcome="pass", signing_password=w.authority.password
            ),
            InvalidInput,
            "share.authority_check",
        ),
        (
            "a bool id",
            "authority_review",
            lambda w, r: withdraw(w.p, USER20, True),  # noqa: FBT003
            InvalidInput,
            "share.withdraw",
        ),
    ]


@pytest.mark.parametrize("case", refusals(), ids=[c[0] for c in refusals()])
def test_nobody_decides_what_they_may_not(share_world: ShareWorld, case: Any) -> None:
    _name, state, call, error, action = case
    w = share_world
    rid = ask(w).id
    if state in ("provider_review", "approved"):
        passed(w, rid)
    if state == "approved":
        approved(w, rid)
    with w.p.store.sessions() as s:
        decisions = len(list(s.scalars(select(ShareDecision))))
    before = denied_count(w.p, action)
    with pytest.raises(error):
        call(w, rid)
    assert denied_count(w.p, action) == before + 1
    with w.p.store.sessions() as s:
        assert len(list(s.scalars(select(ShareDecision)))) == decisions
        row = s.get(ShareRequest, rid)
        assert row is not None and row.status == state


def test_the_authority_passing_no_longer_compliant_data_is_refused(share_world: ShareWorld) -> None:
    """The resource is regraded to 三级 while the request waits: an 无条件共享 entry no longer complies
    and no decision may push the request on (nor may the opening scenario reach 三级 data)."""
    w = share_world
    view = ask(w, "gg", columns=[], scenario="opening")
    set_resource_level(w.p, SYSTEM, GG, 3, now=T0)
    with pytest.raises(Conflict) as caught:
        passed(w, view.id)
    assert caught.value.key == "share.entry_not_compliant"
    assert events(w.p, "share.authority_check")[-1].outcome == "denied"


def test_the_provider_approving_no_longer_compliant_data_is_refused(share_world: ShareWorld) -> None:
    w = share_world
    rid = passed(w, ask(w, "gg", columns=[]).id).id
    set_resource_level(w.p, SYSTEM, GG, 3, now=T0)
    with pytest.raises(Conflict) as caught:
        approved(w, rid)
    assert caught.value.key == "share.entry_not_compliant"


# -- the catalogue after publication ---------------------------------------------------------------------

CATALOG_ATTACKS: list[tuple[str, dict[str, Any]]] = [
    ("三级 opened", {"open_type": "unconditional", "open_basis": None}),
    ("三级 conditionally opened", {"open_type": "conditional", "open_condition": "登记"}),
    ("三级 shared unconditionally", {"share_type": "unconditional", "share_basis": None}),
]


@pytest.mark.parametrize(("case", "changes"), CATALOG_ATTACKS, ids=[c[0] for c in CATALOG_ATTACKS])
def test_a_published_three_level_entry_cannot_be_opened_by_an_update(
    share_world: ShareWorld, case: str, changes: dict[str, Any]
) -> None:
    w = share_world  # HJ folds to 三级 (身份证号)
    before = denied_count(w.p, "catalog.update")
    with pytest.raises(PermissionDenied):
        update_entry(w.p, w.officer10.principal, w.entries["hj"], changes | {"items": HJ_ITEMS[:2]}, now=T0)
    assert denied_count(w.p, "catalog.update") == before + 1


def test_a_regraded_entry_cannot_be_republished_or_requested(share_world: ShareWorld) -> None:
    w = share_world
    gg = w.entries["gg"]  # 一级: 无条件共享, 无条件开放
    set_resource_level(w.p, SYSTEM, GG, 3, now=T0)
    with pytest.raises(Conflict):
        ask(w, "gg", columns=[])
    withdraw_entry(w.p, w.officer10.principal, gg, now=T0)
    with pytest.raises(PermissionDenied):
        publish_entry(w.p, w.officer10.principal, gg, now=T0)
    with pytest.raises(PermissionDenied):  # a harmless change does not slip it through either
        update_entry(w.p, w.officer10.principal, gg, {"summary": "新摘要", "items": GG_ITEMS}, now=T0)


# -- signatures --------------------------------------------------------------------------------------------

REQUEST_TAMPERING: list[tuple[str, Any]] = [
    ("masking_profile", "dev_test"),
    ("row_filter", [{"column": "区县", "op": "=", "value": "任城区"}]),
    ("expires_at", UNTIL + 100 * DAY),
    ("legal_basis", "伪造的依据"),
    ("requester_department_path", [1, 30]),
    ("columns", ["姓名", "身份证号"]),
    ("scenario", "dev_test"),
    ("purpose", "另作他用"),
    ("valid_until", UNTIL + 100 * DAY),
    ("requester_department_id", 30),
]


@pytest.mark.parametrize(("column", "value"), REQUEST_TAMPERING, ids=[c[0] for c in REQUEST_TAMPERING])
def test_every_field_that_matters_is_signed(share_world: ShareWorld, column: str, value: Any) -> None:
    w = share_world
    rid = approved(w, passed(w, ask(w).id).id).id
    assert verify_request(w.p, rid).valid
    with w.p.store.transaction() as s:
        s.execute(update(ShareRequest).where(ShareRequest.id == rid).values({column: value}))
    assert not verify_request(w.p, rid).valid


def test_a_tampered_request_is_not_approved(share_world: ShareWorld) -> None:
    """The grant subject changed in the store after the authority's pass: the provider's approval does
    not sign a document that no longer matches, or the pass no longer verifies."""
    w = share_world
    rid = passed(w, ask(w).id).id
    with w.p.store.transaction() as s:
        s.execute(
            update(ShareRequest).where(ShareRequest.id == rid).values(requester_department_path=[1, 30])
        )
    assert not verify_request(w.p, rid).valid


KEY_SWAPS: list[tuple[str, Callable[[ShareWorld, ShareDecision], dict[str, Any]]]] = [
    ("another user's key id", lambda w, d: {"key_id": d.key_id + 1}),
    ("a made-up fingerprint", lambda w, d: {"key_fingerprint": "0" * 64}),
    ("another user id", lambda w, d: {"actor_user_id": w.officer10.principal.user_id}),
    ("another signer name", lambda w, d: {"actor_name": w.officer10.principal.username}),
    ("a truncated signature", lambda w, d: {"signature": d.signature[:-2]}),
    ("a non-hex signature", lambda w, d: {"signature": "zz" * 64}),
    ("another document version", lambda w, d: {"document_version": 2}),
    ("a changed digest", lambda w, d: {"digest": "0" * 64}),
    ("a changed outcome", lambda w, d: {"outcome": "refuse"}),
    ("a changed stage", lambda w, d: {"stage": "provider"}),
]


@pytest.mark.parametrize(("case", "change"), KEY_SWAPS, ids=[c[0] for c in KEY_SWAPS])
def test_a_swapped_key_or_signature_fails_verification(
    share_world: ShareWorld, case: str, change: Callable[[ShareWorld, ShareDecision], dict[str, Any]]
) -> None:
    w = share_world
    rid = passed(w, ask(w).id).id
    with w.p.store.transaction() as s:
        d = s.scalars(select(ShareDecision).where(ShareDecision.request_id == rid)).one()
        s.execute(update(ShareDecision).where(ShareDecision.id == d.id).values(change(w, d)))
    assert not verify_request(w.p, rid).valid
    assert [x.valid for x in get_request(w.p, USER20, rid).decisions] == [False]


# -- deadlines ---------------------------------------------------------------------------------------------

# (stage start, CST; working days; the deadline: 24:00 CST of that day)
DEADLINES: list[tuple[str, int, str]] = [
    ("2025-12-31T10:00", 1, "2026-01-04"),  # 元旦 1/1-1/3 off, Sunday 1/4 works
    ("2025-12-31T23:59", 2, "2026-01-05"),
    ("2026-01-01T00:00", 0, "2026-01-01"),
    ("2026-02-13T09:00", 1, "2026-02-14"),  # Saturday 2/14 works (春节)
    ("2026-02-13T09:00", 2, "2026-02-24"),  # 2/15-2/23 off
    ("2026-02-14T16:00", 5, "2026-02-28"),  # 2/24, 25, 26, 27, Saturday 2/28 works
    ("2026-02-27T09:00", 2, "2026-03-02"),
    ("2026-04-03T09:00", 1, "2026-04-07"),  # 清明 4/4-4/6
    ("2026-04-30T09:00", 1, "2026-05-06"),  # 劳动节 5/1-5/5
    ("2026-05-06T09:00", 3, "2026-05-09"),  # Saturday 5/9 works
    ("2026-06-18T09:00", 1, "2026-06-22"),  # 端午 6/19-6/21
    ("2026-09-19T09:00", 1, "2026-09-20"),  # Sunday 9/20 works
    ("2026-09-24T09:00", 1, "2026-09-28"),  # 中秋 9/25-9/27
    ("2026-09-30T09:00", 1, "2026-10-08"),  # 国庆 10/1-10/7
    ("2026-09-30T09:00", 3, "2026-10-10"),  # 10/8, 10/9, Saturday 10/10 works
    ("2026-09-30T09:00", 10, "2026-10-20"),
]


@pytest.mark.parametrize(("start", "days", "due"), DEADLINES)
def test_deadlines_on_the_2026_calendar(start: str, days: int, due: str) -> None:
    result = deadline(cst(start), days, cached_calendar(None))
    assert result.due == cst(due) + DAY and result.calendar_complete


# a UTC moment that is already the next day in China counts from that day
UTC_EDGES: list[tuple[datetime, int, str]] = [
    (datetime(2026, 2, 13, 16, 0, tzinfo=UTC), 1, "2026-02-24"),  # 2/14 00:00 CST: a working Saturday
    (datetime(2026, 2, 13, 15, 59, 59, tzinfo=UTC), 1, "2026-02-14"),
    (datetime(2026, 9, 30, 16, 0, tzinfo=UTC), 1, "2026-10-08"),  # 10/1 00:00 CST
    (datetime(2026, 10, 9, 16, 0), 0, "2026-10-10"),  # naive: taken as UTC
]


@pytest.mark.parametrize(("start", "days", "due"), UTC_EDGES)
def test_deadlines_count_china_days(start: datetime, days: int, due: str) -> None:
    assert deadline(start, days, cached_calendar(None)).due == cst(due) + DAY


@pytest.mark.parametrize("value", ["²", "٣x", "-1", "0", "61", "1e1", " 5 5"])
def test_bad_stage_days_are_a_config_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SHUAN_SHARE_AUTHORITY_DAYS", value)
    with pytest.raises(ConfigError):
        share_times()


def test_a_request_made_on_a_holiday_counts_from_the_next_working_day(share_world: ShareWorld) -> None:
    w = share_world
    view = ask(w, now=cst("2026-10-01T10:00"), valid_until=cst("2026-12-01T00:00"))
    assert view.due_at == cst("2026-10-09T00:00") + DAY  # 10/8, 10/9
    view = passed(w, view.id, at=cst("2026-10-09T23:59"))
    assert view.due_at == cst("2026-10-15T00:00") + DAY  # 10/10 (Saturday, working), 12, 13, 14, 15
    assert not get_request(w.p, USER20, view.id, now=cst("2026-10-15T23:59")).overdue
    assert get_request(w.p, USER20, view.id, now=cst("2026-10-16T00:00:01")).overdue


# -- REST: garbage is 4xx, never 5xx ------------------------------------------------------------------------

HUGE = "户" * 100_000
SUBMIT_GARBAGE: list[tuple[str, Any]] = [
    ("not an object", []),
    ("string body", "x"),
    ("entry id a string", {"entry_id": "1"}),
    ("entry id negative", {"entry_id": -1}),
    ("entry id huge", {"entry_id": 2**70}),
    ("entry id float", {"entry_id": 1.5}),
    ("entry id bool", {"entry_id": True}),
    ("unknown scenario", {"scenario": "selling"}),
    ("scenario a list", {"scenario": ["sharing"]}),
    ("huge purpose", {"purpose": HUGE}),
    ("huge basis", {"legal_basis": HUGE}),
    ("columns a string", {"columns": "姓名"}),
    ("columns of ints", {"columns": [1, 2]}),
    ("columns of nulls", {"columns": [None]}),
    ("too many columns", {"columns": ["姓名"] * 501}),
    ("huge column", {"columns": ["a" * 10_000]}),
    ("naive until", {"valid_until": "2026-05-01T00:00:00"}),
    ("until year 9999", {"valid_until": "9999-12-31T23:59:59+00:00"}),
    ("until year 1", {"valid_until": "0001-01-01T00:00:00+00:00"}),
    ("until garbage", {"valid_until": "soon"}),
    ("from after until", {"valid_from": "2099-01-01T00:00:00+00:00"}),
    ("unknown field", {"extra": 1}),
    ("control characters", {"purpose": "a\x00b"}),
    ("unknown entry", {"entry_id": 999_999}),
]


def _body(t: Town, **over: Any) -> dict[str, Any]:
    until = (datetime.now(UTC) + 60 * DAY).isoformat()
    return {
        "entry_id": t.entry,
        "purpose": "核验户籍",
        "scenario": "sharing",
        "columns": ["姓名"],
        "valid_until": until,
        "legal_basis": "依据",
    } | over


@pytest.mark.parametrize(("case", "over"), SUBMIT_GARBAGE, ids=[c[0] for c in SUBMIT_GARBAGE])
def test_garbage_submissions_are_4xx(town: Town, case: str, over: Any) -> None:
    t = town
    body = _body(t, **over) if isinstance(over, dict) else over
    r = t.api.post("/share-requests", actor=t.asker, json=body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


DECISION_GARBAGE: list[tuple[str, str, Any]] = [
    ("authority-check", "outcome approve", {"outcome": "approve", "signing_password": "x"}),
    ("authority-check", "outcome null", {"outcome": None, "signing_password": "x"}),
    ("authority-check", "no password", {"outcome": "pass"}),
    ("authority-check", "password a number", {"outcome": "pass", "signing_password": 123}),
    ("authority-check", "huge reasons", {"outcome": "refuse", "reasons": HUGE, "signing_password": "x"}),
    ("review", "outcome pass", {"outcome": "pass", "signing_password": "x"}),
    ("review", "filter a string", {"outcome": "approve", "row_filter": "1=1", "signing_password": "x"}),
    (
        "review",
        "filter op",
        {
            "outcome": "approve",
            "signing_password": "x",
            "row_filter": [{"column": "a", "op": "; DROP", "value": 1}],
        },
    ),
    ("review", "expiry garbage", {"outcome": "approve", "expires_at": "never", "signing_password": "x"}),
    (
        "review",
        "masking huge",
        {"outcome": "approve", "masking_profile": "m" * 1000, "signing_password": "x"},
    ),
    ("revoke", "no reasons", {"signing_password": "x"}),
    ("revoke", "reasons a list", {"reasons": ["x"], "signing_password": "x"}),
    ("renew", "from year 9999", {"valid_from": "9999-12-31T00:00:00+00:00"}),
    ("renew", "until garbage", {"valid_until": 5}),
    ("withdraw", "reason a dict", {"reason": {"a": 1}}),
]


@pytest.mark.parametrize(
    ("route", "case", "body"), DECISION_GARBAGE, ids=[f"{c[0]}-{c[1]}" for c in DECISION_GARBAGE]
)
def test_garbage_decisions_are_4xx(town: Town, route: str, case: str, body: Any) -> None:
    t = town
    r = t.api.post("/share-requests", actor=t.asker, json=_body(t))
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    actor = (
        t.authority
        if route in ("authority-check", "revoke")
        else t.asker
        if route in ("renew", "withdraw")
        else t.officer
    )
    r = t.api.post(f"/share-requests/{rid}/{route}", actor=actor, json=body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


@pytest.mark.parametrize(
    "path",
    [
        "/share-requests/0",
        "/share-requests/-1",
        "/share-requests/x",
        f"/share-requests/{2**63}",
        "/share-requests/1/verify",
        "/catalog/-5",
        "/catalog/abc",
        f"/catalog/{2**40}",
    ],
)
def test_bad_ids_are_4xx(town: Town, path: str) -> None:
    r = town.api.get(path, actor=town.asker)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])


CATALOG_GARBAGE: list[tuple[str, dict[str, Any]]] = [
    ("items empty", {"items": []}),
    ("items not objects", {"items": ["x"]}),
    ("item column huge", {"items": [{"name": "x", "type": "string", "column": "c" * 5000}]}),
    ("item column slash", {"items": [{"name": "x", "type": "string", "column": "a/col:b"}]}),
    ("item type unknown", {"items": [{"name": "x", "type": "blob", "column": "x"}]}),
    ("share type unknown", {"share_type": "always"}),
    ("open type a number", {"open_type": 1}),
    ("resource garbage", {"resource_path": "../../etc/passwd"}),
    ("resource huge", {"resource_path": "src:" + "a" * 100_000}),
    ("category five levels", {"category": ["a", "b", "c", "d", "e"]}),
    ("code with spaces", {"code": "A B"}),
    ("related not a list", {"related_codes": "X"}),
]


@pytest.mark.parametrize(("case", "over"), CATALOG_GARBAGE, ids=[c[0] for c in CATALOG_GARBAGE])
def test_garbage_catalogue_entries_are_4xx(town: Town, case: str, over: dict[str, Any]) -> None:
    t = town
    body = {
        "code": "GA-X",
        "name": "户籍",
        "category": ["基础"],
        "provider_code": "GA",
        "format": "database",
        "items": [{"name": "姓名", "type": "string", "column": "姓名"}],
        "resource_path": HJ,
        "share_type": "conditional",
        "share_condition": "业务",
        "share_basis": "依据",
        "share_method": "interface",
        "open_type": "none",
        "open_basis": "个人信息",
        "update_cycle": "daily",
    } | over
    r = t.api.post("/catalog", actor=t.officer, json=body)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    r = t.api.call("PATCH", f"/catalog/{t.entry}", actor=t.officer, json=over)
    assert 400 <= r.status_code < 500 or r.status_code == 200, (r.status_code, r.text[:300])


# -- the console escapes what users typed -------------------------------------------------------------------


def test_the_console_escapes_request_text(town: Town) -> None:
    from tests.web.consolekit import browser, console_login

    t = town
    evil = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"
    r = t.api.post("/share-requests", actor=t.asker, json=_body(t, purpose=evil, legal_basis=evil))
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    asker = browser(t.api)
    console_login(t.api, asker, t.asker)
    for page in (f"/console/share/{rid}", "/console/share"):
        text = asker.get(page).text
        assert "<script>alert(1)" not in text and "<img src=x" not in text, page


def test_refusals_name_no_secret(share_world: ShareWorld) -> None:
    """A wrong signing password is refused and audited without the password in the audit trail."""
    w = share_world
    rid = ask(w).id
    secret = "Very-Secret-Password-123"
    with pytest.raises(ShuanError):
        authority_check(w.p, w.authority.principal, rid, outcome="pass", signing_password=secret)
    for e in events(w.p):
        assert secret not in (e.details or "") and secret not in json.dumps(e.resource or "")


def test_a_level2_column_of_a_level3_table_can_be_approved(share_world: ShareWorld) -> None:
    """户籍 folds to 三级 (身份证号) but 姓名 is 二级: the authority's pass must authorise the requesting
    department for the 二级 grant, or the provider's approval is refused by the 二级 guardrail."""
    w = share_world
    rid = passed(w, ask(w, actor=USER30, columns=["姓名"]).id).id
    view = approved(w, rid)
    assert view.status == "approved"
    [grant] = _live_grants(w, view)
    assert grant.resource == XM
    assert decide(w.p, USER30, XM, "read", purpose="sharing", now=T0 + DAY).allowed
    assert not decide(w.p, USER30, SFZ, "read", purpose="sharing", now=T0 + DAY).allowed


def test_renewal_from_the_end_of_time_is_a_field_error(share_world: ShareWorld) -> None:
    from shuan.sharing.requests import renew

    w = share_world
    rid = approved(w, passed(w, ask(w).id).id).id
    before = denied_count(w.p, "share.renew")
    with pytest.raises(InvalidInput) as caught:
        renew(w.p, USER20, rid, valid_from=datetime.max.replace(tzinfo=UTC), now=T0)
    assert caught.value.field == "valid_from"
    assert denied_count(w.p, "share.renew") == before + 1


def test_an_expiry_before_the_requested_start_is_a_field_error(share_world: ShareWorld) -> None:
    w = share_world
    start = T0 + 10 * DAY
    rid = passed(w, ask(w, valid_from=start, valid_until=start + 20 * DAY).id).id
    with pytest.raises(InvalidInput) as caught:
        approved(w, rid, expires_at=T0 + 5 * DAY)
    assert caught.value.field == "expires_at"
    with w.p.store.sessions() as s:
        assert s.scalars(select(ShareDecision).where(ShareDecision.stage == "provider")).first() is None


def test_the_authority_does_not_await_its_own_passed_request(share_world: ShareWorld) -> None:
    from shuan.sharing.requests import awaits, list_requests

    w = share_world
    rid = passed(w, ask(w).id).id
    assert list_requests(w.p, w.authority.principal, scope="awaiting", now=T0) == []
    assert awaits(w.authority.principal, get_request(w.p, w.authority.principal, rid, now=T0)) is None
    assert awaits(w.officer10.principal, get_request(w.p, w.officer10.principal, rid, now=T0)) == "provider"


def test_the_console_escapes_catalogue_text(town: Town) -> None:
    from tests.web.consolekit import browser, console_login

    t = town
    evil = "<script>alert(1)</script>"
    r = t.api.call(
        "PATCH",
        f"/catalog/{t.entry}",
        actor=t.officer,
        json={
            "name": evil,
            "summary": evil,
            "share_condition": evil,
            "items": [{"name": evil, "type": "string", "column": "姓名"}],
        },
    )
    assert r.status_code == 200, r.text
    reader = browser(t.api)
    console_login(t.api, reader, t.asker)
    for page in (f"/console/catalog/{t.entry}", "/console/catalog", f"/console/share/new?entry={t.entry}"):
        got = reader.get(page)
        assert got.status_code == 200 and "<script>alert(1)" not in got.text, page


CONSOLE_GARBAGE: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", f"/console/share/{2**70}", {}),
    ("GET", "/console/share/-1", {}),
    ("GET", "/console/share/0", {}),
    ("GET", "/console/share/new?entry=abc", {}),
    ("GET", f"/console/share/new?entry={2**70}", {}),
    ("GET", f"/console/catalog/{2**70}", {}),
    ("GET", "/console/catalog/-3", {}),
    ("GET", "/console/catalog?share_type=zzz&level=9&page=%C2%B2&status=x", {}),
    ("GET", "/console/catalog?level=%C2%B2&page=" + "9" * 5000, {}),
    ("GET", "/console/catalog?q=%3Cscript%3E&open_type=" + "o" * 100, {}),
    ("GET", "/console/catalog/new?resource=" + "%00" * 10, {}),
    ("GET", "/console/catalog/new?resource=src:" + "a" * 5000, {}),
    ("POST", "/console/catalog", {"items": "a|b|c|d|e\n|||", "category": "/" * 400, "code": "x"}),
    ("POST", f"/console/catalog/{2**70}", {"code": "x"}),
    ("POST", "/console/catalog/1/publish", {}),
    ("POST", f"/console/catalog/{2**70}/withdraw", {"reason": "x" * 5000}),
    ("GET", "/console/share?submitted=%C2%B2", {}),
    ("GET", "/console/share?submitted=" + "9" * 5000, {}),
    ("POST", f"/console/share/{2**70}/withdraw", {}),
    ("POST", "/console/share/-1/review", {"outcome": "approve", "expires_at": "x", "row_filter": "{{"}),
    ("POST", "/console/share/-1/authority-check", {"outcome": "pass"}),
    ("POST", f"/console/share/{2**70}/renew", {"valid_until": "9999-99-99"}),
    ("POST", "/console/share", {"entry": "1", "valid_until": "2026-13-45", "scenario": "x" * 30}),
    ("POST", "/console/share", {"entry": str(2**70), "valid_until": "2099-01-01"}),
]


@pytest.mark.parametrize(
    ("method", "path", "form"), CONSOLE_GARBAGE, ids=[f"{c[0]} {c[1][:40]}" for c in CONSOLE_GARBAGE]
)
def test_console_garbage_is_never_5xx(town: Town, method: str, path: str, form: dict[str, str]) -> None:
    from tests.web.consolekit import browser, console_login

    t = town
    reader = browser(t.api)
    token = console_login(t.api, reader, t.asker)
    if method == "GET":
        r = reader.get(path)
    else:
        r = reader.post(path, data={"csrf_token": token, **form})
    assert r.status_code < 500, (r.status_code, r.text[:300])


@pytest.mark.parametrize("entry", ["²", "٣", "9" * 5000, "-1", "0"])
def test_cli_catalog_show_with_odd_ids_exits_cleanly(shell: Callable[..., Any], entry: str) -> None:
    shown = shell(USER20, "catalog", "show", entry)
    assert shown.code != 0 and "Traceback" not in shown.err and len(shown.err.strip().splitlines()) == 1


def test_opening_an_entry_classed_not_open_is_refused(share_world: ShareWorld) -> None:
    """一级 data the catalogue classes 不予开放 (privacy, trade secrets …): no request may open it."""
    w = share_world
    eid = add_entry(
        w.p,
        "GG-CLOSED",
        resource=GG,
        provider=10,
        open_type="none",
        items=[{"name": "标题", "type": "string", "column": "标题"}],
    )
    before = denied_count(w.p, "share.submit")
    with pytest.raises(PermissionDenied) as caught:
        submit(
            w.p,
            USER20,
            entry_id=eid,
            purpose="开放",
            scenario="opening",
            columns=[],
            valid_until=UNTIL,
            legal_basis="依据",
            now=T0,
        )
    assert caught.value.key == "share.not_opened"
    assert denied_count(w.p, "share.submit") == before + 1
    # sharing the same entry between departments stays possible
    assert (
        submit(
            w.p,
            USER20,
            entry_id=eid,
            purpose="共享",
            scenario="sharing",
            columns=[],
            valid_until=UNTIL,
            legal_basis="依据",
            now=T0,
        ).status
        == "authority_review"
    )


def test_an_entry_reclassed_not_shared_stops_the_approval(share_world: ShareWorld) -> None:
    w = share_world
    rid = passed(w, ask(w).id).id
    update_entry(
        w.p, w.officer10.principal, w.entries["hj"], {"share_type": "none", "items": HJ_ITEMS[:2]}, now=T0
    )
    with pytest.raises(PermissionDenied) as caught:
        approved(w, rid)
    assert caught.value.key == "share.not_shared"
    # a refusal with reasons is still possible
    view = provider_review(
        w.p,
        w.officer10.principal,
        rid,
        outcome="refuse",
        reasons="已不予共享",
        signing_password=w.officer10.password,
        now=T0,
    )
    assert view.status == "refused"


def test_a_consistent_swap_to_another_users_key_fails_verification(share_world: ShareWorld) -> None:
    """Someone re-signs the authority's decision document with another account's own key and stores
    that key's id, fingerprint and signature: it is not the decider's key, so it does not verify."""
    from shuan.crypto.keys.keyring import fingerprint
    from shuan.identity.signing import active_key, sign_approval
    from shuan.sharing.requests import _document

    w = share_world
    rid = passed(w, ask(w).id).id
    other = w.officer10
    with w.p.store.sessions() as s:
        row = s.get(ShareRequest, rid)
        d = s.scalars(select(ShareDecision).where(ShareDecision.request_id == rid)).one()
        assert row is not None
        payload = _document(
            row,
            dict(d.details),
            stage=d.stage,
            outcome=d.outcome,
            reasons=d.reasons,
            decider=d.actor_name,
            decided_at=d.decided_at.replace(tzinfo=UTC),
        )
        key = active_key(s, other.principal.user_id or 0)
        assert key is not None
        key_id, fp = key.id, fingerprint(key.public_key)
        did = d.id
    signature = sign_approval(w.p, actor=other.principal, password=other.password, payload=payload, now=T0)
    with w.p.store.transaction() as s:
        s.execute(
            update(ShareDecision)
            .where(ShareDecision.id == did)
            .values(key_id=key_id, key_fingerprint=fp, signature=signature.hex())
        )
    assert not verify_request(w.p, rid).valid
    # and the same swap also naming the other account as the decider's user id (name unchanged)
    with w.p.store.transaction() as s:
        s.execute(
            update(ShareDecision).where(ShareDecision.id == did).values(actor_user_id=other.principal.user_id)
        )
    assert not verify_request(w.p, rid).valid


SERVICE_GARBAGE: list[tuple[str, dict[str, Any]]] = [
    ("column a list", {"items": [{"name": "x", "type": "string", "column": ["a"]}]}),
    ("item a list", {"items": [["x"]]}),
    ("items a dict", {"items": {"name": "x"}}),
    ("category nested", {"category": [["a"]]}),
    ("share type a list", {"share_type": ["conditional"]}),
    ("share type a dict", {"share_type": {"a": 1}}),
    ("method a list", {"share_method": ["interface"]}),
    ("resource an int", {"resource_path": 5}),
    ("resource bytes", {"resource_path": b"src:x"}),
    ("related ints", {"related_codes": [1, 2]}),
    ("summary an int", {"summary": 5}),
    ("basis a list", {"share_basis": ["x"]}),
    ("code None", {"code": None}),
    ("code huge", {"code": "A" * 100_000}),
    ("name with newline", {"name": "a\nb"}),
    ("unknown field", {"provider_department_id": 20}),
    ("status smuggled", {"status": "published"}),
    ("published date smuggled", {"published_on": "2020-01-01"}),
]


@pytest.mark.parametrize(("case", "over"), SERVICE_GARBAGE, ids=[c[0] for c in SERVICE_GARBAGE])
def test_service_garbage_is_a_field_error(share_world: ShareWorld, case: str, over: dict[str, Any]) -> None:
    from shuan.sharing.catalog import create_entry

    w = share_world
    fields = {
        "code": "GA-NEW",
        "name": "户籍",
        "category": ["基础"],
        "provider_code": "GA",
        "format": "database",
        "items": [{"name": "姓名", "type": "string", "column": "姓名"}],
        "resource_path": HJ,
        "share_type": "conditional",
        "share_condition": "业务",
        "share_basis": "依据",
        "share_method": "interface",
        "open_type": "none",
        "open_basis": "个人信息",
        "update_cycle": "daily",
    } | over
    before = denied_count(w.p, "catalog.create")
    with pytest.raises((InvalidInput, PermissionDenied, NotFound)):
        create_entry(w.p, w.officer10.principal, fields, now=T0)
    assert denied_count(w.p, "catalog.create") == before + 1
    with pytest.raises((InvalidInput, PermissionDenied, NotFound)):
        update_entry(w.p, w.officer10.principal, w.entries["gg"], over, now=T0)


def test_cli_json_nested_too_deep_is_a_usage_error(tmp_path: Any) -> None:
    from shuan.cli.catalog import _read_entries
    from shuan.cli.share import _row_filter
    from shuan.errors import UsageError

    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(UsageError):
        _row_filter(deep)
    path = tmp_path / "deep.json"
    path.write_text(deep, encoding="utf-8")
    with pytest.raises(UsageError):
        _read_entries(str(path))


@pytest.mark.parametrize("action", ["withdraw", "renew", "review", "authority-check", "revoke"])
def test_console_decisions_need_the_csrf_token(town: Town, action: str) -> None:
    from tests.web.consolekit import browser, console_login

    t = town
    r = t.api.post("/share-requests", actor=t.asker, json=_body(t))
    rid = r.json()["id"]
    asker = browser(t.api)
    token = console_login(t.api, asker, t.asker)
    for form in ({}, {"csrf_token": token[:-2] + "xx"}):
        got = asker.post(f"/console/share/{rid}/{action}", data={**form, "reason": "x"})
        assert got.status_code in (400, 403), got.status_code
    got = asker.post("/console/share", data={"entry": str(t.entry), "purpose": "x"})
    assert got.status_code in (400, 403), got.status_code
    assert t.api.get(f"/share-requests/{rid}", actor=t.asker).json()["status"] == "authority_review"
