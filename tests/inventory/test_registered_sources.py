"""Registered sources: owners and responsible persons, encrypted locations, audited scans, history, the
access register, scheduled rescans, copies (issue 4, item 1)."""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import inspect, select, text

from shuan.access.service import get_resource
from shuan.clock import utcnow
from shuan.config import Settings
from shuan.demo.fake import Fake
from shuan.errors import Conflict, NotFound, PermissionDenied, SourceError, StoreError
from shuan.identity.roles import Role
from shuan.inventory.models import RegisteredSource
from shuan.inventory.sources import (
    deactivate_source,
    due_sources,
    end_copy,
    get_source,
    list_copies,
    list_sources,
    record_copy,
    register_source,
    run_due_scans,
    scan_history,
    scan_source,
    set_responsible,
    update_source,
)
from shuan.platform import Platform, open_platform
from shuan.store.db import alembic_config, open_store
from shuan.store.models import ScanRun, SourceRecord
from tests.conftest import PG_URL, TEST_ROOT_KEY, in_ci, pg_schema
from tests.identity.conftest import Actor, World, fast_argon2, migrated_template, platform  # noqa: F401
from tests.schema_helpers import schema_diffs

SOURCE_TABLES = {"registered_sources", "source_copies"}


# -- fixtures -----------------------------------------------------------------------------------------


def people_csv(path: Path, rows: int = 60) -> Path:
    fake = Fake(7)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["姓名", "身份证号", "手机号", "备注"])
        for i in range(rows):
            w.writerow([fake.person_name(), fake.resident_id(), fake.mobile(), f"备注{i}"])
    return path


def people_sqlite(path: Path) -> Path:
    fake = Fake(9)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE rk (xm TEXT, sfzh TEXT, bz TEXT)")
    con.executemany("INSERT INTO rk VALUES (?, ?, ?)", [(fake.person_name(), fake.resident_id(), "x")
                                                       for _ in range(50)])
    con.execute("CREATE TABLE gg (title TEXT)")
    con.executemany("INSERT INTO gg VALUES (?)", [(f"公告{i}",) for i in range(20)])
    con.commit()
    con.close()
    return path


class City:
    """Two departments with stewards, users and an officer; the bootstrapped 安全管理员 and 审计管理员."""

    def __init__(self, world: World) -> None:
        self.world = world
        world.bootstrap_admin()
        self.ga = world.department("公安局")
        self.wj = world.department("卫健委")
        self.steward_ga = world.user("ga.steward", (Role.STEWARD,), department_id=self.ga)
        self.user_ga = world.user("ga.user", department_id=self.ga)
        self.officer_ga = world.user("ga.officer", (Role.DEPT_SECURITY_OFFICER,), department_id=self.ga)
        self.steward_wj = world.user("wj.steward", (Role.STEWARD,), department_id=self.wj)
        self.user_wj = world.user("wj.user", department_id=self.wj)
        self.secadmin = world.officer(Role.SECADMIN)
        self.auditor = world.officer(Role.AUDITOR)

    @property
    def p(self) -> Platform:
        return self.world.platform


@pytest.fixture
def city(world: World) -> City:
    return City(world)


@pytest.fixture
def world(platform: Platform) -> Iterator[World]:  # noqa: F811 - the identity conftest's platform
    yield World(platform)


def dump(p: Platform) -> bytes:
    """Every byte the store holds (SQLite file and WAL), to look for secrets."""
    home = Path(p.settings.home)
    return b"".join(f.read_bytes() for f in home.glob("shuan.db*"))


def events(p: Platform, action: str) -> list[dict[str, object]]:
    with p.store.sessions() as s:
        rows = s.execute(text("SELECT outcome, actor, resource, details FROM audit_events WHERE action = :a "
                              "ORDER BY seq"), {"a": action}).all()
    return [{"outcome": o, "actor": a, "resource": r, "details": json.loads(d)} for o, a, r, d in rows]


def all_audit_text(p: Platform) -> str:
    with p.store.sessions() as s:
        return "\n".join(" ".join(str(c) for c in row) for row in s.execute(text("SELECT * FROM audit_events")))


# -- schema ---------------------------------------------------------------------------------------------


def source_diffs(engine: sa.Engine) -> list[object]:
    return schema_diffs(engine, SOURCE_TABLES)


def test_migration_matches_models_and_goes_down_and_up(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        assert source_diffs(store.engine) == []
        cfg = alembic_config(store.engine)
        command.downgrade(cfg, "0008")
        assert not SOURCE_TABLES & set(inspect(store.engine).get_table_names())
        command.upgrade(cfg, "head")
        assert SOURCE_TABLES <= set(inspect(store.engine).get_table_names())
        with store.engine.begin() as c:  # the comparison does see a difference when there is one
            c.execute(text("DROP INDEX ix_registered_sources_next_scan_at"))
        assert source_diffs(store.engine) != []
    finally:
        store.close()


# -- registration, secrets ----------------------------------------------------------------------------


def test_register_file_and_sqlite_sources(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    f = people_csv(tmp_path / "rk.csv")
    view = register_source(p, actor=city.steward_ga.principal, name="公安人口", location=str(f),
                           department_id=city.ga, responsible_username="ga.user", schedule_hours=24, now=w.now)
    assert (view.kind, view.display, view.department_id, view.responsible_username) == (
        "file", str(f), city.ga, "ga.user")
    assert view.resource == "src:公安人口" and view.next_scan_at == w.now and view.active
    db = register_source(p, actor=city.secadmin.principal, name="卫健库", location=str(people_sqlite(tmp_path / "w.db")),
                         department_id=city.wj, responsible_username="wj.user", now=w.now)
    assert db.kind == "sqlite" and db.next_scan_at is None
    with p.store.sessions() as s:
        envelope = s.scalar(select(RegisteredSource.location_envelope).where(RegisteredSource.id == view.id))
    assert envelope is not None and str(f).encode() not in envelope  # the location is stored encrypted
    reg = events(p, "source.register")
    assert [e["details"]["responsible"] for e in reg] == ["ga.user", "wj.user"]  # type: ignore[index]
    assert reg[0]["resource"] == "src:公安人口"
    # the data key for source secrets is the department's own
    assert any(e["resource"] == f"key:dek/sources-dept-{city.ga}/v1" for e in events(p, "key.create"))

    with pytest.raises(Conflict):  # the same name again
        register_source(p, actor=city.steward_ga.principal, name="公安人口", location=str(tmp_path / "x.csv"),
                        department_id=city.ga, responsible_username="ga.user")
    with pytest.raises(Conflict, match="公安人口"):  # the same place again
        register_source(p, actor=city.steward_ga.principal, name="又一个", location=str(f),
                        department_id=city.ga, responsible_username="ga.user")
    with pytest.raises(Conflict, match="责任人"):  # the responsible person belongs to the department
        register_source(p, actor=city.steward_ga.principal, name="另一个", location=str(tmp_path / "y.csv"),
                        department_id=city.ga, responsible_username="wj.user")
    with pytest.raises(NotFound):
        register_source(p, actor=city.steward_ga.principal, name="另一个", location=str(tmp_path / "y.csv"),
                        department_id=city.ga, responsible_username="nobody")


def test_steward_of_another_department_is_refused_and_audited(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    for actor in (city.steward_wj, city.user_ga, city.auditor):
        with pytest.raises(PermissionDenied):
            register_source(p, actor=actor.principal, name="越权", location=str(tmp_path / "a.csv"),
                            department_id=city.ga, responsible_username="ga.user", now=w.now)
    denied = events(p, "source.register")
    assert [(e["outcome"], e["actor"]) for e in denied] == [
        ("denied", "wj.steward"), ("denied", "ga.user"), ("denied", "root.auditor")]
    view = register_source(p, actor=city.officer_ga.principal, name="公安", location=str(people_csv(tmp_path / "b.csv")),
                           department_id=city.ga, responsible_username="ga.user", now=w.now)
    for call in (
        lambda a: scan_source(p, actor=a, source_id=view.id),
        lambda a: set_responsible(p, actor=a, source_id=view.id, responsible_username="ga.user"),
        lambda a: deactivate_source(p, actor=a, source_id=view.id),
        lambda a: update_source(p, actor=a, source_id=view.id, schedule_hours=1),
    ):
        with pytest.raises(PermissionDenied):
            call(city.steward_wj.principal)
    assert events(p, "source.scan")[-1]["outcome"] == "denied"
    assert get_source(p, actor=city.user_ga.principal, source_id=view.id).name == "公安"
    with pytest.raises(PermissionDenied):
        get_source(p, actor=city.user_wj.principal, source_id=view.id)
    with pytest.raises(PermissionDenied):
        scan_history(p, actor=city.user_wj.principal, source_id=view.id)
    assert [v.name for v in list_sources(p, actor=city.user_ga.principal)] == ["公安"]
    assert list_sources(p, actor=city.user_wj.principal) == []
    assert [v.name for v in list_sources(p, actor=city.auditor.principal)] == ["公安"]
    with pytest.raises(PermissionDenied):
        list_sources(p, actor=city.user_wj.principal, department_id=city.ga)
    moved = set_responsible(p, actor=city.steward_ga.principal, source_id=view.id, responsible_username="ga.officer")
    assert moved.responsible_username == "ga.officer"
    assert events(p, "source.responsible")[-1]["details"]["to"] == "ga.officer"  # type: ignore[index]


# -- scans ----------------------------------------------------------------------------------------------


def test_scan_history_and_access_register(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    f = people_csv(tmp_path / "hj.csv")
    view = register_source(p, actor=city.steward_ga.principal, name="户籍", location=str(f), department_id=city.ga,
                           responsible_username="ga.user", schedule_hours=12, now=w.now)
    done = scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    assert done.status == "completed" and done.tables == 1 and done.errors == 0 and done.max_level is not None
    assert done.max_level >= 2 and done.access_problems == ()
    assert done.next_scan_at == w.now + timedelta(hours=12)
    shown = get_source(p, actor=city.user_ga.principal, source_id=view.id)
    assert shown.last_scan_id == done.scan_id and shown.last_error is None
    with p.store.sessions() as s:
        run = s.get(ScanRun, done.scan_id)
        assert run is not None
        assert s.get(SourceRecord, run.source_id).display == str(f)  # type: ignore[union-attr]
    ok = events(p, "source.scan")[-1]
    assert ok["outcome"] == "success" and ok["details"]["scan"] == done.scan_id  # type: ignore[index]
    # the access register: the source (一级 of its own), its table at its grade, sensitive columns
    src = get_resource(p, "src:户籍")
    assert (src.owner_department_id, src.level, src.effective_level) == (city.ga, 1, done.max_level)
    tbl = get_resource(p, "src:户籍/tbl:hj")
    assert (tbl.owner_department_id, tbl.level) == (city.ga, done.max_level)
    sfzh = get_resource(p, "src:户籍/tbl:hj/col:身份证号")
    assert sfzh.owner_department_id == city.ga and (sfzh.level or 0) >= 2
    with pytest.raises(NotFound):
        get_resource(p, "src:户籍/tbl:hj/col:备注")  # 一级 columns inherit
    assert any(e["actor"] == "system" for e in events(p, "resource.register"))

    w.tick(hours=1)
    again = scan_source(p, actor=city.secadmin.principal, source_id=view.id, now=w.now)
    history = scan_history(p, actor=city.user_ga.principal, source_id=view.id)
    assert [h.scan_id for h in history] == [again.scan_id, done.scan_id]
    assert all(h.status == "completed" and h.tables == 1 and h.max_level == done.max_level for h in history)
    assert scan_history(p, actor=city.auditor.principal, source_id=view.id, limit=1)[0].scan_id == again.scan_id


def test_a_failed_scan_leaves_no_scan_and_is_recorded(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    gone = tmp_path / "gone.csv"
    view = register_source(p, actor=city.steward_ga.principal, name="丢失", location=str(gone),
                           department_id=city.ga, responsible_username="ga.user", schedule_hours=6, now=w.now)
    with pytest.raises(SourceError, match="丢失") as err:
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    assert "\n" not in str(err.value)
    with p.store.sessions() as s:
        assert s.scalar(select(sa.func.count()).select_from(ScanRun)) == 0
    failed = events(p, "source.scan")[-1]
    assert failed["outcome"] == "failure" and failed["details"]["reason"] == "source.missing"  # type: ignore[index]
    shown = get_source(p, actor=city.steward_ga.principal, source_id=view.id)
    assert shown.last_error and "丢失" not in shown.last_error and shown.last_scan_id is None
    assert shown.next_scan_at == w.now + timedelta(hours=6)
    deactivate_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    with pytest.raises(Conflict):
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)


def test_run_due_scans_with_a_moving_clock(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    good = register_source(p, actor=city.steward_ga.principal, name="好", location=str(people_csv(tmp_path / "g.csv")),
                           department_id=city.ga, responsible_username="ga.user", schedule_hours=24, now=w.now)
    bad = register_source(p, actor=city.steward_ga.principal, name="坏", location=str(tmp_path / "missing.csv"),
                          department_id=city.ga, responsible_username="ga.user", schedule_hours=2, now=w.now)
    manual = register_source(p, actor=city.steward_wj.principal, name="手动",
                             location=str(people_csv(tmp_path / "m.csv")), department_id=city.wj,
                             responsible_username="wj.user", now=w.now)
    assert [v.name for v in due_sources(p, w.now)] == ["好", "坏"]
    first = run_due_scans(p, now=w.now)
    assert [(v.source_name, v.status) for v in first] == [("好", "completed"), ("坏", "failed")]
    assert first[1].error and "坏" in first[1].error
    assert due_sources(p, w.now) == []
    w.tick(hours=3)
    assert [v.source_name for v in run_due_scans(p, now=w.now)] == ["坏"]  # the 2-hour source only
    w.tick(hours=22)
    assert sorted(v.source_name for v in run_due_scans(p, now=w.now)) == ["坏", "好"]
    assert len(scan_history(p, actor=city.user_ga.principal, source_id=good.id)) == 2
    assert scan_history(p, actor=city.user_wj.principal, source_id=manual.id) == []
    assert {e["actor"] for e in events(p, "source.scan")} == {"system"}
    deactivate_source(p, actor=city.steward_ga.principal, source_id=bad.id, now=w.now)
    w.tick(hours=48)
    assert [v.name for v in due_sources(p, w.now)] == ["好"]


def test_one_scan_of_a_source_at_a_time_across_callers(city: City, tmp_path: Path) -> None:
    """Two scans of the same source at once (two console users, or a console and `source run-due` in
    another process): the second is refused while the first holds the claim; the claim is released at
    the end, and a claim left by a process that died lapses."""
    p, w = city.p, city.world
    view = register_source(p, actor=city.steward_ga.principal, name="并发", location=str(people_csv(tmp_path / "c.csv")),
                           department_id=city.ga, responsible_username="ga.user", schedule_hours=1, now=w.now)
    inside, go_on = threading.Event(), threading.Event()
    results: list[object] = []

    def slow(table: str, done: int, total: int, rows: int) -> None:
        inside.set()
        go_on.wait(30)

    first = threading.Thread(target=lambda: results.append(
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, progress=slow, now=w.now)))
    first.start()
    assert inside.wait(30)
    with pytest.raises(Conflict, match="正在扫描"):
        scan_source(p, actor=city.officer_ga.principal, source_id=view.id, now=w.now)
    # due since its registration, but claimed: run-due reports it and goes on
    assert [(v.source_name, v.status) for v in run_due_scans(p, now=w.now)] == [("并发", "failed")]
    go_on.set()
    first.join(60)
    assert len(results) == 1 and getattr(results[0], "status", None) == "completed"
    refused = [e for e in events(p, "source.scan") if e["outcome"] == "failure"]
    assert [e["actor"] for e in refused] == ["ga.officer", "system"]
    assert len(events(p, "source.scan_start")) == 1
    with p.store.sessions() as s:
        row = s.get(RegisteredSource, view.id)
        assert row is not None and row.scan_claim is None and row.scan_claim_until is None
    # a claim whose process died: refused until it lapses (claims run on the real clock, not `now`)
    with p.store.transaction() as s:
        row = s.get(RegisteredSource, view.id)
        assert row is not None
        row.scan_claim, row.scan_claim_until = "dead-process", utcnow() + timedelta(minutes=30)
    with pytest.raises(Conflict):
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now - timedelta(hours=5))
    with p.store.transaction() as s:
        row = s.get(RegisteredSource, view.id)
        assert row is not None
        row.scan_claim_until = utcnow() - timedelta(seconds=1)
    assert scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now).status == "completed"


def test_a_failure_while_writing_releases_the_claim_and_is_recorded(city: City, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import shuan.inventory.samples as samples

    p, w = city.p, city.world
    view = register_source(p, actor=city.steward_ga.principal, name="写失败", location=str(people_csv(tmp_path / "f.csv")),
                           department_id=city.ga, responsible_username="ga.user", now=w.now)

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(samples, "seal_samples", broken)
    with pytest.raises(StoreError, match="disk on fire"):
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    with p.store.sessions() as s:
        row = s.get(RegisteredSource, view.id)
        assert row is not None and row.scan_claim is None and row.last_error
        assert s.scalar(select(sa.func.count()).select_from(ScanRun)) == 0  # nothing of the scan stays
    assert events(p, "source.scan")[-1]["outcome"] == "failure"
    monkeypatch.undo()
    assert scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now).status == "completed"


def test_a_scan_that_lost_its_claim_saves_nothing(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    view = register_source(p, actor=city.steward_ga.principal, name="被抢", location=str(people_csv(tmp_path / "l.csv")),
                           department_id=city.ga, responsible_username="ga.user", now=w.now)

    def steal(table: str, done: int, total: int, rows: int) -> None:
        with p.store.transaction() as s:  # another process took over after this claim lapsed
            row = s.get(RegisteredSource, view.id)
            assert row is not None
            row.scan_claim = "another-process"

    with pytest.raises(Conflict, match="占用已失效"):
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, progress=steal, now=w.now)
    with p.store.sessions() as s:
        assert s.scalar(select(sa.func.count()).select_from(ScanRun)) == 0
        row = s.get(RegisteredSource, view.id)
        assert row is not None and row.scan_claim == "another-process"  # not ours to release
    assert events(p, "source.scan")[-1]["details"]["reason"] == "sources.claim_lost"  # type: ignore[index]


def test_a_failed_scan_releases_its_claim(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    view = register_source(p, actor=city.steward_ga.principal, name="丢", location=str(tmp_path / "none.csv"),
                           department_id=city.ga, responsible_username="ga.user", now=w.now)
    for _ in range(2):  # the second attempt is not refused as "running"
        with pytest.raises(SourceError, match="扫描数据源"):
            scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    with p.store.sessions() as s:
        row = s.get(RegisteredSource, view.id)
        assert row is not None and row.scan_claim is None


# -- copies ---------------------------------------------------------------------------------------------


def test_copies_with_their_own_responsible_person(city: City, tmp_path: Path) -> None:
    p, w = city.p, city.world
    view = register_source(p, actor=city.steward_ga.principal, name="人口库", location=str(tmp_path / "a.csv"),
                           department_id=city.ga, responsible_username="ga.user", now=w.now)
    copy = record_copy(p, actor=city.steward_ga.principal, source_id=view.id, holder_department_id=city.wj,
                       responsible_username="wj.user", purpose="疫情防控数据共享",
                       location="postgresql://wj:CopySecret9@10.0.0.5/wj", now=w.now)
    assert (copy.holder_department_id, copy.responsible_username) == (city.wj, "wj.user")
    assert "CopySecret9" not in copy.location and "***" in copy.location
    with pytest.raises(Conflict):  # the holder's responsible person is of the holder department
        record_copy(p, actor=city.steward_ga.principal, source_id=view.id, holder_department_id=city.wj,
                    responsible_username="ga.user", purpose="x", location="y")
    with pytest.raises(PermissionDenied):  # the holder does not record copies of another's source
        record_copy(p, actor=city.steward_wj.principal, source_id=view.id, holder_department_id=city.wj,
                    responsible_username="wj.user", purpose="x", location="y")
    assert [c.id for c in list_copies(p, actor=city.user_ga.principal, source_id=view.id)] == [copy.id]
    ended = end_copy(p, actor=city.steward_wj.principal, copy_id=copy.id, now=w.now)  # the holder ends it
    assert ended.ended_at == w.now and ended.ended_by == "wj.steward"
    assert list_copies(p, actor=city.user_ga.principal, source_id=view.id) == []
    assert len(list_copies(p, actor=city.user_ga.principal, source_id=view.id, include_ended=True)) == 1
    with pytest.raises(Conflict):
        end_copy(p, actor=city.steward_ga.principal, copy_id=copy.id)
    copies = events(p, "source.copy")
    assert [e["outcome"] for e in copies] == ["success", "failure", "denied"]
    assert copies[0]["details"]["holder"] == city.wj  # type: ignore[index]
    assert "CopySecret9" not in all_audit_text(p) and b"CopySecret9" not in dump(p)


# -- PostgreSQL source with a password ------------------------------------------------------------------


@pytest.fixture
def pg_table() -> Iterator[tuple[str, str]]:
    """A table of people in a fresh schema of the machine's PostgreSQL; (schema, url with a password)."""
    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                              poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})
    schema = f"shuan_src_{uuid.uuid4().hex[:8]}"
    try:
        with engine.begin() as c:
            c.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    except Exception as exc:  # noqa: BLE001
        engine.dispose()
        if in_ci():
            raise
        pytest.skip(f"PostgreSQL not reachable: {type(exc).__name__}")
    fake = Fake(3)
    with engine.begin() as c:
        c.exec_driver_sql(f'CREATE TABLE "{schema}".rk (xm text, sfzh text)')
        for _ in range(40):
            c.exec_driver_sql(f'INSERT INTO "{schema}".rk VALUES (%s, %s)', (fake.person_name(), fake.resident_id()))
    url = sa.engine.make_url(PG_URL)
    # trust authentication accepts any password: the password is a secret to keep out of everything
    with_password = url.set(password="Sup3r-Secret-Pw").render_as_string(hide_password=False)
    try:
        yield schema, with_password
    finally:
        with engine.begin() as c:
            c.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()


@pytest.mark.integration
def test_postgresql_source_keeps_its_password_secret(city: City, pg_table: tuple[str, str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    p, w = city.p, city.world
    schema, url = pg_table
    secret = "Sup3r-Secret-Pw"
    view = register_source(p, actor=city.steward_ga.principal, name="公安库", location=url, department_id=city.ga,
                           responsible_username="ga.user", now=w.now)
    assert view.kind == "postgresql" and secret not in view.display and "***" in view.display
    assert secret not in repr(view)
    done = scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    assert done.status in ("completed", "partial") and done.scan_id is not None
    assert get_resource(p, f"src:公安库/tbl:{schema}.rk").owner_department_id == city.ga
    # an unreachable server: one line naming the source, never the password
    unreachable = sa.engine.make_url(url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    update_source(p, actor=city.steward_ga.principal, source_id=view.id, location=unreachable, now=w.now)
    with pytest.raises(SourceError, match="公安库") as err:
        scan_source(p, actor=city.steward_ga.principal, source_id=view.id, now=w.now)
    assert secret not in str(err.value) and "\n" not in str(err.value)
    with p.store.sessions() as s:
        assert s.scalar(select(sa.func.count()).select_from(ScanRun)) == 1
        rows = s.execute(text("SELECT * FROM registered_sources")).all()
    assert secret not in repr(rows)
    assert secret not in all_audit_text(p)
    assert secret.encode() not in dump(p)
    out = capsys.readouterr()
    assert secret not in out.out and secret not in out.err


# -- PostgreSQL as the store ------------------------------------------------------------------------------


@pytest.mark.integration
def test_migration_on_postgresql() -> None:
    with pg_schema("shuan_srcmig") as scoped:
        platform = open_platform(Settings(root_key=TEST_ROOT_KEY), url=scoped)
        try:
            assert source_diffs(platform.store.engine) == []
            cfg = alembic_config(platform.store.engine)
            command.downgrade(cfg, "0008")
            command.upgrade(cfg, "head")
            assert source_diffs(platform.store.engine) == []
        finally:
            platform.close()
