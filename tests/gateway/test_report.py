"""The periodic audit report: per service and consumer, unusual hours (CST, holiday calendar), unusual
volumes (3× the consumer's median and above a floor), calls outside the granted purpose or period."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shuan.errors import InvalidInput, PermissionDenied
from shuan.gateway.report import _volumes, build_report, unusual_hour, write_report
from shuan.gateway.service import call_service
from tests.gateway.conftest import BASE_SPEC, Gov


def cst(y: int, m: int, d: int, h: int, minute: int = 0) -> datetime:
    return datetime(y, m, d, h, minute, tzinfo=UTC) - timedelta(hours=8)


@pytest.mark.parametrize(("moment", "odd"), [
    (cst(2026, 3, 2, 9), False),  # Monday 09:00
    (cst(2026, 3, 2, 8), False),
    (cst(2026, 3, 2, 7, 59), True),
    (cst(2026, 3, 2, 19, 59), False),
    (cst(2026, 3, 2, 20), True),
    (cst(2026, 3, 7, 10), True),  # Saturday
    (cst(2026, 10, 2, 10), True),  # 国庆节, a Friday
    (cst(2026, 10, 10, 10), False),  # Saturday, an adjusted working day (调休上班)
    (cst(2026, 2, 14, 10), False),
])
def test_unusual_hours_follow_cst_and_the_holiday_calendar(moment: datetime, odd: bool) -> None:
    assert unusual_hour(moment) is odd


def test_unusual_volumes_need_three_times_the_median_and_the_floor() -> None:
    start, end = cst(2026, 3, 1, 0), cst(2026, 3, 8, 0)
    daily = {
        "steady": {date(2026, 3, d): [200, 2000] for d in range(1, 8)},  # heavy but steady: not flagged
        "burst": {date(2026, 3, 2): [10, 50], date(2026, 3, 3): [12, 60], date(2026, 3, 4): [500, 40],
                  date(2026, 3, 5): [11, 5000]},
        "small": {date(2026, 3, 4): [90, 900]},  # quiet, under the floors
    }
    found = _volumes(daily, start, end)
    assert [(f["consumer"], f["day"], f["exceeds"]) for f in found] == [
        ("burst", "2026-03-04", ["calls"]), ("burst", "2026-03-05", ["rows"])]


def test_report_over_real_calls(gov: Gov, tmp_path: Path) -> None:
    gov.publish(rate_per_minute=10_000)
    gov.grant(days=3)
    monday = gov.now  # 2026-03-02 17:00 CST
    for _ in range(3):
        call_service(gov.p, gov.consumer.principal, BASE_SPEC["name"], {}, now=monday)
    late = monday + timedelta(hours=4)  # 21:00 CST
    call_service(gov.p, gov.consumer.principal, BASE_SPEC["name"], {"min_age": ["30"]}, now=late)
    expired = monday + timedelta(days=4)
    with pytest.raises(PermissionDenied):
        call_service(gov.p, gov.consumer.principal, BASE_SPEC["name"], {}, now=expired)
    with pytest.raises(InvalidInput):
        call_service(gov.p, gov.consumer.principal, BASE_SPEC["name"], {"min_age": ["old"]}, now=monday)
    with pytest.raises(PermissionDenied):
        build_report(gov.p, gov.consumer.principal, start=monday - timedelta(days=1), end=monday + timedelta(days=7))
    with pytest.raises(InvalidInput):
        build_report(gov.p, gov.auditor.principal, start=monday, end=monday - timedelta(days=1))
    report = build_report(gov.p, gov.auditor.principal, start=monday - timedelta(days=1),
                          end=monday + timedelta(days=7), now=monday + timedelta(days=7))
    doc = report.as_dict()
    [svc] = doc["services"]
    assert svc == {"service": "rk-lookup", "calls": 6, "allowed": 4, "rows": 40, "refused": 2,
                   "refusals": {"deny_expired": 1, "gateway.bad_param": 1}}
    [consumer] = doc["consumers"]
    assert consumer["consumer"] == "wj.user" and consumer["calls"] == 6
    def shown(moment: datetime) -> str:
        return (moment + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S")

    assert [(x["time"], x["outcome"]) for x in doc["unusual_hours"]] == [(shown(late), "success")]
    assert [(x["rule"], x["time"]) for x in doc["outside_grant"]] == [("deny_expired", shown(expired))]
    assert doc["unusual_volumes"] == []
    assert gov.events("service.report")[-1]["details"]["calls"] == 6
    for suffix in ("json", "xlsx", "html"):
        path = write_report(report, tmp_path / f"r.{suffix}")
        assert path.stat().st_size > 100
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["services"][0]["calls"] == 6
    assert "数据服务调用审计报告" in (tmp_path / "r.html").read_text(encoding="utf-8")
