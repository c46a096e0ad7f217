"""`shuan release-check FILE --target open|share|stats`: re-identification risk before a release.

Exit status (chosen so that a script can tell a verdict from an error; errors keep the platform's codes —
2 usage or configuration, 3 source, 1 table, 5 authentication):

- 0: pass — the release may go ahead;
- 10: warn — it may go ahead once the warnings are handled or accepted (e.g. sharing 二级 data with an
  authorised department); `shuan release-check … || [ $? -eq 10 ]` accepts warnings;
- 11: refuse — it must not go ahead as it is.

With `--format json` stdout carries the document of `shuan.protect.release` (the verdict included) and the
exit status is the same. In platform mode (a root key is configured) SHUAN_TOKEN names the acting user and
every check is recorded as `release.check` in the audit log; in standalone mode nothing is recorded.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table

from shuan.cli import output
from shuan.config import get_settings
from shuan.errors import UsageError
from shuan.messages import msg
from shuan.protect.release import TARGETS, ReleaseReport, action_label, suggestion_text
from shuan.protect.release_service import ReleaseRequest

EXIT_CODES = {"pass": 0, "warn": 10, "refuse": 11}

HELP = """发布前重标识风险检查：k-匿名、l-多样性、直接标识符与数据级别，按发布目标给出通过/警告/拒绝。

\b
--target open   社会开放（默认要求：一级、无直接标识符、k≥5、l≥2；三级、二级一律拒绝）
--target share  部门共享（二级、三级及直接标识符给出警告，k<2 警告）
--target stats  统计分析结果（无直接标识符、每个等价类不少于 5 条记录）
阈值见 protect/data/release.yaml，可用 --policy 指定自己的策略文件。
未指定 --qi 时按字段类型与列名推断准标识符；--count 指定频数列（统计表）。
退出码：通过 0，警告 10，拒绝 11；出错时为 1–9。"""


def _names(value: str | None, option: str) -> list[str] | None:
    """The columns of a comma-separated option; an option given with no name (``--qi ""``, e.g. an empty
    shell variable) is an error, never silently the same as leaving the option out."""
    if value is None:
        return None
    names = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if not names:
        raise UsageError("release.option_empty", option=option)
    return names


@click.command("release-check", help=HELP)
@click.argument("source")
@click.option("--target", type=click.Choice(TARGETS), required=True, help="发布目标：open 社会开放、share 部门共享、stats 统计结果")
@click.option("--qi", "qi", default=None, metavar="列1,列2", help="准标识符（逗号分隔；默认自动推断）")
@click.option("--no-qi", is_flag=True, help="声明数据不含准标识符（全表视为一个等价类）")
@click.option("--sensitive", default=None, metavar="列1,列2", help="敏感属性（用于 l-多样性；默认自动推断）")
@click.option("--count", "count_column", default=None, metavar="列", help="频数列：统计表每行代表的人数")
@click.option("--k", "k", type=click.IntRange(1, 1_000_000), default=None, help="k-匿名要求（默认按发布目标）")
@click.option("--l", "l_min", type=click.IntRange(1, 1000), default=None, help="l-多样性要求（默认按发布目标）")
@click.option("--level", type=click.IntRange(1, 9), default=None, help="声明的数据级别（如来源数据的级别；只会调高检测级别）")
@click.option("--table", default=None, help="数据源有多张表时要检查的表")
@click.option("--policy", "policy", type=click.Path(path_type=Path), default=None, help="发布检查策略 YAML 文件")
@click.option("--recognizers", "recognizer_files", type=click.Path(path_type=Path), multiple=True,
              help="自定义识别器 YAML 文件，可多次指定")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式")
@click.pass_context
def command(ctx: click.Context, source: str, target: str, qi: str | None, no_qi: bool, sensitive: str | None,
            count_column: str | None, k: int | None, l_min: int | None, level: int | None, table: str | None,
            policy: Path | None, recognizer_files: tuple[Path, ...], fmt: str) -> None:
    from shuan.platform import provider_kind
    from shuan.protect.release_service import check_release

    declared = _names(qi, "--qi")
    if no_qi and declared:
        raise UsageError("release.qi_conflict")
    if count_column is not None and not count_column.strip():
        raise UsageError("release.option_empty", option="--count")
    request = ReleaseRequest(target, declared, _names(sensitive, "--sensitive"), k, l_min, level,
                             count_column.strip() if count_column is not None else None, no_qi, table, policy,
                             recognizer_files)
    if provider_kind(get_settings()) == "none":
        report = check_release(None, None, source, request)
    else:
        from shuan.cli.auth import authenticated

        with authenticated() as (platform, principal):
            report = check_release(platform, principal, source, request)
    if fmt == "json":
        output.emit_json(report.as_json())
    else:
        render(report)
    ctx.exit(EXIT_CODES[report.verdict])


def _ratio(x: float) -> str:
    return f"{x:.1%}"


def render(report: ReleaseReport) -> None:
    out = output.out
    colors = {"pass": "green", "warn": "yellow", "refuse": "bold red"}
    out.print(msg("release.title", target=report.target_label), style="bold", markup=False)
    out.print(f"{report.source}" + (f" · {report.table}" if report.table else ""), markup=False)
    none = msg("release.none")
    out.print(msg("release.roles", how=msg("release.inferred") if report.qi_inferred else "",
                  qi="、".join(report.quasi_identifiers) or none,
                  sensitive="、".join(report.sensitive_attributes) or none), markup=False)
    table = Table(show_lines=False, expand=False)
    for key in ("release.col_check", "release.col_action", "release.col_reason"):
        table.add_column(msg(key), overflow="fold")
    for f in report.findings:
        table.add_row(msg(f"release.check_{f.check}"), f"[{colors[f.action]}]{action_label(f.action)}[/]", f.reason)
    out.print(table)
    for d in report.direct_identifiers:
        out.print(f"  {d.column}：{d.label}（{d.evidence}）", markup=False)
    k = report.k
    out.print(msg("release.classes", records=k.records, classes=k.classes, k=k.k, target=k.target,
                  below=k.classes_below, records_below=k.records_below, ratio=_ratio(k.records_below_ratio)),
              markup=False)
    items = "；".join(msg("release.distribution_item", **d) for d in k.distribution if d["classes"])
    out.print(msg("release.distribution", items=items), markup=False)
    r = report.risk
    out.print(msg("release.risk", pmax=f"{r.prosecutor_max:.4f}", pavg=f"{r.prosecutor_avg:.4f}",
                  jmax=f"{r.journalist_max:.4f}", marketer=f"{r.marketer:.4f}"), markup=False)
    out.print(suggestion_text(report), markup=False)
    for w in report.warnings:
        output.info(w)
    out.print(msg("release.verdict", verdict=action_label(report.verdict), target=report.target_label),
              style=colors[report.verdict], markup=False)
