"""Every time on a console page is China Standard Time, whatever form the store gives it in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from shuan.web.console.localtime import when

CASES = [
    ("aware UTC", datetime(2026, 11, 21, 7, 15, tzinfo=UTC), {}, "2026-11-21 15:15"),
    ("naive is UTC", datetime(2026, 11, 21, 20, 30), {}, "2026-11-22 04:30"),
    ("another zone", datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5))), {}, "2026-01-01 13:00"),
    ("audit ISO string", "2026-11-21T07:16:11Z", {"seconds": True}, "2026-11-21 15:16:11"),
    ("day", datetime(2026, 6, 30, 16, 0, tzinfo=UTC), {"day": True}, "2026-07-01"),
    ("none", None, {}, "—"),
    ("text that is not a time", "昨天", {}, "昨天"),
]


@pytest.mark.parametrize(("case", "value", "options", "shown"), CASES, ids=[c[0] for c in CASES])
def test_when(case: str, value: datetime | str | None, options: dict[str, bool], shown: str) -> None:
    assert when(value, **options) == shown, case
