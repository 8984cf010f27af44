"""Train/test splits that never put two rows with the same key in different splits.

Rows are grouped by key (64-bit ints, e.g. `text_key` of the prompt). Groups are ordered by a
seeded hash of their key, which depends on nothing but the key and the seed, and then laid end
to end: a group goes to the split whose share of the rows its middle falls in. Each split's
boundary is its largest-remainder row count, so splits are as close to their shares as whole
groups allow. Everything is vectorised with numpy: about 60 bytes of memory per row at peak.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

_MASK = (1 << 64) - 1


@dataclass(frozen=True)
class SplitPlan:
    """Which split each row goes to: `names[codes[i]]` for row `i`."""

    names: tuple[str, ...]
    codes: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    def split_of(self, i: int) -> str:
        return self.names[int(self.codes[i])]

    def counts(self) -> dict[str, int]:
        """Rows per split, in the order of `names`."""
        totals = np.bincount(self.codes, minlength=len(self.names))
        return dict(zip(self.names, (int(n) for n in totals), strict=True))

    def labels(self) -> list[str]:
        """The split name of every row (a Python list: for small plans and tests)."""
        return [self.names[c] for c in self.codes.tolist()]


def assign_splits(keys: Sequence[int] | np.ndarray, shares: Mapping[str, float],
                  seed: int) -> SplitPlan:
    """Assign each row (given by its key) to a split; equal keys always share a split.

    `shares` maps split names to their shares of the rows (normalised to add up to 1). The
    result is the same for the same keys and seed whatever their order, process or machine.
    """
    names, weights = _check_shares(shares)
    keys = np.asarray(keys, dtype=np.uint64)
    codes = np.zeros(len(keys), dtype=np.uint8 if len(names) <= 256 else np.uint16)
    if len(names) == 1 or len(keys) == 0:
        return SplitPlan(names, codes)
    unique, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
    order = np.argsort(_mix(unique, seed), kind="stable")
    sizes = sizes[order]
    middles = np.cumsum(sizes) - sizes / 2
    bounds = np.cumsum(largest_remainder(len(keys), weights))
    group_codes = np.empty(len(unique), dtype=codes.dtype)
    group_codes[order] = np.searchsorted(bounds, middles, side="right").clip(max=len(names) - 1)
    codes[:] = group_codes[inverse.reshape(-1)]
    return SplitPlan(names, codes)


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole counts adding up to `total`, proportional to `weights` (largest remainder).

    Ties in the remainder go to the earlier weight.
    """
    whole = sum(weights)
    quotas = [total * w / whole for w in weights]
    counts = [int(q) for q in quotas]
    by_remainder = sorted(range(len(quotas)), key=lambda i: (counts[i] - quotas[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _check_shares(shares: Mapping[str, float]) -> tuple[tuple[str, ...], list[float]]:
    if not shares:
        raise ValueError("give at least one split, e.g. {'train': 1.0}")
    if any(not share >= 0 for share in shares.values()) or sum(shares.values()) <= 0:
        raise ValueError(f"split shares must be at least 0 and not all 0, got {dict(shares)}")
    return tuple(shares), [float(s) for s in shares.values()]


def _mix(keys: np.ndarray, seed: int) -> np.ndarray:
    """A seeded 64-bit hash of each key (splitmix64 finaliser over key xor seed)."""
    salt = np.uint64(_splitmix(seed & _MASK))
    x = keys ^ salt
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _splitmix(value: int) -> int:
    value = (value + 0x9E3779B97F4A7C15) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    return value ^ (value >> 31)
