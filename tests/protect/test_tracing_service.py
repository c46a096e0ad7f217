"""Leak tracing on the platform (issue 5 item 6): fingerprinted extracts registered and audited, `trace`
naming the recipient of a cut-down re-encoded copy with the statistic, permissions and refusals audited,
the migration matching the model, and the `shuan extract` / `shuan trace` commands."""

# ruff: noqa: F811 - the fixtures imported from test_registered_sources are parameters here
from __future__ import annotations

import csv
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from shuan.crypto.keys.models import KeyRecord
from shuan.errors import InvalidInput, NotFound, PermissionDenied, SourceError, UsageError
from shuan.identity.tokens import create_token
from shuan.platform import Platform
from shuan.protect.tracing_models import Extract
from shuan.protect.tracing_service import (
    deliver_extract,
    describe,
    list_extracts,
    recipient_key,
    trace_file,
)
from tests.inventory.test_registered_sources import (  # noqa: F401 - fixtures
    City,
    World,
    city,
    events,
    fast_argon2,
    migrated_template,
    platform,
    world,
)
from tests.protect.test_tracing import masked_extract, sample
from tests.schema_helpers import schema_diffs


@pytest.fixture(scope="module")
def extract_frame() -> pl.DataFrame:
    return masked_extract(rows=1500, seed=4)


def write_csv(frame: pl.DataFrame, path: Path) -> Path:
    frame.write_csv(path)
    return path


def leak(copy: Path, out: Path, *, seed: int, share: float = 0.1) -> Path:
    """What a leaker posts: a 10 % sample of the copy, shuffled, some columns dropped, saved as XLSX."""
    from openpyxl import Workbook

    df = pl.read_csv(copy, infer_schema=False)
    part = sample(df, share, seed, drop=("序号", "备注", "经度", "手机号"))
    wb = Workbook()
    ws = wb.active
    ws.append(part.columns)
    for row in part.iter_rows():
        ws.append(list(row))
    wb.save(out)
    return out


def deliver(city: City, src: Path, out: Path, recipient: str, *, actor: str = "secadmin") -> int:
    who = city.secadmin if actor == "secadmin" else city.steward_ga
    view = deliver_extract(city.p, who.principal, source=src, recipient=recipient, purpose="疫情防控统计",
                           out=out)
    return view.id


# -- deliver --------------------------------------------------------------------------------------------


def test_deliver_writes_a_marked_copy_registers_and_audits_it(city: City, tmp_path: Path,
                                                              extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame, tmp_path / "rk.csv")
    out = tmp_path / "to_wj.csv"
    view = deliver_extract(city.p, city.secadmin.principal, source=src, recipient=f"department:{city.wj}",
                           purpose="疫情防控统计", out=out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM: spreadsheets open it as UTF-8
    copy = pl.read_csv(out, infer_schema=False)
    assert copy.columns == extract_frame.columns and copy.height == extract_frame.height
    assert copy["证件号码"].to_list() == extract_frame["证件号码"].to_list()  # identifiers untouched
    assert copy["补贴金额"].to_list() != extract_frame["补贴金额"].to_list()
    assert view.recipient_kind == "department" and view.recipient_id == city.wj and view.recipient_name == "卫健委"
    assert view.row_count == 1500 and view.marked_cells > 1000 and not list(tmp_path.glob(".*.part"))
    with city.p.store.sessions() as s:
        row = s.get(Extract, view.id)
        assert row is not None and row.purpose == "疫情防控统计" and row.created_by_name == city.secadmin.username
        assert row.marks["gamma"] == 4 and row.columns == extract_frame.columns
        types = {c["name"] for c in row.marks["columns"]}
        assert "证件号码" not in types and "补贴金额" in types
        # one secret for tracing, stored wrapped like every system key, created once and audited
        assert [k.key_id for k in s.scalars(select(KeyRecord).where(KeyRecord.scope == "sys/trace"))] == [
            "sys/trace/v1"]
    (event,) = events(city.p, "extract.deliver")
    details = event["details"]
    assert isinstance(details, dict)
    assert event["outcome"] == "success" and event["resource"] == f"extract:{view.id}"
    assert details["recipient"] == f"department:{city.wj}" and details["rows"] == 1500
    assert details["marked"] == view.marked_cells and details["digest"] == view.output_digest
    assert any(e["resource"] == "key:sys/trace/v1" for e in events(city.p, "key.create"))


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_deliver_other_formats(city: City, tmp_path: Path, extract_frame: pl.DataFrame, fmt: str) -> None:
    src = write_csv(extract_frame.head(300), tmp_path / "rk.csv")
    out = tmp_path / f"copy.{fmt}"
    deliver(city, src, out, "user:wj.user")
    report = trace_file(city.p, city.auditor.principal, out)
    assert report.recipient is not None and report.recipient.kind == "user"
    assert report.recipient.name == "wj.user" and report.exact is not None


def test_values_that_start_like_formulas_stay_text_in_xlsx(city: City, tmp_path: Path) -> None:
    src = tmp_path / "f.csv"
    src.write_text("公式,金额\n=1+1,12.34\n@SUM(A1),56.78\n", encoding="utf-8")
    out = tmp_path / "f.xlsx"
    deliver(city, src, out, f"department:{city.wj}")
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert [c.value for c in ws["A"]] == ["公式", "=1+1", "@SUM(A1)"] and ws["A2"].data_type == "s"


# -- trace ----------------------------------------------------------------------------------------------


def test_trace_names_the_recipient_of_a_sample_of_the_copy(city: City, tmp_path: Path,
                                                           extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame, tmp_path / "rk.csv")
    ids = {}
    for recipient in (f"department:{city.wj}", f"department:{city.ga}", "user:wj.user", "ga.user", str(city.wj)):
        ids[recipient] = deliver(city, src, tmp_path / f"{len(ids)}.csv", recipient)
    target = leak(tmp_path / "2.csv", tmp_path / "posted.xlsx", seed=3)  # user wj.user's copy
    report = trace_file(city.p, city.auditor.principal, target)
    assert report.recipient is not None and report.recipient.label.startswith("user:")
    assert report.recipient.name == "wj.user" and report.exact is None
    result = report.result
    assert result.candidates == 4  # department wj twice is one recipient
    found = result.recipient
    assert found is not None and found.matches == found.marks and found.log10_p < result.threshold_log10
    assert [e.id for e in report.extracts] == [ids["user:wj.user"]]
    text = "\n".join(describe(report))
    assert "最可能的泄露来源：用户 wj.user" in text and "B(" in text and "Bonferroni" in text and "置信度" in text
    assert "10⁻⁶ ÷ 候选数 4" in text
    (event,) = events(city.p, "extract.trace")
    details = event["details"]
    assert isinstance(details, dict) and event["actor"] == city.auditor.username
    assert details["found"] == report.recipient.label and details["marks"] == found.marks
    assert details["candidates"] == 4 and details["rows"] == result.rows


def test_trace_of_the_delivered_file_itself_names_the_copy(city: City, tmp_path: Path,
                                                           extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame.head(400), tmp_path / "rk.csv")
    first = deliver(city, src, tmp_path / "a.csv", f"department:{city.wj}")
    report = trace_file(city.p, city.secadmin.principal, tmp_path / "a.csv")
    assert report.exact is not None and report.exact.id == first
    assert any("逐字节一致" in line for line in describe(report))


def test_an_unmarked_file_or_a_tiny_sample_is_attributed_to_nobody(city: City, tmp_path: Path,
                                                                   extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame, tmp_path / "rk.csv")
    deliver(city, src, tmp_path / "a.csv", f"department:{city.wj}")
    deliver(city, src, tmp_path / "b.csv", f"department:{city.ga}")
    report = trace_file(city.p, city.auditor.principal, src)  # the original: never delivered as such
    assert report.recipient is None and report.exact is None
    text = "\n".join(describe(report))
    assert "未发现可认定的接收方指纹" in text and "未达到判定阈值" in text
    tiny = write_csv(pl.read_csv(tmp_path / "a.csv", infer_schema=False).head(5), tmp_path / "tiny.csv")
    assert trace_file(city.p, city.auditor.principal, tiny).recipient is None
    assert [json.dumps(e["details"]["found"]) for e in events(city.p, "extract.trace")] == ["null", "null"]


def test_trace_without_any_delivery_or_without_carriers(city: City, tmp_path: Path,
                                                        extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame.head(200), tmp_path / "rk.csv")
    report = trace_file(city.p, city.auditor.principal, src)
    assert report.result.candidates == 0 and "没有候选接收方" in "\n".join(describe(report))
    deliver(city, src, tmp_path / "a.csv", f"department:{city.wj}")
    ids = write_csv(extract_frame.select("证件号码", "姓名").head(200), tmp_path / "ids.csv")
    report = trace_file(city.p, city.auditor.principal, ids)
    assert report.result.positions == 0 and "没有可承载指纹的数据" in "\n".join(describe(report))


def test_recipient_keys_are_distinct_and_bound_to_the_recipient() -> None:
    secret = bytes(32)
    keys = {recipient_key(secret, kind, i) for kind in ("department", "user") for i in range(1, 50)}
    assert len(keys) == 98 and all(len(k) == 32 for k in keys)


# -- permissions and bad input ----------------------------------------------------------------------------


def test_who_may_deliver_and_who_may_trace(city: City, tmp_path: Path, extract_frame: pl.DataFrame) -> None:
    src = write_csv(extract_frame.head(200), tmp_path / "rk.csv")
    for actor in (city.steward_ga, city.officer_ga):  # GRANT_MANAGE_DEPT
        view = deliver_extract(city.p, actor.principal, source=src, recipient=f"department:{city.wj}",
                               purpose="共享", out=tmp_path / f"{actor.username}.csv")
        with city.p.store.sessions() as s:
            row = s.get(Extract, view.id)
            assert row is not None and row.provider_department_id == city.ga
    for actor in (city.user_ga, city.auditor):
        out = tmp_path / f"{actor.username}.csv"
        with pytest.raises(PermissionDenied):
            deliver_extract(city.p, actor.principal, source=src, recipient=f"department:{city.wj}",
                            purpose="共享", out=out)
        assert not out.exists()
    for actor in (city.steward_ga, city.user_ga, city.officer_ga):
        with pytest.raises(PermissionDenied):
            trace_file(city.p, actor.principal, src)
        with pytest.raises(PermissionDenied):
            list_extracts(city.p, actor.principal)
    assert len(list_extracts(city.p, city.auditor.principal)) == 2
    assert [(e["outcome"], e["actor"]) for e in events(city.p, "extract.deliver")] == [
        ("success", "ga.steward"), ("success", "ga.officer"), ("denied", "ga.user"),
        ("denied", city.auditor.username)]
    assert [(e["outcome"], e["actor"]) for e in events(city.p, "extract.trace")] == [
        ("denied", "ga.steward"), ("denied", "ga.user"), ("denied", "ga.officer")]


BAD: list[tuple[str, dict[str, str], type[Exception]]] = [
    ("unknown department", {"recipient": "department:999"}, NotFound),
    ("unknown user", {"recipient": "user:nobody"}, NotFound),
    ("empty recipient", {"recipient": " "}, NotFound),
    ("empty purpose", {"purpose": "  "}, InvalidInput),
    ("purpose with a line break", {"purpose": "a\nb"}, InvalidInput),
    ("unsupported output", {"out": "copy.json"}, UsageError),
    ("output over the source", {"out": "rk.csv"}, UsageError),
    ("output is a directory", {"out": ""}, UsageError),
    ("missing source", {"source": "nope.csv"}, SourceError),
    ("unknown kept column", {"keep": "不存在"}, InvalidInput),
]


@pytest.mark.parametrize(("case", "args", "error"), BAD, ids=[b[0] for b in BAD])
def test_bad_deliveries_are_refused_recorded_and_leave_no_file(city: City, tmp_path: Path, case: str,
                                                               args: dict[str, str], error: type[Exception],
                                                               extract_frame: pl.DataFrame) -> None:
    write_csv(extract_frame.head(50), tmp_path / "rk.csv")
    call: dict[str, object] = {"source": tmp_path / "rk.csv", "recipient": f"department:{city.wj}",
                               "purpose": "共享", "out": tmp_path / "copy.csv"}
    for k, v in args.items():
        call[k] = (v,) if k == "keep" else tmp_path / v if k in ("out", "source") else v
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(error) as info:
        deliver_extract(city.p, city.secadmin.principal, **call)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == before, case
    assert [e["outcome"] for e in events(city.p, "extract.deliver")] == ["failure"], case
    with city.p.store.sessions() as s:
        assert s.scalars(select(Extract)).first() is None


def test_migration_matches_the_model(platform: Platform) -> None:
    assert schema_diffs(platform.store.engine, {"extracts"}) == []


# -- the commands -----------------------------------------------------------------------------------------


def run(token: str | None, *args: str) -> tuple[int, str, str]:
    from shuan.cli.main import main

    with CliRunner().isolation(env={"SHUAN_TOKEN": token}) as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_extract_and_trace_commands(world: World, tmp_path: Path, extract_frame: pl.DataFrame) -> None:
    now = world.now = datetime.now(UTC)  # the command resolves its token at the real time
    city = City(world)
    steward = create_token(city.p, actor=city.steward_ga.principal, name="cli", scopes=["grant.manage_dept"],
                           expires_at=now + timedelta(hours=1), now=now).token
    auditor = create_token(city.p, actor=city.auditor.principal, name="cli", scopes=["audit.read"],
                           expires_at=now + timedelta(hours=1), now=now).token
    src = write_csv(extract_frame, tmp_path / "rk.csv")
    code, out, err = run(steward, "extract", str(src), "--recipient", "wj.user", "--purpose", "统计分析",
                         "--out", str(tmp_path / "copy.csv"), "--keep", "居住地址")
    assert code == 0, err
    view = json.loads(out)
    assert view["recipient_name"] == "wj.user" and "已生成带指纹的副本" in err and "登记编号" in err
    with (tmp_path / "copy.csv").open(encoding="utf-8-sig") as f:
        assert [r["居住地址"] for r in csv.DictReader(f)] == extract_frame["居住地址"].to_list()
    posted = leak(tmp_path / "copy.csv", tmp_path / "posted.xlsx", seed=random.Random(1).randrange(1000))
    code, out, err = run(auditor, "trace", str(posted))
    assert code == 0, err
    assert "最可能的泄露来源：用户 wj.user" in out and "判定规则" in out
    code, out, err = run(auditor, "trace", str(posted), "--format", "json")
    doc = json.loads(out)
    assert doc["found"] is True and doc["recipient"]["name"] == "wj.user" and doc["candidates"] == 1
    # the kept address column was not marked: its carriers read as noise (about half agree), never as evidence
    assert doc["recipient"]["marks"] > doc["recipient"]["matches"] > 0.8 * doc["recipient"]["marks"]
    code, out, err = run(steward, "trace", str(posted))
    assert code == 6 and "泄露溯源需要安全管理员或审计管理员角色" in err
    code, out, err = run(auditor, "extract", str(src), "--recipient", "wj.user", "--purpose", "x",
                         "--out", str(tmp_path / "c2.csv"))
    assert code == 6 and "分发带指纹的数据副本需要" in err
