"""The SQL of a call is built by SQLAlchemy Core: values are bound, identifiers quoted, never formatted in."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite

from shuan.access.rules import Condition
from shuan.gateway.params import check_spec
from shuan.gateway.query import Target, build_select, compiled_sql

COLUMNS = ("id", "姓名", "qx", "nl", 'we"ird', "备 注")
XM = check_spec({"name": "xm", "type": "string", "column": "姓名", "op": "prefix"}, columns=COLUMNS)
AGE = check_spec({"name": "age", "type": "integer", "column": "nl", "op": ">="}, columns=COLUMNS)
IDS = check_spec({"name": "ids", "type": "integer", "column": "id", "op": "in"}, columns=COLUMNS)
WEIRD = check_spec({"name": "w", "type": "string", "column": 'we"ird'}, columns=COLUMNS)
INJECTIONS = ["' OR '1'='1", "x'); DROP TABLE t; --", "%' OR 1=1 --", "\\' OR 1=1 #"]


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect(), mysql.dialect()], ids=lambda d: d.name)
@pytest.mark.parametrize("evil", INJECTIONS)
def test_values_never_reach_the_sql_text(dialect: sa.Dialect, evil: str) -> None:
    stmt = build_select(Target(None, "rk"), ["id", "姓名", 'we"ird'], [(XM, evil), (WEIRD, evil), (AGE, 30)],
                        [Condition("qx", "=", evil), Condition("id", "in", (1, 2))], 10)
    sql, params = compiled_sql(stmt, dialect)
    assert evil not in sql and "DROP" not in sql and "OR" not in sql.replace("ORDER", "")
    assert evil in params.values() or any(evil.replace("%", "/%") in str(v) for v in params.values())
    assert 10 in params.values() and 30 in params.values()
    assert "LIKE" in sql.upper() and "ESCAPE" in sql.upper()


def test_identifiers_are_quoted_and_schema_qualified() -> None:
    stmt = build_select(Target("Sch ema", "Mixed 表"), ["id", 'we"ird', "备 注"], [], [], 5)
    sql, _ = compiled_sql(stmt, postgresql.dialect())
    assert '"Sch ema"."Mixed 表"' in sql and '"we""ird"' in sql and '"备 注"' in sql
    sql, _ = compiled_sql(stmt, mysql.dialect())
    assert "`Sch ema`.`Mixed 表`" in sql


def test_against_a_real_sqlite_table(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    con = sqlite3.connect(db)
    con.execute('CREATE TABLE rk (id INTEGER, "姓名" TEXT, qx TEXT, nl INTEGER, "we""ird" TEXT, "备 注" TEXT)')
    con.executemany("INSERT INTO rk VALUES (?, ?, ?, ?, ?, ?)",
                    [(1, "张三", "历下", 30, "a", "x"), (2, "张%四", "历下", 40, "b", "y"), (3, "李五", "市中", 50, "c", "z")])
    con.commit()
    con.close()
    engine = sa.create_engine(f"sqlite:///{db}")

    def run(params: list, row_filter: list[Condition], limit: int = 10) -> list[tuple]:
        with engine.connect() as conn:
            return list(conn.execute(build_select(Target(None, "rk"), ["id", "姓名"], params, row_filter, limit)))

    assert run([(XM, "张")], []) == [(1, "张三"), (2, "张%四")]
    assert run([(XM, "张%")], []) == [(2, "张%四")]  # the wildcard is a literal
    assert run([(XM, "%")], []) == []
    assert run([(AGE, 35)], [Condition("qx", "=", "历下")]) == [(2, "张%四")]
    assert run([(IDS, (1, 3))], [Condition("qx", "!=", "市中")]) == [(1, "张三")]
    assert run([(XM, "' OR '1'='1")], []) == []
    assert run([], [], limit=1) == [(1, "张三")]
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM rk")).scalar() == 3
    engine.dispose()
