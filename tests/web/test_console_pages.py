"""Console pages of issue 4: register a source and scan it with live progress, export the inventory,
read the notifications of scan changes."""

from __future__ import annotations

import io
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient

from shuan.identity.roles import Role
from shuan.web.console import sourcekit
from tests.web.conftest import SECADMIN_NAME, Api
from tests.web.consolekit import browser, console_login, csrf_of

HIDDEN_DIR = "loc-marker-7f3a"


def tiny_csv(tmp: Path) -> Path:
    folder = tmp / HIDDEN_DIR
    folder.mkdir()
    path = folder / "people.csv"
    path.write_text("姓名,手机号,备注\n" + "".join(f"张{i},1380013{i:04d},x\n" for i in range(20)), encoding="utf-8")
    return path


def register(client: TestClient, token: str, **fields: Any) -> Any:
    return client.post("/console/sources", data={"csrf_token": token, **fields})


def registered(api: Api, client: TestClient, token: str, location: Path) -> int:
    r = register(client, token, name="people", location=str(location), department=str(api.root_id),
                 responsible=SECADMIN_NAME, schedule_hours="24")
    assert r.status_code == 303, r.text[-1500:]
    m = re.fullmatch(r"/console/sources/(\d+)", r.headers["location"])
    assert m, r.headers["location"]
    return int(m.group(1))


def scanned(api: Api, client: TestClient, token: str, source_id: int) -> None:
    r = client.post(f"/console/sources/{source_id}/scan", data={"csrf_token": token})
    assert r.status_code == 202, r.text[-1500:]
    state = sourcekit.scan_registry(api.app.state).wait(source_id, 60)
    assert state is not None and state.finished and state.error is None, state


def test_register_through_the_form_and_refusals_never_echo_the_location(api: Api, tmp_path: Path) -> None:
    location = tiny_csv(tmp_path)
    secadmin = api.officer(Role.SECADMIN)
    other = api.department("交通运输局")
    steward = api.user("zhou.ba", Role.STEWARD, department_id=other)
    # a steward of another department: the form offers only the own department; the root's is refused
    client = browser(api)
    token = console_login(api, client, steward)
    form = client.get("/console/sources/new")
    assert form.status_code == 200 and 'name="location"' in form.text
    assert re.findall(r'<option value="(\d+)"', form.text) == [str(other)]
    denied = len(api.events("source.register"))
    r = register(client, token, name="people", location=str(location), department=str(api.root_id),
                 responsible=SECADMIN_NAME)
    assert r.status_code == 403 and 'role="alert"' in r.text
    assert HIDDEN_DIR not in r.text and str(location) not in r.text
    assert api.events("source.register")[denied:][-1].outcome == "denied"
    # the security administrator: a conflict re-renders the form with what was typed, except the location
    client = browser(api)
    token = console_login(api, client, secadmin)
    form = client.get("/console/sources/new")
    assert str(other) in re.findall(r'<option value="(\d+)"', form.text)
    r = register(client, token, name="people", location=str(location), department=str(api.root_id),
                 responsible="zhou.ba")
    assert r.status_code == 409 and 'role="alert"' in r.text and "zhou.ba" in r.text
    assert 'value="people"' in r.text
    assert HIDDEN_DIR not in r.text
    r = register(client, token, name="people", location="", department=str(api.root_id), responsible=SECADMIN_NAME)
    assert r.status_code == 400 and 'role="alert"' in r.text
    source_id = registered(api, client, token, location)
    listing = client.get("/console/sources")
    assert listing.status_code == 200 and f'href="/console/sources/{source_id}"' in listing.text
    assert "每 24 小时" in listing.text and "尚未扫描" in listing.text
    assert api.last("source.register").outcome == "success"


def test_scan_with_live_progress_then_history(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secadmin = api.officer(Role.SECADMIN)
    client = browser(api)
    token = console_login(api, client, secadmin)
    source_id = registered(api, client, token, tiny_csv(tmp_path))
    # hold the scan after its first progress report, to see it running
    gate, reported = threading.Event(), threading.Event()
    real = sourcekit.scan_source

    def held(platform: Any, *, actor: Any, source_id: int, progress: Any = None) -> Any:
        def report(table: str, done: int, total: int, rows: int) -> None:
            progress(table, done, total, rows)
            reported.set()
            assert gate.wait(30)

        return real(platform, actor=actor, source_id=source_id, progress=report)

    monkeypatch.setattr(sourcekit, "scan_source", held)
    page = client.get(f"/console/sources/{source_id}")
    assert page.status_code == 200 and 'hx-post="/console/sources/' in page.text
    r = client.post(f"/console/sources/{source_id}/scan", data={"csrf_token": token},
                    headers={"HX-Request": "true", "HX-Target": "scan-progress"})
    assert r.status_code == 202 and "<html" not in r.text and "已开始扫描" in r.text
    assert 'hx-trigger="every 1s"' in r.text
    assert reported.wait(30)
    again = client.post(f"/console/sources/{source_id}/scan", data={"csrf_token": token})
    assert again.status_code == 409 and "正在扫描" in again.text
    running = client.get(f"/console/sources/{source_id}/progress")
    assert running.status_code == 200 and 'hx-trigger="every 1s"' in running.text
    assert "<progress" in running.text and "people" in running.text
    gate.set()
    state = sourcekit.scan_registry(api.app.state).wait(source_id, 60)
    assert state is not None and state.finished and state.error is None and state.scan_id, state
    done = client.get(f"/console/sources/{source_id}/progress")
    assert done.status_code == 200 and "hx-trigger" not in done.text and 'data-finished="true"' in done.text
    detail = client.get(f"/console/sources/{source_id}")
    assert f"#{state.scan_id}" in detail.text and "completed" in detail.text
    assert api.last("source.scan").outcome == "success"
    listing = client.get("/console/sources")
    assert "尚未扫描" not in listing.text and "第 " in listing.text


def test_export_downloads_an_xlsx_and_is_audited(api: Api, tmp_path: Path) -> None:
    secadmin = api.officer(Role.SECADMIN)
    client = browser(api)
    token = console_login(api, client, secadmin)
    scanned(api, client, token, registered(api, client, token, tiny_csv(tmp_path)))
    form = client.get("/console/exports")
    assert form.status_code == 200 and 'value="xlsx"' in form.text and "全市" in form.text
    r = client.post("/console/exports", data={"csrf_token": token, "format": "xlsx", "department": ""})
    assert r.status_code == 200, r.text[-1000:]
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert f"filename*=UTF-8''{quote('分类分级清单.xlsx')}" in r.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames
    event = api.last("inventory.export")
    assert event.outcome == "success" and event.actor == secadmin.username
    assert api.details(event)["format"] == "xlsx" and api.details(event)["file"] == "分类分级清单.xlsx"
    # a steward of another department may not export the root department
    other = api.department("交通运输局")
    steward = api.user("zhou.ba", Role.STEWARD, department_id=other)
    client = browser(api)
    token = console_login(api, client, steward)
    form = client.get("/console/exports")
    assert form.status_code == 200 and "全市" not in form.text
    r = client.post("/console/exports", data={"csrf_token": token, "format": "csv", "department": str(api.root_id)})
    assert r.status_code == 403 and 'role="alert"' in r.text
    assert api.last("inventory.export").outcome == "denied"
    bad = client.post("/console/exports", data={"csrf_token": token, "format": "../x", "department": ""})
    assert bad.status_code == 400


def test_notifications_listed_and_marked_read(api: Api, tmp_path: Path) -> None:
    secadmin = api.officer(Role.SECADMIN)
    client = browser(api)
    token = console_login(api, client, secadmin)
    scanned(api, client, token, registered(api, client, token, tiny_csv(tmp_path)))  # secadmin is responsible
    page = client.get("/console/notifications")
    assert page.status_code == 200 and "1 条未读" in page.text
    ids = re.findall(r'action="/console/notifications/(\d+)/read"', page.text)
    assert len(ids) == 1
    note = ids[0]
    # someone else cannot mark it
    other = browser(api)
    other_token = console_login(api, other, api.user("qian.qi", Role.DATA_USER))
    assert "标为已读" not in other.get("/console/notifications").text
    r = other.post(f"/console/notifications/{note}/read", data={"csrf_token": other_token})
    assert r.status_code == 403 and 'role="alert"' in r.text
    assert api.last("notification.read").outcome == "denied"
    # the recipient marks it read with htmx: the item and the nav count are swapped
    r = client.post(f"/console/notifications/{note}/read", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert r.status_code == 200 and "<html" not in r.text
    assert f'id="note-{note}"' in r.text and 'hx-swap-oob="true"' in r.text and "条未读" not in r.text
    page = client.get("/console/notifications")
    assert "条未读" not in page.text and "标为已读" not in page.text
    # without htmx: a redirect back to the list
    r = client.post(f"/console/notifications/{note}/read", data={"csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/console/notifications"


def test_new_pages_send_no_inline_script_or_style(api: Api, tmp_path: Path) -> None:
    secadmin = api.officer(Role.SECADMIN)
    client = browser(api)
    token = console_login(api, client, secadmin)
    source_id = registered(api, client, token, tiny_csv(tmp_path))
    for path in ("/console/sources", "/console/sources/new", f"/console/sources/{source_id}", "/console/exports",
                 "/console/notifications"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "<script>" not in r.text and " style=" not in r.text and "onclick" not in r.text, path
        assert csrf_of(r.text)
        for field_id in re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', r.text):
            assert f'for="{field_id}"' in r.text, (path, field_id)  # every field has its label
