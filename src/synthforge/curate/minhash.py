"""MinHash LSH for short texts: bulk shingling, rensa signatures and a compact band index.

    words = [normalize_words(t) for t in texts]          # b"what is 12 plus 7"
    grams = shingle(words, n=2)                           # 32-bit shingle hashes per text
    keys = BandHasher(bands=30, rows=4).keys(grams)       # (texts, bands) uint64
    index.query(keys), index.add(keys.ravel(), slots)     # who shares a band with whom

Everything after normalisation is vectorised over a batch: tokens are hashed with a
polynomial rolling hash over the batch's bytes, n-grams combined from token hashes,
signatures computed by rensa from the flat hash buffer, and band keys kept in sorted numpy
runs (12 bytes a key) behind a bitmap filter. `optimal_bands` picks bands x rows for a
threshold by minimising the weighted false-positive and false-negative areas of the
S-curve `1 - (1 - s^r)^b`, as in Leskovec et al., *Mining of Massive Datasets*, 3.4.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np
import rensa

from synthforge.curate.normalize import normalize_bytes

U64 = np.uint64
_C1, _C2 = U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53)  # murmur3's fmix64
_S33 = U64(33)
_BASE = 0x100000001B3  # odd: invertible modulo 2**64
_GRAM = U64(0x9E3779B97F4A7C15)
_NUMBER_SALT = U64(0x5851F42D4C957F2D)
_SHORT_SALT = 0x2545F4914F6CDD1D
EMPTY_SHINGLE = 0x9E3779B9  # the one shingle of a text with no words

# ---- normalisation ------------------------------------------------------------------------

_OPERATOR_WORDS = {"+": "plus", "-": "minus", "−": "minus", "*": "times", "×": "times",
                   "/": "over", "÷": "over", "^": "power", "=": "equals", "<": "less",
                   ">": "greater", "%": "percent"}
_NUMBER_RULES = re.compile(
    r"(\d)(?:(,)(?=\d{3}(?!\d))"  # a thousands separator: 1,000 reads 1000
    r"| ?(%)"  # 50% reads 50 percent
    r"| ?([-/−]) ?(?=\d)"  # 12 - 7, 3/4: between two numbers only
    r"| ?([+*×÷^=<>]) ?(?=[\w(]))")  # 12 + x, 2^10
_OPERAND_FIRST = re.compile(r"(?<=[\w)]) ?([+*×÷^=<>]) ?(?=\d)")  # x + 12
_NUMBER = re.compile(r"\d+")
_DIGITS = tuple("0123456789")
_OPERATORS = tuple("+*×÷^=<>")


def _number_rule(match: re.Match[str]) -> str:
    digit, comma, *ops = match.groups()
    if comma:
        return digit
    return f"{digit} {_OPERATOR_WORDS[next(op for op in ops if op)]} "


def _operand_first(match: re.Match[str]) -> str:
    return f" {_OPERATOR_WORDS[match.group(1)]} "


def _contains(text: str, chars: tuple[str, ...]) -> bool:
    return any(c in text for c in chars)  # fast substring searches: cheaper than a regex


def normalize_words(text: str, fold_digits: bool = False) -> bytes:
    """Words of `text` as UTF-8 bytes separated by single spaces: NFKC, case folded,
    punctuation removed, numbers kept with their formatting normalised (`1,000` reads
    `1000`) and arithmetic operators next to numbers kept as words (`12 + 7` reads
    `12 plus 7`), so that different sums stay different. `fold_digits` turns every number
    into `0` (the web-scale habit, which merges tasks that differ only in their numbers)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    if _contains(text, _DIGITS):
        text = _NUMBER_RULES.sub(_number_rule, text)
        if _contains(text, _OPERATORS):
            text = _OPERAND_FIRST.sub(_operand_first, text)
        if fold_digits:
            text = _NUMBER.sub("0", text)
    return normalize_bytes(text)


# ---- shingles -----------------------------------------------------------------------------

def _fmix(h: np.ndarray) -> np.ndarray:
    """murmur3's 64-bit finaliser, in place (wrapping arithmetic)."""
    h ^= h >> _S33
    h *= _C1
    h ^= h >> _S33
    h *= _C2
    h ^= h >> _S33
    return h


@functools.cache
def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**k and BASE**-k modulo 2**64 for k < size (size a power of two)."""
    base = np.full(size, _BASE, dtype=U64)
    base[0] = 1
    inverse = np.full(size, pow(_BASE, -1, 1 << 64), dtype=U64)
    inverse[0] = 1
    with np.errstate(over="ignore"):
        return np.cumprod(base, dtype=U64), np.cumprod(inverse, dtype=U64)


def _token_hashes(data: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of the space-separated tokens in `data` (bytes as uint8), and where
    each token starts."""
    n = len(data)
    spaces = np.flatnonzero(data == 32)
    starts = np.empty(len(spaces) + 1, dtype=np.int64)
    starts[0] = 0
    starts[1:] = spaces + 1
    ends = np.empty_like(starts)
    ends[:-1] = spaces
    ends[-1] = n
    power, inverse = _powers(1 << max(n, 1).bit_length())
    prefix = np.zeros(n + 1, dtype=U64)
    np.cumsum(data * power[:n], out=prefix[1:])  # sum of byte_k * BASE**k, wrapping
    hashes = (prefix[ends] - prefix[starts]) * inverse[starts]  # position-independent
    hashes += (ends - starts).astype(U64)
    return _fmix(hashes), starts


@dataclass(frozen=True)
class Ragged:
    """Rows of uint32 values: row i is values[offsets[i]:offsets[i + 1]]."""

    values: np.ndarray  # uint32
    offsets: np.ndarray  # int64, rows + 1

    @classmethod
    def of_counts(cls, values: np.ndarray, counts: np.ndarray) -> Ragged:
        offsets = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        return cls(values, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> np.ndarray:
        return self.values[self.offsets[i]:self.offsets[i + 1]]

    def counts(self) -> np.ndarray:
        return np.diff(self.offsets)

    def slice(self, start: int, stop: int) -> Ragged:
        """Rows [start, stop) (views)."""
        offsets = self.offsets[start:stop + 1]
        return Ragged(self.values[offsets[0]:offsets[-1]], offsets - offsets[0])

    def take(self, rows: np.ndarray) -> Ragged:
        """The rows at `rows` (ascending)."""
        counts = self.counts()
        chosen = np.zeros(len(self), dtype=bool)
        chosen[rows] = True
        return Ragged.of_counts(self.values[np.repeat(chosen, counts)], counts[rows])


@dataclass(frozen=True)
class Shingles:
    """The shingles of a batch of texts (32-bit hashes; a set per text: order and repeats
    carry no meaning), and the hashes of each text's number tokens (a multiset)."""

    grams: Ragged
    numbers: Ragged

    def __len__(self) -> int:
        return len(self.grams)

    def of(self, i: int) -> np.ndarray:
        return self.grams.row(i)

    def slice(self, start: int, stop: int) -> Shingles:
        return Shingles(self.grams.slice(start, stop), self.numbers.slice(start, stop))

    def take(self, rows: np.ndarray) -> Shingles:
        return Shingles(self.grams.take(rows), self.numbers.take(rows))


def shingle(words: list[bytes], n: int) -> Shingles:
    """Word n-gram shingles of normalised texts (see `normalize_words`), hashed to 32 bits.

    A text with fewer than n words has one shingle, the hash of its whole word sequence, so
    it matches only a text with exactly the same words (no text ever has no shingle).
    """
    counts = np.fromiter((w.count(b" ") + 1 if w else 0 for w in words), dtype=np.int64,
                         count=len(words))
    data = np.frombuffer(b" ".join(w for w in words if w), dtype=np.uint8)
    if len(data):
        token_hash, starts = _token_hashes(data)
        lead = data[starts]
        is_number = (lead >= 48) & (lead <= 57)
    else:
        token_hash, is_number = np.zeros(0, dtype=U64), np.zeros(0, dtype=bool)
    first = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(counts, out=first[1:])
    grams, full = _ngrams(token_hash, counts, first, n)
    per_text = np.where(full, counts - n + 1, 1)
    offsets = np.zeros(len(words) + 1, dtype=np.int64)
    np.cumsum(per_text, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=U64)
    regular = np.repeat(full, per_text)
    out[regular] = grams
    out[~regular] = _whole_texts(token_hash, counts, first, ~full)
    text_of = np.repeat(np.arange(len(words)), counts)
    numbers = Ragged.of_counts(_high(_fmix(token_hash[is_number] ^ _NUMBER_SALT)),
                               np.bincount(text_of[is_number], minlength=len(words)))
    return Shingles(Ragged(_high(out), offsets), numbers)


def _high(h: np.ndarray) -> np.ndarray:
    return (h >> U64(32)).astype(np.uint32)


def _ngrams(token_hash: np.ndarray, counts: np.ndarray, first: np.ndarray,
            n: int) -> tuple[np.ndarray, np.ndarray]:
    """The n-gram hashes of texts with at least n words (in order), and which texts those are."""
    full = counts >= n
    if n == 1:
        return token_hash, full
    m = len(token_hash) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=U64), full
    grams = token_hash[:m].copy()
    for j in range(1, n):
        grams *= _GRAM
        grams += token_hash[j:j + m]
        _fmix(grams)
    text_of = np.repeat(np.arange(len(counts)), counts)[:m]
    position = np.arange(m) - first[text_of]
    return grams[position <= counts[text_of] - n], full


def _whole_texts(token_hash: np.ndarray, counts: np.ndarray, first: np.ndarray,
                 short: np.ndarray) -> np.ndarray:
    """One hash of all the words of each short text (EMPTY_SHINGLE for no words)."""
    rows = np.flatnonzero(short)
    out = np.full(len(rows), EMPTY_SHINGLE << 32, dtype=U64)
    acc = np.full(len(rows), _SHORT_SALT, dtype=U64)
    for j in range(int(counts[rows].max()) if len(rows) else 0):
        has = counts[rows] > j
        acc[has] = _fmix(acc[has] * _GRAM + token_hash[first[rows[has]] + j])
    words = counts[rows] > 0
    out[words] = acc[words]
    return out


# ---- signatures and bands -----------------------------------------------------------------

def collision_probability(similarity: float | np.ndarray, bands: int,
                          rows: int) -> float | np.ndarray:
    """Chance that two texts of this Jaccard similarity share at least one band."""
    return 1 - (1 - np.asarray(similarity) ** rows) ** bands


@functools.cache
def optimal_bands(threshold: float, num_perm: int, fp_weight: float = 0.5,
                  fn_weight: float = 0.5) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm minimising the weighted areas under the
    S-curve below the threshold (false positives) and above it (false negatives)."""
    grid = np.linspace(0.0, 1.0, 2001)
    below, above = grid <= threshold, grid >= threshold
    best: tuple[float, int, int] | None = None
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            p = collision_probability(grid, bands, rows)
            fp = np.trapezoid(p[below], grid[below])
            fn = np.trapezoid(1 - p[above], grid[above])
            error = fp_weight * fp + fn_weight * fn
            if best is None or error < best[0] - 1e-12:
                best = (error, bands, rows)
    assert best is not None
    return best[1], best[2]


class BandHasher:
    """Band keys of texts: rensa MinHash signatures of `bands * rows` permutations, each
    band's `rows` values folded into one 64-bit key (distinct per band)."""

    def __init__(self, bands: int, rows: int, seed: int = 1):
        self.bands = bands
        self.rows = rows
        self.seed = seed
        self._salt = _fmix(np.arange(1, bands + 1, dtype=U64) * _GRAM)

    def keys(self, grams: Shingles) -> np.ndarray:
        """A (texts, bands) uint64 array of band keys."""
        if not len(grams):
            return np.zeros((0, self.bands), dtype=U64)
        matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
            grams.grams.values.astype(U64), grams.grams.offsets.astype(U64),
            self.bands * self.rows, self.seed)
        digest = np.array(matrix.to_rows(), dtype=U64).reshape(len(grams), self.bands,
                                                               self.rows)
        keys = np.broadcast_to(self._salt, (len(grams), self.bands)).copy()
        for j in range(self.rows):
            keys *= _GRAM
            keys += digest[:, :, j]
            _fmix(keys)
        return keys


# ---- the band index -----------------------------------------------------------------------

class BandIndex:
    """A multimap from 64-bit band keys to slots (uint32), 12 bytes an entry.

    Entries live in sorted runs merged like a log-structured tree (sizes halve from one run
    to the next, capped at `max_run`), so adding is amortised O(log n) and a lookup searches
    a few runs; a bitmap filter answers "no such key" for most lookups at once. Equal keys
    keep their slots in the order they were added.
    """

    def __init__(self, filter_bits: int = 28, max_run: int = 1 << 22, bucket_limit: int = 64):
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._bits = np.zeros(1 << (filter_bits - 3), dtype=np.uint8)
        self._shift = U64(64 - filter_bits)
        self._max_run = max_run
        self.bucket_limit = bucket_limit

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self._runs)

    def add(self, keys: np.ndarray, slots: np.ndarray) -> None:
        """Store (key, slot) pairs: 1-d arrays of equal length."""
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        self._runs.append((keys, slots[order].astype(np.uint32)))
        pos = keys >> self._shift  # sorted, so bits of one byte are neighbours
        byte = (pos >> U64(3)).astype(np.int64)
        first = np.flatnonzero(np.r_[True, byte[1:] != byte[:-1]])
        self._bits[byte[first]] |= np.bitwise_or.reduceat(
            (1 << (pos & U64(7))).astype(np.uint8), first)
        runs = self._runs
        while (len(runs) > 1 and len(runs[-2][0]) <= 2 * len(runs[-1][0])
               and len(runs[-2][0]) + len(runs[-1][0]) <= self._max_run):
            newer, older = runs.pop(), runs.pop()
            merged = np.concatenate([older[0], newer[0]])
            order = np.argsort(merged, kind="stable")  # two sorted runs: a linear merge
            runs.append((merged[order], np.concatenate([older[1], newer[1]])[order]))

    def query(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every stored (position in `keys`, slot) pair with an equal key; at most
        `bucket_limit` slots per key and run (the earliest added)."""
        pos = keys >> self._shift
        maybe = np.flatnonzero(self._bits[pos >> U64(3)] & (1 << (pos & U64(7))).astype(np.uint8))
        order = np.argsort(keys[maybe])  # sorted needles: cache-friendly searches
        maybe = maybe[order]
        wanted = keys[maybe]
        found_at: list[np.ndarray] = []
        found_slot: list[np.ndarray] = []
        for run_keys, run_slots in self._runs:
            lo = np.searchsorted(run_keys, wanted, side="left")
            count = np.minimum(np.searchsorted(run_keys, wanted, side="right") - lo,
                               self.bucket_limit)
            hit = np.flatnonzero(count)
            if not len(hit):
                continue
            count = count[hit]
            step = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
            found_at.append(np.repeat(maybe[hit], count))
            found_slot.append(run_slots[np.repeat(lo[hit], count) + step])
        if not found_at:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        return np.concatenate(found_at), np.concatenate(found_slot)


class RaggedStore:
    """Rows of uint32 values appended in batches, in growing flat arrays."""

    def __init__(self) -> None:
        self._values = np.zeros(1 << 16, dtype=np.uint32)
        self._offsets = np.zeros(1 << 10, dtype=np.int64)
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def add(self, rows: Ragged) -> None:
        start, n = self.size, len(rows)
        end = int(self._offsets[start])
        need = end + len(rows.values)
        self._values = _grown(self._values, need)
        self._offsets = _grown(self._offsets, start + n + 1)
        self._values[end:need] = rows.values
        self._offsets[start + 1:start + n + 1] = end + rows.offsets[1:]
        self.size += n

    def row(self, i: int) -> np.ndarray:
        return self._values[self._offsets[i]:self._offsets[i + 1]]


class ShingleStore:
    """The shingles (4 bytes each) and number hashes of stored texts, by slot."""

    def __init__(self) -> None:
        self.grams = RaggedStore()
        self.numbers = RaggedStore()

    def __len__(self) -> int:
        return len(self.grams)

    def add(self, shingles: Shingles) -> np.ndarray:
        """Store a batch; returns the slots it got."""
        start = len(self.grams)
        self.grams.add(shingles.grams)
        self.numbers.add(shingles.numbers)
        return np.arange(start, len(self.grams), dtype=np.uint32)


def _grown(array: np.ndarray, need: int) -> np.ndarray:
    if need <= len(array):
        return array
    bigger = np.zeros(max(need, 2 * len(array)), dtype=array.dtype)
    bigger[:len(array)] = array
    return bigger


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two shingle arrays taken as sets."""
    sa, sb = set(a.tolist()), set(b.tolist())
    inter = len(sa & sb)
    return inter / (len(sa) + len(sb) - inter)


def nested(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether one multiset of values contains the other (an empty one is in every one)."""
    if not len(a) or not len(b):
        return True
    ca, cb = Counter(a.tolist()), Counter(b.tolist())
    return not ca - cb or not cb - ca
