"""Semantic deduplication: a record too similar in meaning to a kept one is rejected.

    steps:
      - semantic_dedup: {fields: [question], threshold: 0.92}

Each record's text is embedded (`curate.embed`, all-MiniLM-L6-v2 by default) and compared
by cosine similarity with every record kept before it, in index order: the first of a group
of paraphrases is kept, a later one is rejected as `semantic_duplicate: similar to record #N
(cosine 0.96)` with `meta.duplicate_of = N`. Only kept records are compared against, so a
chain A ~ B ~ C where A and C are far apart keeps A and C.

- **Threshold** (default 0.92, measured with all-MiniLM-L6-v2; the numbers are in
  tests/test_semantic_dedup.py): light rewordings of the same text score 0.93 to 0.99, free
  paraphrases 0.81 to 0.97, different questions on the same topic mostly below 0.9. The model
  is nearly blind to numbers and to direction ("English to French" vs "French to English"
  scores 0.997), so by default texts whose numbers differ are never duplicates
  (`same_numbers`): a math problem with other numbers is another problem.
- **Search.** A faiss inner-product index of the kept vectors: exact (flat) up to
  `exact_limit` kept records, then an IVF index (4 sqrt(n) lists, trained once on the first
  `exact_limit` kept vectors, 32 lists probed per query) that may miss a rare duplicate.
  Candidates found by faiss are confirmed with an exactly rounded dot product of the stored
  vectors, so verdicts do not depend on batch sizes or summation order.
- **Memory.** Per kept record: its vector (384 dims: 1,536 bytes as float32, 768 with
  `store: float16`) plus 16 bytes; a million kept records take 1.5 GB (0.8 GB). The state
  journal holds the same bytes, so resume rebuilds the index exactly without re-embedding.
- **Text.** `fields` are joined with newlines; by default every string in `data` (sorted by
  key; chat messages give their `content`). The model reads the first 256 tokens only, so
  long texts that share their beginning look alike: embed the prompt, not the response.
"""

from __future__ import annotations

import math
import re
import struct
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xxhash
from pydantic import Field, model_validator

from synthforge import registry
from synthforge.curate.embed import (
    DEFAULT_MODEL,
    Embedder,
    ModelName,
    check_extras,
    require,
)
from synthforge.record import Record, get_path
from synthforge.stage import Context, StatefulCheck, StepConfig

DEFAULT_THRESHOLD = 0.92
NPROBE = 32
_MARGIN = 1e-3  # faiss finds candidates this far below the threshold; exact sums decide
_BLOCK = 1024  # rows per block when comparing a batch with itself
_HEADER = struct.Struct("<4sBxHI")  # magic, bytes per value, dim, count
_MAGIC = b"SDV1"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class SemanticDedupConfig(StepConfig):
    """Reject records whose text means the same as an earlier kept record's."""

    fields: list[str] = Field(default_factory=list, description="Fields embedded, joined by "
                              "newlines (default: every string in data).")
    model: ModelName = Field(DEFAULT_MODEL, description="A sentence-transformers model: a "
                             "local folder, all-MiniLM-L6-v2 (bundled offline), or a hub name.")
    threshold: float = Field(DEFAULT_THRESHOLD, gt=0, le=1, description="Cosine similarity "
                             "at or above which a record is a duplicate.")
    same_numbers: bool = Field(True, description="Only texts with the same set of numbers can "
                               "be duplicates (the model barely sees numbers).")
    batch_size: int = Field(64, ge=1, description="Texts per model call.")
    cache_dir: str | None = Field(None, description="Folder of the embedding cache shared by "
                                  "runs (relative to the recipe); none: memory only.")
    device: str | None = Field(None, description="torch device (default: cuda if available, "
                               "else cpu).")
    store: Literal["float32", "float16"] = Field("float32", description="How kept vectors are "
                                                 "stored: float16 halves the memory.")
    exact_limit: int = Field(1_000_000, ge=1, description="Kept records searched exactly; "
                             "beyond, an approximate IVF index.")

    @model_validator(mode="after")
    def _installed(self) -> SemanticDedupConfig:
        check_extras("semantic_dedup")
        return self


class _MissingField(Exception):
    pass


@registry.register("step", "semantic_dedup")
class SemanticDedup(StatefulCheck):
    """Near-paraphrases by embedding cosine similarity; the first seen is kept."""

    Config = SemanticDedupConfig

    def __init__(self, config: SemanticDedupConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        cache_dir = None
        if config.cache_dir:
            cache_dir = Path(config.cache_dir).expanduser()
            cache_dir = cache_dir if cache_dir.is_absolute() else ctx.base_dir / cache_dir
        self.embedder = Embedder(config.model, cache_dir=cache_dir,
                                 batch_size=config.batch_size, device=config.device)
        self.index = VectorIndex(config.store, config.exact_limit)
        self._text = text_function(config.fields)
        self._delta: list[bytes] = []

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        verdicts: list[str | None] = [None] * len(records)
        texts: dict[int, str] = {}
        for i, record in enumerate(records):
            try:
                texts[i] = self._text(record)
            except _MissingField as exc:
                verdicts[i] = f"missing_field: {exc.args[0]} is needed to deduplicate"
        rows = list(texts)
        if not rows:
            return verdicts
        vectors = self.index.stored(self.embedder.encode([texts[i] for i in rows]))
        numbers = np.array([numbers_key(texts[i]) if self.config.same_numbers else 0
                            for i in rows], dtype=np.uint64)
        matches = self._match(vectors, numbers, [records[i].index for i in rows])
        kept = [r for r, m in enumerate(matches) if m is None]
        indices = np.array([records[rows[r]].index for r in kept], dtype=np.int64)
        self.index.add(vectors[kept], indices, numbers[kept])  # the only change of state
        self._delta.append(self.index.pack(vectors[kept], indices, numbers[kept]))
        for row, match in enumerate(matches):
            if match is not None:
                first, cosine = match
                record = records[rows[row]]
                record.meta["duplicate_of"] = first
                record.meta["duplicate_cosine"] = round(cosine, 4)
                verdicts[rows[row]] = (f"semantic_duplicate: similar to record #{first} "
                                       f"(cosine {cosine:.2f})")
        return verdicts

    def _match(self, vectors: np.ndarray, numbers: np.ndarray, indices: list[int]
               ) -> list[tuple[int, float] | None]:
        """For each row in order: (record index, cosine) of its closest kept match, or None."""
        radius = self.config.threshold - _MARGIN
        earlier = self.index.search(vectors, radius)
        within = pairs_within(vectors, radius)
        matches: list[tuple[int, float] | None] = []
        for row, vector in enumerate(vectors):
            if not len(earlier[row]) and not within[row]:
                matches.append(None)
                continue
            wide = vector.astype(np.float64)
            found: list[tuple[float, int]] = []
            for ordinal in earlier[row]:
                if self.index.numbers[ordinal] == numbers[row]:
                    other = self.index.vector(int(ordinal))
                    found.append((exact_dot(wide, other), int(self.index.records[ordinal])))
            for j in within[row]:
                if matches[j] is None and numbers[j] == numbers[row]:
                    found.append((exact_dot(wide, vectors[j]), indices[j]))
            best = max(((c, -i) for c, i in found if c >= self.config.threshold), default=None)
            matches.append(None if best is None else (-best[1], best[0]))
        return matches

    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return b"".join(delta)

    def restore(self, journal: bytes) -> None:
        self.index.restore(journal)


# ---- text and numbers ---------------------------------------------------------------------

def text_function(fields: Sequence[str]) -> Callable[[Record], str]:
    """The text embedded for a record: the fields' strings joined by newlines."""
    fields = list(fields)

    def text(record: Record) -> str:
        if not fields:
            data = record.data
            return "\n".join(s for key in sorted(data) for s in _strings(data[key]))
        parts: list[str] = []
        for field in fields:
            value = get_path(record, field)
            if value is None:
                raise _MissingField(repr(field))
            parts.extend(_strings(value))
        return "\n".join(parts)

    return text


def _strings(value: Any) -> list[str]:
    """The strings in a value, in order; a chat message gives its content only."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if isinstance(value.get("content"), str):
            return [value["content"]]
        return [s for key in sorted(value) for s in _strings(value[key])]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def numbers_key(text: str) -> int:
    """A hash of the set of numbers written in `text` (thousands separators dropped)."""
    numbers = sorted({m.replace(",", "") for m in _NUMBER.findall(text)})
    return xxhash.xxh3_64_intdigest("\x1f".join(numbers).encode())


def exact_dot(a: np.ndarray, b: np.ndarray) -> float:
    """The dot product, exactly rounded: the same value for the same vectors, always.

    float32 products are exact in float64 and `math.fsum` rounds the sum once, so neither
    summation order nor the BLAS library can change a verdict at the threshold.
    """
    return math.fsum((a * b.astype(np.float64)).tolist())


def pairs_within(vectors: np.ndarray, radius: float) -> list[list[int]]:
    """For each row, the earlier rows whose inner product with it exceeds `radius`."""
    out: list[list[int]] = [[] for _ in range(len(vectors))]
    for start in range(0, len(vectors), _BLOCK):
        stop = min(start + _BLOCK, len(vectors))
        sims = vectors[start:stop] @ vectors[:stop].T
        rows, cols = np.nonzero(sims > radius)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            if c < start + r:
                out[start + r].append(c)
    return out


# ---- the index ----------------------------------------------------------------------------

class VectorIndex:
    """Kept vectors with each one's record index, searched by inner product.

    Exact up to `exact_limit` vectors: blocked matrix products over a numpy array (what a
    faiss IndexFlatIP does, without its per-call thread start-up, which costs 10-60 ms on a
    busy machine against 0.04 ms). Beyond, a faiss IVF index that holds the only copy; with
    float16 storage it uses faiss's fp16 scalar quantizer on the vectors themselves, so the
    vectors it gives back are exactly the float16 ones.
    """

    def __init__(self, store: str = "float32", exact_limit: int = 1_000_000):
        self.dtype = np.dtype(np.float16 if store == "float16" else np.float32)
        self.exact_limit = exact_limit
        self.dim = 0
        self.records = _Column(np.int64)
        self.numbers = _Column(np.uint64)
        self._vectors: _Column | None = None  # rows of `dim` values while exact
        self._ivf: Any = None
        self._quantizer: Any = None  # the IVF's coarse quantizer must outlive it

    def __len__(self) -> int:
        return len(self.records)

    @property
    def approximate(self) -> bool:
        return self._ivf is not None

    @property
    def nbytes(self) -> int:
        """Memory held by the kept vectors and their bookkeeping."""
        return len(self) * (self.dim * self.dtype.itemsize + 16)

    def stored(self, vectors: np.ndarray) -> np.ndarray:
        """Vectors as they will be stored (float16-rounded if so), as contiguous float32."""
        return np.ascontiguousarray(vectors.astype(self.dtype).astype(np.float32))

    def search(self, queries: np.ndarray, radius: float) -> list[np.ndarray]:
        """For each query, the ordinals of stored vectors with inner product above radius."""
        if self._ivf is not None and len(queries):
            lims, _, labels = self._ivf.range_search(queries, radius)
            return [labels[lims[i]:lims[i + 1]] for i in range(len(queries))]
        hits: list[list[np.ndarray]] = [[] for _ in range(len(queries))]
        data = self._vectors.values if self._vectors is not None else np.empty((0, 0))
        for start in range(0, len(data), _BLOCK * 8):
            block = data[start:start + _BLOCK * 8].astype(np.float32, copy=False)
            rows, cols = np.nonzero(queries @ block.T > radius)  # sorted by row
            bounds = np.flatnonzero(np.diff(rows)) + 1
            for part_rows, part_cols in zip(np.split(rows, bounds), np.split(cols, bounds),
                                            strict=True):
                if len(part_rows):
                    hits[int(part_rows[0])].append(part_cols + start)
        return [np.concatenate(h) if h else np.empty(0, dtype=np.int64) for h in hits]

    def vector(self, ordinal: int) -> np.ndarray:
        if self._ivf is not None:
            return self._ivf.reconstruct(ordinal)
        return self._vectors.values[ordinal].astype(np.float32)

    def add(self, vectors: np.ndarray, records: np.ndarray, numbers: np.ndarray) -> None:
        if not len(vectors):
            return
        if self._ivf is not None:
            self._ivf.add(vectors)
        else:
            if self._vectors is None:
                self.dim = vectors.shape[1]
                self._vectors = _Column(self.dtype, self.dim)
            self._vectors.extend(vectors.astype(self.dtype))
        self.records.extend(records)
        self.numbers.extend(numbers)
        if self._ivf is None and len(self) >= self.exact_limit:
            self._to_ivf()

    def _to_ivf(self) -> None:
        """Move to an IVF index trained on the first `exact_limit` vectors (deterministic)."""
        faiss = require("faiss", "semantic deduplication")
        vectors = self._vectors.values.astype(np.float32)
        train = vectors[:self.exact_limit]
        nlist = max(1, min(int(4 * math.sqrt(len(train))), len(train) // 39))
        quantizer = faiss.IndexFlatIP(self.dim)
        if self.dtype == np.float16:
            ivf = faiss.IndexIVFScalarQuantizer(quantizer, self.dim, nlist,
                                                faiss.ScalarQuantizer.QT_fp16,
                                                faiss.METRIC_INNER_PRODUCT)
            ivf.by_residual = False  # store the vectors themselves: reconstruct is exact
        else:
            ivf = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.cp.seed = 1234
        ivf.train(train)
        ivf.make_direct_map()
        ivf.add(vectors)
        ivf.nprobe = min(NPROBE, nlist)
        self._ivf, self._quantizer, self._vectors = ivf, quantizer, None

    # ---- journal ------------------------------------------------------------------------
    def pack(self, vectors: np.ndarray, records: np.ndarray, numbers: np.ndarray) -> bytes:
        """Journal bytes for kept vectors: a header, record indices, number keys, vectors."""
        if not len(vectors):
            return b""
        dtype = self.dtype.newbyteorder("<")
        return b"".join((_HEADER.pack(_MAGIC, dtype.itemsize, vectors.shape[1], len(vectors)),
                         records.astype("<i8").tobytes(), numbers.astype("<u8").tobytes(),
                         vectors.astype(dtype).tobytes()))

    def restore(self, journal: bytes) -> None:
        """Add the vectors of journal chunks written by `pack`, in order."""
        chunks = list(_unpack(journal))
        if not chunks:
            return
        self.add(self.stored(np.concatenate([c[0] for c in chunks])),
                 np.concatenate([c[1] for c in chunks]), np.concatenate([c[2] for c in chunks]))


def _unpack(journal: bytes) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    view, at = memoryview(journal), 0
    while at < len(view):
        if len(view) - at < _HEADER.size:
            raise ValueError(f"semantic_dedup journal is corrupt at byte {at}")
        magic, size, dim, count = _HEADER.unpack_from(view, at)
        end = at + _HEADER.size + count * (16 + size * dim)
        if magic != _MAGIC or size not in (2, 4) or end > len(view):
            raise ValueError(f"semantic_dedup journal is corrupt at byte {at}")
        at += _HEADER.size
        records = np.frombuffer(view, dtype="<i8", count=count, offset=at)
        numbers = np.frombuffer(view, dtype="<u8", count=count, offset=at + 8 * count)
        at += 16 * count
        dtype = "<f2" if size == 2 else "<f4"
        vectors = np.frombuffer(view, dtype=dtype, count=count * dim, offset=at)
        at = end
        yield vectors.reshape(count, dim).astype(np.float32), records, numbers


class _Column:
    """A growable numpy array of scalars or of rows of `width` (amortised doubling)."""

    def __init__(self, dtype: Any, width: int | None = None):
        self._shape = () if width is None else (width,)
        self._data = np.empty((1024, *self._shape), dtype=dtype)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> Any:
        return self._data[:self._n][i]

    def extend(self, values: np.ndarray) -> None:
        need = self._n + len(values)
        if need > len(self._data):
            grown = np.empty((max(need, 2 * len(self._data)), *self._shape),
                             dtype=self._data.dtype)
            grown[:self._n] = self._data[:self._n]
            self._data = grown
        self._data[self._n:need] = values
        self._n = need

    @property
    def values(self) -> np.ndarray:
        return self._data[:self._n]
