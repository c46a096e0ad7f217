"""A per-client-address limit on authentication attempts (password logins, TOTP codes).

The per-account lockout stops guessing one account's password; this stops one address spraying
many accounts (and locking them on purpose). It is in memory and per process: behind several
worker processes each keeps its own window, so the effective limit is workers × the setting.
Only the first refusal of a window is audited, so a flood cannot flood the audit log.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime

from shuan.audit.events import Event, Outcome
from shuan.errors import AuthError
from shuan.identity.common import anonymous, now_or
from shuan.platform import Platform

WINDOW_SECONDS = 60.0
_MAX_TRACKED = 100_000  # distinct addresses remembered at once; the oldest are forgotten first


class AttemptThrottle:
    """Sliding-window counter per client address."""

    def __init__(self, attempts_per_window: int, window_seconds: float = WINDOW_SECONDS) -> None:
        self.limit = attempts_per_window
        self.window = window_seconds
        self._seen: dict[str, deque[float]] = {}
        self._refused: dict[str, float] = {}  # address -> window start of the audited refusal
        self._lock = threading.Lock()

    def attempt(self, client: str, at: float) -> tuple[float | None, bool]:
        """Count an attempt at time `at` (seconds). Returns (retry_after or None, first refusal in window)."""
        with self._lock:
            times = self._seen.get(client)
            if times is None:
                if len(self._seen) >= _MAX_TRACKED:
                    self._seen.pop(next(iter(self._seen)))
                times = self._seen[client] = deque()
            while times and times[0] <= at - self.window:
                times.popleft()
            if len(times) >= self.limit:
                retry = times[0] + self.window - at
                first = self._refused.get(client) != times[0]
                self._refused[client] = times[0]
                return max(retry, 1.0), first
            times.append(at)
            return None, False


def check_attempt(platform: Platform, throttle: AttemptThrottle, *, client: str | None,
                  now: datetime | None = None) -> None:
    """Raise AuthError (identity.throttled, shown as 429) when `client` made too many attempts."""
    now = now_or(now)
    retry, first = throttle.attempt(client or "?", now.timestamp())
    if retry is None:
        return
    seconds = int(retry + 0.999)
    if first:
        with platform.store.transaction() as s:
            platform.audit.record(s, Event("auth.throttled", anonymous(client), outcome=Outcome.DENIED,
                                           resource=f"client:{client or '?'}",
                                           details={"limit": throttle.limit, "window_s": throttle.window}), now=now)
    raise AuthError("identity.throttled", seconds=seconds)
