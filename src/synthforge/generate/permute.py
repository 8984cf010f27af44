"""Keyed permutations of `range(n)`, to enumerate a finite space in a random-looking order.

A balanced Feistel network permutes the smallest power-of-four domain that holds `n`;
cycle-walking (re-encrypting until the value falls below `n`) restricts it to `range(n)`.
The domain is less than four times `n`, so a walk takes under four steps on average.
"""

from __future__ import annotations

from synthforge.record import derive_seed

M64 = (1 << 64) - 1


def splitmix64(z: int) -> int:
    """The SplitMix64 finalizer: a fast, well-mixing bijection of 64-bit integers."""
    z = (z + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def round_function(x: int, key: int, bits: int) -> int:
    """A keyed pseudo-random function from any non-negative int to `bits` bits."""
    h = key
    while True:  # fold x, 64 bits at a time
        h = splitmix64(h ^ (x & M64))
        x >>= 64
        if not x:
            break
    out, width, j = h, 64, 0
    while width < bits:  # widen the output for halves above 64 bits
        j += 1
        out |= splitmix64(h + j) << width
        width += 64
    return out & ((1 << bits) - 1)


class FeistelPermutation:
    """A bijection of `range(n)` chosen by `key`: `perm(i)` for `i` in `range(n)`."""

    __slots__ = ("_half", "_keys", "_mask", "n")

    def __init__(self, n: int, key: int, rounds: int = 6):
        if n < 1:
            raise ValueError(f"a permutation needs n >= 1, got {n}")
        if rounds < 1:
            raise ValueError(f"a Feistel network needs rounds >= 1, got {rounds}")
        self.n = n
        self._half = max(1, ((n - 1).bit_length() + 1) // 2)
        self._mask = (1 << self._half) - 1
        self._keys = tuple(derive_seed("feistel", key, r) for r in range(rounds))

    def __len__(self) -> int:
        return self.n

    def __call__(self, i: int) -> int:
        if not 0 <= i < self.n:
            raise IndexError(f"index {i} is outside range({self.n})")
        x = self._encrypt(i)
        while x >= self.n:
            x = self._encrypt(x)
        return x

    def _encrypt(self, x: int) -> int:
        half, mask = self._half, self._mask
        left, right = x >> half, x & mask
        for key in self._keys:
            left, right = right, left ^ round_function(right, key, half)
        return (left << half) | right
