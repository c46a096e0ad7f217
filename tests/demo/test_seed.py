"""The seeded demo city: departments, users in each role, registered and scanned sources, credentials that
log in, a second run that changes nothing, and `shuan demo --console` printing them (without serving)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import func, select

from shuan.access.models import AccessGrant
from shuan.access.service import verify_grant_approval
from shuan.cli.main import main
from shuan.config import get_settings
from shuan.demo.seed import DEPARTMENTS, SECADMIN, SHOWN_STEWARD, VENDOR, DemoCredentials, seed_city
from shuan.identity import passwords
from shuan.identity.models import Department, User, UserRole
from shuan.identity.roles import Role
from shuan.identity.sessions import login, verify_mfa
from shuan.identity.stages import SessionStage
from shuan.inventory.persist import latest_inventory
from shuan.inventory.sources import RegisteredSource
from shuan.platform import Platform
from shuan.sharing.requests import verify_request


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passwords, "TIME_COST", 1)
    monkeypatch.setattr(passwords, "MEMORY_COST_KIB", 64)
    monkeypatch.setattr(passwords, "PARALLELISM", 1)


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-data")


@pytest.fixture
def seeded(platform: Platform, demo_folder: Path) -> Iterator[DemoCredentials]:
    credentials = seed_city(platform, demo_folder)
    assert credentials is not None
    yield credentials


def _counts(platform: Platform) -> tuple[int, int, int]:
    with platform.store.sessions() as s:
        return (s.scalar(select(func.count()).select_from(Department)) or 0,
                s.scalar(select(func.count()).select_from(User)) or 0,
                s.scalar(select(func.count()).select_from(RegisteredSource)) or 0)


def test_seed_creates_the_city(platform: Platform, seeded: DemoCredentials, demo_folder: Path) -> None:
    assert seeded.departments == tuple(d.name for d in DEPARTMENTS)
    with platform.store.sessions() as s:
        roles = set(s.scalars(select(UserRole.role)))
        vendor = s.scalar(select(User).where(User.username == VENDOR))
        sources = list(s.scalars(select(RegisteredSource)))
    assert roles == {r.value for r in Role}
    assert vendor is not None and vendor.vendor_until is not None
    assert _counts(platform) == (len(DEPARTMENTS) + 1, len(seeded.usernames), len(DEPARTMENTS))
    assert all(src.last_scan_id is not None and src.last_error is None for src in sources)
    assert all(scan.status == "completed" and scan.tables > 0 for scan in seeded.scans), seeded.scans
    rows, errors = latest_inventory(platform.store)
    assert errors == [] and len(rows) == 9
    assert {row.table.name.split(".")[-1] for row in rows} >= {"hj_rkxx", "yb_jsxx", "sb_cbry"}
    levels = {scan.source_name: scan.max_level for scan in seeded.scans}
    assert levels["医保结算"] == 3 and levels["户籍人口"] == 2 and levels["统计汇总"] == 1, levels

    # a second run changes nothing
    assert seed_city(platform, demo_folder) is None
    assert _counts(platform) == (len(DEPARTMENTS) + 1, len(seeded.usernames), len(DEPARTMENTS))


@pytest.mark.parametrize("username", [SECADMIN, SHOWN_STEWARD])
def test_printed_credentials_log_in(platform: Platform, seeded: DemoCredentials, username: str) -> None:
    account = seeded.account(username)
    # the current step's code (shown as a convenience) is still unused after seeding
    first = login(platform, username=account.username, password=account.password)
    assert first.stage is SessionStage.MFA
    done = verify_mfa(platform, session_id=first.session_id, code=pyotp.TOTP(account.totp_secret).now())
    assert done.stage is SessionStage.ACTIVE
    assert account.totp_uri.startswith("otpauth://totp/") and account.totp_secret in account.totp_uri


def test_demo_console_prints_credentials(capsys: pytest.CaptureFixture[str], isolated_home: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SHUAN_ROOT_KEY", "SHUAN_ROOT_KEY_FILE", "SHUAN_KMS", "SHUAN_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    assert main(["demo", "--console", "--no-serve", "--port", "8765"]) == 0
    out, err = capsys.readouterr()
    text = out + err
    key = isolated_home / "demo-root.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and str(key) in err
    assert "http://127.0.0.1:8765/console" in text
    assert SECADMIN in out and SHOWN_STEWARD in out and "otpauth://" in out and "▄" in out

    # a second run reuses the store and the key, and shows no credentials
    assert main(["demo", "--console", "--no-serve"]) == 0
    out, err = capsys.readouterr()
    assert "otpauth://" not in out and "--reset" in err

    # --reset starts over with new credentials
    assert main(["demo", "--console", "--no-serve", "--reset"]) == 0
    out, _ = capsys.readouterr()
    assert "otpauth://" in out


def test_seed_catalogues_the_tables_and_carries_a_request_through(platform: Platform,
                                                                   seeded: DemoCredentials) -> None:
    sharing = seeded.sharing
    assert sharing is not None
    assert sharing.entries >= len(DEPARTMENTS)  # every scanned table has a published entry
    assert sharing.approved_request is not None and sharing.pending_request is not None
    assert sharing.grants
    assert sharing.service == "banjian-lookup" and sharing.rows_returned > 0  # the requester's call under its grant
    verification = verify_request(platform, sharing.approved_request)
    assert verification.valid, verification
    with platform.store.sessions() as s:
        rows = [s.get(AccessGrant, gid) for gid in sharing.grants]
    assert all(r is not None and r.status == "active" for r in rows)
    for row in rows:
        assert row is not None
        if row.authority_approved_by is not None:  # a 三级 grant carries the authority's signed approval
            assert verify_grant_approval(platform, row.id)
