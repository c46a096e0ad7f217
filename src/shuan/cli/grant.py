"""`shuan grant …` and `shuan resource …`: the protected-resource register, grants and decisions
(安全管理员, or a department's steward/officer on its own resources; token in SHUAN_TOKEN)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from shuan.access.rules import ACTIONS, SCENARIOS
from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import DATETIME, ID, emit, emit_rows
from shuan.errors import UsageError
from shuan.messages import msg


@click.group("grant")
def command() -> None:
    """数据访问授权：创建、列出、审批、撤销，以及访问决策查询。"""


def _row_filter(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError("grant.bad_row_filter", reason=str(exc)[:200]) from None
    if not isinstance(value, list):
        raise UsageError("grant.bad_row_filter", reason=type(value).__name__)
    return value


@command.command("create")
@click.option("--user", "user_id", type=ID, default=None, help="被授权用户的编号")
@click.option("--department", "department_id", type=ID, default=None, help="被授权部门的编号")
@click.option("--with-subdepartments", is_flag=True, help="部门授权包含下级部门")
@click.option("--resource", required=True, help="资源路径，如 src:公安/tbl:户籍")
@click.option("--action", "actions", type=click.Choice(ACTIONS), multiple=True, required=True, help="操作（可重复）")
@click.option("--purpose", required=True, help="申请理由")
@click.option("--until", "valid_until", type=DATETIME, required=True, help="有效期截止（ISO-8601，带时区）")
@click.option("--from", "valid_from", type=DATETIME, default=None, help="有效期开始（默认现在）")
@click.option("--scenario", type=click.Choice(list(SCENARIOS)), default="business", show_default=True,
              help="使用场景")
@click.option("--row-filter", default=None, help='行过滤条件（JSON 列表，如 [{"column":"区县","op":"=","value":"任城区"}]）')
@click.option("--masking", "masking_profile", default=None, help="脱敏方案名称")
@click.option("--await-authority", is_flag=True, help="三级跨部门：创建为待主管部门审批")
def create_cmd(user_id: int | None, department_id: int | None, with_subdepartments: bool, resource: str,
               actions: tuple[str, ...], purpose: str, valid_until: datetime, valid_from: datetime | None,
               scenario: str, row_filter: str | None, masking_profile: str | None, await_authority: bool) -> None:
    """创建授权（不能授权给自己）。"""
    from shuan.access.service import create_grant
    from shuan.lookups import grant_subject

    if (user_id is None) == (department_id is None):
        raise UsageError("grant.subject_required")
    conditions = _row_filter(row_filter)
    with authenticated() as (platform, actor):
        if user_id is not None:
            subject = grant_subject(platform, kind="user", subject_id=user_id)
        else:
            assert department_id is not None  # noqa: S101 - checked above
            subject = grant_subject(platform, kind="department", subject_id=department_id,
                                    include_subdepartments=with_subdepartments)
        view = create_grant(platform, actor, subject=subject, resource=resource, actions=actions, purpose=purpose,
                            valid_until=valid_until, scenario=scenario, valid_from=valid_from, row_filter=conditions,
                            masking_profile=masking_profile, await_authority=await_authority)
    emit(view)


@command.command("list")
@click.option("--resource", default=None, help="资源路径")
@click.option("--children", is_flag=True, help="包含下级资源上的授权")
@click.option("--subject-kind", type=click.Choice(["user", "department"]), default=None)
@click.option("--subject-id", type=ID, default=None)
@click.option("--revoked", is_flag=True, help="包含已撤销的授权")
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0, 2_147_483_647), default=0)
def list_cmd(resource: str | None, children: bool, subject_kind: str | None, subject_id: int | None, revoked: bool,
             limit: int, offset: int) -> None:
    """列出本人可见的授权（最新在前，JSON Lines）。"""
    from shuan.access.service import list_grants

    with authenticated() as (platform, actor):
        emit_rows(list_grants(platform, actor, resource=resource, include_children=children,
                              subject_kind=subject_kind, subject_id=subject_id, include_revoked=revoked, limit=limit,
                              offset=offset))


@command.command("show")
@click.argument("grant_id", type=ID)
def show_cmd(grant_id: int) -> None:
    """查看授权。"""
    from shuan.access.service import get_grant

    with authenticated() as (platform, actor):
        emit(get_grant(platform, actor, grant_id))


def signing_password(key: str) -> str:
    """The approver's own password, asked for on the terminal (never an option or a variable: it
    opens the personal signing key, and would otherwise stay in the shell history)."""
    return str(click.prompt(msg(key), hide_input=True, err=True))


@command.command("approve")
@click.argument("grant_id", type=ID)
def approve_cmd(grant_id: int) -> None:
    """主管部门签名审批（三级跨部门授权）：输入本人密码以本人签名密钥签署审批。"""
    from shuan.access.service import approve_grant

    with authenticated() as (platform, actor):
        password = signing_password("access.signing_password_prompt")
        view = approve_grant(platform, actor, grant_id, signing_password=password)
    output.info(msg("grant.done", grant_id=view.id, status=view.status))


@command.command("verify-approval")
@click.argument("grant_id", type=ID)
def verify_approval_cmd(grant_id: int) -> None:
    """验证授权的审批签名（按存储的授权内容重新编码审批单，用审批人的公钥验证）。"""
    from shuan.access.service import grant_approval
    from shuan.errors import CryptoError

    with authenticated() as (platform, actor):
        check = grant_approval(platform, actor, grant_id)
    emit(check)
    if not check.valid:
        raise CryptoError("access.approval_invalid", grant=grant_id)
    output.info(msg("access.approval_valid", grant=grant_id, approver=check.approver, fingerprint=check.key_fingerprint))


@command.command("revoke")
@click.argument("grant_id", type=ID)
@click.option("--reason", default=None, help="撤销理由")
def revoke_cmd(grant_id: int, reason: str | None) -> None:
    """撤销授权。"""
    from shuan.access.service import revoke_grant

    with authenticated() as (platform, actor):
        view = revoke_grant(platform, actor, grant_id, reason=reason)
    output.info(msg("grant.done", grant_id=view.id, status=view.status))


@command.command("check")
@click.option("--resource", required=True, help="资源路径")
@click.option("--action", type=click.Choice(ACTIONS), required=True)
@click.option("--user", "user_id", type=ID, default=None, help="其他用户的编号（需 decision.query 权限）；默认本人")
@click.option("--scenario", type=click.Choice(list(SCENARIOS)), default="business", show_default=True,
              help="使用场景：只有为该场景所做的授权适用（默认 business 业务办理）")
def check_cmd(resource: str, action: str, user_id: int | None, scenario: str) -> None:
    """访问决策：是否允许、依据哪条授权或规则（记入审计）。每次决策针对一个使用场景。"""
    from shuan.access.service import query_decision
    from shuan.lookups import user_principal

    with authenticated() as (platform, actor):
        subject = actor if user_id is None else user_principal(platform, user_id=user_id)
        decision = query_decision(platform, actor, subject, resource, action, purpose=scenario)
    output.emit_json(decision.as_dict())


# -- resources -------------------------------------------------------------------------------------


@click.group("resource")
def resource_command() -> None:
    """受保护资源登记：数据源、表、列及其级别。"""


@resource_command.command("register")
@click.argument("path")
@click.option("--owner", "owner_department_id", type=ID, default=None, help="所属部门编号（下级资源可继承）")
@click.option("--level", type=click.IntRange(1, 3), default=None, help="级别 1–3（下级资源可继承）")
def register_cmd(path: str, owner_department_id: int | None, level: int | None) -> None:
    """登记资源。"""
    from shuan.access.service import register_resource

    with authenticated() as (platform, actor):
        emit(register_resource(platform, actor, path, owner_department_id=owner_department_id, level=level))


@resource_command.command("show")
@click.argument("path")
def resource_show_cmd(path: str) -> None:
    """查看资源及其生效级别。"""
    from shuan.access.service import get_resource

    with authenticated() as (platform, _actor):
        emit(get_resource(platform, path))


@resource_command.command("level")
@click.argument("path")
@click.argument("level", type=click.Choice(["1", "2", "3", "inherit"]))
def level_cmd(path: str, level: str) -> None:
    """调整级别（inherit：继承上级；降级须安全管理员）。"""
    from shuan.access.service import set_resource_level

    with authenticated() as (platform, actor):
        emit(set_resource_level(platform, actor, path, None if level == "inherit" else int(level)))


@resource_command.command("public")
@click.argument("path")
@click.option("--off", is_flag=True, help="取消公开")
def public_cmd(path: str, off: bool) -> None:
    """公开一级资源（平台内所有用户可读）。"""
    from shuan.access.service import set_resource_public

    with authenticated() as (platform, actor):
        emit(set_resource_public(platform, actor, path, not off))


@resource_command.command("authorise")
@click.argument("path")
@click.option("--department", "departments", type=ID, multiple=True, help="可被授权的部门编号（可重复；不给出则清空）")
def authorise_cmd(path: str, departments: tuple[int, ...]) -> None:
    """设置二级资源可授权的部门名单。"""
    from shuan.access.service import set_authorised_departments

    with authenticated() as (platform, actor):
        emit(set_authorised_departments(platform, actor, path, list(departments)))


__all__ = ["command", "resource_command"]
