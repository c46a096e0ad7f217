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
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from shuan.errors import StoreError
from shuan.urls import mask_url, with_default_driver

masked = mask_url


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    # the driver's own transaction handling is turned off: `_sqlite_begin` starts every transaction
    dbapi_conn.isolation_level = None  # type: ignore[attr-defined]
    cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """Units of work (`Store.transaction`) begin IMMEDIATE: they take SQLite's write lock when they start,
    not at their first write. Otherwise two writers can both read the audit head and the second one's
    insert fails (or its read snapshot goes stale); with the lock taken up front they queue
    (busy_timeout) and the chain stays linear. Plain read sessions begin DEFERRED and never wait."""
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


_IMMEDIATE = "shuan_sqlite_immediate"


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
                event.listen(self.engine, "begin", _sqlite_begin)
        except (ArgumentError, OSError, ImportError) as exc:
            raise StoreError("store.open", url=masked(url), reason=str(exc)) from exc
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.is_sqlite = self.engine.dialect.name == "sqlite"

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
            if self.is_sqlite:
                session.connection(execution_options={_IMMEDIATE: True})
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str, *, migrate: bool = True) -> Store:
    store = Store(url)
    if migrate:
        store.migrate()
    return store
