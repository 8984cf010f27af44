"""Exact deduplication: the first record with a given (normalised) content is kept."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import xxhash
from pydantic import Field

from synthforge import registry
from synthforge.curate.keyindex import KeyIndex
from synthforge.curate.normalize import normalize_bytes
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
        self._delta: list[tuple[int, int]] = []
        self._key = self._key_function(config)
        self._what = ", ".join(config.fields) if config.fields else "content"

    @staticmethod
    def _key_function(config: DedupConfig) -> Callable[[Record], int]:
        norm: Callable[[str], bytes] = normalize_bytes if config.normalize else str.encode
        hash64 = xxhash.xxh3_64_intdigest

        def part(value: Any) -> bytes:
            return norm(value) if isinstance(value, str) else canonical_json(value)

        fields = list(config.fields)
        if len(fields) == 1 and "." not in fields[0]:
            (name,) = fields

            def one(record: Record) -> int:
                value = record.data.get(name)
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
        keys: list[int] = []
        verdicts: list[str | None] = [None] * len(records)
        missing: dict[int, str] = {}
        key_fn = self._key
        for i, record in enumerate(records):
            try:
                keys.append(key_fn(record))
            except _MissingField as exc:
                keys.append(0)
                missing[i] = f"missing_field: {exc.args[0]!r} is needed to deduplicate"
        found = self.index.find(keys)
        new: dict[int, int] = {}
        for i, (record, key, first) in enumerate(zip(records, keys, found, strict=True)):
            if i in missing:
                verdicts[i] = missing[i]
                continue
            if first < 0:
                first = new.get(key, -1)
            if first >= 0:
                record.meta["duplicate_of"] = first
                verdicts[i] = f"duplicate: same {self._what} as record #{first}"
            else:
                new[key] = record.index
        self.index.add(new)
        self._delta.extend(new.items())
        return verdicts

    def take_delta(self) -> bytes:
        delta, self._delta = self._delta, []
        return KeyIndex.pack(delta)

    def restore(self, journal: bytes) -> None:
        self.index.restore(journal)
