"""`shuan init`: first run — the data authority (root department) and the first system administrator.

The administrator's one-time secret is printed once, alone on standard output (messages go to
standard error); there is no default account or password. Refused once anything is bootstrapped.
"""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.messages import msg


@click.command("init")
@click.option("--department", required=True, help="主管部门（部门树的根）名称，如 大数据局")
@click.option("--admin", "admin", required=True, help="首个系统管理员的用户名（3–64 个字母、数字或 . _ -）")
@click.option("--display-name", default=None, help="系统管理员的显示名（默认同用户名）")
def command(department: str, admin: str, display_name: str | None) -> None:
    """初始化平台：创建主管部门和首个系统管理员，一次性口令只显示这一次（已初始化时拒绝）。"""
    from shuan.identity.bootstrap import bootstrap
    from shuan.identity.passwords import ONE_TIME_LIFETIME
    from shuan.platform import open_platform

    platform = open_platform()
    try:
        result = bootstrap(platform, authority_name=department, admin_username=admin,
                           admin_display_name=display_name, client="cli")
    finally:
        platform.close()
    output.emit_line(result.one_time_secret)
    output.info(msg("init.done", department=result.department.name, department_id=result.department.id,
                    username=result.admin.username))
    output.info(msg("init.secret_note", hours=int(ONE_TIME_LIFETIME.total_seconds() // 3600),
                    username=result.admin.username))
