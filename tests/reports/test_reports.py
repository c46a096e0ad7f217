"""Inspection reports on the scanned demo city: the model's numbers, the department split, and every format."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.config import get_settings
from shuan.errors import NotFound, PermissionDenied, ShuanError, UsageError
from shuan.grading.scheme import load_scheme
from shuan.identity.models import Department
from shuan.identity.principal import Principal
from shuan.identity.roles import Role
from shuan.inventory.persist import latest_inventory
from shuan.inventory.service import ScanRequest, scan
from shuan.platform import Platform, open_platform
from shuan.reports import departments, inventory_report
from shuan.reports.access import report_scope
from shuan.reports.html import render_html
from shuan.reports.inventory_report import build_report
from shuan.reports.pdf import CHROMIUM, html_to_pdf
from shuan.reports.write import write_report
from shuan.store.db import Store, open_store
from tests.conftest import in_ci

ROOT, CITY_A, CITY_B, CITY_A1 = 1, 2, 3, 4


def add_departments(store: Store) -> None:
    now = datetime.now(UTC)
    with store.transaction() as s:
        s.add(Department(id=ROOT, name="泗河市大数据局", parent_id=None, is_root=True, created_at=now))
        s.flush()
        s.add(Department(id=CITY_A, name="市公安局", parent_id=ROOT, created_at=now))
        s.add(Department(id=CITY_B, name="市医保局", parent_id=ROOT, created_at=now))
        s.flush()
        s.add(Department(id=CITY_A1, name="户政支队", parent_id=CITY_A, created_at=now))


def source_ids(store: Store) -> tuple[int, int]:
    """(the demo directory's SourceRecord id, the SQLite file's)."""
    with store.sessions() as s:
        rows = list(s.execute(text("SELECT id, display FROM sources ORDER BY id")))
    folder = next(i for i, d in rows if not d.endswith(".db"))
    db = next(i for i, d in rows if d.endswith(".db"))
    return folder, db


@pytest.fixture
def assigned(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The directory belongs to 户政支队 (under 市公安局), the SQLite file to 市医保局."""
    add_departments(demo_store)
    folder, db = source_ids(demo_store)
    monkeypatch.setattr(inventory_report, "source_departments", lambda _s: {folder: CITY_A1, db: CITY_B})
    return demo_store


# -- the model -----------------------------------------------------------------------------------------


def test_city_totals_match_the_inventory(demo_store: Store) -> None:
    rows, _ = latest_inventory(demo_store)
    r = build_report(demo_store)
    assert r.scope == "全市" and r.scheme_id == "jining-2020"
    assert r.total_sources == 2 and r.total_tables == 12 == len(rows)
    assert r.total_rows == sum(x.table.rows for x in rows)
    assert r.total_columns == sum(len(x.table.columns) for x in rows)
    assert r.by_level == {1: 3, 2: 8, 3: 1}
    assert sum(b.tables for b in r.by_category) == 12
    assert [lv.color for lv in r.levels] == [lv.color for lv in load_scheme("jining-2020").levels]
    # nothing registered: every source is 未登记
    assert [(b.label, b.tables) for b in r.by_department] == [("未登记", 12)]
    top = r.top_tables[0]
    assert (top.table, top.level, top.category) == ("yb_jsxx", 3, "主题信息资源/医疗健康")
    assert "医疗健康" in top.pipl
    pipl = {t.table for t in r.pipl_tables}
    assert {"yb_jsxx", "hj_rkxx"} <= pipl and "tj_hz" not in pipl
    ids = {tc.type: tc for tc in r.type_counts}
    assert ids["cn_resident_id"].label == "居民身份证号" and ids["cn_resident_id"].sensitive
    assert ids["person_name"].columns >= ids["person_name"].tables >= 1
    assert r.sensitive_columns == sum(1 for x in rows for c in x.table.columns if c.detections)
    assert len(r.freshness) == 2 and not any(f.stale for f in r.freshness)


def test_stale_scans_are_flagged(demo_store: Store) -> None:
    r = build_report(demo_store, now=datetime.now(UTC) + timedelta(days=200))
    assert all(f.stale and f.age_days >= 199 for f in r.freshness)


def test_report_under_another_scheme(demo_store: Store) -> None:
    r = build_report(demo_store, scheme="gbt43697-2024")
    assert r.scheme_id == "gbt43697-2024"
    assert sum(r.by_level.values()) == 12
    assert {t.scheme for t in r.inventory.tables} == {"gbt43697-2024"}
    with pytest.raises(ShuanError):
        build_report(demo_store, scheme="no-such-scheme")


def test_department_split(assigned: Store) -> None:
    city = build_report(assigned)
    assert {b.label: b.tables for b in city.by_department} == {"户政支队": 9, "市医保局": 3}
    police = build_report(assigned, department=CITY_A)  # includes the departments below it
    assert police.scope == "市公安局" and police.total_tables == 9 and police.total_sources == 1
    assert set(police.table_departments) == {"户政支队"}
    health = build_report(assigned, department=CITY_B)
    assert health.total_tables == 3 and {t.name for t in health.inventory.tables} == {
        "bs_sxbl", "sb_cbry", "sxml"}
    assert build_report(assigned, department=departments.UNASSIGNED).total_tables == 0
    with pytest.raises(NotFound):
        build_report(assigned, department=99)


def test_source_departments_is_guarded(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with demo_store.sessions() as s:
        assert departments.source_departments(s) == {}  # nothing registered
    monkeypatch.setattr(departments, "_registered_model", lambda: None)
    with demo_store.sessions() as s:
        assert departments.source_departments(s) == {}


def test_source_departments_without_the_table(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = sqlite3.connect(demo_db)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("DROP TABLE IF EXISTS registered_sources")
    con.commit()
    con.close()
    store = Store(f"sqlite:///{demo_db}")  # not migrated: the table stays missing
    try:
        with store.sessions() as s:
            assert departments.source_departments(s) == {}
            assert s.scalar(text("SELECT count(*) FROM sources")) == 2  # the session is still usable
    finally:
        store.close()


def test_source_departments_reads_registrations(demo_store: Store) -> None:
    model = departments._registered_model()
    if model is None:
        pytest.skip("registered sources not in this tree yet")
    columns = set(model.__table__.columns.keys())
    folder, _ = source_ids(demo_store)
    with demo_store.sessions() as s:
        scan_id = s.scalar(text("SELECT max(id) FROM scan_runs WHERE source_id = :i"), {"i": folder})
    values: dict[str, object] = {}
    now = datetime.now(UTC)
    for c in model.__table__.columns:
        if c.primary_key:
            continue
        kind = type(c.type).__name__.lower()
        values[c.name] = (now if "date" in kind else 1 if "int" in kind else True if "bool" in kind
                          else b"x" if "binary" in kind else f"x{c.name}")
    values.update(department_id=CITY_B)
    if "source_record_id" in columns:
        values["source_record_id"] = None
    if "last_scan_id" in columns:
        values["last_scan_id"] = scan_id
    with demo_store.sessions() as s:
        s.execute(model.__table__.insert().values(**values))
        s.commit()
        assert departments.source_departments(s) == {folder: CITY_B}


# -- formats -------------------------------------------------------------------------------------------


def test_xlsx_per_department(assigned: Store, tmp_path: Path) -> None:
    scheme = load_scheme("jining-2020")
    path = write_report(build_report(assigned, department=CITY_A), tmp_path / "公安.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["汇总", "表级清单", "字段级清单"]
    summary = wb["汇总"]
    assert summary["A1"].value == "市公安局数据分类分级情况报告"
    texts = {c.value for row in summary.iter_rows() for c in row if c.value is not None}
    assert {"按级别统计", "按部门统计", "按数据分类统计", "扫描时效", "户政支队"} <= texts
    assert summary._charts, "a bar chart by level"
    ws = wb["表级清单"]
    headings = [c.value for c in ws[1]]
    assert headings[:4] == ["数据源", "部门", "表名", "数据分类"] and "级别" in headings
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref
    level_col = headings.index("级别") + 1
    colours = {lv.label: lv.color.lstrip("#").upper() for lv in scheme.levels}
    assert ws.max_row == 10
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(r, level_col)
        assert cell.fill.fgColor.rgb[-6:].upper() == colours[cell.value]
        assert ws.cell(r, 2).value == "户政支队"
    assert ws.column_dimensions["A"].width > 20
    wc = wb["字段级清单"]
    assert [c.value for c in wc[1]][:4] == ["数据源", "部门", "表名", "字段"]


def test_csv_and_json(assigned: Store, tmp_path: Path) -> None:
    r = build_report(assigned)
    csv_text = write_report(r, tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].endswith(",部门") and "市医保局" in csv_text
    doc = json.loads(write_report(r, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["report"]["totals"]["tables"] == 12 and len(doc["tables"]) == 12
    assert {t["department"] for t in doc["tables"]} == {"户政支队", "市医保局"}
    assert doc["report"]["by_level"] == {"1": 3, "2": 8, "3": 1}
    with pytest.raises(UsageError):
        write_report(r, tmp_path / "r.docx")


def test_html_is_self_contained_with_svg_charts(demo_store: Store) -> None:
    html = render_html(build_report(demo_store))
    assert 'http-equiv="Content-Security-Policy"' in html and "default-src 'none'" in html
    assert html.count("<svg") == 3 and 'class="bar"' in html
    assert "<script" not in html.lower()
    assert not re.search(r"(?:https?:)?//[\w.-]+", html.replace("default-src", "")), "no external URLs"
    assert not re.search(r"\b(?:src|href)\s*=", html)
    assert "Noto Sans CJK SC" in html and "WenQuanYi Micro Hei" in html
    assert "@page" in html and "page-break" in html
    assert "数据分类分级情况报告" in html and "report." not in re.sub(r"<[^>]+>", "", html)


HOSTILE_TABLE = "<script>alert(1)</script>"
HOSTILE_COLUMN = '"><img src=x onerror=alert(2)>'


def test_html_escapes_scanned_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "hostile.db"
    con = sqlite3.connect(src)
    con.execute(f'CREATE TABLE "{HOSTILE_TABLE}" ("{HOSTILE_COLUMN.replace(chr(34), chr(34) * 2)}" TEXT, "身份证号" TEXT)')
    con.executemany(f'INSERT INTO "{HOSTILE_TABLE}" VALUES (?, ?)',
                    [(f"x{i}", v) for i, v in enumerate(["11010519491231002X", "440524188001010014"] * 20)])
    con.commit()
    con.close()
    monkeypatch.setenv("SHUAN_DATABASE_URL", f"sqlite:///{tmp_path / 'store.db'}")
    get_settings.cache_clear()
    scan(ScanRequest(str(src)), get_settings())
    store = open_store(get_settings().store_url())
    try:
        report = build_report(store)
    finally:
        store.close()
    assert any(t.name.endswith(HOSTILE_TABLE) for t in report.inventory.tables)
    html = render_html(report)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    path = write_report(report, tmp_path / "r.html")
    assert "<script" not in path.read_text(encoding="utf-8")


def test_failed_write_leaves_no_file(demo_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shuan.reports.xlsx as xlsx

    report = build_report(demo_store)
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "out.xlsx"
    target.write_bytes(b"previous")

    def broken(_report: object, fh: object) -> None:
        fh.write(b"PK partial")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx, "write_xlsx", broken)
    with pytest.raises(ShuanError, match="No space left"):
        write_report(report, target)
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["out.xlsx"]


def test_refuses_non_regular_target(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ShuanError):
        write_report(build_report(demo_store), tmp_path)  # a directory named like nothing: format error first
    (tmp_path / "d.html").mkdir()
    with pytest.raises(ShuanError):
        write_report(build_report(demo_store), tmp_path / "d.html")


def chromium_or_skip() -> None:
    if not CHROMIUM.exists() and not in_ci():
        pytest.skip("chromium not installed (apt-get install chromium)")


def test_pdf(demo_store: Store, tmp_path: Path) -> None:
    chromium_or_skip()
    path = write_report(build_report(demo_store), tmp_path / "out" / "报告.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert [p.name for p in path.parent.iterdir()] == ["报告.pdf"]


def test_pdf_without_chromium(demo_store: Store, tmp_path: Path) -> None:
    with pytest.raises(ShuanError) as caught:
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", chromium=tmp_path / "no-chromium")
    assert "apt-get install chromium" in caught.value.user_message
    assert "\n" not in caught.value.user_message
    assert not (tmp_path / "x.pdf").exists()


def test_pdf_not_a_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "fake-chromium"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(ShuanError, match="broken"):
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf", chromium=fake)
    assert not (tmp_path / "x.pdf").exists()


# -- CLI -----------------------------------------------------------------------------------------------


def test_cli_standalone(demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "city.html")]) == 0
    assert "全市" in capsys.readouterr().err and (tmp_path / "city.html").is_file()
    assert main(["report", str(tmp_path / "city.xlsx"), "--scheme", "gbt43697-2024"]) == 0
    assert main(["report", str(tmp_path / "city.docx")]) == 2
    assert "不支持的报告格式" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "d.xlsx"), "--department", "42"]) == 7
    assert not (tmp_path / "d.xlsx").exists()


@pytest.fixture
def platform_store(demo_db: Path, root_key: str) -> Iterator[Platform]:
    p = open_platform()
    add_departments(p.store)
    yield p
    p.close()


def fake_login(monkeypatch: pytest.MonkeyPatch, principal: Principal) -> None:
    import shuan.cli.auth as auth

    @contextmanager
    def authenticated() -> Iterator[tuple[Platform, Principal]]:
        p = open_platform()
        try:
            yield p, principal
        finally:
            p.close()

    monkeypatch.setattr(auth, "authenticated", authenticated)


def events(platform: Platform) -> list[AuditEventRow]:
    with platform.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == "inventory.export")))


def test_cli_platform_needs_a_token(platform_store: Platform, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SHUAN_TOKEN", raising=False)
    assert main(["report", str(tmp_path / "x.xlsx")]) == 5
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_platform_audits_the_export(platform_store: Platform, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    fake_login(monkeypatch, Principal(user_id=7, username="auditor1", department_id=ROOT,
                                      department_path=(ROOT,), roles=frozenset({Role.AUDITOR}), client="cli"))
    assert main(["report", str(tmp_path / "city.json")]) == 0
    (ev,) = events(platform_store)
    details = json.loads(ev.details)
    assert ev.resource == "inventory:city" and details["format"] == "json" and details["tables"] == 12
    assert details["by_level"] == {"1": 3, "2": 8, "3": 1}


def test_cli_platform_department_scope(platform_store: Platform, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    steward = Principal(user_id=8, username="steward1", department_id=CITY_A, department_path=(ROOT, CITY_A),
                        roles=frozenset({Role.STEWARD}), client="cli")
    fake_login(monkeypatch, steward)
    assert main(["report", str(tmp_path / "own.csv")]) == 0  # defaults to the own department
    assert main(["report", str(tmp_path / "child.csv"), "--department", str(CITY_A1)]) == 0
    assert main(["report", str(tmp_path / "other.csv"), "--department", str(CITY_B)]) == 6
    assert not (tmp_path / "other.csv").exists()
    rows = events(platform_store)
    assert [r.resource for r in rows] == [f"inventory:department:{CITY_A}", f"inventory:department:{CITY_A1}",
                                          f"inventory:department:{CITY_B}"]
    assert [r.outcome for r in rows][-1] != rows[0].outcome  # the refusal is recorded as such


def test_report_scope_rules(platform_store: Platform) -> None:
    def who(role: Role, dept: int) -> Principal:
        return Principal(user_id=1, username="u", department_id=dept, roles=frozenset({role}))

    store = platform_store.store
    assert report_scope(store, who(Role.SECADMIN, CITY_B), None) is None
    assert report_scope(store, who(Role.DEPT_SECURITY_OFFICER, ROOT), CITY_B) == CITY_B  # the data authority
    assert report_scope(store, who(Role.DEPT_SECURITY_OFFICER, CITY_A), None) == CITY_A
    with pytest.raises(PermissionDenied):
        report_scope(store, who(Role.DATA_USER, ROOT), None)
    with pytest.raises(PermissionDenied):
        report_scope(store, who(Role.SYSADMIN, ROOT), None)
    with pytest.raises(PermissionDenied):
        report_scope(store, who(Role.STEWARD, CITY_A), departments.UNASSIGNED)
