"""Static masking jobs: CSV and SQLite sources into masked copies that the discovery engine finds no
original identifier in; consistent pseudonyms across tables; bounded batches; atomic outputs."""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from shuan.config import get_settings
from shuan.demo.fake import Fake
from shuan.discovery.engine import ColumnClassifier
from shuan.discovery.registry import Registry
from shuan.discovery.vocabulary import TYPES
from shuan.errors import ConfigError, ShuanError
from shuan.protect import job as job_module
from shuan.protect.operators import MaskingKey
from shuan.protect.profiles import load_profile
from shuan.protect.service import MaskRequest, mask_standalone
from shuan.sources import open_source

KEY = MaskingKey(b"\x11" * 32, label="test")
HEADER = ["姓名", "身份证号", "手机号", "邮箱", "住址", "出生日期", "性别", "备注", "编号"]
IDENTIFYING = ("身份证号", "手机号", "邮箱")


def people(n: int, seed: int = 7) -> list[dict[str, str]]:
    fake = Fake(seed)
    rows = []
    for i in range(n):
        mobile = fake.mobile(formatted=False)
        rows.append({
            "姓名": fake.person_name(), "身份证号": fake.resident_id(), "手机号": mobile, "邮箱": fake.email(),
            "住址": fake.address(), "出生日期": fake.birth().isoformat(), "性别": "男" if i % 2 else "女",
            "备注": f"请联系{fake.mobile(formatted=False)}办理" if i % 3 == 0 else "已办结", "编号": f"A{i:05d}",
        })
    return rows


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_sqlite(path: Path, rows: list[dict[str, str]]) -> Path:
    """Two tables sharing people: 人口 (every column) and 社保 (ID number, mobile, an amount)."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE rkxx (xm TEXT, sfzh TEXT, sjhm TEXT, yx TEXT, zz TEXT, csrq TEXT, xb TEXT, bz TEXT, "
                "bh TEXT)")
    con.executemany("INSERT INTO rkxx VALUES (?,?,?,?,?,?,?,?,?)", [tuple(r[h] for h in HEADER) for r in rows])
    con.execute("CREATE TABLE sbxx (sfzh TEXT, sjhm TEXT, jfje INTEGER)")
    con.executemany("INSERT INTO sbxx VALUES (?,?,?)",
                    [(r["身份证号"], r["手机号"], 100 + i) for i, r in enumerate(reversed(rows[::2]))])
    con.commit()
    con.close()
    return path


def scan(spec: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """The output as the discovery engine sees it: table -> column -> types (every row)."""
    registry = Registry.default()
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    with open_source(spec) as source:
        for name in source.tables():
            clf = ColumnClassifier(registry, full=True)
            for batch in source.open_table(name, sample=None, batch_rows=1000).batches():
                clf.update(batch)
            found[name] = {r.name: tuple(h.type for h in r.types) for r in clf.results()}
    return found


def all_text(path: Path) -> str:
    if path.suffix == ".parquet":
        return pl.read_parquet(path).write_csv()
    return path.read_text(encoding="utf-8")


def originals(rows: list[dict[str, str]]) -> set[str]:
    return {r[c] for r in rows for c in IDENTIFYING}


def settings() -> Any:
    return get_settings()


def test_csv_open_data_leaves_no_identifier(tmp_path: Path) -> None:
    rows = people(300)
    src = write_csv(tmp_path / "rkxx.csv", rows)
    out = tmp_path / "masked.csv"
    outcome = mask_standalone(MaskRequest(str(src), str(out), "open_data"), settings())
    assert outcome.rows == 300 and outcome.targets == [str(out)] and not outcome.audited
    text = all_text(out)
    assert not any(v in text for v in originals(rows))
    assert not any(r["姓名"] in text for r in rows)
    found = scan(str(out))["masked"]
    direct = {t for types in found.values() for t in types if TYPES[t].direct_identifier}
    assert not direct, found
    frame = pl.read_csv(out, infer_schema=False)
    assert frame.columns == HEADER and frame.height == 300
    assert frame["身份证号"].null_count() == 300 and frame["编号"].to_list() == [r["编号"] for r in rows]
    assert frame["出生日期"].str.contains(r"^[0-9]{4}$").all()  # year only
    by_column = {c.name: c for c in outcome.tables[0].columns}
    assert by_column["身份证号"].operator == "suppress" and by_column["身份证号"].values == 300
    assert by_column["编号"].operator == "retain" and by_column["编号"].values == 0


def test_sqlite_statistics_joins_across_tables(tmp_path: Path) -> None:
    rows = people(200)
    src = write_sqlite(tmp_path / "src.db", rows)
    out_dir = tmp_path / "out"
    outcome = mask_standalone(MaskRequest(str(src), str(out_dir), "statistics", fmt="parquet"), settings(), key=KEY)
    assert sorted(Path(t).name for t in outcome.targets) == ["rkxx.parquet", "sbxx.parquet"]
    rk = pl.read_parquet(out_dir / "rkxx.parquet")
    sb = pl.read_parquet(out_dir / "sbxx.parquet")
    assert rk.height == 200 and sb.height == 100
    for path in out_dir.iterdir():
        text = all_text(path)
        assert not any(v in text for v in originals(rows)), path
    # the same person has the same pseudonym in both tables: the masked tables still join
    joined = sb.join(rk, on="sfzh", how="inner")
    assert joined.height == 100 and rk["sfzh"].n_unique() == 200
    assert sb["jfje"].to_list() == [str(100 + i) for i in range(100)]  # untyped: kept (SQLite is read as text)
    assert sb["sjhm"].null_count() == 100  # statistics: mobiles removed
    assert rk["csrq"].str.contains(r"^[0-9]+-[0-9]+$|^85\+$").all()  # age bands
    found = scan(str(out_dir))
    assert "cn_resident_id" not in found["rkxx"]["sfzh"] and not found["sbxx"]["sjhm"]


def test_dev_test_fakes_are_valid_and_consistent(tmp_path: Path) -> None:
    rows = people(200)
    src = write_sqlite(tmp_path / "src.db", rows)
    out = tmp_path / "masked.db"
    mask_standalone(MaskRequest(str(src), str(out), "dev_test"), settings(), key=KEY)
    con = sqlite3.connect(out)
    rk = dict(con.execute("SELECT bh, sfzh FROM rkxx").fetchall())
    sb = [r[0] for r in con.execute("SELECT sfzh FROM sbxx")]
    con.close()
    assert not set(rk.values()) & {r["身份证号"] for r in rows}
    assert set(sb) <= set(rk.values())  # the fake of a person is the same in both tables
    found = scan(str(out))
    # the fakes look real to the discovery engine (they pass the validators), yet none is an original
    assert found["rkxx"]["sfzh"][:1] == ("cn_resident_id",) and found["rkxx"]["sjhm"][:1] == ("cn_mobile",)
    assert not any(v in all_text_db(out) for v in originals(rows))


def all_text_db(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return "\n".join(str(row) for t in ("rkxx", "sbxx") for row in con.execute(f"SELECT * FROM {t}"))  # noqa: S608
    finally:
        con.close()


def test_streams_in_bounded_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = people(250)
    src = write_csv(tmp_path / "rkxx.csv", rows)
    monkeypatch.setenv("SHUAN_BATCH_ROWS", "40")
    get_settings.cache_clear()
    seen: list[int] = []
    original = job_module.apply_frame

    def spy(frame: pl.DataFrame, ops: Any) -> pl.DataFrame:
        seen.append(frame.height)
        return original(frame, ops)

    monkeypatch.setattr(job_module, "apply_frame", spy)
    progress: list[tuple[str, int, int, int]] = []
    outcome = mask_standalone(MaskRequest(str(src), str(tmp_path / "o.csv"), "open_data"), get_settings(),
                              progress=lambda *a: progress.append(a))
    assert outcome.rows == 250 and sum(seen) == 250 and max(seen) < 80 and len(seen) >= 4
    assert progress[-1] == ("rkxx", 1, 1, 250)


def test_failed_job_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = people(50)
    src = write_sqlite(tmp_path / "src.db", rows)
    out_dir = tmp_path / "out"
    calls = {"n": 0}
    original = job_module.apply_frame

    def failing(frame: pl.DataFrame, ops: Any) -> pl.DataFrame:
        calls["n"] += 1
        if calls["n"] == 2:  # the second table fails after the first was written
            raise ValueError("disk on fire")
        return original(frame, ops)

    monkeypatch.setattr(job_module, "apply_frame", failing)
    with pytest.raises(ShuanError, match="表 sbxx 脱敏失败.*disk on fire"):
        mask_standalone(MaskRequest(str(src), str(out_dir), "open_data"), settings())
    assert not out_dir.exists()  # no table file, no .part file, not even the directory it created

    calls["n"] = 0
    db = tmp_path / "out.db"
    with pytest.raises(ShuanError):
        mask_standalone(MaskRequest(str(src), str(db), "open_data"), settings())
    con = sqlite3.connect(db)
    assert con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall() == []
    con.close()


def test_existing_destination_is_refused_unless_overwrite(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "rkxx.csv", people(20))
    out = tmp_path / "o.csv"
    out.write_text("keep me", encoding="utf-8")
    with pytest.raises(ConfigError, match="输出位置已存在"):
        mask_standalone(MaskRequest(str(src), str(out), "open_data"), settings())
    assert out.read_text(encoding="utf-8") == "keep me"
    mask_standalone(MaskRequest(str(src), str(out), "open_data", overwrite=True), settings())
    assert out.read_text(encoding="utf-8").startswith("姓名,")
    with pytest.raises(ConfigError, match="不能与数据源相同"):
        mask_standalone(MaskRequest(str(src), str(src), "open_data", overwrite=True), settings())


def test_multi_table_source_needs_a_directory(tmp_path: Path) -> None:
    src = write_sqlite(tmp_path / "src.db", people(10))
    with pytest.raises(ConfigError, match="有 2 张表"):
        mask_standalone(MaskRequest(str(src), str(tmp_path / "o.csv"), "open_data"), settings())


def test_keyed_rules_need_a_key_in_standalone_mode(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "rkxx.csv", people(20))
    with pytest.raises(ConfigError, match=r"需要密钥（rkxx\.身份证号"):
        mask_standalone(MaskRequest(str(src), str(tmp_path / "o.csv"), "statistics"), settings())
    assert not (tmp_path / "o.csv").exists()


def test_header_named_identifiers_are_masked_even_when_invalid(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("身份证号,备注\n110101199013077571,a\n370811198513121230,b\n", encoding="utf-8")  # month 13
    plan = job_module.plan_masking(str(src), load_profile("open_data"), Registry.default())
    rule = plan.tables[0].rule("身份证号")
    assert rule is not None and rule.rule.operator == "suppress" and "列名提示" in rule.reason


def test_plan_with_given_column_types(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "rkxx.csv", people(20))
    from shuan.protect.profiles import DetectedColumn

    detected = {"rkxx": [DetectedColumn("编号", ("cn_mobile",))]}
    plan = job_module.plan_masking(str(src), load_profile("department_sharing"), Registry.default(), detected=detected)
    assert [c.column for c in plan.tables[0].columns] == ["编号"]
    doc = plan.as_json()
    assert doc["tables"][0]["columns"][0]["operator"] == "keep_first_last"
