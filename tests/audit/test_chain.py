"""The hash chain: appends, verification, and each kind of tampering named precisely."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from shuan.audit import service
from shuan.audit.events import Event, Outcome
from shuan.audit.models import AuditEventRow
from shuan.audit.verify import verify_store
from shuan.errors import AuditError, PermissionDenied
from shuan.identity.principal import Principal
from shuan.platform import Platform
from tests.audit.conftest import principal


def append(platform: Platform, n: int, actor: Principal | None = None, batch: int = 5) -> None:
    who = actor or principal("zhangsan")
    for start in range(0, n, batch):
        with platform.store.transaction() as s:
            platform.audit.record_many(s, [Event("test.event", who, resource=f"tbl:t{i}", details={"i": i})
                                           for i in range(start, min(n, start + batch))])


def verify(platform: Platform):  # type: ignore[no-untyped-def]
    with platform.store.transaction() as s:
        verifier = service._verifier(platform, s)
    return verify_store(platform.store, verifier, interval=platform.audit.checkpoint_every)


def checkpoints(platform: Platform) -> list[int]:
    with platform.store.engine.begin() as conn:
        return [int(r[0]) for r in conn.execute(text("SELECT upto_seq FROM audit_checkpoints ORDER BY upto_seq"))]


def sql(platform: Platform, statement: str, **params: object) -> None:
    with platform.store.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_intact_chain_verifies(platform: Platform) -> None:
    append(platform, 50)
    report = verify(platform)
    assert report.ok, report.problems
    assert report.first_seq == 1 and report.last_seq == report.events >= 51  # + key.create at open


@pytest.mark.parametrize(
    ("tamper", "kind", "seq"),
    [
        ("UPDATE audit_events SET actor='lisi' WHERE seq=20", "altered", 20),
        ("UPDATE audit_events SET details='{}' WHERE seq=7", "altered", 7),
        ("UPDATE audit_events SET ts='2020-01-01T00:00:00.000000Z' WHERE seq=30", "altered", 30),
        ("DELETE FROM audit_events WHERE seq=15", "missing", 15),
        ("UPDATE audit_events SET seq=-seq WHERE seq IN (10, 11); "
         "UPDATE audit_events SET seq=11 WHERE seq=-10; UPDATE audit_events SET seq=10 WHERE seq=-11", "reordered", 10),
    ],
)
def test_tampering_is_named(platform: Platform, tamper: str, kind: str, seq: int) -> None:
    append(platform, 40)
    for statement in tamper.split("; "):
        sql(platform, statement)
    report = verify(platform)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None and (problem.kind, problem.seq) == (kind, seq), problem
    assert f"{seq}" in problem.message


def test_rewritten_chain_is_caught_by_signed_checkpoint(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 35)
    # an attacker with database access edits event 5 and recomputes every later hash consistently
    with platform.store.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_events ORDER BY seq")).mappings().all()
        from shuan.audit.log import FIELDS, link_hash

        prev = rows[3]["hash"]
        for r in rows[4:]:
            values = {**r, "actor": "mallory"} if r["seq"] == 5 else dict(r)
            digest = link_hash(prev, [str(values["seq"])] + [values[f] for f in FIELDS[1:]])
            conn.execute(text("UPDATE audit_events SET actor=:a, prev_hash=:p, hash=:h WHERE seq=:s"),
                         {"a": values["actor"], "p": prev, "h": digest, "s": r["seq"]})
            prev = digest
        conn.execute(text("UPDATE audit_head SET hash=:h"), {"h": prev})
    report = verify(platform)
    problem = report.first_problem
    first_sealed = checkpoints(platform)[0]
    assert first_sealed >= 5
    assert problem is not None and problem.kind == "altered" and problem.seq == first_sealed


def test_forged_checkpoint_signature(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 25)
    sealed = checkpoints(platform)[0]
    sql(platform, "UPDATE audit_checkpoints SET signature=:s WHERE upto_seq=:q", s="00" * 64, q=sealed)
    problem = verify(platform).first_problem
    assert problem is not None and (problem.kind, problem.seq) == ("checkpoint", sealed)


def test_truncated_tail_is_caught(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 25)
    sql(platform, "DELETE FROM audit_events WHERE seq > 15")
    sql(platform, "UPDATE audit_head SET seq=15, hash=(SELECT hash FROM audit_events WHERE seq=15)")
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing" and problem.seq == checkpoints(platform)[-1] > 15


def test_head_mismatch_after_deleting_last_events(platform: Platform) -> None:
    append(platform, 5)
    sql(platform, "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing"


def test_sensitive_values_never_stored_in_clear(platform: Platform) -> None:
    with platform.store.transaction() as s:
        platform.audit.record(s, Event("auth.login_failed", principal("anonymous"), outcome=Outcome.FAILURE,
                                       sensitive={"typed_username": "wangwu-secret-name"}))
        platform.audit.record(s, Event("auth.login_failed", principal("anonymous"), outcome=Outcome.FAILURE,
                                       sensitive={"typed_username": "wangwu-secret-name"}))
    db = (platform.settings.home / "shuan.db").read_bytes()
    wal = platform.settings.home / "shuan.db-wal"
    blob = db + (wal.read_bytes() if wal.exists() else b"")
    assert b"wangwu-secret-name" not in blob
    with platform.store.sessions() as s:
        details = [r.details for r in s.query(AuditEventRow).filter(AuditEventRow.action == "auth.login_failed")]
    assert details[0] == details[1] and "hmac-sm3:" in details[0]  # equal values stay linkable


def test_control_characters_cannot_forge_field_boundaries(platform: Platform) -> None:
    with platform.store.transaction() as s:
        platform.audit.record(s, Event("x", principal("a\x1fb\x1ec\n"), resource="r\x1f"))
    assert verify(platform).ok


def test_fail_closed_when_audit_cannot_be_written(platform: Platform, secadmin: Principal,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_a: object, **_k: object) -> list[int]:
        raise AuditError("audit.write_failed", reason="disk full")

    monkeypatch.setattr(platform.audit, "record_many", broken)
    with pytest.raises(AuditError), platform.store.transaction() as s:
        platform.keyring.create_data_key(s, secadmin, "户籍库", 7)
    with platform.store.sessions() as s:
        assert platform.keyring.list_keys(s, department_id=7) == []


@pytest.mark.parametrize("who", ["sysadmin", "secadmin"])
def test_administrators_cannot_read_audit(platform: Platform, who: str, request: pytest.FixtureRequest) -> None:
    actor: Principal = request.getfixturevalue(who)
    for call in (lambda: service.query(platform, actor, service.AuditQuery()), lambda: service.verify(platform, actor)):
        with pytest.raises(PermissionDenied):
            call()
    with platform.store.sessions() as s:
        denied = s.query(AuditEventRow).filter(AuditEventRow.outcome == "denied",
                                               AuditEventRow.actor == actor.username).count()
    assert denied == 2


def test_auditor_queries_and_reading_is_audited(platform: Platform, auditor: Principal) -> None:
    append(platform, 10, principal("zhangsan"))
    append(platform, 3, principal("lisi"))
    rows = service.query(platform, auditor, service.AuditQuery(actor="lisi"))
    assert [r["actor"] for r in rows] == ["lisi"] * 3
    rows = service.query(platform, auditor, service.AuditQuery(action="audit.", limit=10))
    assert rows[0]["action"] == "audit.read"  # the query itself was recorded first
    rows = service.query(platform, auditor, service.AuditQuery(resource="tbl:t1", actor="zhangsan"))
    assert {r["resource"] for r in rows} == {"tbl:t1"}
    assert service.query(platform, auditor, service.AuditQuery(resource="%", limit=5)) == []  # LIKE escaped


def test_verify_service_records_outcome(platform: Platform, auditor: Principal) -> None:
    append(platform, 5)
    assert service.verify(platform, auditor).ok
    sql(platform, "UPDATE audit_events SET purpose='x' WHERE seq=3")
    report = service.verify(platform, auditor)
    assert not report.ok and report.first_problem is not None and report.first_problem.seq == 3


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_parallel_fast_pass_agrees_with_the_walk(platform: Platform, workers: int) -> None:
    append(platform, 60, batch=20)
    with platform.store.transaction() as s:
        verifier = service._verifier(platform, s)
    good = verify_store(platform.store, verifier, workers=workers)
    assert good.ok and good.events == good.last_seq == 64  # + 3 key creations and the configuration event
    sql(platform, "UPDATE audit_events SET resource='x' WHERE seq=44")
    bad = verify_store(platform.store, verifier, workers=workers)
    assert bad.first_problem is not None and (bad.first_problem.kind, bad.first_problem.seq) == ("altered", 44)


def _rewrite_from(platform: Platform, seq: int) -> None:
    """An attacker with database access edits event `seq` and recomputes every later hash and the head."""
    from shuan.audit.log import FIELDS, link_hash

    with platform.store.engine.begin() as conn:
        rows = conn.execute(text("SELECT * FROM audit_events ORDER BY seq")).mappings().all()
        prev = rows[seq - 2]["hash"]
        for r in rows[seq - 1:]:
            values = {**r, "actor": "mallory"} if r["seq"] == seq else dict(r)
            digest = link_hash(prev, [str(values["seq"])] + [values[f] for f in FIELDS[1:]])
            conn.execute(text("UPDATE audit_events SET actor=:a, prev_hash=:p, hash=:h WHERE seq=:s"),
                         {"a": values["actor"], "p": prev, "h": digest, "s": r["seq"]})
            prev = digest
        conn.execute(text("UPDATE audit_head SET hash=:h"), {"h": prev})


def test_rewrite_plus_deleting_every_checkpoint_is_caught(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 35)
    _rewrite_from(platform, 5)
    sql(platform, "DELETE FROM audit_checkpoints")
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing" and problem.seq == 10  # first unsealed boundary


def test_deleting_the_newest_checkpoint_is_caught(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 35)
    newest = checkpoints(platform)[-1]
    sql(platform, "DELETE FROM audit_checkpoints WHERE upto_seq = :q", q=newest)
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing"


def test_deleting_a_middle_checkpoint_breaks_the_checkpoint_chain(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 35)
    middle = checkpoints(platform)[1]
    sql(platform, "DELETE FROM audit_checkpoints WHERE upto_seq = :q", q=middle)
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing" and "检查点" in problem.message


def test_forged_anchor_hiding_deleted_events_is_caught(platform: Platform) -> None:
    platform.audit.checkpoint_every = 10
    append(platform, 35)
    sealed = checkpoints(platform)[0]
    with platform.store.engine.begin() as conn:
        digest = conn.execute(text("SELECT hash FROM audit_events WHERE seq=:s"), {"s": sealed}).scalar()
        conn.execute(text("DELETE FROM audit_events WHERE seq <= :s"), {"s": sealed})
        conn.execute(text("INSERT INTO audit_anchor (id, seq, hash, archive_sm3) VALUES (1, :s, :h, :d)"),
                     {"s": sealed, "h": digest, "d": "0" * 64})
    problem = verify(platform).first_problem
    assert problem is not None and problem.kind == "missing" and problem.seq == sealed


def test_concurrent_writers_serialise_on_sqlite(platform: Platform) -> None:
    import threading

    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(60):
                with platform.store.transaction() as s:
                    platform.audit.record(s, Event("test.concurrent", principal(name), details={"i": i}))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"w{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify(platform)
    assert report.ok and report.events >= 240


def test_verify_while_appending_gives_no_false_alarm(platform: Platform) -> None:
    import threading

    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            with platform.store.transaction() as s:
                platform.audit.record(s, Event("test.live", principal("live"), details={"i": i}))
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        reports = [verify(platform) for _ in range(15)]
    finally:
        stop.set()
        t.join()
    assert all(r.ok for r in reports), [r.first_problem for r in reports if not r.ok]
