"""Exact deduplication: the first record with a given (normalised) content is kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import xxhash
from pydantic import Field

from synthforge import registry
from synthforge.curate.keyindex import KeyIndex
from synthforge.curate.normalize import ASCII_FOLD, normalize_bytes
from synthforge.record import Record, canonical_json, get_path
from synthforge.stage import Context, StatefulCheck, StepConfig

_SEP = b"\x1f"


class DedupConfig(StepConfig):
    """Reject records whose chosen fields repeat an earlier record's."""

    kind: Literal["exact"] = Field("exact", description="exact: equal after normalisation.")
    fields: list[str] = Field(default_factory=list, description="Fields compared (default: "
                              "every field of data).")
    normalize: bool = Field(True, description="Fold Unicode form (NFKC), case, punctuation "
                            "and whitespace before comparing.")


class _MissingField(Exception):
    pass


@registry.register("step", "dedup")
class ExactDedup(StatefulCheck):
    """Exact duplicates: NFKC, case, punctuation and whitespace folded; first seen is kept."""

    Config = DedupConfig

    def __init__(self, config: DedupConfig, ctx: Context, name: str):
        super().__init__(config, ctx, name)
        self.index = KeyIndex()
        self._delta: list[bytes] = []
        self._key = self._key_function(config)
        self._what = ", ".join(config.fields) if config.fields else "content"

    @staticmethod
    def _key_function(config: DedupConfig) -> Callable[[Record], int]:
        norm: Callable[[str], bytes] = normalize_bytes if config.normalize else str.encode
        hash64 = xxhash.xxh3_64_intdigest

        def part(value: Any) -> bytes:
            return norm(value) if isinstance(value, str) else canonical_json(value)

        fields = list(config.fields)
        if len(fields) == 1 and "." not in fields[0] and config.normalize:
            (name,) = fields
            table = ASCII_FOLD

            def one(record: Record) -> int:
                value = record.data.get(name)
                if value.__class__ is str and value.isascii():  # the common case, inlined
                    return hash64(b" ".join(value.encode().translate(table).split()))
                if value is None:
                    raise _MissingField(name)
                return hash64(part(value))

            return one

        def many(record: Record) -> int:
            if not fields:
                data = record.data
                return hash64(_SEP.join(part(data[k]) for k in sorted(data)))
            values = [get_path(record, f) for f in fields]
            for f, v in zip(fields, values, strict=True):
                if v is None:
                    raise _MissingField(f)
            return hash64(_SEP.join(part(v) for v in values))

        return many

    def check_batch(self, records: Sequence[Record]) -> list[str | None]:
        hashed: list[int] = []
        missing: dict[int, str] = {}
        key_fn = self._key
        for i, record in enumerate(records):
            try:
                hashed.append(key_fn(record))
            except _MissingField as exc:
                hashed.append(0)
                missing[i] = f"missing_field: {exc.args[0]!r} is needed to deduplicate"
        keys = np.array(hashed, dtype=np.uint64)
        indices = np.fromiter((r.index for r in records), dtype=np.int64, count=len(records))
        pos = np.setdiff1d(np.arange(len(records)), list(missing)) if missing else np.arange(
            len(records))
        found = self.index.find(keys[pos])
        _, first, inverse = np.unique(keys[pos], return_index=True, return_inverse=True)
        earlier = pos[first[inverse.reshape(-1)]]  # where this key first appears in the batch
        new = (found < 0) & (earlier == pos)
        again = (found < 0) & ~new
        found[again] = indices[earlier[again]]
        self.index.add(keys[pos[new]], indices[pos[new]])
        self._delta.append(KeyIndex.pack(keys[pos[new]], indices[pos[new]]))
        verdicts: list[str | None] = [None] * len(records)
        for j in np.flatnonzero(found >= 0).tolist():
            first_index = int(found[j])
            records[pos[j]].meta["duplicate_of"] = first_index
            verdicts[pos[j]] = f"duplicate: same {self._what} as record #{first_index}"
        for i, reason in missing.items():
            verdicts[i] = reason
        return verdicts

    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return b"".join(delta)

    def restore(self, journal: bytes) -> None:
        self.index.restore(journal)

