"""`shuan demo`: the platform's main job on the bundled demo city (until the console exists)."""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.cli.scan import report_outcome, run_with_progress
from shuan.config import get_settings
from shuan.inventory.service import ScanRequest
from shuan.messages import msg


@click.command("demo")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, help="演示数据目录")
@click.option("--output", "-o", "output_path", type=click.Path(path_type=Path), default=None,
              help="分类分级清单 XLSX 路径")
def command(data_dir: Path | None, output_path: Path | None) -> None:
    """生成演示城市数据，扫描、分级，打印清单并导出 XLSX。"""
    from shuan.demo.dataset import CITY, ensure_demo

    settings = get_settings()
    folder = ensure_demo(data_dir or settings.home / "demo-data")
    output.info(msg("demo.title", city=CITY))
    output.info(msg("demo.sources", path=folder.resolve()))
    target = output_path or settings.home / "分类分级清单.xlsx"
    outcome = run_with_progress(ScanRequest(str(folder), output=target))
    output.inventory_table(outcome.report)
    report_outcome(outcome)
