"""Steward review: overrides and confirmations in the effective inventory (and its exports), surviving
rescans, history, orphans, validation and permissions (refusals audited)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from shuan.errors import InvalidInput, NotFound, PermissionDenied, ShuanError
from shuan.identity.roles import Role
from shuan.inventory import review as review_mod
from shuan.inventory.export import export, from_store
from shuan.inventory.persist import InventoryRow, latest_inventory
from shuan.inventory.review import column_history, orphaned_reviews, review_column
from shuan.inventory.review_models import ColumnReview
from shuan.store.models import ColumnAsset
from tests.identity.conftest import World, fast_argon2, migrated_template, platform, world  # noqa: F401
from tests.inventory.reviewkit import companies, people, scan_source, source_id, write_table


@pytest.fixture
def src(tmp_path: Path) -> Path:
    directory = tmp_path / "src"
    people(directory)
    companies(directory)
    return directory


def rows_by_table(world: World) -> dict[str, InventoryRow]:  # noqa: F811
    rows, _ = latest_inventory(world.platform.store)
    return {r.table.name: r for r in rows}


def column(row: InventoryRow, name: str) -> ColumnAsset:
    return next(c for c in row.table.columns if c.name == name)


def primary(row: InventoryRow) -> tuple[int, list[str]]:
    g = next(g for g in row.table.grades if g.scheme == row.scheme.id and not g.derived)
    return g.level, list(g.reasons)


def test_override_raises_a_column_and_the_table_is_graded_again(world: World, src: Path, tmp_path: Path) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN)
    before = rows_by_table(world)["qyxx"]
    assert primary(before)[0] == 1
    view = review_column(world.platform, actor=sec.principal, source_record_id=sid, table="qyxx", column="编号",
                         decision="override", types=["medical_info"], level=2, reason="编号实为病历号",
                         now=world.now)
    assert (view.types, view.level, view.scheme) == (["medical_info"], 2, "jining-2020")
    row = rows_by_table(world)["qyxx"]
    col = column(row, "编号")
    assert col.level == 2 and [d.type for d in col.detections] == ["medical_info"]
    assert col.reason.startswith("人工复核：编号实为病历号（复核人 root.secadmin，2026-03-02T09:")
    level, reasons = primary(row)
    assert level == 2  # the column floor, and medical_info is sensitive PI (rule sensitive_personal)
    assert any("字段“编号”" in r and "人工复核" in r for r in reasons)
    assert reasons[-1].startswith("人工复核：字段“编号”定为二级，理由：编号实为病历号")
    # derived grades are graded again too (medical information is 一般数据4级 there by its own rule)
    derived = next(g for g in row.table.grades if g.scheme == "gbt43697-2024")
    assert derived.level == 4 and "人工复核" in derived.reasons[-1]
    # the stored scan is untouched
    with world.platform.store.sessions() as s:
        stored = s.scalar(select(ColumnAsset).where(ColumnAsset.name == "编号"))
        assert stored is not None and stored.level == 1
    # and the export shows the reviewed view
    target = export(from_store(latest_inventory(world.platform.store)), tmp_path / "inv.xlsx")
    wb = openpyxl.load_workbook(target)
    cols = {(r[1], r[2]): r for r in wb["字段级清单"].iter_rows(min_row=2, values_only=True)}
    assert cols[("qyxx", "编号")][3] == "二级" and "疾病" in str(cols[("qyxx", "编号")][4])
    tables = {r[1]: r for r in wb["表级清单"].iter_rows(min_row=2, values_only=True)}
    assert tables["qyxx"][4] == "二级" and "人工复核" in str(tables["qyxx"][6])
    # the audit event carries old and new values
    event = world.events("inventory.review")[-1]
    details = World.details(event)
    assert details["old"] == {"decision": None, "types": [], "level": 1}
    assert details["new"] == {"decision": "override", "types": ["medical_info"], "level": 2}
    assert details["reason"] == "编号实为病历号" and event.outcome == "success"


def test_override_lowers_a_column_and_the_table_with_it(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN)
    assert primary(rows_by_table(world)["rkxx"])[0] == 2
    review_column(world.platform, actor=sec.principal, source_record_id=sid, table="rkxx", column="手机号",
                  decision="override", types=[], level=1, reason="测试号段，非真实号码", now=world.now)
    row = rows_by_table(world)["rkxx"]
    assert column(row, "手机号").level == 1 and column(row, "手机号").detections == []
    level, reasons = primary(row)
    # 姓名 + 固定电话 still identify a person (identity_combination): 二级 stays, but by that rule now
    assert level == 2 and any("固定电话" in r for r in reasons) and "人工复核" in reasons[-1]
    review_column(world.platform, actor=sec.principal, source_record_id=sid, table="rkxx", column="联系电话",
                  decision="override", types=[], level=1, reason="单位总机", now=world.tick(minutes=1))
    level, reasons = primary(rows_by_table(world)["rkxx"])
    assert level == 1 and sum("人工复核" in r for r in reasons) == 2


def test_level_only_override_keeps_the_types_and_types_only_takes_the_schemes_level(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN).principal
    review_column(world.platform, actor=sec, source_record_id=sid, table="rkxx", column="姓名",
                  decision="override", level=3, reason="涉密人员名单", now=world.now)
    review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号",
                  decision="override", types=["cn_resident_id"], reason="编号就是身份证号", now=world.now)
    rows = rows_by_table(world)
    name = column(rows["rkxx"], "姓名")
    assert name.level == 3 and [d.type for d in name.detections] == ["person_name"]
    assert name.detections[0].score < 1.0  # the detection's own values are kept
    assert primary(rows["rkxx"])[0] == 3
    assert column(rows["qyxx"], "编号").level == 2


def test_confirmation_keeps_the_detection_and_marks_the_column(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN)
    before = rows_by_table(world)["rkxx"]
    detected = [(d.type, d.score) for d in column(before, "手机号").detections]
    review_column(world.platform, actor=sec.principal, source_record_id=sid, table="rkxx", column="手机号",
                  decision="confirm", reason="核对无误", now=world.now)
    row = rows_by_table(world)["rkxx"]
    col = column(row, "手机号")
    assert [(d.type, d.score) for d in col.detections] == detected and col.level == 2
    assert col.note is not None and "人工复核确认：核对无误" in col.note
    assert primary(row) == primary(before)
    doc = from_store(latest_inventory(world.platform.store))
    exported = next(c for t in doc.tables if t.name == "rkxx" for c in t.columns if c.name == "手机号")
    assert exported.note is not None and "人工复核确认" in exported.note


def test_overrides_survive_a_rescan_and_history_is_kept(world: World, src: Path) -> None:  # noqa: F811
    first = scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN).principal
    a = review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号",
                      decision="override", types=["medical_info"], level=2, reason="病历号", now=world.now)
    second = scan_source(src)
    assert second != first
    rows, _ = latest_inventory(world.platform.store)
    assert {r.scan_id for r in rows} == {second}
    assert column(rows_by_table(world)["qyxx"], "编号").level == 2
    b = review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号",
                      decision="confirm", reason="复查后确认原识别结果", now=world.tick(hours=1))
    assert column(rows_by_table(world)["qyxx"], "编号").level == 1  # the confirmation supersedes the override
    history = column_history(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号")
    assert [h.id for h in history] == [a.id, b.id]
    assert history[0].superseded_at == world.now and history[1].superseded_at is None
    details = World.details(world.events("inventory.review")[-1])
    assert details["old"]["decision"] == "override" and details["old"]["level"] == 2
    # an older scan is shown with the current reviews too (they are keyed by names)
    old_rows, _ = latest_inventory(world.platform.store, first)
    assert all(r.scan_id == first for r in old_rows)


def test_a_review_whose_column_is_gone_is_orphaned_not_applied_not_deleted(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN).principal
    review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号",
                  decision="override", level=3, reason="临时", now=world.now)
    write_table(src / "qyxx.csv", {"单位编码": lambda f: f.uscc(), "联系电话": lambda f: f.landline()}, seed=11)
    scan_source(src)
    row = rows_by_table(world)["qyxx"]
    assert all("人工复核" not in r for r in primary(row)[1])
    orphans = orphaned_reviews(world.platform, actor=sec, source_record_id=sid)
    assert [(o.table, o.column, o.orphaned) for o in orphans] == [("qyxx", "编号", True)]
    with world.platform.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ColumnReview)) == 1
    # the column coming back brings its review back
    write_table(src / "qyxx.csv", {"编号": lambda f: f"QY{f.chance(0.5)}"}, seed=11)
    scan_source(src)
    assert column(rows_by_table(world)["qyxx"], "编号").level == 3
    assert orphaned_reviews(world.platform, actor=sec, source_record_id=sid) == []


BAD = [
    ({"types": ["no_such_type"]}, "types", "review.reason_unknown_type"),
    ({"types": "cn_mobile"}, "types", "review.reason_types"),
    ({"level": 4}, "level", "review.reason_level"),
    ({"level": 0}, "level", "review.reason_level"),
    ({"level": True}, "level", "review.reason_level"),
    ({"reason": ""}, "reason", "access.reason_empty"),
    ({"reason": "   "}, "reason", "access.reason_empty"),
    ({"reason": "x" * 501}, "reason", "access.reason_too_long"),
    ({"reason": "好\n伪造的日志行"}, "reason", "access.reason_control"),
    ({"reason": "\x1b[31m红字"}, "reason", "access.reason_control"),
    ({"decision": "delete"}, "decision", "review.reason_decision"),
    ({"decision": "confirm"}, "decision", "review.reason_confirm_values"),
    ({"types": None, "level": None}, "level", "review.reason_override_empty"),
    ({"column": "编号\x00"}, "column", "access.reason_control"),
    ({"table": ""}, "table", "access.reason_empty"),
]


@pytest.mark.parametrize(("change", "field", "reason_key"), BAD)
def test_bad_input_is_refused_and_audited(world: World, src: Path, change: dict[str, object], field: str,  # noqa: F811
                                          reason_key: str) -> None:
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN).principal
    args: dict[str, object] = {"table": "qyxx", "column": "编号", "decision": "override", "types": ["cn_mobile"],
                               "level": 2, "reason": "理由"} | change
    with pytest.raises(InvalidInput) as info:
        review_column(world.platform, actor=sec, source_record_id=sid, now=world.now, **args)  # type: ignore[arg-type]
    assert (info.value.field, info.value.reason_key) == (field, reason_key)
    assert "\n" not in str(info.value)
    event = world.events("inventory.review")[-1]
    assert event.outcome == "failure"
    with world.platform.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ColumnReview)) == 0


@pytest.mark.parametrize("name", ["'; DROP TABLE column_reviews; --", "编号' OR '1'='1", "../../etc/passwd"])
def test_injection_strings_are_only_names(world: World, src: Path, name: str) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    sec = world.officer(Role.SECADMIN).principal
    with pytest.raises(NotFound):
        review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column=name,
                      decision="confirm", reason="x", now=world.now)
    assert world.events("inventory.review")[-1].outcome == "failure"
    # a reason that looks like markup or SQL is stored verbatim
    view = review_column(world.platform, actor=sec, source_record_id=sid, table="qyxx", column="编号",
                         decision="confirm", reason=name + "<script>", now=world.now)
    assert view.reason == name + "<script>"


def test_unknown_source_and_column(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    sec = world.officer(Role.SECADMIN).principal
    with pytest.raises(NotFound):
        review_column(world.platform, actor=sec, source_record_id=999, table="qyxx", column="编号",
                      decision="confirm", reason="x", now=world.now)
    with pytest.raises(NotFound):
        review_column(world.platform, actor=sec, source_record_id=source_id(world.platform, src), table="nope",
                      column="编号", decision="confirm", reason="x", now=world.now)


def test_permissions(world: World, src: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    scan_source(src)
    sid = source_id(world.platform, src)
    police = world.department("公安局")
    health = world.department("卫健委")
    steward = world.user("police.steward", (Role.STEWARD,), department_id=police)
    other = world.user("health.steward", (Role.STEWARD,), department_id=health)
    analyst = world.user("police.analyst", (Role.DATA_USER,), department_id=police)
    auditor = world.officer(Role.AUDITOR)

    def attempt(actor: World | object) -> None:
        review_column(world.platform, actor=actor, source_record_id=sid, table="qyxx",  # type: ignore[arg-type]
                      column="编号", decision="confirm", reason="确认", now=world.now)

    # not registered to a department: only the security administrator may review
    with pytest.raises(PermissionDenied) as info:
        attempt(steward.principal)
    assert info.value.key == "review.denied_unowned"
    denied = world.events("inventory.review")[-1]
    assert denied.outcome == "denied" and denied.actor == "police.steward"

    monkeypatch.setattr(review_mod, "owner_department", lambda _s, _id: police)
    attempt(steward.principal)  # the owning department's steward
    for actor in (other.principal, analyst.principal, auditor.principal):
        with pytest.raises(PermissionDenied):
            attempt(actor)
        assert world.events("inventory.review")[-1].outcome == "denied"
    with world.platform.store.sessions() as s:
        reviews = list(s.scalars(select(ColumnReview)))
    assert [(r.reviewer_name, r.reviewer_id, r.department_id) for r in reviews] == [
        ("police.steward", steward.principal.user_id, police)]
    # history: reviewers and auditors may read, others may not
    assert len(column_history(world.platform, actor=auditor.principal, source_record_id=sid)) == 1
    with pytest.raises(PermissionDenied):
        column_history(world.platform, actor=other.principal, source_record_id=sid)
    assert world.events("inventory.review_history")[-1].outcome == "denied"


def test_refusals_are_shuan_errors_with_one_line_messages(world: World, src: Path) -> None:  # noqa: F811
    scan_source(src)
    analyst = world.user("x.analyst")
    with pytest.raises(ShuanError) as info:
        review_column(world.platform, actor=analyst.principal, source_record_id=source_id(world.platform, src),
                      table="qyxx", column="编号", decision="confirm", reason="x", now=world.now)
    assert "安全管理员" in str(info.value)
