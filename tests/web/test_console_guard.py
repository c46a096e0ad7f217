"""Every console route is guarded, walked from the app's route table so a new route cannot be forgotten:
anonymous → redirect to the login page; a 数据使用者 → 403 on the pages of administrators, auditors and
inventory staff (with a valid CSRF token on POSTs, so the refusal is the permission's, not the token's)."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute, iter_route_contexts

from shuan.identity.roles import Role
from shuan.web.app import create_app
from tests.web.conftest import Api
from tests.web.consolekit import browser, console_login

PUBLIC = {("GET", "/console/login"), ("POST", "/console/login")}
#: open to every full session (their content depends on the roles)
ANY_USER = {("GET", "/console/"), ("POST", "/console/logout"), ("GET", "/console/mfa"), ("POST", "/console/mfa"),
            ("GET", "/console/sources"), ("GET", "/console/notifications"), ("GET", "/console/services"),
            ("GET", "/console/protect"), ("GET", "/console/protect/profiles"), ("GET", "/console/protect/release"),
            ("GET", "/console/catalog"), ("GET", "/console/catalog/export"), ("GET", "/console/share"),
            ("GET", "/console/share/new")}
#: forms open to every full session (the release check of an uploaded file): POSTs need the CSRF token and a file
ANY_USER_FORMS = {("POST", "/console/protect/release"), ("POST", "/console/protect/release/check")}
#: open to every full session for the objects the user may see (the own department's sources, the own
#: notifications): for an object that is not there, or not theirs, the refusal is the service's (404/403)
ANY_USER_OBJECT = {("GET", "/console/sources/{source_id}"), ("GET", "/console/sources/{source_id}/progress"),
                   ("POST", "/console/notifications/{notification_id}/read"),
                   ("GET", "/console/services/{service}"), ("POST", "/console/services/{service}/call"),
                   ("GET", "/console/catalog/{entry_id}"),
                   # share requests: submitting (no entry named: 404), a request, withdrawing and renewing one
                   ("POST", "/console/share"), ("GET", "/console/share/{request_id}"),
                   ("POST", "/console/share/{request_id}/withdraw"), ("POST", "/console/share/{request_id}/renew")}
#: the own account (pages_account.py): open to every full session, and to a session still logging in at the
#: step the page is for (PASSWORD: the password page; ENROLL: the TOTP page); POSTs need the CSRF token
SELF_SERVICE = {("GET", "/console/account"), ("GET", "/console/account/password"),
                ("POST", "/console/account/password"), ("GET", "/console/account/totp"),
                ("POST", "/console/account/totp")}
PARAMS = {"table_id": "1", "source_id": "1", "notification_id": "1", "service": "no-such-service",
          # the administration pages refuse a 数据使用者 before they look the account, request or grant up
          "username": "nobody.here", "grant_id": "1", "request_id": "1",
          # the protect pages refuse a 数据使用者 before they look the masking run or the extract up
          "run_id": "0123456789abcdef", "extract_id": "1",
          # the catalogue's pages that change entries refuse a 数据使用者 before they look the entry up
          "entry_id": "1"}
#: the administration pages (pages_admin.py): guarded, a 数据使用者 is refused with an audited denial
ADMIN = {("GET", "/console/users"), ("GET", "/console/users/new"), ("POST", "/console/users"),
         ("GET", "/console/users/{username}"), ("POST", "/console/users/{username}/disable"),
         ("POST", "/console/users/{username}/enable"), ("POST", "/console/users/{username}/reset-password"),
         ("POST", "/console/users/{username}/reset-totp"), ("POST", "/console/users/{username}/roles"),
         ("GET", "/console/requests"), ("POST", "/console/requests/{request_id}/approve"),
         ("POST", "/console/requests/{request_id}/refuse"), ("GET", "/console/grants"),
         ("GET", "/console/grants/new"), ("POST", "/console/grants"), ("POST", "/console/grants/{grant_id}/revoke")}


def console_routes() -> list[tuple[str, str]]:
    out = []
    for route in iter_route_contexts(create_app().routes):
        if isinstance(route.original_route, APIRoute) and route.path and route.path.startswith("/console"):
            for method in sorted(route.methods or ()):
                out.append((method, route.path))
    assert len(out) >= 10
    return out


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def test_anonymous_is_sent_to_login(api: Api) -> None:
    client = browser(api)
    for method, path in console_routes():
        if (method, path) in PUBLIC:
            continue
        r = client.request(method, concrete(path), data={})
        assert r.status_code == 303, (method, path, r.status_code)
        assert r.headers["location"].startswith("/console/login"), (method, path)
    assert client.get("/console/login").status_code == 200


def test_garbage_session_is_sent_to_login_and_cleared(api: Api) -> None:
    client = browser(api)
    client.cookies.set("shuan_console", "x" * 43)
    r = client.get("/console/inventory")
    assert r.status_code == 303 and r.headers["location"] == "/console/login?why=ended"
    assert 'shuan_console=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    assert api.last("auth.session_invalid").outcome in ("failure", "denied")


def test_data_user_is_refused_on_the_guarded_pages(api: Api) -> None:
    user = api.user("qian.qi", Role.DATA_USER)
    client = browser(api)
    token = console_login(api, client, user)
    guarded = [(m, p) for m, p in console_routes()
               if (m, p) not in PUBLIC | ANY_USER | ANY_USER_OBJECT | SELF_SERVICE | ANY_USER_FORMS]
    assert ("GET", "/console/audit") in guarded and ("POST", "/console/audit/verify") in guarded
    assert ADMIN <= set(guarded), ADMIN - set(guarded)
    for method, path in guarded:
        denied_before = len([e for e in api.events() if e.outcome == "denied"])
        r = client.request(method, concrete(path), data={"csrf_token": token} if method == "POST" else None)
        assert r.status_code == 403, (method, path, r.status_code, r.text[:300])
        assert 'role="alert"' in r.text
        assert len([e for e in api.events() if e.outcome == "denied"]) == denied_before + 1, (method, path)
    for method, path in ANY_USER - {("POST", "/console/logout"), ("GET", "/console/mfa"), ("POST", "/console/mfa")}:
        assert client.request(method, path).status_code == 200, (method, path)
    for method, path in SELF_SERVICE:  # a 数据使用者 has no TOTP: the enrolment page is theirs too
        if method == "GET":
            assert client.get(path).status_code == 200, path
    for method, path in ANY_USER_FORMS:  # the form without its file: a one-line error, nothing refused
        r = client.post(path, data={"csrf_token": token})
        assert r.status_code == 400 and 'role="alert"' in r.text, (method, path, r.status_code)
    for method, path in ANY_USER_OBJECT:  # nothing of that id exists here
        r = client.request(method, concrete(path), data={"csrf_token": token} if method == "POST" else None)
        assert r.status_code == 404 and 'role="alert"' in r.text, (method, path, r.status_code)
