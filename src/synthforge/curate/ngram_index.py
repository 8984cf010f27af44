"""Word n-gram overlap between texts and a fixed set of reference texts.

Reference texts ("units": one field of one evaluation item, one source document) are
normalised like everything else in curate/ (NFKC, case, punctuation, whitespace; see
normalize.py), split into words, and every run of `n` consecutive words is hashed to 64
bits. Hashing is vectorised over a whole batch of texts, with no Python work per word:

- each word's hash is a polynomial hash of its bytes, taken from one prefix sum over the
  batch (mod 2**64), then mixed;
- each n-gram's hash is a polynomial hash of its words' hashes, from a second prefix sum.

The index is a sorted array of n-gram hashes with the unit and word position of each
(16 bytes an n-gram), behind a bitmap filter that clears most queries in one vectorised
step. Matching a batch gives, per (text group, unit), the longest run of shared words and
how many of the unit's n-grams occur. Units shorter than `n` words (but at least
`min_words`) are matched whole: the text must contain all their words in a row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from synthforge.curate.normalize import ASCII_FOLD, _unicode_punct, normalize_bytes

MAX_N = 128
_GROUP_BYTES = 1 << 20  # bytes hashed at once (bounds the power tables: 8 MiB each)
_GROUP_WORDS = 1 << 18  # n-gram starts hashed at once
_BYTE_BASE = 0x9E3779B97F4A7C15
_WORD_BASE = 0xD6E8FEB86659FD93
_U64 = np.uint64


@functools.cache
def _powers(base: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """base**k and base**-k (mod 2**64) for k < size; base must be odd."""
    out = []
    for b in (base, pow(base, -1, 1 << 64)):
        p = np.full(size, b, dtype=np.uint64)
        p[0] = 1
        out.append(np.cumprod(p))
    return out[0], out[1]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place: spreads every input bit over the output."""
    x ^= x >> _U64(30)
    x *= _U64(0xBF58476D1CE4E5B9)
    x ^= x >> _U64(27)
    x *= _U64(0x94D049BB133111EB)
    x ^= x >> _U64(31)
    return x


@dataclass(frozen=True)
class Words:
    """The words of a list of texts: a hash each, and which text each belongs to."""

    hashes: np.ndarray  # uint64, one per word, texts one after another
    text: np.ndarray  # int64, the text of each word
    first: np.ndarray  # int64, each text's first word (len(texts) + 1 entries)
    chars: np.ndarray  # int64, each word's length in bytes

    def __len__(self) -> int:
        return len(self.hashes)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


@functools.cache
def _breaks(char: str) -> bool:
    """Whether normalize_bytes turns this non-ASCII character into a space."""
    return ord(char) in _unicode_punct() or char.isspace()


def fold(text: str) -> str:
    """The text as normalize_bytes sees it before ASCII folding: NFKC, casefold, and
    non-ASCII punctuation, symbols and spaces made spaces (the ASCII ones are folded on a
    whole batch at once). Same words as normalize_bytes, without a lookup per character."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for char in set("".join(_NON_ASCII.findall(folded))):
        if _breaks(char):
            folded = folded.replace(char, " ")
    return folded


def _prepare(texts: Sequence[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts ready to be joined and ASCII-folded, their UTF-8 sizes, and the text of each
    (a text above the group size is split at spaces into several pieces)."""
    pieces = list(texts)
    odd = [i for i, t in enumerate(pieces) if not t.isascii()]
    for i in odd:
        pieces[i] = fold(pieces[i])
    sizes = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    for i in odd:
        sizes[i] = len(pieces[i].encode())
    owner = np.arange(len(pieces), dtype=np.int64)
    if len(sizes) and sizes.max() > _GROUP_BYTES:  # rare: long documents
        split = [_split(p) if n > _GROUP_BYTES else [p] for p, n in zip(pieces, sizes.tolist(),
                                                                           strict=True)]
        owner = np.repeat(owner, [len(parts) for parts in split])
        pieces = [part for parts in split for part in parts]
        sizes = np.fromiter((len(p.encode()) for p in pieces), dtype=np.int64,
                            count=len(pieces))
    return pieces, sizes, owner


def _split(text: str) -> list[str]:
    """A long text in pieces of at most _GROUP_BYTES UTF-8 bytes, cut at spaces."""
    data = normalize_bytes(text)
    parts = []
    while len(data) > _GROUP_BYTES:
        cut = data.rfind(b" ", 0, _GROUP_BYTES)
        cut = cut if cut > 0 else _GROUP_BYTES  # one giant "word": cut it anyway
        parts.append(data[:cut].decode(errors="ignore"))
        data = data[cut:]
    return [*parts, data.decode(errors="ignore")]


def _hash_group(pieces: list[str],
                sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word hashes of pieces joined by spaces, the piece (0-based) and length of each word."""
    buf = " ".join(pieces).encode().translate(ASCII_FOLD)
    a = np.frombuffer(buf, dtype=np.uint8)
    edges = np.flatnonzero(np.diff((a > 32).view(np.int8), prepend=np.int8(0),
                                   append=np.int8(0)))
    starts, ends = edges[0::2], edges[1::2]
    power, inverse = _powers(_BYTE_BASE, _GROUP_BYTES + 1)
    prefix = np.zeros(len(a) + 1, dtype=np.uint64)
    np.cumsum(a * power[: len(a)], out=prefix[1:])
    hashes = _mix((prefix[ends] - prefix[starts]) * inverse[starts])
    return hashes, np.searchsorted(np.cumsum(sizes + 1) - 1, starts, side="right"), ends - starts


def words(texts: Sequence[str]) -> Words:
    """Normalise and hash the words of `texts` (vectorised; long texts are split safely)."""
    pieces, sizes, owner = _prepare(texts)
    ends = np.cumsum(sizes + 1)  # where each piece's separator ends, from the batch start
    hashes: list[np.ndarray] = []
    piece_of: list[np.ndarray] = []
    chars: list[np.ndarray] = []
    start = 0
    while start < len(pieces) or not hashes:
        base = int(ends[start - 1]) if start else 0
        stop = max(int(np.searchsorted(ends, base + _GROUP_BYTES + 1, side="right")), start + 1)
        stop = min(stop, len(pieces))
        h, p, c = _hash_group(pieces[start:stop], sizes[start:stop])
        hashes.append(h)
        piece_of.append(p + start)
        chars.append(c)
        start = stop
    text = owner[np.concatenate(piece_of)]
    first = np.searchsorted(text, np.arange(len(texts) + 1), side="left")
    return Words(np.concatenate(hashes), text, first, np.concatenate(chars))


def grams(w: Words, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Every n-gram within one text: its first word's index and its hash."""
    count = len(w) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    power, inverse = _powers(_WORD_BASE, _GROUP_WORDS + MAX_N)
    out = np.empty(count, dtype=np.uint64)
    for lo in range(0, count, _GROUP_WORDS):
        hi = min(lo + _GROUP_WORDS, count)
        seg = w.hashes[lo: hi + n - 1]
        prefix = np.zeros(len(seg) + 1, dtype=np.uint64)
        np.cumsum(seg * power[: len(seg)], out=prefix[1:])
        k = np.arange(hi - lo)
        out[lo:hi] = (prefix[k + n] - prefix[k]) * inverse[: hi - lo]
    starts = np.flatnonzero(w.text[:count] == w.text[n - 1:])
    return starts, _mix(out[starts])


def gram_chars(w: Words, starts: np.ndarray, n: int) -> np.ndarray:
    """The normalised length in characters (bytes) of the n-grams at `starts`."""
    total = np.zeros(len(w) + 1, dtype=np.int64)
    np.cumsum(w.chars, out=total[1:])
    return total[starts + n] - total[starts] + (n - 1)


def gram_at(w: Words, start: int, n: int) -> int:
    """The hash `grams` gives the n-gram at word `start` (for a few candidates)."""
    power, _ = _powers(_WORD_BASE, _GROUP_WORDS + MAX_N)
    h = np.array([np.sum(w.hashes[start: start + n] * power[:n], dtype=np.uint64)])
    return int(_mix(h)[0])


class _HashTable:
    """Sorted uint64 keys with a value row each (duplicates allowed), behind a bitmap."""

    def __init__(self, keys: np.ndarray, *values: np.ndarray):
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.values = [v[order] for v in values]
        bits = int(np.clip(np.ceil(np.log2(max(len(keys), 1) * 16)), 16, 32))
        self._shift = _U64(64 - bits)
        self._bits = np.zeros(1 << (bits - 3), dtype=np.uint8)
        pos = self.keys >> self._shift
        np.bitwise_or.at(self._bits, pos >> _U64(3), (1 << (pos & _U64(7))).astype(np.uint8))

    def __len__(self) -> int:
        return len(self.keys)

    def contains(self, keys: np.ndarray) -> np.ndarray:
        """Positions (into `keys`) of the keys present in the table."""
        pos = keys >> self._shift
        maybe = np.flatnonzero(self._bits[pos >> _U64(3)]
                               & (1 << (pos & _U64(7))).astype(np.uint8))
        if not len(maybe) or not len(self.keys):
            return maybe[:0]
        at = np.minimum(np.searchsorted(self.keys, keys[maybe]), len(self.keys) - 1)
        return maybe[self.keys[at] == keys[maybe]]

    def entries(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For keys known to be present: (which query, table row) for every row of each."""
        lo = np.searchsorted(self.keys, keys, side="left")
        count = np.searchsorted(self.keys, keys, side="right") - lo
        query = np.repeat(np.arange(len(keys)), count)
        row = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count - lo, count)
        return query, row


@dataclass(frozen=True, slots=True)
class Overlap:
    """What one group of texts shares with one unit."""

    owner: int  # the group (e.g. a record) the texts belong to
    unit: int  # the unit's number in the index
    span: int  # longest run of words shared, in words
    covered: int  # the unit's n-grams found in the group (a short unit: 1)
    grams: int  # the unit's n-grams (a short unit: 1)

    @property
    def coverage(self) -> float:
        """Share of the unit's n-grams found."""
        return self.covered / self.grams


class NgramIndex:
    """Word n-grams of reference units, for overlap queries over batches of texts.

        index = NgramIndex(13, min_words=5)
        index.add(("gsm8k/test.jsonl", "12", "question"), question_text)
        index.build()
        overlaps = index.match(texts, owners)    # owners[i]: the record of texts[i]

    A unit of at least `n` words contributes its n-grams; a unit of `min_words` to n - 1
    words is matched whole; shorter units are ignored (too short to be evidence).

    An overlap is reported only if it includes a shared n-gram of at least `min_chars`
    characters after normalisation (default 3 a word): runs of one-letter tokens, such as
    code reduced to `while n 1 if n 2 0 n n 2 else n n`, are not evidence alone. A unit
    with no n-gram that long has all of its n-grams count.
    """

    def __init__(self, n: int = 13, *, min_words: int | None = None,
                 min_chars: int | None = None):
        if not 1 <= n <= MAX_N:
            raise ValueError(f"n must be between 1 and {MAX_N}, not {n}")
        self.n = n
        self.min_words = n if min_words is None else max(1, min(min_words, n))
        self.min_chars = 3 * n if min_chars is None else min_chars
        self.units: list[Hashable] = []
        self._pending: list[tuple[int, str]] = []
        self._words = np.zeros(0, dtype=np.int64)
        self._grams = np.zeros(0, dtype=np.int64)
        self._long: _HashTable | None = None
        self._short: _HashTable | None = None

    def __len__(self) -> int:
        return len(self.units)

    def add(self, unit: Hashable, text: str) -> int:
        """Queue a unit's text (indexed by `build`); returns the unit's number."""
        self.units.append(unit)
        self._pending.append((len(self.units) - 1, text))
        return len(self.units) - 1

    def build(self, batch: int = 4096) -> NgramIndex:
        """Hash every queued unit into the index (call once, after the last `add`)."""
        keys, unit, pos, strong = [], [], [], []
        counts = np.zeros(len(self.units), dtype=np.int64)
        skeys, sunit, sfull = [], [], []
        for lo in range(0, len(self._pending), batch):
            chunk = self._pending[lo: lo + batch]
            ids = np.array([u for u, _ in chunk], dtype=np.int64)
            w = words([t for _, t in chunk])
            counts[ids] = np.diff(w.first)
            starts, hashes = grams(w, self.n)
            keys.append(hashes)
            unit.append(ids[w.text[starts]])
            pos.append(starts - w.first[w.text[starts]])
            strong.append(self._strong(w.text[starts], gram_chars(w, starts, self.n)))
            for t in np.flatnonzero((counts[ids] >= self.min_words) & (counts[ids] < self.n)):
                first, size = int(w.first[t]), int(counts[ids[t]])
                skeys.append(gram_at(w, first, self.min_words))
                sunit.append(ids[t])
                sfull.append(gram_at(w, first, size))
        self._pending = []
        self._words = counts
        self._grams = np.where(counts >= self.n, counts - self.n + 1, 1)
        self._long = _HashTable(_cat(keys, np.uint64), _cat(unit, np.int32),
                                _cat(pos, np.int32), _cat(strong, np.bool_))
        self._short = _HashTable(np.array(skeys, dtype=np.uint64),
                                 np.array(sunit, dtype=np.int32),
                                 np.array(sfull, dtype=np.uint64))
        return self

    def _strong(self, text: np.ndarray, chars: np.ndarray) -> np.ndarray:
        """Which n-grams are evidence: long enough, or of a unit with none long enough."""
        strong = chars >= self.min_chars
        has_any = np.zeros(int(text.max(initial=-1)) + 1, dtype=bool)
        has_any[text[strong]] = True
        return strong | ~has_any[text]

    @property
    def size(self) -> int:
        """How many n-grams (and whole short units) the index holds."""
        return len(self._long or ()) + len(self._short or ())

    def match(self, texts: Sequence[str], owners: Sequence[int] | np.ndarray) -> list[Overlap]:
        """Every (owner, unit) pair that shares at least one n-gram or a whole short unit."""
        if self._long is None or self._short is None:
            raise RuntimeError("call build() before match()")
        if not texts:
            return []
        w = words(texts)
        owner_of = np.asarray(owners, dtype=np.int64)
        found = self._match_long(w, owner_of) if len(self._long) else []
        if len(self._short):
            found += self._match_short(w, owner_of)
        return sorted(found, key=lambda o: (o.owner, o.unit))

    def _match_long(self, w: Words, owner_of: np.ndarray) -> list[Overlap]:
        assert self._long is not None
        starts, hashes = grams(w, self.n)
        hit = self._long.contains(hashes)
        if not len(hit):
            return []
        query, row = self._long.entries(hashes[hit])
        unit_col, pos_col, strong_col = self._long.values
        i = starts[hit][query]  # word index in the batch
        u = unit_col[row].astype(np.int64)
        j = pos_col[row].astype(np.int64)  # word index in the unit
        pair = owner_of[w.text[i]] * len(self.units) + u
        keep = np.isin(pair, pair[strong_col[row]])  # pairs with evidence
        if not keep.all():
            pair, i, j = pair[keep], i[keep], j[keep]
            if not len(pair):
                return []
        order = np.lexsort((i, i - j, pair))
        pair, i, j = pair[order], i[order], j[order]
        diag = i - j
        new_run = np.ones(len(i), dtype=bool)
        new_run[1:] = (pair[1:] != pair[:-1]) | (diag[1:] != diag[:-1]) | (i[1:] != i[:-1] + 1)
        run_id = np.cumsum(new_run) - 1
        run_len = np.bincount(run_id)
        run_pair = pair[new_run]
        pairs, first = np.unique(run_pair, return_index=True)
        longest = np.maximum.reduceat(run_len, first)
        covered = np.unique(np.stack([pair, j]), axis=1)[0]
        covered_count = np.searchsorted(covered, pairs, side="right") - np.searchsorted(
            covered, pairs, side="left")
        units = len(self.units)
        return [Overlap(int(p // units), int(p % units), int(r) + self.n - 1, int(c),
                        int(self._grams[p % units]))
                for p, r, c in zip(pairs.tolist(), longest.tolist(), covered_count.tolist(),
                                   strict=True)]

    def _match_short(self, w: Words, owner_of: np.ndarray) -> list[Overlap]:
        assert self._short is not None
        starts, hashes = grams(w, self.min_words)
        hit = self._short.contains(hashes)
        if not len(hit):
            return []
        query, row = self._short.entries(hashes[hit])
        unit_col, full_col = self._short.values
        seen: set[tuple[int, int]] = set()
        found = []
        for q, r in zip(query.tolist(), row.tolist(), strict=True):
            start, unit = int(starts[hit[q]]), int(unit_col[r])
            size = int(self._words[unit])
            end = start + size - 1
            owner = int(owner_of[w.text[start]])
            if ((owner, unit) in seen or end >= len(w) or w.text[end] != w.text[start]
                    or gram_at(w, start, size) != int(full_col[r])):
                continue
            seen.add((owner, unit))
            found.append(Overlap(owner, unit, size, 1, 1))
        return found


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)
