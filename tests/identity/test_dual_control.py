"""三员分立 is more than "one role per account": every change that touches a 三员 account is a request
that takes effect only when a second person of another 三员 role approves it.

Each way the system administrator alone could take over or knock out the security or audit
administrator is tried: without a second person it stays a pending request with no effect; with one
it works. The second person is checked (not the requester, not the target, not of a role the request
touches), expired and decided requests cannot be approved, and every step is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from shuan.errors import AuditError, AuthError, Conflict, InvalidInput, NotFound, PermissionDenied
from shuan.identity.account import reset_password
from shuan.identity.admin_requests import approve_admin_request, list_admin_requests, refuse_admin_request
from shuan.identity.directory import (
    assign_role,
    create_user,
    disable_user,
    enable_user,
    get_user,
    remove_role,
    update_user,
)
from shuan.identity.dual_control import REQUEST_LIFETIME, PendingRequest
from shuan.identity.models import AdminRequest, User
from shuan.identity.roles import Role
from shuan.identity.sessions import authenticate, login, revoke_sessions
from shuan.identity.stages import SessionStage
from shuan.identity.tokens import create_token, resolve_token, revoke_token
from shuan.identity.totp import reset_totp
from tests.identity.conftest import AUDITOR_NAME, SECADMIN_NAME, Actor, World


def user_row(world: World, username: str) -> User | None:
    with world.platform.store.sessions() as s:
        return s.scalar(select(User).where(User.username == username))


def roles(world: World, username: str) -> set[Role]:
    assert world.admin is not None
    return set(get_user(world.platform, actor=world.admin.principal, username=username, now=world.now).roles)


def pending(result: object) -> PendingRequest:
    assert isinstance(result, PendingRequest), result
    return result


# -- every takeover path: pending without a second person, done with one ----------------------------------


@dataclass
class Path:
    """One change to a 三员 account: how the system administrator asks, and how to see it happened."""

    ask: Callable[[World], object]
    done: Callable[[World], bool]
    approver: Role  # a 三员 role that may approve it
    secret: bool = False  # the approval makes a one-time secret
    either: bool = False  # both 安全管理员 and 审计管理员 may approve (else the other one is excluded)


def _auditor_logs_in(w: World) -> bool:
    actor: Actor = w.extra["auditor"]
    try:
        login(w.platform, username=actor.username, password=actor.password, now=w.now)
    except AuthError:
        return False
    return True


def _new_department(w: World) -> int:
    dept: int = w.extra["dept"]
    return dept


PATHS: dict[str, Path] = {
    "create_auditor": Path(
        lambda w: create_user(w.platform, actor=w.admin.principal, username="fake.auditor", display_name="假审计员",
                              department_id=w.root_id, roles=[Role.AUDITOR], now=w.now),
        lambda w: user_row(w, "fake.auditor") is not None, Role.SECADMIN, secret=True),
    "create_second_secadmin": Path(
        lambda w: create_user(w.platform, actor=w.admin.principal, username="second.sec", display_name="第二安全员",
                              department_id=w.root_id, roles=[Role.SECADMIN], now=w.now),
        lambda w: user_row(w, "second.sec") is not None, Role.AUDITOR, secret=True),
    "create_second_sysadmin": Path(
        lambda w: create_user(w.platform, actor=w.admin.principal, username="second.sys", display_name="第二系统员",
                              department_id=w.root_id, roles=[Role.SYSADMIN], now=w.now),
        lambda w: user_row(w, "second.sys") is not None, Role.AUDITOR, secret=True, either=True),
    "grant_auditor_role": Path(
        lambda w: assign_role(w.platform, actor=w.admin.principal, username="plain", role=Role.AUDITOR, now=w.now),
        lambda w: Role.AUDITOR in roles(w, "plain"), Role.SECADMIN),
    "grant_secadmin_role": Path(
        lambda w: assign_role(w.platform, actor=w.admin.principal, username="plain", role=Role.SECADMIN, now=w.now),
        lambda w: Role.SECADMIN in roles(w, "plain"), Role.AUDITOR),
    "vendor_role_for_auditor": Path(  # a vendor account stops at the agreement's end: a slow disable
        lambda w: assign_role(w.platform, actor=w.admin.principal, username=AUDITOR_NAME, role=Role.VENDOR,
                              vendor_until=w.now + timedelta(days=1), now=w.now),
        lambda w: Role.VENDOR in roles(w, AUDITOR_NAME), Role.SECADMIN),
    "remove_auditor_role": Path(
        lambda w: remove_role(w.platform, actor=w.admin.principal, username=AUDITOR_NAME, role=Role.AUDITOR,
                              now=w.now),
        lambda w: Role.AUDITOR not in roles(w, AUDITOR_NAME), Role.SECADMIN),
    "reset_auditor_password": Path(
        lambda w: reset_password(w.platform, actor=w.admin.principal, username=AUDITOR_NAME, now=w.now),
        lambda w: not _auditor_logs_in(w), Role.SECADMIN, secret=True),
    "reset_secadmin_totp": Path(
        lambda w: reset_totp(w.platform, actor=w.admin.principal, username=SECADMIN_NAME, now=w.now),
        lambda w: not user_row(w, SECADMIN_NAME).totp_enabled, Role.AUDITOR),  # type: ignore[union-attr]
    "disable_auditor": Path(
        lambda w: disable_user(w.platform, actor=w.admin.principal, username=AUDITOR_NAME, now=w.now),
        lambda w: not user_row(w, AUDITOR_NAME).active, Role.SECADMIN),  # type: ignore[union-attr]
    "move_secadmin": Path(
        lambda w: update_user(w.platform, actor=w.admin.principal, username=SECADMIN_NAME,
                              department_id=_new_department(w), display_name="换了部门", now=w.now),
        lambda w: user_row(w, SECADMIN_NAME).department_id == _new_department(w), Role.AUDITOR),  # type: ignore[union-attr]
    "revoke_auditor_sessions": Path(
        lambda w: revoke_sessions(w.platform, actor=w.admin.principal, username=AUDITOR_NAME, now=w.now),
        lambda w: not _session_alive(w), Role.SECADMIN),
    "revoke_auditor_token": Path(
        lambda w: revoke_token(w.platform, actor=w.admin.principal, token_id=w.extra["token_id"], now=w.now),
        lambda w: not _token_alive(w), Role.SECADMIN),
}


def _session_alive(w: World) -> bool:
    try:
        authenticate(w.platform, session_id=w.extra["auditor"].session_id, now=w.now)
    except AuthError:
        return False
    return True


def _token_alive(w: World) -> bool:
    try:
        resolve_token(w.platform, w.extra["token"], now=w.now)
    except AuthError:
        return False
    return True


def _setup(world: World) -> None:
    world.bootstrap_admin()
    world.user("plain")
    auditor = world.officer(Role.AUDITOR)
    world.officer(Role.SECADMIN)
    token = create_token(world.platform, actor=auditor.principal, name="ci", scopes=["audit.read"],
                         expires_at=world.now + timedelta(hours=8), now=world.now)
    world.extra = {"auditor": auditor, "dept": world.department("审计处"), "token": token.token,
                   "token_id": token.info.token_id}


@pytest.mark.parametrize("name", sorted(PATHS))
def test_takeover_path_needs_a_second_person(world: World, name: str) -> None:
    path = PATHS[name]
    _setup(world)
    before = world.event_count()
    result = path.ask(world)
    request = pending(result)
    assert not hasattr(result, "one_time_secret")  # the requester never sees a secret
    # nothing happened, and the request is on record
    [event] = world.events()[before:]
    assert not path.done(world), name
    assert (event.action, event.outcome, event.actor) == ("admin_request.create", "success", "root.admin")
    assert world.details(event)["request_id"] == request.request_id
    assert world.details(event)["kind"] == request.kind.value
    [listed] = list_admin_requests(world.platform, actor=world.admin.principal, status="pending", now=world.now)
    assert (listed.id, listed.status, listed.requested_by) == (request.request_id, "pending", "root.admin")

    # the wrong 三员 cannot approve it; the right one can
    if not path.either:
        wrong = world.officer(Role.AUDITOR if path.approver is Role.SECADMIN else Role.SECADMIN)
        with pytest.raises(PermissionDenied) as info:
            approve_admin_request(world.platform, actor=wrong.principal, request_id=request.request_id,
                                  now=world.now)
        assert info.value.key in ("identity.request_same_role", "identity.request_target")
        assert (world.last_event().action, world.last_event().outcome) == ("admin_request.approve", "denied")
        assert not path.done(world)

    approver = world.officer(path.approver)
    before = world.event_count()
    result = approve_admin_request(world.platform, actor=approver.principal, request_id=request.request_id,
                                   now=world.now)
    assert path.done(world), name
    assert result.request.status == "approved" and result.request.decided_by == approver.username
    assert (result.one_time_secret is not None) == path.secret
    # the decision and the change, in one transaction, by the approver, naming the requester
    new = world.events()[before:]
    assert [e.action for e in new][:2] == ["admin_request.approve", request.kind.value]
    assert all(e.actor == approver.username and e.outcome == "success" for e in new[:2])
    change = world.details(new[1])
    assert change["request_id"] == request.request_id and change["requested_by"] == "root.admin"
    if result.one_time_secret:
        assert all(result.one_time_secret not in e.details for e in world.events())
        assert result.one_time_secret not in repr(result)
    # and it cannot be approved twice
    with pytest.raises(Conflict) as info:
        approve_admin_request(world.platform, actor=approver.principal, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_closed"


def test_the_secret_of_an_approved_account_reaches_its_owner_through_the_approver(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(create_user(world.platform, actor=admin.principal, username="new.auditor",
                                  display_name="新审计员", department_id=world.root_id, roles=["auditor"],
                                  now=world.now))
    approved = world.approve(request)
    assert approved.user is not None and approved.user.roles == (Role.AUDITOR,)
    assert approved.one_time_secret is not None
    first = login(world.platform, username="new.auditor", password=approved.one_time_secret, now=world.now)
    assert first.stage is SessionStage.PASSWORD


def test_password_reset_of_a_sanyuan_account(world: World) -> None:
    admin = world.bootstrap_admin()
    auditor = world.officer(Role.AUDITOR)
    request = pending(reset_password(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    world.relogin(auditor)  # the old password still works while the request waits
    secret = world.approve(request).one_time_secret
    assert secret is not None
    with pytest.raises(AuthError):
        login(world.platform, username=AUDITOR_NAME, password=auditor.password, now=world.now)
    assert login(world.platform, username=AUDITOR_NAME, password=secret, now=world.now).stage is SessionStage.MFA


# -- who may approve ----------------------------------------------------------------------------------------


def test_requester_cannot_approve_own_request(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(reset_password(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    with pytest.raises(PermissionDenied) as info:  # a system administrator approves nothing
        approve_admin_request(world.platform, actor=admin.principal, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.forbidden"
    # nor would the requester if they somehow also held an approving role
    doubled = replace(admin.principal, roles=frozenset({Role.SYSADMIN, Role.SECADMIN}), session_id=None)
    with pytest.raises(PermissionDenied) as info:
        approve_admin_request(world.platform, actor=doubled, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_own"
    assert [e.outcome for e in world.events("admin_request.approve")] == ["denied", "denied"]


def test_target_cannot_approve_a_request_about_itself(world: World) -> None:
    admin = world.bootstrap_admin()
    sec = world.officer(Role.SECADMIN)
    request = pending(reset_totp(world.platform, actor=admin.principal, username=SECADMIN_NAME, now=world.now))
    with pytest.raises(PermissionDenied) as info:
        approve_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_target"
    # nor refuse it (blocking a change to one's own account)
    with pytest.raises(PermissionDenied) as info:
        refuse_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, reason="不要",
                             now=world.now)
    assert info.value.key == "identity.request_target"


def test_same_role_holder_cannot_approve(world: World) -> None:
    """The security administrator cannot approve a second security administrator (who would give them
    both halves of the key-destruction rule); a second sysadmin cannot approve for the first."""
    admin = world.bootstrap_admin()
    sec = world.officer(Role.SECADMIN)
    request = pending(create_user(world.platform, actor=admin.principal, username="sec2", display_name="二",
                                  department_id=world.root_id, roles=["secadmin"], now=world.now))
    with pytest.raises(PermissionDenied) as info:
        approve_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_same_role" and "安全管理员" in str(info.value)
    assert user_row(world, "sec2") is None
    assert world.approve(request, by=world.officer(Role.AUDITOR)).user is not None

    # a system administrator's request is never approved by another system administrator (even one who
    # somehow also held an approving role)
    sys2 = world.user("sys2", (Role.SYSADMIN,))
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    doubled = replace(sys2.principal, roles=frozenset({Role.SYSADMIN, Role.SECADMIN}), session_id=None)
    with pytest.raises(PermissionDenied) as info:
        approve_admin_request(world.platform, actor=doubled, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_same_role" and "系统管理员" in str(info.value)


def test_data_user_cannot_see_or_decide_requests(world: World) -> None:
    admin = world.bootstrap_admin()
    user = world.user("nosy")
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    for attempt in (
        lambda: list_admin_requests(world.platform, actor=user.principal, now=world.now),
        lambda: approve_admin_request(world.platform, actor=user.principal, request_id=request.request_id,
                                      now=world.now),
        lambda: refuse_admin_request(world.platform, actor=user.principal, request_id=request.request_id,
                                     reason="x", now=world.now),
    ):
        before = world.event_count()
        with pytest.raises(PermissionDenied):
            attempt()
        [event] = world.events()[before:]
        assert event.outcome == "denied" and event.actor == "nosy"


# -- expiry, refusal, withdrawal, conflicts -------------------------------------------------------------------


def test_expired_request_cannot_be_approved(world: World) -> None:
    admin = world.bootstrap_admin()
    world.officer(Role.SECADMIN)
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    assert request.expires_at == world.now + REQUEST_LIFETIME
    world.tick(hours=72)
    sec = world.officer(Role.SECADMIN)
    admin = world.relogin(admin)
    with pytest.raises(Conflict) as info:
        approve_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, now=world.now)
    assert info.value.key == "identity.request_expired"
    assert user_row(world, AUDITOR_NAME).active  # type: ignore[union-attr]
    [listed] = list_admin_requests(world.platform, actor=sec.principal, now=world.now)
    assert listed.status == "expired"
    expired = world.events("admin_request.expire")
    assert len(expired) == 1 and expired[0].actor == "system"
    assert world.details(expired[0])["request_id"] == request.request_id
    # the same change may be asked again
    again = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    assert again.request_id != request.request_id


def test_refused_request_has_no_effect(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    sec = world.officer(Role.SECADMIN)
    with pytest.raises(InvalidInput):
        refuse_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, reason="\x00",
                             now=world.now)
    info = refuse_admin_request(world.platform, actor=sec.principal, request_id=request.request_id,
                                reason="没有停用依据", now=world.now)
    assert (info.status, info.decided_by, info.reason) == ("refused", SECADMIN_NAME, "没有停用依据")
    event = world.last_event()
    assert (event.action, event.outcome, event.actor) == ("admin_request.refuse", "success", SECADMIN_NAME)
    assert world.details(event)["withdrawn"] is False
    with pytest.raises(Conflict) as caught:
        approve_admin_request(world.platform, actor=sec.principal, request_id=request.request_id, now=world.now)
    assert caught.value.key == "identity.request_closed"
    assert user_row(world, AUDITOR_NAME).active  # type: ignore[union-attr]
    assert list_admin_requests(world.platform, actor=sec.principal, status="pending", now=world.now) == []


def test_requester_may_withdraw(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    info = refuse_admin_request(world.platform, actor=admin.principal, request_id=request.request_id,
                                reason="提错了", now=world.now)
    assert info.status == "refused" and world.details(world.last_event())["withdrawn"] is True


def test_duplicate_and_unknown_requests(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    with pytest.raises(Conflict) as info:
        disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now)
    assert info.value.key == "identity.request_duplicate" and str(request.request_id) in str(info.value)
    sec = world.officer(Role.SECADMIN)
    with pytest.raises(NotFound):
        approve_admin_request(world.platform, actor=sec.principal, request_id=999, now=world.now)
    with pytest.raises(InvalidInput):
        approve_admin_request(world.platform, actor=sec.principal, request_id="1; DROP",  # type: ignore[arg-type]
                              now=world.now)
    with pytest.raises(InvalidInput):
        list_admin_requests(world.platform, actor=sec.principal, status="done'--", now=world.now)


def test_approval_checks_the_state_of_its_moment(world: World) -> None:
    admin = world.bootstrap_admin()
    first = pending(create_user(world.platform, actor=admin.principal, username="racer", display_name="甲",
                                department_id=world.root_id, roles=["auditor"], now=world.now))
    second = pending(create_user(world.platform, actor=admin.principal, username="racer", display_name="乙",
                                 department_id=world.root_id, roles=["sysadmin"], now=world.now))
    world.approve(first)
    with pytest.raises(Conflict) as info:
        world.approve(second)
    assert info.value.key == "identity.user_exists"
    assert roles(world, "racer") == {Role.AUDITOR}
    assert [r.status for r in list_admin_requests(world.platform, actor=admin.principal, now=world.now)] == [
        "pending", "approved"]


def test_request_of_a_disabled_requester_falls(world: World) -> None:
    admin = world.bootstrap_admin()
    request = pending(reset_password(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    with world.platform.store.transaction() as s:
        s.execute(update(User).where(User.username == "root.admin").values(active=False))
    with pytest.raises(Conflict) as info:
        world.approve(request)
    assert info.value.key == "identity.request_requester_gone"


def test_requests_store_no_secret_and_name_the_excluded_roles(world: World) -> None:
    admin = world.bootstrap_admin()
    pending(create_user(world.platform, actor=admin.principal, username="aud2", display_name="审计二",
                        department_id=world.root_id, roles=["auditor"], now=world.now))
    with world.platform.store.sessions() as s:
        row = s.scalar(select(AdminRequest))
        assert row is not None
        assert row.excluded_roles == ["auditor", "sysadmin"]
        assert set(row.params) == {"username", "display_name", "department_id", "roles", "vendor_name",
                                   "vendor_until"}


# -- what stays single-person -------------------------------------------------------------------------------


def test_ordinary_accounts_keep_the_simple_flow(world: World) -> None:
    admin = world.bootstrap_admin()
    world.user("ordinary")
    p, actor, now = world.platform, admin.principal, world.now
    results: list[Any] = [
        assign_role(p, actor=actor, username="ordinary", role=Role.STEWARD, now=now),
        remove_role(p, actor=actor, username="ordinary", role=Role.STEWARD, now=now),
        reset_password(p, actor=actor, username="ordinary", now=now),
        disable_user(p, actor=actor, username="ordinary", now=now),
        enable_user(p, actor=actor, username="ordinary", now=now),
        revoke_sessions(p, actor=actor, username="ordinary", now=now),
        update_user(p, actor=actor, username="ordinary", department_id=world.department("科室"), now=now),
    ]
    assert not any(isinstance(r, PendingRequest) for r in results)
    # a 三员's display name and the user's own sessions are not guarded either
    assert not isinstance(update_user(p, actor=actor, username=AUDITOR_NAME, display_name="审计", now=now),
                          PendingRequest)
    sec = world.officer(Role.SECADMIN)
    assert revoke_sessions(p, actor=sec.principal, username=SECADMIN_NAME, now=world.now) >= 1  # type: ignore[operator]
    assert world.events("admin_request.create") == []


def test_request_and_approval_fail_closed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """No audit, no change: a request that cannot be recorded is not made, an approval that cannot be
    recorded changes nothing and leaves the request pending."""
    from tests.identity.test_fail_closed import broken_audit

    admin = world.bootstrap_admin()
    sec = world.officer(Role.SECADMIN)
    with monkeypatch.context() as patch:
        broken_audit(patch)
        with pytest.raises(AuditError):
            disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now)
    with world.platform.store.sessions() as s:
        assert s.scalar(select(AdminRequest)) is None
    request = pending(disable_user(world.platform, actor=admin.principal, username=AUDITOR_NAME, now=world.now))
    with monkeypatch.context() as patch:
        broken_audit(patch)
        with pytest.raises(AuditError):
            approve_admin_request(world.platform, actor=sec.principal, request_id=request.request_id,
                                  now=world.now)
    assert user_row(world, AUDITOR_NAME).active  # type: ignore[union-attr]
    [listed] = list_admin_requests(world.platform, actor=admin.principal, now=world.now)
    assert listed.status == "pending"
