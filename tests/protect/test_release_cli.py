"""`shuan release-check` and the audited service: detection on real files, exit codes, JSON contract, bad
input as one line, and the `release.check` audit event (verdict and measures, never values)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from sqlalchemy import select

from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.errors import UsageError
from shuan.identity.principal import Principal
from shuan.platform import Platform
from shuan.protect.release_service import ReleaseRequest, check_release, run_check
from tests.discovery.test_engine import NAMES, ids, mobiles


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["release-check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, frame: pl.DataFrame) -> Path:
    frame.write_csv(path)
    return path


def safe_frame() -> pl.DataFrame:
    """一级 data (gender only), four classes of 10, three incomes in every class: passes opening."""
    return pl.DataFrame({
        "区县": ["任城区", "兖州区"] * 20,
        "性别": (["男"] * 2 + ["女"] * 2) * 10,
        "收入": ["低", "中", "高", "中", "高"] * 8,
    })


def people_frame(n: int = 60) -> pl.DataFrame:
    """Names, resident IDs and mobiles (checksummed, detected as direct identifiers), age and sex."""
    return pl.DataFrame({
        "姓名": [NAMES[i % len(NAMES)] for i in range(n)],
        "身份证号": ids(n),
        "手机号": mobiles(n),
        "年龄": [str(20 + i % 3) for i in range(n)],
        "性别": ["男", "女"] * (n // 2),
    })


@pytest.fixture()
def safe_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "kf_sr.csv", safe_frame())


@pytest.fixture()
def people_csv(tmp_path: Path) -> Path:
    return write(tmp_path / "hj_rk.csv", people_frame())


# --- exit codes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "code", "verdict"), [
    (["--target", "open"], 0, "通过"),
    (["--target", "share", "--level", "2"], 10, "警告"),
    (["--target", "open", "--level", "3"], 11, "拒绝"),
    (["--target", "open", "--k", "11"], 11, "拒绝"),
    (["--target", "stats", "--k", "10"], 0, "通过"),
])
def test_exit_codes(capsys: pytest.CaptureFixture[str], safe_csv: Path, args: list[str], code: int,
                    verdict: str) -> None:
    got, out, err = run(capsys, str(safe_csv), *args)
    assert got == code, err
    assert f"结论：{verdict}" in out


def test_level_three_open_refused_citing_article_33(capsys: pytest.CaptureFixture[str], safe_csv: Path) -> None:
    code, out, _ = run(capsys, str(safe_csv), "--target", "open", "--level", "3", "--format", "json")
    doc = json.loads(out)
    assert code == 11 and doc["verdict"] == "refuse" and doc["grade"]["level"] == 3
    grade = next(c for c in doc["checks"] if c["check"] == "grade")
    assert grade["action"] == "refuse" and "第三十三条" in grade["reason"] and "三级" in grade["reason"]


def test_direct_identifiers_detected_with_evidence(capsys: pytest.CaptureFixture[str], people_csv: Path) -> None:
    code, out, _ = run(capsys, str(people_csv), "--target", "open", "--format", "json")
    doc = json.loads(out)
    assert code == 11
    found = {d["column"]: d for d in doc["direct_identifiers"]}
    assert found["身份证号"]["type"] == "cn_resident_id" and found["手机号"]["type"] == "cn_mobile"
    assert found["姓名"]["type"] == "person_name"
    first_id = people_frame()["身份证号"][0]
    for d in found.values():
        assert d["evidence"] and first_id not in d["evidence"]  # evidence shows masked examples only
    assert doc["quasi_identifiers"] == ["年龄", "性别"] and doc["qi_inferred"] is True
    direct = next(c for c in doc["checks"] if c["check"] == "direct_identifiers")
    assert direct["action"] == "refuse" and "GB/T 37964" in direct["basis"]
    # sharing the same file: direct identifiers and 二级 are warnings only
    code, out, _ = run(capsys, str(people_csv), "--target", "share", "--format", "json")
    assert code == 10 and json.loads(out)["verdict"] == "warn"


def test_json_contract(capsys: pytest.CaptureFixture[str], safe_csv: Path) -> None:
    code, out, _ = run(capsys, str(safe_csv), "--target", "open", "--format", "json", "--qi", "区县,性别",
                       "--sensitive", "收入")
    doc = json.loads(out)
    assert code == 0
    assert set(doc) == {"source", "table", "target", "target_label", "verdict", "verdict_label", "rows", "records",
                        "count_column", "grade", "quasi_identifiers", "qi_inferred", "sensitive_attributes",
                        "direct_identifiers", "k_anonymity", "l_diversity", "risk", "checks", "suggestion", "warnings"}
    assert doc["target"] == "open" and doc["target_label"] == "社会开放" and doc["table"] == "kf_sr"
    assert doc["rows"] == doc["records"] == 40 and doc["qi_inferred"] is False
    assert set(doc["grade"]) == {"scheme", "level", "label", "detected", "declared", "reasons"}
    assert doc["grade"]["scheme"] == "jining-2020" and doc["grade"]["level"] == 1
    k = doc["k_anonymity"]
    assert set(k) == {"k", "target", "classes", "classes_below", "records_below", "records_below_ratio", "distribution"}
    assert (k["k"], k["target"], k["classes"]) == (10, 5, 4)
    assert [d["sizes"] for d in k["distribution"]] == ["1", "2", "3-4", "5-9", "10+"]
    assert doc["l_diversity"] == [{"column": "收入", "l": 3, "entropy_l": pytest.approx(2.8717, abs=1e-3),
                                   "target": 2, "classes_below": 0}]
    assert set(doc["risk"]) == {"prosecutor_max", "prosecutor_avg", "journalist_max", "marketer", "records_at_risk"}
    assert doc["risk"]["prosecutor_max"] == pytest.approx(0.1)
    for c in doc["checks"]:
        assert set(c) == {"check", "action", "rule", "basis", "reason"}
        assert c["action"] in {"pass", "warn", "refuse"}
    assert set(doc["suggestion"]) == {"target_k", "suppress_rows", "suppress_ratio", "generalise",
                                      "then_suppress_rows", "reachable"}


def test_count_column_for_statistics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    stats = write(tmp_path / "tj.csv", pl.DataFrame({"区县": ["任城区", "兖州区", "曲阜市"],
                                                   "性别": ["男", "女", "男"], "人数": ["120", "80", "3"]}))
    code, out, _ = run(capsys, str(stats), "--target", "stats", "--count", "人数", "--format", "json")
    doc = json.loads(out)
    assert code == 11 and doc["records"] == 203 and doc["k_anonymity"]["k"] == 3
    assert doc["count_column"] == "人数" and "人数" not in doc["quasi_identifiers"]
    k = next(c for c in doc["checks"] if c["check"] == "k")
    assert k["action"] == "refuse" and "第二十四条" in k["reason"]


def test_table_output_lists_checks_and_suggestion(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    frame = pl.DataFrame({"年龄": [str(a) for a in range(20, 60)], "性别": ["男", "女"] * 20})
    code, out, _ = run(capsys, str(write(tmp_path / "a.csv", frame)), "--target", "open")
    assert code == 11
    assert "k-匿名" in out and "k=1" in out and "建议" in out and "分段" in out
    assert "检察官模型" in out


def test_multi_table_source_needs_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    with sqlite3.connect(db) as con:
        con.execute("create table a (区县 text, 性别 text)")
        con.execute("create table b (x text)")
        con.executemany("insert into a values (?, ?)", [("任城区", "男")] * 6)
    code, _, err = run(capsys, str(db), "--target", "open")
    assert code == 2 and "--table" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, str(db), "--target", "open", "--table", "a", "--format", "json")
    assert code == 0 and json.loads(out)["k_anonymity"]["k"] == 6


# --- bad input: one clear line, non-zero exit ------------------------------------------------------------


@pytest.mark.parametrize(("make", "args", "code", "needle"), [
    ("safe", ["--qi", "年龄"], 2, "年龄"),  # unknown column
    ("safe", ["--sensitive", "无此列"], 2, "无此列"),
    ("safe", ["--qi", "区县", "--sensitive", "区县"], 2, "区县"),
    ("safe", ["--qi", "区县", "--no-qi"], 2, "--no-qi"),
    ("safe", ["--count", "性别"], 2, "性别"),  # not a number
    ("plain", [], 2, "--qi"),  # no quasi-identifier found
    ("header_only", [], 1, "没有数据行"),
    ("missing", [], 3, "不存在"),
    ("safe", ["--level", "4"], 2, "--level"),
    ("safe", ["--policy", "nowhere.yaml"], 2, "nowhere.yaml"),
])
def test_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path, make: str, args: list[str], code: int,
                   needle: str) -> None:
    paths = {
        "safe": lambda: write(tmp_path / "s.csv", safe_frame()),
        "plain": lambda: write(tmp_path / "p.csv", pl.DataFrame({"名称": ["公园", "广场"], "面积": ["1", "2"]})),
        "header_only": lambda: _text(tmp_path / "h.csv", "区县,性别\n"),
        "missing": lambda: tmp_path / "missing.csv",
    }
    got, out, err = run(capsys, str(paths[make]()), "--target", "open", *args)
    assert got == code, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], err


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, str(_text(tmp_path / "e.csv", "")), "--target", "open")
    assert code != 0 and code not in (10, 11) and out == ""
    assert len(err.strip().splitlines()) == 1


def test_target_is_required(capsys: pytest.CaptureFixture[str], safe_csv: Path) -> None:
    code, _, err = run(capsys, str(safe_csv))
    assert code == 2 and "TARGET" in err


# --- the audited service ---------------------------------------------------------------------------------

ACTOR = Principal(user_id=7, username="analyst", department_id=3, department_path=(1, 3), client="test")


def events(platform: Platform) -> list[AuditEventRow]:
    with platform.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == "release.check")
                              .order_by(AuditEventRow.seq)))


def test_audit_event_per_check(platform: Platform) -> None:
    frame = people_frame()
    report = check_release(platform, ACTOR, frame, ReleaseRequest("open"), name="hj_rk")
    assert report.verdict == "refuse"
    [row] = events(platform)
    assert row.outcome == "denied" and row.actor == "analyst" and row.resource == "release:hj_rk"
    details: dict[str, Any] = json.loads(row.details)
    assert details["verdict"] == "refuse" and details["target"] == "open"
    assert details["k"] == report.k.k and details["rows"] == 60 and details["level"] == 2
    assert {d["column"] for d in details["direct_identifiers"]} == {"姓名", "身份证号", "手机号"}
    assert {c["check"] for c in details["checks"]} >= {"grade", "direct_identifiers", "k"}
    # never a value: no ID number, mobile or name of the data in the event
    for value in [*frame["身份证号"].to_list(), *frame["手机号"].to_list(), *NAMES[:5]]:
        assert value not in row.details
    check_release(platform, ACTOR, safe_frame(), ReleaseRequest("open"), name="kf_sr")
    assert [r.outcome for r in events(platform)] == ["denied", "success"]


def test_failed_check_is_recorded(platform: Platform) -> None:
    with pytest.raises(UsageError):
        check_release(platform, ACTOR, safe_frame(), ReleaseRequest("open", qi=["年龄"]), name="kf_sr")
    [row] = events(platform)
    assert row.outcome == "failure" and json.loads(row.details)["reason"] == "release.unknown_column"


def test_cli_in_platform_mode_records_the_check(capsys: pytest.CaptureFixture[str], platform: Platform,
                                                safe_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def fake_authenticated() -> Iterator[tuple[Platform, Principal]]:
        yield platform, ACTOR

    monkeypatch.setattr("shuan.cli.auth.authenticated", fake_authenticated)
    code, out, _ = run(capsys, str(safe_csv), "--target", "share", "--format", "json")
    assert code == 0 and json.loads(out)["verdict"] == "pass"
    [row] = events(platform)
    assert row.outcome == "success" and row.resource == f"release:{safe_csv.absolute()}"


def test_cli_in_platform_mode_needs_a_token(capsys: pytest.CaptureFixture[str], root_key: str,
                                            safe_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUAN_TOKEN", raising=False)
    code, out, err = run(capsys, str(safe_csv), "--target", "open")
    assert code == 5 and out == "" and "SHUAN_TOKEN" in err


def test_standalone_service_on_a_frame() -> None:
    report = run_check(safe_frame(), ReleaseRequest("open", level=2))
    assert report.grade.level == 2 and report.grade.detected == 1 and report.verdict == "refuse"


def test_typed_columns_from_parquet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import datetime as dt

    frame = pl.DataFrame({
        "出生日期": [dt.date(1980 + i % 2, 1 + i % 12, 1 + i % 28) for i in range(48)],
        "age": [20 + i for i in range(48)],
        "score": [float("nan"), float("inf")] + [1.5] * 46,
    })
    path = tmp_path / "typed.parquet"
    frame.write_parquet(path)
    code, out, _ = run(capsys, str(path), "--target", "open", "--qi", "出生日期,age,score", "--format", "json")
    doc = json.loads(out)
    assert code == 11 and doc["k_anonymity"]["k"] == 1
    steps = doc["suggestion"]["generalise"]
    assert steps and doc["suggestion"]["reachable"]
    assert {s["column"] for s in steps} <= {"出生日期", "age", "score"}
