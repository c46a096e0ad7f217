"""MySQL/MariaDB through PyMySQL, against the server on the machine (``SHUAN_TEST_MYSQL_URL``)."""

from __future__ import annotations

import datetime as dt
import decimal

import pyarrow as pa
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from shuan.errors import SourceError
from shuan.sources import open_source
from shuan.sources.sql import SqlSource

from .conftest import MYSQL_URL, unique_name
from .helpers import read, to_table

pytestmark = pytest.mark.integration


def _setup(engine: sa.Engine, database: str, *statements: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(f"USE `{database}`")
        for statement in statements:
            conn.exec_driver_sql(statement)


def _numbers(n: int) -> str:
    # rows 1..n without a sequence engine: cross join of digits
    return (
        "SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 1 AS i FROM "
        + ", ".join(
            f"(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 "
            f"UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) {x}"
            for x in "abcef"
        )
        + f" HAVING i <= {n}"
    )


def test_lists_tables_and_views_with_quoting(
    mysql_engine: sa.Engine, mysql_database: tuple[str, str]
) -> None:
    db, url = mysql_database
    _setup(
        mysql_engine,
        db,
        "CREATE TABLE `Mixed Case 表` (`Id` BIGINT, `名 字` VARCHAR(20))",
        "INSERT INTO `Mixed Case 表` VALUES (1, '张三'), (2, '李四')",
        "CREATE TABLE plain_t (a INT)",
        "CREATE VIEW v AS SELECT `Id` FROM `Mixed Case 表`",
    )
    with open_source(url) as source:
        assert isinstance(source, SqlSource)
        assert source.tables() == ["Mixed Case 表", "plain_t", "v"]
        reader, batches = read(source, "Mixed Case 表")
        assert reader.rows == 2
        assert to_table(batches).to_pylist() == [{"Id": 1, "名 字": "张三"}, {"Id": 2, "名 字": "李四"}]
        view, batches = read(source, "v", sample=5)
        assert view.rows == 2 and sorted(to_table(batches).column("Id").to_pylist()) == [1, 2]


def test_url_without_database_lists_every_database(
    mysql_engine: sa.Engine, mysql_database: tuple[str, str]
) -> None:
    db, _ = mysql_database
    _setup(mysql_engine, db, "CREATE TABLE t1 (a INT)")
    url = make_url(MYSQL_URL).set(database="").render_as_string(hide_password=False)
    with open_source(url) as source:
        names = source.tables()
        assert f"{db}.t1" in names
        assert not any(n.startswith(("mysql.", "information_schema.", "performance_schema.")) for n in names)
        reader, _ = read(source, f"{db}.t1")
        assert reader.rows == 0


def test_types_and_full_mode_batches(mysql_engine: sa.Engine, mysql_database: tuple[str, str]) -> None:
    db, url = mysql_database
    _setup(
        mysql_engine,
        db,
        """CREATE TABLE rk (
             id BIGINT PRIMARY KEY, xm VARCHAR(20), csrq DATE, zp BLOB, je DECIMAL(10, 2),
             gxsj DATETIME, bq JSON, yx TINYINT(1), big BIGINT UNSIGNED, f DOUBLE)""",
        f"""INSERT INTO rk
            SELECT i, CONCAT('张', i), DATE_ADD('1990-01-01', INTERVAL i DAY), UNHEX(LPAD(HEX(i), 4, '0')),
                   i * 1.25, TIMESTAMP('2024-01-01 00:00:00') + INTERVAL i MINUTE,
                   JSON_OBJECT('k', i), i MOD 2, 18446744073709551615, i / 4
            FROM ({_numbers(1000)}) AS n""",
    )
    with open_source(url) as source:
        reader, batches = read(source, "rk", batch_rows=300)
    assert reader.rows == 1000
    assert [b.num_rows for b in batches] == [300, 300, 300, 100]
    table = to_table(batches)
    schema = table.schema
    assert schema.field("id").type == pa.int64()
    assert schema.field("xm").type == pa.string()
    assert schema.field("csrq").type == pa.date32()
    assert schema.field("zp").type == pa.binary()
    assert schema.field("je").type == pa.decimal128(10, 2)
    assert schema.field("gxsj").type == pa.timestamp("us")
    assert schema.field("bq").type == pa.string()
    assert schema.field("big").type == pa.uint64()
    assert schema.field("f").type == pa.float64()
    row = next(r for r in table.to_pylist() if r["id"] == 1)
    assert row["xm"] == "张1"
    assert row["csrq"] == dt.date(1990, 1, 2)
    assert row["zp"] == b"\x00\x01"
    assert row["je"] == decimal.Decimal("1.25")
    assert row["gxsj"] == dt.datetime(2024, 1, 1, 0, 1)
    assert row["bq"].replace(" ", "") == '{"k":1}'
    assert row["big"] == 18446744073709551615
    assert sorted(table.column("id").to_pylist()) == list(range(1, 1001))


def test_sample_of_a_large_table(mysql_engine: sa.Engine, mysql_database: tuple[str, str]) -> None:
    db, url = mysql_database
    _setup(
        mysql_engine,
        db,
        "CREATE TABLE big (id INT PRIMARY KEY, h CHAR(32))",
        f"INSERT INTO big SELECT i, MD5(i) FROM ({_numbers(30000)}) AS n",
    )
    with open_source(url) as source:
        reader, batches = read(source, "big", sample=200, batch_rows=64)
    ids = to_table(batches).column("id").to_pylist()
    assert reader.rows == 30000
    assert len(ids) == len(set(ids)) == 200
    assert [b.num_rows for b in batches] == [64, 64, 64, 8]
    assert min(ids) < 10000 and max(ids) > 20000


def test_wrong_user_or_password_is_a_source_error_without_the_password(mysql_engine: sa.Engine) -> None:
    with pytest.raises(SourceError) as err:
        open_source("mysql+pymysql://nosuchuser:Pw-Secret-77@127.0.0.1:3306/test")
    message = err.value.user_message
    assert err.value.key == "source.db_auth"
    assert "Pw-Secret-77" not in message
    assert "nosuchuser:***@127.0.0.1:3306/test" in message


def test_unknown_database_is_a_source_error(mysql_engine: sa.Engine) -> None:
    missing = unique_name()
    url = make_url(MYSQL_URL).set(database=missing).render_as_string(hide_password=False)
    with pytest.raises(SourceError) as err:
        open_source(url)
    assert err.value.key == "source.db_unknown_database"
    assert missing in err.value.user_message


def test_unreachable_port_is_a_source_error() -> None:
    with pytest.raises(SourceError) as err:
        open_source("mysql://root:Secret-5@127.0.0.1:1/test")
    assert err.value.key == "source.db_unreachable"
    assert "Secret-5" not in err.value.user_message


def test_plain_mysql_url_uses_pymysql(mysql_engine: sa.Engine) -> None:
    plain = make_url(MYSQL_URL).set(drivername="mysql").render_as_string(hide_password=False)
    with open_source(plain) as source:
        assert isinstance(source, SqlSource)
        assert source.engine.dialect.driver == "pymysql"
