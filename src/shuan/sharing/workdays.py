"""Working days on the official holiday calendar, in China Standard Time (pure: no database, no settings).

The calendar is data (``data/holidays.yaml``: the 国务院办公厅's yearly notice — days off, and the
weekend days that become working days, 调休上班). A deployment may load its own file; it is validated
with one-line errors naming the file and the entry (a bad date, a day listed twice, a day both off
and working, an adjusted working day that is not a weekend, a day outside its year).

A stage's deadline (`deadline`, `add_working_days`) is the end — 24:00 China Standard Time — of the
n-th working day after the day the stage started (so a request made at 23:59 on a Friday before a
normal weekend and one made at 09:00 that Friday have the same deadline). Beyond the years the
calendar covers, working days fall back to Monday–Friday and the result says so
(`Deadline.calendar_complete` is False) so that a page can warn that holidays may be missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any

from shuan.errors import ConfigError
from shuan.messages import msg

CST = timezone(timedelta(hours=8), "CST")
BUILTIN = Path(__file__).resolve().parent / "data" / "holidays.yaml"
#: the most working days a deadline may count (a year and a bit)
MAX_DAYS = 400


@dataclass(frozen=True)
class HolidayCalendar:
    """Days off and adjusted working days for the years in `years`."""

    years: frozenset[int]
    off: frozenset[date]
    working: frozenset[date]  # weekend days that are working days (调休上班)
    origin: str = "builtin"

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_working_day(self, day: date) -> bool:
        """A working day: on a covered year by the calendar, elsewhere Monday–Friday."""
        if day in self.working:
            return True
        if day in self.off:
            return False
        return day.weekday() < 5


@dataclass(frozen=True)
class Deadline:
    """When a stage is due (UTC-aware) and whether every day counted was on the calendar."""

    due: datetime
    calendar_complete: bool


def cst_day(moment: datetime) -> date:
    """The calendar day of `moment` in China Standard Time (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(CST).date()


def end_of_day(day: date) -> datetime:
    """24:00 China Standard Time of `day`, as a UTC datetime."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CST).astimezone(UTC)


def _check_n(n: object) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_DAYS:
        raise ValueError(f"working days must be an integer from 0 to {MAX_DAYS}: {n!r}")
    return n


def deadline(start: datetime, n: int, calendar: HolidayCalendar) -> Deadline:
    """The end (24:00 CST) of the n-th working day after the day of `start` (n = 0: that day's end)."""
    count = _check_n(n)
    day = cst_day(start)
    complete = calendar.covers(day)
    while count > 0:
        day += timedelta(days=1)
        complete = complete and calendar.covers(day)
        if calendar.is_working_day(day):
            count -= 1
    return Deadline(end_of_day(day), complete)


def add_working_days(start: datetime, n: int, calendar: HolidayCalendar) -> datetime:
    """`deadline(start, n, calendar).due`."""
    return deadline(start, n, calendar).due


# -- loading ----------------------------------------------------------------------------------------


def _bad(origin: str, where: str, key: str, **params: object) -> ConfigError:
    return ConfigError("workdays.invalid", path=origin, where=where, reason=msg(key, **params))


def _day(value: object, origin: str, where: str, year: int) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise _bad(origin, where, "workdays.reason_date", value=value) from None
        else:
            raise _bad(origin, where, "workdays.reason_date", value=value)
    assert isinstance(value, date)  # noqa: S101 - narrowed above
    if value.year != year:
        raise _bad(origin, where, "workdays.reason_year", value=value.isoformat(), year=year)
    return value


def parse_calendar(data: object, origin: str) -> HolidayCalendar:
    """A calendar from its parsed YAML (see data/holidays.yaml); ConfigError naming what is wrong."""
    if (
        not isinstance(data, Mapping)
        or set(data) != {"years"}
        or not isinstance(data["years"], Sequence)
        or isinstance(data["years"], str)
    ):
        raise _bad(origin, "years", "workdays.reason_top")
    years: set[int] = set()
    off: set[date] = set()
    working: set[date] = set()
    for i, entry in enumerate(data["years"]):
        where = f"years[{i}]"
        if (
            not isinstance(entry, Mapping)
            or not set(entry) <= {"year", "notice", "holidays"}
            or "year" not in entry
            or "holidays" not in entry
        ):
            raise _bad(origin, where, "workdays.reason_year_entry")
        year = entry["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1970 < year < 9000:
            raise _bad(origin, where, "workdays.reason_date", value=year)
        if year in years:
            raise _bad(origin, where, "workdays.reason_year_twice", year=year)
        years.add(year)
        holidays = entry["holidays"]
        if not isinstance(holidays, Sequence) or isinstance(holidays, str):
            raise _bad(origin, where, "workdays.reason_year_entry")
        for j, holiday in enumerate(holidays):
            here = f"{where}.holidays[{j}]"
            if (
                not isinstance(holiday, Mapping)
                or not set(holiday) <= {"name", "days", "working"}
                or "days" not in holiday
            ):
                raise _bad(origin, here, "workdays.reason_holiday")
            span = holiday["days"]
            if not isinstance(span, Sequence) or isinstance(span, str) or len(span) != 2:
                raise _bad(origin, here, "workdays.reason_span")
            first, last = (_day(v, origin, here, year) for v in span)
            if last < first:
                raise _bad(origin, here, "workdays.reason_span")
            day = first
            while day <= last:
                if day in off:
                    raise _bad(origin, here, "workdays.reason_twice", value=day.isoformat())
                off.add(day)
                day += timedelta(days=1)
            extra = holiday.get("working") or []
            if not isinstance(extra, Sequence) or isinstance(extra, str):
                raise _bad(origin, here, "workdays.reason_holiday")
            for value in extra:
                day = _day(value, origin, here, year)
                if day in working:
                    raise _bad(origin, here, "workdays.reason_twice", value=day.isoformat())
                if day.weekday() < 5:
                    raise _bad(origin, here, "workdays.reason_weekday", value=day.isoformat())
                working.add(day)
    both = sorted(off & working)
    if both:
        raise _bad(origin, "years", "workdays.reason_both", value=both[0].isoformat())
    return HolidayCalendar(frozenset(years), frozenset(off), frozenset(working), origin)


def load_calendar(path: Path | None = None) -> HolidayCalendar:
    """The calendar in `path` (default: the built-in one), validated; ConfigError when it is not."""
    from shuan.smallfile import read_small
    from shuan.yamlsafe import decode, load

    target = BUILTIN if path is None else Path(path)
    origin = "builtin" if path is None else str(target)
    try:
        raw = read_small(target)
    except OSError as exc:
        raise ConfigError("workdays.file", path=origin, reason=exc.strerror or type(exc).__name__) from None
    data: Any = load(decode(raw, origin), origin, "workdays.file", path=origin)
    return parse_calendar(data, origin)


@lru_cache(maxsize=8)
def cached_calendar(path: str | None = None) -> HolidayCalendar:
    """`load_calendar`, loaded once per process and path."""
    return load_calendar(None if path is None else Path(path))


__all__ = [
    "BUILTIN",
    "CST",
    "Deadline",
    "HolidayCalendar",
    "add_working_days",
    "cached_calendar",
    "cst_day",
    "deadline",
    "end_of_day",
    "load_calendar",
    "parse_calendar",
]
