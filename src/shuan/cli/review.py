"""`shuan review …`: steward review of columns, review history, scan diffs and console notifications
(token in SHUAN_TOKEN)."""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import ID, emit, emit_rows
from shuan.discovery.vocabulary import TYPES
from shuan.errors import UsageError
from shuan.messages import msg


@click.group("review")
def command() -> None:
    """人工复核：确认或更正字段的类型与级别，查看复核记录、扫描变化和通知。"""


@command.command("column")
@click.argument("source_id", type=ID)
@click.argument("table")
@click.argument("column")
@click.option("--confirm", "decision", flag_value="confirm", help="确认识别结果")
@click.option("--override", "decision", flag_value="override", help="更正类型和/或级别")
@click.option("--type", "types", multiple=True, help=f"类型编号（可重复），如 {'、'.join(list(TYPES)[:3])}")
@click.option("--no-types", is_flag=True, help="更正为不含任何类型")
@click.option("--level", type=click.IntRange(1, 9), default=None, help="级别（分级方案中的数字）")
@click.option("--reason", required=True, help="复核理由")
def column_cmd(source_id: int, table: str, column: str, decision: str | None, types: tuple[str, ...],
               no_types: bool, level: int | None, reason: str) -> None:
    """复核一个字段（以数据源编号、表名、字段名标识，重新扫描后仍然有效）。"""
    from shuan.inventory.review import review_column

    if decision is None:
        raise UsageError("review.cli_decision")
    if no_types and types:
        raise UsageError("review.cli_no_types")
    chosen: list[str] | None = [] if no_types else (list(types) if types else None)
    with authenticated() as (platform, actor):
        view = review_column(platform, actor=actor, source_record_id=source_id, table=table, column=column,
                             decision=decision, types=chosen, level=level, reason=reason)
    output.info(msg("review.done", id=view.id, table=view.table, column=view.column,
                    decision=msg(f"review.decision.{view.decision}")))
    emit(view)


@command.command("history")
@click.argument("source_id", type=ID)
@click.argument("table", required=False)
@click.argument("column", required=False)
@click.option("--current", is_flag=True, help="只列出当前有效的复核")
@click.option("--orphaned", is_flag=True, help="只列出字段已不在最近一次扫描中的复核")
def history_cmd(source_id: int, table: str | None, column: str | None, current: bool, orphaned: bool) -> None:
    """复核记录（含被后来的复核取代的记录），每行一个 JSON。"""
    from shuan.inventory.review import column_history

    with authenticated() as (platform, actor):
        views = column_history(platform, actor=actor, source_record_id=source_id, table=table, column=column,
                               include_superseded=not (current or orphaned))
    emit_rows([v for v in views if v.orphaned or not orphaned])


@command.command("diff")
@click.argument("source_id", type=ID)
@click.option("--from", "old_scan", type=ID, default=None, help="较早的扫描编号（默认：上一次扫描）")
@click.option("--to", "new_scan", type=ID, default=None, help="较晚的扫描编号（默认：最近一次扫描）")
def diff_cmd(source_id: int, old_scan: int | None, new_scan: int | None) -> None:
    """比较同一数据源的两次扫描：新增/消失的表、新增敏感字段、级别升降。"""
    from shuan.inventory.changes import scan_diff

    with authenticated() as (platform, actor):
        diff = scan_diff(platform, actor=actor, source_record_id=source_id, old_scan_id=old_scan,
                         new_scan_id=new_scan)
    if not diff.changed:
        output.info(msg("changes.none"))
    emit(diff)


@command.command("notifications")
@click.option("--unread", is_flag=True, help="只列出未读通知")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
def notifications_cmd(unread: bool, limit: int) -> None:
    """我的通知（最新在前），每行一个 JSON。"""
    from shuan.inventory.changes import list_notifications

    with authenticated() as (platform, actor):
        views = list_notifications(platform, actor=actor, unread_only=unread, limit=limit)
    emit_rows(views)


@command.command("read")
@click.argument("notification_id", type=ID)
def read_cmd(notification_id: int) -> None:
    """把一条通知标为已读（只能是发给自己的）。"""
    from shuan.inventory.changes import mark_read

    with authenticated() as (platform, actor):
        view = mark_read(platform, actor=actor, notification_id=notification_id)
    emit(view)
