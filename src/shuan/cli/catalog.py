"""`shuan catalog …`: the sharing catalogue (政务信息资源目录). Entries are JSON documents with the fields of
`shuan.sharing.catalog.FIELDS`; `draft` writes one built from the inventory for the provider to edit and
`create` reads it back. The acting user comes from the token in SHUAN_TOKEN (as `shuan grant`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import ID, emit, emit_rows
from shuan.errors import UsageError
from shuan.messages import msg
from shuan.sharing.catalog_rules import OPEN_LABELS, SHARE_LABELS, STATUS_LABELS

#: exit status of `shuan catalog check` when a published entry no longer complies with its grade
EXIT_NONCOMPLIANT = 10


@click.group("catalog")
def command() -> None:
    """共享目录（政务信息资源目录）：编目、发布、撤回、查询、按资产清单生成草稿、合规检查、导出。"""


def _read_entries(path: str) -> list[dict[str, Any]]:
    """Entries from a file ("-": standard input): one JSON object or a list of them, at most 8 MiB."""
    from shuan.smallfile import read_small

    try:
        if path == "-":
            data = sys.stdin.buffer.read(8 * 1024 * 1024 + 1)
        else:
            data = read_small(Path(path))
    except OSError as exc:
        raise UsageError("catalog.cli_file", path=path, reason=exc.strerror or str(exc)) from None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nesting too deep
        raise UsageError("catalog.cli_file", path=path, reason=str(exc)[:200] or type(exc).__name__) from None
    docs = doc if isinstance(doc, list) else [doc]
    if not docs or not all(isinstance(d, dict) for d in docs):
        raise UsageError("catalog.cli_file", path=path, reason=msg("catalog.cli_not_object"))
    return docs


def _read_entry(path: str) -> dict[str, Any]:
    docs = _read_entries(path)
    if len(docs) != 1:
        raise UsageError("catalog.cli_file", path=path, reason=msg("catalog.cli_not_object"))
    return docs[0]


@command.command("create")
@click.option(
    "--file",
    "path",
    required=True,
    help="目录条目 JSON 文件（- 为标准输入；可为条目列表），可由 shuan catalog draft 生成",
)
def create_cmd(path: str) -> None:
    """编目：登记资源目录条目（草稿）；文件为列表时逐条编目，遇到错误即停止（之前的已编目）。"""
    from shuan.sharing.catalog import create_entry

    doc = _read_entries(path)
    with authenticated() as (platform, actor):
        for fields in doc:
            view = create_entry(platform, actor, fields)
            if len(doc) == 1:
                emit(view)
            else:
                emit_rows([view])


@command.command("update")
@click.argument("entry_id", type=ID)
@click.option("--file", "path", required=True, help="要修改的字段（JSON 对象，- 为标准输入）")
def update_cmd(entry_id: int, path: str) -> None:
    """修改目录条目的部分字段。"""
    from shuan.sharing.catalog import update_entry

    changes = _read_entry(path)
    with authenticated() as (platform, actor):
        emit(update_entry(platform, actor, entry_id, changes))


@command.command("publish")
@click.argument("entry_id", type=ID)
def publish_cmd(entry_id: int) -> None:
    """发布目录条目（按资源当前级别检查共享、开放属性）。"""
    from shuan.sharing.catalog import publish_entry

    with authenticated() as (platform, actor):
        emit(publish_entry(platform, actor, entry_id))


@command.command("withdraw")
@click.argument("entry_id", type=ID)
@click.option("--reason", default=None, help="撤回原因")
def withdraw_cmd(entry_id: int, reason: str | None) -> None:
    """撤回已发布的目录条目。"""
    from shuan.sharing.catalog import withdraw_entry

    with authenticated() as (platform, actor):
        emit(withdraw_entry(platform, actor, entry_id, reason=reason))


@command.command("show")
@click.argument("entry")
def show_cmd(entry: str) -> None:
    """查看目录条目（编号或资源代码）。"""
    from shuan.sharing.catalog import get_entry, get_entry_by_code

    with authenticated() as (platform, actor):
        if entry.isascii() and entry.isdigit() and len(entry) <= 10:
            emit(get_entry(platform, actor, int(entry)))
        else:
            emit(get_entry_by_code(platform, actor, entry))


def _filters(
    provider: int | None,
    share_type: str | None,
    open_type: str | None,
    level: int | None,
    status: str | None,
    text: str | None,
) -> Any:
    from shuan.sharing.catalog import check_filter

    return check_filter(
        provider=provider, share_type=share_type, open_type=open_type, level=level, status=status, text=text
    )


_FILTER_OPTIONS = (
    click.option("--provider", type=ID, default=None, help="提供方部门编号"),
    click.option("--share-type", type=click.Choice(list(SHARE_LABELS)), default=None, help="共享类型"),
    click.option("--open-type", type=click.Choice(list(OPEN_LABELS)), default=None, help="开放类型"),
    click.option("--level", type=click.IntRange(1, 3), default=None, help="数据级别（资源当前级别）"),
    click.option("--status", type=click.Choice(list(STATUS_LABELS)), default=None, help="状态"),
    click.option("--text", default=None, help="按代码、名称、摘要、分类、信息项查找"),
)


def _with_filters(f: Any) -> Any:
    for option in reversed(_FILTER_OPTIONS):
        f = option(f)
    return f


@command.command("list")
@_with_filters
@click.option("--limit", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--offset", type=click.IntRange(0, 2_147_483_647), default=0)
def list_cmd(
    provider: int | None,
    share_type: str | None,
    open_type: str | None,
    level: int | None,
    status: str | None,
    text: str | None,
    limit: int,
    offset: int,
) -> None:
    """列出本人可见的目录条目（已发布的对所有人可见；JSON Lines）。"""
    from shuan.sharing.catalog import list_entries

    filters = _filters(provider, share_type, open_type, level, status, text)
    with authenticated() as (platform, actor):
        emit_rows(list_entries(platform, actor, filters, limit=limit, offset=offset))


@command.command("draft")
@click.argument("resource")
@click.option(
    "--each-table",
    is_flag=True,
    help="RESOURCE 为数据源：为其下每张尚未编目的已登记表各生成一条草稿（JSON 列表）",
)
@click.option(
    "--output", "out", type=click.Path(dir_okay=False), default=None, help="写入文件（默认标准输出）"
)
def draft_cmd(resource: str, each_table: bool, out: str | None) -> None:
    """按资产清单为已登记的表生成目录条目草稿（JSON，编辑后用 create --file 编目）。"""
    from shuan.inventory.export import atomic_output
    from shuan.sharing.catalog import draft_from_inventory, tables_to_catalogue

    with authenticated() as (platform, actor):
        if each_table:
            doc: Any = [
                draft_from_inventory(platform, actor, t)
                for t in tables_to_catalogue(platform, actor, resource)
            ]
        else:
            doc = draft_from_inventory(platform, actor, resource)
    if out is None:
        output.emit_json(doc)
        return
    with atomic_output(Path(out), "w") as fh:
        json.dump(doc, fh, ensure_ascii=False, indent=2)
    if each_table:
        output.info(msg("catalog.cli_drafts_written", path=out, count=len(doc)))
    else:
        output.info(msg("catalog.cli_draft_written", path=out, items=len(doc["items"])))


@command.command("check")
@click.pass_context
def check_cmd(ctx: click.Context) -> None:
    """检查已发布的目录条目是否仍符合资源当前级别（有不符合的退出码为 10）。"""
    from shuan.sharing.catalog import check_catalog

    with authenticated() as (platform, actor):
        report = check_catalog(platform, actor)
    emit(report)
    if report.ok:
        output.info(msg("catalog.check_ok", checked=report.checked))
        return
    output.info(msg("catalog.check_failing", checked=report.checked, failing=len(report.failing)))
    for view in report.failing:
        output.info(f"{view.code} {view.name}: {'；'.join(view.problems)}")
    ctx.exit(EXIT_NONCOMPLIANT)


@command.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv", "json"]),
    default=None,
    help="导出格式（默认按文件扩展名）",
)
@_with_filters
def export_cmd(
    path: str,
    fmt: str | None,
    provider: int | None,
    share_type: str | None,
    open_type: str | None,
    level: int | None,
    status: str | None,
    text: str | None,
) -> None:
    """导出本人可见的共享目录（XLSX/CSV/JSON，中文表头）。"""
    from shuan.sharing.catalog import export_catalog

    filters = _filters(provider, share_type, open_type, level, status, text)
    with authenticated() as (platform, actor):
        written = export_catalog(platform, actor, Path(path), fmt, filters)
    output.info(msg("catalog.exported", path=str(written)))
