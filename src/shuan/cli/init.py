"""`shuan init`: first run — the data authority (root department) and the three administrators (三员).

The 系统管理员, 安全管理员 and 审计管理员 are created together (any later change to a 三员 account needs
a second 三员 of another kind to approve it, so all three must exist from the start). Their one-time
secrets are printed once, on standard output, one line each: role, username, secret (tab-separated);
messages go to standard error; there is no default account or password. Refused once anything is
bootstrapped.
"""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.messages import msg

USERNAME_HELP = "（3–64 个字母、数字或 . _ -）"


@click.command("init")
@click.option("--department", required=True, help="主管部门（部门树的根）名称，如 大数据局")
@click.option("--admin", "admin", required=True, help="系统管理员的用户名" + USERNAME_HELP)
@click.option("--security-admin", "security_admin", required=True, help="安全管理员的用户名" + USERNAME_HELP)
@click.option("--auditor", "auditor", required=True, help="审计管理员的用户名" + USERNAME_HELP)
@click.option("--display-name", default=None, help="系统管理员的显示名（默认同用户名）")
def command(department: str, admin: str, security_admin: str, auditor: str, display_name: str | None) -> None:
    """初始化平台：创建主管部门和系统/安全/审计三名管理员，各自的一次性口令只显示这一次（已初始化时拒绝）。"""
    from shuan.identity.bootstrap import bootstrap
    from shuan.identity.passwords import ONE_TIME_LIFETIME
    from shuan.platform import open_platform

    platform = open_platform()
    try:
        result = bootstrap(platform, authority_name=department, admin_username=admin,
                           security_admin_username=security_admin, auditor_username=auditor,
                           admin_display_name=display_name, client="cli")
    finally:
        platform.close()
    for account in result.accounts:
        output.emit_line(f"{account.role.value}\t{account.user.username}\t{account.one_time_secret}")
    output.info(msg("identity.cli_init_done", department=result.department.name,
                    department_id=result.department.id, admin=result.admin.username,
                    secadmin=result.security_admin.username, auditor=result.auditor.username))
    output.info(msg("identity.cli_init_secrets", hours=int(ONE_TIME_LIFETIME.total_seconds() // 3600)))
