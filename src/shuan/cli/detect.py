"""`shuan detect [FILE|-]`: find entities in free text, one JSON object per input line."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from shuan.cli import started
from shuan.config import get_settings
from shuan.discovery.text import TextDetector
from shuan.errors import ShuanError
from shuan.inventory.service import registry_for

CHUNK = 2000


def _lines(path: str) -> Iterator[str]:
    if path == "-":
        stream = sys.stdin.buffer
        for raw in stream:
            yield raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return
    try:
        fh = Path(path).open("rb")
    except OSError as exc:
        raise ShuanError("detect.input", path=path, reason=exc.strerror or str(exc)) from exc
    with fh:
        for raw in fh:
            yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


@click.command("detect")
@click.argument("file", default="-")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True, help="输出格式")
@click.option("--recognizers", "recognizer_files", type=click.Path(path_type=Path), multiple=True,
              help="自定义识别器 YAML 文件")
def command(file: str, fmt: str, recognizer_files: tuple[Path, ...]) -> None:
    """在自由文本中识别敏感信息（每行一条记录，输出 JSON Lines）。"""
    detector = TextDetector(registry_for(get_settings(), recognizer_files))
    started()  # modules and recognizers are loaded: freeze them, collect from here on
    out = sys.stdout
    chunk: list[str] = []

    def flush() -> None:
        for spans in detector.detect(chunk):
            out.write(json.dumps({"entities": [s.as_json() for s in spans]}, ensure_ascii=False) + "\n")
        chunk.clear()

    for line in _lines(file):
        chunk.append(line)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    out.flush()
