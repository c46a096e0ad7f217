"""The share request workflow: submit → the data authority's signed compliance check → the provider's
signed review → grants of the security core; refusals (bad input and attacks) with audit events;
tampered decisions fail verification; withdraw, revoke, renew; deadlines and overdue reminders."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, update

from shuan.access import decide, get_grant, get_resource
from shuan.access.rules import MAX_VALIDITY
from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.clock import utcnow
from shuan.config import Settings
from shuan.errors import AuthError, Conflict, InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.inventory.review_models import Notification
from shuan.platform import Platform, open_platform
from shuan.sharing.models import ShareDecision, ShareRequest
from shuan.sharing.requests import (
    authority_check,
    awaits,
    get_request,
    list_requests,
    provider_review,
    remind_overdue,
    renew,
    revoke,
    submit,
    verify_request,
    withdraw,
)
from shuan.sharing.workdays import CST
from tests.access.conftest import (
    FAKE_AUTHORITY,
    SFZ,
    T0,
    USER1,
    USER10,
    USER20,
    USER30,
    XM,
    Signers,
    cheap_argon2,
    events,
    person,
)
from tests.conftest import TEST_ROOT_KEY, pg_schema
from tests.sharing.conftest import ShareWorld, add_entry, build_share_world

DAY = timedelta(days=1)
UNTIL = T0 + 90 * DAY


def cst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CST)


def ask(w: ShareWorld, entry: str = "hj", actor: Principal = USER20, **kw: Any) -> Any:
    kw.setdefault("purpose", "核验低保申请人户籍")
    kw.setdefault("scenario", "sharing")
    kw.setdefault("columns", ["姓名"])
    kw.setdefault("valid_until", UNTIL)
    kw.setdefault("legal_basis", "《社会救助暂行办法》第十一条")
    kw.setdefault("now", T0)
    return submit(w.p, actor, entry_id=w.entries[entry], **kw)


def passed(w: ShareWorld, rid: int, at: datetime = T0) -> Any:
    return authority_check(
        w.p, w.authority.principal, rid, outcome="pass", signing_password=w.authority.password, now=at
    )


def approved(w: ShareWorld, rid: int, at: datetime = T0, **kw: Any) -> Any:
    return provider_review(
        w.p,
        w.officer10.principal,
        rid,
        outcome="approve",
        signing_password=w.officer10.password,
        now=at,
        **kw,
    )


def denied_count(p: Platform, action: str) -> int:
    return len([e for e in events(p, action) if e.outcome in ("denied", "failure")])


def test_the_whole_workflow_for_a_level2_resource(share_world: ShareWorld) -> None:
    w = share_world
    view = ask(w)
    assert view.status == "authority_review" and view.columns == ("姓名",)
    # Sunday 1 March 2026 (CST): two working days → the end of Tuesday 3 March, China Standard Time
    assert view.due_at == cst("2026-03-04T00:00:00") and view.calendar_complete and not view.overdue
    assert awaits(w.authority.principal, view) == "authority" and awaits(USER20, view) is None
    assert [v.id for v in list_requests(w.p, w.authority.principal, scope="awaiting", now=T0)] == [view.id]
    assert list_requests(w.p, w.officer10.principal, scope="awaiting", now=T0) == []

    at = T0 + DAY
    view = passed(w, view.id, at)
    assert view.status == "provider_review"
    # published entry: five working days after Monday 2 March → the end of Monday 9 March
    assert view.due_at == cst("2026-03-10T00:00:00")
    assert (
        20 in get_resource(w.p, "src:公安/tbl:户籍").authorised_departments
    )  # the authority authorised dept 20
    assert [v.id for v in list_requests(w.p, w.officer10.principal, scope="awaiting", now=at)] == [view.id]

    view = approved(w, view.id, at, row_filter=[{"column": "区县", "op": "=", "value": "任城区"}])
    assert view.status == "approved" and view.masking_profile == "department_sharing"
    assert (
        view.expires_at == UNTIL and view.grants_expire_at == UNTIL and view.grants_awaiting_authority == ()
    )
    [gid] = view.grant_ids
    grant = get_grant(w.p, w.officer10.principal, gid)
    assert grant.subject_kind == "department" and grant.subject_id == 20 and grant.resource == XM
    assert (
        grant.actions == ("read",) and grant.scenario == "sharing" and grant.purpose == "核验低保申请人户籍"
    )
    assert grant.masking_profile == "department_sharing" and grant.row_filter is not None
    allowed = decide(w.p, USER20, XM, "read", purpose="sharing", now=at + DAY)
    assert allowed.allowed and allowed.masking_profile == "department_sharing"
    assert not decide(w.p, USER20, SFZ, "read", purpose="sharing", now=at + DAY).allowed  # not requested

    full = get_request(w.p, USER20, view.id, now=at)
    assert [(d.stage, d.outcome, d.valid, d.overdue) for d in full.decisions] == [
        ("authority", "pass", True, False),
        ("provider", "approve", True, False),
    ]
    assert verify_request(w.p, view.id).valid
    for action in ("share.submit", "share.authority_check", "share.review"):
        assert [e.outcome for e in events(w.p, action)] == ["success"], action

    view = revoke(
        w.p,
        w.officer10.principal,
        view.id,
        reasons="用途已完成",
        signing_password=w.officer10.password,
        now=at + 2 * DAY,
    )
    assert view.status == "revoked" and view.grants_expire_at is None
    assert get_grant(w.p, w.officer10.principal, gid).status == "revoked"
    assert not decide(w.p, USER20, XM, "read", purpose="sharing", now=at + 3 * DAY).allowed
    check = verify_request(w.p, view.id)
    assert check.valid and [d.stage for d in check.decisions] == ["authority", "provider", "revocation"]
    assert events(w.p, "share.revoke")[-1].outcome == "success"


def test_whole_table_and_three_level_grants(share_world: ShareWorld) -> None:
    w = share_world
    # all columns named (or none): one grant on the table
    view = approved(w, passed(w, ask(w, columns=[]).id).id, masking_profile="statistics")
    assert view.columns == ("姓名", "身份证号", "住址")
    [gid] = view.grant_ids
    assert get_grant(w.p, w.officer10.principal, gid).resource == "src:公安/tbl:户籍"
    # 三级 outside the owner: the grant awaits the authority's signed grant approval, and the view says so
    view = ask(w, "bl", actor=USER10, columns=["诊断"])
    view = passed(w, view.id)
    assert view.due_at == cst("2026-03-14T00:00:00")  # not yet published: ten working days
    view = provider_review(
        w.p, w.officer20.principal, view.id, outcome="approve", signing_password=w.officer20.password, now=T0
    )
    assert view.status == "approved" and view.grants_awaiting_authority == tuple(view.grant_ids)
    assert get_grant(w.p, w.officer20.principal, view.grant_ids[0]).status == "pending_authority"


SUBMIT_REFUSALS: list[tuple[str, str, dict[str, Any], type[ShuanError], str]] = [
    ("withdrawn", "not published", {}, Conflict, "share.entry_not_published"),
    ("draft", "draft", {}, NotFound, "share.entry_unknown"),
    ("bad", "not compliant", {}, Conflict, "share.entry_not_compliant"),
    ("none", "不予共享", {}, PermissionDenied, "share.not_shared"),
    ("hj", "opening 二级", {"scenario": "opening"}, PermissionDenied, "share.opening_level"),
    ("hj", "unknown column", {"columns": ["姓名", "银行卡号"]}, InvalidInput, "access.bad_field"),
    ("hj", "no purpose", {"purpose": " "}, InvalidInput, "access.bad_field"),
    ("hj", "bad scenario", {"scenario": "selling"}, InvalidInput, "access.bad_field"),
    ("hj", "too long", {"valid_until": T0 + MAX_VALIDITY + DAY}, InvalidInput, "access.bad_field"),
    ("hj", "no basis", {"legal_basis": ""}, InvalidInput, "access.bad_field"),
]


@pytest.mark.parametrize(
    ("entry", "case", "kw", "error", "key"), SUBMIT_REFUSALS, ids=[c[1] for c in SUBMIT_REFUSALS]
)
def test_submit_refusals_are_clear_and_audited(
    share_world: ShareWorld, entry: str, case: str, kw: dict[str, Any], error: type[ShuanError], key: str
) -> None:
    w = share_world
    before = denied_count(w.p, "share.submit")
    with pytest.raises(error) as caught:
        ask(w, entry, **kw)
    assert caught.value.key == key and "\n" not in str(caught.value)
    assert denied_count(w.p, "share.submit") == before + 1
    with w.p.store.sessions() as s:
        assert s.scalars(select(ShareRequest)).first() is None


def test_submit_refusal_messages_name_the_reason(share_world: ShareWorld) -> None:
    w = share_world
    with pytest.raises(PermissionDenied, match="第三十三条"):  # 不予共享 shows its basis
        ask(w, "none")
    with pytest.raises(InvalidInput, match="银行卡号"):
        ask(w, columns=["银行卡号"])
    with pytest.raises(Conflict, match="无需申请"):  # the own department's data
        ask(w, actor=USER10)
    with pytest.raises(NotFound):  # another department's draft is not disclosed
        ask(w, "draft")
    last = events(w.p, "share.submit")[-1]
    assert last.outcome == "denied" and json.loads(last.details)["reason"] == "share.entry_unknown"


def test_opening_of_three_level_data_is_refused(share_world: ShareWorld) -> None:
    w = share_world
    with pytest.raises(PermissionDenied) as caught:
        ask(w, "bl", actor=USER10, columns=["诊断"], scenario="opening")
    assert caught.value.key == "share.opening_level" and "三级" in str(caught.value)
    assert json.loads(events(w.p, "share.submit")[-1].details)["reason"] == "share.opening_level"


SECADMIN20 = person(116, "卫健安全管理员", (1, 20), Role.SECADMIN)


def decision_refusals() -> list[tuple[str, Callable[[ShareWorld, int], Any], type[ShuanError], str, str]]:
    return [
        (
            "data user checks",
            lambda w, r: authority_check(w.p, USER30, r, outcome="pass", signing_password="x"),
            PermissionDenied,
            "share.not_authority",
            "share.authority_check",
        ),
        (
            "authority outside root",
            lambda w, r: authority_check(w.p, FAKE_AUTHORITY, r, outcome="pass", signing_password="x"),
            PermissionDenied,
            "share.not_authority",
            "share.authority_check",
        ),
        ("provider too early", lambda w, r: approved(w, r), Conflict, "share.wrong_status", "share.review"),
        (
            "data user reviews",
            lambda w, r: provider_review(w.p, USER30, r, outcome="approve", signing_password="x"),
            PermissionDenied,
            "share.not_provider",
            "share.review",
        ),
        (
            "refuse without reasons",
            lambda w, r: authority_check(
                w.p,
                w.authority.principal,
                r,
                outcome="refuse",
                reasons=" ",
                signing_password=w.authority.password,
            ),
            InvalidInput,
            "access.bad_field",
            "share.authority_check",
        ),
        (
            "bad outcome",
            lambda w, r: authority_check(
                w.p, w.authority.principal, r, outcome="approve", signing_password=w.authority.password
            ),
            InvalidInput,
            "access.bad_field",
            "share.authority_check",
        ),
        (
            "wrong password",
            lambda w, r: authority_check(
                w.p, w.authority.principal, r, outcome="pass", signing_password="not-my-password"
            ),
            AuthError,
            "identity.signing_password",
            "share.authority_check",
        ),
        (
            "revoke under review",
            lambda w, r: revoke(
                w.p, w.officer10.principal, r, reasons="x", signing_password=w.officer10.password
            ),
            Conflict,
            "share.wrong_status",
            "share.revoke",
        ),
        (
            "data user revokes",
            lambda w, r: revoke(w.p, USER30, r, reasons="x", signing_password="x"),
            PermissionDenied,
            "share.not_revoker",
            "share.revoke",
        ),
        (
            "outsider withdraws",
            lambda w, r: withdraw(w.p, USER30, r),
            NotFound,
            "share.request_unknown",
            "share.withdraw",
        ),
    ]


@pytest.mark.parametrize("case", decision_refusals(), ids=[c[0] for c in decision_refusals()])
def test_decision_refusals_are_clear_and_audited(share_world: ShareWorld, case: Any) -> None:
    _name, call, error, key, action = case
    w = share_world
    rid = ask(w).id
    before = denied_count(w.p, action)
    with pytest.raises(error) as caught:
        call(w, rid)
    assert caught.value.key == key and "\n" not in str(caught.value)
    assert denied_count(w.p, action) == before + 1
    with w.p.store.sessions() as s:
        assert s.scalars(select(ShareDecision)).first() is None
        row = s.get(ShareRequest, rid)
        assert row is not None and row.status == "authority_review"


def test_self_approval_is_refused(share_world: ShareWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = share_world
    # the root department asks: the data authority (a member of it) may not pass its own request
    rid = ask(w, actor=USER1).id
    with pytest.raises(PermissionDenied) as caught:
        passed(w, rid)
    assert caught.value.key == "share.self_decision"
    assert json.loads(events(w.p, "share.authority_check")[-1].details)["reason"] == "share.self_decision"
    # a security administrator of the requesting department may not review the request as the provider
    rid = ask(w, actor=SECADMIN20).id
    passed(w, rid)
    with pytest.raises(PermissionDenied) as caught:
        provider_review(w.p, SECADMIN20, rid, outcome="approve", signing_password="x", now=T0)
    assert caught.value.key == "share.self_decision"
    # nor may the requesting department's own officer, who is not the provider either
    with pytest.raises(PermissionDenied):
        provider_review(
            w.p, w.officer20.principal, rid, outcome="approve", signing_password=w.officer20.password
        )
    assert denied_count(w.p, "share.review") == 2


def test_a_refusal_is_signed_and_closes_the_request(share_world: ShareWorld) -> None:
    w = share_world
    rid = ask(w).id
    view = authority_check(
        w.p,
        w.authority.principal,
        rid,
        outcome="refuse",
        reasons="用途与依据不符",
        signing_password=w.authority.password,
        now=T0,
    )
    assert view.status == "refused" and view.refusal_reasons == "用途与依据不符" and view.due_at is None
    assert verify_request(w.p, rid).valid
    rid = passed(w, ask(w).id).id
    view = provider_review(
        w.p,
        w.officer10.principal,
        rid,
        outcome="refuse",
        reasons="该数据不含所需字段",
        signing_password=w.officer10.password,
        now=T0,
    )
    assert view.status == "refused" and view.grant_ids == ()
    with pytest.raises(Conflict):
        withdraw(w.p, USER20, rid)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("reasons", "篡改后的理由"),
        ("signature", "00" * 64),
        (
            "details",
            {
                "entry_code": "HJ-001",
                "resource": "src:公安/tbl:户籍",
                "masking": "dev_test",
                "row_filter": None,
                "expiry": (UNTIL + 300 * DAY).isoformat(),
            },
        ),
        ("decided_at", T0 + 3 * DAY),
        ("actor_name", "shen.pi"),  # another signer
    ],
)
def test_tampered_decisions_fail_verification(share_world: ShareWorld, column: str, value: Any) -> None:
    w = share_world
    rid = approved(w, passed(w, ask(w).id).id).id
    assert verify_request(w.p, rid).valid
    with w.p.store.transaction() as s:
        first = s.scalars(
            select(ShareDecision).where(ShareDecision.request_id == rid).order_by(ShareDecision.id.desc())
        ).first()
        assert first is not None
        s.execute(update(ShareDecision).where(ShareDecision.id == first.id).values({column: value}))
    check = verify_request(w.p, rid)
    assert not check.valid and [d.valid for d in check.decisions] == [True, False]
    assert [d.valid for d in get_request(w.p, USER20, rid).decisions] == [True, False]


def test_a_changed_request_fails_verification(share_world: ShareWorld) -> None:
    w = share_world
    rid = passed(w, ask(w).id).id
    with w.p.store.transaction() as s:
        s.execute(update(ShareRequest).where(ShareRequest.id == rid).values(purpose="另作他用"))
    assert not verify_request(w.p, rid).valid


def test_withdraw_and_renew(share_world: ShareWorld) -> None:
    w = share_world
    rid = ask(w).id
    with pytest.raises(PermissionDenied):  # the provider sees it but does not own it
        withdraw(w.p, w.officer10.principal, rid)
    view = withdraw(w.p, USER20, rid, reason="不再需要", now=T0)
    assert view.status == "withdrawn" and view.closed_at == T0
    with pytest.raises(Conflict):
        passed(w, rid)
    with pytest.raises(Conflict):  # only an approved request is renewed
        renew(w.p, USER20, rid)
    old = approved(w, passed(w, ask(w, columns=["姓名", "住址"]).id).id)
    at = T0 + 60 * DAY
    new = renew(w.p, USER21_SAME_DEPT, old.id, now=at)
    assert new.renews_request_id == old.id and new.status == "authority_review"
    assert new.columns == old.columns and new.scenario == old.scenario and new.legal_basis == old.legal_basis
    assert new.valid_from == at and new.valid_until == at + (old.valid_until - old.valid_from)
    assert json.loads(events(w.p, "share.submit")[-1].details)["renews"] == old.id
    with pytest.raises(PermissionDenied):
        renew(w.p, w.officer10.principal, old.id)
    assert events(w.p, "share.renew")[-1].outcome == "denied"


USER21_SAME_DEPT = person(117, "卫健同事", (1, 20), Role.DATA_USER)


def test_visibility_and_lists(share_world: ShareWorld) -> None:
    w = share_world
    mine = ask(w).id
    other = ask(w, "gg", actor=USER30, columns=["标题"]).id
    assert [v.id for v in list_requests(w.p, USER20, scope="mine")] == [mine]
    assert [v.id for v in list_requests(w.p, USER20)] == [mine]
    assert {v.id for v in list_requests(w.p, w.authority.principal)} == {mine, other}
    assert {v.id for v in list_requests(w.p, w.officer10.principal)} == {mine, other}  # both are 公安局's
    assert list_requests(w.p, w.officer20.principal) != []  # dept 20's officer sees the department's request
    with pytest.raises(NotFound):
        get_request(w.p, USER30, mine)
    with pytest.raises(InvalidInput):
        list_requests(w.p, USER20, scope="everything")


def test_late_decisions_are_flagged(share_world: ShareWorld) -> None:
    w = share_world
    rid = ask(w).id
    late = cst("2026-03-04T09:00:00")  # the day after the deadline
    assert get_request(w.p, USER20, rid, now=late).overdue
    view = passed(w, rid, late)
    assert [d.overdue for d in view.decisions] == [True]
    assert (
        events(w.p, "share.authority_check")[-1].details
        and json.loads(events(w.p, "share.authority_check")[-1].details)["overdue"] is True
    )


@pytest.fixture
def real_people(share_world: ShareWorld) -> Iterator[dict[str, Any]]:
    """Real departments and accounts for the reminders (notifications go to real users)."""
    world = share_world.signers.world
    dept = world.department("公安局")
    steward = world.user("gong.steward", (Role.STEWARD,), department_id=dept)
    requester_dept = world.department("卫健委")
    yield {"dept": dept, "steward": steward, "requester_dept": requester_dept, "world": world}


def test_overdue_reminders_once_per_working_day(share_world: ShareWorld, real_people: dict[str, Any]) -> None:
    from shuan.access import register_resource
    from shuan.identity.principal import SYSTEM

    w = share_world
    dept, requester_dept = real_people["dept"], real_people["requester_dept"]
    register_resource(w.p, SYSTEM, "src:人社", owner_department_id=dept, level=1, now=T0)
    entry = add_entry(
        w.p,
        "RS-001",
        resource="src:人社",
        provider=dept,
        share_type="unconditional",
        items=[{"name": "参保", "type": "字符型", "column": "参保"}],
    )
    asker = person(118, "卫健真实用户", (real_people["world"].root_id, requester_dept), Role.DATA_USER)
    rid = submit(
        w.p,
        asker,
        entry_id=entry,
        purpose="核验",
        scenario="sharing",
        columns=None,
        valid_until=UNTIL,
        legal_basis="依据",
        now=T0,
    ).id
    due = get_request(w.p, asker, rid, now=T0).due_at
    assert due is not None
    assert remind_overdue(w.p, now=due - timedelta(minutes=1)) == []  # not yet due
    # Wednesday 4 March: overdue at the authority — the root department's 安全管理员 is reminded, once a day
    wednesday = cst("2026-03-04T09:00:00")
    [reminder] = remind_overdue(w.p, now=wednesday)
    secadmin_id = real_people["world"].officer(Role.SECADMIN).principal.user_id
    assert reminder.stage == "authority" and reminder.recipients == (secadmin_id,)
    assert remind_overdue(w.p, now=wednesday + timedelta(hours=5)) == []
    assert len(remind_overdue(w.p, now=wednesday + DAY)) == 1
    assert remind_overdue(w.p, now=cst("2026-03-07T10:00:00")) == []  # Saturday: not a working day
    with w.p.store.sessions() as s:
        notes = list(s.scalars(select(Notification).where(Notification.kind == "share_overdue")))
    assert len(notes) == 2 and all(n.user_id == secadmin_id and n.body["request"] == rid for n in notes)
    assert "超期" in notes[0].title
    assert [e.outcome for e in events(w.p, "share.overdue")] == ["success", "success"]
    # at the provider: the provider department's steward
    passed(w, rid, wednesday)
    steward_id = real_people["steward"].principal.user_id
    later = cst("2026-03-20T09:00:00")
    [reminder] = remind_overdue(w.p, now=later)
    assert reminder.stage == "provider" and reminder.recipients == (steward_id,)


def test_the_workflow_on_postgresql(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    cheap_argon2(monkeypatch)
    with pg_schema("sharereq") as url:
        p = open_platform(
            Settings(home=tmp_path_factory.mktemp("pg"), root_key=TEST_ROOT_KEY, database_url=url)
        )
        try:
            w = build_share_world(p, Signers(p))
            view = approved(w, passed(w, ask(w).id).id)
            assert view.status == "approved" and len(view.grant_ids) == 1
            assert decide(p, USER20, XM, "read", purpose="sharing", now=T0 + DAY).allowed
            assert verify_request(p, view.id).valid
            with pytest.raises(PermissionDenied):
                passed(w, ask(w, actor=USER1).id)
            with p.store.transaction() as s:
                s.execute(
                    update(ShareDecision).where(ShareDecision.request_id == view.id).values(reasons="改")
                )
            assert not verify_request(p, view.id).valid
            with p.store.sessions() as s:
                actions = set(s.scalars(select(AuditEventRow.action)))
            assert {"share.submit", "share.authority_check", "share.review"} <= actions
        finally:
            p.close()


def test_times_are_utc_aware(share_world: ShareWorld) -> None:
    view = ask(share_world)
    assert view.submitted_at.tzinfo is not None and view.submitted_at == T0.astimezone(UTC)


# -- the CLI -------------------------------------------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def shell(share_world: ShareWorld, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    from shuan.cli import share as share_cli

    acting: dict[str, Principal] = {}

    @contextmanager
    def authenticated() -> Iterator[tuple[Platform, Principal]]:
        yield share_world.p, acting["who"]

    monkeypatch.setattr(share_cli, "authenticated", authenticated)

    def run(who: Principal, *args: str, input: str | None = None) -> Result:  # noqa: A002
        acting["who"] = who
        with CliRunner().isolation(input=input) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return run


def test_the_cli(share_world: ShareWorld, shell: Callable[..., Result]) -> None:
    w = share_world
    until = (utcnow() + 60 * DAY).isoformat()
    r = shell(
        USER20,
        "share",
        "submit",
        "--entry",
        str(w.entries["hj"]),
        "--purpose",
        "核验",
        "--scenario",
        "sharing",
        "--column",
        "姓名",
        "--until",
        until,
        "--basis",
        "依据",
    )
    assert r.code == 0, r.err
    rid = json.loads(r.out)["id"]
    r = shell(w.authority.principal, "share", "list", "--scope", "awaiting")
    assert [json.loads(line)["id"] for line in r.out.splitlines()] == [rid]
    r = shell(
        w.authority.principal, "share", "check", str(rid), "--refuse", input=w.authority.password + "\n"
    )
    assert r.code == 2 and "reasons" in r.err  # a refusal states its reasons
    r = shell(w.authority.principal, "share", "check", str(rid), input="Wrong-Passw0rd-1\n")
    assert r.code == 5 and "Wrong-Passw0rd-1" not in r.err + r.out
    r = shell(w.authority.principal, "share", "check", str(rid), input=w.authority.password + "\n")
    assert r.code == 0 and "待提供方审核" in r.err and w.authority.password not in r.err + r.out
    r = shell(USER30, "share", "review", str(rid), input="x\n")
    assert r.code == 6  # PermissionDenied, before the password is of any use
    r = shell(w.officer10.principal, "share", "review", str(rid), "--row-filter", "[1", input="x\n")
    assert r.code == 2 and "行过滤" in r.err
    r = shell(
        w.officer10.principal,
        "share",
        "review",
        str(rid),
        "--masking",
        "statistics",
        input=w.officer10.password + "\n",
    )
    assert r.code == 0 and "已批准" in r.err, r.err
    r = shell(USER20, "share", "show", str(rid))
    doc = json.loads(r.out)
    assert (
        doc["status"] == "approved" and doc["masking_profile"] == "statistics" and len(doc["decisions"]) == 2
    )
    r = shell(USER20, "share", "verify", str(rid))
    assert r.code == 0 and json.loads(r.out)["valid"] is True and "全部验证通过" in r.err
    with w.p.store.transaction() as s:
        s.execute(update(ShareDecision).where(ShareDecision.request_id == rid).values(reasons="改过的理由"))
    r = shell(USER20, "share", "verify", str(rid))
    assert r.code == 1 and json.loads(r.out)["valid"] is False and "验证失败" in r.err
    r = shell(USER20, "share", "renew", str(rid))
    assert r.code == 0 and json.loads(r.out)["renews_request_id"] == rid
    r = shell(USER20, "share", "withdraw", str(json.loads(r.out)["id"]))
    assert r.code == 0 and "已撤回" in r.err
    r = shell(
        w.officer10.principal,
        "share",
        "revoke",
        str(rid),
        "--reasons",
        "用途已完成",
        input=w.officer10.password + "\n",
    )
    assert r.code == 0 and "已撤销" in r.err
    r = shell(USER20, "share", "list", "--scope", "mine", "--status", "revoked")
    assert [json.loads(line)["id"] for line in r.out.splitlines()] == [rid]
