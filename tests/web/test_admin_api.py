"""Administration through the API: directory, grants and decisions, audit, keys — and the escalations
三员分立 forbids (a data user granting itself access, an auditor changing events, an administrator
reading the audit log), each refused with 403/405 and an audit event."""

from __future__ import annotations

import io
import tarfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from shuan.audit.archive import verify_archive
from shuan.errors import AuditError
from shuan.identity.roles import Role
from tests.web.conftest import GOOD_PASSWORD, Actor, Api, assert_problem


def later(api: Api, days: int = 30) -> str:
    return (api.clock.now() + timedelta(days=days)).isoformat()


def test_directory(api: Api) -> None:
    admin = api.bootstrap_admin()
    police = api.department("公安局")
    sub = api.department("户政科", parent_id=police)
    depts = api.get("/departments", actor=admin).json()
    assert [d["name"] for d in depts] == ["市大数据局", "公安局", "户政科"]
    assert api.get(f"/departments/{sub}", actor=admin).json()["path"] == [api.root_id, police, sub]
    assert_problem(api.post("/departments", actor=admin, json={"name": "户政科", "parent_id": police}), 409,
                   "identity.department_exists")
    assert_problem(api.post(f"/departments/{police}/move", actor=admin, json={"parent_id": sub}), 409,
                   "identity.department_cycle")
    assert_problem(api.get("/departments/999", actor=admin), 404, "identity.department_not_found")
    assert api.post(f"/departments/{sub}/rename", actor=admin, json={"name": "户政管理科"}).json()["name"] == "户政管理科"

    r = api.post("/users", actor=admin, json={"username": "Li.Si", "display_name": "李四", "department_id": police,
                                              "roles": ["data_user"]})
    assert r.status_code == 201
    created = r.json()
    assert created["user"]["username"] == "li.si" and created["user"]["must_change_password"]
    assert len(created["one_time_secret"]) >= 16
    assert created["one_time_secret"] not in "".join(e.details for e in api.events())
    assert_problem(api.post("/users", actor=admin, json={"username": "li.si", "display_name": "x",
                                                         "department_id": police}), 409, "identity.user_exists")
    assert api.call("PATCH", "/users/li.si", actor=admin, json={"department_id": sub}).json()["department_id"] == sub
    assert api.post("/users/li.si/roles", actor=admin, json={"role": "steward"}).json()["roles"] == [
        "data_user", "steward"]
    assert api.call("DELETE", "/users/li.si/roles/steward", actor=admin).json()["roles"] == ["data_user"]
    assert api.post("/users/li.si/disable", actor=admin).json()["active"] is False
    assert api.post("/users/li.si/enable", actor=admin).json()["active"] is True
    secret = api.post("/users/li.si/password-reset", actor=admin).json()["one_time_secret"]
    assert api.login("li.si", secret)["stage"] == "password"
    assert [u["username"] for u in api.get("/users", actor=admin).json()] == [
        "li.si", "root.admin", "root.auditor", "root.secadmin"]  # the three administrators of bootstrap
    assert [u["username"] for u in api.get(f"/users?department_id={sub}", actor=admin).json()] == ["li.si"]
    roles = {r["id"]: r for r in api.get("/roles", actor=admin).json()}
    assert roles["auditor"]["exclusive"] and roles["auditor"]["label"] == "审计管理员"
    assert "audit.read" in roles["auditor"]["permissions"]


def test_separation_of_duties(api: Api) -> None:
    admin = api.bootstrap_admin()
    # 三员分立: one account cannot hold two of 系统/安全/审计管理员
    r = api.post("/users", actor=admin, json={"username": "two.hats", "display_name": "x",
                                              "department_id": api.root_id, "roles": ["secadmin", "auditor"]})
    assert_problem(r, 409, "identity.exclusive_roles")
    # an administrator cannot give themself a role, nor disable themself
    assert_problem(api.post("/users/root.admin/roles", actor=admin, json={"role": "auditor"}), 403,
                   "identity.self_role")
    assert api.last("user.role_assign").outcome == "denied"
    assert_problem(api.post("/users/root.admin/disable", actor=admin), 403, "identity.self_admin")
    # a data user reads their own account only
    user = api.user("zhang.san")
    assert api.get("/users/zhang.san", actor=user).json()["username"] == "zhang.san"
    assert_problem(api.get("/users/root.admin", actor=user), 403)
    assert api.last("user.read").outcome == "denied"


def register(api: Api, token: str, path: str, level: int, owner: int | None = None) -> None:
    body: dict[str, object] = {"path": path, "level": level}
    if owner is not None:
        body["owner_department_id"] = owner
    r = api.post("/resources", token=token, json=body)
    assert r.status_code == 201, r.text


def test_grants_and_decisions(api: Api) -> None:
    api.bootstrap_admin()
    police = api.department("公安局")
    health = api.department("卫健委")
    sec = api.user("an.quan", Role.SECADMIN)
    sec_token = api.token(sec)
    user = api.user("wei.jian", department_id=health)
    register(api, sec_token, "src:公安", 1, owner=police)
    register(api, sec_token, "src:公安/tbl:户籍", 3)
    assert api.get("/resources?path=src:公安/tbl:户籍", actor=user).json()["effective_level"] == 3

    decide = {"resource": "src:公安/tbl:户籍/col:姓名", "action": "read", "scenario": "business"}
    d = api.post("/decisions", actor=user, json=decide).json()
    assert d["allowed"] is False and d["rule"] and d["explanation"].startswith("拒绝")
    assert api.last("access.query").outcome == "denied"

    # 三级 outside the owner needs the data authority: refused, then created awaiting approval
    grant = {"subject": {"kind": "user", "id": user.user_id}, "resource": "src:公安/tbl:户籍", "actions": ["read"],
             "purpose": "户籍核验", "valid_until": later(api), "scenario": "business",
             "row_filter": [{"column": "区县", "op": "=", "value": "任城区"}]}
    assert_problem(api.post("/grants", token=sec_token, json=grant), 403, "access.level3_needs_authority")
    r = api.post("/grants", token=sec_token, json={**grant, "await_authority": True})
    assert r.status_code == 201 and r.json()["status"] == "pending_authority"
    gid = r.json()["id"]
    # the creator cannot approve it; another security administrator in the authority can, signing the
    # approval with their own key (opened by their password)
    signing = {"signing_password": GOOD_PASSWORD}
    assert_problem(api.post(f"/grants/{gid}/approve", token=sec_token, json=signing), 403, "access.approve_own")
    approver = api.user("shen.pi", Role.SECADMIN)
    assert_problem(api.post(f"/grants/{gid}/approve", actor=approver, json={}), 422)
    assert_problem(api.post(f"/grants/{gid}/approve", actor=approver, json={"signing_password": "Wrong-Passw0rd-1"}),
                   401, "identity.signing_password")
    assert api.last("grant.approve").outcome == "failure"
    r = api.post(f"/grants/{gid}/approve", actor=approver, json=signing)
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert r.json()["approval_signer"] == "shen.pi" and len(r.json()["approval_signature"]) == 128
    approval = api.get(f"/grants/{gid}/approval", actor=user).json()  # the subject may check it
    assert approval["valid"] and approval["signed"] and approval["approver"] == "shen.pi"
    assert approval["digest"] == api.details(api.last("grant.approve"))["digest"]
    d = api.post("/decisions", actor=user, json=decide).json()
    assert d["allowed"] and d["grant_id"] == gid and d["row_filter"] == grant["row_filter"], d
    # someone else's decision: a security administrator may ask, a data user may not
    q = api.post("/decisions", token=sec_token, json={**decide, "subject_user_id": user.user_id}).json()
    assert q["allowed"]
    other = api.user("zhang.san", department_id=police)
    assert_problem(api.post("/decisions", actor=other, json={**decide, "subject_user_id": user.user_id}), 403)

    assert [g["id"] for g in api.get("/grants", actor=user).json()] == [gid]
    assert api.get(f"/grants/{gid}", actor=user).json()["purpose"] == "户籍核验"
    assert_problem(api.get(f"/grants/{gid}", actor=other), 404)  # invisible grants do not exist for you
    r = api.post(f"/grants/{gid}/revoke", token=sec_token, json={"reason": "项目结束"})
    assert r.json()["status"] == "revoked"
    assert not api.post("/decisions", actor=user, json=decide).json()["allowed"]
    assert_problem(api.post(f"/grants/{gid}/revoke", token=sec_token, json={}), 409, "access.grant_revoked")


def test_data_user_cannot_grant_itself(api: Api) -> None:
    api.bootstrap_admin()
    sec = api.user("an.quan", Role.SECADMIN)
    register(api, api.token(sec), "src:公安", 1, owner=api.root_id)
    user = api.user("zhang.san")
    grant = {"subject": {"kind": "user", "id": user.user_id}, "resource": "src:公安", "actions": ["read", "export"],
             "purpose": "给自己", "valid_until": later(api)}
    before = len(api.events("grant.create"))
    assert_problem(api.post("/grants", actor=user, json=grant), 403, "access.no_grant_permission")
    event = api.last("grant.create")
    assert len(api.events("grant.create")) == before + 1
    assert event.outcome == "denied" and event.actor == "zhang.san" and event.resource == "src:公安"
    # nor through its department
    grant["subject"] = {"kind": "department", "id": api.root_id}
    assert_problem(api.post("/grants", actor=user, json=grant), 403)
    # a security administrator cannot grant to themself either
    sec = api.relogin(sec)
    grant["subject"] = {"kind": "user", "id": sec.user_id}
    assert_problem(api.post("/grants", actor=sec, json=grant), 403, "access.self_grant")
    assert api.get("/grants", actor=sec).json() == []


def auditor(api: Api) -> Actor:
    api.admin or api.bootstrap_admin()
    return api.user("shen.ji", Role.AUDITOR)


def test_audit_query_verify_export(api: Api, tmp_path: Path) -> None:
    aud = auditor(api)
    events = api.get("/audit/events?action=auth.&limit=5", actor=aud).json()
    assert 0 < len(events) <= 5 and all(e["action"].startswith("auth.") for e in events)
    assert events == sorted(events, key=lambda e: -e["seq"])
    assert api.last("audit.read").actor == "shen.ji"
    report = api.post("/audit/verify", actor=aud).json()
    assert report["ok"] and report["problem"] is None and report["events"] > 10
    r = api.post("/audit/export", actor=aud, json={})
    assert r.status_code == 200 and r.headers["content-type"] == "application/x-tar"
    assert "attachment" in r.headers["content-disposition"]
    with tarfile.open(fileobj=io.BytesIO(r.content)) as tar:
        assert {"events.jsonl", "manifest.json", "manifest.sig"} <= set(tar.getnames())
    archive = tmp_path / "audit.tar"
    archive.write_bytes(r.content)
    checked, manifest = verify_archive(archive, expect_fingerprint=r.headers["x-shuan-fingerprint"])
    assert checked.ok and checked.events == int(r.headers["x-shuan-events"])
    assert_problem(api.get("/audit/events?since=2026-01-01T00:00:00", actor=aud), 422)  # no time zone
    assert_problem(api.get("/audit/events?limit=0", actor=aud), 422)


def test_tampered_audit_row_is_detected(api: Api) -> None:
    aud = auditor(api)
    with api.platform.store.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor='somebody.else' WHERE seq=3"))
    report = api.post("/audit/verify", actor=aud).json()
    assert report["ok"] is False
    assert report["problem"]["seq"] == 3 and report["problem"]["kind"] == "altered" and report["problem"]["message"]
    event = api.last("audit.verify")
    assert event.outcome == "failure" and api.details(event)["first_problem"] == {"seq": 3, "kind": "altered"}


def test_administrators_cannot_read_the_audit_log(api: Api) -> None:
    admin = api.bootstrap_admin()
    sec = api.user("an.quan", Role.SECADMIN)
    for actor in (admin, sec):
        actor = api.relogin(actor)
        for method, path, body in (("GET", "/audit/events", None), ("POST", "/audit/verify", None),
                                   ("POST", "/audit/export", {})):
            r = api.call(method, path, actor=actor, json=body)
            assert_problem(r, 403, "audit.denied")
            event = api.events()[-1]
            assert event.outcome == "denied" and event.actor == actor.username and event.action.startswith("audit.")


@pytest.mark.parametrize("method", ["DELETE", "PUT", "PATCH"])
def test_nobody_edits_or_deletes_audit_events(api: Api, method: str) -> None:
    aud = auditor(api)
    count = len(api.events())
    for path in ("/audit/events", "/audit/events/1", "/audit/verify", "/audit/export"):
        r = api.client.request(method, f"/api/v1{path}", headers=aud.headers, json={"actor": "x"})
        assert r.status_code in (404, 405), (path, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = api.client.request(method, "/api/v1/audit/events", headers=aud.headers)
    assert_problem(r, 405)
    assert "GET" in r.headers["allow"]
    assert len(api.events()) == count  # nothing happened, nothing changed


def test_keys(api: Api) -> None:
    api.bootstrap_admin()
    sec = api.user("an.quan", Role.SECADMIN)
    r = api.post("/keys/data", actor=sec, json={"dataset": "户籍库", "department_id": api.root_id})
    assert r.status_code == 201 and r.json()["key_id"] == "dek/户籍库/v1"
    keys = api.get("/keys", actor=sec).json()
    assert {k["kind"] for k in keys} >= {"kek", "dek"} and all("wrapped" not in k for k in keys)
    assert api.post(f"/keys/kek/{api.root_id}/rotate", actor=sec).json()["version"] == 2
    assert api.post(f"/keys/kek/{api.root_id}/rewrap", actor=sec).json() == {"rewrapped": 1}
    assert_problem(api.post("/keys/data", actor=sec, json={"dataset": "a/b", "department_id": 1}), 400,
                   "key.bad_dataset")
    rid = api.post("/keys/destructions", actor=sec, json={"dataset": "户籍库", "reason": "保存期限届满"}).json()[
        "request_id"]
    signing = {"signing_password": GOOD_PASSWORD}
    assert_problem(api.post(f"/keys/destructions/{rid}/approve", actor=sec, json=signing), 403, "key.same_approver")
    assert api.last("key.destroy").outcome == "denied"
    second = api.user("an.quan2", Role.SECADMIN)
    assert_problem(api.post(f"/keys/destructions/{rid}/approve", actor=second,
                            json={"signing_password": "Wrong-Passw0rd-1"}), 401, "identity.signing_password")
    assert api.get(f"/keys/destructions/{rid}/approval", actor=sec).json()["status"] == "pending"
    assert api.post(f"/keys/destructions/{rid}/approve", actor=second, json=signing).json() == {"versions_destroyed": 1}
    assert_problem(api.post(f"/keys/destructions/{rid}/approve", actor=second, json=signing), 409,
                   "key.request_closed")
    approval = api.get(f"/keys/destructions/{rid}/approval", actor=sec).json()
    assert approval["valid"] and approval["approver"] == "an.quan2" and approval["status"] == "executed"
    assert_problem(api.get("/keys/destructions/999/approval", actor=sec), 404, "key.request_not_found")


def test_audit_failure_is_fail_closed(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    admin = api.bootstrap_admin()

    def broken(*_args: object, **_kwargs: object) -> None:
        raise AuditError("audit.write_failed", reason="disk full")

    with monkeypatch.context() as patch:
        patch.setattr(api.platform.audit, "record", broken)
        r = api.client.post("/api/v1/departments", headers=admin.headers, json={"name": "不该存在", "parent_id": 1})
        doc = assert_problem(r, 503, "audit.write_failed")
        assert "disk full" not in doc["detail"] and "未执行" in doc["detail"]
    assert "不该存在" not in [d["name"] for d in api.get("/departments", actor=api.relogin(admin)).json()]


# -- dual control of changes to 三员 accounts ------------------------------------------------------------------


def test_sanyuan_changes_wait_for_a_second_person(api: Api) -> None:
    admin = api.bootstrap_admin()
    user = api.user("zhang.san")
    # an auditor account is a request: 202, no secret, nothing created yet
    r = api.post("/users", actor=admin, json={"username": "fake.audit", "display_name": "假审计",
                                              "department_id": api.root_id, "roles": ["auditor"]})
    assert r.status_code == 202, r.text
    pending = r.json()
    assert set(pending) == {"request_id", "kind", "target", "status", "expires_at"}
    assert (pending["kind"], pending["target"], pending["status"]) == ("user.create", "fake.audit", "pending")
    assert_problem(api.get("/users/fake.audit", actor=admin), 404)
    assert api.last("admin_request.create").actor == "root.admin"
    listed = api.get("/admin-requests?status=pending", actor=admin).json()
    assert [x["id"] for x in listed] == [pending["request_id"]]
    assert listed[0]["excluded_roles"] == ["auditor", "sysadmin"] and listed[0]["requested_by"] == "root.admin"
    assert_problem(api.get("/admin-requests", actor=user), 403)
    assert_problem(api.get("/admin-requests?status=done", actor=admin), 422)
    # the requester cannot approve; an auditor cannot approve an auditor; the security administrator can
    rid = pending["request_id"]
    assert_problem(api.post(f"/admin-requests/{rid}/approve", actor=admin), 403, "identity.forbidden")
    aud = api.officer(Role.AUDITOR)
    assert_problem(api.post(f"/admin-requests/{rid}/approve", actor=aud), 403, "identity.request_same_role")
    assert api.last("admin_request.approve").outcome == "denied"
    sec = api.officer(Role.SECADMIN)
    r = api.post(f"/admin-requests/{rid}/approve", actor=sec)
    assert r.status_code == 200, r.text
    approved = r.json()
    assert approved["request"]["status"] == "approved" and approved["request"]["decided_by"] == "root.secadmin"
    assert approved["user"]["roles"] == ["auditor"] and len(approved["one_time_secret"]) >= 16
    assert approved["one_time_secret"] not in "".join(e.details for e in api.events())
    assert api.login("fake.audit", approved["one_time_secret"])["stage"] == "password"
    assert_problem(api.post(f"/admin-requests/{rid}/approve", actor=sec), 409, "identity.request_closed")
    assert_problem(api.post("/admin-requests/999/approve", actor=sec), 404, "identity.request_not_found")
    assert_problem(api.post("/admin-requests/abc/approve", actor=sec), 422)


def test_sanyuan_account_takeover_routes_answer_202(api: Api) -> None:
    admin = api.bootstrap_admin()
    aud = api.officer(Role.AUDITOR)
    sec = api.officer(Role.SECADMIN)
    aud_token = api.token(aud, scopes=["audit.read"])
    token_id = aud_token.split("_")[1]
    dept = api.department("审计处")
    admin = api.relogin(admin)
    attempts = [
        ("POST", "/users/root.auditor/password-reset", None),
        ("DELETE", "/users/root.auditor/totp", None),
        ("POST", "/users/root.auditor/disable", None),
        ("PATCH", "/users/root.secadmin", {"department_id": dept}),
        ("POST", "/users/root.secadmin/roles", {"role": "steward"}),
        ("DELETE", "/users/root.secadmin/roles/secadmin", None),
        ("DELETE", "/users/root.auditor/sessions", None),
        ("DELETE", f"/tokens/{token_id}", None),
    ]
    ids = []
    for method, path, body in attempts:
        r = api.call(method, path, actor=admin, json=body)
        assert r.status_code == 202, (method, path, r.text)
        assert "one_time_secret" not in r.json()
        ids.append(r.json()["request_id"])
    # nothing happened: the auditor still logs in with TOTP, its token works, the secadmin is where it was
    aud = api.relogin(aud)
    assert api.get("/audit/events?limit=1", token=aud_token).status_code == 200
    assert api.get("/users/root.secadmin", actor=admin).json()["department_id"] == api.root_id
    # the target cannot decide about itself; the refusal is recorded
    assert_problem(api.post(f"/admin-requests/{ids[3]}/approve", actor=sec), 403, "identity.request_target")
    r = api.post(f"/admin-requests/{ids[1]}/refuse", actor=sec, json={"reason": "手机未丢失"})
    assert r.status_code == 200 and r.json()["status"] == "refused" and r.json()["reason"] == "手机未丢失"
    # the password reset, approved by the security administrator: the secret goes to them
    r = api.post(f"/admin-requests/{ids[0]}/approve", actor=sec)
    assert r.status_code == 200 and r.json()["one_time_secret"]
    r = api.post("/auth/login", json={"username": "root.auditor", "password": r.json()["one_time_secret"]})
    assert r.status_code == 200 and r.json()["stage"] == "mfa"  # the TOTP reset was refused
    r = api.post(f"/admin-requests/{ids[7]}/approve", actor=api.relogin(sec))
    assert r.status_code == 200 and r.json()["one_time_secret"] is None
    assert_problem(api.get("/audit/events?limit=1", token=aud_token), 401, "identity.token_revoked")
    statuses = {x["id"]: x["status"] for x in api.get("/admin-requests", actor=admin).json()}
    assert [statuses[i] for i in ids] == ["approved", "refused", "pending", "pending", "pending", "pending",
                                          "pending", "approved"]
