"""Share requests over REST (/api/v1/share-requests): the whole workflow with real accounts signing their
decisions, refusals as problem documents with audit events, garbage input as 4xx."""

# ruff: noqa: F811 - the web fixtures imported from tests.web.conftest are parameters here

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from shuan.access import register_resource
from shuan.identity.principal import SYSTEM
from shuan.identity.roles import Role
from tests.sharing.conftest import add_entry
from tests.web.conftest import (  # noqa: F401 - fixtures
    GOOD_PASSWORD,
    OFFICER_PASSWORD,
    Actor,
    Api,
    api,
    assert_problem,
    clock,
    fast_argon2,
    migrated_template,
    platform,
)

HJ = "src:公安/tbl:户籍"


@dataclass
class Town:
    api: Api
    ga: int
    wj: int
    authority: Actor  # the bootstrapped 安全管理员 of the root department
    officer: Actor  # 公安局's data security officer
    asker: Actor  # 卫健委's data user
    outsider: Actor  # 民政局's data user
    entry: int


@pytest.fixture
def town(api: Api) -> Town:
    api.bootstrap_admin()
    ga, wj, mz = api.department("公安局"), api.department("卫健委"), api.department("民政局")
    register_resource(api.platform, SYSTEM, "src:公安", owner_department_id=ga, level=1)
    register_resource(api.platform, SYSTEM, HJ, level=2)
    register_resource(api.platform, SYSTEM, f"{HJ}/col:姓名")
    entry = add_entry(api.platform, "HJ-001", resource=HJ, provider=ga)
    return Town(
        api,
        ga,
        wj,
        api.officer(Role.SECADMIN),
        api.user("ga.officer", Role.DEPT_SECURITY_OFFICER, department_id=ga),
        api.user("wj.user", department_id=wj),
        api.user("mz.user", department_id=mz),
        entry,
    )


def body(t: Town, **over: Any) -> dict[str, Any]:
    until = (t.api.clock.now() + timedelta(days=60)).isoformat()
    base: dict[str, Any] = {
        "entry_id": t.entry,
        "purpose": "核验低保申请人户籍",
        "scenario": "sharing",
        "columns": ["姓名"],
        "valid_until": until,
        "legal_basis": "《社会救助暂行办法》",
    }
    return base | over


def test_the_workflow_over_rest(town: Town) -> None:
    t, api = town, town.api
    r = api.post("/share-requests", actor=t.asker, json=body(t))
    assert r.status_code == 201, r.text
    doc = r.json()
    rid = doc["id"]
    assert doc["status"] == "authority_review" and doc["due_at"] and doc["requester_department_id"] == t.wj
    assert [d["id"] for d in api.get("/share-requests", actor=t.asker, params={"scope": "mine"}).json()] == [
        rid
    ]
    awaiting = api.get("/share-requests", actor=t.authority, params={"scope": "awaiting"}).json()
    assert [d["id"] for d in awaiting] == [rid]
    assert_problem(api.get(f"/share-requests/{rid}", actor=t.outsider), 404, "share.request_unknown")
    assert api.get("/share-requests", actor=t.outsider).json() == []

    # the decisions need their role (refused before any lookup) and the decider's own password
    assert_problem(
        api.post(
            f"/share-requests/{rid}/authority-check",
            actor=t.asker,
            json={"outcome": "pass", "signing_password": GOOD_PASSWORD},
        ),
        403,
        "share.not_authority",
    )
    assert api.last("share.authority_check").outcome == "denied"
    assert_problem(
        api.post(
            f"/share-requests/{rid}/authority-check",
            actor=t.authority,
            json={"outcome": "pass", "signing_password": "wrong-password-1"},
        ),
        401,
    )
    assert_problem(
        api.post(
            f"/share-requests/{rid}/authority-check",
            actor=t.authority,
            json={"outcome": "refuse", "signing_password": OFFICER_PASSWORD},
        ),
        400,
        "access.bad_field",
    )
    r = api.post(
        f"/share-requests/{rid}/authority-check",
        actor=t.authority,
        json={"outcome": "pass", "signing_password": OFFICER_PASSWORD},
    )
    assert r.status_code == 200 and r.json()["status"] == "provider_review", r.text

    review = {
        "outcome": "approve",
        "signing_password": GOOD_PASSWORD,
        "row_filter": [{"column": "区县", "op": "=", "value": "任城区"}],
    }
    assert_problem(
        api.post(f"/share-requests/{rid}/review", actor=t.outsider, json=review), 403, "share.not_provider"
    )
    r = api.post(f"/share-requests/{rid}/review", actor=t.officer, json=review)
    assert r.status_code == 200, r.text
    doc = r.json()
    assert (
        doc["status"] == "approved"
        and len(doc["grant_ids"]) == 1
        and doc["masking_profile"] == "department_sharing"
    )
    assert [(d["stage"], d["outcome"], d["valid"]) for d in doc["decisions"]] == [
        ("authority", "pass", True),
        ("provider", "approve", True),
    ]
    grant = api.get(f"/grants/{doc['grant_ids'][0]}", actor=t.asker).json()
    assert grant["subject_kind"] == "department" and grant["subject_id"] == t.wj
    assert grant["resource"] == f"{HJ}/col:姓名"

    r = api.get(f"/share-requests/{rid}/verify", actor=t.asker)
    assert r.status_code == 200 and r.json()["valid"] is True and len(r.json()["decisions"]) == 2

    r = api.post(f"/share-requests/{rid}/renew", actor=t.asker, json={})
    assert r.status_code == 201 and r.json()["renews_request_id"] == rid
    renewal = r.json()["id"]
    r = api.post(f"/share-requests/{renewal}/withdraw", actor=t.asker, json={"reason": "改日再申请"})
    assert r.status_code == 200 and r.json()["status"] == "withdrawn"

    r = api.post(
        f"/share-requests/{rid}/revoke",
        actor=t.officer,
        json={"reasons": "用途已完成", "signing_password": GOOD_PASSWORD},
    )
    assert r.status_code == 200 and r.json()["status"] == "revoked", r.text
    assert api.get(f"/grants/{doc['grant_ids'][0]}", actor=t.officer).json()["status"] == "revoked"
    assert_problem(
        api.post(f"/share-requests/{rid}/renew", actor=t.asker, json={}), 409, "share.renew_status"
    )


@pytest.mark.parametrize(
    ("over", "status", "key"),
    [
        ({"columns": ["银行卡号"]}, 400, "access.bad_field"),
        ({"scenario": "opening"}, 403, "share.opening_level"),
        ({"scenario": "selling"}, 422, None),
        ({"entry_id": 999999}, 404, "share.entry_unknown"),
        ({"extra": 1}, 422, None),
        ({"entry_id": "1"}, 422, None),
        ({"valid_until": "2020-01-01T00:00:00+08:00"}, 400, "access.bad_field"),
        ({"purpose": "a\x00b"}, 422, None),
    ],
)
def test_bad_submissions_are_4xx(town: Town, over: dict[str, Any], status: int, key: str | None) -> None:
    r = town.api.post("/share-requests", actor=town.asker, json=body(town, **over))
    doc = assert_problem(r, status, key)
    assert doc["detail"]


def test_own_department_and_garbage_ids(town: Town) -> None:
    api = town.api
    assert_problem(
        api.post("/share-requests", actor=town.officer, json=body(town)), 409, "share.own_department"
    )
    assert_problem(api.get("/share-requests/0", actor=town.asker), 422)
    assert_problem(api.get("/share-requests/99999", actor=town.asker), 404)
    assert_problem(api.get("/share-requests", actor=town.asker, params={"scope": "x"}), 422)
    assert_problem(api.post("/share-requests/1/withdraw", actor=town.asker, json={"reason": 5}), 422)
