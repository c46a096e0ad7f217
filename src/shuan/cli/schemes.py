"""`shuan schemes`: the grading schemes and their level mappings."""

from __future__ import annotations

import click

from shuan.cli import output
from shuan.grading.scheme import builtin_ids, load_scheme


@click.group("schemes")
def command() -> None:
    """分级方案。"""


@command.command("list")
def list_() -> None:
    """列出内置分级方案。"""
    for sid in builtin_ids():
        s = load_scheme(sid)
        levels = " < ".join(lv.label for lv in s.levels)
        output.emit_line(f"{s.id}\t{s.name}\t{levels}")


@command.command("show")
@click.argument("scheme")
def show(scheme: str) -> None:
    """显示方案的级别、类型定级与映射。"""
    output.emit_json(load_scheme(scheme).model_dump())
