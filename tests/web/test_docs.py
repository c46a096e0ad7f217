"""The API docs page works air-gapped: Swagger UI is vendored, the page runs no inline script."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shuan.platform import Platform
from shuan.web.app import create_app


def test_docs_page_uses_vendored_assets(platform: Platform) -> None:
    with TestClient(create_app(platform)) as client:
        page = client.get("/docs")
        assert page.status_code == 200
        assert "http" not in page.text.replace("http-equiv", "")  # no external URL at all
        csp = page.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css",
                      "/static/swagger/init.js"):
            r = client.get(asset)
            assert r.status_code == 200 and len(r.content) > 100, asset
        assert client.get("/openapi.json").json()["info"]["title"].startswith("数安")
        assert client.get("/static/../app.py").status_code == 404
