"""SQLite databases: detected by their header whatever the extension, or opened by ``sqlite:///`` URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pytest

from shuan.errors import SourceError, TableError
from shuan.sources import open_source
from shuan.sources.sql import SqlSource

from .helpers import read, to_table


def _make_db(path: Path, rows: int = 500) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        '''
        CREATE TABLE hj_rkxx (id INTEGER PRIMARY KEY, xm TEXT, sfzh VARCHAR(18), photo BLOB, score REAL);
        CREATE TABLE "Mixed Case ""表""" (a TEXT);
        CREATE VIEW v_rkxx AS SELECT id, xm FROM hj_rkxx WHERE id % 2 = 0;
        CREATE TABLE empty_t (a TEXT);
        CREATE INDEX ix ON hj_rkxx (xm);
        '''
    )
    conn.executemany(
        "INSERT INTO hj_rkxx VALUES (?, ?, ?, ?, ?)",
        [(i, f"张{i}", f"{i:018d}", bytes([i % 256, 0]), i / 2) for i in range(rows)],
    )
    conn.execute('INSERT INTO "Mixed Case ""表""" VALUES (\'x\')')
    conn.commit()
    conn.close()
    return path


def test_sqlite_file_detected_by_magic_with_any_extension(tmp_path: Path) -> None:
    path = _make_db(tmp_path / "export.dat")
    with open_source(str(path)) as source:
        assert isinstance(source, SqlSource)
        assert source.display == str(path)
        assert source.tables() == ['Mixed Case "表"', "empty_t", "hj_rkxx", "v_rkxx"]
        reader, batches = read(source, 'Mixed Case "表"')
        assert to_table(batches).to_pylist() == [{"a": "x"}]


def test_sqlite_full_and_sample_modes(tmp_path: Path) -> None:
    path = _make_db(tmp_path / "db.sqlite")
    with open_source(f"sqlite:///{path}") as source:
        full, batches = read(source, "hj_rkxx", batch_rows=128)
        assert full.rows == 500
        assert [b.num_rows for b in batches] == [128, 128, 128, 116]
        table = to_table(batches)
        assert table.schema.field("photo").type == pa.binary()
        assert table.schema.field("sfzh").type == pa.string()
        first = table.slice(0, 1).to_pylist()[0]
        assert first == {
            "id": "0",
            "xm": "张0",
            "sfzh": "000000000000000000",
            "photo": b"\x00\x00",
            "score": "0.0",
        }

        sampled, batches = read(source, "hj_rkxx", sample=50, batch_rows=20)
        ids = to_table(batches).column("id").to_pylist()
        assert sampled.rows == 500
        assert len(ids) == len(set(ids)) == 50
        assert [b.num_rows for b in batches] == [20, 20, 10]

        view, batches = read(source, "v_rkxx", sample=1000)
        assert view.rows == 250 and to_table(batches).num_rows == 250

        empty, batches = read(source, "empty_t", sample=10)
        assert empty.rows == 0 and batches == []


def test_sqlite_is_opened_read_only(tmp_path: Path) -> None:
    path = _make_db(tmp_path / "ro.db")
    before = path.read_bytes()
    with open_source(str(path)) as source:
        assert isinstance(source, SqlSource)
        with source.connect() as conn, pytest.raises(Exception, match="readonly"):
            conn.exec_driver_sql("DELETE FROM hj_rkxx")
    assert path.read_bytes() == before


def test_sqlite_url_to_a_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        open_source(f"sqlite:///{tmp_path / 'missing.db'}")
    assert err.value.key == "source.missing"
    assert not (tmp_path / "missing.db").exists(), "opening must not create a database"


def test_sqlite_url_to_a_non_database_is_a_source_error(tmp_path: Path) -> None:
    (tmp_path / "x.db").write_text("hello, I am not a database", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        open_source(f"sqlite:///{tmp_path / 'x.db'}")
    assert err.value.key == "source.unreadable"


def test_sqlite_unknown_table(tmp_path: Path) -> None:
    with open_source(str(_make_db(tmp_path / "d.db"))) as source, pytest.raises(TableError) as err:
        source.open_table("nope", sample=None, batch_rows=10)
    assert err.value.key == "table.unknown"
