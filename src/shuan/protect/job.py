"""Static masking jobs: a source (file, directory, SQLite file, database URL) → a masked copy (CSV or Parquet
file(s), or tables in a database), streamed batch by batch.

Two steps:

1. `plan_masking` types every column with the discovery engine (a sampled pass of the same classifier
   `shuan scan` uses, or the column types of a saved scan) and picks each column's rule from the profile.
   Nothing is written; the plan can be shown and checked.
2. `run_plan` reads every table in full through the source's batch readers (small reader batches joined
   up to the batch size) and writes the masked batches to a `MaskOutput`. Memory is bounded by the batch
   size (settings.batch_rows, SHUAN_BATCH_ROWS), whatever the table size. Each column gets its
   own operator instance bound to the scenario key, so pseudonyms, tokens and fakes agree across the
   tables of the run (and of any run under the same key).

Outputs are atomic: files are written under temporary names (``.NAME.<random>.part`` next to the target) and
tables under temporary names (``_shuan_tmp_…``); only `MaskOutput.commit` gives them their real names,
all together at the end, and `MaskOutput.discard` removes whatever was written (before or after commit).
A failed run therefore leaves no file or table that looks complete. `shuan.protect.service` commits in
the same transaction as the audit record of the run. Output files are created readable by their owner
only (mode 0600, from `tempfile.mkstemp`): a masked copy is still data, shared on purpose.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from shuan.errors import ConfigError, ShuanError, SourceError, TableError
from shuan.inventory.batching import coalesce
from shuan.protect.operators import MaskingKey, Operator, apply_frame
from shuan.protect.profiles import ColumnRule, DetectedColumn, Profile
from shuan.sources import is_url, open_source

if TYPE_CHECKING:
    import sqlalchemy as sa

    from shuan.discovery.registry import Registry

#: (table, tables done, tables in all, rows done in this table)
Progress = Callable[[str, int, int, int], None]

FILE_FORMATS = ("csv", "parquet")
_SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


# ------------------------------------------------------------------------------------------- plan


@dataclass
class TablePlan:
    name: str
    columns: list[ColumnRule]

    def rule(self, column: str) -> ColumnRule | None:
        for c in self.columns:
            if c.column == column:
                return c
        return None


@dataclass
class MaskPlan:
    source: str  # what to show: a path, or a URL with the password masked
    profile: Profile
    tables: list[TablePlan] = field(default_factory=list)

    def keyed_columns(self) -> list[str]:
        return [f"{t.name}.{c.column}" for t in self.tables for c in t.columns if c.rule.keyed]

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "profile": self.profile.id,
            "label": self.profile.label,
            "rules_file": self.profile.rules_file,
            "tables": [{"name": t.name, "columns": [
                {"name": c.column, "types": list(c.types), "reason": c.reason} | c.rule.as_dict()
                for c in t.columns]} for t in self.tables],
        }


def classify_table(source: Any, name: str, registry: Registry, *, sample: int | None,
                   batch_rows: int) -> list[DetectedColumn]:
    """Type the columns of one table with the discovery engine (a sample, or every row)."""
    from shuan.discovery.engine import ColumnClassifier

    reader = source.open_table(name, sample=sample, batch_rows=batch_rows)
    clf = ColumnClassifier(registry, full=sample is None)
    for batch in reader.batches():
        clf.update(batch)
    for column in getattr(reader, "columns", None) or []:
        header = getattr(column, "name", column)
        if isinstance(header, str):
            clf.declare(header)
    return [DetectedColumn.from_result(r) if r.types or not r.non_null else _header_only(registry, r.name)
            for r in clf.results()]


def _header_only(registry: Registry, name: str) -> DetectedColumn:
    """A column whose values matched no type, but whose name says what it holds (身份证号, SFZH, mobile):
    masked by that type's rule all the same (mistyped or damaged identifiers are identifiers too)."""
    from shuan.discovery.hints import POSITIVE, header_evidence

    for rec in registry:
        if header_evidence(rec, name) == POSITIVE:
            return DetectedColumn(name, (rec.type,), header_only=True)
    return DetectedColumn(name)


def plan_masking(spec: str, profile: Profile, registry: Registry, *, sample_rows: int | None = 10_000,
                 batch_rows: int = 100_000,
                 detected: Mapping[str, Sequence[DetectedColumn]] | None = None) -> MaskPlan:
    """The rule of every column of every table of `spec`. Columns are typed by a sampled pass of the
    discovery engine (`sample_rows`; None reads every row) unless `detected` gives a table's columns
    (e.g. from a reviewed scan). A table that cannot be read fails the plan: a masking job never
    silently skips a table."""
    with open_source(spec) as source:
        names = source.tables()
        if not names:
            raise SourceError("masking.no_tables", source=source.display)
        plan = MaskPlan(source.display, profile)
        for name in names:
            if detected is not None and name in detected:
                columns = list(detected[name])
            else:
                try:
                    columns = classify_table(source, name, registry, sample=sample_rows, batch_rows=batch_rows)
                except TableError as exc:
                    raise TableError("masking.table_failed", table=name, reason=exc.user_message) from None
            plan.tables.append(TablePlan(name, profile.rules_for_table(name, columns)))
    return plan


# ---------------------------------------------------------------------------------------- outputs


class TableSink(ABC):
    @abstractmethod
    def write(self, frame: pl.DataFrame) -> None: ...

    @abstractmethod
    def close(self, columns: Sequence[str]) -> None:
        """Finish the table; `columns` name its columns should no batch have been written."""


class MaskOutput(ABC):
    """Where masked tables go. Nothing is visible under its final name before `commit`."""

    display: str

    @abstractmethod
    def check(self, tables: Sequence[str]) -> None:
        """Refuse before any data is read: a destination that exists (without overwrite), a bad name."""

    @abstractmethod
    def open_table(self, table: str) -> TableSink: ...

    @abstractmethod
    def commit(self) -> None:
        """Give every written table its final name."""

    @abstractmethod
    def discard(self) -> None:
        """Remove everything written, whether committed or not (a failed run or a failed audit record)."""

    def targets(self) -> list[str]:
        return []


_UNSAFE_NAME = re.compile(r'[\x00-\x1f/\\:*?"<>|]')


def safe_file_stem(table: str) -> str:
    stem = _UNSAFE_NAME.sub("_", table).strip(" .") or "table"
    return stem[:200]


class _CsvSink(TableSink):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._header = True

    def write(self, frame: pl.DataFrame) -> None:
        frame.write_csv(self._fh, include_header=self._header)
        self._header = False

    def close(self, columns: Sequence[str]) -> None:
        try:
            if self._header:
                pl.DataFrame({c: pl.Series([], dtype=pl.String) for c in columns}).write_csv(self._fh)
            self._fh.flush()
            os.fsync(self._fh.fileno())
        finally:
            self._fh.close()

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()


class _ParquetSink(TableSink):
    def __init__(self, path: Path) -> None:
        self.path = path
        self._writer: Any = None
        self._schema: pa.Schema | None = None

    def write(self, frame: pl.DataFrame) -> None:
        import pyarrow.parquet as pq

        table = frame.to_arrow()
        if self._writer is None:
            self._schema = _widen(table.schema)
            self._writer = pq.ParquetWriter(self.path, self._schema)
        assert self._schema is not None  # noqa: S101 - set with the writer
        self._writer.write_table(table.cast(self._schema))

    def close(self, columns: Sequence[str]) -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            schema = pa.schema([pa.field(c, pa.large_string()) for c in columns])
            self._writer = pq.ParquetWriter(self.path, schema)
        self._writer.close()

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()


def _widen(schema: pa.Schema) -> pa.Schema:
    """A first batch's all-null column is typed null; later batches may hold text: write it as text."""
    return pa.schema([pa.field(f.name, pa.large_string() if pa.types.is_null(f.type) else f.type) for f in schema])


class FileOutput(MaskOutput):
    """One file (a single-table source and DEST ending in .csv/.parquet) or a directory of
    ``TABLE.csv``/``TABLE.parquet`` files."""

    def __init__(self, dest: Path, *, fmt: str | None, single: bool, overwrite: bool) -> None:
        self.dest = dest
        self.single = single
        self.overwrite = overwrite
        suffix = dest.suffix.lower().lstrip(".")
        self.fmt = suffix if single else (fmt or "csv")
        if self.fmt not in FILE_FORMATS:
            raise ConfigError("masking.dest_format", dest=str(dest))
        self.display = str(dest.absolute())
        self._pending: list[tuple[Path, Path]] = []  # (temporary, final)
        self._published: list[Path] = []
        self._sinks: list[_CsvSink | _ParquetSink] = []
        self._made_dir = False

    def final(self, table: str) -> Path:
        return self.dest if self.single else self.dest / f"{safe_file_stem(table)}.{self.fmt}"

    def check(self, tables: Sequence[str]) -> None:
        finals = [self.final(t) for t in tables]
        if len({str(f) for f in finals}) != len(finals):
            raise ConfigError("masking.dest_format", dest=self.display)
        for final in finals:
            if final.exists() and (not self.overwrite or not final.is_file()):
                raise ConfigError("masking.dest_exists", dest=str(final))
        if not self.single and self.dest.exists() and not self.dest.is_dir():
            raise ConfigError("masking.dest_exists", dest=self.display)

    def targets(self) -> list[str]:
        return [str(final) for _tmp, final in self._pending]

    def open_table(self, table: str) -> TableSink:
        final = self.final(table)
        try:
            if not final.parent.exists():
                final.parent.mkdir(parents=True)
                self._made_dir = True
            fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".part")
            os.close(fd)
        except OSError as exc:
            raise ConfigError("masking.dest_write", dest=str(final), reason=exc.strerror or str(exc)) from None
        tmp = Path(name)
        self._pending.append((tmp, final))
        sink: _CsvSink | _ParquetSink = _CsvSink(tmp) if self.fmt == "csv" else _ParquetSink(tmp)
        self._sinks.append(sink)
        return sink

    def commit(self) -> None:
        for tmp, final in self._pending:
            os.replace(tmp, final)
            self._published.append(final)

    def discard(self) -> None:
        for sink in self._sinks:
            sink.abort()
        for tmp, _final in self._pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        for final in self._published:
            with contextlib.suppress(OSError):
                final.unlink()
        self._pending, self._published = [], []
        if self._made_dir:
            with contextlib.suppress(OSError):
                (self.dest if not self.single else self.dest.parent).rmdir()


def _sql_type(dtype: pl.DataType) -> Any:
    import sqlalchemy as sa

    if dtype == pl.Boolean:
        return sa.Boolean()
    if dtype.is_integer():
        return sa.BigInteger()
    if dtype.is_float():
        return sa.Float(precision=53)
    if isinstance(dtype, pl.Decimal):
        return sa.Numeric(dtype.precision or 38, dtype.scale or 0)
    if dtype == pl.Date:
        return sa.Date()
    if isinstance(dtype, pl.Datetime):
        return sa.DateTime()
    if dtype == pl.Time:
        return sa.Time()
    if dtype == pl.Binary:
        return sa.LargeBinary()
    return sa.Text()


class _SqlSink(TableSink):
    def __init__(self, out: DatabaseOutput, tmp: str) -> None:
        self.out = out
        self.tmp = tmp
        self.table: sa.Table | None = None

    def _create(self, schema: Mapping[str, pl.DataType]) -> sa.Table:
        import sqlalchemy as sa

        meta = sa.MetaData()
        table = sa.Table(self.tmp, meta, *[sa.Column(name, _sql_type(dtype)) for name, dtype in schema.items()])
        with self.out.engine.begin() as conn:
            meta.create_all(conn)
        self.out.created.append(self.tmp)
        return table

    def write(self, frame: pl.DataFrame) -> None:
        if self.table is None:
            self.table = self._create(dict(frame.schema))
        textual = {c.name for c in self.table.columns if c.type.__class__.__name__ == "Text"}
        frame = frame.with_columns([pl.col(c).cast(pl.String, strict=False) for c in frame.columns
                                    if c in textual and frame.schema[c] != pl.String])
        with self.out.engine.begin() as conn:
            conn.execute(self.table.insert(), frame.to_dicts())

    def close(self, columns: Sequence[str]) -> None:
        if self.table is None:
            self.table = self._create(dict.fromkeys(columns, pl.String()))


class DatabaseOutput(MaskOutput):
    """Tables in a database (SQLAlchemy URL, or a new/existing SQLite file): each table is filled under a
    temporary name and renamed to the source table's name at commit."""

    def __init__(self, url: str, *, overwrite: bool) -> None:
        import sqlalchemy as sa

        from shuan.urls import mask_url

        self.url = url
        self.display = mask_url(url)
        self.overwrite = overwrite
        try:
            self.engine = sa.create_engine(url)
        except (sa.exc.ArgumentError, ImportError, ValueError) as exc:
            raise ConfigError("masking.dest_write", dest=self.display, reason=type(exc).__name__) from None
        self.created: list[str] = []
        self._pending: list[tuple[str, str]] = []
        self._published: list[str] = []

    def _q(self, name: str) -> str:
        return str(self.engine.dialect.identifier_preparer.quote(name))

    def check(self, tables: Sequence[str]) -> None:
        import sqlalchemy as sa

        try:
            existing = set(sa.inspect(self.engine).get_table_names())
        except sa.exc.SQLAlchemyError as exc:
            raise ConfigError("masking.dest_write", dest=self.display, reason=type(exc).__name__) from None
        for t in tables:
            if t in existing and not self.overwrite:
                raise ConfigError("masking.dest_exists", dest=f"{self.display} {t}")

    def targets(self) -> list[str]:
        return [final for _tmp, final in self._pending]

    def open_table(self, table: str) -> TableSink:
        tmp = f"_shuan_tmp_{secrets.token_hex(4)}_{table}"[:60]
        self._pending.append((tmp, table))
        return _SqlSink(self, tmp)

    def commit(self) -> None:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            existing = set(sa.inspect(conn).get_table_names())
            for tmp, final in self._pending:
                if final in existing:
                    conn.execute(sa.text(f"DROP TABLE {self._q(final)}"))
                conn.execute(sa.text(f"ALTER TABLE {self._q(tmp)} RENAME TO {self._q(final)}"))
        self._published = [final for _tmp, final in self._pending]

    def discard(self) -> None:
        import sqlalchemy as sa

        names = self.created + self._published  # a renamed temporary table no longer exists: IF EXISTS
        with contextlib.suppress(sa.exc.SQLAlchemyError), self.engine.begin() as conn:
            for name in names:
                conn.execute(sa.text(f"DROP TABLE IF EXISTS {self._q(name)}"))
        self._pending, self._published, self.created = [], [], []

    def close(self) -> None:
        self.engine.dispose()


def open_output(dest: str, *, tables: Sequence[str], fmt: str | None = None, overwrite: bool = False,
                source: str | None = None) -> MaskOutput:
    """The output for DEST: a database URL, a SQLite file (.db/.sqlite/.sqlite3), a .csv/.parquet file
    (single-table sources) or a directory (one file per table, `fmt` csv or parquet)."""
    if not dest.strip():
        raise ConfigError("masking.dest_format", dest=dest)
    if is_url(dest):
        if source is not None and dest == source:
            raise ConfigError("masking.dest_is_source", dest=dest)
        out: MaskOutput = DatabaseOutput(dest, overwrite=overwrite)
        sqlite_file = _sqlite_file(dest)
        finals = [sqlite_file] if sqlite_file is not None else []
    else:
        path = Path(dest).expanduser()
        suffix = path.suffix.lower()
        if suffix in _SQLITE_SUFFIXES:
            out = DatabaseOutput(f"sqlite:///{path.absolute()}", overwrite=overwrite)
            out.display = str(path.absolute())
            finals = [path]
        elif suffix.lstrip(".") in FILE_FORMATS and not path.is_dir():
            if len(tables) != 1:
                raise ConfigError("masking.dest_multi", count=len(tables), dest=dest)
            out = FileOutput(path, fmt=None, single=True, overwrite=overwrite)
            finals = [path]
        else:
            file_out = FileOutput(path, fmt=fmt, single=False, overwrite=overwrite)
            out, finals = file_out, [path, *(file_out.final(t) for t in tables)]
    if source is not None:
        for final in finals:
            if _overwrites_source(final, source):
                raise ConfigError("masking.dest_is_source", dest=str(final) if final != Path(dest) else dest)
    out.check(tables)
    return out


def _sqlite_file(spec: str) -> Path | None:
    """The database file of a SQLite URL (None for other URLs and in-memory databases)."""
    import sqlalchemy as sa

    try:
        url = sa.engine.make_url(spec)
    except (sa.exc.ArgumentError, ValueError):
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser()


def _overwrites_source(final: Path, source: str) -> bool:
    """Would writing `final` replace the source or one of its files? Compared after resolving ``..`` and
    symbolic links (``--out ./x/../in.csv``, ``--out .`` next to the source, a link to it, the same SQLite
    file as a URL), so that even ``--overwrite`` cannot put a masked copy in place of the original."""
    src = _sqlite_file(source) if is_url(source) else Path(source).expanduser()
    if src is None:
        return False
    try:
        target, origin = final.resolve(), src.resolve()
        if target == origin or (target.exists() and origin.exists() and os.path.samefile(target, origin)):
            return True
        # a directory source: a file of it would be replaced by a masked table
        return origin.is_dir() and target.is_file() and target.is_relative_to(origin)
    except (OSError, RuntimeError):  # a symlink loop, an unreadable path: not provably the source
        return False


# ---------------------------------------------------------------------------------------- running


@dataclass
class ColumnOutcome:
    name: str
    operator: str
    params: dict[str, Any]
    types: list[str]
    reason: str
    values: int = 0  # non-blank values that went through a masking operator

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "operator": self.operator, "params": self.params, "types": self.types,
                "values": self.values}


@dataclass
class TableOutcome:
    name: str
    rows: int = 0
    columns: list[ColumnOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the reader's: rows skipped as malformed, …

    @property
    def values(self) -> int:
        return sum(c.values for c in self.columns)

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "rows": self.rows, "values": self.values,
                "columns": [c.as_json() for c in self.columns], "warnings": self.warnings}


def _operators(plan: TablePlan, key: MaskingKey | None) -> dict[str, Operator]:
    ops: dict[str, Operator] = {}
    for c in plan.columns:
        if not c.masks:
            continue
        op = c.rule.build()
        ops[c.column] = op.bind(key, f"{plan.name}.{c.column}") if op.keyed else op
    return ops


def _blank_count(series: pl.Series) -> int:
    if series.dtype == pl.String:
        return int((series.is_not_null() & (series != "")).sum())
    return series.len() - series.null_count()


def run_plan(plan: MaskPlan, spec: str, output: MaskOutput, key: MaskingKey | None, *, batch_rows: int = 100_000,
             progress: Progress | None = None) -> list[TableOutcome]:
    """Mask every table of the plan into `output` (not committed). On any error the caller discards
    the output; nothing is published here."""
    missing = plan.keyed_columns() if key is None else []
    if missing:
        raise ConfigError("masking.key_required", columns="、".join(missing[:10]))
    outcomes: list[TableOutcome] = []
    total = len(plan.tables)
    with open_source(spec) as source:
        for done, table in enumerate(plan.tables):
            ops = _operators(table, key)
            outcome = TableOutcome(table.name)
            counts = dict.fromkeys(ops, 0)
            sink = output.open_table(table.name)
            names: list[str] = [c.column for c in table.columns]
            try:
                reader = source.open_table(table.name, sample=None, batch_rows=batch_rows)
                # small reader batches (CSV blocks) are joined up to batch_rows: fewer, larger batches
                # share the work per distinct value (a person repeated within a batch is hashed once)
                for batch in coalesce(reader.batches(), batch_rows):
                    frame = pl.from_arrow(batch)
                    assert isinstance(frame, pl.DataFrame)  # noqa: S101 - a record batch converts to a frame
                    names = frame.columns
                    for c in ops:
                        if c in frame.columns:
                            counts[c] += _blank_count(frame.get_column(c))
                    sink.write(apply_frame(frame, {c: op for c, op in ops.items() if c in frame.columns}))
                    outcome.rows += frame.height
                    if progress is not None:
                        progress(table.name, done, total, outcome.rows)
                sink.close(names)
                # rows the reader could not parse are not in the copy: say so, never pass it off as complete
                outcome.warnings = [str(w) for w in getattr(reader, "warnings", None) or []]
            except ShuanError as exc:
                raise TableError("masking.table_failed", table=table.name, reason=exc.user_message) from None
            except OSError as exc:
                raise ConfigError("masking.dest_write", dest=output.display, reason=exc.strerror or str(exc)) from None
            except Exception as exc:  # noqa: BLE001 - a failed table fails the run, reported in one line
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                raise TableError("masking.table_failed", table=table.name, reason=reason) from None
            for chosen in table.columns:
                params = chosen.rule.build().model_dump(mode="json")
                outcome.columns.append(ColumnOutcome(chosen.column, chosen.rule.operator, params, list(chosen.types),
                                                     chosen.reason, counts.get(chosen.column, 0)))
            outcomes.append(outcome)
            if progress is not None:
                progress(table.name, done + 1, total, outcome.rows)
    return outcomes
