"""Console pages of the sharing catalogue: list with filters and compliance badge, entry page with 信息项,
共享属性, 开放属性 and the 申请共享 link, the form (prefilled from the inventory), publish/withdraw, refusals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shuan.identity.roles import Role
from tests.web.conftest import (  # noqa: F401 - fixtures
    Actor,
    Api,
    api,
    clock,
    fast_argon2,
    migrated_template,
    platform,
)
from tests.web.consolekit import browser, console_login, csrf_of

GG = "src:公安/tbl:公告"
HJ = "src:公安/tbl:户籍"


@dataclass
class City:
    api: Api
    ga: int
    steward: Actor
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
        assert api.post("/resources", actor=secadmin, json=body).status_code == 201
    return City(api, ga, api.user("ga.steward", Role.STEWARD, department_id=ga),
                api.user("wj.user", department_id=wj), secadmin)


def logged_in(city: City, actor: Actor) -> tuple[TestClient, str]:
    client = browser(city.api)
    return client, console_login(city.api, client, actor)


def form(token: str, **over: str) -> dict[str, str]:
    base = {"csrf_token": token, "code": "GA-GG.001", "name": "公安公告", "category": "公共安全/公告",
            "provider_code": "GA", "resource_path": GG, "summary": "公告", "format": "database",
            "update_cycle": "daily", "items": "标题 | string | title\n发布日期 | date | fbrq",
            "share_type": "unconditional", "share_method": "interface", "share_condition": "", "share_basis": "",
            "open_type": "unconditional", "open_condition": "", "open_basis": "", "related_codes": ""}
    return base | over


def test_provider_catalogues_publishes_and_others_discover(city: City) -> None:
    client, token = logged_in(city, city.steward)
    assert 'href="/console/catalog"' in client.get("/console/").text  # the nav entry 共享目录
    new = client.get("/console/catalog/new")
    assert new.status_code == 200 and "编目" in new.text
    r = client.post("/console/catalog", data=form(token))
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    for text in ("公安公告", "信息项", "共享属性", "开放属性", "无条件共享", "发布日期", "fbrq", "一级", "公安局"):
        assert text in page.text, text
    entry_id = int(r.headers["location"].rsplit("/", 1)[1])
    r = client.post(f"/console/catalog/{entry_id}/publish", data={"csrf_token": csrf_of(page.text)})
    assert r.status_code == 200 and "已发布目录条目 GA-GG.001" in r.text

    other, _ = logged_in(city, city.user_wj)
    listing = other.get("/console/catalog", params={"q": "公告", "level": "1"})
    assert listing.status_code == 200 and "GA-GG.001" in listing.text and "符合" in listing.text
    detail = other.get(f"/console/catalog/{entry_id}")
    assert f'href="/console/share/new?entry={entry_id}"' in detail.text and "申请共享" in detail.text
    assert "/publish" not in detail.text and "/withdraw" not in detail.text  # not the provider
    assert "GA-GG.001" not in other.get("/console/catalog", params={"share_type": "none"}).text
    assert 'href="/console/catalog/export?format=xlsx&amp;' in listing.text
    exported = other.get("/console/catalog/export", params={"format": "csv", "q": "公告"})
    assert exported.status_code == 200 and "GA-GG.001" in exported.content.decode("utf-8-sig")

    # a rescan raises the grade: the list shows the badge, the entry its problems
    assert city.api.call("PUT", "/resources/level", actor=city.secadmin, json={"path": GG, "level": 3}).status_code == 200
    listing = other.get("/console/catalog")
    assert "不符合分级要求" in listing.text
    assert "第三十三条" in other.get(f"/console/catalog/{entry_id}").text


def test_form_prefilled_from_the_inventory_and_refusals_shown_above_it(city: City) -> None:
    client, token = logged_in(city, city.steward)
    page = client.get("/console/catalog/new", params={"resource": HJ})
    assert page.status_code == 200 and "第三十三条" in page.text and 'value="conditional" selected' in page.text
    r = client.post("/console/catalog", data=form(token, resource_path=HJ, items="姓名 | string | xm"))
    assert r.status_code == 403 and 'role="alert"' in r.text and "三级" in r.text
    assert 'name="code"' in r.text  # the form is shown again with what was typed
    r = client.post("/console/catalog", data=form(token, items="姓名 | varchar | xm"))
    assert r.status_code == 400 and "items[0].type" in r.text
    r = client.post("/console/catalog", data=form(token, code="有 空格"))
    assert r.status_code == 400 and "code" in r.text


def test_edit_and_withdraw(city: City) -> None:
    client, token = logged_in(city, city.steward)
    r = client.post("/console/catalog", data=form(token))
    entry_id = int(r.headers["location"].rsplit("/", 1)[1])
    edit = client.get(f"/console/catalog/{entry_id}/edit")
    assert edit.status_code == 200 and "标题 | string | title" in edit.text
    r = client.post(f"/console/catalog/{entry_id}", data=form(token, name="公安公告（新）"))
    assert r.status_code == 200 and "已保存" in r.text and "公安公告（新）" in r.text
    client.post(f"/console/catalog/{entry_id}/publish", data={"csrf_token": token})
    r = client.post(f"/console/catalog/{entry_id}/withdraw", data={"csrf_token": token, "reason": "停更"})
    assert r.status_code == 200 and "已撤回" in r.text
    other, other_token = logged_in(city, city.user_wj)
    assert other.get(f"/console/catalog/{entry_id}").status_code == 404  # withdrawn: not disclosed
    r = other.post(f"/console/catalog/{entry_id}/publish", data={"csrf_token": other_token})
    assert r.status_code == 403 and 'role="alert"' in r.text
