"""Self-instruct novelty: reject a record too similar (ROUGE-L) to one kept before it.

```yaml
steps:
  - novelty:
      field: instruction     # default: the prompt (instruction, prompt, question, user turns)
      threshold: 0.7         # reject when ROUGE-L F-measure > threshold (self-instruct)
      exact_until: 5000      # compare with every kept text until the pool is this large
```

The pool holds the texts this step kept. While it is smaller than `exact_until`, a text is
compared with every kept text: an inverted index of (token, occurrence) gives each one's
multiset token overlap with it, an upper bound of the LCS, and only those whose bound lets
ROUGE-L pass get the exact LCS. From `exact_until` on, MinHash LSH (rensa) proposes the
candidates; they are cut by length and by shared tokens and verified with the same LCS, so
decisions stay comparable across the switch. The mode depends on the pool size alone, so a
resumed run decides as an uninterrupted one.

ROUGE-L F > t needs a multiset Jaccard above t / (2 - t) (0.54 for 0.7), so the sketches are
of tokens numbered by occurrence, and the default 64 bands of 4 rows miss such a pair with
probability 0.4 % at worst and less than 0.02 % from a Jaccard of 0.6; on 3,000 reworded
Alpaca instructions both modes keep and reject the same records. rensa's index takes about
5 KB per kept text with 64 bands (half with `num_perm: 128, lsh_bands: 32`, at some recall).

ROUGE-L is `rouge_score`'s (lower case, runs of letters and digits as tokens, no stemming,
F = 2·LCS / (m + n)), with Unicode letters and digits so that any language has tokens; the
LCS is bit-parallel (Hyyrö 2004), vectorised over many candidates at once. The journal
holds, for each kept text, its record index and its tokens joined by spaces.
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import rensa
from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from synthforge import registry
from synthforge.record import Record
from synthforge.stage import Context, StatefulCheck, StepConfig

_WORD = re.compile(r"[^\W_]+")
_HEAD = struct.Struct("<qI")  # record index, byte length of the tokens
_PAD = -1  # fills token rows of unequal length; no token has a negative id
_UNSEEN = -2  # a query token the pool has no id for
_VECTOR_FROM = 48  # candidates from which the LCS runs vectorised (numpy) rather than per pair


# ---- ROUGE-L ------------------------------------------------------------------------------

def rouge_tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: `rouge_score`'s tokens, Unicode-aware."""
    return _WORD.findall(text.lower())


def match_masks(tokens: Sequence[Any]) -> dict[Any, int]:
    """Token -> bitmask of its positions in `tokens`, for `lcs_length`."""
    masks: dict[Any, int] = {}
    for i, token in enumerate(tokens):
        masks[token] = masks.get(token, 0) | (1 << i)
    return masks


def lcs_length(masks: dict[Any, int], m: int, other: Sequence[Any]) -> int:
    """Length of the longest common subsequence of a sequence (its `masks`, length m) and
    `other`: bit-parallel (Hyyrö 2004), one pass over `other` with m-bit integers."""
    full = (1 << m) - 1
    v = full
    get = masks.get
    for token in other:
        u = get(token)
        if u:
            u &= v
            v = ((v + u) | (v - u)) & full
    return m - v.bit_count()


def rouge_l(a: Sequence[Any], b: Sequence[Any]) -> float:
    """ROUGE-L F-measure of two token sequences (0 if either is empty)."""
    if not a or not b:
        return 0.0
    return 2.0 * lcs_length(match_masks(a), len(a), b) / (len(a) + len(b))


def lcs_lengths(query: Sequence[int], rows: np.ndarray) -> np.ndarray:
    """LCS of `query` (non-negative ids, at most 64) with each row of `rows` (ids, padded
    with -1): the bit-parallel LCS run over all rows at once in 64-bit lanes."""
    m = len(query)
    masks = match_masks(query)
    keys = np.fromiter(masks, dtype=np.int64, count=len(masks))
    values = np.fromiter(masks.values(), dtype=np.uint64, count=len(masks))
    order = np.argsort(keys)
    keys, values = keys[order], values[order]
    at = np.minimum(np.searchsorted(keys, rows), len(keys) - 1)
    match = np.where(keys[at] == rows, values[at], np.uint64(0)).T.copy()
    v = np.full(len(rows), np.uint64(2**64 - 1))
    for column in match:  # carries past bit 63 fall off: only the low m bits matter
        u = v & column
        v = (v + u) | (v - u)
    return m - np.bitwise_count(v & np.uint64((1 << m) - 1)).astype(np.int64)


# ---- the pool -----------------------------------------------------------------------------

class _Column:
    """A growable numpy column."""

    def __init__(self, dtype: Any):
        self.data = np.empty(1024, dtype=dtype)
        self.size = 0

    def extend(self, values: Sequence[int]) -> None:
        end = self.size + len(values)
        if end > len(self.data):
            self.data = np.resize(self.data, max(end, 2 * len(self.data)))
        self.data[self.size:end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self.data[: self.size]


class Pool:
    """Kept texts as token ids; finds the most similar one to a query by ROUGE-L.

    Exact mode (fewer than `exact_until` texts): an inverted index of (token id, occurrence)
    gives every text's multiset overlap with the query; LSH mode: MinHash LSH candidates.
    Either way, candidates are cut by length and verified by the exact LCS.
    """

    def __init__(self, threshold: float, exact_until: int, num_perm: int, bands: int,
                 seed: int = 0):
        self.threshold = threshold
        self.exact_until = exact_until
        self.num_perm, self.bands, self.seed = num_perm, bands, seed
        self.vocab: dict[str, int] = {}
        self.words: list[str] = []
        self.flat = _Column(np.int32)
        self.start = _Column(np.int64)
        self.lens = _Column(np.int32)
        self.index = _Column(np.int64)
        self.postings: dict[int, array[int]] | None = {}
        self.lsh: Any = None

    def __len__(self) -> int:
        return self.lens.size

    # -- queries ------------------------------------------------------------------------
    def ids(self, tokens: Sequence[str]) -> list[int]:
        """Token ids; tokens the pool has never seen get -2 (they match nothing)."""
        get = self.vocab.get
        return [get(t, _UNSEEN) for t in tokens]

    def most_similar(self, tokens: Sequence[str], sketch: Any = None) -> tuple[float, int]:
        """(best ROUGE-L above the threshold, its slot; the earliest of equals) or (0.0, -1)."""
        if not tokens or not len(self):
            return 0.0, -1
        ids = self.ids(tokens)
        if self.lsh is None and len(self) >= self.exact_until:
            self.build_lsh()
        if self.lsh is None:
            slots = self._overlap_candidates(ids)
            rows, lens = self._rows(slots)
        else:
            slots, rows, lens = self._lsh_candidates(tokens, ids, sketch)
        if not len(slots):
            return 0.0, -1
        scores = 2.0 * _lcs(ids, rows, lens) / (len(ids) + lens)
        best = int(np.argmax(scores))
        if scores[best] > self.threshold:
            return float(scores[best]), int(slots[best])
        return 0.0, -1

    def _passes(self, bound: np.ndarray, m: int, lens: np.ndarray) -> np.ndarray:
        """Where an upper bound of the LCS lets ROUGE-L pass the threshold."""
        return 2.0 * bound / (m + lens) > self.threshold

    def _overlap_candidates(self, ids: list[int]) -> np.ndarray:
        """Exact mode: slots whose multiset token overlap with the query (from the inverted
        index; it bounds the LCS) lets ROUGE-L pass."""
        assert self.postings is not None
        lists = [p for key in _occurrence_keys(ids) if (p := self.postings.get(key))]
        if not lists:
            return np.empty(0, dtype=np.int64)
        overlap = np.bincount(np.concatenate(lists), minlength=len(self))
        return np.flatnonzero(self._passes(overlap, len(ids), self.lens.view()))

    def _lsh_candidates(self, tokens: Sequence[str], ids: list[int], sketch: Any
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """LSH mode: candidates cut by length, then by how many of their tokens the query
        has (a bound of the LCS too)."""
        if sketch is None:
            sketch = self.sketches([tokens])[0]
        slots = np.sort(np.array(self.lsh.query(sketch), dtype=np.int64))
        m = len(ids)
        lens = self.lens.data[slots]
        slots = slots[self._passes(np.minimum(lens, m), m, lens)]
        if len(slots):
            in_query = np.zeros(len(self.words), dtype=bool)
            in_query[[i for i in ids if i >= 0]] = True
            shared = _row_sums(in_query, self.flat.data, self.start.data[slots],
                               self.lens.data[slots])
            slots = slots[self._passes(shared, m, self.lens.data[slots])]
        rows, lens = self._rows(slots)
        return slots, rows, lens

    def _rows(self, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The token ids of `slots` as rows padded with -1, and their lengths."""
        lens = self.lens.data[slots].astype(np.int64)
        if not len(slots):
            return np.empty((0, 0), dtype=np.int32), lens
        cols = np.arange(int(lens.max()))
        at = np.minimum(self.start.data[slots][:, None] + cols, self.flat.size - 1)
        return np.where(cols < lens[:, None], self.flat.data[at], _PAD), lens

    # -- growth -------------------------------------------------------------------------
    def add(self, tokens: Sequence[str], index: int, sketch: Any = None) -> None:
        """Keep a text (non-empty tokens) seen at record `index`."""
        vocab = self.vocab
        ids = []
        for token in tokens:
            i = vocab.get(token)
            if i is None:
                i = vocab[token] = len(self.words)
                self.words.append(token)
            ids.append(i)
        slot = len(self)
        self.start.extend([self.flat.size])
        self.lens.extend([len(ids)])
        self.index.extend([index])
        self.flat.extend(ids)
        if self.postings is not None:
            postings = self.postings
            for key in _occurrence_keys(ids):
                postings.setdefault(key, array("i")).append(slot)
        if self.lsh is not None:
            self.lsh.insert(slot, sketch if sketch is not None else self.sketches([tokens])[0])

    def mark(self) -> tuple[int, int, bool]:
        """A point to `rollback` to: texts, words, whether LSH was on."""
        return len(self), len(self.words), self.lsh is not None

    def rollback(self, mark: tuple[int, int, bool]) -> None:
        """Forget every text added since `mark` (undo a failed batch)."""
        size, words, had_lsh = mark
        if self.postings is not None:
            for slot in range(len(self) - 1, size - 1, -1):
                for key in _occurrence_keys(self._ids_at(slot)):
                    self.postings[key].pop()
        if self.lsh is not None and not had_lsh:
            self.lsh = None
        elif self.lsh is not None:
            for slot in range(size, len(self)):
                self.lsh.remove(slot)
        for word in self.words[words:]:
            del self.vocab[word]
        del self.words[words:]
        if size < len(self):
            self.flat.size = int(self.start.data[size])
        for column in (self.start, self.lens, self.index):
            column.size = size

    def _ids_at(self, slot: int) -> list[int]:
        s = int(self.start.data[slot])
        return self.flat.data[s:s + int(self.lens.data[slot])].tolist()

    def tokens_at(self, slot: int) -> list[str]:
        words = self.words
        return [words[i] for i in self._ids_at(slot)]

    def drop_postings(self) -> None:
        """Free the inverted index once LSH has taken over (between batches)."""
        if self.lsh is not None:
            self.postings = None

    # -- MinHash ------------------------------------------------------------------------
    def sketches(self, token_lists: Sequence[Sequence[str]]) -> list[Any]:
        """MinHash of each text's tokens, repeated tokens numbered (a multiset)."""
        sets = [_multiset(tokens) for tokens in token_lists]
        return rensa.RMinHash.from_token_sets(sets, self.num_perm, self.seed)

    def build_lsh(self) -> None:
        """Index every kept text in MinHash LSH (from now on, candidates come from it)."""
        self.lsh = rensa.RMinHashLSH(self.threshold, self.num_perm, self.bands)
        sketches = self.sketches([self.tokens_at(s) for s in range(len(self))])
        self.lsh.insert_many(sketches, 0)


def _row_sums(weights: np.ndarray, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray
              ) -> np.ndarray:
    """For each row flat[start:start + len] (len > 0), the sum of weights[token]."""
    ends = np.cumsum(lens, dtype=np.int64)
    at = np.arange(int(ends[-1])) - np.repeat(ends - lens - starts, lens)
    return np.add.reduceat(weights[flat[at]], ends - lens)


def _lcs(ids: list[int], rows: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """LCS of the query with each row: vectorised for many rows of a query that fits a
    64-bit lane, else one big-integer LCS per row."""
    if len(ids) <= 64 and len(rows) >= _VECTOR_FROM:
        return lcs_lengths(ids, rows)
    masks, m = match_masks(ids), len(ids)
    return np.array([lcs_length(masks, m, row[:n]) for row, n in
                     zip(rows.tolist(), lens.tolist(), strict=True)], dtype=np.int64)


def _occurrence_keys(ids: Sequence[int]) -> list[int]:
    """(id, how many times seen before) as one int: set overlap of these = multiset overlap."""
    seen: dict[int, int] = {}
    keys = []
    for i in ids:
        if i < 0:
            continue
        n = seen.get(i, 0)
        seen[i] = n + 1
        keys.append(i | (n << 32))
    return keys


def _multiset(tokens: Sequence[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for token in tokens:
        n = seen.get(token, 0)
        seen[token] = n + 1
        out.append(token if n == 0 else f"{token}\x00{n}")
    return out


# ---- fields -------------------------------------------------------------------------------

PROMPT_FIELDS = ("instruction", "prompt", "question")
MESSAGES = "messages"
MISSING: Any = object()


def conventional_prompt(record: Record, messages: str = MESSAGES) -> Any:
    """The first of `instruction`, `prompt`, `question`; else the user turns of `messages`
    (joined by newlines); MISSING if none."""
    data = record.data
    for name in PROMPT_FIELDS:
        value = data.get(name)
        if value is not None:
            return value
    turns = data.get(messages)
    if isinstance(turns, list):
        users = [m.get("content") for m in turns if isinstance(m, dict) and m.get("role") == "user"]
        if users and all(isinstance(u, str) for u in users):
            return "\n".join(users)
    return MISSING


def describe_missing(path: str | None, what: str, conventional: Sequence[str]) -> str:
    if path is not None:
        return f"missing_field: {path} is missing"
    return f"missing_field: no {what} ({', '.join(conventional)} or {MESSAGES})"


# ---- the step -----------------------------------------------------------------------------

class NoveltyConfig(StepConfig):
    """Reject a record whose text is too similar (ROUGE-L) to one kept earlier."""

    field: str | None = Field(None, min_length=1, description="Field compared (default: the "
                              "prompt: instruction, prompt, question, or the user turns of "
                              "messages).")
    messages: str = Field(MESSAGES, min_length=1, description="Field of chat turns read when "
                          "the record has no prompt field.")
    threshold: float = Field(0.7, gt=0, le=1, description="Reject when ROUGE-L F-measure with "
                             "a kept text is above this (self-instruct: 0.7).")
    exact_until: int = Field(5000, ge=0, description="Compare with every kept text while "
                             "fewer than this many are kept; then MinHash LSH candidates.")
    num_perm: int = Field(256, gt=0, le=1024, description="MinHash permutations.")
    lsh_bands: int = Field(64, gt=0, description="LSH bands (must divide num_perm); more "
                           "bands find more pairs at a lower Jaccard, and more candidates.")

    @model_validator(mode="after")
    def _bands_divide(self) -> NoveltyConfig:
        if self.num_perm % self.lsh_bands:
            raise PydanticCustomError("bands", "lsh_bands ({bands}) must divide num_perm "
                                      "({perm})", {"bands": self.lsh_bands,
                                                   "perm": self.num_perm})
        return self


@registry.register("step", "novelty")
class Novelty(StatefulCheck):
    """Self-instruct novelty: reject text with ROUGE-L above a threshold to a kept one."""

    Config = NoveltyConfig

    def __init__(self, config: NoveltyConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.pool = self._new_pool()
        self._delta: list[bytes] = []

    def _new_pool(self) -> Pool:
        c = self.config
        assert isinstance(c, NoveltyConfig)
        return Pool(c.threshold, c.exact_until, c.num_perm, c.lsh_bands)

    def _text(self, record: Record) -> str | list[str]:
        """The record's tokens, or a reject reason (a str)."""
        c = self.config
        assert isinstance(c, NoveltyConfig)
        path = c.field
        value = conventional_prompt(record, c.messages) if path is None else \
            record.get(path, MISSING)
        if value is MISSING or value is None:
            return describe_missing(path, "prompt", PROMPT_FIELDS)
        if not isinstance(value, str):
            return f"not_text: {path or 'the prompt'} is {type(value).__name__}, expected text"
        return rouge_tokens(value)

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        pool = self.pool
        pool.drop_postings()
        texts = [self._text(r) for r in records]
        sketches = self._sketches(texts)
        verdicts: list[str | None] = []
        delta = []
        mark = pool.mark()
        try:
            for record, tokens, sketch in zip(records, texts, sketches, strict=True):
                if isinstance(tokens, str):
                    verdicts.append(tokens)
                    continue
                score, slot = pool.most_similar(tokens, sketch)
                if slot >= 0:
                    verdicts.append(self._reject(record, score, int(pool.index.data[slot])))
                    continue
                verdicts.append(None)
                if tokens:
                    pool.add(tokens, record.index, sketch)
                    delta.append(_pack(record.index, tokens))
        except BaseException:
            pool.rollback(mark)
            raise
        self._delta.extend(delta)
        return verdicts

    def _sketches(self, texts: list[str | list[str]]) -> list[Any]:
        """MinHash sketches for the batch at once when the pool may reach LSH mode in it."""
        if len(self.pool) + len(texts) <= self.pool.exact_until:
            return [None] * len(texts)
        wanted = [t for t in texts if t and not isinstance(t, str)]
        made = iter(self.pool.sketches(wanted) if wanted else ())
        return [next(made) if t and not isinstance(t, str) else None for t in texts]

    @staticmethod
    def _reject(record: Record, score: float, index: int) -> str:
        record.meta["similar_to"] = {"index": index, "rouge_l": round(score, 4)}
        return f"not_novel: rouge-l {score:.2f} with record #{index}"

    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return b"".join(delta)

    def restore(self, journal: bytes) -> None:
        self.pool = pool = self._new_pool()
        self._delta = []
        entries = list(_unpack(journal))
        if len(entries) >= pool.exact_until:  # LSH from the start: no inverted index needed
            pool.postings = None
        for index, tokens in entries:
            pool.add(tokens, index)
        if len(pool) >= pool.exact_until:
            pool.build_lsh()


def _pack(index: int, tokens: Sequence[str]) -> bytes:
    body = " ".join(tokens).encode()
    return _HEAD.pack(index, len(body)) + body


def _unpack(journal: bytes) -> Any:
    at, end, size = 0, len(journal), _HEAD.size
    while at < end:
        index, n = _HEAD.unpack_from(journal, at)
        at += size
        yield index, journal[at:at + n].decode().split(" ")
        at += n
