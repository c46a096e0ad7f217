"""REST over registered sources, reviews, sample reveals and reports: the same services as the console and
the CLI; the location never comes back; refusals are problem+json and audited."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import openpyxl

from shuan.identity.roles import Role
from tests.web.conftest import SECADMIN_NAME, Api, assert_problem

PASSWORD = "s3cret-口令"


def people_db(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE rk (xm TEXT, sjhm TEXT, bz TEXT)")
    con.executemany("INSERT INTO rk VALUES (?, ?, ?)",
                    [(f"张{i}", f"1391234{i:04d}", f"备注{i}") for i in range(40)])
    con.commit()
    con.close()
    return path


def test_register_scan_review_reveal_and_report(api: Api, tmp_path: Path) -> None:
    secadmin = api.officer(Role.SECADMIN)
    location = str(people_db(tmp_path / "people.db"))
    r = api.post("/sources", actor=secadmin, json={"name": "人口库", "location": location,
                                                    "department_id": api.root_id, "responsible": SECADMIN_NAME,
                                                    "schedule_hours": 24})
    assert r.status_code == 201, r.text
    source = r.json()
    assert source["display"] and "location" not in source and source["resource"] == "src:人口库"

    r = api.post(f"/sources/{source['id']}/scan", actor=secadmin)
    assert r.status_code == 200, r.text
    scan = r.json()
    assert scan["status"] == "completed" and scan["tables"] == 1 and scan["max_level"] >= 2
    history = api.get(f"/sources/{source['id']}/scans", actor=secadmin).json()
    assert [h["scan_id"] for h in history] == [scan["scan_id"]]

    record = api.platform.store
    with record.sessions() as s:
        from sqlalchemy import select

        from shuan.store.models import ScanRun, TableAsset

        source_record_id, table_id = s.execute(
            select(ScanRun.source_id, TableAsset.id).join(TableAsset, TableAsset.scan_id == ScanRun.id)
            .where(ScanRun.id == scan["scan_id"])).one()

    r = api.post("/reviews", actor=secadmin, json={
        "source_record_id": source_record_id, "table": "rk", "column": "bz", "decision": "override", "level": 2,
        "reason": "备注含个人信息"})
    assert r.status_code == 201, r.text
    assert r.json()["level"] == 2 and r.json()["reviewer"] == secadmin.username
    listed = api.get("/reviews", actor=secadmin, params={"source_record_id": source_record_id}).json()
    assert [(v["column"], v["decision"]) for v in listed] == [("bz", "override")]

    r = api.post(f"/tables/{table_id}/reveal", actor=secadmin, json={"column": "sjhm", "reason": "核对"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    values = r.json()["values"]
    assert len(values) == 5 and all(v.startswith("1391234") for v in values)
    assert json.loads(api.last("inventory.reveal").details)["values"] == 5

    r = api.get("/inventory/report", actor=secadmin)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    doc = r.json()
    summary = doc["report"]
    assert summary["totals"]["tables"] == 1 and summary["totals"]["sources"] == 1, str(doc)[:300]
    r = api.get("/inventory/report", actor=secadmin, params={"format": "xlsx"})
    assert r.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames
    assert api.last("inventory.export").outcome == "success"


def test_location_with_a_password_never_comes_back(api: Api) -> None:
    secadmin = api.officer(Role.SECADMIN)
    url = f"postgresql://hj:{PASSWORD}@127.0.0.1:1/none"
    r = api.post("/sources", actor=secadmin, json={"name": "户籍", "location": url, "department_id": api.root_id,
                                                    "responsible": SECADMIN_NAME})
    assert r.status_code == 201, r.text
    assert PASSWORD not in r.text and "***" in r.json()["display"]
    for path in ("/sources", f"/sources/{r.json()['id']}"):
        assert PASSWORD not in api.get(path, actor=secadmin).text
    r = api.post(f"/sources/{r.json()['id']}/scan", actor=secadmin)  # unreachable: one line, no password
    assert r.status_code >= 400 and PASSWORD not in r.text


BAD = [
    ({"name": "x", "location": "", "department_id": 1, "responsible": "a"}, 422),
    ({"name": "x", "location": "/x", "department_id": 0, "responsible": "a"}, 422),
    ({"name": "x", "location": "/x", "department_id": 1, "responsible": "a", "extra": 1}, 422),
    ({"name": "x", "location": "/x", "department_id": 1, "responsible": "a", "schedule_hours": -1}, 422),
    ({"name": "x", "location": "/x", "department_id": 1, "responsible": "nobody"}, 404),
]


def test_bad_bodies_are_refused_with_a_problem(api: Api) -> None:
    secadmin = api.officer(Role.SECADMIN)
    assert_problem(api.get("/inventory/report", actor=secadmin), 404, "store.no_scan")  # nothing scanned yet
    for body, code in BAD:
        assert_problem(api.post("/sources", actor=secadmin, json=body), code)
    r = api.post("/tables/1/reveal", actor=secadmin, json={"column": "c", "reason": "x"})
    assert_problem(r, 404)
    r = api.get("/inventory/report", actor=secadmin, params={"format": "exe"})
    assert_problem(r, 422)


def test_a_steward_of_another_department_cannot_scan_review_or_reveal(api: Api, tmp_path: Path) -> None:
    secadmin = api.officer(Role.SECADMIN)
    r = api.post("/sources", actor=secadmin, json={"name": "人口", "location": str(people_db(tmp_path / "p.db")),
                                                    "department_id": api.root_id, "responsible": SECADMIN_NAME})
    source_id = r.json()["id"]
    assert api.post(f"/sources/{source_id}/scan", actor=secadmin).status_code == 200
    other = api.department("卫健委")
    steward = api.user("wj.steward", Role.STEWARD, department_id=other)
    assert_problem(api.post(f"/sources/{source_id}/scan", actor=steward), 403)
    assert_problem(api.get(f"/sources/{source_id}", actor=steward), 403)
    assert api.get("/sources", actor=steward).json() == []
    assert api.last("source.scan").outcome == "denied"
