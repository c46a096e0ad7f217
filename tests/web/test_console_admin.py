"""Console pages for administrators: accounts (系统管理员), the dual-control requests of changes to 三员
accounts (a second 三员 approves them from /console/requests), and grants (安全管理员 anywhere, a
department's data security officer on the department's resources)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from shuan.access.service import register_resource
from shuan.identity.principal import SYSTEM
from shuan.identity.roles import Role
from shuan.messages import CATALOGUE
from shuan.web.console import adminkit
from shuan.web.console.routes import TEMPLATES
from tests.web.conftest import AUDITOR_NAME, GOOD_PASSWORD, SECADMIN_NAME, Api
from tests.web.consolekit import browser, console_login, csrf_of

EVIL_NAME = '<script>alert("u")</script>'
EVIL_PURPOSE = '"><img src=x onerror=alert(2)>'
SECRET_RE = re.compile(r'<output class="secret"[^>]*>([^<]+)</output>')
ADMIN_TEMPLATES = ("users.html", "user.html", "user_new.html", "user_secret.html", "requests.html", "grants.html",
                   "grant_new.html")


def secret_of(html: str) -> str:
    found = SECRET_RE.search(html)
    assert found, html[-2000:]
    return unescape(found.group(1))


def pending_id(html: str) -> int:
    found = re.search(r"申请 #(\d+)", html)
    assert found, html[-2000:]
    return int(found.group(1))


def day(api: Api, days: int) -> str:
    return (api.clock.now().astimezone(adminkit.CST).date() + timedelta(days=days)).isoformat()


def logged_in(api: Api, actor: Any) -> tuple[TestClient, str]:
    client = browser(api)
    return client, console_login(api, client, actor)


def test_admin_templates_use_known_messages_only() -> None:
    for name in ADMIN_TEMPLATES:
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for key in re.findall(r"""t\(\s*["']([a-z_]+\.[a-z_]+)["']""", text):
            assert key in CATALOGUE, (name, key)
        assert "<script" not in text and " style=" not in text and " on" + "click" not in text, name


# -- accounts ---------------------------------------------------------------------------------------------


def test_sysadmin_creates_disables_enables_and_resets_an_account(api: Api) -> None:
    admin = api.bootstrap_admin()
    client, token = logged_in(api, admin)
    home = client.get("/console/")
    assert 'href="/console/users"' in home.text and 'href="/console/requests"' in home.text
    assert 'href="/console/grants"' not in home.text  # the system administrator manages no grants
    form = client.get("/console/users/new")
    assert form.status_code == 200 and 'name="roles"' in form.text
    # create: the one-time secret is shown once, on a page that is never cached
    r = client.post("/console/users", data={"csrf_token": token, "username": "Li.Si", "display_name": EVIL_NAME,
                                            "department": str(api.root_id), "roles": ["data_user"]})
    assert r.status_code == 200, r.text[-1500:]
    assert r.headers["cache-control"] == "no-store"
    assert "只显示这一次" in r.text
    secret = secret_of(r.text)
    created = api.last("user.create")
    assert created.outcome == "success" and created.actor == "root.admin" and created.resource == "user:li.si"
    assert secret not in created.details
    # the secret opens the account (first login: change the password)
    assert api.login("li.si", secret)["stage"] == "password"
    # the list: filtered by text and department, the script-like display name escaped
    listing = client.get("/console/users", params={"q": "li.", "department": str(api.root_id)})
    assert listing.status_code == 200 and 'href="/console/users/li.si"' in listing.text
    assert EVIL_NAME not in listing.text and str(escape(EVIL_NAME)) in listing.text
    assert "root.admin" not in re.sub(r"当前用户：root\.admin", "", listing.text)
    assert "一次性口令待更改" in listing.text
    everyone = client.get("/console/users")
    assert SECADMIN_NAME in everyone.text and AUDITOR_NAME in everyone.text
    detail = client.get("/console/users/li.si")
    assert detail.status_code == 200 and EVIL_NAME not in detail.text and str(escape(EVIL_NAME)) in detail.text
    # the actions, each audited
    steps: list[tuple[str, dict[str, str], str, str]] = [
        ("disable", {}, "user.disable", "已停用账户 li.si"),
        ("enable", {}, "user.enable", "已启用账户 li.si"),
        ("roles", {"op": "assign", "role": "steward"}, "user.role_assign", "已为 li.si 授予角色"),
        ("roles", {"op": "remove", "role": "steward"}, "user.role_remove", "已撤销 li.si 的角色"),
    ]
    for action, fields, event, notice in steps:
        r = client.post(f"/console/users/li.si/{action}", data={"csrf_token": token, **fields})
        assert r.status_code == 200, (action, r.text[-1500:])
        assert notice in r.text, action
        assert api.last(event).outcome == "success", action
    # a refusal that is not a permission's: the account page with the one-line message
    r = client.post("/console/users/li.si/reset-totp", data={"csrf_token": token})
    assert r.status_code == 409 and 'role="alert"' in r.text
    assert api.last("totp.reset").outcome == "denied"
    r = client.post("/console/users/li.si/disable", data={"csrf_token": token})
    assert r.status_code == 200
    r = client.post("/console/users/li.si/disable", data={"csrf_token": token})
    assert r.status_code == 409 and "已停用" in r.text
    client.post("/console/users/li.si/enable", data={"csrf_token": token})
    # reset: a new one-time secret, shown once; the old one is void
    r = client.post("/console/users/li.si/reset-password", data={"csrf_token": token})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    fresh = secret_of(r.text)
    assert fresh != secret and api.last("password.reset").outcome == "success"
    user = api.first_login("li.si", fresh, GOOD_PASSWORD, enrol=False)
    assert user.username == "li.si"
    # a bad form: re-rendered with what was typed
    r = client.post("/console/users", data={"csrf_token": token, "username": "x", "display_name": "某人",
                                            "department": str(api.root_id)})
    assert r.status_code == 400 and 'role="alert"' in r.text and 'value="某人"' in r.text
    r = client.post("/console/users", data={"csrf_token": token, "username": "zhang.san", "display_name": "某人",
                                            "department": "999999"})
    assert r.status_code == 404 and 'role="alert"' in r.text and 'value="zhang.san"' in r.text
    # the own account: no actions offered, and the service refuses them
    own = client.get("/console/users/root.admin")
    assert own.status_code == 200 and "/console/users/root.admin/disable" not in own.text
    r = client.post("/console/users/root.admin/disable", data={"csrf_token": token})
    assert r.status_code == 403 and 'role="alert"' in r.text
    # an unknown account
    assert client.get("/console/users/nobody.here").status_code == 404


def test_user_list_pages(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    client, _ = logged_in(api, api.bootstrap_admin())
    monkeypatch.setattr(adminkit, "PAGE_SIZE", 2)
    first = client.get("/console/users")  # root.admin, root.auditor, root.secadmin
    assert "第 1/2 页" in first.text and 'href="/console/users?q=&amp;department=&amp;page=2"' in first.text
    last = client.get("/console/users", params={"page": "9"})
    assert "第 2/2 页" in last.text and "root.secadmin" in last.text and 'href="/console/users/root.admin"' not in last.text
    assert client.get("/console/users", params={"page": "x"}).status_code == 400


def test_changes_to_three_member_accounts_wait_for_a_second_person(api: Api) -> None:
    admin = api.bootstrap_admin()
    client, token = logged_in(api, admin)
    # resetting the security administrator's password is only requested
    r = client.post(f"/console/users/{SECADMIN_NAME}/reset-password", data={"csrf_token": token})
    assert r.status_code == 202, r.text[-1500:]
    assert "另一类三员管理员" in r.text and 'class="secret"' not in r.text
    first = pending_id(r.text)
    assert api.last("admin_request.create").outcome == "success"
    assert not [e for e in api.events("password.reset") if e.outcome == "success"]
    # the requester sees it, may withdraw it, may not approve it
    mine = client.get("/console/requests")
    assert mine.status_code == 200 and f'id="request-{first}"' in mine.text
    assert f"/console/requests/{first}/approve" not in mine.text and "撤回" in mine.text
    # the auditor (another kind of 三员) approves it and receives the secret, once
    auditor = api.officer(Role.AUDITOR)
    second, second_token = logged_in(api, auditor)
    assert 'href="/console/requests"' in second.get("/console/").text
    listed = second.get("/console/requests")
    assert f'action="/console/requests/{first}/approve"' in listed.text
    r = second.post(f"/console/requests/{first}/approve", data={"csrf_token": second_token})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store", r.text[-1500:]
    secret = secret_of(r.text)
    assert api.last("admin_request.approve").outcome == "success"
    reset = api.last("password.reset")
    assert reset.outcome == "success" and reset.actor == AUDITOR_NAME and api.details(reset)["request_id"] == first
    assert api.login(SECADMIN_NAME, secret)["stage"] == "password"
    # an account with a 三员 role: requested; the auditor cannot approve an auditor; the requester withdraws
    r = client.post("/console/users", data={"csrf_token": token, "username": "shen.ji2", "display_name": "审计二",
                                            "department": str(api.root_id), "roles": ["auditor"]})
    assert r.status_code == 202 and "另一类三员管理员" in r.text
    again = pending_id(r.text)
    listed = second.get("/console/requests")
    assert f'action="/console/requests/{again}/approve"' not in listed.text
    r = second.post(f"/console/requests/{again}/approve", data={"csrf_token": second_token})
    assert r.status_code == 403 and 'role="alert"' in r.text
    assert api.last("admin_request.approve").outcome == "denied"
    r = client.post(f"/console/requests/{again}/refuse", data={"csrf_token": token, "reason": "填错了"})
    assert r.status_code == 200 and f"#{again}" in r.text
    assert api.last("admin_request.refuse").outcome == "success"
    history = client.get("/console/requests", params={"status": "all"})
    assert "填错了" in history.text and "已拒绝" in history.text and "已批准" in history.text
    # disabling the auditor: requested, the account stays active until approved
    r = client.post(f"/console/users/{AUDITOR_NAME}/disable", data={"csrf_token": token})
    assert r.status_code == 202 and "另一类三员管理员" in r.text
    assert api.get(f"/users/{AUDITOR_NAME}", actor=admin).json()["active"] is True


# -- grants -----------------------------------------------------------------------------------------------


@pytest.fixture
def resources(api: Api) -> dict[str, Any]:
    """A 一级 and a 三级 source of another department (交通运输局), and a data user of the root department."""
    api.bootstrap_admin()
    traffic = api.department("交通运输局")
    register_resource(api.platform, SYSTEM, "src:公交", owner_department_id=traffic, level=1)
    register_resource(api.platform, SYSTEM, "src:车辆", owner_department_id=traffic, level=3)
    register_resource(api.platform, SYSTEM, "src:人口", owner_department_id=api.root_id, level=1)
    return {"traffic": traffic, "grantee": api.user("qian.qi", Role.DATA_USER)}


def grant_fields(api: Api, token: str, **changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"csrf_token": token, "subject_kind": "user", "subject_user": "qian.qi",
                              "resource": "src:公交", "actions": ["read"], "purpose": "业务办理",
                              "scenario": "business", "valid_until": day(api, 30)}
    fields.update(changes)
    return fields


def test_secadmin_creates_and_revokes_a_grant(api: Api, resources: dict[str, Any]) -> None:
    client, token = logged_in(api, api.officer(Role.SECADMIN))
    assert 'href="/console/grants"' in client.get("/console/").text
    form = client.get("/console/grants/new")
    assert form.status_code == 200 and 'name="resource"' in form.text
    r = client.post("/console/grants", data=grant_fields(api, token, purpose=EVIL_PURPOSE,
                                                          actions=["read", "export"], masking_profile="手机号"))
    assert r.status_code == 303, r.text[-1500:]
    grant = int(r.headers["location"].rsplit("=", 1)[1])
    created = api.last("grant.create")
    assert created.outcome == "success" and api.details(created)["grant"] == grant
    listing = client.get(r.headers["location"])
    assert listing.status_code == 200 and f"已创建授权 #{grant}" in listing.text
    assert EVIL_PURPOSE not in listing.text and str(escape(EVIL_PURPOSE)) in listing.text
    assert "用户 qian.qi" in listing.text and "读取" in listing.text and "导出" in listing.text
    assert "生效中" in listing.text
    assert client.get("/console/grants", params={"q": "车辆"}).text.count('id="grant-') == 0
    # the 三级 guardrail: refused with its one-line message, the form keeps what was typed
    r = client.post("/console/grants", data=grant_fields(api, token, resource="src:车辆", purpose="跨部门核查"))
    assert r.status_code == 403 and 'role="alert"' in r.text and "主管部门" in r.text
    assert 'value="src:车辆"' in r.text and 'value="跨部门核查"' in r.text and 'value="qian.qi"' in r.text
    assert api.last("grant.create").outcome == "denied"
    # asked for the data authority's approval instead: created, awaiting it
    r = client.post("/console/grants", data=grant_fields(api, token, resource="src:车辆", await_authority="1"))
    assert r.status_code == 303
    assert "待主管部门审批" in client.get(r.headers["location"]).text
    # bad fields stay on the form
    for changes, field in (({"valid_until": "明天"}, "valid_until"), ({"row_filter": "{"}, "row_filter"),
                           ({"subject_user": "nobody.here"}, "subject_user"), ({"valid_until": ""}, "valid_until")):
        r = client.post("/console/grants", data=grant_fields(api, token, **changes))
        assert r.status_code in (400, 404) and 'role="alert"' in r.text, (field, r.status_code)
    # revoke with a reason
    r = client.post(f"/console/grants/{grant}/revoke", data={"csrf_token": token, "reason": "项目结束"})
    assert r.status_code == 303 and r.headers["location"] == f"/console/grants?revoked={grant}"
    revoked = api.last("grant.revoke")
    assert revoked.outcome == "success"
    assert api.details(revoked)["grant"] == grant and api.details(revoked)["reason"] == "项目结束"
    assert f'id="grant-{grant}"' not in client.get("/console/grants").text
    shown = client.get("/console/grants", params={"state": "revoked"})
    assert f'id="grant-{grant}"' in shown.text and "项目结束" in shown.text
    r = client.post(f"/console/grants/{grant}/revoke", data={"csrf_token": token, "reason": "again"})
    assert r.status_code == 409 and 'role="alert"' in r.text


def test_department_officer_grants_on_the_own_department_only(api: Api, resources: dict[str, Any]) -> None:
    officer = api.user("zhao.liu", Role.DEPT_SECURITY_OFFICER, department_id=resources["traffic"])
    client, token = logged_in(api, officer)
    # the root department's source: refused with the message, audited
    r = client.post("/console/grants", data=grant_fields(api, token, resource="src:人口", purpose="查人口"))
    assert r.status_code == 403 and 'role="alert"' in r.text and 'value="查人口"' in r.text
    denied = api.last("grant.create")
    assert denied.outcome == "denied" and denied.actor == "zhao.liu"
    # the own department's source: granted
    r = client.post("/console/grants", data=grant_fields(api, token))
    assert r.status_code == 303, r.text[-1500:]
    grant = int(r.headers["location"].rsplit("=", 1)[1])
    # the security administrator's grant on the root's source is not in the officer's list
    secadmin, sec_token = logged_in(api, api.officer(Role.SECADMIN))
    r = secadmin.post("/console/grants", data=grant_fields(api, sec_token, resource="src:人口"))
    assert r.status_code == 303
    other = int(r.headers["location"].rsplit("=", 1)[1])
    listing = client.get("/console/grants")
    assert f'id="grant-{grant}"' in listing.text and f'id="grant-{other}"' not in listing.text
    r = client.post(f"/console/grants/{other}/revoke", data={"csrf_token": token, "reason": "越权"})
    assert r.status_code == 403 and api.last("grant.revoke").outcome == "denied"


# -- refusals -----------------------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("GET", "/console/users", "user.list"),
    ("GET", "/console/users/new", "user.create"),
    ("POST", "/console/users", "user.create"),
    ("GET", "/console/users/li.si", "user.read"),
    ("POST", "/console/users/li.si/disable", "user.disable"),
    ("POST", "/console/users/li.si/enable", "user.enable"),
    ("POST", "/console/users/li.si/reset-password", "password.reset"),
    ("POST", "/console/users/li.si/reset-totp", "totp.reset"),
    ("POST", "/console/users/li.si/roles", "user.role_assign"),
    ("GET", "/console/requests", "admin_request.list"),
    ("POST", "/console/requests/1/approve", "admin_request.approve"),
    ("POST", "/console/requests/1/refuse", "admin_request.refuse"),
    ("GET", "/console/grants", "grant.list"),
    ("GET", "/console/grants/new", "grant.create"),
    ("POST", "/console/grants", "grant.create"),
    ("POST", "/console/grants/1/revoke", "grant.revoke"),
]


def test_a_data_user_is_refused_on_every_admin_page(api: Api) -> None:
    api.user("li.si", Role.DATA_USER)
    user = api.user("qian.qi", Role.DATA_USER)
    client, token = logged_in(api, user)
    home = client.get("/console/")
    assert all(f'href="{p}"' not in home.text for p in ("/console/users", "/console/requests", "/console/grants"))
    for method, path, action in ADMIN_PAGES:
        before = len(api.events(action))
        r = client.request(method, path, data={"csrf_token": token, "role": "sysadmin", "reason": "x"}
                           if method == "POST" else None)
        assert r.status_code == 403 and 'role="alert"' in r.text, (method, path, r.status_code)
        found = api.events(action)[before:]
        assert [e.outcome for e in found] == ["denied"], (path, [(e.action, e.outcome) for e in found])
        assert found[0].actor == "qian.qi"


def test_every_admin_post_needs_the_csrf_token(api: Api) -> None:
    client, _ = logged_in(api, api.bootstrap_admin())
    for method, path, _action in ADMIN_PAGES:
        if method != "POST":
            continue
        before = len(api.events("console.csrf"))
        r = client.post(path, data={"username": "x.y.z", "reason": "x"})
        assert r.status_code == 403 and "CSRF" in r.text, path
        assert [e.outcome for e in api.events("console.csrf")[before:]] == ["denied"], path
    assert not [e for e in api.events("user.create") if e.resource == "user:x.y.z"]


def test_admin_pages_have_labels_and_no_inline_code(api: Api, resources: dict[str, Any]) -> None:
    assert api.admin is not None
    admin_client, _ = logged_in(api, api.admin)
    sec_client, _ = logged_in(api, api.officer(Role.SECADMIN))
    pages = [(admin_client, p) for p in ("/console/users", "/console/users/new", "/console/users/qian.qi",
                                          "/console/requests")]
    pages += [(sec_client, p) for p in ("/console/grants", "/console/grants/new", "/console/requests")]
    for client, path in pages:
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[-1000:])
        assert "<script>" not in r.text and " style=" not in r.text and "onclick" not in r.text, path
        assert csrf_of(r.text)
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', r.text):
            assert f'for="{field_id}"' in r.text, (path, field_id)
