"""REST of masking, fingerprinted extracts, leak tracing and the release check (issue 5 item 8): a registered
source masked by its department's steward with a download of the output, refusals audited (a 数据使用者,
another department), extracts delivered, listed, downloaded and traced back to their recipient, bad
uploads refused with one line (4xx, never 5xx), and the release check of an uploaded file."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from shuan.crypto.sm3 import SM3
from shuan.identity.roles import Role
from shuan.inventory.sources import register_source
from shuan.web.middleware import MAX_BODY_BYTES, UPLOAD_BODY_BYTES
from tests.protect.test_tracing import masked_extract
from tests.web.conftest import Actor, Api, assert_problem
from tests.web.consolekit import principal

PHONES = [f"1380013{i:04d}" for i in range(600)]


def people_csv(path: Path, rows: int = 600) -> Path:
    """Rows with carriers for fingerprints (decimals, Chinese prose) and raw mobile numbers to mask."""
    frame = masked_extract(rows=rows, seed=7).with_columns(pl.Series("联系电话", PHONES[:rows]))
    frame.write_csv(path)
    return path


@dataclass
class World:
    api: Api
    dept_a: int
    dept_b: int
    steward_a: Actor
    officer_b: Actor
    user: Actor
    secadmin: Actor
    source_id: int
    name: str


@pytest.fixture
def world(api: Api, tmp_path: Path) -> World:
    api.bootstrap_admin()
    dept_a = api.department("公安局")
    dept_b = api.department("卫健委")
    steward_a = api.user("guan.li", Role.STEWARD, department_id=dept_a)
    officer_b = api.user("an.fu", Role.DEPT_SECURITY_OFFICER, department_id=dept_b)
    user = api.user("shi.yong", department_id=dept_a)
    secadmin = api.officer(Role.SECADMIN)
    view = register_source(api.platform, actor=principal(api, secadmin), name="人口", department_id=dept_a,
                           location=str(people_csv(tmp_path / "people.csv")), responsible_username="guan.li")
    return World(api, dept_a, dept_b, steward_a, officer_b, user, secadmin, view.id, view.name)


def denied(api: Api, action: str, actor: str) -> int:
    return len([e for e in api.events(action) if e.outcome == "denied" and e.actor == actor])


def upload(name: str, content: bytes, ctype: str = "text/csv") -> dict[str, Any]:
    return {"file": (name, io.BytesIO(content), ctype)}


# -- masking ----------------------------------------------------------------------------------------------


def test_profiles_are_readable_by_every_full_session(world: World) -> None:
    r = world.api.get("/masking/profiles", actor=world.user)
    assert r.status_code == 200, r.text
    profiles = {p["id"]: p for p in r.json()}
    assert set(profiles) == {"dev_test", "statistics", "department_sharing", "open_data"}
    assert profiles["dev_test"]["label"] == "开发测试"
    assert profiles["dev_test"]["rules"]["cn_mobile"]["operator"] == "fake"
    assert profiles["dev_test"]["rules"]["cn_mobile"]["origin"] == "scenario"


def test_steward_masks_the_own_departments_source_and_downloads_it(world: World) -> None:
    api = world.api
    r = api.post("/masking/runs", actor=world.steward_a,
                 json={"source_id": world.source_id, "profile": "statistics", "purpose": "统计分析",
                       "rules": {"columns": {"备注": {"operator": "suppress"}}}})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["rows"] == 600 and doc["values"] > 600 and doc["profile"] == "statistics"
    [table] = doc["tables"]
    columns = {c["name"]: c for c in table["columns"]}
    assert columns["联系电话"]["values"] == 600 and columns["备注"]["operator"] == "suppress"
    assert len(doc["files"]) == 1
    event = api.last("masking.run")
    assert event.outcome == "success" and event.resource == "src:人口"
    details = api.details(event)
    assert details["run"] == doc["run"] and details["department_id"] == world.dept_a
    # the download is audited and carries no original number
    r = api.get(f"/masking/runs/{doc['run']}/download", actor=world.steward_a, params={"file": doc["files"][0]})
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"].startswith("attachment")
    text = r.content.decode("utf-8-sig")
    assert "联系电话" in text and not any(p in text for p in PHONES[:50])
    assert api.last("masking.download").outcome == "success"
    # listed for the steward and the auditor, not for another department's officer
    assert [x["run"] for x in api.get("/masking/runs", actor=world.steward_a).json()][:1] == [doc["run"]]
    assert doc["run"] in [x["run"] for x in api.get("/masking/runs", actor=api.officer(Role.AUDITOR)).json()]
    assert doc["run"] not in [x["run"] for x in api.get("/masking/runs", actor=world.officer_b).json()]
    # another department's officer may not download it
    r = api.get(f"/masking/runs/{doc['run']}/download", actor=world.officer_b, params={"file": doc["files"][0]})
    assert_problem(r, 403)
    assert denied(api, "masking.download", "an.fu") == 1


@pytest.mark.parametrize(("who", "status", "key"), [
    ("user", 403, "masking.role_denied"),  # a 数据使用者
    ("officer_b", 403, "sources.denied"),  # the source belongs to another department
])
def test_masking_refusals_are_audited(world: World, who: str, status: int, key: str) -> None:
    actor: Actor = getattr(world, who)
    r = world.api.post("/masking/runs", actor=actor,
                       json={"source_id": world.source_id, "profile": "dev_test", "purpose": "测试"})
    assert_problem(r, status, key)
    assert denied(world.api, "masking.run", actor.username) == 1
    assert not list(world.api.platform.settings.home.joinpath("exports", "masked").glob("*/out/*"))


@pytest.mark.parametrize(("body", "status", "key"), [
    ({"source_id": 999, "profile": "dev_test", "purpose": "x"}, 404, "sources.not_found"),
    ({"source_id": 0, "profile": "dev_test", "purpose": "x"}, 422, "api.invalid_request"),
    ({"source_id": 1, "profile": "nope", "purpose": "x"}, 422, "api.invalid_request"),
    ({"source_id": "S", "profile": "dev_test", "purpose": "x", "rules": {"bogus": {}}}, 400, "protect.overrides_field"),
    ({"source_id": "S", "profile": "dev_test", "purpose": "x", "rules": {"columns": {"备注": {"operator": "zap"}}}},
     400, "masking.rules_field"),
    ({"source_id": "S", "profile": "dev_test", "purpose": "x", "rules": {"types": []}}, 400, "masking.rules_field"),
    ({"source_id": "S", "profile": "dev_test", "purpose": ""}, 422, "api.invalid_request"),
])
def test_bad_masking_requests_are_4xx_with_one_line(world: World, body: dict[str, Any], status: int,
                                                    key: str) -> None:
    if body["source_id"] == "S":
        body = {**body, "source_id": world.source_id}
    r = world.api.post("/masking/runs", actor=world.steward_a, json=body)
    doc = assert_problem(r, status, key)
    assert "rules.json" not in doc["detail"] and str(world.api.platform.settings.home) not in doc["detail"]


def test_data_user_may_not_list_masking_runs(world: World) -> None:
    assert_problem(world.api.get("/masking/runs", actor=world.user), 403, "protect.runs_denied")
    assert denied(world.api, "masking.list", "shi.yong") == 1


# -- extracts and tracing -----------------------------------------------------------------------------------


def test_extract_delivered_listed_downloaded_and_traced(world: World) -> None:
    api = world.api
    r = api.post("/extracts", actor=world.steward_a, json={
        "source_id": world.source_id, "recipient": f"department:{world.dept_b}", "purpose": "疫情防控统计"})
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["recipient_name"] == "卫健委" and doc["row_count"] == 600 and doc["marked_cells"] > 100
    event = api.last("extract.deliver")
    assert event.outcome == "success" and event.resource == f"extract:{doc['id']}"
    # the register: the providing department and the administrators, not the recipient's officer
    assert [e["id"] for e in api.get("/extracts", actor=world.steward_a).json()] == [doc["id"]]
    assert [e["id"] for e in api.get("/extracts", actor=world.secadmin).json()] == [doc["id"]]
    assert api.get("/extracts", actor=world.officer_b).json() == []
    assert_problem(api.get("/extracts", actor=world.user), 403, "protect.register_denied")
    # the download matches the registered digest
    r = api.get(f"/extracts/{doc['id']}/download", actor=world.steward_a)
    assert r.status_code == 200
    h = SM3()
    h.update(r.content)
    assert h.hexdigest() == doc["output_digest"]
    assert api.last("extract.download").outcome == "success"
    assert_problem(api.get(f"/extracts/{doc['id']}/download", actor=world.officer_b), 403)
    # a part of the copy, re-encoded, is traced back to the recipient (audited)
    part = pl.read_csv(io.BytesIO(r.content), infer_schema=False).sample(fraction=0.5, seed=3)
    buf = io.BytesIO()
    part.write_csv(buf)
    r = api.post("/trace", actor=world.secadmin, files=upload("found.csv", buf.getvalue()))
    assert r.status_code == 200, r.text
    found = r.json()
    assert found["found"] is True and found["recipient"]["name"] == "卫健委"
    assert found["file"] == "found.csv" and found["lines"]
    assert api.last("extract.trace").outcome == "success"
    assert not list(api.platform.settings.home.joinpath("uploads").glob("*/*"))  # the upload is gone


def test_extract_refusals(world: World) -> None:
    api = world.api
    body = {"source_id": world.source_id, "recipient": f"department:{world.dept_b}", "purpose": "x"}
    assert_problem(api.post("/extracts", actor=world.user, json=body), 403, "tracing.deliver_denied")
    assert denied(api, "extract.deliver", "shi.yong") == 1
    assert_problem(api.post("/extracts", actor=world.officer_b, json=body), 403, "sources.denied")
    assert denied(api, "extract.deliver", "an.fu") == 1
    assert_problem(api.post("/extracts", actor=world.steward_a, json={**body, "recipient": "user:nobody"}), 404)
    assert_problem(api.get("/extracts/99/download", actor=world.steward_a), 404, "protect.extract_not_found")


@pytest.mark.parametrize(("files", "status", "key"), [
    (None, 400, "protect.upload_missing"),
    (upload("empty.csv", b""), 400, "protect.upload_empty"),
    (upload("notes.txt", b"a,b\n1,2\n"), 400, "protect.upload_format"),
    (upload("noext", b"a,b\n1,2\n"), 400, "protect.upload_format"),
    (upload("bad.parquet", b"\x00garbage" * 100, "application/octet-stream"), 400, None),
    (upload("bad.xlsx", b"PK\x03\x04garbage" * 100, "application/octet-stream"), 400, None),
    (upload("big.csv", b"a\n" + b"1\n" * (UPLOAD_BODY_BYTES // 2)), 413, "api.body_too_large"),
])
def test_bad_uploads_are_refused_with_one_line(world: World, files: Any, status: int, key: str | None) -> None:
    for path, extra in (("/trace", {}), ("/release-check", {"data": {"target": "open"}})):
        r = world.api.post(path, actor=world.secadmin, files=files, **extra)
        assert_problem(r, status, key)


def test_uploads_may_be_larger_than_other_bodies(world: World, tmp_path: Path) -> None:
    content = b"a,b\n" + b"12345,67890\n" * (2 * MAX_BODY_BYTES // 12)
    assert MAX_BODY_BYTES < len(content) < UPLOAD_BODY_BYTES
    r = world.api.post("/release-check", actor=world.user, files=upload("large.csv", content),
                       data={"target": "stats", "qi": "a"})
    assert r.status_code == 200, r.text


def test_data_user_may_not_trace(world: World) -> None:
    r = world.api.post("/trace", actor=world.user, files=upload("x.csv", b"a\n1\n"))
    assert_problem(r, 403, "tracing.trace_denied")
    assert denied(world.api, "extract.trace", "shi.yong") == 1


# -- release check -----------------------------------------------------------------------------------------


def test_release_check_of_an_upload(world: World, tmp_path: Path) -> None:
    content = people_csv(tmp_path / "p.csv", rows=200).read_bytes()
    r = world.api.post("/release-check", actor=world.user, files=upload("人口.csv", content),
                       data={"target": "open", "qi": "出生年月,登记日期", "k": "5"})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["verdict"] == "refuse" and doc["source"] == "人口.csv"
    assert doc["quasi_identifiers"] == ["出生年月", "登记日期"] and doc["k_anonymity"]["target"] == 5
    event = world.api.last("release.check")
    assert event.actor == "shi.yong" and event.outcome == "denied"
    assert json.loads(event.details)["verdict"] == "refuse"
    r = world.api.post("/release-check", actor=world.user, files=upload("人口.csv", content),
                       data={"target": "open", "qi": "没有这列"})
    assert_problem(r, 400)
    r = world.api.post("/release-check", actor=world.user, files=upload("人口.csv", content),
                       data={"target": "publish"})
    assert_problem(r, 422, "api.invalid_request")


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".xlsx", ".parquet"])
def test_random_bytes_are_never_a_server_error(world: World, suffix: str) -> None:
    import random

    rng = random.Random(suffix)
    for size in (1, 7, 300, 5000):
        content = bytes(rng.randrange(256) for _ in range(size))
        for path, extra in (("/trace", {}), ("/release-check", {"data": {"target": "stats"}})):
            r = world.api.post(path, actor=world.secadmin, files=upload(f"x{suffix}", content), **extra)
            assert r.status_code in (200, 400), (path, size, r.text)
            if r.status_code == 400:
                assert_problem(r, 400)
