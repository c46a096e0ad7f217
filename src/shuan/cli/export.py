"""`shuan export OUTPUT`: write the 分类分级清单 from the store (latest scan of every source)."""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.config import get_settings
from shuan.inventory.export import FORMATS, export, from_store
from shuan.inventory.persist import latest_inventory
from shuan.messages import msg
from shuan.store.db import open_store


@click.command("export")
@click.argument("output_path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="默认按文件扩展名")
@click.option("--scan", "scan_id", type=int, default=None, help="只导出指定扫描编号")
def command(output_path: Path, fmt: str | None, scan_id: int | None) -> None:
    """导出分类分级清单（XLSX / CSV / JSON）。"""
    store = open_store(get_settings().store_url())
    try:
        tables = from_store(latest_inventory(store, scan_id))
    finally:
        store.close()
    path = export(tables, output_path, fmt)
    output.info(msg("export.done", path=path.resolve()))
