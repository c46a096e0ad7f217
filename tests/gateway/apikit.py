"""A government set up through the REST API (used by the API tests, the sqlmap test and bench/gateway.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from shuan.identity.roles import Role
from tests.gateway.conftest import BASE_SPEC, SOURCE, TABLE, people_db
from tests.web.conftest import Api


class ApiGov:
    """公安局 publishes ``rk-lookup`` over a registered SQLite file; 卫健委's user calls it with a token."""

    def __init__(self, api: Api, tmp: Path, *, masking: str | None = "department_sharing",
                 row_filter: list[dict[str, Any]] | None = None, rate: int = 1000) -> None:
        self.api = api
        api.bootstrap_admin()
        self.ga = api.department("公安局")
        self.wj = api.department("卫健委")
        self.steward = api.user("ga.steward", Role.STEWARD, department_id=self.ga)
        self.consumer = api.user("wj.user", department_id=self.wj)
        self.secadmin = api.officer(Role.SECADMIN)
        self.steward_token = api.token(self.steward)
        self.token = api.token(self.consumer)
        r = api.post("/sources", token=self.steward_token, json={
            "name": SOURCE, "location": str(people_db(tmp / "people.db")), "department_id": self.ga,
            "responsible": "ga.steward"})
        assert r.status_code == 201, r.text
        for path, level in ((f"src:{SOURCE}", 1), (f"src:{SOURCE}/tbl:{TABLE}", 1)):
            body: dict[str, Any] = {"path": path, "level": level}
            if "/" not in path:
                body["owner_department_id"] = self.ga
            r = api.post("/resources", actor=self.secadmin, json=body)
            assert r.status_code == 201, r.text
        r = api.post("/services", token=self.steward_token, json={**BASE_SPEC, "rate_per_minute": rate})
        assert r.status_code == 201, r.text
        self.service = r.json()
        grant: dict[str, Any] = {
            "subject": {"kind": "user", "id": self.consumer.user_id}, "resource": f"src:{SOURCE}/tbl:{TABLE}",
            "actions": ["read"], "purpose": "卫生健康统计",
            "valid_until": (api.clock.now() + timedelta(days=30)).isoformat()}
        if masking:
            grant["masking_profile"] = masking
        if row_filter:
            grant["row_filter"] = row_filter
        r = api.post("/grants", token=self.steward_token, json=grant)
        assert r.status_code == 201, r.text
