"""`shuan service …`: data services — publish from a YAML/JSON specification, list, show, call with
declared parameters, retire, and the periodic audit report of the calls (token in SHUAN_TOKEN)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import DATETIME, emit, emit_rows
from shuan.errors import ConfigError, InvalidInput
from shuan.messages import msg

LIMIT = click.IntRange(1, 10_000)
SCENARIOS = click.Choice(["business", "analysis", "dev_test", "sharing", "opening"])


def _read_spec(path: Path) -> dict[str, Any]:
    from shuan.smallfile import read_small
    from shuan.yamlsafe import decode, load

    try:
        raw = read_small(path, 1_000_000)
    except OSError as exc:
        raise ConfigError("gateway.cli_spec", path=str(path), reason=exc.strerror or type(exc).__name__) from None
    data = load(decode(raw, str(path)), str(path), "gateway.cli_spec", path=str(path))
    if not isinstance(data, dict):
        raise ConfigError("gateway.cli_spec", path=str(path), reason=msg("gateway.reason_mapping"))
    return data


def _params(pairs: tuple[str, ...]) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InvalidInput("gateway.cli_param", value=pair[:80], field="--param")
        out.setdefault(name, []).append(value)
    return out


@click.group("service")
def command() -> None:
    """数据服务：按声明的类型化参数发布查询服务，按调用方授权过滤、脱敏、限流，调用记入审计并定期审计。"""


@command.command("publish")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
def publish_cmd(spec: Path) -> None:
    """按 SPEC（YAML/JSON：name、title、source、table、columns、params …）发布数据服务。"""
    from shuan.gateway.service import publish_service

    document = _read_spec(spec)
    with authenticated() as (platform, actor):
        view = publish_service(platform, actor, document)
    output.info(msg("gateway.cli_published", name=view.name, version=view.version))
    emit(view)


@command.command("update")
@click.argument("name")
@click.argument("spec", type=click.Path(dir_okay=False, path_type=Path))
def update_cmd(name: str, spec: Path) -> None:
    """按 SPEC 中给出的字段修改数据服务（不能改名称、数据源和表）。"""
    from shuan.gateway.service import update_service

    document = _read_spec(spec)
    with authenticated() as (platform, actor):
        emit(update_service(platform, actor, name, document))


@command.command("list")
@click.option("--all", "include_retired", is_flag=True, help="含已停用的服务（所属部门、安全管理员、审计员）")
def list_cmd(include_retired: bool) -> None:
    """列出数据服务（JSON Lines）。"""
    from shuan.gateway.service import list_services

    with authenticated() as (platform, actor):
        services = list_services(platform, actor, include_retired=include_retired)
    if not services:
        output.info(msg("gateway.cli_none"))
    emit_rows(services)


@command.command("show")
@click.argument("name")
@click.option("--calls", "calls", type=click.IntRange(0, 1000), default=0, help="同时列出最近 N 次调用（所属部门）")
def show_cmd(name: str, calls: int) -> None:
    """查看数据服务及其参数。"""
    from shuan.gateway.service import get_service, recent_calls

    with authenticated() as (platform, actor):
        view = get_service(platform, actor, name)
        records = recent_calls(platform, actor, name, limit=calls) if calls else []
    emit(view)
    emit_rows(records)


@command.command("call")
@click.argument("name")
@click.option("--param", "-p", "pairs", multiple=True, help="参数 名称=取值（in 参数可重复或用逗号分隔）")
@click.option("--limit", type=LIMIT, default=None, help="返回行数（不超过服务上限）")
@click.option("--scenario", type=SCENARIOS, default=None, help="使用场景（默认服务的场景）")
def call_cmd(name: str, pairs: tuple[str, ...], limit: int | None, scenario: str | None) -> None:
    """调用数据服务（按本人授权过滤、脱敏，记入审计）。"""
    from shuan.gateway.service import call_service

    params = _params(pairs)
    with authenticated() as (platform, actor):
        result = call_service(platform, actor, name, params, limit=limit, scenario=scenario)
    output.info(msg("gateway.cli_rows", rows=result.row_count, omitted="、".join(result.omitted) or "-",
                    masked="、".join(result.masked) or "-"))
    emit(result.as_dict())


@command.command("retire")
@click.argument("name")
@click.option("--reason", default=None, help="停用理由")
def retire_cmd(name: str, reason: str | None) -> None:
    """停用数据服务（此后调用一律拒绝）。"""
    from shuan.gateway.service import retire_service

    with authenticated() as (platform, actor):
        view = retire_service(platform, actor, name, reason=reason)
    output.info(msg("gateway.cli_retired", name=view.name))
    emit(view)


@command.command("report")
@click.option("--from", "start", type=DATETIME, required=True, help="开始时间（含时区，如 2026-11-01T00:00:00+08:00）")
@click.option("--to", "end", type=DATETIME, required=True, help="结束时间（不含）")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（.json、.xlsx、.html）；省略则输出 JSON")
def report_cmd(start: Any, end: Any, out: Path | None) -> None:
    """数据服务调用审计报告：按服务、按调用方的调用量与拒绝原因，非工作时间调用，异常调用量，超出授权用途或期限的调用。"""
    from shuan.gateway.report import build_report, write_report

    with authenticated() as (platform, actor):
        report = build_report(platform, actor, start=start, end=end)
    if out is None:
        emit(report.as_dict())
        return
    write_report(report, out)
    output.info(msg("gateway.report_written", paths=str(out)))
