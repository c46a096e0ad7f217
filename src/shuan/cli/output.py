"""The CLI's output layer: the only place that writes to the terminal."""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from shuan.discovery.vocabulary import label
from shuan.inventory.scan import ScanReport
from shuan.messages import msg, one_line

if TYPE_CHECKING:
    from rich.console import Console


@cache
def _consoles() -> tuple[Console, Console]:
    """The stdout and stderr consoles, made on first use: rich takes a noticeable part of the start-up
    of a command whose output is JSON on a pipe, which never needs them."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False), Console(stderr=True, highlight=False)


def __getattr__(name: str) -> Any:
    """`output.out` and `output.err`, the two consoles."""
    if name == "out":
        return _consoles()[0]
    if name == "err":
        return _consoles()[1]
    raise AttributeError(name)


def emit_json(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def emit_jsonl(doc: Any) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")


def emit_line(text: str) -> None:
    sys.stdout.write(text + "\n")


def error(text: str) -> None:
    err = _consoles()[1]
    err.print(f"[bold red]{msg('cli.error_prefix')}[/]：{text}", markup=True, soft_wrap=True) if err.is_terminal \
        else sys.stderr.write(f"{msg('cli.error_prefix')}：{text}\n")


def info(text: str) -> None:
    err = _consoles()[1]
    if err.is_terminal:
        err.print(text, markup=False, soft_wrap=True)
    else:
        sys.stderr.write(text + "\n")


def inventory_table(report: ScanReport) -> None:
    from rich.table import Table

    table = Table(title=msg("inventory.title"), show_lines=False, expand=False)
    for key in ("col.table", "col.category", "col.rows", "col.level", "col.types", "col.reasons"):
        table.add_column(msg(key), overflow="fold")
    for t in report.tables:
        color = report.scheme.level(t.level).color
        types = sorted({h["type"] for c in t.columns for h in c.types})
        table.add_row(t.name, t.category, str(t.rows), f"[bold {color}]{t.level_label}[/]",
                      "、".join(label(x) for x in types) or "-", t.reasons[-1] if t.reasons else "")
    _consoles()[0].print(table)
    for e in report.errors:
        error(f"{one_line(e['table'])}: {e['error']}")


def qr_code(data: str) -> None:
    """A compact QR code of `data` on stdout (half-block characters); a closed pipe is not an error."""
    import segno

    try:
        segno.make(data, error="m").terminal(out=sys.stdout, compact=True)
        sys.stdout.flush()
    except BrokenPipeError:
        pass
