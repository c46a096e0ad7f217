"""Token buckets: bursts up to the rate, refill at rate/60 per second, Retry-After in whole seconds."""

from __future__ import annotations

from shuan.gateway.ratelimit import RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_bucket_allows_the_rate_then_refuses_with_the_wait() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    assert [limiter.take("a", 3) for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a", 3) == 20  # one token every 20 s
    assert limiter.take("b", 3) == 0  # another consumer has its own bucket
    clock.t += 19.9
    assert limiter.take("a", 3) == 1
    clock.t += 0.2
    assert limiter.take("a", 3) == 0
    clock.t += 3600
    assert [limiter.take("a", 3) for _ in range(4)] == [0, 0, 0, 20]  # capacity is the rate, not more


def test_rate_change_and_bounded_memory() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, max_keys=10)
    for _ in range(5):
        limiter.take("a", 60)
    assert [limiter.take("a", 2) for _ in range(3)] == [0, 0, 30]  # shrunk to the new capacity (2)
    for i in range(50):
        limiter.take(i, 60)
    assert len(limiter._buckets) <= 11
