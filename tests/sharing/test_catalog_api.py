"""The sharing catalogue over REST (/api/v1/catalog): create, patch, publish, withdraw, list with filters,
get, check, draft; refusals as problem documents with audit events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest

from shuan.identity.roles import Role
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

GG = "src:公安/tbl:公告"
HJ = "src:公安/tbl:户籍"


@dataclass
class City:
    api: Api
    ga: int
    wj: int
    steward: Actor
    officer_wj: Actor
    user_wj: Actor
    secadmin: Actor


@pytest.fixture
def city(api: Api) -> City:  # noqa: F811 - the web conftest's fixture
    api.bootstrap_admin()
    ga, wj = api.department("公安局"), api.department("卫健委")
    secadmin = api.officer(Role.SECADMIN)
    for path, owner, level in (("src:公安", ga, 1), (GG, None, 1), (HJ, None, 3), (f"{HJ}/col:xm", None, None)):
        body: dict[str, Any] = {"path": path, "level": level}
        if owner is not None:
            body["owner_department_id"] = owner
        r = api.post("/resources", actor=secadmin, json=body)
        assert r.status_code == 201, r.text
    return City(api, ga, wj, api.user("ga.steward", Role.STEWARD, department_id=ga),
                api.user("wj.officer", Role.DEPT_SECURITY_OFFICER, department_id=wj),
                api.user("wj.user", department_id=wj), secadmin)


def entry(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "code": "GA-GG.001", "name": "公安公告", "category": ["公共安全", "公告"], "provider_code": "GA",
        "summary": "公告", "format": "database", "items": [{"name": "标题", "type": "string", "column": "title"}],
        "resource_path": GG, "share_type": "unconditional", "share_method": "interface",
        "open_type": "unconditional", "update_cycle": "daily",
    }
    return base | over


def test_catalogue_flow(city: City) -> None:
    web = city.api
    r = web.post("/catalog", actor=city.steward, json=entry())
    assert r.status_code == 201, r.text
    doc = r.json()
    assert (doc["status"], doc["level"], doc["compliant"], doc["provider_department_id"]) == (
        "draft", 1, True, city.ga)
    eid = doc["id"]
    assert_problem(web.get(f"/catalog/{eid}", actor=city.user_wj), 404)  # a draft is not disclosed
    assert web.get("/catalog", actor=city.user_wj).json() == []
    r = web.post(f"/catalog/{eid}/publish", actor=city.steward)
    assert r.status_code == 200 and r.json()["published_on"]
    assert web.get(f"/catalog/{eid}", actor=city.user_wj).json()["status"] == "published"
    listed = web.get("/catalog", actor=city.user_wj, params={"share_type": "unconditional", "level": 1})
    assert [e["code"] for e in listed.json()] == ["GA-GG.001"]
    assert web.get("/catalog", actor=city.user_wj, params={"text": "没有"}).json() == []
    r = web.call("PATCH", f"/catalog/{eid}", actor=city.steward, json={"summary": "新的摘要"})
    assert r.status_code == 200 and r.json()["summary"] == "新的摘要"
    assert web.details(web.last("catalog.update"))["changed"] == ["summary"]
    r = web.post(f"/catalog/{eid}/withdraw", actor=city.steward, json={"reason": "停止更新"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"
    assert_problem(web.post(f"/catalog/{eid}/withdraw", actor=city.steward), 409, "catalog.not_published")
    assert [e.outcome for e in web.events("catalog.publish")] == ["success"]


def test_export_of_the_visible_entries(city: City) -> None:
    web = city.api
    eid = web.post("/catalog", actor=city.steward, json=entry()).json()["id"]
    draft = web.post("/catalog", actor=city.steward, json=entry(code="GA-GG.002", name="草稿条目")).json()["id"]
    assert web.post(f"/catalog/{eid}/publish", actor=city.steward).status_code == 200
    r = web.get("/catalog/export", actor=city.user_wj, params={"format": "json"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    doc = json.loads(r.content)
    assert [e["code"] for e in doc["entries"]] == ["GA-GG.001"]  # the draft is the provider's only
    assert doc["headings"] and draft != eid
    csv_text = web.get("/catalog/export", actor=city.steward, params={"format": "csv"}).content.decode("utf-8-sig")
    assert "GA-GG.001" in csv_text and "GA-GG.002" in csv_text and "资源代码" in csv_text.splitlines()[0]
    xlsx = web.get("/catalog/export", actor=city.user_wj, params={"share_type": "none"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert_problem(web.get("/catalog/export", actor=city.user_wj, params={"format": "pdf"}), 422)


def test_grade_violations_are_refused_with_the_rule(city: City) -> None:
    web = city.api
    items = [{"name": "姓名", "type": "string", "column": "xm"}]
    doc = assert_problem(web.post("/catalog", actor=city.steward, json=entry(resource_path=HJ, items=items)), 403,
                         "catalog.noncompliant")
    assert "三级" in doc["detail"] and "第三十三条" in doc["detail"]
    assert web.last("catalog.create").outcome == "denied"
    doc = assert_problem(web.post("/catalog", actor=city.steward, json=entry(
        resource_path=HJ, items=items, share_type="conditional", share_condition="业务办理", open_type="none")),
        400, "catalog.incomplete")
    assert "share_basis" in doc["detail"]
    doc = assert_problem(web.post("/catalog", actor=city.steward, json=entry(
        resource_path=HJ, items=[{"name": "x", "type": "string", "column": "不存在"}], share_type="none",
        share_basis="x", open_type="none", open_basis="y")), 400)
    assert "items[0].column" in doc["detail"]


def test_check_after_a_regrade(city: City) -> None:
    web = city.api
    eid = web.post("/catalog", actor=city.steward, json=entry()).json()["id"]
    web.post(f"/catalog/{eid}/publish", actor=city.steward)
    assert web.get("/catalog/check", actor=city.secadmin).json() == {"checked": 1, "ok": True, "failing": []}
    r = web.call("PUT", "/resources/level", actor=city.secadmin, json={"path": GG, "level": 3})
    assert r.status_code == 200, r.text
    doc = web.get("/catalog/check", actor=city.steward).json()
    assert not doc["ok"] and [e["code"] for e in doc["failing"]] == ["GA-GG.001"]
    assert doc["failing"][0]["level"] == 3 and doc["failing"][0]["problems"]
    assert web.get("/catalog/check", actor=city.officer_wj).json()["failing"] == []  # not theirs
    assert web.get("/catalog", actor=city.user_wj, params={"compliant": "false"}).json()[0]["id"] == eid


def test_refusals(city: City) -> None:
    web = city.api
    eid = web.post("/catalog", actor=city.steward, json=entry()).json()["id"]
    assert_problem(web.post("/catalog", actor=city.officer_wj, json=entry(code="X.1")), 403, "catalog.not_provider")
    assert_problem(web.call("PATCH", f"/catalog/{eid}", actor=city.officer_wj, json={"name": "x"}), 403)
    assert_problem(web.post(f"/catalog/{eid}/publish", actor=city.user_wj), 403, "catalog.no_permission")
    assert_problem(web.post("/catalog", actor=city.steward, json=entry()), 409, "catalog.code_taken")
    assert_problem(web.post("/catalog", actor=city.steward, json=entry(code="X 1")), 400)
    assert_problem(web.post("/catalog", actor=city.steward, json=entry(format="pdf")), 422)
    assert_problem(web.post("/catalog", actor=city.steward, json=entry(extra=1)), 422)
    assert_problem(web.call("PATCH", f"/catalog/{eid}", actor=city.steward, json={"name": None}), 400)
    assert_problem(web.get("/catalog/999", actor=city.steward), 404)
    assert_problem(web.get("/catalog", actor=city.steward, params={"level": 4}), 422)


def test_draft_route(city: City) -> None:
    web = city.api
    r = web.post("/catalog/draft", actor=city.steward, json={"resource_path": HJ})
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["share_type"] == "conditional" and "第三十三条" in draft["share_basis"]
    draft["items"] = [{"name": "姓名", "type": "string", "column": "xm"}]
    created = web.post("/catalog", actor=city.steward, json=draft)
    assert created.status_code == 201, created.text
    assert created.json()["level"] == 3 and created.json()["compliant"]
    assert_problem(web.post("/catalog/draft", actor=city.officer_wj, json={"resource_path": HJ}), 403)
