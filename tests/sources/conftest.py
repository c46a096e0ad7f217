"""Fixtures for the source-connector tests: reachable database servers and throw-away schemas.

Integration tests reach the PostgreSQL and MariaDB servers on the machine (``SHUAN_TEST_POSTGRES_URL``,
``SHUAN_TEST_MYSQL_URL``). An unreachable server skips them, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("SHUAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("SHUAN_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def unique_name(prefix: str = "shuan_t") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def driver_url(url: str) -> sa.URL:
    """`url` with the driver this project uses when none is given (psycopg 3, PyMySQL)."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername == "mysql":
        parsed = parsed.set(drivername="mysql+pymysql")
    return parsed


def require_server(url: str, what: str) -> sa.Engine:
    """An engine for the server behind `url`; skip when unreachable — but fail when ``CI=true``."""
    engine = sa.create_engine(
        driver_url(url), connect_args={"connect_timeout": 5}, poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        engine.dispose()
        message = f"{what} is not reachable ({type(exc).__name__}); set the URL in the environment"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message} — integration tests must run under CI")
        pytest.skip(message)
    return engine


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[sa.Engine]:
    engine = require_server(PG_URL, "PostgreSQL")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def mysql_engine() -> Iterator[sa.Engine]:
    engine = require_server(MYSQL_URL, "MariaDB/MySQL")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_schema(pg_engine: sa.Engine) -> Iterator[str]:
    """A fresh PostgreSQL schema ``shuan_t_<random>``, dropped (with its contents) afterwards."""
    name = unique_name()
    with pg_engine.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    yield name
    with pg_engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


@pytest.fixture
def pg_public_table(pg_engine: sa.Engine) -> Iterator[str]:
    """A unique table name in ``public``; the table (if created) is dropped afterwards."""
    name = unique_name()
    yield name
    with pg_engine.begin() as conn:
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS public."{name}" CASCADE')


@pytest.fixture
def mysql_database(mysql_engine: sa.Engine) -> Iterator[tuple[str, str]]:
    """A fresh MariaDB database ``shuan_t_<random>``: (its name, a URL opening it); dropped afterwards."""
    name = unique_name()
    with mysql_engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
    url = make_url(MYSQL_URL).set(database=name).render_as_string(hide_password=False)
    yield name, url
    with mysql_engine.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
