"""`shuan source …`: registered sources — owner department, responsible person, encrypted location,
scans and their history, scheduled rescans, copies (token in SHUAN_TOKEN; `run-due` runs as the
platform, for cron)."""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import ID, emit, emit_rows
from shuan.messages import msg

HOURS = click.IntRange(1, 24 * 365)
ROWS = click.IntRange(1, 2_147_483_647)


@click.group("source")
def command() -> None:
    """登记数据源：归属部门与责任人（谁主管谁负责）、加密保存的连接信息、扫描与历史、定时重扫、副本登记。"""


@command.command("register")
@click.argument("name")
@click.option("--location", required=True, help="文件、目录、SQLite 文件或数据库 URL（加密保存，显示时隐去密码）")
@click.option("--department", "department_id", type=ID, required=True, help="归属部门编号")
@click.option("--responsible", required=True, help="责任人用户名（须为归属部门人员）")
@click.option("--scheme", default=None, help="分级标准（内置标准编号）")
@click.option("--sample-rows", type=ROWS, default=None, help="每表抽样行数")
@click.option("--full", is_flag=True, help="全量扫描")
@click.option("--every", "schedule_hours", type=HOURS, default=None, help="定时重扫间隔（小时）")
def register_cmd(name: str, location: str, department_id: int, responsible: str, scheme: str | None,
                 sample_rows: int | None, full: bool, schedule_hours: int | None) -> None:
    """登记数据源。"""
    from shuan.inventory.sources import register_source

    with authenticated() as (platform, actor):
        view = register_source(platform, actor=actor, name=name, location=location, department_id=department_id,
                               responsible_username=responsible, scheme=scheme, sample_rows=sample_rows, full=full,
                               schedule_hours=schedule_hours)
    output.info(msg("sources.cli_registered", name=view.name, id=view.id))
    emit(view)


@command.command("list")
@click.option("--department", "department_id", type=ID, default=None, help="部门编号（默认本部门）")
@click.option("--active-only", is_flag=True, help="只列出在用的数据源")
def list_cmd(department_id: int | None, active_only: bool) -> None:
    """列出本人可见的数据源（JSON Lines）。"""
    from shuan.inventory.sources import list_sources

    with authenticated() as (platform, actor):
        emit_rows(list_sources(platform, actor=actor, department_id=department_id, include_inactive=not active_only))


@command.command("show")
@click.argument("source_id", type=ID)
def show_cmd(source_id: int) -> None:
    """查看数据源。"""
    from shuan.inventory.sources import get_source

    with authenticated() as (platform, actor):
        emit(get_source(platform, actor=actor, source_id=source_id))


@command.command("update")
@click.argument("source_id", type=ID)
@click.option("--location", default=None, help="新的位置（重新加密保存）")
@click.option("--responsible", default=None, help="新的责任人用户名")
@click.option("--scheme", default=None, help="分级标准")
@click.option("--sample-rows", type=ROWS, default=None, help="每表抽样行数")
@click.option("--full/--sample", "full", default=None, help="全量扫描或抽样扫描")
@click.option("--every", "schedule_hours", type=HOURS, default=None, help="定时重扫间隔（小时）")
@click.option("--no-schedule", is_flag=True, help="取消定时重扫")
@click.option("--deactivate", is_flag=True, help="停用（停止扫描，保留历史与副本记录）")
@click.option("--activate", is_flag=True, help="重新启用")
def update_cmd(source_id: int, location: str | None, responsible: str | None, scheme: str | None,
               sample_rows: int | None, full: bool | None, schedule_hours: int | None, no_schedule: bool,
               deactivate: bool, activate: bool) -> None:
    """修改数据源的位置、扫描设置、定时、责任人或启停状态。"""
    from shuan.inventory.sources import deactivate_source, set_responsible, update_source

    with authenticated() as (platform, actor):
        view = None
        if responsible is not None:
            view = set_responsible(platform, actor=actor, source_id=source_id, responsible_username=responsible)
        if deactivate:
            view = deactivate_source(platform, actor=actor, source_id=source_id)
            output.info(msg("sources.cli_deactivated", name=view.name))
        settings = (location, scheme, sample_rows, full, schedule_hours)
        if any(v is not None for v in settings) or no_schedule or activate or view is None:
            view = update_source(platform, actor=actor, source_id=source_id, location=location, scheme=scheme,
                                 sample_rows=sample_rows, full=full, schedule_hours=schedule_hours,
                                 clear_schedule=no_schedule, active=True if activate else None)
    emit(view)


@command.command("scan")
@click.argument("source_id", type=ID)
def scan_cmd(source_id: int) -> None:
    """立即扫描数据源，保存结果并更新资源登记。"""
    from shuan.inventory.sources import scan_source

    with authenticated() as (platform, actor):
        view = scan_source(platform, actor=actor, source_id=source_id)
    output.info(msg("sources.cli_scanned", name=view.source_name, scan=view.scan_id, tables=view.tables,
                    errors=view.errors, level=view.max_level if view.max_level is not None else "-"))
    for problem in view.access_problems:
        output.error(msg("sources.cli_access_problem", problem=problem))
    emit(view)


@command.command("history")
@click.argument("source_id", type=ID)
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def history_cmd(source_id: int, limit: int) -> None:
    """数据源的扫描历史（最新在前，JSON Lines）。"""
    from shuan.inventory.sources import scan_history

    with authenticated() as (platform, actor):
        emit_rows(scan_history(platform, actor=actor, source_id=source_id, limit=limit))


@command.command("copy-add")
@click.argument("source_id", type=ID)
@click.option("--holder", "holder_department_id", type=ID, required=True, help="持有副本的部门编号")
@click.option("--responsible", required=True, help="副本责任人用户名（须为持有部门人员）")
@click.option("--purpose", required=True, help="复制或交换的用途")
@click.option("--location", required=True, help="副本所在位置（说明；URL 中的密码不会保存）")
def copy_add_cmd(source_id: int, holder_department_id: int, responsible: str, purpose: str, location: str) -> None:
    """登记数据副本及其责任人。"""
    from shuan.inventory.sources import record_copy

    with authenticated() as (platform, actor):
        emit(record_copy(platform, actor=actor, source_id=source_id, holder_department_id=holder_department_id,
                         responsible_username=responsible, purpose=purpose, location=location))


@command.command("copy-end")
@click.argument("copy_id", type=ID)
def copy_end_cmd(copy_id: int) -> None:
    """结束副本记录（副本已删除或归还）。"""
    from shuan.inventory.sources import end_copy

    with authenticated() as (platform, actor):
        view = end_copy(platform, actor=actor, copy_id=copy_id)
    output.info(msg("sources.cli_copy_ended", copy=view.id))
    emit(view)


@command.command("copies")
@click.argument("source_id", type=ID)
@click.option("--all", "include_ended", is_flag=True, help="包含已结束的副本")
def copies_cmd(source_id: int, include_ended: bool) -> None:
    """列出数据源的副本（JSON Lines）。"""
    from shuan.inventory.sources import list_copies

    with authenticated() as (platform, actor):
        emit_rows(list_copies(platform, actor=actor, source_id=source_id, include_ended=include_ended))


@command.command("run-due")
def run_due_cmd() -> None:
    """定时任务：依次扫描所有到期的数据源（以平台身份运行，适合 cron；部分失败时仍返回 0 并列出）。"""
    from shuan.inventory.sources import run_due_scans
    from shuan.platform import open_platform

    platform = open_platform()
    try:
        views = run_due_scans(platform)
    finally:
        platform.close()
    if not views:
        output.info(msg("sources.cli_due_none"))
        return
    failed = [v for v in views if v.status == "failed"]
    for v in failed:
        output.error(msg("sources.cli_due_failed", name=v.source_name, error=v.error or "-"))
    output.info(msg("sources.cli_due_done", ok=len(views) - len(failed), failed=len(failed)))
    emit_rows(views)
