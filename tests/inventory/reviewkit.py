"""Shared helpers of the review and scan-change tests: small CSV sources scanned through the real
inventory service, and the identity fixtures (real users, bootstrapped administrators)."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from shuan.config import get_settings
from shuan.demo.fake import Fake
from shuan.inventory.service import ScanRequest, scan
from shuan.platform import Platform
from shuan.store.models import SourceRecord

ROWS = 80


def write_table(path: Path, columns: dict[str, Callable[[Fake], str]], *, seed: int = 7, rows: int = ROWS) -> Path:
    fake = Fake(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(columns))
        for i in range(rows):
            w.writerow([make(fake) if not isinstance(make, str) else f"{make}{i}" for make in columns.values()])
    return path


def plain(prefix: str) -> Callable[[Fake], str]:
    counter = iter(range(10**6))
    return lambda _f: f"{prefix}{next(counter):05d}"


def scan_source(source: Path) -> int:
    outcome = scan(ScanRequest(source=str(source), workers=1), get_settings())
    assert outcome.scan_id is not None
    return outcome.scan_id


def source_id(platform: Platform, source: Path) -> int:
    with platform.store.sessions() as s:
        found = s.scalar(select(SourceRecord.id).where(SourceRecord.display == str(source.resolve())))
    assert found is not None
    return found


def people(directory: Path, *, with_id: bool = False, contact: str = "landline") -> Path:
    """rkxx.csv: 姓名 (一级), 手机号 (二级), 联系电话 (landlines 一级, or mobiles 二级), 备注 (no type)."""
    cols: dict[str, Callable[[Fake], str]] = {
        "姓名": lambda f: f.person_name(),
        "手机号": lambda f: f.mobile(formatted=False),
        "联系电话": (lambda f: f.landline()) if contact == "landline" else (lambda f: f.mobile(formatted=False)),
        "备注": plain("BZ"),
    }
    if with_id:
        cols["身份证号"] = lambda f: f.resident_id()
    return write_table(directory / "rkxx.csv", cols)


def companies(directory: Path, *, contact: str = "landline") -> Path:
    """qyxx.csv: 编号 (no type), 联系电话 (landlines 一级 or mobiles 二级)."""
    cols: dict[str, Callable[[Fake], str]] = {
        "编号": plain("QY"),
        "联系电话": (lambda f: f.landline()) if contact == "landline" else (lambda f: f.mobile(formatted=False)),
    }
    return write_table(directory / "qyxx.csv", cols, seed=11)
