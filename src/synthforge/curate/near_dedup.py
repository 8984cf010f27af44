"""Near-duplicate dedup: MinHash LSH over word n-grams, candidates verified by exact Jaccard.

```yaml
steps:
  - near_dedup:
      fields: [instruction, response]   # default: every string in data
      threshold: 0.5                    # Jaccard of word bigrams, after normalisation
      reference: [data/real.jsonl]      # also reject what the user's real data already holds
```

Defaults are tuned for short texts (instructions, answers, chat turns; see
docs/benchmarks.md): word bigrams, Jaccard 0.5, bands x rows chosen for that threshold with
false negatives weighted 4:1 over false positives, and every LSH candidate verified by the
exact Jaccard of the two shingle sets. Numbers are kept (`1,000` reads `1000`, `12 + 7`
reads `12 plus 7`), and two texts are near duplicates only if the numbers of one are among
the numbers of the other: a dropped number may be an edit, a changed one makes another task,
so tasks that differ only in their numbers (`What is 12 + 7?`, `What is 12 + 8?`) all stay.
A text shorter than the shingle size is matched whole, as exact dedup would.

The first record of a group is kept; a later one is rejected with
`near_duplicate: similar to record #12 (jaccard 0.83)` and `meta.duplicate_of = 12`, or
`near_reference: similar to row 7 of real.jsonl (jaccard 0.91)` and `meta.reference_match`.
The state journal holds the shingles of kept records (4 bytes each), from which resume
rebuilds the signatures and the band index exactly.
"""

from __future__ import annotations

import csv
import gzip
import io
import struct
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np
import orjson
from pydantic import Field, model_validator

from synthforge import registry
from synthforge.curate.minhash import (
    BandHasher,
    BandIndex,
    Ragged,
    Shingles,
    ShingleStore,
    nested,
    normalize_words,
    optimal_bands,
    shingle,
)
from synthforge.errors import UserError
from synthforge.record import Record, get_path
from synthforge.stage import Context, DataFile, StatefulCheck, StepConfig

MAX_CANDIDATES = 64  # verified per record, most shared bands first
REFERENCE_FORMATS = (".jsonl", ".ndjson", ".json", ".csv", ".tsv", ".parquet")
_CHUNK = 20_000  # texts hashed at once when loading references or restoring
_MAGIC = b"ND1\x00"
_HEAD = struct.Struct("<4sIII")  # magic, texts, shingles, numbers


class NearDedupConfig(StepConfig):
    """Reject records whose text nearly repeats an earlier record's (or a reference row's)."""

    fields: list[str] = Field(default_factory=list, description="Fields compared, joined "
                              "(default: every string in data).")
    ngram: int = Field(2, ge=1, le=16, description="Words per shingle.")
    threshold: float = Field(0.5, gt=0, lt=1, description="Jaccard similarity of the shingle "
                             "sets from which two texts are near duplicates.")
    verify: bool = Field(True, description="Confirm each LSH candidate by the exact Jaccard "
                         "of the shingle sets (off: every candidate is a duplicate).")
    num_perm: int = Field(128, ge=4, le=1024, description="Most MinHash permutations; "
                          "bands x rows of them are used.")
    bands: int | None = Field(None, ge=1, description="LSH bands (default: chosen from the "
                              "threshold and weights).")
    rows: int | None = Field(None, ge=1, description="MinHash values per band (with bands).")
    fp_weight: float = Field(0.2, ge=0, description="Weight of false positives when "
                             "choosing bands x rows.")
    fn_weight: float = Field(0.8, ge=0, description="Weight of false negatives when "
                             "choosing bands x rows.")
    numbers: Literal["match", "words", "fold"] = Field(
        "match", description="match: near duplicates only if one text's numbers are among "
        "the other's; words: numbers count like words; fold: every number reads 0.")
    reference: list[DataFile] = Field(default_factory=list, description="JSONL, JSON, CSV "
                                      "or Parquet files of real data: records near one of "
                                      "their rows are rejected.")
    reference_fields: list[str] = Field(default_factory=list, description="Fields of the "
                                        "reference rows compared (default: every string).")
    seed: int = Field(1, description="Seed of the MinHash permutations.")

    @model_validator(mode="after")
    def _check(self) -> NearDedupConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("set both bands and rows, or neither (they are chosen from the "
                             "threshold)")
        if self.fp_weight + self.fn_weight <= 0:
            raise ValueError("fp_weight and fn_weight cannot both be 0")
        for path in self.reference:
            if _format(path) is None:
                raise ValueError(f"{path.name}: unsupported reference file; use "
                                 f"{', '.join(REFERENCE_FORMATS)} (optionally .gz)")
        return self

    def band_shape(self) -> tuple[int, int]:
        """(bands, rows): as set, or the optimum for the threshold and weights."""
        if self.bands is not None and self.rows is not None:
            return self.bands, self.rows
        return optimal_bands(self.threshold, self.num_perm, self.fp_weight, self.fn_weight)


class Match(NamedTuple):
    """Why a text is a near duplicate: the slot (or batch position) it matched, and how."""

    slot: int
    in_batch: bool
    jaccard: float


class _MissingField(Exception):
    pass


@registry.register("step", "near_dedup")
class NearDedup(StatefulCheck):
    """Near duplicates by MinHash LSH and exact Jaccard: edited copies, reworded or
    reformatted repeats, copies of a reference set; the first record is kept."""

    Config = NearDedupConfig
    config: NearDedupConfig

    def __init__(self, config: NearDedupConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.bands, self.rows = config.band_shape()
        self.hasher = BandHasher(self.bands, self.rows, config.seed)
        self.index = BandIndex()
        self.store = ShingleStore()
        self._owner = np.zeros(1024, dtype=np.int64)  # record index by slot; -1: reference
        self._references: list[tuple[str, int]] = []  # (file name, row) of reference slots
        self._loaded = False
        self._delta: list[bytes] = []
        self._fold = config.numbers == "fold"
        self._numbers_match = config.numbers == "match"

    # ---- text --------------------------------------------------------------------------
    def _text(self, record: Record) -> str:
        fields = self.config.fields
        if not fields:
            return _strings(record.data)
        parts = []
        for name in fields:
            value = get_path(record, name)
            if value is None:
                raise _MissingField(name)
            parts.append(_field_text(value))
        return "\n".join(parts)

    def _words(self, texts: list[str]) -> list[bytes]:
        fold = self._fold
        return [normalize_words(t, fold) for t in texts]

    # ---- the check ---------------------------------------------------------------------
    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        self._load_references()
        verdicts: list[str | None] = [None] * len(records)
        texts: list[str] = []
        present: list[int] = []
        for i, record in enumerate(records):
            try:
                texts.append(self._text(record))
            except _MissingField as exc:
                verdicts[i] = f"missing_field: {exc.args[0]!r} is needed to find near duplicates"
                continue
            present.append(i)
        if not present:
            return verdicts
        grams = shingle(self._words(texts), self.config.ngram)
        keys = self.hasher.keys(grams)
        matches = self._decide(grams, keys)
        keep = np.ones(len(present), dtype=bool)
        keep[list(matches)] = False
        kept = np.flatnonzero(keep)
        owners = np.array([records[present[j]].index for j in kept.tolist()], dtype=np.int64)
        self._commit(grams.take(kept), keys[kept], owners)
        for j, match in matches.items():
            record = records[present[j]]
            verdicts[present[j]] = self._reason(record, match, records, present)
        return verdicts

    def _decide(self, grams: Shingles, keys: np.ndarray) -> dict[int, Match]:
        """Which texts of the batch match an earlier kept text (or a reference row)."""
        prior = self._prior_candidates(keys)
        groups, repeated = _batch_groups(keys)
        need = sorted(set(prior) | set(np.flatnonzero(repeated.any(axis=1)).tolist()))
        members: dict[int, list[int]] = {}  # band group -> kept batch positions
        matches: dict[int, Match] = {}
        for i in need:
            mine = groups[i][repeated[i]].tolist()
            shared = Counter(j for g in mine for j in members.get(g, ()))
            ranked = prior.get(i, []) + [(-n, 1, j) for j, n in shared.items()]
            ranked.sort()
            match = self._verify(i, grams, ranked[:MAX_CANDIDATES])
            if match is not None:
                matches[i] = match
                continue
            for g in mine:
                group = members.setdefault(g, [])
                if len(group) < self.index.bucket_limit:
                    group.append(i)
        return matches

    def _prior_candidates(self, keys: np.ndarray) -> dict[int, list[tuple[int, int, int]]]:
        """Per batch text, the stored slots sharing a band: (-shared bands, 0, slot)."""
        at, slots = self.index.query(keys.ravel())
        if not len(at):
            return {}
        pairs, shared = np.unique((at // self.bands).astype(np.uint64) << np.uint64(32)
                                  | slots.astype(np.uint64), return_counts=True)
        texts = (pairs >> np.uint64(32)).astype(np.int64)
        slot_of = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
        order = np.lexsort((slot_of, -shared, texts))  # per text: most shared bands first
        texts, shared, slot_of = texts[order], shared[order], slot_of[order]
        starts = np.flatnonzero(np.r_[True, texts[1:] != texts[:-1]])
        rank = np.arange(len(texts)) - np.repeat(starts, np.diff(np.r_[starts, len(texts)]))
        top = rank < MAX_CANDIDATES
        texts, shared, slot_of = texts[top], shared[top], slot_of[top]
        out: dict[int, list[tuple[int, int, int]]] = {}
        for t, n, s in zip(texts.tolist(), shared.tolist(), slot_of.tolist(), strict=True):
            out.setdefault(t, []).append((-n, 0, s))
        return out

    def _verify(self, i: int, grams: Shingles, ranked: list[tuple[int, int, int]]
                ) -> Match | None:
        """The first candidate (most shared bands first) that is a near duplicate of text i."""
        mine_set = set(grams.of(i).tolist())
        numbers = grams.numbers.row(i)
        for _, in_batch, target in ranked:
            if in_batch:
                theirs, their_numbers = grams.of(target), grams.numbers.row(target)
            else:
                theirs = self.store.grams.row(target)
                their_numbers = self.store.numbers.row(target)
            if self._numbers_match and not nested(numbers, their_numbers):
                continue
            other = set(theirs.tolist())
            inter = len(mine_set & other)
            similarity = inter / (len(mine_set) + len(other) - inter)
            if similarity >= self.config.threshold or not self.config.verify:
                return Match(target, bool(in_batch), similarity)
        return None

    def _commit(self, grams: Shingles, keys: np.ndarray, owners: np.ndarray) -> None:
        """Store the kept texts (signatures, shingles, owners) and journal them."""
        delta = _pack(owners, grams)
        self._store(grams, keys, owners)
        self._delta.append(delta)

    def _store(self, grams: Shingles, keys: np.ndarray, owners: np.ndarray) -> None:
        start = len(self.store)
        slots = self.store.add(grams)
        self._owner = _grown(self._owner, start + len(owners))
        self._owner[start:start + len(owners)] = owners
        self.index.add(keys.ravel(), np.repeat(slots, self.bands))

    def _reason(self, record: Record, match: Match, records: Sequence[Record],
                present: list[int]) -> str:
        similarity = round(match.jaccard, 2)
        record.meta["jaccard"] = similarity
        if not match.in_batch and match.slot < len(self._references):
            name, row = self._references[match.slot]
            record.meta["reference_match"] = {"file": name, "row": row}
            return f"near_reference: similar to row {row} of {name} (jaccard {similarity:.2f})"
        if match.in_batch:
            first = records[present[match.slot]].index
        else:
            first = int(self._owner[match.slot])
        record.meta["duplicate_of"] = first
        return f"near_duplicate: similar to record #{first} (jaccard {similarity:.2f})"

    # ---- state -------------------------------------------------------------------------
    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return b"".join(delta)

    def restore(self, journal: bytes) -> None:
        """Rebuild the kept texts' signatures and band index from the journal."""
        self._load_references()
        for owners, grams in _unpack(journal):
            for start in range(0, len(owners), _CHUNK):
                part = grams.slice(start, start + _CHUNK)
                self._store(part, self.hasher.keys(part), owners[start:start + _CHUNK])

    # ---- reference sets ----------------------------------------------------------------
    def _load_references(self) -> None:
        """Index the reference files' rows (once, before any record is stored)."""
        if self._loaded:
            return
        self._loaded = True
        fields = self.config.reference_fields
        for path in self.config.reference:
            texts: list[str] = []
            rows: list[int] = []
            for row, data in enumerate(read_rows(path)):
                text = _row_text(data, fields)
                if text.strip():
                    texts.append(text)
                    rows.append(row)
            for start in range(0, len(texts), _CHUNK):
                grams = shingle(self._words(texts[start:start + _CHUNK]), self.config.ngram)
                self._store(grams, self.hasher.keys(grams), np.full(len(grams), -1))
            self._references += [(path.name, row) for row in rows]


class _Batch(NamedTuple):
    groups: np.ndarray
    repeated: np.ndarray


def _batch_groups(keys: np.ndarray) -> _Batch:
    """For a (texts, bands) key array: a group id per key (equal keys, equal ids) and
    whether the key occurs more than once in the batch."""
    _, inverse, counts = np.unique(keys.ravel(), return_inverse=True, return_counts=True)
    groups = inverse.reshape(keys.shape)
    return _Batch(groups, counts[groups] > 1)


def _strings(value: Any) -> str:
    """Every string in a value (objects by sorted key, lists in order), one per line."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if all(v.__class__ is str for v in value.values()):  # the common flat record
            return "\n".join(value[k] for k in sorted(value))
        parts = (_strings(value[k]) for k in sorted(value))
    elif isinstance(value, list | tuple):
        parts = (_strings(v) for v in value)
    else:
        return ""
    return "\n".join(p for p in parts if p)


def _field_text(value: Any) -> str:
    """The text of a named field: a number or boolean as written, else its strings."""
    if isinstance(value, bool | int | float):
        return str(value)
    return _strings(value)


def _row_text(row: dict[str, Any], fields: list[str]) -> str:
    if not fields:
        return _strings(row)
    parts = []
    for name in fields:
        value: Any = row
        for part in [name] if name in row else name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if value is not None:
            parts.append(_field_text(value))
    return "\n".join(parts)


def _grown(array: np.ndarray, need: int) -> np.ndarray:
    if need <= len(array):
        return array
    bigger = np.zeros(max(need, 2 * len(array)), dtype=array.dtype)
    bigger[:len(array)] = array
    return bigger


# ---- the journal ------------------------------------------------------------------------

def _pack(owners: np.ndarray, grams: Shingles) -> bytes:
    """One journal block, little-endian behind a header: owners (int64), shingle and number
    counts (uint32), then the shingles and the number hashes (uint32)."""
    if not len(owners):
        return b""
    return b"".join((_HEAD.pack(_MAGIC, len(owners), len(grams.grams.values),
                                len(grams.numbers.values)),
                     owners.astype("<i8").tobytes(),
                     grams.grams.counts().astype("<u4").tobytes(),
                     grams.numbers.counts().astype("<u4").tobytes(),
                     grams.grams.values.astype("<u4").tobytes(),
                     grams.numbers.values.astype("<u4").tobytes()))


def _unpack(journal: bytes) -> Iterator[tuple[np.ndarray, Shingles]]:
    view = memoryview(journal)
    at = 0

    def take(dtype: str, count: int) -> np.ndarray:
        nonlocal at
        out = np.frombuffer(view, dtype, count, at)
        at += out.nbytes
        return out

    while at < len(view):
        magic, n, n_grams, n_numbers = _HEAD.unpack_from(view, at)
        if magic != _MAGIC:
            raise ValueError(f"near_dedup journal is damaged at byte {at}")
        at += _HEAD.size
        owners = take("<i8", n).astype(np.int64)
        gram_counts, number_counts = take("<u4", n), take("<u4", n)
        grams = Ragged.of_counts(take("<u4", n_grams).astype(np.uint32), gram_counts)
        numbers = Ragged.of_counts(take("<u4", n_numbers).astype(np.uint32), number_counts)
        yield owners, Shingles(grams, numbers)


# ---- reading reference files ------------------------------------------------------------

def _format(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes and suffixes[-1] in REFERENCE_FORMATS else None


def read_rows(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a JSONL, JSON (array), CSV/TSV or Parquet file as dicts; text formats may
    be gzipped. A malformed row is a UserError naming the file and line."""
    kind = _format(path)
    if kind == ".parquet":
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=10_000):
            yield from batch.to_pylist()
        return
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    text = raw.decode("utf-8-sig")
    if kind in (".csv", ".tsv"):
        yield from csv.DictReader(io.StringIO(text, newline=""),
                                  delimiter="\t" if kind == ".tsv" else ",")
    elif kind == ".json" and text.lstrip().startswith("["):
        rows = _loads(text, path, 1)
        if not isinstance(rows, list):
            raise UserError(f"{path}: expected a JSON array of objects")
        yield from (r for r in rows if isinstance(r, dict))
    else:
        for line_no, line in enumerate(text.splitlines(), 1):
            if line.strip():
                row = _loads(line, path, line_no)
                if isinstance(row, dict):
                    yield row


def _loads(text: str, path: Path, line: int) -> Any:
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        raise UserError(f"{path}:{line}: invalid JSON: {exc}") from None
