"""Hostile strings in every field of users, departments, grants (and the rest): SQL, HTML/script,
template syntax, control characters, bidi overrides, 10k-character strings, unicode. Each is refused
with a 4xx problem or stored verbatim and returned as JSON — never a 5xx, never interpreted."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest

from shuan.identity.roles import Role
from tests.web.conftest import API, Actor, Api

PAYLOADS = [
    "'; DROP TABLE users; --",
    '" OR "1"="1',
    "1; SELECT pg_sleep(10)",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(document.cookie)>",
    "{{7*7}}${7*7}#{7*7}",
    "../../../../etc/passwd",
    "%00%0d%0aSet-Cookie: a=b",
    "a\x00b",
    "line\r\nX-Injected: 1",
    "\x1b[31mred\x1b[0m",
    "evil\u202etxt.exe",
    "zero\u200bwidth",
    "x" * 10_000,
    "公安局·户政科（一）",
    "Ω≈ç√∫ 🔒 数据",
    "e\u0301",  # a combining accent
    " padded ",
    "",
]


def check(response: Any, sent: str | None = None, echoed: str | None = None) -> bool:
    """4xx problem, or 2xx JSON; True when the value was accepted."""
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        doc = response.json()
        assert doc["detail"] and "\n" not in doc["detail"] and "\r" not in doc["detail"]
        return False
    assert response.headers["content-type"].startswith(("application/json", "application/x-tar"))
    assert "\x00" not in response.text and "\x1b" not in response.text  # control characters travel escaped
    if sent is not None and echoed is not None:
        # verbatim (identity names are NFC-normalised and trimmed)
        assert echoed in (sent, unicodedata.normalize("NFC", sent).strip()), (sent[:40], echoed[:40])
    return True


@pytest.fixture
def world(api: Api) -> tuple[Actor, Actor, str]:
    admin = api.bootstrap_admin()
    sec = api.user("an.quan", Role.SECADMIN)
    token = api.token(sec)
    r = api.post("/resources", token=token, json={"path": "src:公安", "owner_department_id": api.root_id,
                                                  "level": 1})
    assert r.status_code == 201
    return admin, sec, token


def test_departments(api: Api, world: tuple[Actor, Actor, str]) -> None:
    admin, _, _ = world
    accepted = 0
    for value in PAYLOADS:
        r = api.post("/departments", actor=admin, json={"name": value, "parent_id": api.root_id})
        if check(r, value, r.json().get("name") if r.status_code < 300 else None):
            accepted += 1
            dept = r.json()
            again = api.get(f"/departments/{dept['id']}", actor=admin).json()
            assert again["name"] == dept["name"]
            assert check(api.post(f"/departments/{dept['id']}/rename", actor=admin,
                                  json={"name": value + "·改"}), value + "·改", None) in (True, False)
    assert accepted >= 8  # SQL, HTML, templates, paths and unicode are just names
    names = [d["name"] for d in api.get("/departments", actor=admin).json()]
    assert "<script>alert(1)</script>·改" in names and "'; DROP TABLE users; --·改" in names
    assert not any("\x00" in n or "\u202e" in n for n in names)


def test_users(api: Api, world: tuple[Actor, Actor, str]) -> None:
    admin, _, _ = world
    for i, value in enumerate(PAYLOADS):
        r = api.post("/users", actor=admin, json={"username": value, "display_name": "x", "department_id": 1})
        check(r)
        r = api.post("/users", actor=admin, json={"username": f"user.{i}", "display_name": value,
                                                  "department_id": api.root_id, "vendor_name": value})
        check(r)
        r = api.post("/users", actor=admin, json={"username": f"vendor.{i}", "display_name": value,
                                                  "department_id": api.root_id, "roles": ["vendor"],
                                                  "vendor_name": value,
                                                  "vendor_until": (api.clock.now() + timedelta(days=9)).isoformat()})
        if check(r):
            assert r.json()["user"]["vendor_name"] == unicodedata.normalize("NFC", value).strip()
            assert r.json()["user"]["display_name"] == unicodedata.normalize("NFC", value).strip()
        for method, path in (("GET", "/users/{v}"), ("PATCH", "/users/{v}"), ("POST", "/users/{v}/disable"),
                             ("GET", "/users/{v}/tokens"), ("DELETE", "/users/{v}/sessions")):
            if value:
                check(api.call(method, path.format(v=quote(value, safe="")), actor=admin,
                               json={"display_name": value}))
        check(api.post("/users/root.admin/roles", actor=admin, json={"role": value}))
        check(api.post("/auth/login", json={"username": value, "password": value}))
    assert api.get("/users", actor=admin).status_code == 200  # the table is still there


def test_grants_and_resources(api: Api, world: tuple[Actor, Actor, str]) -> None:
    _, _, token = world
    user = api.user("zhang.san")
    until = (api.clock.now() + timedelta(days=30)).isoformat()
    base = {"subject": {"kind": "user", "id": user.user_id}, "resource": "src:公安", "actions": ["read"],
            "purpose": "核验", "valid_until": until}
    stored = 0
    for value in PAYLOADS:
        for field, body in (
            ("purpose", {**base, "purpose": value}),
            ("resource", {**base, "resource": value}),
            ("resource", {**base, "resource": f"src:公安/tbl:{value}"}),
            ("masking_profile", {**base, "masking_profile": value}),
            ("row_filter", {**base, "row_filter": [{"column": value, "op": "=", "value": value}]}),
            ("row_filter", {**base, "row_filter": [{"column": "区县", "op": "in", "value": [value, 1, True]}]}),
            ("scenario", {**base, "scenario": value}),
            ("actions", {**base, "actions": [value]}),
        ):
            r = api.post("/grants", token=token, json=body)
            if check(r):
                stored += 1
                grant = r.json()
                if field == "purpose":
                    assert grant["purpose"] == value
                if field == "row_filter":
                    assert grant["row_filter"] == body["row_filter"]
                assert api.get(f"/grants/{grant['id']}", token=token).json() == grant
                check(api.post(f"/grants/{grant['id']}/revoke", token=token, json={"reason": value}))
        check(api.post("/resources", token=token, json={"path": f"src:公安/tbl:{value}", "level": 2}))
        check(api.post("/resources", token=token, json={"path": value, "owner_department_id": 1, "level": 1}))
        check(api.get("/resources", token=token, params={"path": value}))
        check(api.get("/grants", token=token, params={"resource": value}))
        check(api.post("/decisions", actor=user, json={"resource": value, "action": "read"}))
        check(api.post("/decisions", actor=user, json={"resource": f"src:公安/tbl:{value}", "action": "read"}))
    assert stored >= 10
    # the register and the grants are intact and SQL text stayed text
    purposes = [g["purpose"] for g in api.get("/grants?include_revoked=true&limit=1000", token=token).json()]
    assert "'; DROP TABLE users; --" in purposes and "<script>alert(1)</script>" in purposes


def test_other_fields(api: Api, world: tuple[Actor, Actor, str]) -> None:
    admin, sec, token = world
    aud = api.user("shen.ji", Role.AUDITOR)
    for value in PAYLOADS:
        check(api.get("/audit/events", actor=aud, params={"actor": value, "resource": value, "action": value}))
        check(api.post("/keys/data", token=token, json={"dataset": value, "department_id": 1}))
        check(api.post("/keys/destructions", token=token, json={"dataset": "户籍库", "reason": value}))
        check(api.post("/me/tokens", actor=api.relogin(sec) if value == PAYLOADS[0] else sec,
                       json={"name": value, "scopes": ["*"],
                             "expires_at": (api.clock.now() + timedelta(days=1)).isoformat()}))
        if value:
            check(api.call("DELETE", f"/tokens/{quote(value, safe='')}", token=token))
        check(api.post("/me/password", actor=admin, json={"current_password": value, "new_password": value}))


def test_invalid_unicode_and_nul_are_refused_not_stored(api: Api, world: tuple[Actor, Actor, str]) -> None:
    admin, _, token = world
    for raw in ('{"name": "\\ud800", "parent_id": 1}', '{"name": "a\\u0000b", "parent_id": 1}',
                '{"name": "\\udfff\\ud800", "parent_id": 1}'):
        r = api.client.post(f"{API}/departments", content=raw.encode(),
                            headers={**admin.headers, "Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        assert r.json()["key"] == "api.invalid_request"
    r = api.client.post(f"{API}/grants", content=json.dumps({
        "subject": {"kind": "department", "id": 1}, "resource": "src:公安", "actions": ["read"],
        "purpose": "\ud800", "valid_until": "2030-01-01T00:00:00+08:00"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert r.status_code == 422
    # NUL in a query parameter (PostgreSQL would refuse it mid-query)
    aud = api.user("shen.ji", Role.AUDITOR)
    r = api.client.get(f"{API}/audit/events?actor=a%00b", headers=aud.headers)
    assert r.status_code == 422


def test_extreme_dates_and_numbers(api: Api, world: tuple[Actor, Actor, str]) -> None:
    _, _, token = world
    base = {"subject": {"kind": "department", "id": 1}, "resource": "src:公安", "actions": ["read"],
            "purpose": "x"}
    for until in ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "2030-01-01T00:00:00",
                  "2030-13-01T00:00:00+08:00", "2030-01-01T00:00:00+23:59", "not a date", "1e309"):
        check(api.post("/grants", token=token, json={**base, "valid_until": until}))
        check(api.post("/grants", token=token, json={**base, "valid_until": "2030-01-01T00:00:00+08:00",
                                                     "valid_from": until}))
    for value in (2**63, -(2**63) - 1, 1e308, -0.0, float("nan")):
        r = api.client.post(f"{API}/grants", headers={"Authorization": f"Bearer {token}",
                                                      "Content-Type": "application/json"},
                            content=json.dumps({**base, "valid_until": "2030-01-01T00:00:00+08:00",
                                                "row_filter": [{"column": "c", "op": "=", "value": value}]}))
        check(r)
    for seq in (0, -1, 2**63, 2**64):
        check(api.get("/grants", token=token, params={"subject_id": seq, "limit": seq, "offset": seq}))
        check(api.get(f"/grants/{seq}", token=token))
