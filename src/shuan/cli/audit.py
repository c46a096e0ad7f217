"""`shuan audit verify|query|export|verify-archive`: the audit administrator's commands."""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.errors import AuditError
from shuan.messages import msg


@click.group("audit")
def command() -> None:
    """审计日志：校验、查询、导出（需审计管理员令牌 SHUAN_TOKEN）。"""


@command.command("verify")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def verify_cmd(fmt: str) -> None:
    """重新计算哈希链与检查点签名；完整时退出码为 0，否则指出第一条被篡改、缺失或调换的事件。"""
    from shuan.audit import service

    with authenticated() as (platform, actor):
        report = service.verify(platform, actor)
    problem = report.first_problem
    if fmt == "json":
        output.emit_json({"ok": report.ok, "events": report.events, "first_seq": report.first_seq,
                          "last_seq": report.last_seq, "checkpoints": report.checkpoints,
                          "problem": None if problem is None else {"seq": problem.seq, "kind": problem.kind,
                                                                   "message": problem.message}})
    if problem is not None:
        raise AuditError("audit.verify_failed", detail=problem.message)
    if fmt == "text":
        output.emit_line(msg("audit.verify_ok", events=report.events, first=report.first_seq or 0,
                             last=report.last_seq or 0, checkpoints=report.checkpoints))


@command.command("query")
@click.option("--actor", default=None, help="操作人用户名")
@click.option("--resource", default=None, help="资源前缀，如 user: 或 key:")
@click.option("--action", default=None, help="动作，如 auth.login；以 . 结尾表示前缀，如 auth.")
@click.option("--outcome", type=click.Choice(["success", "denied", "failure"]), default=None)
@click.option("--since", default=None, help="起始时间（ISO-8601）")
@click.option("--until", default=None, help="截止时间（ISO-8601，不含）")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--offset", type=int, default=0)
def query_cmd(actor: str | None, resource: str | None, action: str | None, outcome: str | None,
              since: str | None, until: str | None, limit: int, offset: int) -> None:
    """按操作人、资源、动作、时间查询审计事件（输出 JSON Lines，最新在前）。"""
    from shuan.audit import service

    q = service.AuditQuery(actor=actor, resource=resource, action=action, outcome=outcome,
                           since=service.parse_time(since) if since else None,
                           until=service.parse_time(until) if until else None, limit=limit, offset=offset)
    with authenticated() as (platform, principal):
        rows = service.query(platform, principal, q)
    for row in rows:
        output.emit_jsonl(row)


@command.command("export")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--since-seq", type=int, default=None)
@click.option("--until-seq", type=int, default=None)
def export_cmd(path: Path, since_seq: int | None, until_seq: int | None) -> None:
    """导出签名审计归档（可离线校验：shuan audit verify-archive）。"""
    from shuan.audit import service

    with authenticated() as (platform, actor):
        result = service.export(platform, actor, path, since_seq=since_seq, until_seq=until_seq)
    output.info(msg("audit.export_written", path=result.path, events=result.events))
    output.info(msg("audit.export_fingerprint", fingerprint=result.fingerprint))


@command.command("verify-archive")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--expect-key", default=None, help="期望的签名公钥指纹（导出时打印）")
@click.option("--trust-embedded-key", is_flag=True, help="不核对指纹，信任归档自带的公钥（仅用于排查）")
def verify_archive_cmd(path: Path, expect_key: str | None, trust_embedded_key: bool) -> None:
    """离线校验审计归档：清单签名、文件摘要、哈希链与检查点（无需数据库和根密钥）。"""
    from shuan.audit.archive import verify_archive
    from shuan.errors import UsageError

    if expect_key is None and not trust_embedded_key:
        raise UsageError("audit.archive_unpinned")
    report, manifest = verify_archive(path, expect_fingerprint=expect_key)
    problem = report.first_problem
    if problem is not None:
        raise AuditError("audit.verify_failed", detail=problem.message)
    output.emit_line(msg("audit.archive_ok", events=report.events, first=report.first_seq or 0,
                         last=report.last_seq or 0, fingerprint=manifest["fingerprint"]))
    if expect_key is None:
        output.info(msg("audit.archive_pin_hint"))


@command.command("prune")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--before", required=True, help="归档并移除此时间之前的事件（须早于保存期限，默认 183 天）")
def prune_cmd(path: Path, before: str) -> None:
    """把超过在线保存期限的审计事件写入签名归档，校验无误后从在线日志移除（链从锚点继续）。"""
    from shuan.audit import service

    with authenticated() as (platform, actor):
        result = service.archive_and_prune(platform, actor, path, before=service.parse_time(before))
    output.info(msg("audit.pruned", events=result.pruned, seq=result.anchor_seq, path=result.archive.path))
    output.info(msg("audit.export_fingerprint", fingerprint=result.archive.fingerprint))
