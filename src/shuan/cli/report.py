"""`shuan report OUTPUT`: the 分类分级清单 and the inspection report of the city or of one department.

Two modes, chosen by the configuration:

- platform mode (a root key is configured: SHUAN_ROOT_KEY, SHUAN_ROOT_KEY_FILE or SHUAN_KMS): exporting the
  inventory is a security-relevant action. SHUAN_TOKEN must name a user holding the department security
  officer, steward, security administrator or auditor role; a user of an ordinary department exports only
  their own department and those below it (the default scope for them); the data authority, the security
  administrator and the auditor may export the whole city. Every export is recorded as `inventory.export`
  (format, scope, counts) in the audit log; refusals are recorded too.
- standalone discovery mode (no root key at all, as in `make demo`): like `shuan export`, no identity and
  no audit log; the report covers whatever the local store holds.
"""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.config import Settings, get_settings
from shuan.messages import msg
from shuan.reports.write import REPORT_FORMATS

HELP = """导出分类分级清单与检查用报告（XLSX / HTML / PDF / CSV / JSON，按扩展名）。

\b
全市或单个部门（--department 部门编号，含下级部门；0 表示未登记部门的数据源）。
已配置根密钥时（平台模式）须设置 SHUAN_TOKEN：部门数据安全负责人、数据管理员只能导出本部门及下级部门，
主管部门、安全管理员、审计管理员可导出全市；每次导出记入审计日志（inventory.export）。
未配置根密钥时（独立发现模式，如 make demo）与 shuan export 一样无需身份。
PDF 需要 Chromium（apt-get install chromium）。"""


@click.command("report", help=HELP)
@click.argument("output_path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None, help="默认按文件扩展名")
@click.option("--department", "department", type=int, default=None, help="部门编号（默认全市；0 为未登记）")
@click.option("--scheme", "scheme", default=None, help="按哪个分级方案统计（默认扫描所用方案）")
def command(output_path: Path, fmt: str | None, department: int | None, scheme: str | None) -> None:
    from shuan.platform import provider_kind
    from shuan.reports.write import report_format

    settings = get_settings()
    fmt = report_format(output_path, fmt)
    if provider_kind(settings) == "none":
        path, scope = _standalone(settings, output_path, fmt, department, scheme)
    else:
        path, scope = _platform(settings, output_path, fmt, department, scheme)
    output.info(msg("report.done", scope=scope, fmt=fmt.upper(), path=path.resolve()))


def _standalone(settings: Settings, path: Path, fmt: str, department: int | None,
                scheme: str | None) -> tuple[Path, str]:
    from shuan.reports.inventory_report import build_report
    from shuan.reports.write import write_report
    from shuan.store.db import open_store

    store = open_store(settings.store_url())
    try:
        report = build_report(store, scheme=scheme, default_scheme=settings.scheme, department=department)
    finally:
        store.close()
    return write_report(report, path, fmt), report.scope


def _platform(settings: Settings, path: Path, fmt: str, department: int | None,
              scheme: str | None) -> tuple[Path, str]:
    from shuan.cli.auth import authenticated
    from shuan.reports.access import export_report

    with authenticated() as (platform, principal):
        report = export_report(platform, principal, path, fmt, department=department, scheme=scheme)
        return path, report.scope
