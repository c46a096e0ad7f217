"""Building blocks: encoding detection, the bottom-k sampler, name rules, URL masking, value conversion."""

from __future__ import annotations

import codecs
import datetime as dt
import decimal
import uuid

import pyarrow as pa
import pytest
from sqlalchemy.dialects import mysql, postgresql

from shuan.sources import is_url
from shuan.sources.encoding import detect_bytes, looks_mixed
from shuan.sources.files import unique_names
from shuan.sources.sampling import BottomKSampler, rebatch, sample_stream
from shuan.sources.sql import arrow_type, mask_url, to_arrow

TEXT = "姓名,身份证号\n张三,110101199003071234\n李四,37080219800101001X\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"id,name\n1,abc\n", "utf-8"),
        (TEXT.encode(), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8-sig"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb2312"), "gb18030"),
        ("刘䶮,𠀀\n".encode("gb18030"), "gb18030"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-32"), "utf-32"),
        ("姓名,身份證號\n張三,臺灣\n".encode("big5"), "big5"),
        (bytes(range(256)) * 4, None),
    ],
    ids=["ascii", "utf8", "bom", "gbk", "gb2312", "gb18030", "utf16", "utf32", "big5", "binary"],
)
def test_detect_bytes(data: bytes, expected: str | None) -> None:
    got = detect_bytes([data], complete=True)
    if expected == "big5":
        # Big5 bytes are often also valid GB18030; either reading is a decode, not a crash
        assert got in ("big5", "gb18030", "cp950")
    else:
        assert got == expected


def test_utf8_cut_inside_a_character_is_still_utf8() -> None:
    data = TEXT.encode()
    cut = data[: data.index("三".encode()) + 1]
    assert detect_bytes([cut], complete=False) == "utf-8"
    assert detect_bytes([cut], complete=True) != "utf-8"


def test_looks_mixed() -> None:
    utf8 = "山东省济宁市任城区\n".encode()
    gbk = "山东省济宁市任城区\n".encode("gbk")
    assert looks_mixed([utf8 + gbk])
    assert looks_mixed([gbk + utf8])
    assert not looks_mixed([gbk * 50])
    assert not looks_mixed([utf8 * 50])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["a", "b"], ["a", "b"]),
        (["a", "", "a", None, "a"], ["a", "列2", "a_2", "列4", "a_3"]),
        (["\ufeffid", " name "], ["id", "name"]),
        (["x", "x_2", "x"], ["x", "x_2", "x_3"]),
    ],
)
def test_unique_names(raw: list[str | None], expected: list[str]) -> None:
    assert unique_names(raw) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://user:s3cret@host:5432/db", "postgresql://user:***@host:5432/db"),
        ("mysql+pymysql://root:p%40ss@127.0.0.1/test", "mysql+pymysql://root:***@127.0.0.1/test"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("sqlite:///tmp/x.db", "sqlite:///tmp/x.db"),
    ],
)
def test_mask_url(url: str, expected: str) -> None:
    assert mask_url(url) == expected


def test_is_url() -> None:
    assert is_url("postgresql+psycopg://u@h/db")
    assert is_url("sqlite:///x.db")
    assert not is_url("/data/x.csv")
    assert not is_url("C:/data/x.csv")


def _batches(n: int, size: int) -> list[pa.RecordBatch]:
    return [
        pa.record_batch({"id": pa.array(range(start, min(n, start + size)), pa.int64())})
        for start in range(0, n, size)
    ]


def test_bottom_k_sample_is_uniform_distinct_and_ordered() -> None:
    counts = [0] * 10
    for seed in range(40):
        table, seen = sample_stream(_batches(10_000, 700), 100, seed=seed)
        assert seen == 10_000
        assert table is not None
        ids = table.column("id").to_pylist()
        assert len(ids) == len(set(ids)) == 100
        assert ids == sorted(ids)
        for i in ids:
            counts[i // 1000] += 1
    # 4000 draws over 10 equal deciles: each expects 400
    assert all(300 < c < 500 for c in counts), counts


def test_bottom_k_without_seed_differs_between_runs() -> None:
    a, _ = sample_stream(_batches(5000, 1000), 50)
    b, _ = sample_stream(_batches(5000, 1000), 50)
    assert a is not None and b is not None
    assert a.column("id").to_pylist() != b.column("id").to_pylist()


def test_bottom_k_edge_cases() -> None:
    assert sample_stream([], 10) == (None, 0)
    table, seen = sample_stream(_batches(7, 3), 10)
    assert seen == 7 and table is not None and table.column("id").to_pylist() == list(range(7))
    with pytest.raises(ValueError):
        BottomKSampler(0)


def test_rebatch() -> None:
    batch = _batches(10, 10)[0]
    assert [b.num_rows for b in rebatch(batch, 4)] == [4, 4, 2]
    assert [b.num_rows for b in rebatch(batch, 10)] == [10]
    assert list(rebatch(batch.slice(0, 0), 4)) == []


@pytest.mark.parametrize(
    ("column_type", "dialect", "expected"),
    [
        (postgresql.BIGINT(), "postgresql", pa.int64()),
        (mysql.BIGINT(unsigned=True), "mysql", pa.uint64()),
        (postgresql.DOUBLE_PRECISION(), "postgresql", pa.float64()),
        (postgresql.NUMERIC(10, 2), "postgresql", pa.decimal128(10, 2)),
        (postgresql.NUMERIC(), "postgresql", pa.string()),
        (postgresql.DATE(), "postgresql", pa.date32()),
        (postgresql.TIMESTAMP(timezone=True), "postgresql", pa.timestamp("us", tz="UTC")),
        (mysql.DATETIME(), "mysql", pa.timestamp("us")),
        (postgresql.BYTEA(), "postgresql", pa.binary()),
        (mysql.LONGBLOB(), "mysql", pa.binary()),
        (mysql.VARBINARY(16), "mysql", pa.binary()),
        (postgresql.JSONB(), "postgresql", pa.string()),
        (postgresql.ARRAY(postgresql.INTEGER()), "postgresql", pa.string()),
        (postgresql.UUID(), "postgresql", pa.string()),
        (postgresql.BOOLEAN(), "postgresql", pa.bool_()),
        (postgresql.INTEGER(), "sqlite", pa.string()),
        (postgresql.BYTEA(), "sqlite", pa.binary()),
    ],
)
def test_arrow_type(column_type: object, dialect: str, expected: pa.DataType) -> None:
    assert arrow_type(column_type, dialect) == expected


def test_to_arrow_text_fallbacks() -> None:
    uid = uuid.UUID(int=1)
    values = ["a", 1, 1.5, True, {"k": "值"}, [1, 2], uid, b"\xff\x00", None, decimal.Decimal("1.10")]
    array, nulled = to_arrow(values, pa.string())
    assert nulled == 0
    assert array.to_pylist() == [
        "a",
        "1",
        "1.5",
        "true",
        '{"k": "值"}',
        "[1, 2]",
        str(uid),
        "ff00",
        None,
        "1.10",
    ]


def test_to_arrow_nulls_values_the_type_cannot_hold() -> None:
    array, nulled = to_arrow([dt.datetime(2020, 1, 1), "0000-00-00 00:00:00", None], pa.timestamp("us"))
    assert nulled == 1
    assert array.to_pylist() == [dt.datetime(2020, 1, 1), None, None]
    binary, _ = to_arrow([memoryview(b"ab"), "c"], pa.binary())
    assert binary.to_pylist() == [b"ab", b"c"]


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        ("postgresql://u:TopSecret1@127.0.0.1:5432/db", "TopSecret1"),
        ("postgresql://u@127.0.0.1:5432/db?password=TopSecret1", "TopSecret1"),
        ("postgresql://u@h/db?sslmode=require&sslpassword=TopSecret1", "TopSecret1"),
        ("mysql+pymysql://u:a@TopSecret1@h/db", "TopSecret1"),
        ("not a url://u:TopSecret1@x", "TopSecret1"),
    ],
)
def test_mask_url_hides_every_secret(url: str, secret: str) -> None:
    from shuan.urls import mask_url

    assert secret not in mask_url(url)


def test_query_password_never_reaches_the_message() -> None:
    from shuan.errors import SourceError
    from shuan.sources import open_source

    with pytest.raises(SourceError) as err:
        open_source("postgresql://postgres@127.0.0.1:1/test?password=TopSecret1")
    assert "TopSecret1" not in str(err.value)
