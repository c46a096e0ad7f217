"""`shuan token …`: API tokens, the CLI's credential (SHUAN_TOKEN).

Tokens are created from a login session only (a token cannot mint tokens), so `token create` logs
in interactively: password, then TOTP if enrolled; at a first login it also has the one-time secret
replaced and TOTP enrolled, through the same identity services as the REST API. The token is
printed once, alone on standard output; prompts and messages go to standard error. The login
session ends when the command does. A token carrying an administrative permission lives at most
SHUAN_SESSION_ABSOLUTE_HOURS (default 8) hours, like a login session — the default for such a token —
so that it cannot stand in for the second factor for months; other tokens default to 30 days. `token bootstrap` is the same command, named for the first
login of the administrator `shuan init` created.
"""

from __future__ import annotations

from datetime import timedelta

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import emit_rows
from shuan.identity.principal import Principal
from shuan.messages import msg
from shuan.platform import Platform

CLIENT = "cli"
MAX_DAYS = 365
DEFAULT_DAYS = 30


@click.group("token")
def command() -> None:
    """API 令牌：创建（交互式登录）、列出、撤销。"""


def interactive_login(platform: Platform, username: str) -> tuple[str, Principal]:
    """Log in at the terminal, finishing whatever step the account is at; returns the session id and
    the principal of the now complete session."""
    from shuan.identity.account import change_password
    from shuan.identity.sessions import authenticate, login, resume, verify_mfa
    from shuan.identity.stages import SessionStage
    from shuan.identity.totp import begin_totp_enrollment, confirm_totp_enrollment

    password = click.prompt(msg("login.password"), hide_input=True, err=True)
    result = login(platform, username=username, password=password, client=CLIENT)
    session_id, stage = result.session_id, result.stage
    try:
        if stage is SessionStage.MFA:
            code = click.prompt(msg("login.totp"), err=True)
            result = verify_mfa(platform, session_id=session_id, code=code, client=CLIENT)
            session_id, stage = result.session_id, result.stage
        if stage is SessionStage.PASSWORD:
            output.info(msg("login.must_change", min=platform.settings.password_min_length))
            new = click.prompt(msg("login.new_password"), hide_input=True, err=True)
            again = click.prompt(msg("login.repeat_password"), hide_input=True, err=True)
            if new != again:
                raise click.UsageError(msg("login.passwords_differ"))
            actor = resume(platform, session_id=session_id, client=CLIENT).principal
            stage = change_password(platform, actor=actor, current_password=password, new_password=new)
        if stage is SessionStage.ENROLL:
            actor = resume(platform, session_id=session_id, client=CLIENT).principal
            enrollment = begin_totp_enrollment(platform, actor=actor)
            output.info(msg("login.enrol"))
            output.info(msg("login.enrol_secret", secret=enrollment.secret))
            output.info(msg("login.enrol_uri", uri=enrollment.uri))
            code = click.prompt(msg("login.totp"), err=True)
            confirm_totp_enrollment(platform, actor=actor, code=code)
        return session_id, authenticate(platform, session_id=session_id, client=CLIENT)
    except BaseException:
        from shuan.identity.sessions import logout

        logout(platform, session_id=session_id, client=CLIENT)
        raise


@click.command("create")
@click.option("--username", default=None, help="用户名（本人；不给出时提示输入）")
@click.option("--name", default="cli", show_default=True, help="令牌名称（便于识别和撤销）")
@click.option("--scope", "scopes", multiple=True, help="权限范围，如 audit.read；默认 *（本人全部权限）")
@click.option("--days", type=click.IntRange(1, MAX_DAYS), default=None,
              help=f"有效天数（默认 {DEFAULT_DAYS}；含管理权限的令牌不能超过登录会话时长，见 --hours）")
@click.option("--hours", type=click.IntRange(1, MAX_DAYS * 24), default=None,
              help="有效小时数（含管理权限的令牌默认且最长为 SHUAN_SESSION_ABSOLUTE_HOURS，默认 8）")
def create_cmd(username: str | None, name: str, scopes: tuple[str, ...], days: int | None,
               hours: int | None) -> None:
    """交互式登录后为本人创建 API 令牌（令牌只显示这一次，输出到标准输出）。

    含管理权限（系统/安全/审计管理员的 * 或管理类范围）的令牌与登录会话一样最长 SHUAN_SESSION_ABSOLUTE_HOURS
    小时，不能代替动态口令长期使用；其他令牌默认 30 天、最长 365 天。"""
    from shuan.identity.common import now_or
    from shuan.identity.roles import permissions_of
    from shuan.identity.sessions import logout
    from shuan.identity.tokens import create_token, is_admin_token, max_lifetime
    from shuan.platform import open_platform

    if days is not None and hours is not None:
        raise click.UsageError(msg("identity.cli_token_days_or_hours"))
    if not username:
        username = str(click.prompt(msg("login.username"), err=True))
    wanted = scopes or ("*",)
    platform = open_platform()
    try:
        session_id, actor = interactive_login(platform, username)
        try:
            held = permissions_of(actor.roles)
            if days is not None:
                lifetime = timedelta(days=days)
            elif hours is not None:
                lifetime = timedelta(hours=hours)
            else:  # the default: 30 days, or as long as an administrative token may live
                lifetime = min(timedelta(days=DEFAULT_DAYS), max_lifetime(platform.settings, held, wanted))
            if is_admin_token(held, wanted):
                output.info(msg("identity.cli_token_admin_limit", hours=platform.settings.session_absolute_hours))
            now = now_or(None)
            created = create_token(platform, actor=actor, name=name, scopes=wanted, expires_at=now + lifetime,
                                   now=now)
        finally:
            logout(platform, session_id=session_id, client=CLIENT)
    finally:
        platform.close()
    output.emit_line(created.token)
    info = created.info
    output.info(msg("token.created", token_id=info.token_id, name=info.name, expires=info.expires_at.isoformat()))


command.add_command(create_cmd)
bootstrap_cmd = click.Command("bootstrap", callback=create_cmd.callback, params=list(create_cmd.params),
                              help="首次登录（如 shuan init 创建的系统管理员）：修改一次性口令、绑定动态口令，并创建 API 令牌。")
command.add_command(bootstrap_cmd)


@command.command("list")
@click.option("--user", "username", default=None, help="其他用户（需系统管理员）")
def list_cmd(username: str | None) -> None:
    """列出令牌（不含令牌本身，JSON Lines）。"""
    from shuan.identity.tokens import list_tokens

    with authenticated() as (platform, actor):
        emit_rows(list_tokens(platform, actor=actor, username=username))


@command.command("revoke")
@click.argument("token_id")
def revoke_cmd(token_id: str) -> None:
    """撤销令牌（令牌编号为 shuan_<编号>_… 中的 12 位十六进制）。"""
    from shuan.cli.user import pending_or
    from shuan.identity.dual_control import PendingRequest
    from shuan.identity.tokens import revoke_token

    with authenticated() as (platform, actor):
        info = revoke_token(platform, actor=actor, token_id=token_id)
    if isinstance(info, PendingRequest):
        pending_or(info)
        return
    output.info(msg("token.revoked", token_id=info.token_id))
