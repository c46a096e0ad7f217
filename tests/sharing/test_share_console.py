"""The console's share request pages: the form, the list with deadlines in China Standard Time and overdue
highlighted, the request page with its signed decisions and the buttons of the decisions a user may take."""

# ruff: noqa: F811 - the fixtures imported from tests.web.conftest and test_requests_api are parameters here

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from shuan.clock import utcnow
from shuan.identity.roles import Role
from shuan.sharing.models import ShareRequest
from tests.sharing.test_requests_api import Town, town  # noqa: F401 - fixture
from tests.web.conftest import (  # noqa: F401 - fixtures
    GOOD_PASSWORD,
    OFFICER_PASSWORD,
    Api,
    api,
    clock,
    fast_argon2,
    migrated_template,
    platform,
)
from tests.web.consolekit import browser, console_login


def test_request_and_decide_in_the_console(town: Town) -> None:
    t, api = town, town.api
    asker = browser(api)
    token = console_login(api, asker, t.asker)
    assert "共享申请" in asker.get("/console/").text  # the navigation entry

    page = asker.get(f"/console/share/new?entry={t.entry}")
    assert page.status_code == 200 and 'name="columns" value="姓名"' in page.text
    until = (utcnow() + timedelta(days=60)).date().isoformat()
    form = {
        "csrf_token": token,
        "entry": str(t.entry),
        "columns": ["姓名"],
        "purpose": "核验户籍",
        "scenario": "sharing",
        "valid_until": until,
        "legal_basis": "《社会救助暂行办法》",
    }
    r = asker.post("/console/share", data={**form, "scenario": "opening"})
    assert (
        r.status_code == 403 and 'role="alert"' in r.text and "社会开放" in r.text
    )  # the form again, with why
    r = asker.post("/console/share", data=form)
    assert r.status_code == 303, r.text
    rid = int(r.headers["location"].rsplit("/", 1)[1])
    page = asker.get(f"/console/share/{rid}")
    assert page.status_code == 200 and "待主管部门合规审核" in page.text and "撤回申请" in page.text
    assert "合规审核通过" not in page.text  # the requester has no decision to take
    listing = asker.get("/console/share")
    assert f'id="mine-{rid}"' in listing.text and "已超期" not in listing.text

    # the authority passes it, signing with its own password
    authority = browser(api)
    token_a = console_login(api, authority, t.authority)
    listing = authority.get("/console/share")
    assert f'id="awaiting-{rid}"' in listing.text
    page = authority.get(f"/console/share/{rid}")
    assert "合规审核通过" in page.text and 'type="password"' in page.text
    r = authority.post(
        f"/console/share/{rid}/authority-check",
        data={"csrf_token": token_a, "outcome": "pass", "signing_password": "wrong-password-1"},
    )
    assert r.status_code == 303 and r.headers["location"].startswith(
        "/console/login"
    )  # a wrong password is a 401
    token_a = console_login(api, authority, api.relogin(t.authority))
    r = authority.post(
        f"/console/share/{rid}/authority-check",
        data={"csrf_token": token_a, "outcome": "pass", "signing_password": OFFICER_PASSWORD},
    )
    assert r.status_code == 200 and "待提供方审核" in r.text and "验证通过" in r.text, r.text[:2000]

    # the provider approves
    officer = browser(api)
    token_o = console_login(api, officer, t.officer)
    page = officer.get(f"/console/share/{rid}")
    assert "批准共享" in page.text
    r = officer.post(
        f"/console/share/{rid}/review",
        data={
            "csrf_token": token_o,
            "outcome": "approve",
            "row_filter": "not json",
            "signing_password": GOOD_PASSWORD,
        },
    )
    assert r.status_code == 400 and 'role="alert"' in r.text
    r = officer.post(
        f"/console/share/{rid}/review",
        data={"csrf_token": token_o, "outcome": "approve", "signing_password": GOOD_PASSWORD},
    )
    assert r.status_code == 200 and "已批准" in r.text and r.text.count("验证通过") == 2, r.text[:2000]
    assert "撤销共享" in r.text

    # a data user of another department sees nothing of it
    outsider = browser(api)
    token_x = console_login(api, outsider, t.outsider)
    assert outsider.get(f"/console/share/{rid}").status_code == 404
    r = outsider.post(f"/console/share/{rid}/withdraw", data={"csrf_token": token_x})
    assert r.status_code == 404
    r = outsider.post(
        f"/console/share/{rid}/revoke", data={"csrf_token": token_x, "reasons": "x", "signing_password": "x"}
    )
    assert r.status_code == 403 and api.last("share.revoke").outcome == "denied"


def test_overdue_requests_are_highlighted(town: Town) -> None:
    t, api = town, town.api
    r = api.post(
        "/share-requests",
        actor=t.asker,
        json={
            "entry_id": t.entry,
            "purpose": "核验",
            "scenario": "sharing",
            "columns": [],
            "valid_until": (api.clock.now() + timedelta(days=30)).isoformat(),
            "legal_basis": "依据",
        },
    )
    rid = r.json()["id"]
    with api.platform.store.transaction() as s:
        s.execute(
            update(ShareRequest).where(ShareRequest.id == rid).values(due_at=utcnow() - timedelta(days=1))
        )
    client = browser(api)
    console_login(api, client, t.asker)
    listing = client.get("/console/share")
    row = re.search(rf'<tr id="mine-{rid}">(.*?)</tr>', listing.text, re.S)
    assert row and "已超期" in row.group(1) and 'class="badge"' in row.group(1)
    assert "已超期" in client.get(f"/console/share/{rid}").text
    assert "<script>" not in listing.text.split("</head>")[1]  # no inline script (CSP)


def test_console_form_without_an_entry(api: Api) -> None:
    api.bootstrap_admin()
    user = api.user("zhang.san", Role.DATA_USER)
    client = browser(api)
    token = console_login(api, client, user)
    page = client.get("/console/share/new")
    assert page.status_code == 200 and 'name="entry"' in page.text
    assert client.get("/console/share/new?entry=42").status_code == 404
    assert client.get("/console/share/new?entry=abc").status_code == 400
    r = client.post("/console/share", data={"csrf_token": token, "entry": "42"})
    assert r.status_code == 400 and 'role="alert"' in r.text  # no end date: the field is named
    until = (utcnow() + timedelta(days=9)).date().isoformat()
    r = client.post(
        "/console/share",
        data={
            "csrf_token": token,
            "entry": "42",
            "purpose": "x",
            "scenario": "sharing",
            "valid_until": until,
            "legal_basis": "x",
        },
    )
    assert r.status_code == 404 and 'role="alert"' in r.text and 'name="entry"' in r.text
