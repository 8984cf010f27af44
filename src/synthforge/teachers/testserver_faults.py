"""How the test server misbehaves: latency, a capacity limit, and injected faults.

Fault decisions are deterministic by default (`mode="hash"`): attempt k of a request body
draws `xxh3(digest(body), k, seed)`, so which requests fail does not depend on arrival order
or concurrency, and a retry of the same body is drawn afresh (it can succeed). With
`mode="random"` every request draws from one RNG seeded by the server's seed, in arrival
order (reproducible only for a sequential client).
"""

from __future__ import annotations

import asyncio
import math
import random
import struct
from collections import deque
from dataclasses import dataclass, fields
from typing import Literal

import xxhash

FAULT_KINDS = ("429", "500", "503", "hang", "malformed", "truncated", "slow_stream", "reset")
LATENCY_KINDS = ("constant", "uniform", "normal", "lognormal")


@dataclass(frozen=True)
class Latency:
    """A distribution of seconds to wait before answering.

    `constant:s`, `uniform:low:high`, `normal:mean:sd` (clipped at 0) or `lognormal:mean:sd`
    (the mean and sd of the latency itself, not of its logarithm).
    """

    kind: Literal["constant", "uniform", "normal", "lognormal"] = "constant"
    params: tuple[float, ...] = (0.0,)

    def __post_init__(self) -> None:
        arity = {"constant": 1, "uniform": 2, "normal": 2, "lognormal": 2}.get(self.kind)
        if arity is None:
            raise ValueError(f"latency kind must be one of {', '.join(LATENCY_KINDS)}, "
                             f"not {self.kind!r}")
        if len(self.params) != arity or any(p < 0 or math.isnan(p) for p in self.params):
            raise ValueError(f"{self.kind} latency takes {arity} non-negative number(s), "
                             f"got {self.params}")
        if self.kind == "uniform" and self.params[0] > self.params[1]:
            raise ValueError(f"uniform latency needs low <= high, got {self.params}")
        if self.kind == "lognormal" and self.params[0] == 0:
            raise ValueError("lognormal latency needs a mean > 0")

    @classmethod
    def parse(cls, spec: Latency | str | float | None) -> Latency:
        """`0.2` (constant), `"uniform:0.1:0.3"`, `"lognormal:0.2:0.1"`, ... or None (no wait)."""
        if spec is None:
            return cls()
        if isinstance(spec, Latency):
            return spec
        if isinstance(spec, int | float):
            return cls("constant", (float(spec),))
        kind, *rest = spec.strip().split(":")
        try:
            if not rest:
                return cls("constant", (float(kind),))
            return cls(kind, tuple(float(p) for p in rest))  # type: ignore[arg-type]
        except ValueError as exc:
            raise ValueError(f"latency {spec!r}: {exc} (e.g. 0.2, uniform:0.1:0.3, "
                             "normal:0.2:0.05, lognormal:0.2:0.1)") from None

    @property
    def mean(self) -> float:
        return self.params[0] if self.kind != "uniform" else sum(self.params) / 2

    def sample(self, rng: random.Random) -> float:
        """One draw, in seconds (never negative)."""
        if self.kind == "constant":
            return self.params[0]
        a, b = self.params
        if self.kind == "uniform":
            return rng.uniform(a, b)
        if self.kind == "normal":
            return max(0.0, rng.gauss(a, b))
        sigma2 = math.log1p((b / a) ** 2)
        return rng.lognormvariate(math.log(a) - sigma2 / 2, math.sqrt(sigma2))


@dataclass(frozen=True)
class Faults:
    """How often (0..1, summing to at most 1) each way of failing is injected, and how.

    - `rate_429` / `rate_503`: an error answered at once, with `Retry-After: retry_after`
      (seconds as given, e.g. `0.5`; whole seconds are what strict clients parse) and
      `Retry-After-Ms`.
    - `rate_500`: an error after the usual latency.
    - `rate_hang`: no answer for `hang_seconds` (then the normal answer, if anyone waits).
    - `rate_malformed`: a 200 whose JSON uses single quotes (not JSON).
    - `rate_truncated`: a 200 whose JSON is cut in half (a stream: half the chunks, no [DONE]).
    - `rate_slow_stream`: the answer in pieces, `slow_chunk_delay` seconds apart.
    - `rate_reset`: the connection is reset (TCP RST) instead of an answer.

    `max_faults_per_body`: attempts of one body after this many are never faulted (so a
    client retrying at least that often always succeeds).
    """

    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    rate_hang: float = 0.0
    rate_malformed: float = 0.0
    rate_truncated: float = 0.0
    rate_slow_stream: float = 0.0
    rate_reset: float = 0.0
    retry_after: float = 1.0
    hang_seconds: float = 3600.0
    slow_chunk_delay: float = 0.25
    mode: Literal["hash", "random"] = "hash"
    max_faults_per_body: int | None = None

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name.startswith("rate_") and not 0.0 <= value <= 1.0:
                raise ValueError(f"{f.name} must be between 0 and 1, not {value}")
        if sum(self.rates().values()) > 1.0 + 1e-9:
            raise ValueError(f"fault rates add up to more than 1: {self.rates()}")
        if self.mode not in ("hash", "random"):
            raise ValueError(f"fault mode must be 'hash' or 'random', not {self.mode!r}")
        if min(self.retry_after, self.hang_seconds, self.slow_chunk_delay) < 0:
            raise ValueError("retry_after, hang_seconds and slow_chunk_delay must be >= 0")

    def rates(self) -> dict[str, float]:
        """The non-zero rates by fault kind ("429", "hang", ...)."""
        rates = {kind: getattr(self, f"rate_{kind}") for kind in FAULT_KINDS}
        return {kind: rate for kind, rate in rates.items() if rate > 0}


class FaultPicker:
    """Decides, per request, which fault (if any) to inject."""

    def __init__(self, faults: Faults, seed: int = 0):
        self.faults = faults
        self.seed = seed & 0xFFFF_FFFF_FFFF_FFFF
        self._table = self._cumulative(faults.rates())
        self._attempts: dict[int, int] = {}
        self._rng = random.Random(seed)

    @staticmethod
    def _cumulative(rates: dict[str, float]) -> list[tuple[float, str]]:
        table, total = [], 0.0
        for kind, rate in rates.items():
            total += rate
            table.append((total, kind))
        return table

    def pick(self, body: bytes) -> str | None:
        """The fault for this arrival of `body`, or None to answer normally."""
        if not self._table:
            return None
        key = xxhash.xxh3_64_intdigest(body, self.seed)
        attempt = self._attempts.get(key, 0)
        self._attempts[key] = attempt + 1
        limit = self.faults.max_faults_per_body
        if limit is not None and attempt >= limit:
            return None
        if self.faults.mode == "hash":
            draw = xxhash.xxh3_64_intdigest(struct.pack("<QQ", key, attempt), self.seed) / 2**64
        else:
            draw = self._rng.random()
        for threshold, kind in self._table:
            if draw < threshold:
                return kind
        return None

    def reset(self) -> None:
        """Forget every attempt seen, as if freshly started."""
        self._attempts.clear()
        self._rng.seed(self.seed)


class Gate:
    """At most `capacity` requests served at once; the rest are refused or queued (FIFO)."""

    def __init__(self, capacity: int | None = None, queue: bool = False):
        if capacity is not None and capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        self.capacity = capacity
        self.queue = queue
        self.in_flight = self.peak = self.queued = self.peak_queued = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def enter(self) -> bool:
        """Take a slot (waiting for one in queue mode); False: refused."""
        if self.capacity is None or (self.in_flight < self.capacity and not self._waiters):
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            return True
        if not self.queue:
            return False
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        self.queued += 1
        self.peak_queued = max(self.peak_queued, self.queued)
        try:
            await waiter  # leave() hands its slot over: in_flight is already counted
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.leave()
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise
        finally:
            self.queued -= 1
        return True

    def leave(self) -> None:
        """Give a slot back (to the first waiter, if any)."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.in_flight -= 1

    def reset_peaks(self) -> None:
        self.peak, self.peak_queued = self.in_flight, self.queued
