"""The message catalogue: both languages for every key, and every key used in the code exists."""

from __future__ import annotations

import re
from pathlib import Path

from shuan.messages import CATALOGUE, msg

SRC = Path(__file__).resolve().parent.parent / "src" / "shuan"
KEY_USE = re.compile(r"""(?:msg|Error)\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def test_both_languages() -> None:
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        assert re.search(r"[\u4e00-\u9fff]", zh), f"{key}: Chinese first"


def test_every_used_key_exists() -> None:
    used = {m.group(1) for p in SRC.rglob("*.py") for m in KEY_USE.finditer(p.read_text(encoding="utf-8"))}
    assert used, "the scan found no keys"
    missing = sorted(k for k in used if k not in CATALOGUE)
    assert not missing, missing


def test_english(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SHUAN_LANG", "en")
    assert msg("source.missing", path="x") == "source does not exist: x"
    monkeypatch.setenv("SHUAN_LANG", "zh")
    assert msg("source.missing", path="x") == "数据源不存在：x"
