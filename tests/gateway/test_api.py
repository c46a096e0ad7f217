"""The REST API of the data services and the console pages, through the real app (in-process)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from shuan.identity.roles import Role
from tests.gateway.apikit import ApiGov
from tests.gateway.conftest import BASE_SPEC
from tests.web.conftest import (  # noqa: F401 - fixtures
    Actor,
    Api,
    api,
    assert_problem,
    clock,
    fast_argon2,
    migrated_template,
    platform,
)
from tests.web.consolekit import browser, console_login

NAME = BASE_SPEC["name"]


@pytest.fixture
def gov(api: Api, tmp_path: Path) -> ApiGov:  # noqa: F811
    return ApiGov(api, tmp_path, row_filter=[{"column": "qx", "op": "in", "value": ["历下区", "市中区"]}], rate=5)


def test_publish_list_show(gov: ApiGov, api: Api) -> None:  # noqa: F811
    assert gov.service["name"] == NAME and gov.service["department_id"] == gov.ga
    listed = api.get("/services", token=gov.token).json()
    assert [s["name"] for s in listed] == [NAME]
    shown = api.get(f"/services/{NAME}", token=gov.token).json()
    assert shown["params"][0] == {"name": "qx", "type": "enum", "column": "qx", "op": "=", "required": False,
                                  "choices": ["历下区", "市中区", "槐荫区", "天桥区"]}
    assert_problem(api.get("/services/no-such", token=gov.token), 404, "gateway.not_found")
    r = api.post("/services", token=gov.token, json={**BASE_SPEC, "name": "by-consumer"})
    assert_problem(r, 403, "gateway.manage_denied")
    r = api.post("/services", token=gov.steward_token, json={**BASE_SPEC, "name": "bad", "columns": ["nope"]})
    assert assert_problem(r, 400)["field"] == "columns"


def test_call_get_and_post(gov: ApiGov, api: Api) -> None:  # noqa: F811
    r = api.get(f"/services/{NAME}/call?min_age=30&max_age=45&_limit=20", token=gov.token)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["columns"] == BASE_SPEC["columns"] and 0 < doc["row_count"] <= 20
    rows = [dict(zip(doc["columns"], row, strict=True)) for row in doc["rows"]]
    assert {r["qx"] for r in rows} <= {"历下区", "市中区"} and all(30 <= r["nl"] <= 45 for r in rows)
    assert all(r["xm"].endswith("*") for r in rows) and doc["masked"]["sjhm"] == "keep_first_last"
    r = api.post(f"/services/{NAME}/call", token=gov.token, json={"params": {"ids": [1, 2, 3]}, "limit": 5})
    assert r.status_code == 200 and [row[0] for row in r.json()["rows"]] == [1, 2]  # 3 is 槐荫区: filtered
    r = api.get(f"/services/{NAME}/call?ids=1&ids=2", actor=gov.consumer)  # a session works too
    assert r.status_code == 200 and r.json()["row_count"] == 2


@pytest.mark.parametrize(("query", "field"), [
    ("min_age=abc", "min_age"), ("min_age=999", "min_age"), ("qx=%27%20OR%201%3D1--", "qx"),
    ("sfzh=1%27%20OR%20%271%27%3D%271", "sfzh"), ("nope=1", "nope"), ("_limit=1000", "limit"),
    ("_scenario=x", "scenario"), ("born_after=2026-02-30", "born_after"),
])
def test_bad_parameters_are_400_naming_them(gov: ApiGov, api: Api, query: str, field: str) -> None:  # noqa: F811
    r = api.get(f"/services/{NAME}/call?{query}", token=gov.token)
    doc = assert_problem(r, 400)
    assert doc["field"] == field and field in doc["detail"]
    assert api.details(api.last("service.call"))["field"] == field


def test_rate_limit_is_429_with_retry_after(gov: ApiGov, api: Api) -> None:  # noqa: F811
    for _ in range(5):
        assert api.get(f"/services/{NAME}/call", token=gov.token).status_code == 200
    r = api.get(f"/services/{NAME}/call", token=gov.token)
    assert_problem(r, 429, "gateway.rate_limited")
    assert r.headers["retry-after"] == "12"
    assert api.last("service.call").outcome == "denied"


def test_no_grant_is_403_and_the_report(gov: ApiGov, api: Api) -> None:  # noqa: F811
    other = api.user("wj.other", department_id=gov.wj)
    r = api.get(f"/services/{NAME}/call", actor=other)
    assert_problem(r, 403, "gateway.no_columns")
    api.get(f"/services/{NAME}/call", token=gov.token)
    start = (api.clock.now() - timedelta(days=1)).isoformat()
    end = (api.clock.now() + timedelta(days=1)).isoformat()
    auditor = api.officer(Role.AUDITOR)
    r = api.get("/services/report", actor=auditor, params={"from": start, "to": end})
    assert r.status_code == 200, r.text
    doc = r.json()
    [svc] = doc["services"]
    assert svc["service"] == NAME and svc["calls"] == 2 and svc["refused"] == 1
    assert svc["refusals"] == {"deny_default": 1}
    r = api.get("/services/report", actor=auditor, params={"from": start, "to": end, "format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert_problem(api.get("/services/report", token=gov.token, params={"from": start, "to": end}), 403)
    r = api.get(f"/services/{NAME}/calls", token=gov.steward_token)
    assert [c["outcome"] for c in r.json()] == ["success", "denied"]


def test_retire_via_api(gov: ApiGov, api: Api) -> None:  # noqa: F811
    r = api.post(f"/services/{NAME}/retire", token=gov.token, json={"reason": "x"})
    assert_problem(r, 403)
    r = api.call("PATCH", f"/services/{NAME}", token=gov.steward_token, json={"title": "新标题"})
    assert r.status_code == 200 and r.json()["version"] == 2
    r = api.post(f"/services/{NAME}/retire", token=gov.steward_token, json={"reason": "停止"})
    assert r.status_code == 200 and r.json()["status"] == "retired"
    assert_problem(api.get(f"/services/{NAME}/call", token=gov.token), 404)


def test_console_pages(gov: ApiGov, api: Api) -> None:  # noqa: F811
    client = browser(api)
    token = console_login(api, client, gov.consumer)
    r = client.get("/console/services")
    assert r.status_code == 200 and NAME in r.text and "数据服务" in r.text
    r = client.get(f"/console/services/{NAME}")
    assert r.status_code == 200 and "min_age" in r.text and "最近调用" not in r.text
    r = client.post(f"/console/services/{NAME}/call", data={"csrf_token": token, "p_min_age": "40", "_limit": "3"})
    assert r.status_code == 200 and "调用结果" in r.text and "张**" in r.text
    r = client.post(f"/console/services/{NAME}/call", data={"csrf_token": token, "p_min_age": "x' OR 1=1"})
    assert r.status_code == 400 and "min_age" in r.text
    owner = browser(api)
    console_login(api, owner, gov.steward)
    r = owner.get(f"/console/services/{NAME}")
    assert r.status_code == 200 and "最近调用" in r.text and "wj.user" in r.text
