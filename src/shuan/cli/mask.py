"""`shuan mask SOURCE --profile P --out DEST`: a masked copy of a source, per scenario.

Platform mode (a root key is configured): SHUAN_TOKEN names a data steward, department data security
officer or security administrator; the scenario keys come from the platform's key ring and every run is
recorded as ``masking.run``. Standalone mode (no root key): no identity and no audit; keyed operators
(pseudonyms, tokens, encryption, date shifts, noise, fakes) need ``--key-file``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from shuan.cli import output
from shuan.config import get_settings
from shuan.messages import msg

if TYPE_CHECKING:
    from shuan.protect.job import Progress

HELP = """按场景脱敏，输出脱敏副本（CSV/Parquet 文件、目录，或数据库表）。

\b
SOURCE：文件、目录、SQLite 文件或数据库 URL；先抽样识别每列的数据类型，再按场景规则逐批全量脱敏。
--profile：dev_test（开发测试）、statistics（统计分析）、department_sharing（部门共享）、open_data（社会开放）。
--rules：自定义规则 YAML（按类型或按 表名.字段名 覆盖场景规则）。
--out：单表来源可为 .csv/.parquet 文件；多表来源为目录（每表一个文件）、.db 文件或数据库 URL。
输出先写临时文件/临时表，全部成功（平台模式下并记入审计日志 masking.run）后才换成正式名称。
已配置根密钥时须设置 SHUAN_TOKEN（数据管理员、部门数据安全负责人或安全管理员），场景密钥由平台管理；
未配置根密钥时（独立模式）不记审计，需要密钥的算子须用 --key-file 指定密钥文件（32–128 位十六进制，权限 600）。"""


@click.command("mask", help=HELP)
@click.argument("source")
@click.option("--profile", default=None, help="脱敏场景：dev_test、statistics、department_sharing、open_data")
@click.option("--rules", "rules_file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="自定义脱敏规则 YAML 文件")
@click.option("--out", "dest", required=True, help="输出：.csv/.parquet 文件、目录、.db 文件或数据库 URL")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default=None,
              help="输出为目录时每表文件的格式（默认 csv）")
@click.option("--overwrite", is_flag=True, help="替换已存在的输出文件或表")
@click.option("--sample", "sample_rows", type=click.IntRange(1, 100_000_000), default=None,
              help="识别列类型时每表抽样行数（默认 10000）")
@click.option("--recognizers", "recognizer_files", type=click.Path(path_type=Path), multiple=True,
              help="自定义识别器 YAML 文件，可多次指定")
@click.option("--key-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="独立模式下的脱敏密钥文件")
@click.option("--key-label", default=None, help="平台模式下的场景密钥标签（如按接收部门区分，使假名不可跨接收方关联）")
@click.option("--purpose", default="", help="脱敏用途（记入审计日志）")
@click.option("--plan", "plan_only", is_flag=True, help="只输出每列的脱敏规则（JSON），不读取全量数据、不写输出")
def command(source: str, profile: str | None, rules_file: Path | None, dest: str, fmt: str | None, overwrite: bool,
            sample_rows: int | None, recognizer_files: tuple[Path, ...], key_file: Path | None, key_label: str | None,
            purpose: str, plan_only: bool) -> None:
    from shuan.errors import ConfigError
    from shuan.platform import provider_kind
    from shuan.protect.service import MaskRequest, make_plan

    settings = get_settings()
    request = MaskRequest(source, dest, profile, rules_file, fmt, overwrite, sample_rows, key_label, purpose,
                          recognizer_files)
    if plan_only:
        output.emit_json(make_plan(request, settings).as_json())
        return
    standalone = provider_kind(settings) == "none"
    if not standalone and key_file is not None:
        raise ConfigError("masking.key_file_platform")
    with _progress() as progress:
        if standalone:
            from shuan.protect.service import mask_standalone, read_key_file

            key = read_key_file(key_file) if key_file is not None else None
            outcome = mask_standalone(request, settings, key=key, progress=progress)
        else:
            from shuan.cli.auth import authenticated
            from shuan.protect.service import mask_audited

            with authenticated() as (platform, principal):
                outcome = mask_audited(platform, principal, request, progress=progress)
    output.emit_json(outcome.as_json())
    output.info(msg("masking.done", tables=len(outcome.tables), rows=f"{outcome.rows:,}",
                    values=f"{outcome.values:,}", dest=outcome.dest))
    for table in outcome.tables:
        for warning in table.warnings:
            output.info(warning)
    output.info(msg("masking.audited") if outcome.audited else msg("masking.standalone"))


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; None (silent) otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
             transient=True) as bar:
        task = bar.add_task(msg("masking.progress", table="…", rows=0), total=None)

        def progress(table: str, done: int, total: int, rows: int) -> None:
            bar.update(task, completed=done, total=total,
                       description=msg("masking.progress", table=table, rows=f"{rows:,}"))

        yield progress
