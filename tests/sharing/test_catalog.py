"""The sharing catalogue service (shuan.sharing.catalog): who may change entries, audit events, grade
compliance at create/update/publish and after a regrade, visibility, bad fields, drafts from the
inventory, export; the same service on PostgreSQL."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from shuan.access import register_resource
from shuan.access.service import set_resource_level
from shuan.cli import catalog as catalog_cli
from shuan.cli.main import main
from shuan.config import Settings
from shuan.errors import Conflict, InvalidInput, NotFound, PermissionDenied, UsageError
from shuan.identity.principal import SYSTEM, Principal
from shuan.identity.roles import Role
from shuan.platform import Platform, open_platform
from shuan.sharing.catalog import (
    EntryFilter,
    check_catalog,
    check_filter,
    create_entry,
    draft_from_inventory,
    entry_compliance,
    entry_level,
    export_catalog,
    get_entry,
    get_entry_by_code,
    list_entries,
    publish_entry,
    update_entry,
    withdraw_entry,
)
from tests.access.conftest import (
    GG,
    HJ,
    OFFICER10,
    SECADMIN,
    SRC,
    STEWARD10,
    STEWARD20,
    T0,
    USER10,
    USER20,
    WJ,
    build_world,
    events,
)
from tests.conftest import TEST_ROOT_KEY, pg_schema

RK = "src:公安/tbl:人口"  # 二级, no 三级 column
RK_COLUMNS = ("xm", "csrq", "zz")


def setup_world(p: Platform) -> Platform:
    build_world(p)
    register_resource(p, SYSTEM, RK, level=2, now=T0)
    for c in RK_COLUMNS:
        register_resource(p, SYSTEM, f"{RK}/col:{c}", now=T0)
    return p


@pytest.fixture
def world(platform: Platform) -> Platform:
    return setup_world(platform)


def public_entry(**over: Any) -> dict[str, Any]:
    """A 一级 table of 公安局 (src:公安/tbl:公告), shared and opened without conditions."""
    base: dict[str, Any] = {
        "code": "GA-GG.001",
        "name": "公安公告",
        "category": ["公共安全", "公告"],
        "provider_code": "11370800MB0000000X",
        "summary": "公安局发布的公告",
        "format": "database",
        "items": [{"name": "标题", "type": "string", "column": "title"}],
        "resource_path": GG,
        "share_type": "unconditional",
        "share_method": "interface",
        "open_type": "unconditional",
        "update_cycle": "daily",
    }
    return base | over


def population_entry(**over: Any) -> dict[str, Any]:
    """The 二级 人口 table, conditionally shared with its basis, not opened."""
    base = public_entry(
        code="GA-RK.001",
        name="人口基本信息",
        resource_path=RK,
        items=[{"name": "姓名", "type": "string", "column": "xm"}, {"name": "出生日期", "type": "date", "column": "csrq"}],
        share_type="conditional",
        share_condition="仅限业务办理",
        share_basis="《政务数据共享条例》",
        open_type="none",
        open_basis="含个人信息",
    )
    return base | over


# -- levels ---------------------------------------------------------------------------------------------


def test_entry_level_folds_the_register(world: Platform) -> None:
    assert entry_level(world, GG) == 1
    assert entry_level(world, RK) == 2
    assert entry_level(world, HJ) == 3  # a 二级 table with a 三级 column is 三级 for sharing
    assert entry_level(world, SRC) == 3
    with pytest.raises(NotFound):
        entry_level(world, "src:没有")


# -- who may change entries --------------------------------------------------------------------------


def test_provider_staff_create_draft_audited(world: Platform) -> None:
    view = create_entry(world, STEWARD10, public_entry(), now=T0)
    assert (view.status, view.level, view.compliant, view.provider_department_id) == ("draft", 1, True, 10)
    assert view.published_on is None and view.created_by == STEWARD10.user_id
    [event] = events(world, "catalog.create")
    assert (event.outcome, event.actor, event.resource) == ("success", STEWARD10.username, "catalog:GA-GG.001")
    view2 = create_entry(world, OFFICER10, population_entry(), now=T0)
    assert view2.level == 2 and view2.compliant
    view3 = create_entry(world, SECADMIN, population_entry(code="GA-RK.002"), now=T0)  # anywhere
    assert view3.provider_department_id == 10


@pytest.mark.parametrize(("actor", "key"), [(USER10, "catalog.no_permission"), (STEWARD20, "catalog.not_provider")])
def test_others_are_refused_and_audited(world: Platform, actor: Any, key: str) -> None:
    with pytest.raises(PermissionDenied) as caught:
        create_entry(world, actor, public_entry(), now=T0)
    assert caught.value.key == key
    [event] = events(world, "catalog.create")
    assert (event.outcome, event.actor) == ("denied", actor.username)
    entry = create_entry(world, STEWARD10, public_entry(), now=T0)
    for call in (
        lambda: update_entry(world, actor, entry.id, {"name": "改名"}),
        lambda: publish_entry(world, actor, entry.id),
        lambda: withdraw_entry(world, actor, entry.id),
    ):
        with pytest.raises(PermissionDenied):
            call()
    assert [e.outcome for e in events(world, "catalog.update") + events(world, "catalog.publish")] == ["denied"] * 2


def test_a_data_user_is_refused_before_any_lookup(world: Platform) -> None:
    for call in (
        lambda: update_entry(world, USER10, 999, {"name": "x"}),
        lambda: publish_entry(world, USER10, 999),
        lambda: withdraw_entry(world, USER10, 999),
        lambda: draft_from_inventory(world, USER10, "src:没有/tbl:x"),
        lambda: check_catalog(world, USER10),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_resource_must_be_registered(world: Platform) -> None:
    with pytest.raises(NotFound):
        create_entry(world, SECADMIN, public_entry(resource_path="src:公安/tbl:不存在"))
    assert events(world, "catalog.create")[-1].outcome == "denied"


# -- grade compliance -----------------------------------------------------------------------------------

COMPLIANCE: list[tuple[str, dict[str, Any], type[Exception], str]] = [
    # 三级 (户籍 has a 三级 column)
    ("三级无条件共享", {"resource_path": HJ, "share_type": "unconditional", "share_basis": None}, PermissionDenied,
     "share_type"),
    ("三级有条件开放", {"resource_path": HJ, "open_type": "conditional", "open_condition": "x"}, PermissionDenied,
     "open_type"),
    ("二级无条件共享", {"share_type": "unconditional"}, PermissionDenied, "share_type"),
    ("二级无条件开放", {"open_type": "unconditional"}, PermissionDenied, "open_type"),
    ("有条件共享缺依据", {"share_basis": "  "}, InvalidInput, "share_basis"),
    ("有条件共享缺条件", {"share_condition": None}, InvalidInput, "share_condition"),
    ("不予开放缺依据", {"open_basis": None}, InvalidInput, "open_basis"),
]


@pytest.mark.parametrize(("case", "over", "error", "field"), COMPLIANCE, ids=[c[0] for c in COMPLIANCE])
def test_grade_compliance_at_create(world: Platform, case: str, over: dict[str, Any], error: type[Exception],
                                    field: str) -> None:
    fields = population_entry(**over)
    if over.get("resource_path") == HJ:
        fields["items"] = [{"name": "姓名", "type": "string", "column": "姓名"}]
    with pytest.raises(error) as caught:
        create_entry(world, STEWARD10, fields, now=T0)
    text = str(caught.value)
    assert field in text and "\n" not in text
    if error is PermissionDenied:
        assert "第三十三条" in text or "一级" in text
    assert events(world, "catalog.create")[-1].outcome == ("denied" if error is PermissionDenied else "failure")


def test_update_keeps_compliance(world: Platform) -> None:
    entry = create_entry(world, STEWARD10, population_entry(), now=T0)
    with pytest.raises(PermissionDenied):
        update_entry(world, STEWARD10, entry.id, {"open_type": "unconditional"})
    changed = update_entry(world, STEWARD10, entry.id, {"name": "人口信息", "summary": "新摘要"})
    assert changed.name == "人口信息"
    [event] = [e for e in events(world, "catalog.update") if e.outcome == "success"]
    assert json.loads(event.details)["changed"] == ["name", "summary"]


def test_publish_withdraw_and_states(world: Platform) -> None:
    entry = create_entry(world, STEWARD10, public_entry(), now=T0)
    published = publish_entry(world, STEWARD10, entry.id, now=T0)
    assert published.status == "published" and published.published_on is not None
    assert published.published_on.isoformat() == "2026-03-01"  # the day in China
    with pytest.raises(Conflict):
        publish_entry(world, STEWARD10, entry.id)
    withdrawn = withdraw_entry(world, OFFICER10, entry.id, reason="数据停止更新")
    assert withdrawn.status == "withdrawn"
    with pytest.raises(Conflict):
        withdraw_entry(world, OFFICER10, entry.id)
    assert [e.outcome for e in events(world, "catalog.publish")] == ["success", "denied"]  # a conflict
    assert [e.outcome for e in events(world, "catalog.withdraw")] == ["success", "denied"]


def test_regrade_makes_a_published_entry_non_compliant(world: Platform) -> None:
    entry = create_entry(world, STEWARD10, public_entry(), now=T0)
    publish_entry(world, STEWARD10, entry.id, now=T0)
    assert check_catalog(world).ok
    # a rescan finds personal information in the announcements: the table becomes 三级
    set_resource_level(world, SYSTEM, GG, 3, now=T0)
    check = check_catalog(world)
    assert not check.ok and [v.code for v in check.failing] == ["GA-GG.001"]
    assert check_catalog(world, STEWARD10).failing and not check_catalog(world, STEWARD20).failing
    view = get_entry(world, USER20, entry.id)
    assert view.level == 3 and not view.compliant and any("三级" in p for p in view.problems)
    level, problems = entry_compliance(world, entry.id)
    assert level == 3 and {p.field for p in problems} == {"share_type", "open_type"}
    # withdrawn, it cannot be published again until it complies
    withdraw_entry(world, STEWARD10, entry.id)
    with pytest.raises(PermissionDenied):
        publish_entry(world, STEWARD10, entry.id)
    update_entry(world, STEWARD10, entry.id, {"share_type": "conditional", "share_condition": "业务办理",
                                               "share_basis": "第三十三条", "open_type": "none", "open_basis": "三级"})
    assert publish_entry(world, STEWARD10, entry.id).compliant


# -- visibility -----------------------------------------------------------------------------------------


def test_drafts_are_seen_by_the_provider_and_admins_only(world: Platform) -> None:
    entry = create_entry(world, STEWARD10, public_entry(), now=T0)
    for actor in (USER10, STEWARD10, SECADMIN):
        assert get_entry(world, actor, entry.id).code == "GA-GG.001"
    with pytest.raises(NotFound):
        get_entry(world, USER20, entry.id)
    with pytest.raises(NotFound):
        get_entry_by_code(world, USER20, "GA-GG.001")
    assert list_entries(world, USER20) == []
    publish_entry(world, STEWARD10, entry.id, now=T0)
    assert get_entry_by_code(world, USER20, "GA-GG.001").id == entry.id
    create_entry(world, STEWARD10, population_entry(), now=T0)
    assert [v.code for v in list_entries(world, USER20)] == ["GA-GG.001"]
    assert [v.code for v in list_entries(world, USER10)] == ["GA-GG.001", "GA-RK.001"]


def test_list_filters(world: Platform) -> None:
    create_entry(world, STEWARD10, public_entry(), now=T0)
    create_entry(world, STEWARD10, population_entry(), now=T0)
    codes = lambda f: [v.code for v in list_entries(world, SECADMIN, f)]  # noqa: E731
    assert codes(check_filter(level=2)) == ["GA-RK.001"]
    assert codes(check_filter(share_type="unconditional")) == ["GA-GG.001"]
    assert codes(check_filter(open_type="none")) == ["GA-RK.001"]
    assert codes(check_filter(text="人口")) == ["GA-RK.001"]
    assert codes(check_filter(text="出生日期")) == ["GA-RK.001"]  # an item's name
    assert codes(check_filter(provider=20)) == []
    assert codes(check_filter(status="published")) == []
    assert codes(EntryFilter(compliant=True)) == ["GA-GG.001", "GA-RK.001"]
    for bad in ({"level": 4}, {"share_type": "all"}, {"provider": 0}, {"status": "x"}):
        with pytest.raises(InvalidInput):
            check_filter(**bad)


# -- bad fields -----------------------------------------------------------------------------------------

BAD_FIELDS: list[tuple[dict[str, Any], str]] = [
    ({"code": "有 空格"}, "code"),
    ({"code": ""}, "code"),
    ({"name": ""}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"category": []}, "category"),
    ({"category": ["a", "b", "c", "d", "e"]}, "category"),
    ({"provider_code": "代码"}, "provider_code"),
    ({"format": "pdf"}, "format"),
    ({"items": []}, "items"),
    ({"items": [{"name": "姓名", "type": "varchar", "column": "xm"}]}, "items[0].type"),
    ({"items": [{"name": "姓名", "type": "string", "column": "sfzh"}]}, "items[0].column"),  # not a column
    ({"update_cycle": "hourly"}, "update_cycle"),
    ({"share_method": "email"}, "share_method"),
    ({"share_method": None}, "share_method"),
    ({"related_codes": ["GA-RK.001"]}, "related_codes[0]"),  # its own code
    ({"resource_path": f"{RK}/col:xm"}, "resource_path"),
    ({"resource_path": "tbl:x"}, "resource"),
    ({"summary": "x" * 2001}, "summary"),
    ({"share_basis": "a\x00b"}, "share_basis"),
    ({"colour": "red"}, "colour"),
]


@pytest.mark.parametrize(("over", "field"), BAD_FIELDS, ids=[f for _, f in BAD_FIELDS])
def test_bad_fields_give_one_line_naming_the_field(world: Platform, over: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        create_entry(world, STEWARD10, population_entry(**over), now=T0)
    assert field in str(caught.value) and "\n" not in str(caught.value)
    assert events(world, "catalog.create")[-1].outcome == "failure"


def test_missing_required_field_and_duplicate_code(world: Platform) -> None:
    fields = population_entry()
    del fields["items"]
    with pytest.raises(InvalidInput, match="items"):
        create_entry(world, STEWARD10, fields)
    create_entry(world, STEWARD10, population_entry())
    with pytest.raises(Conflict, match="GA-RK.001"):
        create_entry(world, STEWARD10, population_entry())


def test_an_entry_cannot_move_to_another_departments_resource(world: Platform) -> None:
    entry = create_entry(world, SECADMIN, population_entry())
    with pytest.raises(PermissionDenied):
        update_entry(world, SECADMIN, entry.id, {"resource_path": WJ, "items": [{"name": "x", "type": "string",
                                                                                  "column": "x"}]})


# -- drafts from the inventory --------------------------------------------------------------------------


def test_draft_without_inventory_uses_the_register(world: Platform) -> None:
    draft = draft_from_inventory(world, STEWARD10, HJ)
    assert draft["resource_path"] == HJ and draft["share_type"] == "conditional" and draft["open_type"] == "none"
    assert "第三十三条" in draft["share_basis"] and "第三十三条" in draft["open_basis"]
    assert draft["items"] == []  # the inventory does not know the table
    draft1 = draft_from_inventory(world, STEWARD10, GG)
    assert (draft1["share_type"], draft1["open_type"]) == ("unconditional", "none") and draft1["share_basis"] is None
    draft1["items"] = [{"name": "标题", "type": "string", "column": "title"}]
    assert create_entry(world, STEWARD10, draft1).compliant
    with pytest.raises(PermissionDenied):
        draft_from_inventory(world, STEWARD20, HJ)


def test_draft_from_a_scanned_source(platform: Platform, tmp_path: Path) -> None:
    from shuan.inventory.sources import register_source, scan_source
    from tests.identity.conftest import World

    world = World(platform)
    world.bootstrap_admin()
    ga = world.department("公安局")
    steward = world.user("ga.steward", (Role.STEWARD,), department_id=ga)
    world.user("ga.user", department_id=ga)
    data = tmp_path / "rk.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["姓名", "身份证号", "出生日期", "备注"])
        for i in range(40):
            w.writerow([f"张{'三四五六七八'[i % 6]}", f"11010519491231{i:03d}", "1990-01-02", f"备注{i}"])
    source = register_source(platform, actor=steward.principal, name="公安人口", location=str(data),
                             department_id=ga, responsible_username="ga.user", now=world.now)
    scan_source(platform, actor=steward.principal, source_id=source.id, now=world.now)
    draft = draft_from_inventory(platform, steward.principal, "src:公安人口/tbl:rk")
    assert [i["column"] for i in draft["items"]] == ["姓名", "身份证号", "出生日期", "备注"]
    assert draft["format"] == "spreadsheet" and draft["code"].startswith(f"DEPT{ga}-")
    level = entry_level(platform, "src:公安人口/tbl:rk")
    entry = create_entry(platform, steward.principal, draft)
    assert entry.level == level and entry.compliant
    bad = draft | {"code": "X.2", "items": [{"name": "手机", "type": "string", "column": "手机号"}]}
    with pytest.raises(InvalidInput, match="手机号"):
        create_entry(platform, steward.principal, bad)


# -- export ---------------------------------------------------------------------------------------------


def test_export_xlsx_csv_json_with_chinese_headings(world: Platform, tmp_path: Path) -> None:
    create_entry(world, STEWARD10, public_entry(), now=T0)
    create_entry(world, STEWARD10, population_entry(summary="=HYPERLINK(1)"), now=T0)
    xlsx = export_catalog(world, SECADMIN, tmp_path / "c.xlsx")
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("资源代码", "资源名称", "资源分类") and len(rows) == 3
    assert "有条件共享" in rows[2] and "二级" in rows[2]
    path = export_catalog(world, SECADMIN, tmp_path / "c.csv")
    lines = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert lines[0][0] == "资源代码" and lines[2][5] == "'=HYPERLINK(1)"  # never a live formula
    doc = json.loads(export_catalog(world, USER20, tmp_path / "c.json").read_text(encoding="utf-8"))
    assert doc["entries"] == []  # drafts are not disclosed
    with pytest.raises(UsageError, match="pdf"):
        export_catalog(world, SECADMIN, tmp_path / "c.pdf")


# -- PostgreSQL ------------------------------------------------------------------------------------------


@pytest.fixture
def pg_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    with pg_schema("catalog") as url:
        p = open_platform(Settings(home=tmp_path_factory.mktemp("pg"), root_key=TEST_ROOT_KEY, database_url=url))
        try:
            yield setup_world(p)
        finally:
            p.close()


def test_the_service_on_postgresql(pg_world: Platform) -> None:
    entry = create_entry(pg_world, STEWARD10, public_entry(), now=T0)
    create_entry(pg_world, STEWARD10, population_entry(), now=T0)
    with pytest.raises(Conflict):
        create_entry(pg_world, STEWARD10, public_entry())
    publish_entry(pg_world, STEWARD10, entry.id, now=T0)
    assert [v.code for v in list_entries(pg_world, USER20)] == ["GA-GG.001"]
    assert [v.code for v in list_entries(pg_world, SECADMIN, check_filter(text="人口"))] == ["GA-RK.001"]
    set_resource_level(pg_world, SYSTEM, GG, 2, now=T0)
    assert [v.code for v in check_catalog(pg_world).failing] == ["GA-GG.001"]
    with pytest.raises(PermissionDenied):
        update_entry(pg_world, STEWARD10, entry.id, {"name": "x"})  # still unconditional at 二级
    assert [e.outcome for e in events(pg_world, "catalog.update")] == ["denied"]


# -- the CLI ----------------------------------------------------------------------------------------------


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def shell(world: Platform, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    acting: dict[str, Principal] = {}

    @contextmanager
    def authenticated() -> Iterator[tuple[Platform, Principal]]:
        yield world, acting["who"]

    monkeypatch.setattr(catalog_cli, "authenticated", authenticated)

    def run(who: Principal, *args: str, input: str | None = None) -> Result:  # noqa: A002
        acting["who"] = who
        with CliRunner().isolation(input=input) as (out, err, _):
            code = main(list(args))
            sys.stdout.flush()
            sys.stderr.flush()
        return Result(code, out.getvalue().decode(), err.getvalue().decode())

    return run


def test_cli_catalogues_publishes_checks_and_exports(world: Platform, shell: Callable[..., Result],
                                                       tmp_path: Path) -> None:
    draft = shell(STEWARD10, "catalog", "draft", GG, "--output", str(tmp_path / "d.json"))
    assert draft.code == 0 and "d.json" in draft.err
    doc = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    doc["items"] = [{"name": "标题", "type": "string", "column": "title"}]
    doc["open_type"] = "unconditional"
    (tmp_path / "d.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    created = shell(STEWARD10, "catalog", "create", "--file", str(tmp_path / "d.json"))
    assert created.code == 0, created.err
    entry = json.loads(created.out)
    assert entry["status"] == "draft" and entry["level"] == 1
    assert shell(STEWARD10, "catalog", "publish", str(entry["id"])).code == 0
    shown = shell(USER20, "catalog", "show", entry["code"])
    assert shown.code == 0 and json.loads(shown.out)["status"] == "published"
    listed = shell(USER20, "catalog", "list", "--level", "1")
    assert [json.loads(line)["code"] for line in listed.out.splitlines()] == [entry["code"]]
    ok = shell(SECADMIN, "catalog", "check")
    assert ok.code == 0 and json.loads(ok.out)["ok"] is True
    set_resource_level(world, SYSTEM, GG, 2, now=T0)
    failing = shell(SECADMIN, "catalog", "check")
    assert failing.code == 10 and entry["code"] in failing.err
    refused = shell(USER10, "catalog", "check")
    assert refused.code != 0 and "无权" in refused.err
    update = shell(STEWARD10, "catalog", "update", str(entry["id"]), "--file", "-", input='{"name": "x"}')
    assert update.code != 0 and "第三十三条" in update.err and len(update.err.strip().splitlines()) == 1
    bad = shell(STEWARD10, "catalog", "create", "--file", "-", input="[1]")
    assert bad.code == 2 and "JSON" in bad.err
    exported = shell(SECADMIN, "catalog", "export", str(tmp_path / "c.csv"))
    assert exported.code == 0 and (tmp_path / "c.csv").read_text(encoding="utf-8-sig").startswith("资源代码")


def test_cli_drafts_every_table_of_a_source_and_creates_them_in_one_go(
    world: Platform, shell: Callable[..., Result], tmp_path: Path
) -> None:
    create_entry(world, STEWARD10, public_entry(), now=T0)  # 公告 is catalogued already
    drafts = shell(STEWARD10, "catalog", "draft", SRC, "--each-table", "--output", str(tmp_path / "all.json"))
    assert drafts.code == 0, drafts.err
    doc = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert [d["resource_path"] for d in doc] == [RK, HJ]  # by path: 人口 < 户籍 in code points
    for d in doc:
        d["items"] = [{"name": "姓名", "type": "string", "column": "xm" if d["resource_path"] == RK else "姓名"}]
        d["code"] = "GA-" + ("RK" if d["resource_path"] == RK else "HJ")
    (tmp_path / "all.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    created = shell(STEWARD10, "catalog", "create", "--file", str(tmp_path / "all.json"))
    assert created.code == 0, created.err
    assert [json.loads(line)["level"] for line in created.out.splitlines()] == [2, 3]
    assert shell(STEWARD10, "catalog", "draft", SRC, "--each-table").out.strip() == "[]"
    assert shell(STEWARD20, "catalog", "draft", SRC, "--each-table").code == 6  # not their department
    assert shell(STEWARD10, "catalog", "draft", HJ, "--each-table").code != 0  # not a source
