"""A table's page shows the kept sample values masked; a reviewer reveals one column's values with a
reason (audited, never cached, escaped); a refusal is a page and an audited denial."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from shuan.identity.roles import Role
from shuan.store.models import TableAsset
from tests.web.conftest import Api
from tests.web.consolekit import EVIL_COLUMN, browser, console_login, registered_evil_source


def evil_table(api: Api, tmp_path: Path) -> tuple[int, dict[str, object]]:
    made = registered_evil_source(api, tmp_path)
    with api.platform.store.sessions() as s:
        table_id = s.scalar(select(TableAsset.id).where(TableAsset.scan_id == made["scan"].scan_id))  # type: ignore[attr-defined]
    assert table_id is not None
    return table_id, made


def test_masked_by_default_revealed_with_a_reason(api: Api, tmp_path: Path) -> None:
    table_id, made = evil_table(api, tmp_path)
    client = browser(api)
    token = console_login(api, client, made["secadmin"])  # type: ignore[arg-type]
    page = client.get(f"/console/tables/{table_id}")
    assert page.status_code == 200
    assert "样本值（已脱敏）" in page.text and "138****" in page.text
    assert "13800130001" not in page.text  # a raw value is never on the page by default
    assert "<b>x" not in page.text and "<script>r" not in page.text

    r = client.post(f"/console/tables/{table_id}/reveal",
                    data={"csrf_token": token, "column": EVIL_COLUMN, "reason": "核对分类"})
    assert r.status_code == 200, r.text[-800:]
    assert r.headers["cache-control"] == "no-store"
    assert "&lt;b&gt;x" in r.text and "<b>x" not in r.text  # revealed values are escaped like every value
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in r.text and EVIL_COLUMN not in r.text
    event = api.last("inventory.reveal")
    assert event.outcome == "success" and json.loads(event.details)["reason"] == "核对分类"
    assert "<b>x" not in str(event.details)

    r = client.post(f"/console/tables/{table_id}/reveal", data={"csrf_token": token, "column": "手机号",
                                                                "reason": ""})
    assert r.status_code == 400 and 'role="alert"' in r.text
    assert api.last("inventory.reveal").outcome == "failure"

    r = client.post(f"/console/tables/{table_id}/reveal", data={"column": "手机号", "reason": "x"})
    assert r.status_code == 403  # no CSRF token


def test_a_user_outside_the_owning_department_is_refused(api: Api, tmp_path: Path) -> None:
    table_id, _ = evil_table(api, tmp_path)
    other = api.department("卫健委")
    officer = api.user("wj.officer", Role.DEPT_SECURITY_OFFICER, department_id=other)
    client = browser(api)
    token = console_login(api, client, officer)
    r = client.post(f"/console/tables/{table_id}/reveal", data={"csrf_token": token, "column": "手机号",
                                                                "reason": "看看"})
    assert r.status_code == 403 and 'role="alert"' in r.text
    assert api.last("inventory.reveal").outcome == "denied"
