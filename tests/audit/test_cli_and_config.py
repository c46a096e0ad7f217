"""`shuan audit verify-archive` refuses an unpinned signer; configuration changes reach the audit chain."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from shuan.audit import service
from shuan.audit.models import AuditEventRow
from shuan.cli.main import main
from shuan.config import get_settings
from shuan.identity.principal import Principal
from shuan.platform import Platform, open_platform


def run(*args: str) -> tuple[int, str, str]:
    with CliRunner().isolation() as (out, err, _):
        code = main(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
    return code, out.getvalue().decode(), err.getvalue().decode()


def test_verify_archive_needs_a_pinned_key(platform: Platform, auditor: Principal, tmp_path: Path) -> None:
    result = service.export(platform, auditor, tmp_path / "a.tar.gz")
    code, _, err = run("audit", "verify-archive", str(result.path))
    assert code == 2 and "--expect-key" in err and err.count("\n") == 1
    code, out, _ = run("audit", "verify-archive", str(result.path), "--expect-key", result.fingerprint)
    assert code == 0 and "完整" in out
    code, _, err = run("audit", "verify-archive", str(result.path), "--expect-key", "0000:0000")
    assert code != 0 and "指纹" in err
    code, out, _ = run("audit", "verify-archive", str(result.path), "--trust-embedded-key")
    assert code == 0


def config_events(platform: Platform) -> list[AuditEventRow]:
    with platform.store.sessions() as s:
        return list(s.scalars(select(AuditEventRow).where(AuditEventRow.action == "config.change")))


def test_configuration_changes_are_audited(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(config_events(platform)) == 1  # the policy in force at first start
    platform.close()
    open_platform().close()  # same settings: nothing new
    monkeypatch.setenv("SHUAN_LOCKOUT_THRESHOLD", "3")
    get_settings.cache_clear()
    p = open_platform()
    try:
        events = config_events(p)
        assert len(events) == 2 and '"changed":["lockout_threshold"]' in events[-1].details
        assert '"lockout_threshold":3' in events[-1].details
    finally:
        p.close()
