"""A compact map from 64-bit keys to the index of the record that first had them.

Millions of keys fit in sorted numpy arrays (16 bytes a key); recent keys wait in a small
dict and are merged in bulk. Lookups are vectorised per batch.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

_EMPTY_KEYS = np.empty(0, dtype=np.uint64)
_EMPTY_IDX = np.empty(0, dtype=np.int64)


class KeyIndex:
    """uint64 key -> first index, with bulk, batch-friendly operations."""

    def __init__(self, buffer_limit: int = 1 << 18):
        self._keys = _EMPTY_KEYS
        self._idx = _EMPTY_IDX
        self._recent: dict[int, int] = {}
        self._limit = buffer_limit

    def __len__(self) -> int:
        return len(self._keys) + len(self._recent)

    def find(self, keys: list[int]) -> list[int]:
        """For each key, the index stored for it, or -1."""
        if not keys:
            return []
        out = self._find_frozen(np.fromiter(keys, dtype=np.uint64, count=len(keys)))
        recent = self._recent
        if recent:
            out = [recent.get(k, i) if i < 0 else i for k, i in zip(keys, out, strict=True)]
        return out

    def _find_frozen(self, keys: np.ndarray) -> list[int]:
        if not len(self._keys):
            return [-1] * len(keys)
        pos = np.searchsorted(self._keys, keys)
        pos_clip = np.minimum(pos, len(self._keys) - 1)
        hit = self._keys[pos_clip] == keys
        return np.where(hit, self._idx[pos_clip], -1).tolist()

    def add(self, items: dict[int, int]) -> None:
        """Store new keys (callers check with `find` first)."""
        self._recent.update(items)
        if len(self._recent) >= self._limit:
            self._merge()

    def add_arrays(self, keys: np.ndarray, idx: np.ndarray) -> None:
        """Store many keys at once (restoring a journal); first occurrence wins."""
        self._merge()
        keys = np.concatenate([self._keys, keys.astype(np.uint64, copy=False)])
        idx = np.concatenate([self._idx, idx.astype(np.int64, copy=False)])
        order = np.lexsort((idx, keys))
        keys, idx = keys[order], idx[order]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        self._keys, self._idx = keys[first], idx[first]

    def _merge(self) -> None:
        if not self._recent:
            return
        new_keys = np.fromiter(self._recent.keys(), dtype=np.uint64, count=len(self._recent))
        new_idx = np.fromiter(self._recent.values(), dtype=np.int64, count=len(self._recent))
        order = np.argsort(new_keys, kind="stable")
        new_keys, new_idx = new_keys[order], new_idx[order]
        pos = np.searchsorted(self._keys, new_keys)
        self._keys = np.insert(self._keys, pos, new_keys)
        self._idx = np.insert(self._idx, pos, new_idx)
        self._recent = {}

    @staticmethod
    def pack(items: Iterable[tuple[int, int]]) -> bytes:
        """Journal bytes for (key, index) pairs: 16 bytes each, little-endian."""
        flat = [v for pair in items for v in pair]
        arr = np.array(flat, dtype=np.uint64) if flat else _EMPTY_KEYS
        return arr.astype("<u8").tobytes()

    def restore(self, journal: bytes) -> None:
        """Add the pairs of a journal written by `pack`."""
        if not journal:
            return
        arr = np.frombuffer(journal, dtype="<u8").reshape(-1, 2)
        self.add_arrays(arr[:, 0].copy(), arr[:, 1].astype(np.int64))
