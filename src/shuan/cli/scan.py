"""`shuan scan SOURCE`: classify and grade a source; print the inventory or the JSON contract."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from shuan.cli import output
from shuan.cli.common import registry_from
from shuan.config import get_settings
from shuan.errors import UsageError
from shuan.grading.scheme import load_scheme
from shuan.inventory.export import export, from_report
from shuan.inventory.persist import save_scan
from shuan.inventory.scan import ScanReport, run_scan, summary
from shuan.messages import msg
from shuan.store.db import open_store


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
@click.option("--output", "-o", "output_path", type=click.Path(path_type=Path), default=None,
              help="同时导出分类分级清单（.xlsx/.csv/.json）")
@click.option("--save/--no-save", default=True, show_default=True, help="保存到清单库")
@click.option("--workers", type=click.IntRange(1, 32), default=4, show_default=True, help="并发读取的表数")
def command(source: str, fmt: str, scheme: str | None, sample_rows: int | None, full: bool,
            recognizer_files: tuple[Path, ...], output_path: Path | None, save: bool, workers: int) -> None:
    """扫描数据源（文件、目录、SQLite 文件或数据库 URL），识别敏感数据并分类分级。"""
    report = scan_source(source, scheme=scheme, sample_rows=sample_rows, full=full,
                         recognizer_files=recognizer_files, workers=workers, quiet=fmt == "json")
    scan_id, written = persist_and_export(report, save=save, output_path=output_path)
    if fmt == "json":
        output.emit_json(report.as_json())
        if not sys.stderr.isatty():
            return  # machine use: stdout carries the document, nothing else is said
    else:
        output.inventory_table(report)
    report_outcome(report, scan_id, written)


def report_outcome(report: ScanReport, scan_id: int | None, written: Path | None) -> None:
    output.info(summary(report))
    if scan_id is not None:
        output.info(msg("scan.saved", scan=scan_id))
    if written is not None:
        output.info(msg("export.done", path=written.resolve()))


def scan_source(source: str, *, scheme: str | None, sample_rows: int | None, full: bool,
                recognizer_files: tuple[Path, ...] = (), workers: int = 4, quiet: bool = False) -> ScanReport:
    settings = get_settings()
    if sample_rows is not None and sample_rows <= 0:
        raise UsageError("cli.sample_size", value=sample_rows)
    registry = registry_from(recognizer_files)
    the_scheme = load_scheme(scheme or settings.scheme)
    sample = None if full else (sample_rows or settings.sample_rows)
    if sys.stderr.isatty() and not quiet:
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      transient=True) as bar:
            task = bar.add_task("扫描中", total=None)

            def progress(name: str, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=f"扫描 {name}")

            return run_scan(source, registry, the_scheme, sample=sample, batch_rows=settings.batch_rows,
                            workers=workers, progress=progress)
    return run_scan(source, registry, the_scheme, sample=sample, batch_rows=settings.batch_rows, workers=workers)


def persist_and_export(report: ScanReport, *, save: bool, output_path: Path | None) -> tuple[int | None, Path | None]:
    """Save the scan (one transaction) and write the export; returns (scan id, export path)."""
    scan_id = None
    if save:
        store = open_store(get_settings().store_url())
        try:
            scan_id = save_scan(store, report)
        finally:
            store.close()
    written = export(from_report(report, scan_id), output_path) if output_path is not None else None
    return scan_id, written
