"""The demo city scanned once per session into a template store; each test works on its own copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from shuan.config import get_settings
from shuan.demo import ensure_demo
from shuan.inventory.service import ScanRequest, scan
from shuan.store.db import Store, open_store


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sources: the demo directory (9 tables) and, separately, its SQLite file (3 tables)."""
    base = tmp_path_factory.mktemp("reports-demo")
    db = base / "store.db"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SHUAN_HOME", str(base / "home"))
        mp.setenv("SHUAN_DATABASE_URL", f"sqlite:///{db}")
        mp.delenv("SHUAN_RECOGNIZERS", raising=False)
        get_settings.cache_clear()
        try:
            folder = ensure_demo(base / "demo")
            settings = get_settings()
            scan(ScanRequest(str(folder)), settings)
            scan(ScanRequest(str(folder / "sihe_zwsj.db")), settings)
        finally:
            get_settings.cache_clear()
    return db


@pytest.fixture
def demo_db(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the scanned store, used by SHUAN_DATABASE_URL for CLI tests too."""
    target = tmp_path / "store.db"
    shutil.copy(demo_template, target)
    monkeypatch.setenv("SHUAN_DATABASE_URL", f"sqlite:///{target}")
    get_settings.cache_clear()
    return target


@pytest.fixture
def demo_store(demo_db: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{demo_db}")
    yield store
    store.close()
