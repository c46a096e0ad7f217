"""`shuan trace FILE` and `shuan extract FILE --recipient … --purpose … --out OUT`: leak tracing (issue 5).

`extract` writes a copy of a data file carrying an invisible fingerprint of its recipient and registers
it (安全管理员, or a department's steward or security officer); `trace` names the recipient whose
fingerprint a found file carries, with the statistic, or says none was found (安全管理员, 审计管理员).
Both need SHUAN_TOKEN and are audited (`extract.deliver`, `extract.trace`).
"""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.cli.auth import authenticated
from shuan.cli.records import emit
from shuan.messages import msg

TRACE_HELP = """泄露溯源：判断数据文件带有哪个接收方的指纹。

\b
文件可以是分发副本的任意部分：抽取部分行、打乱顺序、删除部分列、另存为 CSV/XLSX 均不影响判断。
统计量：对每个登记过的接收方 r，计算其密钥在文件中选中的标记位数 n 与一致数 X；
若文件并非来自 r 的副本，X 服从二项分布 B(n, 1/2)。仅当单侧 p 值 ≤ 10⁻⁶ ÷ 接收方个数（Bonferroni 校正）
时认定来源，误认概率不超过 10⁻⁶；否则报告“未发现”。需要安全管理员或审计管理员角色（SHUAN_TOKEN）。"""

EXTRACT_HELP = """生成带接收方指纹的数据副本并登记（csv、tsv、xlsx、parquet、json 输入；按 --out 扩展名输出 .csv/.xlsx/.parquet）。

\b
指纹不可见：两位以上小数的末位（至多改变最后一位的一个单位）、中文文本中标点的全角/半角、
十六进制标识（MAC、UUID、假名）的大小写；身份证号、手机号、日期等校验型或整数值从不改动；--keep 指定的列原样保留。
接收方：部门写 department:编号（或编号），用户写 user:用户名（或用户名）。
需要安全管理员，或本部门数据管理员、部门数据安全负责人角色（SHUAN_TOKEN）；每次分发记入审计日志（extract.deliver）。"""


@click.command("trace", help=TRACE_HELP)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式")
def command(file: Path, fmt: str) -> None:
    from shuan.protect.tracing_service import describe, trace_file

    with authenticated() as (platform, actor):
        report = trace_file(platform, actor, file)
    if fmt == "json":
        emit(report.as_dict())
        return
    for line in describe(report):
        output.emit_line(line)


@click.command("extract", help=EXTRACT_HELP)
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--recipient", required=True, help="接收方：department:编号 或 user:用户名")
@click.option("--purpose", required=True, help="用途（记入登记簿与审计日志）")
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="副本文件（.csv/.xlsx/.parquet）")
@click.option("--table", default=None, help="文件含多个表（工作表）时指定其一")
@click.option("--keep", multiple=True, help="原样保留的列（可重复，如关联用的键）")
@click.option("--overwrite", is_flag=True, help="替换已存在的副本文件")
def extract_command(file: Path, recipient: str, purpose: str, out: Path, table: str | None,
                    keep: tuple[str, ...], overwrite: bool) -> None:
    from shuan.protect.tracing_service import deliver_extract

    with authenticated() as (platform, actor):
        view = deliver_extract(platform, actor, source=file, recipient=recipient, purpose=purpose, out=out,
                               table=table, keep=keep, overwrite=overwrite)
    output.info(msg("tracing.delivered", path=out, recipient=view.recipient.display(), rows=view.row_count,
                    marked=view.marked_cells, id=view.id))
    if view.marked_cells < 64:
        output.info(msg("tracing.no_marks_warning"))
    emit(view)
