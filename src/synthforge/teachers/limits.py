"""Flow control per (endpoint, model): an adaptive concurrency limit and rate buckets.

The first request to an endpoint goes alone (a probe): the others wait for its answer, so
a wrong key, URL or model costs one request, not a stampede of them. After that, the limit
adapts once per window (about one round trip: as many answers as the limit, and at least
`window` so that chance alone rarely decides): if at least `overload` of the window's
answers were 429/503, the server is saturated and the limit
halves (multiplicative decrease), and a `Retry-After` then pauses every new request to that
endpoint; otherwise it grows by one (additive increase), never above the user's ceiling.
Sporadic 429s below that share are retried after their own Retry-After without shrinking
the limit, so a provider that throttles a few requests at random does not collapse the
throughput, and one that is really overloaded is not stormed.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque


class AdaptiveLimit:
    """An AIMD concurrency limit with a FIFO of waiters (slots are handed over, not raced)."""

    def __init__(self, ceiling: int, start: int | None = None, floor: int = 1,
                 overload: float = 0.25, probe: bool = False, window: int = 32):
        self.ceiling = ceiling
        self.floor = floor
        self.overload = overload
        self.window = window  # 10 % of 429s at random fill a quarter of 32 once in 90
        self.limit = float(min(ceiling, start or ceiling))
        self.in_flight = 0
        self.peak = 0
        self.decreases = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._pause_until = 0.0
        self._done = 0
        self._throttled = 0
        self._retry_after = 0.0
        self._probe_limit = self.limit if probe else None  # the limit after the probe
        if probe:
            self.limit = 1.0

    async def acquire(self) -> None:
        """Wait for a slot (and for any pause the server asked for)."""
        if self.in_flight < int(self.limit) and not self._waiters:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
        else:
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter  # a release hands its slot over: in_flight counts us already
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self.release()  # the slot handed to us goes to the next waiter
                elif waiter in self._waiters:
                    self._waiters.remove(waiter)
                raise
        pause = self._pause_until - time.monotonic()
        if pause > 0:
            try:
                await asyncio.sleep(pause)
            except asyncio.CancelledError:
                self.release()
                raise

    def release(self) -> None:
        self.in_flight -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.in_flight < int(self.limit):
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                waiter.set_result(None)

    def record(self, throttled: bool, retry_after: float | None = None) -> None:
        """Count an answer (throttled: a 429/503); adapt the limit at the end of a window."""
        if self._probe_limit is not None:  # the endpoint answered: open the gate
            self.limit, self._probe_limit = self._probe_limit, None
            self._wake()
        self._done += 1
        if throttled:
            self._throttled += 1
            self._retry_after = max(self._retry_after, retry_after or 0.0)
        if self._done >= max(int(self.limit), self.window):
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
    """`rate` units per second, up to `burst` saved; `take(n)` waits until n are there.

    Takers are served in order (one waits at a time, so a crowd of waiters is not woken for
    every unit). A take larger than the bucket waits for a full bucket and leaves it in debt,
    so large requests are paced at the true rate too.
    """

    def __init__(self, per_minute: float, burst_seconds: float = 1.0):
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, self.rate * burst_seconds)
        self.level = self.capacity
        self.stamp = time.monotonic()
        self._turn = asyncio.Lock()

    async def take(self, n: float = 1.0) -> None:
        async with self._turn:
            need = min(n, self.capacity)
            while True:
                now = time.monotonic()
                self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
                self.stamp = now
                if self.level >= need:
                    self.level -= n  # may go below zero: the debt delays the next take
                    return
                await asyncio.sleep((need - self.level) / self.rate)

    def refund(self, n: float) -> None:
        """Give back units taken on an estimate that turned out too high."""
        self.level = min(self.capacity, self.level + n)
