"""The console's own-account pages: a first login finished in the browser (one-time password → new password →
TOTP enrolment for the roles that need it), the refusals shown on the forms, the CSRF token on every POST,
the audit events, and the account page of a full session."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from markupsafe import escape

from shuan.identity.roles import Role
from shuan.identity.totp import code_at, time_step
from shuan.messages import msg
from tests.web.conftest import GOOD_PASSWORD, Actor, Api
from tests.web.consolekit import browser, console_login, csrf_of

SECRET_RE = re.compile(r'id="totp_secret">([A-Z2-7 ]+)</code>')
NAV = 'aria-label="主导航"'
NEW_PASSWORD = "Another-Horse-77"


def new_account(api: Api, username: str, role: Role) -> str:
    """An account created by the system administrator; returns its one-time password."""
    admin = api.admin or api.bootstrap_admin()
    r = api.post("/users", actor=admin, json={"username": username, "display_name": "张三",
                                              "department_id": api.root_id, "roles": [role.value]})
    assert r.status_code == 201, r.text
    secret: str = r.json()["one_time_secret"]
    return secret


def start_login(client: TestClient, username: str, password: str) -> str:
    """The console's login form with a password: where the browser is sent next."""
    page = client.get("/console/login")
    r = client.post("/console/login", data={"username": username, "password": password,
                                            "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303, r.text
    location: str = r.headers["location"]
    return location


def scraped_secret(html: str) -> str:
    found = SECRET_RE.search(html)
    assert found, html[-3000:]
    return found.group(1).replace(" ", "")


def wrong_code(api: Api, secret: str) -> str:
    """A well-formed code that matches none of the steps the service accepts now."""
    step = time_step(api.clock.now())
    near = {code_at(secret, s) for s in range(step - 2, step + 3)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in near)


def assert_form_error(r: Response, status: int, message: str) -> None:
    assert r.status_code == status, (status, r.status_code, r.text[-1500:])
    assert 'role="alert"' in r.text and str(escape(message)) in r.text, r.text[-1500:]


def assert_csp_clean(html: str) -> None:
    """Nothing the console's CSP would block: no inline script, style element or style attribute."""
    assert "<script>" not in html and "<style" not in html and " style=" not in html and "onload" not in html


@pytest.mark.parametrize(("role", "enrols"), [(Role.STEWARD, True), (Role.DATA_USER, False)])
def test_first_login_is_finished_in_the_console(api: Api, role: Role, enrols: bool) -> None:
    one_time = new_account(api, "zhao.liu", role)
    client = browser(api)
    assert start_login(client, "zhao.liu", one_time) == "/console/account/password"
    # a session at the password step reaches no other page: each sends it back to its step
    for path in ("/console/", "/console/inventory", "/console/account", "/console/account/totp"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/console/account/password", path
    page = client.get("/console/account/password")
    assert page.status_code == 200
    assert NAV not in page.text and 'action="/console/logout"' in page.text  # no navigation, a way out
    for field in ('autocomplete="current-password"', 'autocomplete="new-password"', 'for="current_password"',
                  'for="new_password"', 'for="repeat_password"'):
        assert field in page.text, field
    assert_csp_clean(page.text)
    r = client.post("/console/account/password", data={
        "current_password": one_time, "new_password": GOOD_PASSWORD, "repeat_password": GOOD_PASSWORD,
        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303
    changed = api.last("password.change")
    assert changed.actor == "zhao.liu" and changed.outcome == "success"
    totp_secret = None
    if enrols:
        assert r.headers["location"] == "/console/account/totp"
        assert client.get("/console/").headers["location"] == "/console/account/totp"
        assert client.get("/console/account/password").headers["location"] == "/console/account/totp"
        page = client.get("/console/account/totp")
        assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
        assert "<svg" in page.text and 'role="img"' in page.text and NAV not in page.text
        assert 'autocomplete="one-time-code"' in page.text and 'for="code"' in page.text
        assert_csp_clean(page.text)
        assert api.last("totp.enroll_begin").actor == "zhao.liu"
        totp_secret = scraped_secret(page.text)
        assert len(totp_secret) == 32 and pyotp.TOTP(totp_secret).now().isdigit()
        r = client.post("/console/account/totp", data={"code": api.clock.fresh_code(totp_secret),
                                                       "csrf_token": csrf_of(page.text)})
        assert r.status_code == 303
        enrolled = api.last("totp.enroll")
        assert enrolled.actor == "zhao.liu" and enrolled.outcome == "success"
    assert r.headers["location"] == "/console/"
    home = client.get("/console/")
    assert home.status_code == 200 and NAV in home.text and "zhao.liu" in home.text
    # the next login needs the new password (and the enrolled authenticator)
    again = browser(api)
    console_login(api, again, Actor("zhao.liu", GOOD_PASSWORD, "", 0, totp_secret))


def test_password_refusals_are_shown_on_the_form(api: Api) -> None:
    one_time = new_account(api, "sun.ba", Role.DATA_USER)
    client = browser(api)
    start_login(client, "sun.ba", one_time)
    token = csrf_of(client.get("/console/account/password").text)
    minimum = api.platform.settings.password_min_length
    cases = [  # (current, new, repeat, status, message)
        ("Wrong-Passw0rd!", GOOD_PASSWORD, GOOD_PASSWORD, 401, msg("identity.bad_current_password")),
        (one_time, GOOD_PASSWORD, GOOD_PASSWORD + "x", 400, msg("console.account_password_mismatch")),
        (one_time, "Sh0rt!", "Sh0rt!", 400, msg("identity.password_too_short", min=minimum)),
        (one_time, "onlylowercaseletters", "onlylowercaseletters", 400, msg("identity.password_classes")),
        (one_time, "Sun.Ba-Passw0rd", "Sun.Ba-Passw0rd", 400, msg("identity.password_username")),
    ]
    for current, new, repeat, status, message in cases:
        r = client.post("/console/account/password", data={
            "current_password": current, "new_password": new, "repeat_password": repeat, "csrf_token": token})
        assert_form_error(r, status, message)
        assert new not in r.text and current not in r.text  # no password is echoed back
        assert csrf_of(r.text) == token and NAV not in r.text
        # nothing changed: the session is still at the password step
        assert client.get("/console/").headers["location"] == "/console/account/password"
    # each refusal of the service is in the log; the mismatch is caught before the service is called
    outcomes = [e.outcome for e in api.events("password.change") if e.actor == "sun.ba"]
    assert outcomes == ["failure"] * (len(cases) - 1), outcomes


def test_a_wrong_code_keeps_the_pending_secret(api: Api) -> None:
    one_time = new_account(api, "zhou.jiu", Role.STEWARD)
    client = browser(api)
    start_login(client, "zhou.jiu", one_time)
    page = client.get("/console/account/password")
    r = client.post("/console/account/password", data={
        "current_password": one_time, "new_password": GOOD_PASSWORD, "repeat_password": GOOD_PASSWORD,
        "csrf_token": csrf_of(page.text)})
    assert r.headers["location"] == "/console/account/totp"
    page = client.get("/console/account/totp")
    secret = scraped_secret(page.text)
    token = csrf_of(page.text)
    for code in (wrong_code(api, secret), "12ab56", ""):
        r = client.post("/console/account/totp", data={"code": code, "csrf_token": token})
        assert_form_error(r, 401, msg("identity.totp_invalid"))
        # the secret is not shown again; the form offers a new one instead
        assert "<svg" not in r.text and secret not in r.text.replace(" ", "")
        assert 'href="/console/account/totp"' in r.text and r.headers["cache-control"] == "no-store"
    assert client.get("/console/").headers["location"] == "/console/account/totp"
    # the code of the secret that was shown confirms it: a failed attempt did not replace it
    r = client.post("/console/account/totp", data={"code": api.clock.fresh_code(secret), "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    assert client.get("/console/").status_code == 200


@pytest.mark.parametrize("token", ["missing", "foreign", "garbage"])
def test_account_posts_need_the_csrf_token(api: Api, token: str) -> None:
    one_time = new_account(api, "wu.shi", Role.STEWARD)
    client = browser(api)
    start_login(client, "wu.shi", one_time)
    other = browser(api)
    foreign = console_login(api, other, api.user("zheng.yi", Role.DATA_USER))
    sent = {"missing": {}, "foreign": {"csrf_token": foreign}, "garbage": {"csrf_token": "0" * 64}}[token]
    change = {"current_password": one_time, "new_password": GOOD_PASSWORD, "repeat_password": GOOD_PASSWORD}
    before = len(api.events("console.csrf"))
    r = client.post("/console/account/password", data={**change, **sent})
    assert r.status_code == 403 and "CSRF" in r.text and 'role="alert"' in r.text
    assert len(api.events("console.csrf")) == before + 1 and api.last("console.csrf").outcome == "denied"
    assert not [e for e in api.events("password.change") if e.actor == "wu.shi"]
    assert client.get("/console/").headers["location"] == "/console/account/password"
    # past the password step, the enrolment is refused without the token too
    page = client.get("/console/account/password")
    r = client.post("/console/account/password", data={**change, "csrf_token": csrf_of(page.text)})
    assert r.headers["location"] == "/console/account/totp"
    secret = scraped_secret(client.get("/console/account/totp").text)
    r = client.post("/console/account/totp", data={"code": api.clock.fresh_code(secret), **sent})
    assert r.status_code == 403 and "CSRF" in r.text
    assert len(api.events("console.csrf")) == before + 2
    assert not [e for e in api.events("totp.enroll") if e.actor == "wu.shi"]
    assert client.get("/console/").headers["location"] == "/console/account/totp"


def test_a_session_at_another_step_is_sent_to_it(api: Api) -> None:
    steward = api.user("qian.er", Role.STEWARD)  # enrolled: the password alone leaves the session at MFA
    client = browser(api)
    assert start_login(client, steward.username, steward.password) == "/console/mfa"
    for path in ("/console/account", "/console/account/password", "/console/account/totp"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/console/mfa", path
    anonymous = browser(api)
    for path in ("/console/account", "/console/account/password", "/console/account/totp"):
        r = anonymous.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/console/login"), path


def test_the_account_page_of_a_full_session(api: Api) -> None:
    user = api.user("li.er", Role.DATA_USER)
    client = browser(api)
    console_login(api, client, user)
    page = client.get("/console/account")
    assert page.status_code == 200 and NAV in page.text and 'href="/console/account"' in page.text
    for text in ("li.er", "数据使用者", "市大数据局", msg("console.account_totp_off")):
        assert text in page.text, text
    assert 'href="/console/account/password"' in page.text and 'href="/console/account/totp"' in page.text
    # an enrolled user is offered no second enrolment, and the page refuses one
    steward = api.user("chen.san", Role.STEWARD)
    other = browser(api)
    console_login(api, other, steward)
    page = other.get("/console/account")
    assert "数据管理员" in page.text and msg("console.account_totp_on") in page.text
    assert 'href="/console/account/totp"' not in page.text
    refused = other.get("/console/account/totp")
    assert_form_error(refused, 409, msg("identity.totp_enrolled"))


def test_a_full_session_changes_its_password_and_enrols(api: Api) -> None:
    user = api.user("jiang.wu", Role.DATA_USER)
    client = browser(api)
    console_login(api, client, user)
    page = client.get("/console/account/password")
    assert page.status_code == 200 and NAV in page.text and 'href="/console/account"' in page.text
    r = client.post("/console/account/password", data={
        "current_password": user.password, "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
        "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/account?changed=password"
    done = client.get(r.headers["location"])
    assert done.status_code == 200 and msg("console.account_password_changed") in done.text
    assert api.last("password.change").actor == "jiang.wu"
    # the session went on; the user's other sessions (the API login of the fixture) ended
    assert api.get("/me/tokens", actor=user).status_code == 401
    # a data user may enrol an authenticator of their own accord
    page = client.get("/console/account/totp")
    assert page.status_code == 200 and NAV in page.text
    secret = scraped_secret(page.text)
    r = client.post("/console/account/totp", data={"code": api.clock.fresh_code(secret),
                                                   "csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/"
    assert api.last("totp.enroll").actor == "jiang.wu"
    console_login(api, browser(api), Actor("jiang.wu", NEW_PASSWORD, "", 0, secret))


def test_a_session_still_logging_in_can_log_out(api: Api) -> None:
    one_time = new_account(api, "he.qi", Role.DATA_USER)
    client = browser(api)
    start_login(client, "he.qi", one_time)
    page = client.get("/console/account/password")
    assert "he.qi" in page.text
    r = client.post("/console/logout", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 303 and r.headers["location"] == "/console/login"
    assert client.get("/console/account/password").headers["location"].startswith("/console/login")
