"""Every route is guarded: walked from `app.routes`, so a route added later cannot be forgotten.

* anonymous → 401 on every /api/v1 route but login, MFA and health;
* a refused token (garbage) → 401 and an audit event;
* a session short of a full login (password not yet changed) → 401 except on the steps that finish it;
* a 数据使用者 → 403 and a ``denied`` audit event on every administrative route.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from shuan.identity.roles import Role
from shuan.web.app import create_app
from tests.web.conftest import API, Api, assert_problem

PUBLIC = {("GET", "/api/v1/health"), ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/mfa")}
#: the routes that finish a login (they accept a session at any step; the services check the step)
LOGIN_STEPS = {("POST", "/api/v1/me/password"), ("POST", "/api/v1/me/totp"), ("POST", "/api/v1/me/totp/confirm"),
               ("GET", "/api/v1/auth/me"), ("POST", "/api/v1/auth/logout")}
PARAMS = {"username": "root.admin", "department_id": "1", "grant_id": "1", "role": "auditor",
          "token_id": "0123456789ab", "request_id": "1", "source_id": "1", "table_id": "1",
          "run_id": "0123456789abcdef", "extract_id": "1", "name": "rk-lookup",
          "entry_id": "1"}


def api_routes() -> list[tuple[str, str, RouteContext]]:
    """Every API route with its full path (FastAPI keeps included routers nested: walk their contexts)."""
    out = []
    for route in iter_route_contexts(create_app().routes):
        if isinstance(route.original_route, APIRoute) and route.path and route.path.startswith(API):
            for method in sorted(route.methods or ()):
                out.append((method, route.path, route))
    assert len(out) > 40
    return out


ROUTES = api_routes()


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


def test_every_route_declares_its_permission() -> None:
    for method, path, route in ROUTES:
        extra = route.openapi_extra or {}
        assert extra.get("x-shuan-permission"), (method, path)
        assert ((method, path) in PUBLIC) == (extra["x-shuan-permission"] == "public"), (method, path)


def test_anonymous_is_refused(api: Api) -> None:
    guarded = [(m, p) for m, p, _ in ROUTES if (m, p) not in PUBLIC]
    for method, path in guarded:
        r = api.client.request(method, concrete(path), json={})
        doc = assert_problem(r, 401)
        assert doc["key"] in ("api.unauthenticated", "api.session_required"), (method, path)
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_public_routes_need_no_credentials(api: Api) -> None:
    assert api.client.get("/api/v1/health").json() == {"status": "ok"}
    r = api.client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert_problem(r, 401, "identity.bad_credentials")
    r = api.client.post("/api/v1/auth/mfa", json={"code": "123456"})
    assert_problem(r, 401, "api.session_required")


def test_garbage_token_is_refused_and_audited(api: Api) -> None:
    guarded = [(m, p) for m, p, _ in ROUTES if (m, p) not in PUBLIC]
    before = len(api.events("auth.token_failed"))
    for method, path in guarded:
        r = api.client.request(method, concrete(path), headers={"Authorization": "Bearer shuan_x' OR 1=1 --"})
        assert_problem(r, 401, "identity.token_invalid")
    assert len(api.events("auth.token_failed")) == before + len(guarded)


def test_unfinished_login_reaches_only_the_login_steps(api: Api) -> None:
    api.bootstrap_admin()
    r = api.post("/users", actor=api.admin, json={"username": "new.user", "display_name": "新用户",
                                                  "department_id": api.root_id, "roles": ["data_user"]})
    secret = r.json()["one_time_secret"]
    doc = api.login("new.user", secret)
    assert doc["stage"] == "password"
    pending = {"X-Session": doc["session"]}
    for method, path, _ in ROUTES:
        if (method, path) in PUBLIC or (method, path) in LOGIN_STEPS:
            continue
        r = api.client.request(method, concrete(path), headers=pending, json={})
        assert_problem(r, 401, "identity.stage_password")
    # the step it is at works, and says what comes next
    r = api.get("/auth/me", headers=pending)
    assert r.status_code == 200 and r.json()["stage"] == "password"
    assert r.json()["user"]["permissions"] == ["self.service"]


# -- a 数据使用者 on every administrative route --------------------------------------------------------

LATER = "2030-01-01T00:00:00+08:00"
ADMIN_REQUESTS: dict[tuple[str, str], dict[str, Any] | None] = {
    ("GET", "/api/v1/users"): None,
    ("POST", "/api/v1/users"): {"username": "sneaky", "display_name": "x", "department_id": 1, "roles": ["sysadmin"]},
    ("PATCH", "/api/v1/users/{username}"): {"display_name": "改名"},
    ("POST", "/api/v1/users/{username}/disable"): None,
    ("POST", "/api/v1/users/{username}/enable"): None,
    ("POST", "/api/v1/users/{username}/roles"): {"role": "auditor"},
    ("DELETE", "/api/v1/users/{username}/roles/{role}"): None,
    ("PUT", "/api/v1/users/{username}/vendor"): {"vendor_until": LATER},
    ("POST", "/api/v1/users/{username}/password-reset"): None,
    ("POST", "/api/v1/users/{username}/unlock"): None,
    ("DELETE", "/api/v1/users/{username}/totp"): None,
    ("GET", "/api/v1/admin-requests"): None,
    ("POST", "/api/v1/admin-requests/{request_id}/approve"): None,
    ("POST", "/api/v1/admin-requests/{request_id}/refuse"): {"reason": "x"},
    ("POST", "/api/v1/departments"): {"name": "新部门", "parent_id": 1},
    ("POST", "/api/v1/departments/{department_id}/rename"): {"name": "改名"},
    ("POST", "/api/v1/departments/{department_id}/move"): {"parent_id": 1},
    ("POST", "/api/v1/resources"): {"path": "src:卫健", "owner_department_id": 1, "level": 2},
    ("PUT", "/api/v1/resources/level"): {"path": "src:公安", "level": 3},
    ("PUT", "/api/v1/resources/public"): {"path": "src:公安", "public": True},
    ("PUT", "/api/v1/resources/authorised-departments"): {"path": "src:公安", "department_ids": [1]},
    ("POST", "/api/v1/grants"): "self-grant",  # type: ignore[dict-item]
    ("POST", "/api/v1/grants/{grant_id}/approve"): {"signing_password": "x"},
    ("POST", "/api/v1/grants/{grant_id}/revoke"): {"reason": "x"},
    ("GET", "/api/v1/audit/events"): None,
    ("POST", "/api/v1/audit/verify"): None,
    ("POST", "/api/v1/audit/export"): {},
    ("GET", "/api/v1/keys"): None,
    ("POST", "/api/v1/keys/data"): {"dataset": "户籍库", "department_id": 1},
    ("POST", "/api/v1/keys/kek/{department_id}/rotate"): None,
    ("POST", "/api/v1/keys/kek/{department_id}/rewrap"): None,
    ("POST", "/api/v1/keys/destructions"): {"dataset": "户籍库", "reason": "到期"},
    ("POST", "/api/v1/keys/destructions/{request_id}/approve"): {"signing_password": "x"},
    ("GET", "/api/v1/keys/destructions/{request_id}/approval"): None,
    ("POST", "/api/v1/sources"): {"name": "越权登记", "location": "/tmp/x.csv", "department_id": 1,
                                  "responsible": "root.admin"},
    ("POST", "/api/v1/sources/{source_id}/scan"): None,
    ("POST", "/api/v1/reviews"): {"source_record_id": 1, "table": "t", "column": "c", "decision": "confirm",
                                  "reason": "x"},
    ("GET", "/api/v1/reviews?source_record_id=1"): None,
    ("POST", "/api/v1/tables/{table_id}/reveal"): {"column": "c", "reason": "x"},
    ("GET", "/api/v1/inventory/report"): None,
    ("POST", "/api/v1/share-requests/{request_id}/authority-check"): {"outcome": "pass", "signing_password": "x"},
    ("POST", "/api/v1/share-requests/{request_id}/review"): {"outcome": "approve", "signing_password": "x"},
    ("POST", "/api/v1/share-requests/{request_id}/revoke"): {"reasons": "用途已完成", "signing_password": "x"},
    ("POST", "/api/v1/services"): {"name": "yue-quan", "title": "越权发布", "source": "公安", "table": "t",
                                   "columns": ["c"]},
    ("PATCH", "/api/v1/services/{name}"): {"title": "改名"},
    ("POST", "/api/v1/services/{name}/retire"): {"reason": "x"},
    ("GET", "/api/v1/services/{name}/calls"): None,
    ("GET", "/api/v1/services/report?from=2026-01-01T00:00:00%2B08:00&to=2026-02-01T00:00:00%2B08:00"): None,
    ("POST", "/api/v1/masking/runs"): {"source_id": 1, "profile": "dev_test", "purpose": "越权脱敏"},
    ("GET", "/api/v1/masking/runs"): None,
    ("GET", "/api/v1/masking/runs/{run_id}/download?file=x.csv"): None,
    ("POST", "/api/v1/extracts"): {"source_id": 1, "recipient": "department:1", "purpose": "越权分发"},
    ("GET", "/api/v1/extracts"): None,
    ("GET", "/api/v1/extracts/{extract_id}/download"): None,
    ("POST", "/api/v1/trace"): None,
    ("POST", "/api/v1/catalog"): {"code": "YQ-1", "name": "越权编目", "category": ["人口"], "provider_code": "X-1",
                                  "format": "database", "items": [{"name": "姓名", "type": "string", "column": "xm"}],
                                  "resource_path": "src:公安", "share_type": "unconditional",
                                  "share_method": "interface", "open_type": "none", "open_basis": "x",
                                  "update_cycle": "daily"},
    ("POST", "/api/v1/catalog/draft"): {"resource_path": "src:公安"},
    ("GET", "/api/v1/catalog/check"): None,
    ("PATCH", "/api/v1/catalog/{entry_id}"): {"name": "改名"},
    ("POST", "/api/v1/catalog/{entry_id}/publish"): None,
    ("POST", "/api/v1/catalog/{entry_id}/withdraw"): {"reason": "x"},
}


def is_admin(route: RouteContext) -> bool:
    value = str((route.openapi_extra or {}).get("x-shuan-permission", ""))
    return value != "public" and "self.service" not in value


def test_admin_table_covers_every_admin_route() -> None:
    admin = {(m, p) for m, p, route in ROUTES if is_admin(route)}
    assert admin == {(m, p.split("?")[0]) for m, p in ADMIN_REQUESTS}  # a query string fills required parameters


def test_data_user_is_refused_on_every_admin_route(api: Api) -> None:
    api.bootstrap_admin()
    secadmin = api.user("an.quan", Role.SECADMIN)
    sec_token = api.token(secadmin)
    r = api.post("/resources", token=sec_token, json={"path": "src:公安", "owner_department_id": api.root_id,
                                                      "level": 1})
    assert r.status_code == 201, r.text
    user = api.user("shi.yong")
    token = api.token(user)
    for (method, path), body in ADMIN_REQUESTS.items():
        if body == "self-grant":
            body = {"subject": {"kind": "user", "id": user.user_id}, "resource": "src:公安", "actions": ["read"],
                    "purpose": "给自己授权", "valid_until": (api.clock.now() + timedelta(days=30)).isoformat()}
        before = len(api.events())
        for credentials in ({"actor": user}, {"token": token}):
            r = api.call(method, concrete(path).removeprefix(API), json=body, **credentials)  # type: ignore[arg-type]
            assert_problem(r, 403)
        new = api.events()[before:]
        denied = [e for e in new if e.outcome == "denied" and e.actor == "shi.yong"]
        assert len(denied) == 2, (method, path, [(e.action, e.outcome, e.actor) for e in new])
