"""The HTTP surface: the app builds, OpenAPI, security headers, problem+json for every kind of bad
request (malformed JSON, wrong types, unknown fields, oversized bodies, unknown routes, crashes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shuan.errors import ConfigError
from shuan.platform import Platform
from shuan.web.app import create_app
from shuan.web.middleware import MAX_BODY_BYTES
from tests.web.conftest import API, Api, assert_problem


def test_app_opens_its_own_platform(root_key: str, isolated_home: Path) -> None:
    app = create_app()
    with TestClient(app) as client:  # the lifespan opens (and migrates) the store from the settings
        assert isinstance(app.state.platform, Platform)
        assert client.get(f"{API}/health").json() == {"status": "ok"}
        assert_problem(client.get(f"{API}/users"), 401, "api.unauthenticated")
    assert app.state.platform is None
    assert (isolated_home / "shuan.db").exists()


def test_openapi_documents_every_route(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert spec["info"]["title"] == "数安 shuan"
    schemes = spec["components"]["securitySchemes"]
    assert schemes["ApiToken"]["scheme"] == "bearer" and schemes["Session"]["name"] == "X-Session"
    operations = [(m, p, op) for p, ops in spec["paths"].items() for m, op in ops.items()]
    assert len(operations) > 40
    for method, path, op in operations:
        assert op.get("x-shuan-permission"), (method, path)
        assert op.get("summary") or op.get("description"), (method, path)
        if op["x-shuan-permission"] != "public":
            assert op.get("security"), (method, path)
            assert "401" in op["responses"], (method, path)
    login = spec["paths"][f"{API}/auth/login"]["post"]
    body = spec["components"]["schemas"][login["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                                         .rsplit("/", 1)[-1]]
    assert body["additionalProperties"] is False


def test_security_headers_everywhere(api: Api) -> None:
    for response in (api.client.get(f"{API}/health"), api.client.get(f"{API}/users"),
                     api.client.get("/nowhere"), api.client.get("/openapi.json")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert "set-cookie" not in response.headers
    docs = api.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert "script-src" in docs.headers["content-security-policy"]


def test_unknown_route_and_method(api: Api) -> None:
    assert_problem(api.client.get(f"{API}/nothing/here"), 404, "api.route_not_found")
    assert_problem(api.client.delete(f"{API}/health"), 405, "api.method_not_allowed")


def test_malformed_json(api: Api) -> None:
    admin = api.bootstrap_admin()
    for raw in (b'{"name": "x", "parent_id": 1', b"\xff\xfe", b"null", b"[]", b'"text"', b"{'single': 1}"):
        r = api.client.post(f"{API}/departments", content=raw,
                            headers={**admin.headers, "Content-Type": "application/json"})
        assert r.status_code in (400, 422), (raw, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["detail"]
    r = api.client.post(f"{API}/auth/login", content=b'{"username": "a", "password": ',
                        headers={"Content-Type": "application/json"})
    assert_problem(r, 400, "api.malformed_json")


def test_wrong_types_and_unknown_fields(api: Api) -> None:
    admin = api.bootstrap_admin()
    cases = [
        {"name": "x", "parent_id": "1"},  # strict: no "1" for 1
        {"name": "x", "parent_id": True},
        {"name": "x", "parent_id": 1.5},
        {"name": "x", "parent_id": 2**70},  # larger than any id column
        {"name": "x", "parent_id": 0},
        {"name": ["x"], "parent_id": 1},
        {"name": "x", "parent_id": 1, "is_root": True},  # unknown field: no mass assignment
        {"parent_id": 1},
    ]
    for body in cases:
        doc = assert_problem(api.post("/departments", actor=admin, json=body), 422, "api.invalid_request")
        assert doc["errors"][0]["field"] and doc["errors"][0]["reason"]
        assert doc["detail"].startswith("请求参数")


def test_validation_errors_never_echo_the_input(api: Api) -> None:
    secret = "Sup3r-Secret-" + "x" * 2000  # over the limit: refused by the model
    r = api.client.post(f"{API}/auth/login", json={"username": "root.admin", "password": secret})
    doc = assert_problem(r, 422)
    assert "Sup3r" not in r.text and doc["errors"][0]["field"] == "password"
    r = api.client.post(f"{API}/auth/login", json={"username": "root.admin", "password": 12345678})
    assert "12345678" not in r.text


def test_oversized_body(api: Api) -> None:
    admin = api.bootstrap_admin()
    big = b'{"name": "' + b"x" * (MAX_BODY_BYTES + 10) + b'", "parent_id": 1}'
    r = api.client.post(f"{API}/departments", content=big,
                        headers={**admin.headers, "Content-Type": "application/json"})
    doc = assert_problem(r, 413, "api.body_too_large")
    assert str(MAX_BODY_BYTES) in doc["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"name": "'
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b"x" * 65536
        yield b'", "parent_id": 1}'

    r = api.client.post(f"{API}/departments", content=chunks(),
                        headers={**admin.headers, "Content-Type": "application/json"})
    assert_problem(r, 413, "api.body_too_large")
    # anonymous: refused before anything reads it
    assert_problem(api.client.post(f"{API}/auth/login", content=big,
                                   headers={"Content-Type": "application/json"}), 413)


def test_unexpected_errors_are_500_without_internals(platform: Platform) -> None:
    app = create_app(platform)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("internal detail: password=hunter2 at /srv/secret.py line 3")

    @app.get("/misconfigured")
    def misconfigured() -> None:
        raise ConfigError("key.root_mismatch", key_id="sys/audit-sign/v1")

    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/boom")
    doc = assert_problem(r, 500, "api.internal_error")
    assert "hunter2" not in r.text and "secret.py" not in r.text and "Traceback" not in r.text
    assert doc["detail"].startswith("服务器内部错误")
    r = client.get("/misconfigured")
    doc = assert_problem(r, 500, "key.root_mismatch")
    assert doc["detail"].startswith("服务器配置错误") and "audit-sign" not in r.text


def test_english_messages(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHUAN_LANG", "en")
    doc = assert_problem(api.client.get(f"{API}/users"), 401)
    assert doc["detail"].startswith("authentication required") and doc["title"] == "not authenticated"


def test_favicon_is_served_without_a_404(api: Api) -> None:
    client = TestClient(api.app, base_url="https://testserver", follow_redirects=False)
    r = client.get("/favicon.ico")
    assert r.status_code == 308 and r.headers["location"] == "/static/console/favicon.svg"
    icon = client.get("/static/console/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
