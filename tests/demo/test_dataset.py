"""The bundled demo data set of 泗河市: files, formats, encodings, expected tables and determinism."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest

from shuan.demo import DEMO_EXPECTED, DEMO_LOWEST_LEVEL, demo_expected, ensure_demo, write_demo
from shuan.demo.dataset import FILES, SIHE_COUNTIES, YB_ROWS

from .test_fake import MOBILE, gb11643_ok, gb32100_ok, luhn, vin_ok


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("demo")
    write_demo(dest)
    return dest


def _csv(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(encoding), newline="")))
    return rows[0], rows[1:]


def test_files_written_and_small(demo: Path) -> None:
    assert sorted(p.name for p in demo.iterdir()) == sorted(FILES)
    assert sum(p.stat().st_size for p in demo.iterdir()) < 3 * 1024 * 1024


def test_hj_rkxx_csv(demo: Path) -> None:
    header, rows = _csv(demo / "hj_rkxx.csv", "utf-8")
    assert header == list(DEMO_EXPECTED["hj_rkxx"])
    assert 380 <= len(rows) <= 420
    for name, rid, gender, ethnicity, birth, address, _phone, _reg in rows:
        assert gb11643_ok(rid)
        assert birth.replace("-", "") == rid[6:14]
        assert gender == ("男" if int(rid[16]) % 2 else "女")
        assert ethnicity.endswith("族") and name and "泗河市" in address
    local = sum(r[1][:4] == "3708" for r in rows)
    assert local > 0.8 * len(rows)
    assert any(r[1][:6] in ("370802", "370882") for r in rows)  # abolished codes still in use
    phones = [r[6] for r in rows if r[6].strip() not in ("", "-", "NULL", "无")]
    assert sum(bool(MOBILE.fullmatch(p.strip())) for p in phones) > 0.95 * len(phones)


def test_jt_cl_is_gbk(demo: Path) -> None:
    raw = (demo / "jt_cl.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header, rows = _csv(demo / "jt_cl.csv", "gbk")
    assert header == ["号牌号码", "车辆识别代号", "车主", "联系电话"]
    assert 190 <= len(rows) <= 210
    assert all(r[0].startswith("鲁") for r in rows)
    assert all(vin_ok(r[1]) for r in rows)


def test_scjg_xlsx(demo: Path) -> None:
    ws = openpyxl.load_workbook(demo / "scjg_qydj.xlsx", read_only=True).active
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    assert list(rows[0]) == list(DEMO_EXPECTED["scjg_qydj"])
    assert 290 <= len(rows) - 1 <= 310
    assert all(gb32100_ok(str(r[0])) and str(r[0])[2:6] == "3708" for r in rows[1:])
    assert all(str(r[1]).startswith("泗河市") and str(r[1]).endswith("公司") for r in rows[1:])


def test_yb_parquet(demo: Path) -> None:
    table = pq.read_table(demo / "yb_jsxx.parquet")
    assert table.column_names == list(DEMO_EXPECTED["yb_jsxx"])
    assert table.num_rows == YB_ROWS >= 100_000  # large enough for the scale rule (三级)
    data = table.to_pydict()
    assert all(gb11643_ok(v) for v in data["sfzh"])
    assert all(luhn(v) for v in data["银行卡号"])
    assert all(isinstance(v, float) for v in data["医疗总费用"])


def test_rx_gd_jsonl(demo: Path) -> None:
    records = [json.loads(line) for line in (demo / "rx_gd.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 300
    assert list(records[0]) == list(DEMO_EXPECTED["rx_gd"])
    texts = [r["诉求内容"] for r in records]
    # the free text carries the types listed for it, each in a meaningful share of rows
    ids = sum(any(gb11643_ok(t) for t in re.findall(r"\d{17}[\dX]", x)) for x in texts)
    phones = sum(any(MOBILE.fullmatch(t) for t in re.findall(r"(?<!\d)\d{11}(?!\d)", x)) for x in texts)
    addresses = sum(bool(re.search(r"(路|街|巷|大道|村).*\d+号", x)) for x in texts)
    assert ids > 30 and phones > 60 and addresses > 100
    assert not any("@" in x for x in texts)  # no type outside the expected set


def test_tj_hz_has_no_personal_data(demo: Path) -> None:
    header, rows = _csv(demo / "tj_hz.csv", "utf-8")
    assert header == list(DEMO_EXPECTED["tj_hz"])
    districts = {c.name for c in SIHE_COUNTIES if not c.abolished}
    assert {r[0] for r in rows} == districts
    assert all(re.fullmatch(r"\d+(\.\d+)?", cell) for r in rows for cell in r[1:])
    assert "tj_hz" in DEMO_LOWEST_LEVEL
    assert all(not types for types in DEMO_EXPECTED["tj_hz"].values())


def test_sqlite_tables(demo: Path) -> None:
    con = sqlite3.connect(demo / "sihe_zwsj.db")
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"sb_cbry", "bs_sxbl", "sxml"}
        for t in tables:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            assert cols == list(DEMO_EXPECTED[t])
        assert [r[1] for r in con.execute("PRAGMA table_info(sb_cbry)")] == [f"c{i:02d}" for i in range(1, 9)]
        rows = con.execute("SELECT c02, c04 FROM sb_cbry").fetchall()
        assert len(rows) == 300 and all(gb11643_ok(a) and luhn(b) for a, b in rows)
        assert con.execute("SELECT count(*) FROM bs_sxbl").fetchone()[0] == 300
    finally:
        con.close()


def test_expected_covers_every_table(demo: Path) -> None:
    stems = {Path(f).stem for f in FILES if not f.endswith(".db")}
    assert stems | {"sb_cbry", "bs_sxbl", "sxml"} == set(DEMO_EXPECTED)


def test_deterministic(tmp_path: Path, demo: Path) -> None:
    paths = write_demo(tmp_path)
    assert sorted(p.name for p in paths) == sorted(FILES)
    assert all(p.is_file() and p.parent == tmp_path for p in paths)
    for name in ("hj_rkxx.csv", "jt_cl.csv", "rx_gd.jsonl", "tj_hz.csv", "yb_jsxx.parquet", "scjg_qydj.xlsx"):
        assert (tmp_path / name).read_bytes() == (demo / name).read_bytes(), name


def test_ensure_demo_is_idempotent(tmp_path: Path, demo: Path) -> None:
    dest = tmp_path / "demo"
    shutil.copytree(demo, dest)
    mtimes = {p.name: p.stat().st_mtime_ns for p in dest.iterdir()}
    assert ensure_demo(dest) == dest
    assert {p.name: p.stat().st_mtime_ns for p in dest.iterdir()} == mtimes
    (dest / "tj_hz.csv").unlink()
    ensure_demo(dest)
    assert (dest / "tj_hz.csv").read_bytes() == (demo / "tj_hz.csv").read_bytes()
    assert not [p for p in dest.iterdir() if p.name.startswith(".")]  # no temporary files left
    fresh = tmp_path / "new" / "nested"
    assert ensure_demo(fresh) == fresh and sorted(p.name for p in fresh.iterdir()) == sorted(FILES)


def test_demo_expected_accepts_scan_names() -> None:
    assert demo_expected("sihe_zwsj.sb_cbry") == DEMO_EXPECTED["sb_cbry"]
    assert demo_expected("hj_rkxx")["公民身份号码"] == {"cn_resident_id"}
