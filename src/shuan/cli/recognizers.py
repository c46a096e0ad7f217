"""`shuan recognizers`: list the registry, check a custom recognizer file."""

from __future__ import annotations

from pathlib import Path

import click

from shuan.cli import output
from shuan.discovery.registry import Registry, load_file
from shuan.messages import msg


@click.group("recognizers")
def command() -> None:
    """识别器管理（内置与自定义）。"""


@command.command("list")
def list_() -> None:
    """列出全部识别器。"""
    reg = Registry.default()
    for rec in reg:
        output.emit_line(f"{rec.type}\t{reg.type_label(rec.type)}\t{rec.name}")


@command.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def check(file: Path) -> None:
    """校验自定义识别器 YAML 文件。"""
    recs = load_file(file)
    Registry.default([file])
    output.emit_line(msg("recognizers.valid", count=len(recs), types=", ".join(r.type for r in recs)))
