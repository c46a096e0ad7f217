"""Shared fixtures: every test gets its own SHUAN_HOME (store, demo data) and fresh settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from shuan.config import get_settings
from shuan.platform import Platform, open_platform


@pytest.fixture(autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("shuan-home")
    monkeypatch.setenv("SHUAN_HOME", str(home))
    monkeypatch.delenv("SHUAN_DATABASE_URL", raising=False)
    monkeypatch.delenv("SHUAN_RECOGNIZERS", raising=False)
    monkeypatch.setenv("SHUAN_LANG", "zh")
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


PG_URL = os.environ.get("SHUAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A scratch PostgreSQL schema for one test: yields a store URL scoped to it (search_path) and drops it
    afterwards. Skips when the server is unreachable — except in CI, where that is a failure."""
    from sqlalchemy import text

    from shuan.store.db import open_store

    schema = f"{prefix}_{os.getpid()}"
    try:
        admin = open_store(PG_URL, migrate=False)
        with admin.engine.begin() as c:
            c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection problem means "no server"
        if in_ci():
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.engine.begin() as c:
            c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.close()


TEST_ROOT_KEY = "3f1c9a0b7d2e4f6a8b1c3d5e7f90a2b4"


@pytest.fixture
def root_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """A root key for the security core (tests only; production has no default)."""
    monkeypatch.setenv("SHUAN_ROOT_KEY", TEST_ROOT_KEY)
    get_settings.cache_clear()
    return TEST_ROOT_KEY


@pytest.fixture
def platform(root_key: str, isolated_home: Path) -> Iterator[Platform]:
    """A migrated platform on a fresh SQLite store under the test's SHUAN_HOME."""
    p = open_platform()
    yield p
    p.close()
