"""A compact map from 64-bit keys to the index of the record that first had them.

Built for millions of keys and batch lookups, with no per-key Python work: a bitmap filter
answers "certainly new" for most keys in one vectorised step; the few others are searched
in sorted numpy arrays (12 bytes a key). New keys arrive as small sorted runs that are
merged into one run, and runs into the main arrays, in bulk.
"""

from __future__ import annotations

import numpy as np

_FILTER_BITS = 27  # a 16 MiB bitmap: ~7 % false candidates at 10 million keys
_SHIFT = np.uint64(64 - _FILTER_BITS)
_LOW3 = np.uint64(7)
_THREE = np.uint64(3)
_MAX_RUNS = 4

Run = tuple[np.ndarray, np.ndarray]  # sorted uint64 keys, their indices
_SMALL = np.uint32  # indices below 2**32 take 4 bytes; larger ones switch all to int64


def _sorted(keys: np.ndarray, idx: np.ndarray) -> Run:
    order = np.argsort(keys, kind="stable")
    return keys[order], idx[order]


class KeyIndex:
    """uint64 key -> first index, with bulk, batch-friendly operations (12 bytes a key)."""

    def __init__(self, merge_at: int = 1 << 18):
        self._main: Run = (np.empty(0, dtype=np.uint64), np.empty(0, dtype=_SMALL))
        self._runs: list[Run] = []
        self._merge_at = merge_at
        self._bits = np.zeros(1 << (_FILTER_BITS - 3), dtype=np.uint8)

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in (self._main, *self._runs))

    def find(self, keys: np.ndarray) -> np.ndarray:
        """For each key (uint64 array), the index stored for it, or -1."""
        out = np.full(len(keys), -1, dtype=np.int64)
        pos = keys >> _SHIFT
        maybe = np.flatnonzero(self._bits[pos >> _THREE] & (1 << (pos & _LOW3)).astype(np.uint8))
        if len(maybe):
            out[maybe] = self._lookup(keys[maybe])
        return out

    def _lookup(self, keys: np.ndarray) -> np.ndarray:
        found = np.full(len(keys), -1, dtype=np.int64)
        for run_keys, run_idx in (self._main, *self._runs):
            if not len(run_keys):
                continue
            at = np.minimum(np.searchsorted(run_keys, keys), len(run_keys) - 1)
            hit = (run_keys[at] == keys) & (found < 0)
            found[hit] = run_idx[at[hit]]
        return found

    def add(self, keys: np.ndarray, idx: np.ndarray) -> None:
        """Store new keys with their indices (callers check with `find` first)."""
        if not len(keys):
            return
        dtype = self._main[1].dtype
        if dtype == _SMALL and int(idx.max()) >= 2**32:
            dtype = np.dtype(np.int64)
            self._main = (self._main[0], self._main[1].astype(dtype))
            self._runs = [(k, i.astype(dtype)) for k, i in self._runs]
        self._runs.append(_sorted(keys, idx.astype(dtype, copy=False)))
        self._mark(keys)
        if len(self._runs) >= _MAX_RUNS:
            self._runs = [_sorted(np.concatenate([k for k, _ in self._runs]),
                                  np.concatenate([i for _, i in self._runs]))]
            if len(self._runs[0][0]) >= self._merge_at:
                self._merge()

    def _mark(self, keys: np.ndarray) -> None:
        pos = keys >> _SHIFT
        np.bitwise_or.at(self._bits, pos >> _THREE, (1 << (pos & _LOW3)).astype(np.uint8))

    def _merge(self) -> None:
        """Fold every run into the main arrays (an O(n) insert of sorted keys)."""
        for keys, idx in self._runs:
            main_keys, main_idx = self._main
            at = np.searchsorted(main_keys, keys)
            self._main = (np.insert(main_keys, at, keys), np.insert(main_idx, at, idx))
        self._runs = []

    @staticmethod
    def pack(keys: np.ndarray, idx: np.ndarray) -> bytes:
        """Journal bytes for (key, index) pairs: 16 bytes each, little-endian."""
        pairs = np.empty((len(keys), 2), dtype="<u8")
        pairs[:, 0] = keys
        pairs[:, 1] = idx
        return pairs.tobytes()

    def restore(self, journal: bytes) -> None:
        """Add the pairs of a journal written by `pack` (the first index of a key wins)."""
        if not journal:
            return
        pairs = np.frombuffer(journal, dtype="<u8").reshape(-1, 2)
        self._merge()
        keys = np.concatenate([self._main[0], pairs[:, 0]])
        idx = np.concatenate([self._main[1].astype(np.int64), pairs[:, 1].astype(np.int64)])
        order = np.lexsort((idx, keys))
        keys, idx = keys[order], idx[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        idx = idx[first]
        small = not len(idx) or int(idx.max()) < 2**32
        self._main = (keys[first], idx.astype(_SMALL) if small else idx)
        self._mark(self._main[0])
