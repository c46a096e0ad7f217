"""Signed archives verify offline and refuse any change."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from shuan.audit import service
from shuan.audit.archive import verify_archive
from shuan.audit.events import Event
from shuan.errors import AuditError, PermissionDenied
from shuan.identity.principal import Principal
from shuan.platform import Platform
from tests.audit.conftest import principal


def fill(platform: Platform, n: int = 30) -> None:
    platform.audit.checkpoint_every = 10
    for start in range(0, n, 10):  # a checkpoint seals the end of each batch that crosses a boundary
        with platform.store.transaction() as s:
            platform.audit.record_many(s, [Event("test.event", principal("u"), details={"i": i})
                                           for i in range(start, min(n, start + 10))])


def rewrite(src: Path, dst: Path, name: str, edit) -> None:  # type: ignore[no-untyped-def]
    with tarfile.open(src) as tin, tarfile.open(dst, "w:gz") as tout:
        for m in tin.getmembers():
            data = tin.extractfile(m).read()  # type: ignore[union-attr]
            if m.name == name:
                data = edit(data)
            info = tarfile.TarInfo(m.name)
            info.size = len(data)
            tout.addfile(info, io.BytesIO(data))


def test_export_verifies_offline(platform: Platform, auditor: Principal, tmp_path: Path) -> None:
    fill(platform)
    result = service.export(platform, auditor, tmp_path / "audit.tar.gz")
    report, manifest = verify_archive(result.path, expect_fingerprint=result.fingerprint)
    assert report.ok and report.events == result.events == manifest["events"]
    assert report.checkpoints >= 3
    assert not list(tmp_path.glob(".audit-*"))  # no temp file left behind


def test_partial_export_anchors_to_previous_hash(platform: Platform, auditor: Principal, tmp_path: Path) -> None:
    fill(platform)
    result = service.export(platform, auditor, tmp_path / "part.tar.gz", since_seq=12, until_seq=25)
    report, _ = verify_archive(result.path)
    assert report.ok and (report.first_seq, report.last_seq) == (12, 25)


@pytest.mark.parametrize(
    ("member", "edit"),
    [
        ("events.jsonl", lambda b: b.replace(b'"u"', b'"v"', 1)),
        ("events.jsonl", lambda b: b"\n".join(b.split(b"\n")[1:])),
        ("manifest.json", lambda b: b.replace(b'"events"', b'"events" ', 1)),
        ("manifest.sig", lambda b: b"00" * 64),
    ],
)
def test_tampered_archive_rejected(platform: Platform, auditor: Principal, tmp_path: Path, member: str,
                                   edit) -> None:  # type: ignore[no-untyped-def]
    fill(platform)
    good = service.export(platform, auditor, tmp_path / "a.tar.gz").path
    bad = tmp_path / "bad.tar.gz"
    rewrite(good, bad, member, edit)
    with pytest.raises(AuditError):
        verify_archive(bad)


def test_rechained_archive_with_attacker_key_fails_pinning(platform: Platform, auditor: Principal,
                                                           tmp_path: Path) -> None:
    fill(platform)
    result = service.export(platform, auditor, tmp_path / "a.tar.gz")
    with pytest.raises(AuditError, match="指纹"):
        verify_archive(result.path, expect_fingerprint="0000:0000:0000:0000:0000:0000:0000:0000")


def test_garbage_archive_is_one_line_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(AuditError) as exc:
        verify_archive(junk)
    assert "\n" not in str(exc.value) and "junk.tar.gz" in str(exc.value)


def test_only_auditor_exports(platform: Platform, sysadmin: Principal, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        service.export(platform, sysadmin, tmp_path / "x.tar.gz")
    assert not (tmp_path / "x.tar.gz").exists()


def test_manifest_lists_range(platform: Platform, auditor: Principal, tmp_path: Path) -> None:
    fill(platform, 5)
    path = service.export(platform, auditor, tmp_path / "m.tar.gz").path
    with tarfile.open(path) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["first_seq"] == 1 and manifest["anchor"] == {"seq": 0, "hash": "0" * 64}


def test_prune_respects_retention_and_keeps_chain_verifiable(root_key: str, auditor: Principal, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    import shuan.audit.log
    from shuan.audit.models import AuditEventRow
    from shuan.clock import utcnow
    from shuan.errors import Conflict, NotFound
    from shuan.platform import open_platform

    real_now = utcnow()
    monkeypatch.setattr(shuan.audit.log, "utcnow", lambda: real_now - timedelta(days=400))
    platform = open_platform(url=f"sqlite:///{tmp_path / 'old.db'}")  # a platform started 400 days ago
    try:
        with platform.store.transaction() as s:
            platform.audit.record_many(s, [Event("old.event", principal("u"), details={"i": i}) for i in range(20)])
            platform.audit.seal(s)  # sealed back then (a running platform seals at least every minute)
            old_head = platform.audit._lock_head(s)[0]
        monkeypatch.undo()
        fill(platform, 15)
        with pytest.raises(Conflict, match="183"):
            service.archive_and_prune(platform, auditor, tmp_path / "p.tar.gz", before=real_now - timedelta(days=30))
        result = service.archive_and_prune(platform, auditor, tmp_path / "p.tar.gz",
                                           before=real_now - timedelta(days=300))
        assert result.pruned == old_head == result.anchor_seq  # key creation, configuration, the 20 old events
        report, _ = verify_archive(result.archive.path, expect_fingerprint=result.archive.fingerprint)
        assert report.ok and report.last_seq == result.anchor_seq
        online = service.verify(platform, auditor)
        assert online.ok and online.first_seq == result.anchor_seq + 1
        with pytest.raises(NotFound):  # nothing old is left
            service.archive_and_prune(platform, auditor, tmp_path / "q.tar.gz", before=real_now - timedelta(days=300))
        with platform.store.sessions() as s:
            prunes = s.query(AuditEventRow).filter(AuditEventRow.action == "audit.prune")
            assert prunes.filter(AuditEventRow.outcome == "success").count() == 1
            assert prunes.filter(AuditEventRow.outcome == "failure").count() == 2  # too recent, nothing left
            assert s.query(AuditEventRow).filter(AuditEventRow.action == "old.event").count() == 0
    finally:
        platform.close()


def test_prune_denied_to_administrators(platform: Platform, sysadmin: Principal, tmp_path: Path) -> None:
    from datetime import timedelta

    from shuan.clock import utcnow

    with pytest.raises(PermissionDenied):
        service.archive_and_prune(platform, sysadmin, tmp_path / "p.tar.gz", before=utcnow() - timedelta(days=300))
