"""`shuan demo`: the main job on the demo city — every table classified as the generator says, graded,
printed, and the 分类分级清单 written as a coloured XLSX that says where it is."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from shuan.cli.main import main
from shuan.demo.dataset import DEMO_LOWEST_LEVEL, demo_expected


def test_demo_scans_grades_prints_and_exports(capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    assert main(["demo"]) == 0
    out, err = capsys.readouterr()
    xlsx = isolated_home / "分类分级清单.xlsx"
    assert str(xlsx) in err and "扫描完成：9 张表" in err
    assert "hj_rkxx" in out and "二级" in out and "一级" in out

    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[:2] == ["表级清单", "字段级清单"]
    tables = wb["表级清单"]
    assert [c.value for c in tables[1]][:5] == ["数据源", "表名", "数据分类", "行数", "级别"]
    levels = {row[1].value: row[4] for row in tables.iter_rows(min_row=2)}
    assert levels["hj_rkxx"].value == "二级"
    assert levels["hj_rkxx"].fill.fgColor.rgb.endswith("F9A825")  # the scheme's colour for 二级
    assert levels["yb_jsxx"].value == "三级"  # 120k settlements with name, ID, diagnosis and bank card
    assert levels["yb_jsxx"].fill.fgColor.rgb.endswith("C62828")
    for name in DEMO_LOWEST_LEVEL:
        assert next(v for k, v in levels.items() if k.endswith(name)).value == "一级"


def test_demo_classification_matches_the_generator(capsys: pytest.CaptureFixture[str], isolated_home: Path) -> None:
    from shuan.demo.dataset import ensure_demo

    folder = ensure_demo(isolated_home / "demo-data")
    assert main(["scan", str(folder), "--format", "json", "--no-save"]) == 0
    doc = json.loads(capsys.readouterr()[0])
    assert doc["errors"] == [] and len(doc["tables"]) == 9
    for table in doc["tables"]:
        expected = demo_expected(table["name"])
        got = {c["name"]: {t["type"] for t in c["types"]} for c in table["columns"]}
        for column, types in expected.items():
            assert got[column] == set(types), (table["name"], column, got[column], types)
