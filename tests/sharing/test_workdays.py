"""Working days on the official holiday calendar: deadlines around 春节, 国庆, adjusted working weekends,
year boundaries, the Monday–Friday fallback beyond the calendar, and a validated calendar file."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from shuan.errors import ConfigError
from shuan.sharing.workdays import (
    CST,
    add_working_days,
    deadline,
    load_calendar,
    parse_calendar,
)

CAL = load_calendar()


def at(day: str, hour: int = 10) -> datetime:
    """A moment on `day` in China Standard Time."""
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=CST) + timedelta(hours=hour)


def end_of(day: str) -> datetime:
    return datetime.combine(
        date.fromisoformat(day) + timedelta(days=1), datetime.min.time(), tzinfo=CST
    ).astimezone(UTC)


# (submitted on, working days, the last working day counted, calendar complete)
CASES = [
    # an ordinary week: Monday + 2 → Wednesday; Friday + 2 → Tuesday
    ("2026-03-02", 2, "2026-03-04", True),
    ("2026-03-06", 2, "2026-03-10", True),
    ("2026-03-06", 0, "2026-03-06", True),
    # 春节 2026: 2/15–2/23 off, Saturday 2/14 and Saturday 2/28 are working days
    ("2026-02-13", 1, "2026-02-14", True),
    ("2026-02-13", 2, "2026-02-24", True),
    ("2026-02-12", 5, "2026-02-26", True),
    ("2026-02-27", 1, "2026-02-28", True),
    ("2026-02-27", 2, "2026-03-02", True),
    ("2026-02-16", 1, "2026-02-24", True),  # submitted during the holiday
    # 元旦 2026: 1/1–1/3 off, Sunday 1/4 works; across the year boundary from 2025
    ("2025-12-31", 1, "2026-01-04", True),
    ("2025-12-31", 2, "2026-01-05", True),
    # 劳动节 2026: 5/1–5/5 off, Saturday 5/9 works
    ("2026-04-30", 1, "2026-05-06", True),
    ("2026-05-08", 1, "2026-05-09", True),
    # 国庆 2026: 10/1–10/7 off, Sunday 9/20 and Saturday 10/10 work; 中秋 9/25–9/27
    ("2026-09-18", 1, "2026-09-20", True),
    ("2026-09-24", 1, "2026-09-28", True),
    ("2026-09-30", 1, "2026-10-08", True),
    ("2026-09-30", 3, "2026-10-10", True),
    ("2026-09-30", 10, "2026-10-20", True),
    # 2025: 春节 1/28–2/4 off (Sunday 1/26, Saturday 2/8 work); 国庆中秋 10/1–10/8 (9/28, 10/11 work)
    ("2025-01-24", 1, "2025-01-26", True),
    ("2025-01-27", 1, "2025-02-05", True),
    ("2025-09-30", 1, "2025-10-09", True),
    ("2025-10-10", 1, "2025-10-11", True),
    ("2025-04-30", 1, "2025-05-06", True),
    ("2025-04-25", 1, "2025-04-27", True),
    # beyond the calendar: Monday–Friday, flagged
    ("2026-12-31", 1, "2027-01-01", False),
    ("2026-12-30", 2, "2027-01-01", False),
    ("2027-03-05", 1, "2027-03-08", False),
    ("2024-12-31", 1, "2025-01-02", False),
]


@pytest.mark.parametrize(("submitted", "days", "last", "complete"), CASES)
def test_deadline_is_the_end_of_the_nth_working_day(
    submitted: str, days: int, last: str, complete: bool
) -> None:
    result = deadline(at(submitted), days, CAL)
    assert result.due == end_of(last)
    assert result.calendar_complete is complete
    assert add_working_days(at(submitted), days, CAL) == result.due


def test_the_day_is_the_day_in_china_standard_time() -> None:
    # 2026-03-06 17:00 UTC is Saturday 01:00 CST: the Saturday is the submission day
    saturday = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    assert deadline(saturday, 1, CAL).due == end_of("2026-03-09")
    # 15:59 UTC on Friday is still Friday 23:59 CST
    friday = datetime(2026, 3, 6, 15, 59, tzinfo=UTC)
    assert deadline(friday, 1, CAL).due == end_of("2026-03-09")
    assert deadline(datetime(2026, 3, 6, 15, 59), 1, CAL).due == end_of("2026-03-09")  # naive: UTC


def test_the_deadline_is_midnight_china_standard_time() -> None:
    due = deadline(at("2026-03-02"), 2, CAL).due
    assert due.astimezone(CST).hour == 0 and due.astimezone(CST).date() == date(2026, 3, 5)
    assert due.tzinfo is not None and due.utcoffset() == timedelta(0)


@pytest.mark.parametrize("days", [-1, 401, True, 1.5, "2"])
def test_bad_day_counts_are_refused(days: object) -> None:
    with pytest.raises(ValueError, match="working days"):
        deadline(at("2026-03-02"), days, CAL)  # type: ignore[arg-type]


def test_builtin_calendar_holds_the_official_days() -> None:
    assert CAL.years == frozenset({2025, 2026})
    assert len([d for d in CAL.off if d.year == 2026 and d.month == 2]) == 9
    assert CAL.working >= {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
        date(2025, 1, 26),
        date(2025, 2, 8),
        date(2025, 4, 27),
        date(2025, 9, 28),
        date(2025, 10, 11),
    }
    assert all(d.weekday() >= 5 for d in CAL.working)


BAD_CALENDARS = [
    ({"years": [{"year": 2030, "holidays": [{"days": ["2030-02-30", "2030-03-01"]}]}]}, "2030-02-30"),
    (
        {
            "years": [
                {
                    "year": 2030,
                    "holidays": [
                        {"days": ["2030-01-01", "2030-01-01"]},
                        {"days": ["2030-01-01", "2030-01-02"]},
                    ],
                }
            ]
        },
        "2030-01-01",
    ),
    (
        {
            "years": [
                {
                    "year": 2030,
                    "holidays": [{"days": ["2030-01-05", "2030-01-06"], "working": ["2030-01-05"]}],
                }
            ]
        },
        "2030-01-05",
    ),
    (
        {
            "years": [
                {
                    "year": 2030,
                    "holidays": [{"days": ["2030-01-01", "2030-01-01"], "working": ["2030-01-02"]}],
                }
            ]
        },
        "2030-01-02",
    ),
    ({"years": [{"year": 2030, "holidays": [{"days": ["2031-01-01", "2031-01-01"]}]}]}, "2031-01-01"),
    ({"years": [{"year": 2030, "holidays": []}, {"year": 2030, "holidays": []}]}, "2030"),
    ({"years": [{"year": 2030, "holidays": [{"days": ["2030-01-03", "2030-01-01"]}]}]}, "days"),
    ({"years": [{"year": 2030, "holidays": [{"days": "2030-01-01"}]}]}, "days"),
    ({"years": [{"year": 2030, "holidays": [{"when": ["2030-01-01"]}]}]}, "days"),
    ({"calendar": []}, "years"),
    ([], "years"),
]


@pytest.mark.parametrize(("data", "named"), BAD_CALENDARS)
def test_bad_calendars_are_refused_naming_the_problem(data: object, named: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_calendar(data, "my.yaml")
    text = str(caught.value)
    assert "my.yaml" in text and named in text and "\n" not in text


def test_a_deployment_loads_its_own_calendar(tmp_path: Path) -> None:
    path = tmp_path / "holidays.yaml"
    path.write_text(
        "years:\n  - year: 2030\n    holidays:\n"
        "      - {name: 元旦, days: [2030-01-01, 2030-01-01], working: [2030-01-05]}\n",
        encoding="utf-8",
    )
    cal = load_calendar(path)
    assert cal.origin == str(path)
    # 2030-01-01 is a Tuesday (off); Saturday 01-05 works
    result = deadline(at("2029-12-31"), 4, cal)
    assert result.due == end_of("2030-01-05") and result.calendar_complete is False  # 2029 is not covered
    assert deadline(at("2030-01-02"), 3, cal).due == end_of("2030-01-05")
    with pytest.raises(ConfigError, match="nothing.yaml"):
        load_calendar(tmp_path / "nothing.yaml")
    (tmp_path / "bad.yaml").write_text("years: [", encoding="utf-8")
    with pytest.raises(ConfigError, match="bad.yaml"):
        load_calendar(tmp_path / "bad.yaml")
