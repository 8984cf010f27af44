"""The mix schedule: which generator makes attempt i, and that generator's own index k.

Attempts come in blocks; each block gives every entry its share of the block (fractions
handed out by a seeded draw, so long-run shares are exact in expectation and every block
is within one item of them), in a seeded order. Item i is a pure function of (seed, i):
a run can start at any index and get the same assignment.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache

from synthforge.record import derive_seed

BLOCK = 512


class MixSchedule:
    """Maps attempt indices to (entry, local index) for weighted entries."""

    def __init__(self, weights: list[float], seed: int, block: int = BLOCK):
        total = float(sum(weights))
        self.shares = [w / total for w in weights]
        self.seed = seed
        self.block = block
        self._cum: list[list[int]] = [[0] * len(weights)]  # counts before each block
        self._layout = lru_cache(maxsize=8)(self._block_layout)

    def assign(self, start: int, stop: int) -> list[tuple[int, int]]:
        """(entry, k) for each attempt index in [start, stop)."""
        if len(self.shares) == 1:
            return [(0, i) for i in range(start, stop)]
        out: list[tuple[int, int]] = []
        i = start
        while i < stop:
            b, offset = divmod(i, self.block)
            layout = self._layout(b)
            end = min(stop - i, self.block - offset)
            out.extend(layout[offset: offset + end])
            i += end
        return out

    def _counts(self, b: int) -> list[int]:
        """How many slots of block b each entry gets."""
        exact = [s * self.block for s in self.shares]
        counts = [math.floor(x) for x in exact]
        extra = self.block - sum(counts)
        if extra:
            rng = random.Random(derive_seed(self.seed, "mix-extra", b))
            fracs = [x - c for x, c in zip(exact, counts, strict=True)]
            keyed = sorted(((rng.random() ** (1.0 / f), j) for j, f in enumerate(fracs) if f > 0),
                           reverse=True)
            for _, j in keyed[:extra]:
                counts[j] += 1
        return counts

    def _before(self, b: int) -> list[int]:
        while len(self._cum) <= b:
            n = len(self._cum) - 1
            self._cum.append([a + c for a, c in zip(self._cum[n], self._counts(n), strict=True)])
        return self._cum[b]

    def _block_layout(self, b: int) -> list[tuple[int, int]]:
        counts = self._counts(b)
        entries = [j for j, c in enumerate(counts) for _ in range(c)]
        random.Random(derive_seed(self.seed, "mix-order", b)).shuffle(entries)
        next_k = list(self._before(b))
        layout = []
        for j in entries:
            layout.append((j, next_k[j]))
            next_k[j] += 1
        return layout
