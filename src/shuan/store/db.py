"""Engine and session for the store; the schema is created and upgraded by Alembic."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shuan.errors import StoreError
from shuan.urls import mask_url, with_default_driver

masked = mask_url


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("shuan.store").joinpath("migrations")))
    cfg.attributes["engine"] = engine
    return cfg


class Store:
    def __init__(self, url: str) -> None:
        self.url = with_default_driver(url)
        try:
            u = make_url(self.url)
            if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:"):
                Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            self.engine = create_engine(self.url, future=True)
            if u.get_backend_name() == "sqlite":
                event.listen(self.engine, "connect", _sqlite_pragmas)
        except (ArgumentError, OSError, ImportError) as exc:
            raise StoreError("store.open", url=masked(url), reason=str(exc)) from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        """Create or upgrade the schema to the latest revision."""
        try:
            command.upgrade(alembic_config(self.engine), "head")
        except CommandError as exc:
            found = re.search(r"'([^']+)'", str(exc))
            raise StoreError("store.revision", url=masked(self.url), revision=found.group(1) if found else "?") from None
        except SQLAlchemyError as exc:
            raise StoreError("store.open", url=masked(self.url), reason=str(exc).splitlines()[0]) from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: everything commits together or nothing does."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    store = Store(url)
    if migrate:
        store.migrate()
    return store
