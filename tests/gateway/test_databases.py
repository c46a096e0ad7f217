"""Calls against a registered PostgreSQL table and a MariaDB table (the servers on the machine; they must
run, not skip, when CI=true): typed parameters (a real DATE column, prefix with wildcards, in), the grant's
row filter and masking, injection strings inert, the table intact."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from shuan.access.service import register_resource
from shuan.errors import InvalidInput
from shuan.gateway.service import call_service
from shuan.identity.principal import SYSTEM
from shuan.inventory.sources import register_source
from tests.gateway.conftest import DISTRICTS, Gov
from tests.sources.conftest import (  # noqa: F401 - fixtures
    MYSQL_URL,
    PG_URL,
    mysql_database,
    mysql_engine,
    pg_engine,
    pg_schema,
)

pytestmark = pytest.mark.integration


def people(rows: int = 100) -> list[dict[str, Any]]:
    return [{"id": i + 1, "xm": f"张{i:03d}" if i != 7 else "张%七", "sfzh": f"37010219{80 + i % 20:02d}0101{i:03d}X",
             "sjhm": f"138{i:08d}", "csrq": dt.date(1980 + i % 20, 1, 1 + i % 28), "qx": DISTRICTS[i % 4],
             "nl": 20 + i % 50, "备 注": f"备注{i}"} for i in range(rows)]


def make_table(engine: sa.Engine, schema: str | None, name: str = "rk") -> None:
    meta = sa.MetaData()
    table = sa.Table(name, meta, sa.Column("id", sa.Integer), sa.Column("xm", sa.String(50)),
                     sa.Column("sfzh", sa.String(18)), sa.Column("sjhm", sa.String(11)), sa.Column("csrq", sa.Date),
                     sa.Column("qx", sa.String(20)), sa.Column("nl", sa.Integer), sa.Column("备 注", sa.String(50)),
                     schema=schema)
    meta.create_all(engine)
    with engine.begin() as conn:
        conn.execute(table.insert(), people())


def exercise(gov: Gov, source: str, location: str, table: str, count: Any) -> None:
    register_source(gov.p, actor=gov.steward.principal, name=source, location=location, department_id=gov.ga,
                    responsible_username="ga.steward", now=gov.now)
    register_resource(gov.p, SYSTEM, f"src:{source}", owner_department_id=gov.ga, level=1, now=gov.now)
    register_resource(gov.p, SYSTEM, f"src:{source}/tbl:{table}", level=1, now=gov.now)
    gov.publish(name="db-lookup", source=source, table=table)
    gov.grant(resource=f"src:{source}/tbl:{table}", masking="department_sharing",
              row_filter=[{"column": "qx", "op": "in", "value": ["历下区", "市中区"]}])

    def call(params: dict[str, list[object]], **kw: Any) -> Any:
        return call_service(gov.p, gov.consumer.principal, "db-lookup", params, now=gov.now, **kw)

    result = call({"born_after": ["1995-01-01"], "min_age": ["30"]}, limit=50)
    rows = [dict(zip(result.columns, r, strict=True)) for r in result.rows]
    expected = [p for p in people() if p["csrq"] >= dt.date(1995, 1, 1) and p["nl"] >= 30
                and p["qx"] in ("历下区", "市中区")]
    assert sorted(r["id"] for r in rows) == sorted(p["id"] for p in expected)[:50]
    assert all(r["xm"].endswith("*") and r["sjhm"].startswith("138") and "*" in r["sjhm"] for r in rows)
    assert call({"xm": ["张%"]}).rows == []  # 张%七 is in 天桥区 (filtered); the % matches nothing else
    assert sorted(r[0] for r in call({"xm": ["张00"]}).rows) == [1, 2, 5, 6, 9, 10]
    assert [r[0] for r in call({"ids": ["1,2,3,4,5"]}).rows] == [1, 2, 5]  # 3 and 4 are filtered out
    assert call({"xm": ["' OR 1=1--"]}).rows == []
    for evil in ("1; DROP TABLE rk", "' OR 1=1 --"):
        with pytest.raises(InvalidInput):
            call({"min_age": [evil]})
        with pytest.raises(InvalidInput):
            call({"born_after": [evil]})
    assert count() == 100


def test_postgresql_table(gov: Gov, pg_engine: sa.Engine, pg_schema: str) -> None:  # noqa: F811
    make_table(pg_engine, pg_schema)

    def count() -> Any:
        with pg_engine.connect() as conn:
            return conn.execute(sa.text(f'SELECT count(*) FROM "{pg_schema}".rk')).scalar()

    exercise(gov, "人口库PG", PG_URL, f"{pg_schema}.rk", count)


def test_mariadb_table(gov: Gov, mysql_engine: sa.Engine, mysql_database: tuple[str, str]) -> None:  # noqa: F811
    name, url = mysql_database
    engine = sa.create_engine(sa.engine.make_url(url).set(drivername="mysql+pymysql"), poolclass=sa.pool.NullPool)
    make_table(engine, None)

    def count() -> Any:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM rk")).scalar()

    try:
        exercise(gov, "人口库MY", url, "rk", count)
    finally:
        engine.dispose()
