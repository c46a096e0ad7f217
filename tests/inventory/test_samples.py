"""Sample values of registered scans: kept encrypted, shown masked, revealed only to reviewers with a
reason, every reveal and refusal audited (issue 4, item 4: "sample values masked by default, revealed
only to those allowed, each reveal audited")."""

# ruff: noqa: F811 - the fixtures imported from test_registered_sources are parameters here
from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import select

from shuan.errors import CryptoError, InvalidInput, NotFound, PermissionDenied
from shuan.inventory.models import RegisteredSource, TableSample
from shuan.inventory.samples import masked_samples, reveal_column
from shuan.inventory.scan import first_values
from shuan.inventory.sources import register_source, scan_source
from shuan.platform import Platform
from shuan.store.models import TableAsset
from tests.inventory.test_registered_sources import (  # noqa: F401 - fixtures
    City,
    city,
    dump,
    events,
    fast_argon2,
    migrated_template,
    people_csv,
    platform,
    world,
)
from tests.schema_helpers import schema_diffs

# -- the values a scan keeps (pure) -----------------------------------------------------------------------

CASES = [
    ("distinct in order, blanks and nulls dropped", pa.array(["b", None, "a", "b", "  ", "c", "a"]), 5,
     ["b", "a", "c"]),
    ("at most n", pa.array([str(i) for i in range(20)]), 3, ["0", "1", "2"]),
    ("numbers become text", pa.array([1, 2, 2, None, 3]), 5, ["1", "2", "3"]),
    ("stripped", pa.array([" 13800138000 ", "13800138000"]), 5, ["13800138000"]),
    ("cut to 200 characters", pa.array(["长" * 500]), 5, ["长" * 200]),
    ("all null", pa.array([None, None], type=pa.string()), 5, []),
]


@pytest.mark.parametrize(("case", "values", "n", "expected"), CASES, ids=[c[0] for c in CASES])
def test_first_values(case: str, values: pa.Array, n: int, expected: list[str]) -> None:
    batch = pa.RecordBatch.from_arrays([values], names=["c"])
    assert first_values(batch, n) == {"c": expected}, case


def test_first_values_skips_bytes_and_nested_columns() -> None:
    batch = pa.RecordBatch.from_arrays(
        [pa.array([b"\x00\x01"]), pa.array([[1, 2]]), pa.array(["x"])], names=["blob", "list", "text"])
    assert first_values(batch, 5) == {"text": ["x"]}


# -- storing, showing masked, revealing -----------------------------------------------------------------------


def column_values(path: Path, column: str) -> set[str]:
    with path.open(encoding="utf-8") as f:
        return {row[column] for row in csv.DictReader(f)}


def reveal(city: City, table_id: int, column: str = "身份证号") -> list[str]:
    return reveal_column(city.p, actor=city.steward_ga.principal, table_id=table_id, column=column,
                         reason="测试").values


def scanned(city: City, tmp_path: Path) -> tuple[int, Path]:
    f = people_csv(tmp_path / "rk.csv")
    view = register_source(city.p, actor=city.steward_ga.principal, name="公安人口", location=str(f),
                           department_id=city.ga, responsible_username="ga.user")
    scan = scan_source(city.p, actor=city.steward_ga.principal, source_id=view.id)
    with city.p.store.sessions() as s:
        table_id = s.scalar(select(TableAsset.id).where(TableAsset.scan_id == scan.scan_id))
    assert table_id is not None
    return table_id, f


def test_scan_keeps_samples_encrypted_and_masked(city: City, tmp_path: Path) -> None:
    table_id, f = scanned(city, tmp_path)
    with city.p.store.sessions() as s:
        masked = masked_samples(s, table_id)
        row = s.get(TableSample, table_id)
        assert row is not None and row.department_id == city.ga
    assert set(masked) == {"姓名", "身份证号", "手机号", "备注"}
    assert len(masked["身份证号"]) == 5
    ids = reveal(city, table_id)
    assert len(set(ids)) == 5 and set(ids) <= column_values(f, "身份证号")  # distinct values of the data
    for shown, real in zip(masked["身份证号"], ids, strict=True):
        assert shown != real and "*" in shown and shown[:3] == real[:3] and shown[-2:] == real[-2:]
    store_bytes = dump(city.p)
    for real in column_values(f, "身份证号"):  # no raw identifier anywhere in the store (tables, WAL, audit)
        assert real.encode() not in store_bytes


def test_reviewer_reveals_with_a_reason_and_it_is_audited(city: City, tmp_path: Path) -> None:
    table_id, f = scanned(city, tmp_path)
    for reviewer in (city.steward_ga, city.officer_ga, city.secadmin):
        got = reveal_column(city.p, actor=reviewer.principal, table_id=table_id, column="身份证号",
                            reason="核对分类结果")
        assert set(got.values) <= column_values(f, "身份证号") and len(got.values) == 5 and got.table == "rk"
    reveals = events(city.p, "inventory.reveal")
    assert [(e["outcome"], e["actor"]) for e in reveals] == [
        ("success", "ga.steward"), ("success", "ga.officer"), ("success", city.secadmin.username)]
    details = reveals[0]["details"]
    assert isinstance(details, dict)
    assert details["values"] == 5 and details["reason"] == "核对分类结果" and details["table_id"] == table_id
    assert str(reveals[0]["resource"]).endswith("/column:%E8%BA%AB%E4%BB%BD%E8%AF%81%E5%8F%B7")
    for real in column_values(f, "身份证号"):  # the audit chain records the reveal, never the values
        assert real.encode() not in dump(city.p)


def test_others_are_refused_and_audited(city: City, tmp_path: Path) -> None:
    table_id, _ = scanned(city, tmp_path)
    for actor in (city.user_ga, city.steward_wj, city.auditor):
        with pytest.raises(PermissionDenied):
            reveal_column(city.p, actor=actor.principal, table_id=table_id, column="身份证号", reason="看看")
    assert [(e["outcome"], e["actor"]) for e in events(city.p, "inventory.reveal")] == [
        ("denied", "ga.user"), ("denied", "wj.steward"), ("denied", city.auditor.username)]


BAD = [
    ("empty reason", {"column": "身份证号", "reason": "  "}, InvalidInput),
    ("reason with a line break", {"column": "身份证号", "reason": "a\nb"}, InvalidInput),
    ("unknown column", {"column": "不存在", "reason": "核对"}, NotFound),
    ("empty column", {"column": "", "reason": "核对"}, InvalidInput),
    ("unknown table", {"table_id": 999999, "column": "身份证号", "reason": "核对"}, NotFound),
]


@pytest.mark.parametrize(("case", "args", "error"), BAD, ids=[b[0] for b in BAD])
def test_bad_reveals_fail_with_one_line_and_are_recorded(city: City, tmp_path: Path, case: str,
                                                         args: dict[str, object], error: type[Exception]) -> None:
    table_id, _ = scanned(city, tmp_path)
    call: dict[str, object] = {"table_id": table_id, **args}
    with pytest.raises(error) as info:
        reveal_column(city.p, actor=city.steward_ga.principal, **call)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert [e["outcome"] for e in events(city.p, "inventory.reveal")] == ["failure"], case


def test_an_envelope_moved_to_another_table_does_not_decrypt(city: City, tmp_path: Path) -> None:
    table_id, f = scanned(city, tmp_path)
    scan = scan_source(city.p, actor=city.steward_ga.principal,
                       source_id=register_source(city.p, actor=city.steward_ga.principal, name="又一份",
                                                 location=str(people_csv(tmp_path / "b.csv", rows=30)),
                                                 department_id=city.ga, responsible_username="ga.user").id)
    with city.p.store.transaction() as s:
        other = s.scalar(select(TableAsset.id).where(TableAsset.scan_id == scan.scan_id))
        first, second = s.get(TableSample, table_id), s.get(TableSample, other)
        assert first is not None and second is not None
        second.envelope = first.envelope  # the values of one table passed off as another's
    with pytest.raises(CryptoError):
        reveal_column(city.p, actor=city.steward_ga.principal, table_id=other, column="身份证号", reason="核对")


def test_standalone_scans_keep_no_samples(platform: Platform, tmp_path: Path) -> None:  # noqa: F811
    from shuan.inventory.service import ScanRequest, scan

    outcome = scan(ScanRequest(source=str(people_csv(tmp_path / "x.csv")), save=False), platform.settings)
    assert all(t.samples == {} for t in outcome.report.tables)


def test_migration_matches_the_model(platform: Platform) -> None:  # noqa: F811
    assert schema_diffs(platform.store.engine, {"table_samples"}) == []


def test_only_the_latest_scan_keeps_samples(city: City, tmp_path: Path) -> None:
    table_id, _ = scanned(city, tmp_path)
    with city.p.store.sessions() as s:
        source_id = s.scalar(select(RegisteredSource.id).where(RegisteredSource.name == "公安人口"))
    assert source_id is not None
    again = scan_source(city.p, actor=city.steward_ga.principal, source_id=source_id)
    with city.p.store.sessions() as s:
        assert s.get(TableSample, table_id) is None  # the older scan's values are gone
        newer = s.scalar(select(TableAsset.id).where(TableAsset.scan_id == again.scan_id))
        assert newer is not None and s.get(TableSample, newer) is not None
    with pytest.raises(NotFound):
        reveal_column(city.p, actor=city.steward_ga.principal, table_id=table_id, column="身份证号", reason="核对")
    assert len(reveal(city, newer)) == 5
