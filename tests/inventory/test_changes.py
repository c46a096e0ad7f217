"""Scan diffs (new/vanished tables, new sensitive columns, levels up and down) and the console
notifications written for the responsible people only, readable and markable only by them."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from shuan.cli.main import main
from shuan.errors import NotFound, PermissionDenied
from shuan.identity.roles import Role
from shuan.identity.tokens import create_token
from shuan.inventory.changes import (
    ChangeItem,
    diff_scans,
    list_notifications,
    mark_read,
    on_new_scan,
    scan_diff,
)
from shuan.inventory.review import review_column
from shuan.inventory.review_models import Notification
from tests.identity.conftest import World, fast_argon2, migrated_template, platform, world  # noqa: F401
from tests.inventory.reviewkit import companies, people, plain, scan_source, source_id, write_table


def two_scans(src: Path) -> tuple[int, int]:
    """Scan, then change the source: rkxx gains 身份证号 and its 联系电话 turns to mobiles (一级 → 二级),
    qyxx's 联系电话 too (table 一级 → 二级), jg.csv vanishes, xm.csv appears; scan again."""
    people(src)
    companies(src)
    write_table(src / "jg.csv", {"代码": plain("JG")})
    first = scan_source(src)
    people(src, with_id=True, contact="mobile")
    companies(src, contact="mobile")
    (src / "jg.csv").unlink()
    write_table(src / "xm.csv", {"项目": plain("XM"), "邮箱": lambda f: f.email()})
    return first, scan_source(src)


def by_kind(items: list[ChangeItem]) -> dict[str, list[tuple[str, str | None]]]:
    out: dict[str, list[tuple[str, str | None]]] = {}
    for i in items:
        out.setdefault(i.kind, []).append((i.table, i.column))
    return out


def test_diff_between_two_scans(world: World, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "src"
    first, second = two_scans(src)
    sid = source_id(world.platform, src)
    with world.platform.store.sessions() as s:
        diff = diff_scans(s, source_record_id=sid, old_scan_id=first, new_scan_id=second)
    kinds = by_kind(diff.items)
    assert kinds["table_added"] == [("xm", None)]
    assert kinds["table_removed"] == [("jg", None)]
    assert ("rkxx", "身份证号") in kinds["column_sensitive"] and ("xm", "邮箱") in kinds["column_sensitive"]
    assert sorted(kinds["column_raised"]) == [("qyxx", "联系电话"), ("rkxx", "联系电话")]
    assert kinds["table_raised"] == [("qyxx", None)]
    assert "column_lowered" not in kinds and "table_lowered" not in kinds
    raised = next(i for i in diff.items if i.kind == "column_raised" and i.table == "qyxx")
    assert raised.old == {"level": 1, "types": ["cn_landline"]} and raised.new == {"level": 2, "types": ["cn_mobile"]}
    table = next(i for i in diff.items if i.kind == "table_raised")
    assert (table.old, table.new) == ({"level": 1}, {"level": 2})
    assert diff.counts()["table_removed"] == 1
    # and backwards: levels fall, the vanished table is new again
    with world.platform.store.sessions() as s:
        back = by_kind(diff_scans(s, source_record_id=sid, old_scan_id=second, new_scan_id=first).items)
    assert back["table_added"] == [("jg", None)] and back["table_lowered"] == [("qyxx", None)]
    assert ("qyxx", "联系电话") in back["column_lowered"]
    # a scan of another source is not part of this one
    with world.platform.store.sessions() as s, pytest.raises(NotFound):
        diff_scans(s, source_record_id=sid + 1, old_scan_id=first, new_scan_id=second)


def test_no_change_no_notification(world: World, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "src"
    people(src)
    scan_source(src)
    second = scan_source(src)
    sid = source_id(world.platform, src)
    steward = world.user("a.steward", (Role.STEWARD,))
    with world.platform.store.transaction() as s:
        on_new_scan(world.platform, s, source_record_id=sid, scan_id=second, recipients=[steward.principal.user_id or 0],
                    now=world.now)
    assert list_notifications(world.platform, actor=steward.principal) == []
    assert world.events("inventory.changes") == []


def test_notifications_for_recipients_only_and_read_only_by_them(world: World, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "src"
    first, second = two_scans(src)
    sid = source_id(world.platform, src)
    dept = world.department("公安局")
    steward = world.user("ga.steward", (Role.STEWARD,), department_id=dept)
    officer = world.user("ga.officer", (Role.DEPT_SECURITY_OFFICER,), department_id=dept)
    bystander = world.user("ga.user", department_id=dept)
    sec = world.officer(Role.SECADMIN)
    review_column(world.platform, actor=sec.principal, source_record_id=sid, table="qyxx", column="联系电话",
                  decision="confirm", reason="确认", now=world.now)
    recipients = [steward.principal.user_id or 0, officer.principal.user_id or 0, 987654]
    with world.platform.store.transaction() as s:
        on_new_scan(world.platform, s, source_record_id=sid, scan_id=second, recipients=recipients, now=world.now)
    mine = list_notifications(world.platform, actor=steward.principal)
    assert len(mine) == 1 and len(list_notifications(world.platform, actor=officer.principal)) == 1
    assert list_notifications(world.platform, actor=bystander.principal) == []
    note = mine[0]
    assert note.kind == "scan_change" and note.scan_id == second and note.source_record_id == sid
    assert note.title.startswith(f"数据源 {src.resolve()} 扫描发现变化：") and "消失的表 1" in note.title
    assert note.body["old_scan_id"] == first and note.body["counts"]["table_added"] == 1
    reviewed = [i for i in note.body["items"] if i.get("reviewed")]
    assert [(i["table"], i["column"]) for i in reviewed] == [("qyxx", "联系电话")]
    event = world.events("inventory.changes")[-1]
    details = World.details(event)
    assert details["recipients"] == 2 and details["counts"]["column_raised"] == 2 and "items" not in details
    assert event.actor == "system"

    with pytest.raises(PermissionDenied):
        mark_read(world.platform, actor=bystander.principal, notification_id=note.id, now=world.now)
    assert world.events("notification.read")[-1].outcome == "denied"
    assert list_notifications(world.platform, actor=steward.principal, unread_only=True)[0].read_at is None
    read = mark_read(world.platform, actor=steward.principal, notification_id=note.id, now=world.tick(minutes=5))
    assert read.read_at == world.now
    assert list_notifications(world.platform, actor=steward.principal, unread_only=True) == []
    assert len(list_notifications(world.platform, actor=officer.principal, unread_only=True)) == 1
    with pytest.raises(NotFound):
        mark_read(world.platform, actor=steward.principal, notification_id=424242, now=world.now)


def test_on_new_scan_of_the_first_scan_reports_everything_new(world: World, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "src"
    people(src)
    first = scan_source(src)
    sid = source_id(world.platform, src)
    steward = world.user("s.steward", (Role.STEWARD,))
    with world.platform.store.transaction() as s:
        on_new_scan(world.platform, s, source_record_id=sid, scan_id=first,
                    recipients=[steward.principal.user_id or 0], now=world.now)
    [note] = list_notifications(world.platform, actor=steward.principal)
    assert note.body["old_scan_id"] is None and note.body["counts"]["table_added"] == 1
    with world.platform.store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 1


def test_scan_diff_service_defaults_and_permissions(world: World, tmp_path: Path) -> None:  # noqa: F811
    src = tmp_path / "src"
    first, second = two_scans(src)
    sid = source_id(world.platform, src)
    auditor = world.officer(Role.AUDITOR)
    diff = scan_diff(world.platform, actor=auditor.principal, source_record_id=sid)
    assert (diff.old_scan_id, diff.new_scan_id) == (first, second) and diff.changed
    analyst = world.user("x.user")
    with pytest.raises(PermissionDenied):
        scan_diff(world.platform, actor=analyst.principal, source_record_id=sid)
    assert world.events("inventory.diff")[-1].outcome == "denied"


def run(token: str, *args: str) -> tuple[int, str, str]:
    with CliRunner().isolation(env={"SHUAN_TOKEN": token}) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_review_cli(world: World, tmp_path: Path) -> None:  # noqa: F811
    world.now = datetime.now(UTC)
    src = tmp_path / "src"
    first, second = two_scans(src)
    sid = str(source_id(world.platform, src))
    sec = world.officer(Role.SECADMIN)
    token = create_token(world.platform, actor=sec.principal, name="cli", scopes=["*"],
                         expires_at=world.now + timedelta(hours=1), now=world.now).token
    code, out, err = run(token, "review", "column", sid, "qyxx", "编号", "--override", "--type", "medical_info",
                         "--level", "2", "--reason", "病历号")
    assert code == 0, err
    assert json.loads(out)["level"] == 2 and "已记录复核" in err
    code, out, err = run(token, "review", "column", sid, "qyxx", "编号", "--override", "--type", "bogus",
                         "--reason", "x")
    assert code == 2 and "未知的类型编号：bogus" in err and out == ""
    code, out, err = run(token, "review", "column", sid, "qyxx", "编号", "--reason", "x")
    assert code == 2 and "--confirm" in err
    code, out, _ = run(token, "review", "history", sid, "qyxx")
    assert [json.loads(line)["column"] for line in out.splitlines()] == ["编号"]
    code, out, _ = run(token, "review", "diff", sid, "--from", str(first), "--to", str(second))
    assert code == 0 and json.loads(out)["counts"]["table_added"] == 1
    with world.platform.store.transaction() as s:
        on_new_scan(world.platform, s, source_record_id=int(sid), scan_id=second,
                    recipients=[sec.principal.user_id or 0], now=world.now)
    code, out, _ = run(token, "review", "notifications", "--unread")
    [note] = [json.loads(line) for line in out.splitlines()]
    code, out, err = run(token, "review", "read", str(note["id"]))
    assert code == 0 and json.loads(out)["read_at"] is not None
    code, out, _ = run(token, "review", "notifications", "--unread")
    assert out == ""
