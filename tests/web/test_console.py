"""The web console: login with password + TOTP, cookie flags, CSP, CSRF, escaping, review, audit verify."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import escape

from shuan.identity.roles import Role
from shuan.inventory.review import column_history
from shuan.web.middleware import CONSOLE_CSP
from tests.web.conftest import Api
from tests.web.consolekit import (
    EVIL_COLUMN,
    EVIL_TABLE,
    browser,
    console_login,
    csrf_of,
    principal,
    registered_evil_source,
)
from tests.web.test_console_guard import concrete, console_routes


def test_login_with_password_and_totp_sets_a_strict_cookie(api: Api) -> None:
    secadmin = api.officer(Role.SECADMIN)
    client = browser(api)
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": secadmin.username, "password": secadmin.password,
                                            "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/mfa"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("shuan_console=")
    for flag in ("HttpOnly", "Path=/console", "SameSite=strict", "Secure"):
        assert flag.lower() in cookie.lower(), cookie
    # the MFA-stage session reaches no page
    assert client.get("/console/inventory").headers["location"] == "/console/mfa"
    mfa = client.get("/console/mfa")
    r = client.post("/console/mfa", data={"code": "000000", "csrf_token": csrf_of(mfa.text)})
    assert r.status_code == 401 and "动态口令" in r.text
    first = client.cookies.get("shuan_console")
    r = client.post("/console/mfa", data={"code": api.clock.fresh_code(secadmin.totp_secret or ""),
                                          "csrf_token": csrf_of(mfa.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    assert client.cookies.get("shuan_console") != first  # the session id is replaced after the second factor
    home = client.get("/console/")
    assert home.status_code == 200 and secadmin.username in home.text and "总览" in home.text
    assert api.last("auth.mfa").actor == secadmin.username


def test_wrong_password_is_a_page_not_a_session(api: Api) -> None:
    api.bootstrap_admin()
    client = browser(api)
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": "root.admin", "password": "wrong-password",
                                            "csrf_token": csrf_of(page.text)})
    assert r.status_code == 401 and "shuan_console=" not in r.headers.get("set-cookie", "")
    assert "用户名或密码" in r.text or "密码" in r.text


def test_logout_ends_the_session(api: Api) -> None:
    user = api.user("zhang.san", Role.DATA_USER)
    client = browser(api)
    token = console_login(api, client, user)
    old = client.cookies.get("shuan_console")
    r = client.post("/console/logout", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/login"
    replay = browser(api)
    replay.cookies.set("shuan_console", old or "")
    r = replay.get("/console/")
    assert r.status_code == 303 and r.headers["location"].startswith("/console/login")


def test_console_pages_send_a_strict_csp(api: Api) -> None:
    r = browser(api).get("/console/login")
    csp = r.headers["content-security-policy"]
    assert csp == CONSOLE_CSP
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "<script>" not in r.text and " style=" not in r.text and "onclick" not in r.text
    assert r.headers["x-frame-options"] == "DENY"
    # the API keeps its own policy
    assert browser(api).get("/api/v1/health").headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_every_post_needs_the_csrf_token(api: Api) -> None:
    """Every POST route from the route table: without the token, or with another session's, 403 + audit."""
    user = api.user("li.si", Role.DATA_USER)
    client = browser(api)
    good = console_login(api, client, user)
    other = browser(api)
    foreign = console_login(api, other, api.user("wang.wu", Role.DATA_USER))
    assert foreign != good
    posts = [p for m, p in console_routes() if m == "POST"]
    assert {"/console/login", "/console/logout", "/console/audit/verify"} <= set(posts)
    for path in posts:
        for data in ({}, {"csrf_token": foreign}, {"csrf_token": "0" * 64}):
            before = len(api.events("console.csrf"))
            r = client.post(concrete(path), data=data)
            if path == "/console/mfa":  # a full session is past the TOTP step: it is refused before the token
                assert r.status_code in (303, 403), (path, r.status_code)
                continue
            assert r.status_code == 403, (path, data, r.status_code, r.text[:300])
            assert "CSRF" in r.text
            events = api.events("console.csrf")
            assert len(events) == before + 1, path
            assert events[-1].outcome == "denied"
    # the session was not ended by the refused logout
    assert client.get("/console/").status_code == 200


def test_script_like_names_are_escaped_everywhere(api: Api, tmp_path: Path) -> None:
    found = registered_evil_source(api, tmp_path)
    client = browser(api)
    console_login(api, client, found["secadmin"])
    listing = client.get("/console/inventory")
    assert listing.status_code == 200
    search = client.get("/console/inventory", params={"q": "onerror"})
    assert search.status_code == 200
    m = re.search(r'href="/console/tables/(\d+)"', search.text)
    assert m, search.text[-2000:]
    detail = client.get(f"/console/tables/{m.group(1)}")
    assert detail.status_code == 200
    home = client.get("/console/")
    for page in (listing, search, detail, home):
        assert "<script>alert" not in page.text and "<img src=x" not in page.text and "<b>x" not in page.text
    assert str(escape(EVIL_TABLE)) in listing.text and str(escape(EVIL_TABLE)) in detail.text
    assert str(escape(EVIL_COLUMN)) in detail.text
    # a script-like search term is echoed escaped too
    echo = client.get("/console/inventory", params={"q": '"><script>x()</script>'})
    assert "<script>x()" not in echo.text and "&lt;script&gt;x()" in echo.text


def test_inventory_filters_and_htmx_partial(api: Api, tmp_path: Path) -> None:
    found = registered_evil_source(api, tmp_path)
    client = browser(api)
    console_login(api, client, found["secadmin"])
    assert "共 1 张表" in client.get("/console/inventory", params={"type": "cn_mobile"}).text
    assert "共 0 张表" in client.get("/console/inventory", params={"type": "cn_resident_id"}).text
    assert "共 0 张表" in client.get("/console/inventory", params={"q": "no-such-name"}).text
    assert "共 1 张表" in client.get("/console/inventory", params={"department": str(api.root_id)}).text
    assert "共 0 张表" in client.get("/console/inventory", params={"department": "0"}).text
    partial = client.get("/console/inventory", headers={"HX-Request": "true", "HX-Target": "results"})
    assert partial.status_code == 200 and "<html" not in partial.text and "共 1 张表" in partial.text
    bad = client.get("/console/inventory", params={"level": "x"})
    assert bad.status_code == 400


def test_review_through_the_form(api: Api, tmp_path: Path) -> None:
    found = registered_evil_source(api, tmp_path)
    client = browser(api)
    console_login(api, client, found["secadmin"])
    listing = client.get("/console/inventory")
    table_id = re.search(r'href="/console/tables/(\d+)"', listing.text).group(1)  # type: ignore[union-attr]
    page = client.get(f"/console/tables/{table_id}")
    token = csrf_of(page.text)
    r = client.post(f"/console/tables/{table_id}/review", data={
        "csrf_token": token, "column": "备注", "decision": "override", "level": "2", "types": "",
        "reason": "备注含个人信息"})
    assert r.status_code == 200, r.text[-1500:]
    assert "已记录复核" in r.text
    history = column_history(api.platform, actor=principal(api, found["secadmin"]),
                             source_record_id=found["scan"].scan_id and _source_record(api), table=EVIL_TABLE)
    assert [(h.column, h.decision, h.level) for h in history] == [("备注", "override", 2)]
    # a refused review shows the one-line error (confirm with a level is malformed)
    r = client.post(f"/console/tables/{table_id}/review", data={
        "csrf_token": token, "column": "备注", "decision": "confirm", "level": "2", "reason": "x"})
    assert r.status_code == 400 and 'role="alert"' in r.text


def _source_record(api: Api) -> int:
    from sqlalchemy import select

    from shuan.inventory.models import RegisteredSource

    with api.platform.store.sessions() as s:
        found = s.scalar(select(RegisteredSource.source_record_id).where(RegisteredSource.name == "evil"))
    assert found is not None
    return int(found)


def test_data_user_cannot_review_or_browse(api: Api, tmp_path: Path) -> None:
    found = registered_evil_source(api, tmp_path)
    user = api.user("zhao.liu", Role.DATA_USER)
    client = browser(api)
    token = console_login(api, client, user)
    before = len(api.events("console.inventory"))
    assert client.get("/console/inventory").status_code == 403
    r = client.post(f"/console/tables/{found['scan'].scan_id}/review",
                    data={"csrf_token": token, "column": "备注", "decision": "confirm", "reason": "x"})
    assert r.status_code == 403
    assert len(api.events("console.inventory")) == before + 2
    assert "分类分级清单" in client.get("/console/").text  # the dashboard says why there are no statistics


def test_auditor_reads_and_verifies_the_log(api: Api) -> None:
    auditor = api.officer(Role.AUDITOR)
    client = browser(api)
    token = console_login(api, client, auditor)
    page = client.get("/console/audit", params={"action": "auth."})
    assert page.status_code == 200 and "auth.login" in page.text
    r = client.post("/console/audit/verify", data={"csrf_token": token})
    assert r.status_code == 200 and "日志链完整" in r.text, r.text[-1000:]
    assert api.last("audit.verify").outcome == "success"


def test_reviewed_level_is_listed_sorted_and_filtered(api: Api, tmp_path: Path) -> None:
    found = registered_evil_source(api, tmp_path)
    client = browser(api)
    console_login(api, client, found["secadmin"])
    listing = client.get("/console/inventory", params={"level": "3"})
    assert "/console/tables/" not in listing.text  # as scanned: 二级 (a phone column)
    table_id = re.search(r'href="/console/tables/(\d+)"', client.get("/console/inventory").text).group(1)  # type: ignore[union-attr]
    token = csrf_of(client.get(f"/console/tables/{table_id}").text)
    r = client.post(f"/console/tables/{table_id}/review", data={
        "csrf_token": token, "column": "手机号", "decision": "override", "level": "3", "types": "cn_mobile",
        "reason": "与身份证号关联，按三级管理"})
    assert r.status_code == 200, r.text[-1500:]
    for level, listed in (("3", True), ("2", False)):
        page = client.get("/console/inventory", params={"level": level})
        assert (f'href="/console/tables/{table_id}"' in page.text) is listed, level
    assert "三级" in client.get("/console/inventory", params={"level": "3"}).text
