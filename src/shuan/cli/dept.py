"""`shuan dept …`: the department tree (reading: any token; changes: 系统管理员)."""

from __future__ import annotations

import click

from shuan.cli.auth import authenticated
from shuan.cli.records import ID, emit, emit_rows


@click.group("dept")
def command() -> None:
    """部门（部门树的根是主管部门；修改需系统管理员令牌 SHUAN_TOKEN）。"""


@command.command("list")
def list_cmd() -> None:
    """列出部门树（父部门在前，JSON Lines）。"""
    from shuan.identity.directory import list_departments

    with authenticated() as (platform, _actor):
        emit_rows(list_departments(platform))


@command.command("show")
@click.argument("department_id", type=ID)
def show_cmd(department_id: int) -> None:
    """查看部门。"""
    from shuan.identity.directory import get_department

    with authenticated() as (platform, _actor):
        emit(get_department(platform, department_id=department_id))


@command.command("create")
@click.argument("name")
@click.option("--parent", type=ID, required=True, help="上级部门编号")
def create_cmd(name: str, parent: int) -> None:
    """新建部门。"""
    from shuan.identity.directory import create_department

    with authenticated() as (platform, actor):
        emit(create_department(platform, actor=actor, name=name, parent_id=parent))


@command.command("rename")
@click.argument("department_id", type=ID)
@click.argument("name")
def rename_cmd(department_id: int, name: str) -> None:
    """部门改名。"""
    from shuan.identity.directory import rename_department

    with authenticated() as (platform, actor):
        emit(rename_department(platform, actor=actor, department_id=department_id, name=name))


@command.command("move")
@click.argument("department_id", type=ID)
@click.option("--parent", type=ID, required=True, help="新的上级部门编号")
def move_cmd(department_id: int, parent: int) -> None:
    """调整上级部门（不能形成环；根部门不能移动）。"""
    from shuan.identity.directory import move_department

    with authenticated() as (platform, actor):
        emit(move_department(platform, actor=actor, department_id=department_id, parent_id=parent))
