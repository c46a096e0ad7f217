"""Token buckets per consumer and service: ``rate`` calls per minute, bursts up to ``rate``.

One bucket per (consumer, service) key, refilled continuously at rate/60 tokens per second. A call takes
one token; without one it is refused with the seconds until the next token (the ``Retry-After`` of the
429). The buckets live in the process that answers the calls (one limiter per platform): several
server processes each allow the rate, so run the gateway in one process per store or divide the rate.
Memory is bounded: past `max_keys` buckets, the full ones (idle consumers) are dropped first.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable


class RateLimiter:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._lock = threading.Lock()
        self._buckets: dict[Hashable, tuple[float, float, int]] = {}  # key -> (tokens, at, rate)

    def take(self, key: Hashable, per_minute: int) -> int:
        """Take a token for `key`; 0 when allowed, else the whole seconds to wait (at least 1)."""
        if per_minute <= 0:
            return 60
        now = self._clock()
        refill = per_minute / 60.0
        with self._lock:
            tokens, at, rate = self._buckets.get(key, (float(per_minute), now, per_minute))
            if rate != per_minute:  # the service's rate changed: start from the new capacity
                tokens = min(tokens, float(per_minute))
            tokens = min(float(per_minute), tokens + (now - at) * refill)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now, per_minute)
                if len(self._buckets) > self._max_keys:
                    self._prune(now)
                return 0
            self._buckets[key] = (tokens, now, per_minute)
            return max(1, math.ceil((1.0 - tokens) / refill))

    def reset(self, key: Hashable | None = None) -> None:
        with self._lock:
            if key is None:
                self._buckets.clear()
            else:
                self._buckets.pop(key, None)

    def _prune(self, now: float) -> None:
        full = [k for k, (tokens, at, rate) in self._buckets.items() if tokens + (now - at) * rate / 60.0 >= rate]
        for k in full:
            del self._buckets[k]
        while len(self._buckets) > self._max_keys:  # everyone is busy: drop the oldest
            del self._buckets[next(iter(self._buckets))]


__all__ = ["RateLimiter"]
