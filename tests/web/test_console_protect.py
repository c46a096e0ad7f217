"""Console pages 脱敏与发布 (issue 5 item 8): the scenarios' rules in Chinese, masking a registered source
from a form to a result page with counts and a working download, delivering an extract and its register,
tracing a found file, and the two-step release check of an upload whose column names are script-like
(escaped). Every POST needs the CSRF token; pages carry the console's CSP and no inline script or style."""

# ruff: noqa: F811 - the fixture imported from test_protect_api is a parameter here
from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl
import pytest
from fastapi.testclient import TestClient

from shuan.identity.roles import Role
from tests.web.conftest import Actor, Api
from tests.web.consolekit import EVIL_COLUMN, EVIL_TABLE, browser, console_login
from tests.web.test_protect_api import PHONES, World, world  # noqa: F401 - the fixture

LINK = re.compile(r'href="(/console/protect/(?:runs|extracts)/[^"]+/download[^"]*)"')


def logged_in(api: Api, actor: Actor) -> tuple[TestClient, str]:
    client = browser(api)
    return client, console_login(api, client, actor)


def no_inline(html: str) -> None:
    assert not re.search(r"<[^>]+\sstyle=", html) and "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"


def test_index_and_profiles_render_for_every_user(world: World) -> None:
    client, _ = logged_in(world.api, world.user)
    home = client.get("/console/")
    assert 'href="/console/protect"' in home.text and "脱敏与发布" in home.text
    index = client.get("/console/protect")
    assert index.status_code == 200
    assert "/console/protect/release" in index.text and "/console/protect/mask" not in index.text
    page = client.get("/console/protect/profiles")
    assert page.status_code == 200
    assert "开发测试" in page.text and "社会开放" in page.text and "手机号" in page.text and "仿真替换" in page.text
    assert "default-src 'none'" in page.headers["content-security-policy"]
    no_inline(page.text)


def test_steward_masks_from_the_form_and_downloads(world: World) -> None:
    client, token = logged_in(world.api, world.steward_a)
    form = client.get("/console/protect/mask")
    assert form.status_code == 200 and "人口" in form.text
    no_inline(form.text)
    body = {"source": str(world.source_id), "profile": "statistics", "purpose": "统计分析", "rules": ""}
    assert client.post("/console/protect/mask", data=body).status_code == 403  # no CSRF token
    r = client.post("/console/protect/mask", data={**body, "csrf_token": token})
    assert r.status_code == 200, r.text
    assert "脱敏完成" in r.text and "600" in r.text and "联系电话" in r.text
    [link] = LINK.findall(r.text)
    got = client.get(link.replace("&amp;", "&"))
    assert got.status_code == 200 and got.headers["content-disposition"].startswith("attachment")
    assert not any(p in got.content.decode("utf-8-sig") for p in PHONES[:50])
    # the run is listed under the form
    assert link.split("?")[0].split("/")[4] in client.get("/console/protect/mask").text
    # bad overrides: the form again, with one line
    r = client.post("/console/protect/mask", data={**body, "rules": "[1]", "csrf_token": token})
    assert r.status_code == 400 and 'role="alert"' in r.text and "rules" in r.text


def test_other_department_officer_is_refused_on_the_source(world: World) -> None:
    client, token = logged_in(world.api, world.officer_b)
    assert "人口" not in client.get("/console/protect/mask").text
    r = client.post("/console/protect/mask", data={"source": str(world.source_id), "profile": "dev_test",
                                                   "purpose": "x", "csrf_token": token})
    assert r.status_code == 403 and 'role="alert"' in r.text


def test_extract_deliver_register_download_and_trace(world: World) -> None:
    client, token = logged_in(world.api, world.steward_a)
    page = client.get("/console/protect/extracts")
    assert page.status_code == 200 and "人口" in page.text
    r = client.post("/console/protect/extracts", data={
        "source": str(world.source_id), "recipient": f"department:{world.dept_b}", "purpose": "疫情防控统计",
        "format": "csv", "csrf_token": token})
    assert r.status_code == 200, r.text
    assert "卫健委" in r.text and 'role="status"' in r.text
    link = LINK.findall(r.text)[0]
    copy = client.get(link)
    assert copy.status_code == 200
    # the security administrator traces a part of it
    admin, admin_token = logged_in(world.api, world.api.officer(Role.SECADMIN))
    part = pl.read_csv(io.BytesIO(copy.content), infer_schema=False).head(400)
    buf = io.BytesIO()
    part.write_csv(buf)
    r = admin.post("/console/protect/trace", data={"csrf_token": admin_token},
                   files={"file": ("发现的文件.csv", buf.getvalue(), "text/csv")})
    assert r.status_code == 200, r.text
    assert "已认定来源" in r.text and "卫健委" in r.text and "发现的文件.csv" in r.text
    r = admin.post("/console/protect/trace", data={"csrf_token": admin_token},
                   files={"file": ("notes.txt", b"a\n1\n", "text/plain")})
    assert r.status_code == 400 and 'role="alert"' in r.text


def evil_csv(path: Path) -> bytes:
    rows = [f'{i % 7},{1950 + i % 40},"<b>{i}</b>",{i % 3}' for i in range(120)]
    return (f'"{EVIL_COLUMN.replace(chr(34), chr(34) * 2)}",出生年份,{EVIL_TABLE},性别\n' + "\n".join(rows)).encode()


@pytest.mark.parametrize("chosen", [True, False])
def test_release_check_in_two_steps_escapes_file_names(world: World, tmp_path: Path, chosen: bool) -> None:
    client, token = logged_in(world.api, world.user)
    page = client.get("/console/protect/release")
    assert page.status_code == 200
    no_inline(page.text)
    content = evil_csv(tmp_path / "e.csv")
    r = client.post("/console/protect/release", data={"target": "open", "csrf_token": token},
                    files={"file": ("<i>名单</i>.csv", content, "text/csv")})
    assert r.status_code == 200, r.text
    assert "<img src=x" not in r.text and "<script>alert" not in r.text and "<i>名单" not in r.text
    assert "&lt;script&gt;" in r.text and "出生年份" in r.text
    upload = re.search(r'name="upload" value="([^"]+)"', r.text)
    assert upload
    data: dict[str, object] = {"upload": upload.group(1), "target": "open", "csrf_token": token}
    if chosen:
        data |= {"qi": ["出生年份", EVIL_COLUMN], "k": "5"}
    r = client.post("/console/protect/release/check", data=data)
    assert r.status_code == 200, r.text
    assert "结论" in r.text and "k-匿名" in r.text and "<img src=x" not in r.text
    no_inline(r.text)
    event = world.api.last("release.check")
    assert event.actor == "shi.yong"
    # the upload is gone after the check, and another user cannot use its id
    r = client.post("/console/protect/release/check", data=data)
    assert r.status_code == 400 and "重新上传" in r.text


def test_release_upload_of_another_user_is_refused(world: World, tmp_path: Path) -> None:
    client, token = logged_in(world.api, world.user)
    r = client.post("/console/protect/release", data={"target": "open", "csrf_token": token},
                    files={"file": ("a.csv", evil_csv(tmp_path / "a.csv"), "text/csv")})
    upload = re.search(r'name="upload" value="([^"]+)"', r.text)
    assert upload
    other, other_token = logged_in(world.api, world.steward_a)
    r = other.post("/console/protect/release/check", data={"upload": upload.group(1), "target": "open",
                                                           "csrf_token": other_token})
    assert r.status_code == 400
    r = other.post("/console/protect/release/check", data={"upload": "../../etc", "target": "open",
                                                           "csrf_token": other_token})
    assert r.status_code == 400
