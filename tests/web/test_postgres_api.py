"""The whole security core on PostgreSQL, through the REST API: a fresh database, migrations, bootstrap,
logins with TOTP, a grant, a decision, and an intact audit chain. Runs against the server on the
machine (SHUAN_TEST_POSTGRES_URL); skipped when unreachable, except under CI=true where it fails."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from shuan.config import Settings
from shuan.identity.roles import Role
from shuan.platform import Platform, open_platform
from tests.conftest import TEST_ROOT_KEY
from tests.sources.conftest import PG_URL, driver_url, require_server, unique_name
from tests.web.conftest import Api, Clock

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_platform(tmp_path: Path) -> Iterator[Platform]:
    """A platform on a database of its own (created here, dropped afterwards)."""
    server = require_server(PG_URL, "PostgreSQL")
    name = unique_name("shuan_api")
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = driver_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    platform = open_platform(Settings(home=tmp_path, root_key=TEST_ROOT_KEY, database_url=url))
    try:
        assert platform.store.engine.dialect.name == "postgresql"
        yield platform
    finally:
        platform.close()
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


def test_security_core_on_postgresql(pg_platform: Platform, clock: Clock) -> None:
    api = Api(pg_platform, clock)
    try:
        api.bootstrap_admin()
        police = api.department("公安局")
        sec = api.user("an.quan", Role.SECADMIN)
        user = api.user("zhang.san", department_id=police)
        aud = api.user("shen.ji", Role.AUDITOR)
        r = api.post("/resources", actor=sec, json={"path": "src:公安/tbl:户籍", "owner_department_id": police,
                                                    "level": 2})
        assert r.status_code == 201, r.text
        until = (clock.now() + timedelta(days=30)).isoformat()
        r = api.post("/grants", actor=sec, json={
            "subject": {"kind": "user", "id": user.user_id}, "resource": "src:公安/tbl:户籍", "actions": ["read"],
            "purpose": "户籍核验'; DROP TABLE access_grants; --", "valid_until": until,
            "row_filter": [{"column": "区县", "op": "in", "value": ["任城区", "兖州区"]}]})
        assert r.status_code == 201, r.text
        gid = r.json()["id"]
        d = api.post("/decisions", actor=user, json={"resource": "src:公安/tbl:户籍/col:姓名", "action": "read"})
        assert d.json()["allowed"] and d.json()["grant_id"] == gid
        # the refusals work the same way here
        r = api.post("/grants", actor=user, json={"subject": {"kind": "user", "id": user.user_id},
                                                  "resource": "src:公安/tbl:户籍", "actions": ["read"],
                                                  "purpose": "自己", "valid_until": until})
        assert r.status_code == 403 and api.last("grant.create").outcome == "denied"
        r = api.get("/audit/events", actor=aud, params={"actor": "a\x00b"})
        assert r.status_code == 422  # NUL never reaches PostgreSQL
        events = api.get("/audit/events", actor=aud, params={"action": "grant.", "limit": 10}).json()
        assert {e["action"] for e in events} == {"grant.create"}
        report = api.post("/audit/verify", actor=aud).json()
        assert report["ok"] and report["events"] > 20, report
        with pg_platform.store.engine.connect() as conn:
            purpose = conn.execute(sa.text("SELECT purpose FROM access_grants WHERE id = :g"), {"g": gid}).scalar()
        assert purpose == "户籍核验'; DROP TABLE access_grants; --"
    finally:
        api.client.close()
