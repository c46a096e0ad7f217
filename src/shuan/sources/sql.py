"""Database sources through SQLAlchemy: PostgreSQL (psycopg 3), MySQL/MariaDB (PyMySQL), SQLite.

* Tables: PostgreSQL lists tables, views, materialized views and foreign tables in every non-system
  schema, as ``schema.table`` (just ``table`` in ``public``); MySQL/MariaDB the URL's database (every
  non-system database as ``db.table`` when the URL names none); SQLite its tables and views.
* Reading: an exact ``count(*)`` when the table is opened, then a uniform random sample (see
  `SqlTableReader`) or, in full mode, a server-side cursor read in batches of ``batch_rows``.
* Identifiers always go through the dialect's identifier preparer (forced quoting), never into SQL text.
* Values: integers, floats, decimals, dates, timestamps and booleans keep their types; binary columns
  become Arrow binary; everything else (JSON, arrays, geometry, UUID, intervals, unknown types) text.
  SQLite declares types only loosely, so there every non-BLOB column is read as text.
* A URL is only ever shown with its password masked; connection errors never carry the password.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.sql.elements import quoted_name

from shuan.errors import SourceError, TableError
from shuan.messages import msg
from shuan.sources.base import Source, TableReader
from shuan.sources.sampling import rebatch
from shuan.sources.sqlite_magic import is_sqlite_file
from shuan.urls import DEFAULT_DRIVERS, mask_url, scrub, secrets_of

#: seconds to wait for a database server to accept a connection
CONNECT_TIMEOUT = 5
#: sample by a random filter (TABLESAMPLE on PostgreSQL tables) once a table has this many times the
#: requested rows; smaller tables are sorted by a random key as a whole
_FILTER_FACTOR = 4
#: above this many rows PostgreSQL samples whole pages (SYSTEM) rather than single rows (BERNOULLI)
_PG_SYSTEM_SAMPLE_ROWS = 20_000_000

#: URL scheme (before any ``+driver``) → the SQLAlchemy drivername used when no driver is given

_MYSQL_SYSTEM_SCHEMAS = ("mysql", "information_schema", "performance_schema", "sys")
_MYSQL_AUTH = {1044, 1045, 1698, 1251}
_MYSQL_UNKNOWN_DB = {1049}
_MYSQL_UNREACHABLE = {2002, 2003, 2005, 2006, 2013, 2055}
_MYSQL_DENIED = {1142, 1143, 1227}
_PG_DENIED = "42501"


@dataclass(frozen=True)
class Relation:
    """One readable relation: its display name, where it lives, and whether it is a plain table."""

    name: str
    schema: str | None
    table: str
    is_table: bool


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    type: pa.DataType


# ------------------------------------------------------------------------------------ value conversion


def _to_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            return raw.hex()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, set | frozenset):
        return ",".join(sorted(str(v) for v in value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _to_bytes(value: object) -> bytes | None:
    if value is None:
        return None
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    text = _to_text(value)
    return None if text is None else text.encode("utf-8")


_CONVERT_ERRORS = (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError, ValueError)


def to_arrow(values: Sequence[object], typ: pa.DataType) -> tuple[pa.Array, int]:
    """Convert one column of driver values to `typ`; return the array and how many values became null."""
    try:
        return pa.array(values, type=typ), 0
    except _CONVERT_ERRORS:
        pass
    if pa.types.is_string(typ):
        return pa.array([_to_text(v) for v in values], type=typ), 0
    if pa.types.is_binary(typ):
        return pa.array([_to_bytes(v) for v in values], type=typ), 0
    # a value the server type promised but the driver did not deliver (e.g. MySQL zero dates): null it
    kept: list[object] = []
    bad = 0
    for value in values:
        try:
            pa.array([value], type=typ)
        except _CONVERT_ERRORS:
            kept.append(None)
            bad += 1
        else:
            kept.append(value)
    return pa.array(kept, type=typ), bad


def arrow_type(column_type: Any, dialect: str) -> pa.DataType:
    """The Arrow type used for a column of SQLAlchemy type `column_type`."""
    binary_types = (sa.types._Binary,)
    if isinstance(column_type, binary_types):
        return pa.binary()
    if dialect == "sqlite":
        return pa.string()
    if isinstance(column_type, sa.Boolean):
        return pa.bool_()
    if isinstance(column_type, sa.Integer):
        if getattr(column_type, "unsigned", False) and isinstance(column_type, sa.BigInteger):
            return pa.uint64()
        return pa.int64()
    if isinstance(column_type, sa.Float):
        return pa.float64()
    if isinstance(column_type, sa.Numeric):
        precision, scale = column_type.precision, column_type.scale
        if precision is not None and scale is not None and 0 <= scale <= precision <= 38 and precision > 0:
            return pa.decimal128(precision, scale)
        return pa.string()
    if isinstance(column_type, sa.DateTime):
        return pa.timestamp("us", tz="UTC" if column_type.timezone else None)
    if isinstance(column_type, sa.Date):
        return pa.date32()
    return pa.string()


# ------------------------------------------------------------------------------------ errors


def _driver_code(exc: BaseException) -> tuple[int | None, str | None]:
    """(MySQL error number, PostgreSQL SQLSTATE) of a DBAPI error, where available."""
    orig = getattr(exc, "orig", exc)
    args = getattr(orig, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    sqlstate = getattr(orig, "sqlstate", None)
    return code, sqlstate if isinstance(sqlstate, str) else None


def _connect_error(exc: BaseException, url: URL, display: str) -> SourceError:
    orig = getattr(exc, "orig", None) or exc
    reason = scrub(str(orig), secrets_of(url))
    code, _ = _driver_code(exc)
    lower = reason.lower()
    backend = url.get_backend_name()
    if backend in ("mysql", "mariadb") and code is not None:
        if code in _MYSQL_AUTH:
            return SourceError("source.db_auth", url=display)
        if code in _MYSQL_UNKNOWN_DB:
            return SourceError("source.db_unknown_database", url=display, database=url.database or "")
        if code in _MYSQL_UNREACHABLE:
            return SourceError("source.db_unreachable", url=display, reason=reason)
    if backend == "postgresql":
        if (
            "password authentication failed" in lower
            or ("role" in lower and "does not exist" in lower)
            or "no pg_hba.conf entry" in lower
            or ("password" in lower and "supplied" in lower)
        ):
            return SourceError("source.db_auth", url=display)
        if "database" in lower and "does not exist" in lower:
            return SourceError("source.db_unknown_database", url=display, database=url.database or "")
        if any(
            marker in lower
            for marker in (
                "connection refused",
                "could not translate host",
                "failed to resolve",
                "name or service not known",
                "timeout",
                "timed out",
                "no route to host",
                "network is unreachable",
                "could not connect",
            )
        ):
            return SourceError("source.db_unreachable", url=display, reason=reason)
    if backend == "sqlite":
        return SourceError("source.unreadable", path=display, reason=reason)
    return SourceError("source.db_connect", url=display, reason=reason)


def _table_error(table: str, exc: BaseException, password: list[str] | None) -> TableError:
    code, sqlstate = _driver_code(exc)
    orig = getattr(exc, "orig", None) or exc
    reason = scrub(str(orig), password or [])
    if code in _MYSQL_DENIED or sqlstate == _PG_DENIED:
        return TableError("table.denied", table=table, reason=reason)
    return TableError("table.read", table=table, reason=reason)


# ------------------------------------------------------------------------------------ reader


def table_clause(rel: Relation, columns: Sequence[ColumnSpec] = ()) -> sa.TableClause:
    """A table construct whose every identifier is quoted by the dialect's preparer."""
    schema = quoted_name(rel.schema, quote=True) if rel.schema is not None else None
    return sa.table(
        quoted_name(rel.table, quote=True),
        *[sa.column(quoted_name(c.name, quote=True)) for c in columns],
        schema=schema,
    )


class SqlTableReader(TableReader):
    """Reads one relation. `rows` is the exact count, known when the reader is created.

    Sample mode (``sample=N``), when the table has more than N rows:

    * PostgreSQL: plain tables with more than 4·N rows are cut down first with ``TABLESAMPLE BERNOULLI``
      (``SYSTEM``, whole pages, above 20 M rows) at a percentage giving about 3·N + 1000 rows, views with
      ``WHERE random() < p``; the rest is ordered by ``random()`` and limited to N;
    * MySQL/MariaDB: the same with ``WHERE RAND() < p … ORDER BY RAND() LIMIT N``;
    * SQLite: ``ORDER BY random() LIMIT N``.

    Should the random filter return fewer than N rows (unlikely), the query is repeated without it.
    """

    def __init__(
        self,
        name: str,
        *,
        source: SqlSource,
        relation: Relation,
        columns: list[ColumnSpec],
        rows: int,
        sample: int | None,
        batch_rows: int,
    ) -> None:
        super().__init__(name=name, rows=rows)
        self.source = source
        self.relation = relation
        self.columns = columns
        self.sample = sample
        self.batch_rows = batch_rows
        self.schema = pa.schema([pa.field(c.name, c.type) for c in columns])
        self._nulled: dict[str, int] = {}

    # -- queries

    def _table(self) -> sa.TableClause:
        return table_clause(self.relation, self.columns)

    def _select_all(self) -> sa.Select[Any]:
        table = self._table()
        return sa.select(*table.c).select_from(table)

    def _sample_queries(self, k: int) -> list[sa.Select[Any]]:
        """Queries to try in turn: a filtered one (if the table is large) and the exact fallback."""
        dialect = self.source.dialect
        total = self.rows or 0
        table = self._table()
        random_fn = sa.func.rand() if dialect in ("mysql", "mariadb") else sa.func.random()
        exact = sa.select(*table.c).select_from(table).order_by(random_fn).limit(k)
        if dialect == "sqlite" or total <= _FILTER_FACTOR * k:
            return [exact]
        fraction = min(1.0, (3 * k + 1000) / total)
        if dialect == "postgresql" and self.relation.is_table:
            method = "bernoulli"
            if total > _PG_SYSTEM_SAMPLE_ROWS:
                # whole pages: far cheaper on a huge table, but lumpier, so take more of them
                method, fraction = "system", min(1.0, 3 * fraction)
            percent: sa.ColumnClause[Any] = sa.literal_column(f"{fraction * 100:.8f}")
            sampled = sa.tablesample(table, getattr(sa.func, method)(percent), name="shuan_sample")
            filtered = sa.select(*sampled.c).select_from(sampled).order_by(sa.func.random()).limit(k)
        else:
            threshold: sa.ColumnClause[Any] = sa.literal_column(f"{fraction:.10f}")
            filtered = (
                sa.select(*table.c)
                .select_from(table)
                .where(random_fn < threshold)
                .order_by(random_fn)
                .limit(k)
            )
        return [filtered, exact]

    # -- reading

    def _to_batches(self, rows: Sequence[Sequence[object]]) -> Iterator[pa.RecordBatch]:
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        arrays = []
        for spec, values in zip(self.columns, columns, strict=True):
            array, bad = to_arrow(values, spec.type)
            if bad:
                self._nulled[spec.name] = self._nulled.get(spec.name, 0) + bad
            arrays.append(array)
        yield from rebatch(pa.RecordBatch.from_arrays(arrays, schema=self.schema), self.batch_rows)

    def _fail(self, exc: BaseException) -> TableError:
        return _table_error(self.name, exc, self.source.password)

    def batches(self) -> Iterator[pa.RecordBatch]:
        self._nulled = {}
        self.warnings.clear()  # each pass reports afresh
        if not self.columns or (self.sample is not None and self.rows == 0):
            return
        try:
            with self.source.connect() as conn:
                if self.sample is not None:
                    yield from self._read_sample(conn, self.sample)
                else:
                    yield from self._read_full(conn)
        except sa.exc.SQLAlchemyError as exc:
            raise self._fail(exc) from None
        for column, count in self._nulled.items():
            spec = next(c for c in self.columns if c.name == column)
            self.warnings.append(
                msg("table.values_nulled", table=self.name, column=column, count=count, type=str(spec.type))
            )

    def _read_sample(self, conn: Connection, k: int) -> Iterator[pa.RecordBatch]:
        total = self.rows or 0
        if total <= k:
            rows = conn.execute(self._select_all()).fetchall()
        else:
            rows = []
            for query in self._sample_queries(k):
                rows = conn.execute(query).fetchall()
                if len(rows) >= k:
                    break
        yield from self._to_batches(rows)

    def _read_full(self, conn: Connection) -> Iterator[pa.RecordBatch]:
        if self.source.dialect in ("mysql", "mariadb"):
            # a slow consumer must not make the server drop the streaming connection
            conn.exec_driver_sql("SET SESSION net_write_timeout = 3600")
        streaming = conn.execution_options(stream_results=True, yield_per=self.batch_rows)
        result = streaming.execute(self._select_all())
        count = 0
        try:
            for part in result.partitions(self.batch_rows):
                count += len(part)
                yield from self._to_batches(part)
        finally:
            result.close()
        self.rows = count  # what was actually read, should the table have changed since count(*)


# ------------------------------------------------------------------------------------ source


class SqlSource(Source):
    """A database reached through SQLAlchemy. Create with `open_database` or `open_sqlite_file`."""

    def __init__(self, engine: Engine, *, display: str, password: list[str] | None, all_schemas: bool) -> None:
        self.engine = engine
        self.display = display
        self.password = password
        self.dialect = engine.dialect.name
        self.all_schemas = all_schemas
        self._relations: dict[str, Relation] | None = None

    def connect(self) -> Connection:
        return self.engine.connect()

    def _list(self) -> list[tuple[str | None, str, bool]]:
        """(schema, table, is plain table) of every readable relation."""
        if self.dialect == "postgresql":
            query = sa.text(
                "SELECT n.nspname, c.relname, c.relkind IN ('r', 'm') "
                "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition "
                "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
                "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                "  WHERE d.classid = CAST('pg_catalog.pg_class' AS regclass) AND d.objid = c.oid "
                "  AND d.deptype = 'e')"
            )
        elif self.dialect in ("mysql", "mariadb"):
            if self.all_schemas:
                query = sa.text(
                    "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE <> 'VIEW' FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA NOT IN :system"
                ).bindparams(sa.bindparam("system", value=list(_MYSQL_SYSTEM_SCHEMAS), expanding=True))
            else:
                query = sa.text(
                    "SELECT NULL, TABLE_NAME, TABLE_TYPE <> 'VIEW' FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = DATABASE()"
                )
        else:
            query = sa.text(
                "SELECT NULL, name, type = 'table' FROM sqlite_master "
                "WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            )
        with self.connect() as conn:
            return [(r[0], r[1], bool(r[2])) for r in conn.execute(query)]

    def relations(self) -> dict[str, Relation]:
        """Display name → relation, sorted by name (listed once per source)."""
        if self._relations is None:
            try:
                found = self._list()
            except sa.exc.SQLAlchemyError as exc:
                raise _connect_error(exc, self.engine.url, self.display) from None
            named: list[Relation] = []
            for schema, table, is_table in found:
                if self.dialect == "postgresql":
                    name = table if schema == "public" else f"{schema}.{table}"
                else:
                    name = table if schema is None else f"{schema}.{table}"
                named.append(Relation(name, schema, table, is_table))
            relations: dict[str, Relation] = {}
            for rel in sorted(named, key=lambda r: (r.name, r.schema or "", r.table)):
                name, k = rel.name, 2
                while name in relations:
                    name = f"{rel.name}_{k}"
                    k += 1
                relations[name] = Relation(name, rel.schema, rel.table, rel.is_table)
            self._relations = relations
        return self._relations

    def tables(self) -> list[str]:
        return list(self.relations())

    def _columns(self, rel: Relation) -> list[ColumnSpec]:
        with warnings.catch_warnings():
            # unknown column types (PostGIS geometry, …) are read as text anyway
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            described = sa.inspect(self.engine).get_columns(rel.table, schema=rel.schema)
        return [ColumnSpec(str(c["name"]), arrow_type(c["type"], self.dialect)) for c in described]

    def open_table(self, name: str, *, sample: int | None, batch_rows: int) -> TableReader:
        if sample is not None and sample <= 0:
            raise ValueError(f"sample must be a positive number of rows, got {sample}")
        if batch_rows <= 0:
            raise ValueError(f"batch_rows must be positive, got {batch_rows}")
        rel = self.relations().get(name)
        if rel is None:
            raise TableError("table.unknown", table=name)
        try:
            columns = self._columns(rel)
            with self.connect() as conn:
                rows = int(
                    conn.execute(sa.select(sa.func.count()).select_from(table_clause(rel))).scalar_one()
                )
        except sa.exc.NoSuchTableError:
            raise TableError("table.unknown", table=name) from None
        except sa.exc.SQLAlchemyError as exc:
            raise _table_error(name, exc, self.password) from None
        return SqlTableReader(
            name, source=self, relation=rel, columns=columns, rows=rows, sample=sample, batch_rows=batch_rows
        )

    def close(self) -> None:
        self.engine.dispose()


def _probe(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        else:
            conn.exec_driver_sql("SELECT 1").scalar()


def open_database(spec: str) -> SqlSource:
    """Open a database URL (``postgresql://``, ``mysql+pymysql://``, ``sqlite:///path``, …).

    Plain ``postgresql://``/``postgres://`` use psycopg 3, ``mysql://``/``mariadb://`` PyMySQL. Raises
    `SourceError` (with the password masked) if the URL is invalid or the database cannot be reached.
    """
    display = mask_url(spec)
    authority = spec.split("://", 1)[-1].split("/", 1)[0]
    if authority.count("@") > 1:
        # an unencoded @ in the password would make the rest of it a host name, echoed by the driver
        raise SourceError("source.db_url_at", url=display)
    try:
        url = make_url(spec)
    except (sa.exc.ArgumentError, ValueError):
        # `from None`: the parser's message may quote the URL, password included
        raise SourceError("source.db_url", url=display) from None
    scheme = url.drivername.split("+", 1)[0].lower()
    if scheme not in DEFAULT_DRIVERS:
        raise SourceError("source.unsupported", path=display)
    if "+" not in url.drivername:
        url = url.set(drivername=DEFAULT_DRIVERS[scheme])
    password = secrets_of(url)

    if scheme == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            raise SourceError("source.db_url", url=display)
        path = Path(database).expanduser()
        if not path.exists():
            raise SourceError("source.missing", path=str(path))
        return open_sqlite_file(path, display=display)

    connect_args: dict[str, object] = {"connect_timeout": CONNECT_TIMEOUT}
    if scheme in ("postgresql", "postgres"):
        connect_args["application_name"] = "shuan"
    elif "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    try:
        engine = sa.create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    except (sa.exc.NoSuchModuleError, ImportError):
        raise SourceError("source.db_driver", driver=url.drivername, url=display) from None
    except (sa.exc.ArgumentError, ValueError, TypeError):
        raise SourceError("source.db_url", url=display) from None
    try:
        _probe(engine)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        engine.dispose()
        raise _connect_error(exc, url, display) from None
    except Exception as exc:  # noqa: BLE001 - drivers fail in odd ways on odd options (e.g. an unknown charset)
        engine.dispose()
        raise SourceError("source.db_connect", url=display, reason=scrub(f"{type(exc).__name__}: {exc}", password)) from None
    all_schemas = scheme in ("mysql", "mariadb") and not url.database
    return SqlSource(engine, display=display, password=password, all_schemas=all_schemas)


def open_sqlite_file(path: Path, *, display: str | None = None) -> SqlSource:
    """Open SQLite database `path` read-only."""
    shown = display or str(path)
    uri = path.resolve().as_uri() + "?mode=ro"

    def creator() -> sqlite3.Connection:
        return sqlite3.connect(uri, uri=True, check_same_thread=False)

    engine = sa.create_engine("sqlite://", creator=creator, poolclass=sa.pool.NullPool)
    try:
        _probe(engine)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        reason = scrub(str(getattr(exc, "orig", None) or exc), [])
        raise SourceError("source.unreadable", path=shown, reason=reason) from None
    return SqlSource(engine, display=shown, password=None, all_schemas=False)


__all__ = [
    "CONNECT_TIMEOUT",
    "ColumnSpec",
    "Relation",
    "SqlSource",
    "SqlTableReader",
    "arrow_type",
    "is_sqlite_file",
    "mask_url",
    "open_database",
    "open_sqlite_file",
    "to_arrow",
]
