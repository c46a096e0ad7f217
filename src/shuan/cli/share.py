"""`shuan share …`: share requests (共享申请) — submit, list, show, the data authority's compliance check,
the provider's review, withdraw, revoke, renew, verify the signed decisions, and the overdue reminders
(`shuan share remind`, for cron). Token in SHUAN_TOKEN; a decision asks for the decider's own password,
which opens their signing key (never an option: it would stay in the shell history)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

from shuan.access.rules import SCENARIOS
from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.grant import signing_password
from shuan.cli.records import DATETIME, ID, emit, emit_rows
from shuan.errors import CryptoError, UsageError
from shuan.messages import msg


@click.group("share")
def command() -> None:
    """共享申请：提交、审核（主管部门合规审核、提供方审核）、撤回、撤销、续期、验证与超期提醒。"""


def _row_filter(text: str | None) -> list[Any] | None:
    if text is None:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting too deep
        raise UsageError("share.bad_row_filter", reason=str(exc)[:200] or type(exc).__name__) from None
    if not isinstance(value, list):
        raise UsageError("share.bad_row_filter", reason=type(value).__name__)
    return value


def _done(view: Any) -> None:
    output.info(msg("share.done", request=view.id, status=msg(f"share.status_{view.status}")))
    if view.grants_awaiting_authority:
        output.info(
            msg(
                "share.await_authority_note", grants=", ".join(str(g) for g in view.grants_awaiting_authority)
            )
        )


@command.command("submit")
@click.option("--entry", "entry_id", type=ID, required=True, help="目录资源编号")
@click.option("--purpose", required=True, help="用途")
@click.option("--scenario", type=click.Choice(list(SCENARIOS)), required=True, help="使用场景")
@click.option("--column", "columns", multiple=True, help="申请的信息项（可重复；不给出即全部）")
@click.option("--from", "valid_from", type=DATETIME, default=None, help="起始时间（默认现在）")
@click.option("--until", "valid_until", type=DATETIME, required=True, help="截止时间（ISO-8601，带时区）")
@click.option("--basis", "legal_basis", required=True, help="申请依据")
def submit_cmd(
    entry_id: int,
    purpose: str,
    scenario: str,
    columns: tuple[str, ...],
    valid_from: datetime | None,
    valid_until: datetime,
    legal_basis: str,
) -> None:
    """提交共享申请（本部门的申请）。"""
    from shuan.sharing.requests import submit

    with authenticated() as (platform, actor):
        view = submit(
            platform,
            actor,
            entry_id=entry_id,
            purpose=purpose,
            scenario=scenario,
            columns=list(columns),
            valid_from=valid_from,
            valid_until=valid_until,
            legal_basis=legal_basis,
        )
    emit(view)


@command.command("list")
@click.option(
    "--scope",
    type=click.Choice(["all", "mine", "awaiting"]),
    default="all",
    show_default=True,
    help="mine：本部门的；awaiting：待我审核的；all：可见的全部",
)
@click.option(
    "--status",
    default=None,
    type=click.Choice(["authority_review", "provider_review", "approved", "refused", "withdrawn", "revoked"]),
)
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
def list_cmd(scope: str, status: str | None, limit: int) -> None:
    """列出共享申请（最新在前，JSON Lines）。"""
    from shuan.sharing.requests import list_requests

    with authenticated() as (platform, actor):
        emit_rows(list_requests(platform, actor, scope=scope, status=status, limit=limit))


@command.command("show")
@click.argument("request_id", type=ID)
def show_cmd(request_id: int) -> None:
    """查看共享申请及其签名审核意见。"""
    from shuan.sharing.requests import get_request

    with authenticated() as (platform, actor):
        emit(get_request(platform, actor, request_id))


@command.command("check")
@click.argument("request_id", type=ID)
@click.option("--refuse", is_flag=True, help="不予通过（须说明理由）")
@click.option("--reasons", default=None, help="理由")
def check_cmd(request_id: int, refuse: bool, reasons: str | None) -> None:
    """数据主管部门合规审核：通过或不予通过（输入本人密码签名）。"""
    from shuan.sharing.requests import authority_check

    with authenticated() as (platform, actor):
        password = signing_password("share.signing_password_prompt")
        view = authority_check(
            platform,
            actor,
            request_id,
            outcome="refuse" if refuse else "pass",
            reasons=reasons,
            signing_password=password,
        )
    _done(view)


@command.command("review")
@click.argument("request_id", type=ID)
@click.option("--refuse", is_flag=True, help="不予通过（须说明理由）")
@click.option("--reasons", default=None, help="理由")
@click.option("--masking", "masking_profile", default=None, help="脱敏场景（默认按使用场景）")
@click.option("--row-filter", default=None, help="行过滤条件（JSON 列表）")
@click.option("--expires", "expires_at", type=DATETIME, default=None, help="授权到期时间（默认申请截止时间）")
def review_cmd(
    request_id: int,
    refuse: bool,
    reasons: str | None,
    masking_profile: str | None,
    row_filter: str | None,
    expires_at: datetime | None,
) -> None:
    """提供方审核：批准（生成授权）或不予通过（输入本人密码签名）。"""
    from shuan.sharing.requests import provider_review

    conditions = _row_filter(row_filter)
    with authenticated() as (platform, actor):
        password = signing_password("share.signing_password_prompt")
        view = provider_review(
            platform,
            actor,
            request_id,
            outcome="refuse" if refuse else "approve",
            reasons=reasons,
            masking_profile=masking_profile,
            row_filter=conditions,
            expires_at=expires_at,
            signing_password=password,
        )
    _done(view)


@command.command("withdraw")
@click.argument("request_id", type=ID)
@click.option("--reason", default=None, help="撤回理由")
def withdraw_cmd(request_id: int, reason: str | None) -> None:
    """撤回本部门审核中的申请。"""
    from shuan.sharing.requests import withdraw

    with authenticated() as (platform, actor):
        view = withdraw(platform, actor, request_id, reason=reason)
    _done(view)


@command.command("revoke")
@click.argument("request_id", type=ID)
@click.option("--reasons", required=True, help="撤销理由")
def revoke_cmd(request_id: int, reasons: str) -> None:
    """撤销已批准的共享及其全部授权（输入本人密码签名）。"""
    from shuan.sharing.requests import revoke

    with authenticated() as (platform, actor):
        password = signing_password("share.signing_password_prompt")
        view = revoke(platform, actor, request_id, reasons=reasons, signing_password=password)
    _done(view)


@command.command("renew")
@click.argument("request_id", type=ID)
@click.option("--until", "valid_until", type=DATETIME, default=None, help="新的截止时间（默认与原期限等长）")
def renew_cmd(request_id: int, valid_until: datetime | None) -> None:
    """续期：按已批准的申请生成新申请（重新审核）。"""
    from shuan.sharing.requests import renew

    with authenticated() as (platform, actor):
        view = renew(platform, actor, request_id, valid_until=valid_until)
    emit(view)


@command.command("verify")
@click.argument("request_id", type=ID)
def verify_cmd(request_id: int) -> None:
    """验证共享申请各审核意见的签名；有一项不通过即以非零状态退出。"""
    from shuan.sharing.requests import request_verification

    with authenticated() as (platform, actor):
        result = request_verification(platform, actor, request_id)
    emit(result)
    if not result.valid:
        bad = ", ".join(str(d.decision_id) for d in result.decisions if not d.valid)
        raise CryptoError("share.verify_failed", request=request_id, decisions=bad)
    output.info(msg("share.verified", request=request_id, count=len(result.decisions)))


@command.command("remind")
def remind_cmd() -> None:
    """向超期未办的审核人发送提醒（每个工作日至多一次；适合由 cron 定时运行，无需令牌）。"""
    from shuan.platform import open_platform
    from shuan.sharing.requests import remind_overdue

    platform = open_platform()
    try:
        reminders = remind_overdue(platform)
    finally:
        platform.close()
    emit_rows(reminders)
    output.info(msg("share.reminded", count=len(reminders)))


__all__ = ["command"]
