"""Times as the console shows and reads them: China Standard Time (UTC+8), whatever the store holds (UTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")


def when(value: datetime | str | None, *, day: bool = False, seconds: bool = False) -> str:
    """A moment in China Standard Time, to the minute (or the day, or the second); "—" for none. An ISO
    string (the audit log's timestamps) is read first; text that is not one is shown as it is."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the store's naive times are UTC
    local = moment.astimezone(CST)
    return local.strftime("%Y-%m-%d" if day else "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
