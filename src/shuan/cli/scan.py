"""`shuan scan SOURCE`: classify and grade a source; print the inventory or the JSON contract."""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

import click

from shuan.cli import output, started
from shuan.config import get_settings
from shuan.inventory.scan import summary
from shuan.inventory.service import ScanOutcome, ScanRequest, scan
from shuan.messages import msg


@click.command("scan")
@click.argument("source")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="输出格式")
@click.option("--scheme", default=None, help="分级方案：jining-2020（默认）、gbt43697-2024、zj-db33-2021 或 YAML 文件")
@click.option("--sample", "sample_rows", type=click.IntRange(1, 100_000_000), default=None,
              help="每张表随机抽样行数（默认 10000）")
@click.option("--full", is_flag=True, help="扫描全部行（流式分批，内存有界）")
@click.option("--recognizers", "recognizer_files", type=click.Path(path_type=Path), multiple=True,
              help="自定义识别器 YAML 文件，可多次指定")
@click.option("--scale", multiple=True, metavar="规则=行数",
              help="调整方案中规模规则的行数阈值，如 personal_scale=5000，可多次指定")
@click.option("--output", "-o", "output_path", type=click.Path(path_type=Path), default=None,
              help="同时导出分类分级清单（.xlsx/.csv/.json）")
@click.option("--save/--no-save", default=True, show_default=True, help="保存到清单库")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="抽样扫描时并发读取的表数")
@click.option("--types", "types", multiple=True, metavar="类型,…",
              help="只查找这些数据类型（如 cn_resident_id,cn_mobile；可多次指定），用于不入库的专项排查，需与 --no-save 同用")
def command(source: str, fmt: str, scheme: str | None, sample_rows: int | None, full: bool,
            recognizer_files: tuple[Path, ...], scale: tuple[str, ...], output_path: Path | None, save: bool,
            workers: int, types: tuple[str, ...]) -> None:
    """扫描数据源（文件、目录、SQLite 文件或数据库 URL），识别敏感数据并分类分级。"""
    keep_freed_memory()
    started()  # modules and settings are loaded: freeze them, collect from here on
    request = ScanRequest(source, scheme, sample_rows, full, recognizer_files, scale, workers, save, output_path,
                          types=types)
    outcome = run_with_progress(request, quiet=fmt == "json")
    if fmt == "json":
        output.emit_json(outcome.report.as_json())
        if not sys.stderr.isatty():
            return  # machine use: stdout carries the document, nothing else is said
    else:
        output.inventory_table(outcome.report)
    report_outcome(outcome)


def keep_freed_memory() -> None:
    """A scan allocates and frees blocks of the same sizes batch after batch (a column's bytes, its
    masks). glibc returns blocks above 128 KiB to the kernel and maps them again at the next batch, a
    page fault per 4 KiB (a tenth of the CPU time of a full scan); this short-lived process keeps them
    instead (blocks under 32 MiB from the heap, the heap not trimmed below 1 GiB of free space). Only
    glibc has mallopt; elsewhere nothing changes."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, 32 << 20)
    mallopt(m_trim_threshold, 1 << 30)


def run_with_progress(request: ScanRequest, *, quiet: bool = False) -> ScanOutcome:
    """The scan, with a progress bar on stderr when it is a terminal (silent otherwise)."""
    settings = get_settings()
    if not sys.stderr.isatty() or quiet:
        return scan(request, settings)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True) as bar:
        task = bar.add_task(msg("scan.progress", table="…"), total=None)

        def progress(name: str, done: int, total: int, rows: int) -> None:
            label = msg("scan.progress_rows", table=name, rows=f"{rows:,}") if rows else msg("scan.progress", table=name)
            bar.update(task, completed=done, total=total, description=label)

        return scan(request, settings, progress)


def report_outcome(outcome: ScanOutcome) -> None:
    output.info(summary(outcome.report))
    if outcome.scan_id is not None:
        output.info(msg("scan.saved", scan=outcome.scan_id))
    if outcome.exported is not None:
        output.info(msg("export.done", path=outcome.exported.resolve()))
