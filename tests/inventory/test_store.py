"""The store: migrations, one-transaction saves (nothing half-written), PostgreSQL as production store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from shuan.discovery.registry import Registry
from shuan.errors import StoreError
from shuan.grading.rules import Grader
from shuan.grading.scheme import Scheme, load_scheme
from shuan.inventory.export import export, from_report, from_store
from shuan.inventory.persist import latest_inventory, save_scan
from shuan.inventory.scan import ColumnReport, OtherGrade, ScanReport, TableReport
from shuan.store.db import open_store
from shuan.store.models import Grade, ScanRun, TableAsset
from tests.conftest import pg_schema


def report(n_tables: int = 2, dup: bool = False, scheme: Scheme | None = None) -> ScanReport:
    grader = Grader(scheme or load_scheme("jining-2020"), Registry.default())
    r = ScanReport("demo.csv", grader, "sample", 100, datetime.now(UTC))
    for i in range(n_tables):
        name = "t" if dup else f"t{i}"
        cols = [ColumnReport("sfzh", 2, [{"type": "cn_resident_id", "score": 0.99, "ratio": 1.0, "evidence": "e"}], "r")]
        others = [OtherGrade("gbt43697-2024", 4, "一般数据4级", ["x"]), OtherGrade("zj-db33-2021", 4, "L4 敏感", ["y"])]
        r.tables.append(TableReport(name, 10, 2, "二级", ["因为"], "基础信息资源/人口基础信息", cols, 10, [], others))
    r.errors.append({"table": "bad", "error": "坏了"})
    return r


def test_save_and_read_back(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    scan_id = save_scan(store, report())
    rows, errors = latest_inventory(store)
    assert [r.table.name for r in rows] == ["t0", "t1"] and rows[0].scan_id == scan_id
    assert [e.table for e in errors] == ["bad"]
    grades = {g.scheme: (g.level, g.derived) for g in rows[0].table.grades}
    assert grades == {"jining-2020": (2, False), "gbt43697-2024": (4, True), "zj-db33-2021": (4, True)}
    target = export(from_store((rows, errors)), tmp_path / "x.xlsx")
    wb = openpyxl.load_workbook(target)
    assert wb.sheetnames == ["表级清单", "字段级清单", "扫描错误"]
    assert wb["扫描错误"]["B2"].value == "bad"


def test_export_after_a_custom_scheme_file_is_gone(tmp_path: Path) -> None:
    """The run keeps the scheme it used: exporting later needs no scheme file."""
    src = Path(__file__).resolve().parents[2] / "src/shuan/grading/schemes/zj-db33-2021.yaml"
    custom = tmp_path / "my.yaml"
    custom.write_text(src.read_text(encoding="utf-8").replace("id: zj-db33-2021", "id: my-city"), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    save_scan(store, report(scheme=load_scheme(str(custom))))
    custom.unlink()
    load_scheme.cache_clear()
    inv = from_store(latest_inventory(store))
    assert inv.tables[0].scheme == "my-city"
    assert export(inv, tmp_path / "x.csv").read_text(encoding="utf-8-sig").count("my-city") == 2


def test_failed_save_leaves_nothing(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    with pytest.raises(StoreError):
        save_scan(store, report(dup=True))  # violates (scan_id, name) uniqueness mid-way
    with store.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ScanRun)) == 0
        assert s.scalar(select(func.count()).select_from(TableAsset)) == 0
        assert s.scalar(select(func.count()).select_from(Grade)) == 0


def test_failed_export_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    inv = from_report(report())
    inv.tables[0].columns[0].color = "not-a-colour"  # xlsxwriter refuses it half-way through
    with pytest.raises(Exception):  # noqa: B017 - any failure; the point is what is left behind
        export(inv, target)
    assert not target.exists()
    assert not list(tmp_path.glob(".out.xlsx.*"))


def test_unopenable_store(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{tmp_path / 'file' / 'nested.db'}")


@pytest.mark.integration
def test_postgresql_store() -> None:
    with pg_schema("shuan_store") as url:
        store = open_store(url)
        try:
            scan_id = save_scan(store, report())
            assert [r.table.name for r in latest_inventory(store, scan_id)[0]] == ["t0", "t1"]
            with pytest.raises(StoreError):
                save_scan(store, report(dup=True))
            with store.sessions() as s:
                assert s.scalar(select(func.count()).select_from(ScanRun)) == 1
        finally:
            store.close()
