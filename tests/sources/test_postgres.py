"""PostgreSQL through psycopg 3, against the server on the machine (``SHUAN_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import datetime as dt
import decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shuan.errors import SourceError, TableError
from shuan.sources import open_source
from shuan.sources.sql import SqlSource

from .conftest import PG_URL, unique_name
from .helpers import read, to_table

pytestmark = pytest.mark.integration


def _setup(engine: sa.Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def test_lists_tables_across_schemas_with_quoting(
    pg_engine: sa.Engine, pg_schema: str, pg_public_table: str
) -> None:
    s = pg_schema
    _setup(
        pg_engine,
        f'CREATE TABLE "{s}"."Mixed Case 表" ("Id" bigint, "名 字" text)',
        f"""INSERT INTO "{s}"."Mixed Case 表" VALUES (1, '张三'), (2, '李四')""",
        f'CREATE VIEW "{s}".v AS SELECT "Id" FROM "{s}"."Mixed Case 表"',
        f'CREATE MATERIALIZED VIEW "{s}".mv AS SELECT 1 AS x',
        f'CREATE TABLE "{s}".parted (id int, d date) PARTITION BY RANGE (d)',
        f"""CREATE TABLE "{s}".parted_2020 PARTITION OF "{s}".parted
            FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')""",
        f'CREATE TABLE public."{pg_public_table}" (a text)',
    )
    with open_source(PG_URL) as source:
        assert isinstance(source, SqlSource)
        names = source.tables()
        ours = [n for n in names if n.startswith(s)]
        assert ours == [f"{s}.Mixed Case 表", f"{s}.mv", f"{s}.parted", f"{s}.v"]  # no partition
        assert pg_public_table in names, "tables in public are listed without the schema"
        assert f"public.{pg_public_table}" not in names
        assert names == sorted(names)
        assert not any(n.startswith(("pg_", "information_schema")) for n in names)

        reader, batches = read(source, f"{s}.Mixed Case 表")
        assert reader.rows == 2
        assert to_table(batches).to_pylist() == [{"Id": 1, "名 字": "张三"}, {"Id": 2, "名 字": "李四"}]
        view, batches = read(source, f"{s}.v", sample=10)
        assert view.rows == 2 and sorted(to_table(batches).column("Id").to_pylist()) == [1, 2]


def test_types_and_full_mode_batches(pg_engine: sa.Engine, pg_schema: str) -> None:
    s = pg_schema
    _setup(
        pg_engine,
        f"""CREATE TABLE "{s}".rk (
              id bigint PRIMARY KEY, xm varchar(20), csrq date, zp bytea, je numeric(10, 2),
              gxsj timestamptz, bq jsonb, ip inet, dh text[], yx boolean, f double precision)""",
        f"""INSERT INTO "{s}".rk
            SELECT i, '张' || i, DATE '1990-01-01' + i, decode(lpad(to_hex(i), 4, '0'), 'hex'), i * 1.25,
                   TIMESTAMPTZ '2024-01-01 00:00:00+08' + i * INTERVAL '1 minute',
                   jsonb_build_object('k', i), '10.0.0.1', ARRAY['a', '北'], mod(i, 2) = 0, i / 4.0
            FROM generate_series(1, 1000) AS i""",
    )
    with open_source(PG_URL) as source:
        reader, batches = read(source, f"{s}.rk", batch_rows=300)
    assert reader.rows == 1000
    assert [b.num_rows for b in batches] == [300, 300, 300, 100]
    table = to_table(batches)
    schema = table.schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("xm").type == pa.string()
    assert schema.field("csrq").type == pa.date32()
    assert schema.field("zp").type == pa.binary()
    assert schema.field("je").type == pa.decimal128(10, 2)
    assert schema.field("gxsj").type == pa.timestamp("us", tz="UTC")
    assert schema.field("yx").type == pa.bool_()
    assert schema.field("f").type == pa.float64()
    for text_column in ("bq", "ip", "dh"):
        assert schema.field(text_column).type == pa.string()
    row = next(r for r in table.to_pylist() if r["id"] == 1)
    assert row["xm"] == "张1"
    assert row["csrq"] == dt.date(1990, 1, 2)
    assert row["zp"] == b"\x00\x01"
    assert row["je"] == decimal.Decimal("1.25")
    assert row["gxsj"] == dt.datetime(2023, 12, 31, 16, 1, tzinfo=dt.UTC)
    assert row["bq"] == '{"k": 1}'
    assert row["ip"] == "10.0.0.1"
    assert row["dh"] == '["a", "北"]'
    assert sorted(table.column("id").to_pylist()) == list(range(1, 1001))


@pytest.mark.parametrize("kind", ["table", "view"])
def test_sample_of_a_large_relation(pg_engine: sa.Engine, pg_schema: str, kind: str) -> None:
    s = pg_schema
    _setup(
        pg_engine,
        f'CREATE TABLE "{s}".big AS SELECT i AS id, md5(i::text) AS h FROM generate_series(1, 30000) AS i',
        f'CREATE VIEW "{s}".big_v AS SELECT * FROM "{s}".big',
    )
    name = f"{s}.big" if kind == "table" else f"{s}.big_v"
    with open_source(PG_URL) as source:
        reader, batches = read(source, name, sample=200, batch_rows=64)
    ids = to_table(batches).column("id").to_pylist()
    assert reader.rows == 30000
    assert len(ids) == len(set(ids)) == 200
    assert [b.num_rows for b in batches] == [64, 64, 64, 8]
    # drawn from the whole table, not its first pages
    assert min(ids) < 10000 and max(ids) > 20000


def test_sample_of_a_small_table_is_all_of_it(pg_engine: sa.Engine, pg_schema: str) -> None:
    _setup(
        pg_engine,
        f'CREATE TABLE "{pg_schema}".t AS SELECT i AS id FROM generate_series(1, 30) AS i',
        f'CREATE TABLE "{pg_schema}".e (id int)',
    )
    with open_source(PG_URL) as source:
        reader, batches = read(source, f"{pg_schema}.t", sample=100)
        assert reader.rows == 30 and sorted(to_table(batches).column("id").to_pylist()) == list(range(1, 31))
        empty, batches = read(source, f"{pg_schema}.e", sample=100)
        assert empty.rows == 0 and batches == []
        empty, batches = read(source, f"{pg_schema}.e")
        assert empty.rows == 0 and batches == []


def test_permission_denied_on_one_table_is_a_table_error(pg_engine: sa.Engine, pg_schema: str) -> None:
    role = unique_name()
    s = pg_schema
    _setup(
        pg_engine,
        f'CREATE ROLE "{role}" LOGIN',
        f'CREATE TABLE "{s}".open_t (a int)',
        f'CREATE TABLE "{s}".secret_t (a int)',
        f'GRANT USAGE ON SCHEMA "{s}" TO "{role}"',
        f'GRANT SELECT ON "{s}".open_t TO "{role}"',
    )
    url = make_url(PG_URL).set(username=role, password=None).render_as_string(hide_password=False)
    try:
        with open_source(url) as source:
            assert {f"{s}.open_t", f"{s}.secret_t"} <= set(source.tables())
            reader, _ = read(source, f"{s}.open_t")
            assert reader.rows == 0
            with pytest.raises(TableError) as err:
                read(source, f"{s}.secret_t")
            assert err.value.key == "table.denied"
            assert "secret_t" in err.value.user_message
    finally:
        _setup(pg_engine, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')


def test_table_dropped_after_listing_is_a_table_error(pg_engine: sa.Engine, pg_schema: str) -> None:
    _setup(pg_engine, f'CREATE TABLE "{pg_schema}".gone (a int)')
    with open_source(PG_URL) as source:
        assert f"{pg_schema}.gone" in source.tables()
        _setup(pg_engine, f'DROP TABLE "{pg_schema}".gone')
        with pytest.raises(TableError):
            read(source, f"{pg_schema}.gone")


def test_plain_postgresql_url_uses_psycopg3(pg_engine: sa.Engine) -> None:
    plain = make_url(PG_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with open_source(plain) as source:
        assert isinstance(source, SqlSource)
        assert source.engine.dialect.driver == "psycopg"
        assert source.display == make_url(plain).render_as_string(hide_password=True)


def test_unreachable_port_is_a_source_error_without_the_password() -> None:
    with pytest.raises(SourceError) as err:
        open_source("postgresql://postgres:Very-Secret-9@127.0.0.1:1/test")
    message = err.value.user_message
    assert err.value.key == "source.db_unreachable"
    assert "Very-Secret-9" not in message
    assert "postgresql://postgres:***@127.0.0.1:1/test" in message
    assert "\n" not in message


def test_unknown_host_is_a_source_error() -> None:
    with pytest.raises(SourceError) as err:
        open_source("postgresql://u:pw@no-such-host.invalid:5432/test")
    assert err.value.key == "source.db_unreachable"


def test_unknown_database_is_a_source_error(pg_engine: sa.Engine) -> None:
    missing = unique_name()
    url = make_url(PG_URL).set(database=missing).render_as_string(hide_password=False)
    with pytest.raises(SourceError) as err:
        open_source(url)
    assert err.value.key == "source.db_unknown_database"
    assert missing in err.value.user_message


def test_unknown_role_is_a_source_error(pg_engine: sa.Engine) -> None:
    url = (
        make_url(PG_URL)
        .set(username=unique_name(), password="pw-Secret-1")
        .render_as_string(hide_password=False)
    )
    with pytest.raises(SourceError) as err:
        open_source(url)
    assert err.value.key == "source.db_auth"
    assert "pw-Secret-1" not in err.value.user_message
