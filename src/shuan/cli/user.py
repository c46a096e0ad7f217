"""`shuan user …`: accounts and roles (系统管理员 token in SHUAN_TOKEN).

One-time secrets (new account, reset) are printed once, alone on standard output.

A change to a 三员 account (or one giving a 三员 role) becomes a request instead: the command prints
the request as JSON and says it awaits another administrator. `shuan user requests` lists them;
`shuan user approve ID` (安全管理员 or 审计管理员 token, of another kind than the roles involved)
makes the change — and prints the one-time secret, if it makes one, to the approver alone;
`shuan user refuse ID --reason …` refuses it (or withdraws one's own).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import DATETIME, ID, emit, emit_rows
from shuan.identity.dual_control import REQUEST_LIFETIME, PendingRequest
from shuan.identity.roles import Role
from shuan.messages import msg

ROLES = click.Choice([r.value for r in Role])


def pending_or(result: Any) -> bool:
    """Report a deferred change (request id on stdout as JSON, the note on stderr); True if it was one."""
    if not isinstance(result, PendingRequest):
        return False
    emit(result)
    output.info(msg("identity.cli_pending", request_id=result.request_id, kind=result.kind.value,
                    target=result.target, hours=int(REQUEST_LIFETIME.total_seconds() // 3600)))
    return True


def emit_or_pending(result: Any) -> None:
    if not pending_or(result):
        emit(result)


@click.group("user")
def command() -> None:
    """用户账户与角色（需系统管理员令牌 SHUAN_TOKEN）。"""


@command.command("list")
@click.option("--department", type=ID, default=None, help="只列出该部门的用户")
def list_cmd(department: int | None) -> None:
    """列出用户（JSON Lines）。"""
    from shuan.identity.directory import list_users

    with authenticated() as (platform, actor):
        emit_rows(list_users(platform, actor=actor, department_id=department))


@command.command("show")
@click.argument("username")
def show_cmd(username: str) -> None:
    """查看用户。"""
    from shuan.identity.directory import get_user

    with authenticated() as (platform, actor):
        emit(get_user(platform, actor=actor, username=username))


@command.command("create")
@click.argument("username")
@click.option("--name", "display_name", required=True, help="显示名")
@click.option("--department", type=ID, required=True, help="所属部门编号")
@click.option("--role", "roles", type=ROLES, multiple=True, help="角色（可重复）")
@click.option("--vendor-name", default=None, help="外包单位名称（外包人员）")
@click.option("--vendor-until", type=DATETIME, default=None, help="外包协议截止时间（ISO-8601，带时区）")
def create_cmd(username: str, display_name: str, department: int, roles: tuple[str, ...], vendor_name: str | None,
               vendor_until: datetime | None) -> None:
    """创建用户；一次性口令输出到标准输出，只显示这一次。"""
    from shuan.identity.directory import create_user
    from shuan.identity.passwords import ONE_TIME_LIFETIME

    with authenticated() as (platform, actor):
        created = create_user(platform, actor=actor, username=username, display_name=display_name,
                              department_id=department, roles=roles, vendor_name=vendor_name,
                              vendor_until=vendor_until)
    if isinstance(created, PendingRequest):
        pending_or(created)
        return
    output.emit_line(created.one_time_secret)
    output.info(msg("user.created", username=created.user.username, user_id=created.user.id,
                    hours=int(ONE_TIME_LIFETIME.total_seconds() // 3600)))


@command.command("update")
@click.argument("username")
@click.option("--name", "display_name", default=None, help="新的显示名")
@click.option("--department", type=ID, default=None, help="调入的部门编号")
def update_cmd(username: str, display_name: str | None, department: int | None) -> None:
    """修改显示名或所属部门。"""
    from shuan.identity.directory import update_user

    with authenticated() as (platform, actor):
        emit_or_pending(update_user(platform, actor=actor, username=username, display_name=display_name,
                         department_id=department))


@command.command("disable")
@click.argument("username")
def disable_cmd(username: str) -> None:
    """停用账户（结束其会话，令牌失效）。"""
    from shuan.identity.directory import disable_user

    with authenticated() as (platform, actor):
        emit_or_pending(disable_user(platform, actor=actor, username=username))


@command.command("enable")
@click.argument("username")
def enable_cmd(username: str) -> None:
    """启用账户。"""
    from shuan.identity.directory import enable_user

    with authenticated() as (platform, actor):
        emit_or_pending(enable_user(platform, actor=actor, username=username))


@command.command("role-add")
@click.argument("username")
@click.argument("role", type=ROLES)
@click.option("--vendor-until", type=DATETIME, default=None, help="外包协议截止时间（授予外包人员角色时）")
def role_add_cmd(username: str, role: str, vendor_until: datetime | None) -> None:
    """授予角色（三员分立；不能修改自己的角色）。"""
    from shuan.identity.directory import assign_role

    with authenticated() as (platform, actor):
        emit_or_pending(assign_role(platform, actor=actor, username=username, role=role, vendor_until=vendor_until))


@command.command("role-remove")
@click.argument("username")
@click.argument("role", type=ROLES)
def role_remove_cmd(username: str, role: str) -> None:
    """撤销角色。"""
    from shuan.identity.directory import remove_role

    with authenticated() as (platform, actor):
        emit_or_pending(remove_role(platform, actor=actor, username=username, role=role))


@command.command("vendor")
@click.argument("username")
@click.option("--until", "vendor_until", type=DATETIME, required=True, help="外包协议截止时间")
@click.option("--vendor-name", default=None, help="外包单位名称")
def vendor_cmd(username: str, vendor_until: datetime, vendor_name: str | None) -> None:
    """设置外包人员的协议截止时间。"""
    from shuan.identity.directory import set_vendor_agreement

    with authenticated() as (platform, actor):
        emit_or_pending(set_vendor_agreement(platform, actor=actor, username=username, vendor_until=vendor_until,
                                  vendor_name=vendor_name))


@command.command("reset-password")
@click.argument("username")
def reset_password_cmd(username: str) -> None:
    """重置密码；新的一次性口令输出到标准输出，只显示这一次。"""
    from shuan.identity.account import reset_password

    with authenticated() as (platform, actor):
        secret = reset_password(platform, actor=actor, username=username)
    if isinstance(secret, PendingRequest):
        pending_or(secret)
        return
    output.emit_line(secret)
    output.info(msg("user.secret_reset", username=username))


@command.command("unlock")
@click.argument("username")
def unlock_cmd(username: str) -> None:
    """解除因多次认证失败造成的锁定。"""
    from shuan.identity.account import unlock_user

    with authenticated() as (platform, actor):
        unlock_user(platform, actor=actor, username=username)
    output.info(msg("user.done", action="unlock", username=username))


@command.command("reset-totp")
@click.argument("username")
def reset_totp_cmd(username: str) -> None:
    """清除用户的动态口令（如手机丢失），下次登录重新绑定。"""
    from shuan.identity.totp import reset_totp

    with authenticated() as (platform, actor):
        result = reset_totp(platform, actor=actor, username=username)
    if not pending_or(result):
        output.info(msg("user.done", action="reset-totp", username=username))


@command.command("revoke-sessions")
@click.argument("username")
def revoke_sessions_cmd(username: str) -> None:
    """结束用户的全部登录会话。"""
    from shuan.identity.sessions import revoke_sessions

    with authenticated() as (platform, actor):
        count = revoke_sessions(platform, actor=actor, username=username)
    if not pending_or(count):
        output.info(msg("user.sessions_ended", username=username, count=count))


# -- dual control: requests for changes to 三员 accounts ----------------------------------------------


@command.command("requests")
@click.option("--status", type=click.Choice(["pending", "approved", "refused", "expired"]), default=None,
              help="只列出该状态的申请")
def requests_cmd(status: str | None) -> None:
    """列出三员账户变更申请（JSON Lines，新的在前）。"""
    from shuan.identity.admin_requests import list_admin_requests

    with authenticated() as (platform, actor):
        emit_rows(list_admin_requests(platform, actor=actor, status=status))


@command.command("approve")
@click.argument("request_id", type=ID)
def approve_cmd(request_id: int) -> None:
    """批准并执行申请（须为另一类三员管理员）；如产生一次性口令，只向批准人显示这一次（标准输出）。"""
    from shuan.identity.admin_requests import approve_admin_request
    from shuan.identity.passwords import ONE_TIME_LIFETIME

    with authenticated() as (platform, actor):
        result = approve_admin_request(platform, actor=actor, request_id=request_id)
    request = result.request
    if result.one_time_secret is not None:
        output.emit_line(result.one_time_secret)
        output.info(msg("identity.cli_approved_secret", target=request.target,
                        hours=int(ONE_TIME_LIFETIME.total_seconds() // 3600)))
    else:
        emit(result.user if result.user is not None else request)
    output.info(msg("identity.cli_approved", request_id=request.id, kind=request.kind, target=request.target))


@command.command("refuse")
@click.argument("request_id", type=ID)
@click.option("--reason", required=True, help="拒绝（或撤回）的理由")
def refuse_cmd(request_id: int, reason: str) -> None:
    """拒绝申请（批准人），或撤回本人提出的申请。"""
    from shuan.identity.admin_requests import refuse_admin_request

    with authenticated() as (platform, actor):
        info = refuse_admin_request(platform, actor=actor, request_id=request_id, reason=reason)
    emit(info)
    output.info(msg("identity.cli_refused", request_id=info.id))
