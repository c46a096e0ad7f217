"""File sources: CSV, TSV, JSON, JSONL/NDJSON, Parquet and XLSX files, alone or in a directory tree.

Text formats are read as strings only (so ``0012`` and 18-digit identifiers survive); Parquet keeps its
native types. Every reader streams: memory stays bounded by the block/batch size whatever the file size
(CSV goes through pyarrow's streaming reader; JSON arrays are parsed element by element; XLSX uses
openpyxl's read-only mode).

Table names: a file's stem; when two files in a directory share a stem, their relative paths (without
suffix, or with it if that is still ambiguous); a workbook with several non-empty sheets gives one table
per sheet, ``stem.sheet``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from abc import abstractmethod
from collections import Counter
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import pyarrow as pa
import pyarrow.csv as pacsv

from shuan.errors import TableError
from shuan.messages import msg
from shuan.sources.base import Source, TableReader
from shuan.sources.encoding import arrow_encoding, detect_encoding
from shuan.sources.sampling import rebatch, sample_stream, table_batches

#: largest pyarrow CSV block: the largest row a CSV file may hold. pyarrow reads up to 32 blocks ahead, so
#: the block size also bounds memory; reading starts with `_START_BLOCK_SIZE` and grows only when a row
#: does not fit (a 2 GB scan peaks near 0.2 GB for the reader at 1 MiB, 0.55 GB at 8 MiB).
CSV_BLOCK_SIZE = 8 * 1024 * 1024
_START_BLOCK_SIZE = 1024 * 1024
#: smaller block for the header check done when a CSV table is opened (retried with the full size)
_PEEK_BLOCK_SIZE = 64 * 1024
#: rows per batch built in Python (JSON, XLSX) and read from Parquet before sampling
_CHUNK_ROWS = 65_536

#: file suffix (lower case) → format
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}


def file_format(path: Path) -> str | None:
    """The data format of `path` judged by its suffix, or None if not a supported data file."""
    return FORMATS.get(path.suffix.lower())


def _hidden(name: str) -> bool:
    # dot files, and the lock files Office/WPS leave next to an open workbook
    return name.startswith((".", "~$"))


def list_data_files(root: Path) -> list[Path]:
    """Every supported data file under `root`, recursively, sorted by relative path."""
    found: list[Path] = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _hidden(d))
        for filename in filenames:
            path = Path(directory, filename)
            if not _hidden(filename) and file_format(path) is not None and path.is_file():
                found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def unique_names(raw: list[str | None]) -> list[str]:
    """Column names made usable: blanks become ``列N`` (N = 1-based position), repeats get ``_2``, ``_3``…"""
    names: list[str] = []
    used: set[str] = set()
    for i, value in enumerate(raw, start=1):
        base = (value or "").strip().lstrip("\ufeff").strip() or f"列{i}"
        name = base
        k = 2
        while name in used:
            name = f"{base}_{k}"
            k += 1
        used.add(name)
        names.append(name)
    return names


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _string_schema(names: list[str]) -> pa.Schema:
    return pa.schema([pa.field(name, pa.string()) for name in names])


def _string_batch(schema: pa.Schema, columns: list[list[str | None]]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(col, type=pa.string()) for col in columns], schema=schema)


# --------------------------------------------------------------------------------------------- readers


class FileTableReader(TableReader):
    """Common driver of the file readers: streaming, sampling, re-batching and error translation.

    Subclasses implement `_stream` (all rows, as batches of a fixed schema) and may override `_finish`
    (called once the stream is exhausted, to add warnings).
    """

    def __init__(
        self, name: str, path: Path, *, sample: int | None, batch_rows: int, seed: int | None = None
    ) -> None:
        super().__init__(name=name)
        self.path = path
        self.sample = sample
        self.batch_rows = batch_rows
        self.seed = seed

    @abstractmethod
    def _stream(self) -> Iterator[pa.RecordBatch]:
        """Every row of the table."""

    def _finish(self) -> None:  # noqa: B027 - optional hook
        """Record warnings once the whole table has been read."""

    def _translate(self, exc: BaseException) -> TableError:
        """Turn a low-level failure into a `TableError` naming this table."""
        if isinstance(exc, UnicodeError):
            return TableError("table.encoding_mixed", table=self.name, encoding=self.encoding or "utf-8")
        text = str(exc)
        if "invalid UTF8" in text or "invalid utf8" in text.lower():
            return TableError("table.encoding_mixed", table=self.name, encoding=self.encoding or "utf-8")
        if isinstance(exc, OSError) and exc.strerror:
            return TableError("table.read", table=self.name, reason=exc.strerror)
        return TableError("table.read", table=self.name, reason=_first_line(exc))

    def batches(self) -> Iterator[pa.RecordBatch]:
        self.warnings.clear()  # each pass reports afresh
        try:
            if self.sample is None:
                count = 0
                for batch in self._stream():
                    count += batch.num_rows
                    yield from rebatch(batch, self.batch_rows)
                self.rows = count
            else:
                table, count = sample_stream(self._stream(), self.sample, seed=self.seed)
                self.rows = count
                if table is not None:
                    yield from table_batches(table, self.batch_rows)
        except TableError:
            raise
        except (pa.ArrowException, OSError, UnicodeError, ValueError, EOFError) as exc:
            raise self._translate(exc) from exc
        self._finish()


class CsvReader(FileTableReader):
    """CSV/TSV through pyarrow's streaming reader, every column as a string."""

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        delimiter: str,
        sample: int | None,
        batch_rows: int,
        block_size: int = CSV_BLOCK_SIZE,
        seed: int | None = None,
    ) -> None:
        super().__init__(name, path, sample=sample, batch_rows=batch_rows, seed=seed)
        self.delimiter = delimiter
        self.block_size = block_size
        self._lock = threading.Lock()
        self._first_bad: int | None = None
        self.encoding = detect_encoding(path, table=name)
        self.columns = self._read_header()

    def _translate(self, exc: BaseException) -> TableError:
        if "straddl" in str(exc):
            return TableError(
                "table.cell_too_large", table=self.name, size=max(1, self.block_size // (1 << 20))
            )
        if "Empty CSV file" in str(exc):
            return TableError("table.empty", table=self.name)
        return super()._translate(exc)

    def _open(self, block_size: int, *, count_invalid: bool, newlines: bool = True) -> pacsv.CSVStreamingReader:
        def on_invalid(row: Any) -> str:
            if count_invalid:
                with self._lock:
                    self.skipped_rows += 1
                    number = row.number
                    if number is not None and (self._first_bad is None or number < self._first_bad):
                        self._first_bad = number
            return "skip"

        return pacsv.open_csv(
            native_path(self.path),
            read_options=pacsv.ReadOptions(
                block_size=block_size,
                # single-threaded parsing keeps row numbers for the malformed-row report
                use_threads=False,
                encoding=arrow_encoding(self.encoding or "utf-8"),
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=self.delimiter, newlines_in_values=newlines, invalid_row_handler=on_invalid
            ),
            convert_options=pacsv.ConvertOptions(
                default_column_type=pa.string(),
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )

    def _read_header(self) -> list[str]:
        try:
            try:
                reader = self._open(min(_PEEK_BLOCK_SIZE, self.block_size), count_invalid=False)
            except pa.ArrowInvalid as exc:
                if "straddl" not in str(exc):
                    raise
                reader = self._open(self.block_size, count_invalid=False)
            names: list[str] = reader.schema.names
            reader.close()
        except (pa.ArrowException, OSError, UnicodeError, ValueError) as exc:
            raise self._translate(exc) from exc
        if not names or (len(names) == 1 and not names[0].strip()):
            # nothing, or a lone blank line: there is no header
            raise TableError("table.empty", table=self.name)
        return unique_names(list(names))

    def _stream(self) -> Iterator[pa.RecordBatch]:
        schema = _string_schema(self.columns)
        block = min(_START_BLOCK_SIZE, self.block_size)
        yielded = 0
        # Blocks are first cut at their last line break (a fifth less parsing than finding quoted line
        # breaks first). If a quoted value holds a line break at a cut, Arrow's parser cannot finish the
        # block and says so ("out of sync with chunker"): the file is then read again quote-aware.
        newlines = False
        while True:
            # a retry re-parses from the start: recount skipped rows, skip delivered ones
            self.skipped_rows = 0
            self._first_bad = None
            skip = yielded
            reader = self._open(block, count_invalid=True, newlines=newlines)
            try:
                for batch in reader:
                    if skip:
                        if batch.num_rows <= skip:
                            skip -= batch.num_rows
                            continue
                        batch = batch.slice(skip)
                        skip = 0
                    if batch.num_rows:
                        yielded += batch.num_rows
                        yield pa.RecordBatch.from_arrays(batch.columns, schema=schema)
                return
            except pa.ArrowInvalid as exc:
                if not newlines and "out of sync" in str(exc):
                    newlines = True
                    continue
                if "straddl" not in str(exc) or block >= self.block_size:
                    raise
                block = min(block * 8, self.block_size)
            finally:
                reader.close()

    def _finish(self) -> None:
        if self.skipped_rows:
            line = self._first_bad if self._first_bad is not None else "?"
            self.warnings.append(
                msg("table.rows_skipped", table=self.name, count=self.skipped_rows, line=line)
            )


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _iter_json_array(text: TextIO, chunk: int = 1 << 20) -> Iterator[object]:
    """The elements of the top-level JSON array in `text`, parsed one at a time (bounded memory)."""
    decoder = json.JSONDecoder()
    buf = text.read(chunk)
    pos = 0
    eof = not buf

    def fill(need_more: bool) -> bool:
        # drop what was consumed and read more; return False at end of input
        nonlocal buf, pos, eof
        if eof:
            return False
        more = text.read(max(chunk, len(buf) - pos) if need_more else chunk)
        buf = buf[pos:] + more
        pos = 0
        if not more:
            eof = True
        return bool(more)

    def skip_ws() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not fill(False):
                return ""

    if skip_ws() != "[":
        raise json.JSONDecodeError("expected '['", buf, pos)
    pos += 1
    if skip_ws() == "]":
        return
    while True:
        skip_ws()
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if fill(True):
                    continue
                raise
            break
        pos = end
        yield value
        sep = skip_ws()
        if sep == ",":
            pos += 1
        elif sep == "]":
            return
        else:
            raise json.JSONDecodeError("expected ',' or ']'", buf, pos)


class JsonReader(FileTableReader):
    """A JSON array of objects, or JSON Lines (one object per line); all values as strings.

    The file is read twice: once to learn every key (columns stay the same for every batch), once for
    the rows. Nested values become JSON text.
    """

    def __init__(
        self, name: str, path: Path, *, sample: int | None, batch_rows: int, seed: int | None = None
    ) -> None:
        super().__init__(name, path, sample=sample, batch_rows=batch_rows, seed=seed)
        self.encoding = detect_encoding(path, table=name)
        self._first_bad: int | None = None
        self._keys: list[str] | None = None
        with self._text() as text:
            head = text.read(4096).lstrip()
        if not head:
            raise TableError("table.empty", table=self.name)
        self.array = head.startswith("[")

    def _text(self) -> TextIO:
        try:
            return open(self.path, encoding=self.encoding, newline=None)  # noqa: SIM115
        except OSError as exc:
            raise self._translate(exc) from exc

    def _records(self) -> Iterator[dict[str, Any]]:
        self.skipped_rows = 0
        self._first_bad = None
        with self._text() as text:
            if self.array:
                try:
                    for index, value in enumerate(_iter_json_array(text), start=1):
                        if not isinstance(value, dict):
                            raise TableError("table.json_not_object", table=self.name, index=index)
                        yield value
                except json.JSONDecodeError as exc:
                    raise TableError("table.json_shape", table=self.name, reason=exc.msg) from exc
                return
            good = 0
            reason = ""
            for lineno, line in enumerate(text, start=1):
                stripped = line.strip()
                if not stripped:
                    continue
                try:
                    value = json.loads(stripped)
                except json.JSONDecodeError as exc:
                    value, reason = None, f"{exc.msg}（第 {lineno} 行）"
                if not isinstance(value, dict):
                    self.skipped_rows += 1
                    if self._first_bad is None:
                        self._first_bad = lineno
                    continue
                good += 1
                yield value
            if not good and self.skipped_rows:
                raise TableError("table.json_shape", table=self.name, reason=reason or "—")

    def _columns(self) -> list[str]:
        if self._keys is None:
            seen: dict[str, None] = {}
            for record in self._records():
                seen.update(dict.fromkeys(record))
            self._keys = list(seen)
        return self._keys

    def _stream(self) -> Iterator[pa.RecordBatch]:
        keys = self._columns()
        schema = _string_schema(unique_names(list(keys)))
        chunk = min(self.batch_rows, _CHUNK_ROWS)
        rows: list[dict[str, Any]] = []

        def build() -> pa.RecordBatch:
            return _string_batch(schema, [[_json_text(r.get(k)) for r in rows] for k in keys])

        for record in self._records():
            rows.append(record)
            if len(rows) >= chunk:
                yield build()
                rows = []
        if rows:
            yield build()

    def _finish(self) -> None:
        if self.skipped_rows:
            line = self._first_bad if self._first_bad is not None else "?"
            self.warnings.append(
                msg("table.json_skipped", table=self.name, count=self.skipped_rows, line=line)
            )


class ParquetReader(FileTableReader):
    """Parquet through pyarrow, native column types kept; the row count comes from the footer."""

    def __init__(
        self, name: str, path: Path, *, sample: int | None, batch_rows: int, seed: int | None = None
    ) -> None:
        super().__init__(name, path, sample=sample, batch_rows=batch_rows, seed=seed)
        import pyarrow.parquet as pq  # (with pyarrow.fs and ssl: about 45 ms that CSV scans do without)

        try:
            self.rows = pq.read_metadata(native_path(path)).num_rows
        except (pa.ArrowException, OSError, ValueError) as exc:
            raise self._translate(exc) from exc

    def _stream(self) -> Iterator[pa.RecordBatch]:
        import pyarrow.parquet as pq

        size = self.batch_rows if self.sample is None else max(self.batch_rows, _CHUNK_ROWS)
        parquet = pq.ParquetFile(native_path(self.path))
        try:
            yield from parquet.iter_batches(batch_size=size)
        finally:
            parquet.close()


def _cell_text(value: object) -> str | None:
    """An XLSX cell as text: integers without ``.0``, dates ISO formatted."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _load_workbook(path: Path) -> Any:
    from openpyxl import load_workbook

    return load_workbook(str(path), read_only=True, data_only=True)


def _nonempty(row: tuple[object, ...]) -> bool:
    return any(_cell_text(v) is not None for v in row)


def xlsx_sheets(path: Path) -> list[str] | None:
    """Titles of the worksheets of `path` that hold at least one non-empty cell; None if unreadable."""
    try:
        workbook = _load_workbook(path)
    except Exception:  # noqa: BLE001 - any failure here is reported when the table is opened
        return None
    try:
        titles: list[str] = []
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            if any(_nonempty(row) for row in sheet.iter_rows(values_only=True)):
                titles.append(sheet.title)
        return titles
    except Exception:  # noqa: BLE001
        return None
    finally:
        workbook.close()


class XlsxReader(FileTableReader):
    """One worksheet via openpyxl's read-only (streaming) mode; header = first non-empty row."""

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        sheet: str | None,
        sample: int | None,
        batch_rows: int,
        seed: int | None = None,
    ) -> None:
        super().__init__(name, path, sample=sample, batch_rows=batch_rows, seed=seed)
        self.sheet = sheet
        self._outside = 0
        rows = self._rows()
        try:
            header = next(rows, None)
        finally:
            rows.close()
        if not header:
            raise TableError("table.empty", table=self.name)
        self.columns = [str(c) for c in header]

    def _rows(self) -> Generator[list[str | None], None, None]:
        """The header (as unique names) first, then each non-empty data row's cells as text."""
        try:
            workbook = _load_workbook(self.path)
        except OSError as exc:
            raise self._translate(exc) from exc
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
            raise TableError("table.read", table=self.name, reason=_first_line(exc)) from exc
        try:
            if self.sheet is None:
                sheet = workbook.worksheets[0]
            elif self.sheet in workbook.sheetnames:
                sheet = workbook[self.sheet]
            else:
                raise TableError("table.unknown", table=self.name)
            sheet.reset_dimensions()
            width = 0
            for row in sheet.iter_rows(values_only=True):
                cells = [_cell_text(v) for v in row]
                if not any(c is not None for c in cells):
                    continue
                if not width:
                    while cells and cells[-1] is None:
                        cells.pop()
                    width = len(cells)
                    yield list(unique_names(cells))
                    continue
                if len(cells) > width:
                    if any(c is not None for c in cells[width:]):
                        self._outside += 1
                    del cells[width:]
                    if not any(c is not None for c in cells):
                        continue
                elif len(cells) < width:
                    cells.extend([None] * (width - len(cells)))
                yield cells
        finally:
            workbook.close()

    def _stream(self) -> Iterator[pa.RecordBatch]:
        self._outside = 0
        schema = _string_schema(self.columns)
        chunk = min(self.batch_rows, _CHUNK_ROWS)
        rows = self._rows()
        next(rows, None)  # the header
        buffer: list[list[str | None]] = []
        try:
            for cells in rows:
                buffer.append(cells)
                if len(buffer) >= chunk:
                    yield _string_batch(schema, [list(col) for col in zip(*buffer, strict=True)])
                    buffer = []
            if buffer:
                yield _string_batch(schema, [list(col) for col in zip(*buffer, strict=True)])
        except TableError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
            raise self._translate(exc) from exc
        finally:
            rows.close()

    def _finish(self) -> None:
        if self._outside:
            self.warnings.append(msg("table.cells_outside_header", table=self.name, count=self._outside))


# --------------------------------------------------------------------------------------------- source


@dataclass(frozen=True)
class FileTable:
    """Where one table of a file source lives."""

    name: str
    path: Path
    format: str
    sheet: str | None = None


def _base_names(paths: list[Path], root: Path | None) -> list[str]:
    """Stems, made unique by relative path (without, then with, the suffix) where they collide."""

    def rel(path: Path, *, suffix: bool) -> str:
        relative = path.relative_to(root) if root is not None else Path(path.name)
        return (relative if suffix else relative.with_suffix("")).as_posix()

    stems = Counter(p.stem for p in paths)
    names = [p.stem if stems[p.stem] == 1 else rel(p, suffix=False) for p in paths]
    counts = Counter(names)
    return [readable_name(rel(p, suffix=True) if counts[n] > 1 else n) for p, n in zip(paths, names, strict=True)]


def readable_name(name: str) -> str:
    """A file name as text: names that are not UTF-8 on disk (Python keeps their bytes as surrogates)
    are decoded as GB18030, the usual encoding of Chinese file names from Windows, else replaced."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def native_path(path: Path) -> str | BinaryIO:
    """What to hand to pyarrow: the path, or an open file when the path is not valid UTF-8 (pyarrow's
    C++ side cannot take such a path; Python's open() can)."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return path.open("rb")


def build_catalogue(paths: list[Path], root: Path | None) -> dict[str, FileTable]:
    """Name every table found in `paths` (files under `root`, or a single file when root is None)."""
    entries: list[FileTable] = []
    for path, base in zip(paths, _base_names(paths, root), strict=True):
        fmt = file_format(path) or "csv"
        if fmt == "xlsx":
            sheets = xlsx_sheets(path)
            if sheets is not None and len(sheets) > 1:
                entries.extend(FileTable(f"{base}.{s}", path, fmt, s) for s in sheets)
                continue
            entries.append(FileTable(base, path, fmt, sheets[0] if sheets else None))
        else:
            entries.append(FileTable(base, path, fmt))
    catalogue: dict[str, FileTable] = {}
    for entry in entries:
        name = entry.name
        k = 2
        while name in catalogue:
            name = f"{entry.name}_{k}"
            k += 1
        catalogue[name] = FileTable(name, entry.path, entry.format, entry.sheet)
    return catalogue


def open_file_table(
    entry: FileTable,
    *,
    sample: int | None,
    batch_rows: int,
    block_size: int = CSV_BLOCK_SIZE,
    seed: int | None = None,
) -> FileTableReader:
    """A reader for one file table; raises `TableError` if the file cannot be read."""
    if entry.path.stat().st_size == 0:
        raise TableError("table.empty", table=entry.name)
    if entry.format in ("csv", "tsv"):
        delimiter = "\t" if entry.format == "tsv" else ","
        return CsvReader(
            entry.name,
            entry.path,
            delimiter=delimiter,
            sample=sample,
            batch_rows=batch_rows,
            block_size=block_size,
            seed=seed,
        )
    if entry.format in ("json", "jsonl"):
        return JsonReader(entry.name, entry.path, sample=sample, batch_rows=batch_rows, seed=seed)
    if entry.format == "parquet":
        return ParquetReader(entry.name, entry.path, sample=sample, batch_rows=batch_rows, seed=seed)
    return XlsxReader(
        entry.name, entry.path, sheet=entry.sheet, sample=sample, batch_rows=batch_rows, seed=seed
    )


class FileSource(Source):
    """A single data file, or every data file under a directory."""

    def __init__(
        self,
        display: str,
        paths: list[Path],
        *,
        root: Path | None = None,
        block_size: int = CSV_BLOCK_SIZE,
        seed: int | None = None,
    ) -> None:
        self.display = display
        self.paths = paths
        self.root = root
        self.block_size = block_size
        self.seed = seed
        self._catalogue: dict[str, FileTable] | None = None

    def catalogue(self) -> dict[str, FileTable]:
        """Table name → where it lives (computed once: opening workbooks to list their sheets)."""
        if self._catalogue is None:
            self._catalogue = build_catalogue(self.paths, self.root)
        return self._catalogue

    def tables(self) -> list[str]:
        return list(self.catalogue())

    def open_table(self, name: str, *, sample: int | None, batch_rows: int) -> TableReader:
        _check_read_args(sample, batch_rows)
        entry = self.catalogue().get(name)
        if entry is None:
            raise TableError("table.unknown", table=name)
        try:
            return open_file_table(
                entry, sample=sample, batch_rows=batch_rows, block_size=self.block_size, seed=self.seed
            )
        except TableError:
            raise
        except (OSError, UnicodeError, ValueError, pa.ArrowException) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _first_line(exc)
            raise TableError("table.read", table=name, reason=reason) from exc


def _check_read_args(sample: int | None, batch_rows: int) -> None:
    if sample is not None and sample <= 0:
        raise ValueError(f"sample must be a positive number of rows, got {sample}")
    if batch_rows <= 0:
        raise ValueError(f"batch_rows must be positive, got {batch_rows}")


__all__ = [
    "CSV_BLOCK_SIZE",
    "FORMATS",
    "CsvReader",
    "FileSource",
    "FileTable",
    "FileTableReader",
    "JsonReader",
    "ParquetReader",
    "XlsxReader",
    "build_catalogue",
    "file_format",
    "list_data_files",
    "open_file_table",
    "unique_names",
]
