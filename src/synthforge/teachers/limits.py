"""Flow control per (endpoint, model): an adaptive concurrency limit and rate buckets.

The limit adapts once per window (about one round trip: as many answers as the limit):
if at least `overload` of the window's answers were 429/503, the server is saturated and
the limit halves (multiplicative decrease), and a `Retry-After` then pauses every new
request to that endpoint; otherwise it grows by one (additive increase), never above the
user's ceiling. Sporadic 429s below that share are retried after their own Retry-After
without shrinking the limit, so a provider that throttles a few requests at random does not
collapse the throughput, and one that is really overloaded is not stormed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class AdaptiveLimit:
    """An AIMD concurrency limit with a FIFO of waiters (slots are handed over, not raced)."""

    def __init__(self, ceiling: int, start: int | None = None, floor: int = 1,
                 overload: float = 0.25):
        self.ceiling = ceiling
        self.floor = floor
        self.overload = overload
        self.limit = float(min(ceiling, start or ceiling))
        self.in_flight = 0
        self.peak = 0
        self.decreases = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._pause_until = 0.0
        self._done = 0
        self._throttled = 0
        self._retry_after = 0.0

    async def acquire(self) -> None:
        """Wait for a slot (and for any pause the server asked for)."""
        while True:
            pause = self._pause_until - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
                continue
            if self.in_flight < int(self.limit) and not self._waiters:
                break
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
                else:
                    self._wake()  # the slot handed to us goes to the next waiter
                raise
            if self.in_flight < int(self.limit):
                break
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < int(self.limit):
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def record(self, throttled: bool, retry_after: float | None = None) -> None:
        """Count an answer (throttled: a 429/503); adapt the limit at the end of a window."""
        self._done += 1
        if throttled:
            self._throttled += 1
            self._retry_after = max(self._retry_after, retry_after or 0.0)
        if self._done >= max(int(self.limit), 4):
            self._end_window()

    def _end_window(self) -> None:
        if self._throttled >= self.overload * self._done:
            self.limit = max(float(self.floor), self.limit / 2)
            self.decreases += 1
            if self._retry_after:
                self._pause_until = max(self._pause_until,
                                        time.monotonic() + self._retry_after)
        elif self.limit < self.ceiling:
            self.limit = min(float(self.ceiling), self.limit + 1)
            self._wake()
        self._done = self._throttled = 0
        self._retry_after = 0.0


class TokenBucket:
    """`rate` units per second, up to `burst` saved; `take(n)` waits until n are there."""

    def __init__(self, per_minute: float, burst_seconds: float = 1.0):
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self.level = self.capacity
        self.stamp = time.monotonic()

    async def take(self, n: float = 1.0) -> None:
        n = min(n, self.capacity)  # a request larger than the bucket waits for a full one
        while True:
            now = time.monotonic()
            self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.level >= n:
                self.level -= n
                return
            await asyncio.sleep((n - self.level) / self.rate)

    def refund(self, n: float) -> None:
        """Give back units taken on an estimate that turned out too high."""
        self.level = min(self.capacity, self.level + n)
