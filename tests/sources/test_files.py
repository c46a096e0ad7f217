"""File sources: every format, encodings, headers, malformed input, directories, sampling."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest

from shuan.errors import SourceError, TableError
from shuan.sources import DirectorySource, open_source
from shuan.sources.encoding import HEAD_BYTES

from .helpers import (
    HEADER,
    ROWS,
    read,
    records,
    to_table,
    write_csv,
    write_json,
    write_parquet,
    write_xlsx,
)

# ------------------------------------------------------------------------------------ every format


def _csv(path: Path) -> Path:
    return write_csv(path / "t.csv")


def _tsv(path: Path) -> Path:
    return write_csv(path / "t.tsv", delimiter="\t")


def _gbk(path: Path) -> Path:
    return write_csv(path / "t.csv", encoding="gbk")


def _gb2312(path: Path) -> Path:
    return write_csv(path / "t.csv", encoding="gb2312")


def _bom(path: Path) -> Path:
    return write_csv(path / "t.csv", encoding="utf-8-sig")


def _utf16(path: Path) -> Path:
    # what Excel's "Unicode text" export produces
    return write_csv(path / "t.tsv", delimiter="\t", encoding="utf-16")


def _json(path: Path) -> Path:
    return write_json(path / "t.json", records(), lines=False)


def _jsonl(path: Path) -> Path:
    return write_json(path / "t.jsonl", records(), lines=True)


def _ndjson(path: Path) -> Path:
    return write_json(path / "t.ndjson", records(), lines=True)


def _parquet(path: Path) -> Path:
    return write_parquet(path / "t.parquet", {h: [r[i] for r in ROWS] for i, h in enumerate(HEADER)})


def _xlsx(path: Path) -> Path:
    return write_xlsx(path / "t.xlsx", {"Sheet1": [HEADER, *ROWS]})


FORMATS: list[tuple[str, Callable[[Path], Path], str | None]] = [
    ("csv", _csv, "utf-8"),
    ("tsv", _tsv, "utf-8"),
    ("csv-gbk", _gbk, "gb18030"),
    ("csv-gb2312", _gb2312, "gb18030"),
    ("csv-utf8-bom", _bom, "utf-8-sig"),
    ("tsv-utf16", _utf16, "utf-16"),
    ("json", _json, "utf-8"),
    ("jsonl", _jsonl, "utf-8"),
    ("ndjson", _ndjson, "utf-8"),
    ("parquet", _parquet, None),
    ("xlsx", _xlsx, None),
]


@pytest.mark.parametrize(("fmt", "write", "encoding"), FORMATS, ids=[f[0] for f in FORMATS])
def test_every_format_reads_the_same_strings(
    tmp_path: Path, fmt: str, write: Callable[[Path], Path], encoding: str | None
) -> None:
    path = write(tmp_path)
    with open_source(str(path)) as source:
        assert source.tables() == ["t"]
        reader, batches = read(source, "t")
    table = to_table(batches)
    assert table.column_names == HEADER
    assert all(pa.types.is_string(t) for t in table.schema.types)
    # leading zeros, 18-digit identifiers and number-like text survive unchanged
    assert [list(r.values()) for r in table.to_pylist()] == ROWS
    assert reader.rows == len(ROWS)
    assert reader.encoding == encoding
    assert reader.warnings == []


def test_gb18030_only_characters(tmp_path: Path) -> None:
    # 䶮 (U+4DAE) and 𠀀 (U+20000) exist in GB18030 but not in GBK
    path = write_csv(tmp_path / "rare.csv", ["姓名"], [["刘䶮"], ["𠀀一"]], encoding="gb18030")
    with open_source(str(path)) as source:
        reader, batches = read(source, "rare")
    assert to_table(batches).column("姓名").to_pylist() == ["刘䶮", "𠀀一"]
    assert reader.encoding == "gb18030"


def test_gbk_file_whose_head_is_ascii(tmp_path: Path) -> None:
    # the first 256 KB hold no Chinese at all; detection probes further into the file
    ascii_rows = [[str(i), "13800000000"] for i in range((HEAD_BYTES // 14) + 100)]
    path = write_csv(tmp_path / "late.csv", ["id", "phone"], [*ascii_rows, ["x", "张三"]], encoding="gbk")
    with open_source(str(path)) as source:
        reader, batches = read(source, "late")
    assert to_table(batches).column("phone").to_pylist()[-1] == "张三"
    assert reader.encoding == "gb18030"


def test_empty_and_duplicate_header_names_are_made_unique(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", ["name", "", "name", " ", "name"], [["a", "b", "c", "d", "e"]])
    with open_source(str(path)) as source:
        _, batches = read(source, "h")
    table = to_table(batches)
    assert table.column_names == ["name", "列2", "name_2", "列4", "name_3"]
    assert table.to_pylist() == [{"name": "a", "列2": "b", "name_2": "c", "列4": "d", "name_3": "e"}]


def test_quoted_fields_with_delimiters_and_newlines(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "q.csv", ["地址", "备注"], [["济宁市,任城区", '他说"好"\n第二行'], ["", "x"]])
    with open_source(str(path)) as source:
        _, batches = read(source, "q")
    assert to_table(batches).to_pylist() == [
        {"地址": "济宁市,任城区", "备注": '他说"好"\n第二行'},
        {"地址": None, "备注": "x"},  # an empty cell is null
    ]


@pytest.mark.parametrize("every", [1, 7, 400])
def test_quoted_line_breaks_across_block_cuts_read_like_any_other_row(tmp_path: Path, every: int) -> None:
    """Blocks are first cut at line breaks; a cut inside a quoted value makes Arrow's parser stop, and
    the file is read again quote-aware: every row arrives once, whole, whether the multi-line values
    are everywhere, occasional or rare, and malformed rows are still counted once."""
    rows = [[str(i), f"第{i}条\n续行{i}" if i % every == 0 else f"备注{i}"] for i in range(3000)]
    rows.insert(1500, ["bad"])  # one malformed row (too few cells)
    path = write_csv(tmp_path / "m.csv", ["id", "备注"], rows)
    with open_source(str(path), block_size=4096) as source:
        reader, batches = read(source, "m")
    table = to_table(batches)
    assert table.column("id").to_pylist() == [str(i) for i in range(3000)]
    assert table.column("备注").to_pylist() == [r[1] for r in rows if len(r) == 2]
    assert reader.rows == 3000 and reader.skipped_rows == 1


def test_malformed_rows_are_skipped_counted_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("id,name\n1,张三\n2\n3,李四\n4,王五,多余\n5,赵六\n", encoding="utf-8")
    with open_source(str(path)) as source:
        reader, batches = read(source, "bad")
    assert to_table(batches).column("id").to_pylist() == ["1", "3", "5"]
    assert reader.rows == 3
    assert reader.skipped_rows == 2
    assert len(reader.warnings) == 1
    warning = reader.warnings[0]
    assert "bad" in warning and "2 行" in warning and "第 3 行" in warning


def test_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "h.csv", ["a", "b"], [])
    with open_source(str(path)) as source:
        reader, batches = read(source, "h")
    assert batches == []
    assert reader.rows == 0


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".json", ".jsonl", ".parquet", ".xlsx"])
def test_zero_byte_file_is_table_empty(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"e{suffix}"
    path.write_bytes(b"")
    with open_source(str(path)) as source, pytest.raises(TableError) as err:
        read(source, "e")
    assert err.value.key == "table.empty"
    assert "e" in err.value.user_message


@pytest.mark.parametrize("content", [b"\n\n  \n", b"   "])
def test_blank_text_file_is_table_empty(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "b.csv").write_bytes(content)
    with open_source(str(tmp_path / "b.csv")) as source, pytest.raises(TableError) as err:
        read(source, "b")
    assert err.value.key == "table.empty"


def test_mixed_encoding_later_in_the_file_is_a_table_error(tmp_path: Path) -> None:
    utf8_rows = [[str(i), "张三丰"] for i in range(HEAD_BYTES // 12 + 1000)]
    head = write_csv(tmp_path / "head.csv", ["id", "name"], utf8_rows).read_bytes()
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + "99999,李四\n".encode("gbk"))
    with open_source(str(path)) as source, pytest.raises(TableError) as err:
        read(source, "mixed", batch_rows=100_000)
    assert err.value.key == "table.encoding_mixed"
    assert "mixed" in err.value.user_message


def test_mixed_encoding_within_the_head_is_a_table_error(tmp_path: Path) -> None:
    path = tmp_path / "mixed2.csv"
    path.write_bytes("id,name\n1,山东省济宁市任城区\n".encode() + "2,山东省济宁市\n".encode("gbk"))
    with open_source(str(path)) as source, pytest.raises(TableError) as err:
        read(source, "mixed2")
    assert err.value.key == "table.encoding_mixed"


def test_binary_file_with_csv_suffix_is_a_table_error(tmp_path: Path) -> None:
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 10)
    with open_source(str(tmp_path / "bin.csv")) as source, pytest.raises(TableError) as err:
        read(source, "bin")
    assert err.value.key in ("table.binary", "table.encoding")


def test_cell_bigger_than_the_block_is_a_clear_table_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "huge.csv", ["id", "text"], [["1", "x"], ["2", "长" * 100_000], ["3", "y"]])
    with open_source(str(path), block_size=64 * 1024) as source, pytest.raises(TableError) as err:
        read(source, "huge")
    assert err.value.key == "table.cell_too_large"
    assert "huge" in err.value.user_message


def test_big_cell_within_the_block_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "big.csv", ["id", "text"], [["1", "x" * 200_000]])
    with open_source(str(path), block_size=1024 * 1024) as source:
        _, batches = read(source, "big")
    assert len(to_table(batches).column("text")[0].as_py()) == 200_000


@pytest.mark.parametrize("content", [b"not a parquet file at all", b"PAR1" + bytes(100) + b"PAR1"])
def test_corrupt_parquet_is_a_table_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "bad.parquet").write_bytes(content)
    with open_source(str(tmp_path / "bad.parquet")) as source, pytest.raises(TableError) as err:
        read(source, "bad")
    assert err.value.key == "table.read"
    assert "bad" in err.value.user_message


def test_corrupt_xlsx_is_a_table_error(tmp_path: Path) -> None:
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 this is no workbook")
    with open_source(str(tmp_path / "bad.xlsx")) as source:
        assert source.tables() == ["bad"]
        with pytest.raises(TableError) as err:
            read(source, "bad")
    assert err.value.key == "table.read"


def test_parquet_keeps_native_types(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "n.parquet",
        {
            "id": [1, 2, 3],
            "score": [1.5, None, 3.0],
            "day": [dt.date(2020, 1, 1)] * 3,
            "name": ["a", "b", "c"],
        },
    )
    with open_source(str(path)) as source:
        reader, batches = read(source, "n", batch_rows=2)
    table = to_table(batches)
    assert table.schema.field("id").type == pa.int64()
    assert table.schema.field("day").type == pa.date32()
    assert table.column("score").to_pylist() == [1.5, None, 3.0]
    assert reader.rows == 3
    assert len(batches) == 2


# ------------------------------------------------------------------------------------ JSON


def test_json_values_become_strings_and_nested_values_json_text(tmp_path: Path) -> None:
    data = [
        {"id": 1, "ok": True, "x": None, "tags": ["a", "北"], "addr": {"city": "济宁"}, "f": 1.25},
        {"id": 123456789012345678, "extra": "only here"},
    ]
    path = write_json(tmp_path / "j.json", data, lines=False)
    with open_source(str(path)) as source:
        _, batches = read(source, "j")
    table = to_table(batches)
    assert table.column_names == ["id", "ok", "x", "tags", "addr", "f", "extra"]
    rows = table.to_pylist()
    assert rows[0] == {
        "id": "1",
        "ok": "true",
        "x": None,
        "tags": '["a", "北"]',
        "addr": '{"city": "济宁"}',
        "f": "1.25",
        "extra": None,
    }
    assert rows[1]["id"] == "123456789012345678"
    assert rows[1]["extra"] == "only here"


def test_json_array_is_streamed_across_chunks(tmp_path: Path) -> None:
    data = [{"id": str(i), "text": "长文本" * 50} for i in range(3000)]  # ~1.4 MB, beyond one read chunk
    path = write_json(tmp_path / "big.json", data, lines=False)
    with open_source(str(path)) as source:
        reader, batches = read(source, "big", batch_rows=1000)
    assert reader.rows == 3000
    assert to_table(batches).column("id").to_pylist() == [str(i) for i in range(3000)]


def test_jsonl_bad_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "j.jsonl"
    path.write_text('{"a": "1"}\n\n{oops\n[1, 2]\n{"a": "2"}\n', encoding="utf-8")
    with open_source(str(path)) as source:
        reader, batches = read(source, "j")
    assert to_table(batches).column("a").to_pylist() == ["1", "2"]
    assert reader.skipped_rows == 2
    assert len(reader.warnings) == 1 and "第 3 行" in reader.warnings[0]


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ('[{"a": 1}, 2]', "table.json_not_object"),
        ('[{"a": 1}, {"a": ', "table.json_shape"),
        ('{\n  "a": 1,\n  "b": 2\n}\n', "table.json_shape"),
    ],
)
def test_json_of_the_wrong_shape_is_a_table_error(tmp_path: Path, content: str, key: str) -> None:
    (tmp_path / "w.json").write_text(content, encoding="utf-8")
    with open_source(str(tmp_path / "w.json")) as source, pytest.raises(TableError) as err:
        read(source, "w")
    assert err.value.key == key


def test_empty_json_array_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "e.json").write_text("[ ]", encoding="utf-8")
    with open_source(str(tmp_path / "e.json")) as source:
        reader, batches = read(source, "e")
    assert batches == [] and reader.rows == 0


def test_gbk_json(tmp_path: Path) -> None:
    path = tmp_path / "g.json"
    path.write_bytes(json.dumps(records(), ensure_ascii=False).encode("gbk"))
    with open_source(str(path)) as source:
        reader, batches = read(source, "g")
    assert to_table(batches).column("姓名").to_pylist() == [r[2] for r in ROWS]
    assert reader.encoding == "gb18030"


# ------------------------------------------------------------------------------------ XLSX


def test_xlsx_sheets_become_tables(tmp_path: Path) -> None:
    write_xlsx(
        tmp_path / "book.xlsx",
        {"人口": [["姓名"], ["张三"]], "空表": [], "法人": [["名称"], ["某公司"], ["另一公司"]]},
    )
    write_xlsx(tmp_path / "single.xlsx", {"Sheet1": [["a"], ["1"]], "Sheet2": []})
    with open_source(str(tmp_path)) as source:
        assert source.tables() == ["book.人口", "book.法人", "single"]
        reader, batches = read(source, "book.法人")
        assert reader.rows == 2
        assert to_table(batches).column("名称").to_pylist() == ["某公司", "另一公司"]
        _, batches = read(source, "single")
        assert to_table(batches).to_pylist() == [{"a": "1"}]


def test_xlsx_values_as_text(tmp_path: Path) -> None:
    rows = [
        [],
        [None, None],
        ["编号", "日期", "时间", "金额", "是否", "号码", None],
        [12, dt.datetime(2020, 1, 2), dt.datetime(2020, 1, 2, 8, 30), 1.5, True, "0012", None],
        [3.0, dt.date(1990, 3, 7), None, -2, False, 12345678901, None],
        [None, None, None, None, None, None, "beyond the header"],
    ]
    write_xlsx(tmp_path / "v.xlsx", {"S": rows})
    with open_source(str(tmp_path / "v.xlsx")) as source:
        reader, batches = read(source, "v")
    table = to_table(batches)
    assert table.column_names == ["编号", "日期", "时间", "金额", "是否", "号码"]
    assert table.to_pylist() == [
        {
            "编号": "12",
            "日期": "2020-01-02",
            "时间": "2020-01-02 08:30:00",
            "金额": "1.5",
            "是否": "TRUE",
            "号码": "0012",
        },
        {
            "编号": "3",
            "日期": "1990-03-07",
            "时间": None,
            "金额": "-2",
            "是否": "FALSE",
            "号码": "12345678901",
        },
    ]
    assert reader.rows == 2
    assert len(reader.warnings) == 1 and "表头以外" in reader.warnings[0]


def test_xlsx_without_any_content_is_table_empty(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": []})
    with open_source(str(tmp_path / "blank.xlsx")) as source:
        assert source.tables() == ["blank"]
        with pytest.raises(TableError) as err:
            read(source, "blank")
    assert err.value.key == "table.empty"


# ------------------------------------------------------------------------------------ directories


def test_directory_recursion_order_and_name_disambiguation(tmp_path: Path) -> None:
    write_csv(tmp_path / "hj_rkxx.csv")
    (tmp_path / "2023").mkdir()
    (tmp_path / "2024" / "q1").mkdir(parents=True)
    write_csv(tmp_path / "2023" / "hj_rkxx.csv")
    write_csv(tmp_path / "2024" / "q1" / "hj_rkxx.csv")
    write_csv(tmp_path / "2024" / "frxx.csv")
    write_json(tmp_path / "2024" / "frxx.json", records(), lines=False)  # same path but for the suffix
    write_csv(tmp_path / "zz.tsv", delimiter="\t")
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    (tmp_path / ".hidden.csv").write_text("a\n1\n", encoding="utf-8")
    (tmp_path / "~$lock.xlsx").write_bytes(b"lock")
    (tmp_path / ".git").mkdir()
    write_csv(tmp_path / ".git" / "x.csv")

    with open_source(str(tmp_path)) as source:
        assert isinstance(source, DirectorySource)
        assert source.display == str(tmp_path)
        assert source.tables() == [
            "2023/hj_rkxx",
            "2024/frxx.csv",
            "2024/frxx.json",
            "2024/q1/hj_rkxx",
            "hj_rkxx",
            "zz",
        ]
        for name in source.tables():
            reader, batches = read(source, name)
            assert reader.rows == len(ROWS)
            assert [list(r.values()) for r in to_table(batches).to_pylist()] == ROWS


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    write_csv(tmp_path / "good.csv")
    (tmp_path / "bad.parquet").write_bytes(b"garbage")
    results: dict[str, object] = {}
    with open_source(str(tmp_path)) as source:
        for name in source.tables():
            try:
                reader, _ = read(source, name)
                results[name] = reader.rows
            except TableError as exc:
                results[name] = exc.key
    assert results == {"bad": "table.read", "good": len(ROWS)}


# ------------------------------------------------------------------------------------ source errors


def test_missing_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        open_source(str(tmp_path / "nope.csv"))
    assert err.value.key == "source.missing"
    assert "nope.csv" in err.value.user_message


def test_directory_without_data_files_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("x", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        open_source(str(tmp_path))
    assert err.value.key == "source.empty_dir"


@pytest.mark.parametrize("name", ["data.txt", "data.xls", "data"])
def test_unsupported_file_is_a_source_error(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        open_source(str(tmp_path / name))
    assert err.value.key == "source.unsupported"


@pytest.mark.parametrize("spec", ["oracle://u:secret@h/db", "http://example.com/data.csv"])
def test_unsupported_url_is_a_source_error_with_password_masked(spec: str) -> None:
    with pytest.raises(SourceError) as err:
        open_source(spec)
    assert err.value.key == "source.unsupported"
    assert "secret" not in err.value.user_message


def test_unknown_table_is_a_table_error(tmp_path: Path) -> None:
    with open_source(str(write_csv(tmp_path / "t.csv"))) as source, pytest.raises(TableError) as err:
        source.open_table("other", sample=None, batch_rows=10)
    assert err.value.key == "table.unknown"


# ------------------------------------------------------------------------------------ sampling and batches


def _numbered_csv(path: Path, n: int) -> Path:
    return write_csv(path, ["id", "v"], [[f"{i:06d}", str(i % 7)] for i in range(n)])


def test_full_mode_yields_every_row_in_batches(tmp_path: Path) -> None:
    path = _numbered_csv(tmp_path / "n.csv", 1000)
    with open_source(str(path)) as source:
        reader, batches = read(source, "n", batch_rows=128)
    assert len(batches) == 8
    assert reader.rows == 1000
    assert to_table(batches).column("id").to_pylist() == [f"{i:06d}" for i in range(1000)]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx", ".parquet"])
def test_sample_is_bounded_distinct_and_counts_every_row(tmp_path: Path, suffix: str) -> None:
    n = 3000
    ids = [f"{i:06d}" for i in range(n)]
    path = tmp_path / f"s{suffix}"
    if suffix == ".csv":
        _numbered_csv(path, n)
    elif suffix == ".jsonl":
        write_json(path, [{"id": i} for i in ids], lines=True)
    elif suffix == ".xlsx":
        write_xlsx(path, {"S": [["id"], *[[i] for i in ids]]})
    else:
        write_parquet(path, {"id": ids})
    with open_source(str(path), seed=7) as source:
        reader, batches = read(source, "s", sample=200, batch_rows=64)
        again = to_table(read(source, "s", sample=200, batch_rows=64)[1])
    got = to_table(batches).column("id").to_pylist()
    assert len(got) == 200
    assert len(set(got)) == 200
    assert set(got) <= set(ids)
    assert got == sorted(got), "the sample keeps the file's row order"
    assert reader.rows == n
    assert len(batches) == 4
    assert again.column("id").to_pylist() == got, "a seed makes the sample reproducible"
    # a uniform sample of 200 from 3000 lands in both halves of the file
    assert 50 < sum(1 for i in got if i < "001500") < 150


def test_sample_of_a_small_table_is_the_whole_table(tmp_path: Path) -> None:
    path = _numbered_csv(tmp_path / "n.csv", 50)
    with open_source(str(path)) as source:
        reader, batches = read(source, "n", sample=10_000)
    assert to_table(batches).num_rows == 50
    assert reader.rows == 50


def test_sample_spans_many_csv_blocks(tmp_path: Path) -> None:
    path = _numbered_csv(tmp_path / "n.csv", 20_000)
    with open_source(str(path), block_size=16 * 1024) as source:
        reader, batches = read(source, "n", sample=100)
    got = to_table(batches).column("id").to_pylist()
    assert len(got) == len(set(got)) == 100
    assert reader.rows == 20_000


@pytest.mark.parametrize("sample", [0, -1])
def test_bad_sample_size_is_rejected(tmp_path: Path, sample: int) -> None:
    with open_source(str(write_csv(tmp_path / "t.csv"))) as source, pytest.raises(ValueError):
        source.open_table("t", sample=sample, batch_rows=10)


def test_directory_includes_sqlite_databases(tmp_path: Path) -> None:
    import sqlite3

    write_csv(tmp_path / "hj_rkxx.csv")
    (tmp_path / "sub").mkdir()
    with sqlite3.connect(tmp_path / "sub" / "zw.db") as db:
        db.execute("create table sb_cbry (xm text, sfzh text)")
        db.executemany("insert into sb_cbry values (?, ?)", [("张伟", "1"), ("王芳", "2")])
    (tmp_path / "not_sqlite.db").write_bytes(b"plain bytes")
    with open_source(str(tmp_path)) as source:
        assert source.tables() == ["hj_rkxx", "sub/zw.sb_cbry"]
        reader = source.open_table("sub/zw.sb_cbry", sample=None, batch_rows=10)
        assert sum(b.num_rows for b in reader.batches()) == 2
        assert reader.name == "sub/zw.sb_cbry" and reader.rows == 2


def test_row_bigger_than_the_starting_block_resumes_with_a_bigger_block(tmp_path: Path) -> None:
    rows = [[str(i), f"v{i}"] for i in range(30_000)] + [["big", "长" * 600_000]] + [["z", "w"]]
    path = write_csv(tmp_path / "grow.csv", ["id", "text"], rows)
    with open_source(str(path)) as source:
        _, batches = read(source, "grow")
    table = to_table(batches)
    assert table.num_rows == 30_002  # nothing delivered twice, nothing lost
    assert table.column("id").to_pylist()[-2:] == ["big", "z"]


def test_unsupported_data_files_are_reported_not_skipped(tmp_path: Path) -> None:
    write_csv(tmp_path / "ok.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 legacy excel")
    with open_source(str(tmp_path)) as source:
        assert "old.xls" in source.tables()
        with pytest.raises(TableError) as err:
            source.open_table("old.xls", sample=10, batch_rows=10)
    assert "xlsx" in err.value.user_message and "old.xls" in err.value.user_message
