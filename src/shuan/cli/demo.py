"""`shuan demo`: the demo city 泗河市.

In an interactive terminal (or with `--console`, as `make demo` runs it) it starts the console on the
embedded SQLite store, seeded with the city's departments, users in each role and its registered demo
sources already scanned, and prints the URL and ready-to-use credentials once. Without a terminal (or
with `--scan-only`) it does the platform's main job on the demo data: scan, grade, print the inventory
and write the 分类分级清单 XLSX.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shuan.cli import output
from shuan.config import Settings, get_settings
from shuan.errors import ConfigError
from shuan.messages import msg

if TYPE_CHECKING:
    from shuan.demo.seed import DemoAccount
    from shuan.platform import Platform

DEMO_KEY = "demo-root.key"


@click.command("demo")
@click.option("--console", "console", is_flag=True, default=False, help="启动控制台（交互式终端下默认）")
@click.option("--scan-only", "scan_only", is_flag=True, default=False, help="只扫描、打印清单并导出 XLSX")
@click.option("--reset", is_flag=True, default=False, help="删除演示数据库，重新建立演示城市")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="控制台端口（只监听本机）")
@click.option("--no-serve", "no_serve", is_flag=True, default=False, hidden=True)
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, help="演示数据目录")
@click.option("--output", "-o", "output_path", type=click.Path(path_type=Path), default=None,
              help="分类分级清单 XLSX 路径")
def command(console: bool, scan_only: bool, reset: bool, port: int, no_serve: bool, data_dir: Path | None,
            output_path: Path | None) -> None:
    """演示城市泗河市：启动已建好部门、用户与数据源的控制台，或只扫描并导出清单。"""
    if console and scan_only:
        raise click.UsageError(msg("demo.mode_conflict"))
    settings = get_settings()
    folder = data_dir or settings.home / "demo-data"
    if scan_only or not (console or (sys.stdin.isatty() and sys.stdout.isatty())):
        _scan_only(settings, folder, output_path)
        return
    _console(settings, folder, port=port, reset=reset, serve=not no_serve)


def _scan_only(settings: Settings, data: Path, output_path: Path | None) -> None:
    from shuan.cli.scan import report_outcome, run_with_progress
    from shuan.demo.dataset import CITY, ensure_demo
    from shuan.inventory.service import ScanRequest

    folder = ensure_demo(data)
    output.info(msg("demo.title", city=CITY))
    output.info(msg("demo.sources", path=folder.resolve()))
    target = output_path or settings.home / "分类分级清单.xlsx"
    outcome = run_with_progress(ScanRequest(str(folder), output=target))
    output.inventory_table(outcome.report)
    report_outcome(outcome)


def _demo_settings(settings: Settings) -> Settings:
    """This run's settings: the console over plain http on 127.0.0.1, and a root key — the configured one,
    else the demo's own key file (created here, the only place a key is created automatically)."""
    update: dict[str, object] = {"console_allow_http": True}
    if not (settings.root_key or settings.root_key_file or settings.kms):
        from shuan.crypto.keys.root import create_key_file

        path = settings.home / DEMO_KEY
        if path.exists():
            output.info(msg("demo.key_reused", path=path))
        else:
            create_key_file(path)
            output.info(msg("demo.key_created", path=path))
        update["root_key_file"] = path
    return settings.model_copy(update=update)


def _reset(settings: Settings) -> None:
    if settings.database_url:
        raise ConfigError("demo.reset_external")
    store = settings.home / "shuan.db"
    for path in (store, *(store.with_name(store.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        if path.exists():
            path.unlink()
    output.info(msg("demo.reset_done", path=store))


def _show(account: DemoAccount) -> None:
    from shuan.identity.roles import role_label
    from shuan.messages import language

    output.emit_line(msg("demo.account", role=role_label(account.role, language()), display=account.display_name,
                         department=account.department))
    output.emit_line(msg("demo.username", value=account.username))
    output.emit_line(msg("demo.password", value=account.password))
    output.emit_line(msg("demo.totp_secret", value=account.totp_secret))
    output.emit_line(msg("demo.totp_uri", value=account.totp_uri))
    output.emit_line(msg("demo.totp_now", value=account.current_code()))


def _console(settings: Settings, folder: Path, *, port: int, reset: bool, serve: bool) -> None:
    from shuan.demo.dataset import CITY
    from shuan.demo.seed import SECADMIN, SHOWN_STEWARD, seed_city
    from shuan.platform import open_platform

    settings = _demo_settings(settings)
    if reset:
        _reset(settings)
    platform = open_platform(settings)
    try:
        output.info(msg("demo.title", city=CITY))
        output.info(msg("demo.seeding", city=CITY))
        credentials = seed_city(platform, folder)
        url = f"http://127.0.0.1:{port}/console"
        if credentials is None:
            output.info(msg("demo.reused", path=settings.store_url()))
        else:
            output.info(msg("demo.seeded", departments=len(credentials.departments),
                            users=len(credentials.usernames), sources=len(credentials.scans)))
            sharing = credentials.sharing
            if sharing is not None and sharing.approved_request is not None:
                output.info(msg("demo.sharing", entries=sharing.entries, approved=sharing.approved_request,
                                service=sharing.service or "-", rows=sharing.rows_returned,
                                pending=sharing.pending_request or "-"))
        output.emit_line("")
        output.emit_line(msg("demo.console_url", url=url))
        if credentials is not None:
            shown = (SECADMIN, SHOWN_STEWARD)
            for account in credentials.accounts:
                output.emit_line("")
                _show(account)
                if account.username in shown:
                    output.emit_line(msg("demo.qr_hint"))
                    output.qr_code(account.totp_uri)
            output.emit_line("")
            output.emit_line(msg("demo.credentials_once"))
        if serve:
            _serve(platform, port)
    finally:
        platform.close()


def _serve(platform: Platform, port: int) -> None:
    import uvicorn

    from shuan.web.app import create_app

    app = create_app(platform)
    output.info(msg("serve.listening", host="127.0.0.1", port=port))
    output.info(msg("demo.stop_hint"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", server_header=False)
