"""Shared fixtures: every test gets its own SHUAN_HOME (store, demo data) and fresh settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
