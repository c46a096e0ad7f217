"""Shared fixtures: every test gets its own SHUAN_HOME (store, demo data) and fresh settings."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuan.config import get_settings


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
