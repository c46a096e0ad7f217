"""Login, MFA, sessions and tokens through the API, and the attacks on them: TOTP reuse, replayed
sessions, replayed/expired/revoked tokens, brute force. Each refusal is a 401/429 and an audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shuan.identity.roles import Role
from shuan.platform import Platform
from tests.web.conftest import GOOD_PASSWORD, Api, assert_problem, bearer


def test_login_mfa_and_me(api: Api) -> None:
    admin = api.bootstrap_admin()
    assert admin.totp_secret
    r = api.post("/auth/login", json={"username": "ROOT.ADMIN", "password": admin.password})
    doc = r.json()
    assert r.status_code == 200 and doc["stage"] == "mfa" and doc["user"]["permissions"] == ["self.service"]
    first = doc["session"]
    # a session waiting for its code is good for nothing else
    assert_problem(api.get("/users", headers={"X-Session": first}), 401, "identity.stage_mfa")
    r = api.post("/auth/mfa", json={"code": api.clock.fresh_code(admin.totp_secret)}, headers={"X-Session": first})
    assert r.status_code == 200 and r.json()["stage"] == "active"
    second = r.json()["session"]
    assert second != first
    # the id seen before the second factor is worthless after it
    assert_problem(api.get("/auth/me", headers={"X-Session": first}), 401, "identity.session_invalid")
    me = api.get("/auth/me", headers={"X-Session": second}).json()
    assert me["via"] == "session" and me["stage"] == "active" and me["user"]["roles"] == ["sysadmin"]
    assert "identity.manage" in me["user"]["permissions"]
    assert api.last("auth.mfa").outcome == "success"


def test_totp_code_reuse_is_refused(api: Api) -> None:
    admin = api.bootstrap_admin()
    assert admin.totp_secret
    code = api.clock.fresh_code(admin.totp_secret)
    r = api.post("/auth/login", json={"username": admin.username, "password": admin.password})
    r = api.post("/auth/mfa", json={"code": code}, headers={"X-Session": r.json()["session"]})
    assert r.status_code == 200
    # the same code again, in the same time step: refused, counted, audited
    r = api.post("/auth/login", json={"username": admin.username, "password": admin.password})
    r = api.post("/auth/mfa", json={"code": code}, headers={"X-Session": r.json()["session"]})
    assert_problem(r, 401, "identity.totp_reused")
    event = api.last("auth.mfa_failed")
    assert event.outcome == "failure" and api.details(event)["reason"] == "identity.totp_reused"
    assert code not in event.details
    # a wrong code
    r = api.post("/auth/login", json={"username": admin.username, "password": admin.password})
    r = api.post("/auth/mfa", json={"code": "000000" if code != "000000" else "111111"},
                 headers={"X-Session": r.json()["session"]})
    assert_problem(r, 401, "identity.totp_invalid")


def test_session_replayed_after_logout_is_refused(api: Api) -> None:
    admin = api.bootstrap_admin()
    assert api.get("/auth/me", actor=admin).status_code == 200
    r = api.post("/auth/logout", actor=admin)
    assert r.status_code == 204
    assert api.last("auth.logout").actor == admin.username
    r = api.get("/users", actor=admin)
    assert_problem(r, 401, "identity.session_invalid")
    event = api.last("auth.session_invalid")
    assert api.details(event)["why"] == "ended" and event.actor == admin.username


def test_session_idle_timeout(api: Api) -> None:
    admin = api.bootstrap_admin()
    api.clock.advance(minutes=api.platform.settings.session_idle_minutes + 1)
    assert_problem(api.get("/users", actor=admin), 401, "identity.session_expired")
    assert api.details(api.last("session.expired"))["reason"] == "idle"


def test_token_lifecycle_and_refusals(api: Api) -> None:
    admin = api.bootstrap_admin()
    token = api.token(admin, hours=8)
    token_id = token.split("_")[1]
    r = api.get("/auth/me", token=token)
    assert r.status_code == 200 and r.json()["via"] == "token" and r.json()["stage"] is None
    assert api.get("/users", token=token).status_code == 200
    listed = api.get("/me/tokens", actor=admin).json()
    assert [t["token_id"] for t in listed] == [token_id]
    assert token not in api.get("/me/tokens", actor=admin).text  # never the secret
    # a token cannot mint tokens or change credentials: those need a login session
    r = api.post("/me/tokens", token=token, json={"name": "x", "scopes": ["*"],
                                                   "expires_at": (api.clock.now() + timedelta(days=1)).isoformat()})
    assert_problem(r, 403, "identity.interactive_only")
    r = api.post("/me/password", token=token, json={"current_password": admin.password, "new_password": "x"})
    assert_problem(r, 403, "identity.interactive_only")

    # a tampered secret (same id): refused, audited, the secret never recorded
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_problem(api.get("/users", token=tampered), 401, "identity.token_invalid")
    event = api.last("auth.token_failed")
    assert api.details(event)["why"] == "unknown" and tampered[-20:] not in event.details

    # expired
    api.clock.advance(days=2)
    assert_problem(api.get("/users", token=token), 401, "identity.token_expired")
    assert api.details(api.last("auth.token_failed"))["why"] == "expired"
    api.clock.advance(days=-2)

    # revoked: then every replay is refused and audited
    admin = api.relogin(admin)
    r = api.call("DELETE", f"/tokens/{token_id}", actor=admin)
    assert r.status_code == 200 and r.json()["revoked_at"]
    for _ in range(2):
        assert_problem(api.get("/users", token=token), 401, "identity.token_revoked")
    revoked = [e for e in api.events("auth.token_failed") if api.details(e)["why"] == "revoked"]
    assert len(revoked) == 2 and revoked[-1].actor == admin.username and revoked[-1].outcome == "denied"


def test_token_scopes_narrow_permissions(api: Api) -> None:
    api.bootstrap_admin()
    sec = api.user("an.quan", Role.SECADMIN)
    narrow = api.token(sec, scopes=["key.manage"])
    assert api.get("/keys", token=narrow).status_code == 200
    r = api.post("/resources", token=narrow, json={"path": "src:公安", "owner_department_id": 1, "level": 1})
    assert_problem(r, 403)
    # a scope the owner does not hold is refused at creation
    r = api.post("/me/tokens", actor=sec, json={"name": "x", "scopes": ["identity.manage"],
                                                 "expires_at": (api.clock.now() + timedelta(days=1)).isoformat()})
    assert_problem(r, 403, "identity.token_scope_not_held")
    r = api.post("/me/tokens", actor=sec, json={"name": "x", "scopes": ["not.a.scope"],
                                                 "expires_at": (api.clock.now() + timedelta(days=1)).isoformat()})
    assert_problem(r, 400, "identity.token_scope_unknown")


def test_both_credentials_at_once_are_refused(api: Api) -> None:
    admin = api.bootstrap_admin()
    token = api.token(admin)
    r = api.get("/users", headers={**admin.headers, **bearer(token)})
    assert_problem(r, 400, "api.ambiguous_credentials")


def test_brute_force_locks_the_account(api: Api) -> None:
    api.bootstrap_admin()
    api.user("zhang.san")
    threshold = api.platform.settings.lockout_threshold
    for _ in range(threshold):
        r = api.post("/auth/login", json={"username": "zhang.san", "password": "wrong-password-1A!"})
        assert_problem(r, 401, "identity.bad_credentials")
    # locked: even the right password is refused, with Retry-After
    r = api.post("/auth/login", json={"username": "zhang.san", "password": GOOD_PASSWORD})
    doc = assert_problem(r, 429, "identity.locked")
    assert int(r.headers["retry-after"]) > 0 and "秒" in doc["detail"]
    lockout = api.last("auth.lockout")
    assert lockout.outcome == "denied" and lockout.resource == "user:zhang.san"
    assert len([e for e in api.events("auth.login_failed") if e.resource == "user:zhang.san"]) == threshold + 1
    # after the lockout runs out the right password works again
    api.clock.advance(seconds=api.platform.settings.lockout_base_seconds + 1)
    r = api.post("/auth/login", json={"username": "zhang.san", "password": GOOD_PASSWORD})
    assert r.status_code == 200 and r.json()["stage"] == "active"


def test_unknown_user_gets_the_same_answer_and_the_name_is_not_stored(api: Api) -> None:
    api.bootstrap_admin()
    r = api.post("/auth/login", json={"username": "<script>alert(1)</script>", "password": "x"})
    doc = assert_problem(r, 401, "identity.bad_credentials")
    assert "script" not in doc["detail"]
    event = api.last("auth.login_failed")
    assert event.actor == "anonymous" and "script" not in event.details


def test_first_login_steps(api: Api) -> None:
    api.bootstrap_admin()
    r = api.post("/users", actor=api.admin, json={"username": "shen.ji", "display_name": "审计员",
                                                  "department_id": api.root_id, "roles": ["auditor"]})
    assert r.status_code == 202 and "one_time_secret" not in r.json()  # a 三员 account: a request
    secret = api.approve(r.json()["request_id"])["one_time_secret"]  # the approver receives the secret
    doc = api.login("shen.ji", secret)
    session = {"X-Session": doc["session"]}
    # a weak new password is refused with the policy's reason
    r = api.post("/me/password", headers=session, json={"current_password": secret, "new_password": "short"})
    assert_problem(r, 400, "identity.password_too_short")
    r = api.post("/me/password", headers=session, json={"current_password": secret, "new_password": GOOD_PASSWORD})
    assert r.json() == {"stage": "enroll"}  # 审计管理员 must enrol TOTP before anything else
    assert_problem(api.get("/audit/events", headers=session), 401, "identity.stage_enroll")
    totp = api.post("/me/totp", headers=session).json()
    assert totp["uri"].startswith("otpauth://totp/") and len(totp["secret"]) >= 32
    r = api.post("/me/totp/confirm", headers=session, json={"code": api.clock.fresh_code(totp["secret"])})
    assert r.json() == {"stage": "active"}
    assert api.get("/audit/events", headers=session).status_code == 200


def test_per_address_throttle_on_login(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spraying many accounts from one address is cut off with 429, audited once per window."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from shuan.audit.models import AuditEventRow
    from shuan.web.app import create_app

    platform.settings.auth_attempts_per_minute = 4
    with TestClient(create_app(platform)) as client:
        codes = [client.post("/api/v1/auth/login", json={"username": f"nobody{i}", "password": "x" * 12}).status_code
                 for i in range(7)]
        assert codes[:4] == [401] * 4 and codes[4:] == [429] * 3
        last = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x" * 12})
        assert last.status_code == 429 and int(last.headers["Retry-After"]) >= 1
        assert last.json()["key"] == "identity.throttled"
    with platform.store.sessions() as s:
        throttled = list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == "auth.throttled")))
    assert len(throttled) == 1 and throttled[0].outcome == "denied"


def test_unknown_user_locks_out_like_a_real_one(api: Api) -> None:
    api.bootstrap_admin()
    api.user("zhang.san")
    threshold = api.platform.settings.lockout_threshold
    answers = {}
    for name in ("zhang.san", "li.nobody"):
        got = []
        for _ in range(threshold + 1):
            r = api.post("/auth/login", json={"username": name, "password": "wrong-password-1A!"})
            got.append((r.status_code, r.json()["key"], r.headers.get("retry-after")))
        answers[name] = got
    assert answers["zhang.san"] == answers["li.nobody"]
    assert answers["li.nobody"][-1][:2] == (429, "identity.locked")


def test_admin_token_lifetime_is_capped(api: Api) -> None:
    admin = api.bootstrap_admin()
    hours = api.platform.settings.session_absolute_hours

    def ask(scopes: list[str], lifetime: timedelta) -> object:
        return api.post("/me/tokens", actor=admin, json={"name": "ci", "scopes": scopes,
                                                          "expires_at": (api.clock.now() + lifetime).isoformat()})

    doc = assert_problem(ask(["*"], timedelta(days=30)), 400, "identity.token_admin_expiry")
    assert f"{hours} 小时" in doc["detail"]
    assert_problem(ask(["identity.manage"], timedelta(hours=hours, minutes=1)), 400, "identity.token_admin_expiry")
    assert ask(["identity.manage"], timedelta(hours=hours)).status_code == 201  # type: ignore[attr-defined]
    assert ask(["self.service"], timedelta(days=365)).status_code == 201  # type: ignore[attr-defined]
