"""ItemRandom: the `random.Random` interface over a counter-based generator.

Seeding a Mersenne Twister costs more than making a simple task item, so task families use
this instead: one instance per source, re-keyed per item for free (`seed(key)`), each draw
the xxh3 hash of (key, counter). Draws are independent of Python's `random` implementation
details, so items stay the same across Python versions.

A draw is one hash call (about 0.2 µs with the call itself); families that need many small
choices take one `getrandbits(64)` and cut it into several (mixed-radix digits), which is
cheaper still.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, TypeVar

from xxhash import xxh3_64_intdigest as _hash

T = TypeVar("T")
_TO_UNIT = 2.0**-53
# the little-endian bytes of the first counters, so a draw need not build them
_COUNTERS = tuple(i.to_bytes(8, "little") for i in range(1 << 12))
_TABLED = len(_COUNTERS)


class ItemRandom(random.Random):
    """random.Random with a counter-based core: `seed` is cheap, draws are hashes."""

    def __init__(self, key: int = 0):
        super().__init__(0)
        self.seed(key)

    def seed(self, a: Any = None, version: int = 2) -> None:  # type: ignore[override]
        self._key = int(a or 0) & 0xFFFF_FFFF_FFFF_FFFF
        self._n = 0
        self.gauss_next = None

    def _next(self) -> int:
        n = self._n = self._n + 1
        return _hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"), self._key)

    # The draws below inline `_next`: they run millions of times.
    def random(self) -> float:
        n = self._n = self._n + 1
        return (_hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"),
                      self._key) >> 11) * _TO_UNIT

    def getrandbits(self, k: int) -> int:
        if k == 64:
            n = self._n = self._n + 1
            return _hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"), self._key)
        out, bits = 0, 0
        while bits < k:
            out = (out << 64) | self._next()
            bits += 64
        return out >> (bits - k)

    def randint(self, a: int, b: int) -> int:
        n = self._n = self._n + 1  # modulo bias below (b - a) / 2**64: negligible
        return a + _hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"),
                         self._key) % (b - a + 1)

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            if start > 0:  # the common randrange(n)
                n = self._n = self._n + 1
                return _hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"),
                             self._key) % start
            start, stop = 0, start
        if step > 0:
            width = (stop - start + step - 1) // step
        else:
            width = (start - stop - step - 1) // -step
        if width <= 0:
            raise ValueError(f"empty range for randrange({start}, {stop}, {step})")
        return start + step * (self._next() % width)

    def choice(self, seq: Sequence[T]) -> T:
        if not seq:
            raise IndexError("cannot choose from an empty sequence")
        n = self._n = self._n + 1
        return seq[_hash(_COUNTERS[n] if n < _TABLED else n.to_bytes(8, "little"),
                         self._key) % len(seq)]

    def getstate(self) -> tuple[int, int]:  # type: ignore[override]
        return self._key, self._n

    def setstate(self, state: tuple[int, int]) -> None:  # type: ignore[override]
        self._key, self._n = state
