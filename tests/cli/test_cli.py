"""The CLI contracts (DESIGN.md §4) and bad-input behaviour, run in-process."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from shuan.cli.main import main
from tests.discovery.test_engine import NAMES, ids, mobiles


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def people_csv(tmp_path: Path) -> Path:
    idn, ph = ids(60), mobiles(60)
    lines = ["姓名,公民身份号码,联系电话,户籍地址,登记日期"]
    for i in range(60):
        lines.append(f"{NAMES[i % len(NAMES)]},{idn[i]},{ph[i]},济宁市任城区古槐路{i + 1}号,2023-01-{i % 28 + 1:02d}")
    path = tmp_path / "hj_rkxx.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_scan_json_contract(capsys: pytest.CaptureFixture[str], people_csv: Path) -> None:
    code, out, _ = run(capsys, "scan", str(people_csv), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["scheme"] == "jining-2020" and doc["errors"] == []
    [table] = doc["tables"]
    assert table["name"] == "hj_rkxx" and table["rows"] == 60
    assert table["level"] == 2 and table["level_label"] == "二级" and table["reasons"]
    by_name = {c["name"]: c for c in table["columns"]}
    assert [t["type"] for t in by_name["公民身份号码"]["types"]] == ["cn_resident_id"]
    assert by_name["登记日期"]["types"] == []
    for col in table["columns"]:
        assert isinstance(col["level"], int)
        for t in col["types"]:
            assert set(t) >= {"type", "score", "ratio", "evidence"}
            assert 0 <= t["score"] <= 1 and 0 <= t["ratio"] <= 1


@pytest.mark.parametrize("scheme", ["gbt43697-2024", "zj-db33-2021"])
def test_scan_other_schemes(capsys: pytest.CaptureFixture[str], people_csv: Path, scheme: str) -> None:
    code, out, _ = run(capsys, "scan", str(people_csv), "--format", "json", "--scheme", scheme, "--no-save")
    doc = json.loads(out)
    assert code == 0 and doc["scheme"] == scheme
    assert doc["tables"][0]["level"] >= 3


def test_scan_table_output_and_store(capsys: pytest.CaptureFixture[str], people_csv: Path, isolated_home: Path) -> None:
    code, out, err = run(capsys, "scan", str(people_csv))
    assert code == 0
    assert "hj_rkxx" in out and "二级" in out
    assert "扫描编号" in err
    with sqlite3.connect(isolated_home / "shuan.db") as db:
        assert db.execute("select count(*) from table_assets").fetchone() == (1,)
        assert db.execute("select count(*) from detections").fetchone()[0] >= 4


def test_export_from_store(capsys: pytest.CaptureFixture[str], people_csv: Path, tmp_path: Path) -> None:
    assert run(capsys, "scan", str(people_csv))[0] == 0
    for fmt in ("xlsx", "csv", "json"):
        target = tmp_path / f"inv.{fmt}"
        code, _, err = run(capsys, "export", str(target))
        assert code == 0 and target.exists(), err
    rows = (tmp_path / "inv.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("数据源,表名,字段,级别")
    assert len(rows) == 1 + 5
    assert json.loads((tmp_path / "inv.json").read_text(encoding="utf-8"))["tables"][0]["level"] == 2


def test_export_without_scan_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "export", str(tmp_path / "x.xlsx"))
    assert code != 0 and "还没有扫描记录" in err
    assert not (tmp_path / "x.xlsx").exists()


def test_detect_jsonl_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    idn = ids(1)[0]
    text = tmp_path / "t.txt"
    text.write_text(f"市民张伟来电，手机13812345678，身份证{idn}。\n\n无敏感信息的一行\n", encoding="utf-8")
    code, out, _ = run(capsys, "detect", str(text), "--format", "jsonl")
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert len(lines) == 3 and lines[1] == {"entities": []} and lines[2] == {"entities": []}
    ents = lines[0]["entities"]
    src = text.read_text(encoding="utf-8").splitlines()[0]
    got = {(e["type"], e["text"]) for e in ents}
    assert {("cn_mobile", "13812345678"), ("cn_resident_id", idn), ("person_name", "张伟")} <= got
    for e in ents:
        assert src[e["start"] : e["end"]] == e["text"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["scan", "/no/such/file.csv"], "/no/such/file.csv"),
        (["scan", "{tmp}/data.unknownext"], "data.unknownext"),
        (["scan", "postgresql://u:secret@127.0.0.1:1/db"], "127.0.0.1:1"),
        (["scan", "{tmp}", "--scheme", "bogus"], "bogus"),
        (["scan", "{tmp}", "--sample", "0"], "0"),
        (["scan", "{tmp}", "--recognizers", "{tmp}/missing.yaml"], "missing.yaml"),
        (["detect", "/no/such/input.txt"], "/no/such/input.txt"),
        (["scan"], "缺少参数 SOURCE"),
        (["nosuch"], "没有命令 nosuch"),
        (["scan", "{tmp}", "--bogus"], "没有选项 --bogus"),
    ],
)
def test_bad_input_one_line_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str],
                                  needle: str) -> None:
    (tmp_path / "data.unknownext").write_text("x", encoding="utf-8")
    (tmp_path / "ok.csv").write_text("a\n1\n", encoding="utf-8")
    code, out, err = run(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert code != 0
    assert needle in err
    assert len(err.strip().splitlines()) == 1, err
    assert "secret" not in err + out
    assert "Traceback" not in err


def test_multi_table_scan_continues_past_a_bad_table(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                    people_csv: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "good.csv").write_text(people_csv.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.parquet").write_bytes(b"not a parquet file at all")
    (folder / "empty.csv").write_bytes(b"")
    code, out, _ = run(capsys, "scan", str(folder), "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert [t["name"] for t in doc["tables"]] == ["good"]
    failed = {e["table"] for e in doc["errors"]}
    assert {"bad", "empty"} <= failed
    assert all(e["error"] and "\n" not in e["error"] for e in doc["errors"])


def test_recognizers_and_schemes_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recognizers", "list")
    assert code == 0 and "cn_resident_id" in out
    code, out, _ = run(capsys, "schemes", "list")
    assert code == 0 and "jining-2020" in out and "gbt43697-2024" in out


def test_scale_option_raises_the_grade(capsys: pytest.CaptureFixture[str], people_csv: Path) -> None:
    code, out, _ = run(capsys, "scan", str(people_csv), "--format", "json", "--no-save", "--scheme",
                       "zj-db33-2021", "--scale", "personal_scale=10")
    assert code == 0 and json.loads(out)["tables"][0]["level"] >= 3
    code, _, err = run(capsys, "scan", str(people_csv), "--scale", "personal_scale=many")
    assert code != 0 and "personal_scale=many" in err


def test_same_file_from_two_directories_is_one_source(capsys: pytest.CaptureFixture[str], people_csv: Path,
                                                      monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.chdir(people_csv.parent)
    assert run(capsys, "scan", people_csv.name)[0] == 0
    monkeypatch.chdir(people_csv.parent.parent)
    assert run(capsys, "scan", str(people_csv.relative_to(people_csv.parent.parent)))[0] == 0
    with sqlite3.connect(isolated_home / "shuan.db") as db:
        assert db.execute("select count(*), min(display) from sources").fetchone() == (1, str(people_csv))


def test_unreachable_store_fails_before_scanning(capsys: pytest.CaptureFixture[str], people_csv: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from shuan.config import get_settings

    monkeypatch.setenv("SHUAN_DATABASE_URL", "postgresql://nobody:pw@127.0.0.1:1/none")
    get_settings.cache_clear()
    code, out, err = run(capsys, "scan", str(people_csv), "--format", "json")
    assert code == 4 and out == "" and "127.0.0.1:1" in err and "pw@" not in err
    code, out, _ = run(capsys, "scan", str(people_csv), "--format", "json", "--no-save")
    assert code == 0 and json.loads(out)["tables"]


def test_scan_for_some_types_only(capsys: pytest.CaptureFixture[str], people_csv: Path) -> None:
    """--types looks for the given types only (no birth dates from the ID cross-check either), says so in
    every table's warnings, and is never saved as the inventory's classification."""
    code, out, _ = run(capsys, "scan", str(people_csv), "--format", "json", "--no-save",
                       "--types", "cn_resident_id", "--types", " cn_mobile ,")
    assert code == 0
    [table] = json.loads(out)["tables"]
    found = {c["name"]: [t["type"] for t in c["types"]] for c in table["columns"]}
    assert found == {"姓名": [], "公民身份号码": ["cn_resident_id"], "联系电话": ["cn_mobile"], "户籍地址": [],
                     "登记日期": []}
    assert "居民身份证号" in table["warnings"][0] and "分级只反映这些类型" in table["warnings"][0]


@pytest.mark.parametrize(
    ("args", "needle"),
    [(("--types", "cn_mobile,passport_no", "--no-save"), "passport_no"),
     (("--types", " , ", "--no-save"), "--types"),
     (("--types", "cn_mobile"), "--no-save")],
)
def test_scan_types_bad_input(capsys: pytest.CaptureFixture[str], people_csv: Path, isolated_home: Path,
                              args: tuple[str, ...], needle: str) -> None:
    code, out, err = run(capsys, "scan", str(people_csv), "--format", "json", *args)
    assert code == 2 and out == "" and needle in err and len(err.strip().splitlines()) == 1
    assert not any(isolated_home.rglob("*.db"))  # refused before the store was opened


def test_header_only_csv_lists_its_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "h.csv").write_text("姓名,电话\n", encoding="utf-8")
    code, out, _ = run(capsys, "scan", str(tmp_path / "h.csv"), "--format", "json", "--no-save")
    doc = json.loads(out)
    assert code == 0 and [c["name"] for c in doc["tables"][0]["columns"]] == ["姓名", "电话"]
    assert doc["tables"][0]["rows"] == 0 and doc["tables"][0]["level"] == 1


def test_a_table_that_panics_the_reader_is_one_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     people_csv: Path) -> None:
    """Polars panics (a BaseException from Rust, not an Exception) on a decimal256 column: that table is one
    error line and the scan goes on."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = tmp_path / "dir"
    folder.mkdir()
    (folder / "good.csv").write_text(people_csv.read_text(encoding="utf-8"), encoding="utf-8")
    pq.write_table(pa.table({"amount": pa.array([decimal.Decimal("1.25")], type=pa.decimal256(50, 2))}),
                   folder / "money.parquet")
    code, out, _ = run(capsys, "scan", str(folder), "--format", "json", "--no-save")
    doc = json.loads(out)
    assert code == 0 and [t["name"] for t in doc["tables"]] == ["good"]
    assert [e["table"] for e in doc["errors"]] == ["money"] and "\n" not in doc["errors"][0]["error"]


@pytest.mark.parametrize(
    ("argv", "preset", "expected"),
    [(["shuan", "scan", "x.csv"], None, "1"), (["shuan", "detect", "x.txt"], None, "1"),
     (["shuan", "scan", "x.csv"], "4", "4"), (["shuan", "serve"], None, None)],
)
def test_self_parallel_commands_give_polars_one_thread(argv: list[str], preset: str | None,
                                                       expected: str | None) -> None:
    """scan/detect spread columns over cores themselves: Polars' (and OpenBLAS's) pools get one thread,
    decided before Polars loads; a user's own setting wins; other commands are left alone. They also keep
    the memory Arrow's allocator frees (no purge), in ordinary pages (no huge pages), which other commands (a long-running server) do not."""
    import os
    import subprocess
    import sys

    names = ("POLARS_MAX_THREADS", "OPENBLAS_NUM_THREADS", "MIMALLOC_PURGE_DELAY", "MIMALLOC_ALLOW_THP")
    env = {k: v for k, v in os.environ.items() if k not in names}
    if preset is not None:
        env["POLARS_MAX_THREADS"] = preset
        env["MIMALLOC_PURGE_DELAY"] = "250"
    code = (f"import sys; sys.argv = {argv!r}; import shuan.cli, os; "
            f"print(*[os.environ.get(name) for name in {names!r}])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    threads, blas, purge, thp = out.split()
    self_parallel = argv[1] in ("scan", "detect")
    assert threads == str(expected) and blas == ("1" if self_parallel else "None")
    assert purge == ("250" if preset else "-1" if self_parallel else "None")
    assert thp == ("0" if self_parallel else "None")


@pytest.mark.parametrize("command", ["scan", "detect"])
def test_self_parallel_commands_collect_again_once_started(command: str, tmp_path: Path) -> None:
    """The collector is off while scan/detect start up, and on (start-up objects frozen) once the
    command runs: a long scan must not run without it."""
    import subprocess
    import sys

    data = tmp_path / "t.csv"
    data.write_text("姓名\n张三\n", encoding="utf-8")
    argv = ["shuan", command, str(data)] + (["--no-save", "--format", "json"] if command == "scan" else [])
    code = (f"import sys; sys.argv = {argv!r}; import gc, shuan.cli; print(gc.isenabled()); "
            "import shuan.cli.main as m, atexit; atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0)); "
            "m.main(sys.argv[1:])")
    env = {"SHUAN_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    lines = out.strip().splitlines()
    assert lines[0] == "False" and lines[-1] == "True True"
